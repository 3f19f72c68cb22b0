"""The summary of an evaluation as plain data (the ``summary --json`` contract): numbers as 2-decimal strings."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from . import budget, findings, rectification, scoring
from .consistency import Discrepancy, check
from .model import Evaluation
from .numbers import fmt2
from .workbook import stated_place

GRADE_SOURCE_LABEL = {"stated": "报告所列", "derived": "按分数段推算"}


def grade_text(unit: dict[str, Any]) -> str:
    """A summary unit's grade as shown to a reader: "良（报告所列）" or "良（按分数段推算）"; "" without a grade."""
    if not unit.get("grade"):
        return ""
    return f"{unit['grade']}（{GRADE_SOURCE_LABEL[unit['grade_source']]}）"


def summarize(ev: Evaluation, as_of: dt.date) -> dict[str, Any]:
    rates = budget.unit_rates(ev)
    scores = scoring.all_unit_scores(ev)
    stated_rates = budget.stated_rates(ev)
    naming = Counter(p.unit for p in ev.problems if p.unit)
    units = []
    for u in ev.units:
        r = rates[u.key]
        us = scores.get(u.key)
        total = us.total if us else None
        grade = scoring.grade_for(total, ev.meta.grade_bands)
        stated_grade = us.stated_grade if us else None
        units.append({
            "unit": u.key,
            "name": u.name,
            "budget": fmt2(r.budget) or None,
            "executed": fmt2(r.executed) or None,
            "execution_rate": fmt2(r.rate) or None,
            "stated_rate": fmt2(stated_rates[u.key]) or None,
            "rate_note": r.reason or None,
            "score": fmt2(total) or None,
            "score_computed": fmt2(us.computed_total) if us and us.computed_total is not None else None,
            "grade": grade,
            "stated_grade": stated_grade,
            # "stated" only when the report states this very grade; "derived" when it comes from the score and the
            # grade bands (the report states no grade, or states another one: see "consistency")
            "grade_source": None if grade is None else "stated" if grade == stated_grade else "derived",
            "problems_naming_unit": naming[u.key],
        })
    overall = budget.overall(ev)
    pcats = findings.counts_by_category(findings.problems_table(ev))
    rcats = findings.counts_by_category(findings.recommendations_table(ev))
    rs = rectification.rectification_summary(ev, as_of)
    return {
        "title": ev.meta.title,
        "year": ev.meta.year,
        "region": ev.meta.region,
        "evaluator": ev.meta.evaluator,
        "illustrative": sorted(ev.meta.illustrative),
        "units": units,
        "totals": {
            "budget": fmt2(overall.budget) or None,
            "executed": fmt2(overall.executed) or None,
            "execution_rate": fmt2(overall.rate) or None,
            "stated_budget": fmt2(ev.meta.stated_total_budget) or None,
            "stated_executed": fmt2(ev.meta.stated_total_executed) or None,
        },
        # why the totals have no rate; when a budget line lacks an amount, the totals above sum the amounts that
        # are known and this says so (e.g. "缺少预算金额（3 项中 1 项未列明），无法计算执行率；预算合计 … 只含…")
        "totals_note": overall.reason or None,
        # stated figures that disagree with the ones computed from the data (both values named)
        "consistency": [_discrepancy(d) for d in check(ev)],
        "problems": {
            "categories": len(pcats),
            "items": len(ev.problems),
            "per_category": [int(n) for n in pcats["count"]],
        },
        "recommendations": {
            "categories": len(rcats),
            "items": len(ev.recommendations),
            "per_category": [int(n) for n in rcats["count"]],
        },
        "achievements": {"areas": len(ev.achievement_areas), "items": len(ev.achievements)},
        "rectification": {
            "as_of": as_of.isoformat(),
            "illustrative": ev.is_illustrative("rectification"),
            "items": rs.total,
            "by_status": rs.by_status,
            "closed": rs.closed,
            "rate": fmt2(rs.rate) or None,
            "overdue": rs.overdue,
        },
    }


def _discrepancy(d: Discrepancy) -> dict[str, Any]:
    """One finding of :func:`evalcore.consistency.check`, with the workbook sheet and column holding the figure."""
    where, column = stated_place(d.record, d.field)
    return {"what": d.what, "stated": d.stated, "computed": d.computed, "where": where, "unit": d.unit,
            "column": column, "message": d.message}
