"""Units at scale: one ranking row per unit, grade distributions, top/bottom lists, one unit's details.

Pure functions of an :class:`~evalcore.model.Evaluation` (the pages cache them per published version). Money stays
``Decimal`` in 万元; rates and scores are unrounded Decimals (formatting rounds half-up).
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from decimal import Decimal

import pandas as pd

from . import budget, scoring
from .model import Evaluation
from .numbers import HUNDRED

# Up to this many units a page lists them (one card / bar per unit); beyond it, it summarises.
LIST_LIMIT = 8
UNGRADED = "未评等次"

RANKING_COLUMNS = ["rank", "unit", "name", "role", "budget", "executed", "rate", "unspent", "score", "grade",
                   "grade_derived", "below_target", "problems", "rectification"]


def is_large(ev: Evaluation) -> bool:
    """Whether pages summarise this evaluation instead of listing its units."""
    return len(ev.units) > LIST_LIMIT


def unit_ranking(ev: Evaluation) -> pd.DataFrame:
    """Every unit (in listed order) with budget, rate, score, grade, whether its rate is below the target, the
    problems and 整改 items that name it, and its rank by score (1 = highest; equal scores share a rank; units
    without a score have no rank)."""
    budgets = {row["unit"]: row for row in budget.budget_table(ev).to_dict("records")}
    results = {row["unit"]: row for row in scoring.results_table(ev).to_dict("records")}
    problems = Counter(p.unit for p in ev.problems if p.unit)
    items = Counter(it.unit for it in ev.rectification if it.unit)
    target = ev.meta.rate_target
    rows = []
    for u in ev.units:
        b = budgets.get(u.key)
        r = results.get(u.key)
        rate = _value(b, "rate")
        score = _value(r, "score")
        rows.append({
            "unit": u.key,
            "name": u.name,
            "role": u.role,
            "budget": _value(b, "budget"),
            "executed": _value(b, "executed"),
            "rate": rate,
            "unspent": _value(b, "unspent"),
            "score": score,
            "grade": (r["grade"] or None) if r is not None else None,
            "grade_derived": bool(r is not None and r["grade_derived"]),
            "below_target": rate is not None and rate < target,
            "problems": problems[u.key],
            "rectification": items[u.key],
        })
    df = pd.DataFrame(rows, columns=RANKING_COLUMNS)
    for column in ("budget", "executed", "rate", "unspent", "score", "grade"):  # None stays None (never NaN)
        df[column] = pd.Series([row[column] for row in rows], dtype=object)
    df["rank"] = pd.Series(_ranks([_value(row, "score") for row in rows]), dtype=object)  # None for "no rank"
    return df


def _value(row: dict | None, column: str) -> Decimal | None:
    if row is None:
        return None
    v = row.get(column)
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else v


def _ranks(scores: list[Decimal | None]) -> list[int | None]:
    """Competition ranks ("1224"): the highest score is 1, equal scores share the better rank."""
    ordered = sorted((s for s in scores if s is not None), reverse=True)
    first: dict[Decimal, int] = {}
    for i, s in enumerate(ordered, start=1):
        first.setdefault(s, i)
    return [None if s is None else first[s] for s in scores]


def grade_distribution(ev: Evaluation, ranking: pd.DataFrame | None = None) -> pd.DataFrame:
    """Units and funds (预算, 万元) per 等次, in the evaluation's band order, every band present; units without a
    score as 未评等次 (only when there are some)."""
    df = unit_ranking(ev) if ranking is None else ranking
    order = [b.grade for b in ev.meta.grade_bands]
    rows = []
    for grade in order + [UNGRADED]:
        sub = df[df["grade"].isna()] if grade == UNGRADED else df[df["grade"] == grade]
        if grade == UNGRADED and sub.empty:
            continue
        rows.append({"grade": grade, "units": len(sub),
                     "budget": sum((v for v in sub["budget"] if v is not None), Decimal(0))})
    return pd.DataFrame(rows, columns=["grade", "units", "budget"])


def ranked(ranking: pd.DataFrame, column: str, n: int = 10, highest: bool = True) -> pd.DataFrame:
    """The ``n`` units with the highest (or lowest) ``column``, best first; units without a value left out.
    Ties keep the listed order."""
    df = ranking[ranking[column].notna()]
    key = df[column].map(float)  # only to order the rows: the values themselves stay Decimal
    order = key.sort_values(ascending=not highest, kind="stable").index
    return df.loc[order[:n]].reset_index(drop=True)


def lowest_scores(ranking: pd.DataFrame, n: int = 5) -> list[str]:
    """The keys of the ``n`` lowest-scoring units (the default selection of 单位对比)."""
    return list(ranked(ranking, "score", n, highest=False)["unit"])


def filter_ranking(ranking: pd.DataFrame, *, roles: list[str] | None = None, grades: list[str] | None = None,
                   below_target: bool = False, query: str = "") -> pd.DataFrame:
    """Rows matching every filter given: unit type, grade (未评等次 for units without one), rate below the target,
    and a search text found in the short or full name."""
    df = ranking
    if roles:
        df = df[df["role"].isin(roles)]
    if grades:
        graded = df["grade"].fillna(UNGRADED)
        df = df[graded.isin(grades)]
    if below_target:
        df = df[df["below_target"]]
    query = query.strip()
    if query:
        df = df[df["unit"].str.contains(query, regex=False) | df["name"].str.contains(query, regex=False)]
    return df


def averages(ranking: pd.DataFrame) -> dict[str, Decimal | None]:
    """The evaluation's average score and average unit execution rate (means over the units that have one)."""
    out: dict[str, Decimal | None] = {}
    for column in ("score", "rate"):
        values = [v for v in ranking[column] if v is not None]
        out[column] = sum(values, Decimal(0)) / len(values) if values else None
    return out


