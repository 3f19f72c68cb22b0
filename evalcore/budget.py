"""预算执行: execution rates per unit and overall.

预算执行率 = 实际执行 / 预算 x 100%. A zero or missing budget gives no rate and a reason, never a crash.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from .model import BudgetLine, Evaluation
from .numbers import ZERO, percent, round2

NO_BUDGET = "无预算安排"
ZERO_BUDGET = "预算为 0，无法计算执行率"
MISSING_EXECUTED = "缺少实际执行金额"


@dataclass(frozen=True)
class RateResult:
    budget: Decimal | None
    executed: Decimal | None
    rate: Decimal | None  # unrounded, in %
    reason: str = ""  # why there is no rate

    @property
    def unspent(self) -> Decimal | None:
        if self.budget is None or self.executed is None:
            return None
        return self.budget - self.executed


def execution_rate(budget: Decimal | None, executed: Decimal | None) -> RateResult:
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


def combine(lines: list[BudgetLine] | tuple[BudgetLine, ...]) -> RateResult:
    """The rate over several budget lines (a unit's projects, or every unit)."""
    if not lines:
        return execution_rate(None, None)
    executed = None if any(ln.executed is None for ln in lines) else _sum([ln.executed for ln in lines])
    return execution_rate(_sum([ln.budget for ln in lines]), executed)


def unit_rates(ev: Evaluation) -> dict[str, RateResult]:
    """Every unit, in the order listed, with its combined rate (units without budget lines included)."""
    out: dict[str, RateResult] = {}
    for unit in ev.units:
        out[unit.key] = combine([ln for ln in ev.budget_lines if ln.unit == unit.key])
    return out


def overall(ev: Evaluation) -> RateResult:
    return combine(ev.budget_lines)


def stated_rate(ev: Evaluation, unit: str) -> Decimal | None:
    """The rate the report states for a unit, when it states exactly one."""
    stated = {ln.stated_rate for ln in ev.budget_lines if ln.unit == unit and ln.stated_rate is not None}
    return stated.pop() if len(stated) == 1 else None


def budget_table(ev: Evaluation) -> pd.DataFrame:
    """One row per unit: 预算, 实际执行, 执行率, 未执行, 报告执行率, 说明. Decimal columns; rate unrounded."""
    rows = []
    rates = unit_rates(ev)
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
            "stated_rate": stated_rate(ev, unit.key),
            "reason": r.reason,
        })
    return pd.DataFrame(rows, columns=["unit", "name", "role", "budget", "executed", "rate", "unspent",
                                       "stated_rate", "reason"])


def rate_disagreements(ev: Evaluation) -> list[tuple[str, Decimal, Decimal]]:
    """(unit, stated, computed-rounded) wherever a stated rate differs from the computed one."""
    out = []
    for key, r in unit_rates(ev).items():
        stated = stated_rate(ev, key)
        if stated is not None and r.rate is not None and round2(r.rate) != round2(stated):
            out.append((key, stated, round2(r.rate)))
    return out
