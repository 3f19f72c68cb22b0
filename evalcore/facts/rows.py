"""One evaluation's facts: the rows :mod:`evalcore.facts.write` stores for a version. Pure, no I/O.

The rules are those of :func:`evalcore.portfolio.build` (a unit is counted when it is funded or scored; its 等次
is the stated one, else the one its score falls in by the evaluation's bands, marked not stated; a problem's
theme by :mod:`evalcore.problem_themes`), so the pages that query these rows show what the in-memory portfolio showed.
What depends on the date (整改 status as of a day, overdue) is left to the queries: the rows keep the current
status, the deadline, and the dated changes of status.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import budget, problem_themes, scoring
from ..matching import normalise, prefixed_key
from ..model import Evaluation
from ..portfolio import GRADES, NO_GRADE, kind_of
from ..rectification import closed_on

GRADE_COLUMNS = {"优": "grade_you", "良": "grade_liang", "中": "grade_zhong", "差": "grade_cha"}


@dataclass
class Facts:
    """Rows without ``version_id`` / ``evaluation_id`` (the writer adds them)."""

    evaluation: dict
    units: list[dict] = field(default_factory=list)
    dimensions: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    recommendations: list[dict] = field(default_factory=list)
    rectifications: list[dict] = field(default_factory=list)
    rect_changes: list[dict] = field(default_factory=list)
    grades: list[dict] = field(default_factory=list)  # per 等次: units, funded units, Σ budget


def search_text(*parts: str | None) -> str:
    """What the portfolio's search looks in: title, region, evaluator, kind, lower case, space-joined."""
    return " ".join(p or "" for p in parts).lower()


