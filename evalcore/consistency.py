"""Consistency (一致性核对): every figure a report states, compared with the one computed from the data.

    check(ev) -> list[Discrepancy]

Not to be confused with ``audit`` (操作日志, who did what) or ``findings`` (问题/建议/整改 of a report).

Checks (each disagreement is one ``Discrepancy`` naming both values; figures compared at 2 decimals, half-up):

- 预算执行: a budget line's stated rate (报告执行率) vs executed ÷ budget; a stated rate where no rate can be computed
  (no budget, zero budget, no executed amount) is reported too;
- 评价信息: the stated 资金总额 vs the sum of the budget lines' budgets, the stated 实际执行总额 vs the sum of the
  executed amounts (only when every line has the amount: a partial sum is not a total);
- 评价结果: a stated score vs the indicator breakdown (when there is one, via :func:`evalcore.scoring.score_unit`);
  a stated grade vs the grade the (stated, else computed) score falls in under the evaluation's grade bands.

Each finding is a domain fact: which record (a budget line, the evaluation's meta, a unit's result) and which of
its fields states the figure. Where that field sits in a workbook (sheet and column) is the workbook's business:
:func:`evalcore.workbook.stated_place` words it, :mod:`evalcore.workbook.validate` puts it on the Excel row.

Counts a report states in words (“存在以下六个方面的问题”) are not in the model, so they are not checked here; the
report parser compares them with what it found when it reads the text (see ``ParseResult.notes``).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from . import scoring
from .budget import combine
from .model import Evaluation
from .numbers import ZERO, fmt2, round2

# The record of the model that states a figure: a BudgetLine, the evaluation's Meta, a unit's UnitResult.
Record = Literal["budget_line", "meta", "result"]


@dataclass(frozen=True)
class Discrepancy:
    what: str  # e.g. "市数据局 预算执行率"
    stated: str  # as the report states it, 2 decimals ("82.70") or a grade ("良")
    computed: str  # computed from the data, same form; "" when it cannot be computed
    record: Record  # the record stating the figure
    unit: str | None  # the unit of that record (None for the meta)
    message: str
    field: str  # the record's field holding the stated figure: stated_rate, stated_total_budget, stated_score, ...


def _rates(ev: Evaluation) -> list[Discrepancy]:
    out = []
    lines_of = Counter(b.unit for b in ev.budget_lines)  # once, not once per line (quadratic at 1,000 units)
    for line in ev.budget_lines:
        if line.stated_rate is None:
            continue
        several = lines_of[line.unit] > 1
        label = line.unit + (f"（{line.project}）" if line.project and several else "")
        what = f"{label} 预算执行率"
        stated = fmt2(line.stated_rate)
        r = combine([line])  # a line whose budget is not stated: 缺少预算金额 (not 无预算安排)
        if r.rate is None:
            out.append(Discrepancy(what, stated, "", "budget_line", line.unit,
                                   f"报告所列 {what} {stated}% 无法按金额核对：{r.reason}", "stated_rate"))
            continue
        computed = fmt2(r.rate)
        if round2(r.rate) != round2(line.stated_rate):
            out.append(Discrepancy(
                what, stated, computed, "budget_line", line.unit,
                f"报告所列 {what} {stated}% 与按金额计算的 {computed}%"
                f"（{fmt2(line.executed)} ÷ {fmt2(line.budget)}）不一致",
                "stated_rate"))
    return out


def _totals(ev: Evaluation) -> list[Discrepancy]:
    out = []
    for stated, attr, what, field in (
        (ev.meta.stated_total_budget, "budget", "资金总额", "stated_total_budget"),
        (ev.meta.stated_total_executed, "executed", "实际执行总额", "stated_total_executed"),
    ):
        if stated is None:
            continue
        parts = [getattr(b, attr) for b in ev.budget_lines if getattr(b, attr) is not None]
        if not parts or len(parts) < len(ev.budget_lines):
            continue  # a line lacks the amount: the sum of the others is not a total to compare with
        total = sum(parts, ZERO)
        if round2(total) != round2(stated):
            terms = " + ".join(fmt2(p) for p in parts)
            out.append(Discrepancy(
                what, fmt2(stated), fmt2(total), "meta", None,
                f"报告所列 {what} {fmt2(stated)} 万元与各单位合计 {fmt2(total)} 万元（{terms}）不一致", field))
    return out


def _scores(ev: Evaluation, scores: Mapping[str, scoring.UnitScore] | None = None) -> list[Discrepancy]:
    out = []
    for key, us in (scoring.all_unit_scores(ev) if scores is None else scores).items():
        if us.breakdown_disagrees:
            assert us.stated_total is not None and us.computed_total is not None
            what = f"{key} 得分"
            out.append(Discrepancy(what, fmt2(us.stated_total), fmt2(us.computed_total), "result", key,
                                   f"报告所列 {what} {fmt2(us.stated_total)} 分与指标得分合计 "
                                   f"{fmt2(us.computed_total)} 分不一致（以报告得分为准）",
                                   "stated_score"))
        if us.stated_grade and us.total is not None:
            grade = scoring.grade_for(us.total, ev.meta.grade_bands)
            if grade is not None and grade != us.stated_grade:
                what = f"{key} 等次"
                basis = "报告得分" if us.stated_total is not None else "指标得分合计"
                out.append(Discrepancy(what, us.stated_grade, grade, "result", key,
                                       f"报告所列 {what}“{us.stated_grade}”与按{basis} {fmt2(us.total)} 分和等次划分"
                                       f"（{_bands(ev)}）应得的“{grade}”不一致", "stated_grade"))
    return out


def _bands(ev: Evaluation) -> str:
    return "，".join(f"{b.grade}≥{_plain(b.lower)}" for b in sorted(ev.meta.grade_bands, key=lambda b: -b.lower))


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


def check(ev: Evaluation, scores: Mapping[str, scoring.UnitScore] | None = None) -> list[Discrepancy]:
    """Every stated figure that disagrees with the data, in sheet order: rates, totals, scores and grades.
    ``scores``: :func:`evalcore.scoring.all_unit_scores` of ``ev`` when the caller has them already."""
    return _rates(ev) + _totals(ev) + _scores(ev, scores)
