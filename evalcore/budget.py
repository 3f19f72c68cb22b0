"""预算执行: execution rates per unit and overall.

预算执行率 = 实际执行 / 预算 x 100%. A zero or missing budget gives no rate and a reason, never a crash.

A budget line may lack its budget or its executed amount (a published report sometimes states only what was
executed and the rate, or only the budget). Combined over several lines (a unit's projects, or every unit), the
totals then sum the amounts that are known, the rate is not computed (a rate over part of the money would be an
invented figure), and the reason says which amounts are missing and that the totals are partial.

Everything that works on many units reads the budget lines once (:func:`lines_by_unit`), not once per unit.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from .model import BudgetLine, Evaluation
from .numbers import ZERO, fmt2, percent, round2

# An execution rate (%) above this is implausible: a component or an investment taken as the budget, or a slip
# (8269 typed for 82.69). The report parser drops such a figure; the workbook validator warns of it.
IMPLAUSIBLE_RATE = Decimal(150)

NO_BUDGET = "无预算安排"
ZERO_BUDGET = "预算为 0，无法计算执行率"
MISSING_EXECUTED = "缺少实际执行金额"
MISSING_BUDGET = "缺少预算金额"
NO_RATE = "无法计算执行率"


@dataclass(frozen=True)
class RateResult:
    budget: Decimal | None  # over several lines: the sum of the budgets that are known
    executed: Decimal | None  # likewise
    rate: Decimal | None  # unrounded, in %
    reason: str = ""  # why there is no rate (and, when the totals are partial, what they hold)
    missing_budget: int = 0  # lines combined here that lack a budget amount (not counted in ``budget``)
    missing_executed: int = 0  # lines combined here that lack an executed amount (not counted in ``executed``)

    @property
    def complete(self) -> bool:
        """True when every line combined here has both amounts, so the totals are the whole story."""
        return not self.missing_budget and not self.missing_executed

    @property
    def unspent(self) -> Decimal | None:
        if self.budget is None or self.executed is None or not self.complete:
            return None
        return self.budget - self.executed


def execution_rate(budget: Decimal | None, executed: Decimal | None) -> RateResult:
    """The rate of one budget line (or of two known totals)."""
    if budget is None:
        return RateResult(None, executed, None, NO_BUDGET)
    if executed is None:
        return RateResult(budget, None, None, MISSING_EXECUTED)
    if budget == ZERO:
        return RateResult(budget, executed, None, ZERO_BUDGET)
    return RateResult(budget, executed, percent(executed, budget))


def _sum(values: list[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, ZERO) if present else None


def _missing_reason(n: int, missing_budget: int, missing_executed: int, budget: Decimal | None,
                    executed: Decimal | None) -> str:
    """Why lines with a missing amount give no rate, and what the partial totals hold, e.g.
    "缺少预算金额（3 项中 1 项未列明），无法计算执行率；预算合计 300.00 万元只含已列明的 2 项"."""
    parts = []
    for missing, what in ((missing_budget, MISSING_BUDGET), (missing_executed, MISSING_EXECUTED)):
        if missing:
            parts.append(what if n == 1 else f"{what}（{n} 项中 {missing} 项未列明）")
    text = "、".join(parts) + f"，{NO_RATE}"
    partial = []
    for missing, total, what in ((missing_budget, budget, "预算合计"), (missing_executed, executed, "实际执行合计")):
        if missing and total is not None:
            partial.append(f"{what} {fmt2(total)} 万元只含已列明的 {n - missing} 项")
    return text + ("；" + "；".join(partial) if partial else "")


def combine(lines: Sequence[BudgetLine]) -> RateResult:
    """The rate over several budget lines (a unit's projects, or every unit).

    A line without a budget or an executed amount: the totals sum what is known, there is no rate, and the reason
    names what is missing and says the totals are partial (see :func:`_missing_reason`).
    """
    if not lines:
        return execution_rate(None, None)
    budgets = [ln.budget for ln in lines if ln.budget is not None]
    executed = [ln.executed for ln in lines if ln.executed is not None]
    missing_budget, missing_executed = len(lines) - len(budgets), len(lines) - len(executed)
    if not missing_budget and not missing_executed:
        return execution_rate(sum(budgets, ZERO), sum(executed, ZERO))
    budget_total = sum(budgets, ZERO) if budgets else None
    executed_total = sum(executed, ZERO) if executed else None
    return RateResult(budget_total, executed_total, None,
                      _missing_reason(len(lines), missing_budget, missing_executed, budget_total, executed_total),
                      missing_budget, missing_executed)


def lines_by_unit(ev: Evaluation) -> dict[str, list[BudgetLine]]:
    """Budget lines by unit, each unit's lines in listed order: one pass over ``ev.budget_lines``."""
    out: dict[str, list[BudgetLine]] = defaultdict(list)
    for ln in ev.budget_lines:
        out[ln.unit].append(ln)
    return dict(out)


def unit_rates(ev: Evaluation) -> dict[str, RateResult]:
    """Every unit, in the order listed, with its combined rate (units without budget lines included)."""
    by_unit = lines_by_unit(ev)
    return {unit.key: combine(by_unit.get(unit.key, ())) for unit in ev.units}


def overall(ev: Evaluation) -> RateResult:
    return combine(ev.budget_lines)


def _stated(lines: Sequence[BudgetLine]) -> Decimal | None:
    stated = {ln.stated_rate for ln in lines if ln.stated_rate is not None}
    return stated.pop() if len(stated) == 1 else None


def stated_rate(ev: Evaluation, unit: str) -> Decimal | None:
    """The rate the report states for a unit, when it states exactly one."""
    return _stated([ln for ln in ev.budget_lines if ln.unit == unit])


def stated_rates(ev: Evaluation) -> dict[str, Decimal | None]:
    """:func:`stated_rate` of every unit (in listed order), reading the budget lines once."""
    by_unit = lines_by_unit(ev)
    return {unit.key: _stated(by_unit.get(unit.key, ())) for unit in ev.units}


def budget_table(ev: Evaluation) -> pd.DataFrame:
    """One row per unit: 预算, 实际执行, 执行率, 未执行, 报告执行率, 说明. Decimal columns; rate unrounded.

    Where a line lacks an amount, budget / executed are the sums of what is known, rate and unspent are None,
    and reason says so.
    """
    rows = []
    rates = unit_rates(ev)
    stated = stated_rates(ev)
    for unit in ev.units:
        r = rates[unit.key]
        rows.append({
            "unit": unit.key,
            "name": unit.name,
            "role": unit.role,
            "budget": r.budget,
            "executed": r.executed,
            "rate": r.rate,
            "unspent": r.unspent,
            "stated_rate": stated[unit.key],
            "reason": r.reason,
        })
    return pd.DataFrame(rows, columns=["unit", "name", "role", "budget", "executed", "rate", "unspent",
                                       "stated_rate", "reason"])


def rate_disagreements(ev: Evaluation) -> list[tuple[str, Decimal, Decimal]]:
    """(unit, stated, computed-rounded) wherever a stated rate differs from the computed one."""
    out = []
    stated_by_unit = stated_rates(ev)
    for key, r in unit_rates(ev).items():
        stated = stated_by_unit[key]
        if stated is not None and r.rate is not None and round2(r.rate) != round2(stated):
            out.append((key, stated, round2(r.rate)))
    return out