def facts_of(ev: Evaluation, scores: Mapping[str, scoring.UnitScore] | None = None) -> Facts:
    """The fact rows of ``ev``. ``scores``: :func:`evalcore.scoring.all_unit_scores` of ``ev`` when the caller
    has them (the publish reuses those its validation computed); computed here otherwise."""
    meta = ev.meta
    kind, inferred = kind_of(meta)
    rates = budget.unit_rates(ev)
    if scores is None:
        scores = scoring.all_unit_scores(ev)
    naming: dict[str, int] = {}
    for p in ev.problems:
        if p.unit:
            naming[p.unit] = naming.get(p.unit, 0) + 1
    region_key = normalise(meta.region)
    units: list[dict[str, Any]] = []
    grades = dict.fromkeys((*GRADES, NO_GRADE), 0)
    derived = 0
    for seq, u in enumerate(ev.units, start=1):
        r = rates[u.key]
        short_key = normalise(u.key)
        us = scores.get(u.key)
        counted = not (r.budget is None and r.executed is None and us is None)
        total = us.total if us else None
        stated_grade = us.stated_grade if us else None
        grade = stated_grade or scoring.grade_for(total, meta.grade_bands) or NO_GRADE
        if counted:
            grades[grade] = grades.get(grade, 0) + 1
            if grade != NO_GRADE and not stated_grade:
                derived += 1
        units.append({
            "seq": seq, "unit": u.key, "name": u.name or "", "name_key": normalise(u.name),
            "short_key": short_key, "region_key": region_key,
            "prefixed_key": prefixed_key(region_key, short_key), "unit_type": u.role or "", "counted": counted,
            "budget": r.budget, "executed": r.executed, "rate": r.rate,
            "rate_complete": bool(r.rate is not None and r.complete), "score": total, "grade": grade,
            "grade_stated": bool(stated_grade), "problems": naming.get(u.key, 0),
        })
    # the rows of scoring.dimension_table (一级指标 x scored unit), without building its DataFrame
    top_level = min((i.level for i in ev.indicators), default=None)
    top = [i for i in ev.indicators if i.level == top_level]
    dimensions = [{"unit": key, "indicator": i.id, "name": i.name, "points": i.points,
                   "score": us.node_scores.get(i.id)} for key, us in scores.items() for i in top]
    rules = problem_themes.default_rules()
    cat_theme = {no: problem_themes.classify(title, rules) for no, title in ev.problem_categories}
    generic = {no for no, title in ev.problem_categories if problem_themes.is_generic(title)}
    problems = []
    for seq, p in enumerate(ev.problems, start=1):
        m = problem_themes.classify(p.text, rules) if p.category_no in generic else cat_theme[p.category_no]
        problems.append({"seq": seq, "item": p.id, "category_no": p.category_no, "category": p.category,
                         "theme": m.theme, "keyword": m.keyword, "by_item": p.category_no in generic,
                         "text": p.text, "unit": p.unit})
    recommendations = [{"seq": seq, "item": r.id, "category_no": r.category_no, "category": r.category,
                        "text": r.text, "answers": "、".join(r.answers)}
                       for seq, r in enumerate(ev.recommendations, start=1)]
    closed_statuses = meta.closed_statuses
    rects, changes = [], []
    for seq, it in enumerate(ev.rectification, start=1):
        ordered = sorted(it.history, key=lambda c: c.date)  # stable: the order of status_on
        rects.append({
            "seq": seq, "item": it.id, "problem": it.problem or "", "unit": it.unit, "status": it.status,
            "closed": it.status in closed_statuses, "deadline": it.deadline,
            "closed_on": closed_on(it, closed_statuses), "progress": it.progress,
            "initial_closed": bool(ordered) and ordered[0].old_status in closed_statuses,
            "first_change": ordered[0].date if ordered else None,
            "last_change": ordered[-1].date if ordered else None,
        })
        changes += [{"item": it.id, "seq": i, "day": c.date, "closed": c.new_status in closed_statuses}
                    for i, c in enumerate(ordered)]
    overall = budget.overall(ev)
    results = [u for u in units if u["counted"]]
    funded = [u for u in results if u["budget"] is not None]
    complete = [u for u in results if u["rate_complete"]]

    def sum_of(rows: list[dict], key: str) -> Decimal | None:
        values = [r[key] for r in rows if r[key] is not None]
        return sum(values, Decimal(0)) if values else None

    evaluation = {
        "region": meta.region or "", "year": meta.year, "kind": kind, "kind_inferred": inferred,
        "title": meta.title, "evaluator": meta.evaluator or "",
        "search_text": search_text(meta.title, meta.region, meta.evaluator, kind),
        "units": len(results), "funded_units": len(funded), "funded_budget": sum_of(funded, "budget"),
        "units_executed": sum_of(results, "executed"), "complete_units": len(complete),
        "complete_budget": sum_of(complete, "budget"), "complete_executed": sum_of(complete, "executed"),
        "budget": overall.budget, "executed": overall.executed,
        "rate": overall.rate, **{GRADE_COLUMNS[g]: grades.get(g, 0) for g in GRADES},
        "grade_none": grades.get(NO_GRADE, 0), "grades_derived": derived, "problems": len(ev.problems),
        "problem_categories": len(ev.problem_categories), "recommendations": len(ev.recommendations),
        "rect_items": len(rects), "rect_closed": sum(1 for r in rects if r["closed"]),
        "rect_illustrative": ev.is_illustrative("rectification"),
        "scores_illustrative": ev.is_illustrative("scores"),
    }
    by_grade: dict[str, dict[str, Any]] = {}
    for row in results:
        g = by_grade.setdefault(row["grade"], {"grade": row["grade"], "units": 0, "funded_units": 0,
                                               "funded_budget": None})
        g["units"] += 1
        if row["budget"] is not None:
            g["funded_units"] += 1
            g["funded_budget"] = (g["funded_budget"] or Decimal(0)) + row["budget"]
    return Facts(evaluation, units, dimensions, problems, recommendations, rects, changes, list(by_grade.values()))


DIMENSION_KEYS = ("unit", "indicator", "name", "points", "score")


def _exact(value: Any) -> str | None:
    if value is None:
        return None
    return format(value if type(value) is Decimal else Decimal(value), "f")


def dimensions_document(rows: Iterable[Mapping[str, Any]]) -> str:
    """A version's dimension rows (``Facts.dimensions``, in their order) as the JSON document
    ``fact_dimension_sets.dimensions`` keeps: ``[[unit, indicator, name, points, score], …]``, points and score
    as exact decimal text."""
    return json.dumps([[r["unit"], r["indicator"], r["name"], _exact(r["points"]), _exact(r["score"])]
                       for r in rows], ensure_ascii=False, separators=(",", ":"))


def dimension_rows(document: str) -> list[dict[str, Any]]:
    """The rows of :func:`dimensions_document`, in their order, points and score as ``Decimal`` again."""
    return [{"unit": unit, "indicator": indicator, "name": name, "points": Decimal(points),
             "score": None if score is None else Decimal(score)}
            for unit, indicator, name, points, score in json.loads(document)]


__all__ = ["DIMENSION_KEYS", "GRADE_COLUMNS", "Facts", "dimension_rows", "dimensions_document", "facts_of",
           "search_text"]