def dimension_average(ev: Evaluation) -> pd.DataFrame:
    """Per 一级指标: points and the mean score over the scored units (and that mean as % of the points)."""
    dims = scoring.dimension_table(ev)
    rows = []
    for (key, name), sub in dims.groupby(["id", "name"], sort=False):
        values = [v for v in sub["score"] if v is not None and not (isinstance(v, float) and pd.isna(v))]
        points = sub["points"].iloc[0]
        mean = sum(values, Decimal(0)) / len(values) if values else None
        rows.append({"id": key, "name": name, "points": points, "score": mean,
                     "share": (mean / points * HUNDRED) if mean is not None and points else None})
    return pd.DataFrame(rows, columns=["id", "name", "points", "score", "share"])


# --- one unit ---------------------------------------------------------------------------------------------

def _only(ev: Evaluation, unit: str) -> Evaluation:
    """The evaluation restricted to one unit's budget lines, scores and results (indicators and bands kept), so
    the scoring functions compute that unit alone."""
    return dataclasses.replace(
        ev,
        units=tuple(u for u in ev.units if u.key == unit),
        budget_lines=tuple(b for b in ev.budget_lines if b.unit == unit),
        scores=tuple(s for s in ev.scores if s.unit == unit),
        results=tuple(r for r in ev.results if r.unit == unit),
    )


def unit_budget_lines(ev: Evaluation, unit: str) -> pd.DataFrame:
    """One unit's budget lines: project, kind, budget, executed, rate, stated rate, note."""
    rows = []
    for ln in ev.budget_lines:
        if ln.unit != unit:
            continue
        r = budget.execution_rate(ln.budget, ln.executed)
        rows.append({"project": ln.project, "kind": ln.kind, "budget": ln.budget, "executed": ln.executed,
                     "rate": r.rate, "stated_rate": ln.stated_rate, "note": ln.note or r.reason})
    return pd.DataFrame(rows, columns=["project", "kind", "budget", "executed", "rate", "stated_rate", "note"])


def unit_indicators(ev: Evaluation, unit: str) -> pd.DataFrame:
    """:func:`evalcore.scoring.indicator_table` of one unit (computed for that unit only)."""
    return scoring.indicator_table(_only(ev, unit))


def unit_dimensions(ev: Evaluation, unit: str) -> pd.DataFrame:
    """:func:`evalcore.scoring.dimension_table` of one unit."""
    return scoring.dimension_table(_only(ev, unit))


def unit_problems(ev: Evaluation, unit: str) -> pd.DataFrame:
    """The unit's problems, in report order: those that name it and those its 整改 items answer (a unit with
    four 整改 items is never shown "涉及的问题（0 项）"). id, category, text, and ``via``: "" for a problem that
    names the unit, else the ids of the unit's 整改 items that answer it ("Z01、Z02")."""
    answered: dict[str, list[str]] = {}
    for it in ev.rectification:
        if it.unit == unit and it.problem:
            answered.setdefault(it.problem, []).append(it.id)
    rows = [{"id": p.id, "category_no": p.category_no, "category": p.category, "text": p.text,
             "via": "" if p.unit == unit else "、".join(answered[p.id])}
            for p in ev.problems if p.unit == unit or p.id in answered]
    return pd.DataFrame(rows, columns=["id", "category_no", "category", "text", "via"])


def unit_rectification(ev: Evaluation, unit: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The unit's 整改 items (id, problem, task, deadline, status, progress, note) and their dated history."""
    items = [it for it in ev.rectification if it.unit == unit]
    rows = [{"id": it.id, "problem": it.problem or "", "task": it.task, "deadline": it.deadline, "status": it.status,
             "progress": it.progress, "note": it.note} for it in items]
    history = [{"id": c.item, "date": c.date, "old_status": c.old_status, "new_status": c.new_status,
                "progress": c.progress, "note": c.note, "by": c.by} for it in items for c in it.history]
    hist = pd.DataFrame(history, columns=["id", "date", "old_status", "new_status", "progress", "note", "by"])
    if not hist.empty:
        hist = hist.sort_values(["date", "id"], kind="stable").reset_index(drop=True)
    return (pd.DataFrame(rows, columns=["id", "problem", "task", "deadline", "status", "progress", "note"]), hist)


def evaluation_averages(ev: Evaluation) -> dict[str, Decimal | None]:
    """:func:`averages` of the evaluation's ranking."""
    return averages(unit_ranking(ev))


AVERAGE_LABEL = "（评价平均）"


def selected_dimensions(ev: Evaluation, units: tuple[str, ...]) -> pd.DataFrame:
    """:func:`evalcore.scoring.dimension_table` of a few units only (in the order given)."""
    wanted = set(units)
    sub = dataclasses.replace(
        ev,
        units=tuple(sorted((u for u in ev.units if u.key in wanted), key=lambda u: units.index(u.key))),
        budget_lines=tuple(b for b in ev.budget_lines if b.unit in wanted),
        scores=tuple(s for s in ev.scores if s.unit in wanted),
        results=tuple(r for r in ev.results if r.unit in wanted),
    )
    return scoring.dimension_table(sub)


def with_average(dims: pd.DataFrame, average: pd.DataFrame) -> pd.DataFrame:
    """Per-unit dimension rows followed by the evaluation's average as one more "unit" (:data:`AVERAGE_LABEL`)."""
    avg = average.assign(unit=AVERAGE_LABEL)[["unit", "id", "name", "points", "score", "share"]]
    return pd.concat([dims, avg], ignore_index=True)
