"""evalcore.budget: 预算执行率 = 实际执行 / 预算 x 100%, checked against the published figures."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from evalcore.budget import (
    MISSING_BUDGET,
    MISSING_EXECUTED,
    NO_BUDGET,
    ZERO_BUDGET,
    budget_table,
    combine,
    execution_rate,
    overall,
    rate_disagreements,
    stated_rate,
    stated_rates,
    unit_rates,
)
from evalcore.model import BudgetLine, Evaluation, Meta, Unit
from evalcore.numbers import round2

D = Decimal


# --- the seed figures -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("unit", "budget_", "executed", "rate"), [
    ("市数据局", "3400.06", "2811.47", "82.69"),
    ("市数据中心", "10931.32", "10752.13", "98.36"),
])
def test_seed_unit_rates(ev: Evaluation, unit: str, budget_: str, executed: str, rate: str) -> None:
    r = unit_rates(ev)[unit]
    assert r.budget == D(budget_)
    assert r.executed == D(executed)
    assert r.rate is not None
    assert round2(r.rate) == D(rate)
    assert r.reason == ""
    assert r.unspent == D(budget_) - D(executed)


def test_seed_rates_are_unrounded(ev: Evaluation) -> None:
    r = unit_rates(ev)["市数据局"]
    assert r.rate == D("2811.47") / D("3400.06") * 100
    assert r.rate != round2(r.rate)  # rounding is for display only


def test_seed_total_budget(ev: Evaluation) -> None:
    total = overall(ev)
    assert total.budget == D("14331.38")
    assert total.budget == D("3400.06") + D("10931.32")
    assert total.executed == D("13563.60")
    assert round2(total.rate) == D("94.64")


def test_seed_third_party_has_no_budget(ev: Evaluation) -> None:
    r = unit_rates(ev)["数智科技集团"]
    assert r.budget is None
    assert r.executed is None
    assert r.rate is None
    assert r.reason == NO_BUDGET == "无预算安排"
    assert r.unspent is None


def test_seed_unit_order_and_completeness(ev: Evaluation) -> None:
    assert list(unit_rates(ev)) == ["市数据局", "市数据中心", "数智科技集团"]


def test_seed_stated_rates(ev: Evaluation) -> None:
    assert stated_rate(ev, "市数据局") == D("82.69")
    assert stated_rate(ev, "市数据中心") == D("98.36")
    assert stated_rate(ev, "数智科技集团") is None
    assert rate_disagreements(ev) == []


def test_seed_figures_are_in_the_report(seed_text: str) -> None:
    # The oracle itself: the figures asserted above are the ones the report prints.
    for figure in ("14331.38万元", "市数据局3400.06万元", "市数据中心10931.32万元", "2811.47万元", "82.69%",
                   "10752.13万元", "98.36%"):
        assert figure in seed_text


def test_budget_table(ev: Evaluation) -> None:
    df = budget_table(ev)
    assert list(df["unit"]) == ["市数据局", "市数据中心", "数智科技集团"]
    assert list(df.columns) == ["unit", "name", "role", "budget", "executed", "rate", "unspent", "stated_rate",
                                "reason"]
    rows = df.set_index("unit")
    assert rows.loc["市数据局", "budget"] == D("3400.06")
    assert rows.loc["市数据局", "executed"] == D("2811.47")
    assert round2(rows.loc["市数据局", "rate"]) == D("82.69")
    assert rows.loc["市数据局", "unspent"] == D("588.59")
    assert rows.loc["市数据中心", "unspent"] == D("179.19")
    assert rows.loc["市数据中心", "stated_rate"] == D("98.36")
    assert rows.loc["市数据中心", "name"] == "长沙市大数据中心"
    assert rows.loc["数智科技集团", "reason"] == "无预算安排"
    assert rows.loc["数智科技集团", "rate"] is None
    # Money stays Decimal in the table: floats only at the chart boundary.
    assert all(isinstance(v, Decimal) for v in df["budget"].dropna())


# --- execution_rate edge cases ----------------------------------------------------------------------------

def test_zero_budget_gives_no_rate_and_a_reason() -> None:
    r = execution_rate(D(0), D("12.5"))
    assert r.rate is None
    assert r.reason == ZERO_BUDGET
    assert "0" in r.reason and "执行率" in r.reason
    assert r.unspent == D("-12.5")


def test_zero_budget_and_zero_executed() -> None:
    r = execution_rate(D("0.00"), D("0.00"))
    assert r.rate is None
    assert r.reason == ZERO_BUDGET


def test_missing_executed() -> None:
    r = execution_rate(D("100"), None)
    assert r.rate is None
    assert r.reason == MISSING_EXECUTED
    assert r.unspent is None


def test_missing_budget() -> None:
    r = execution_rate(None, D("5"))
    assert r.rate is None
    assert r.reason == NO_BUDGET


def test_overspent_rate_is_above_100() -> None:
    r = execution_rate(D("100"), D("120"))
    assert r.rate == D(120)
    assert r.unspent == D(-20)


def test_combine_several_lines() -> None:
    lines = [BudgetLine("a", D("100.10"), D("50.05")), BudgetLine("a", D("200.20"), D("200.20"))]
    r = combine(lines)
    assert r.budget == D("300.30")
    assert r.executed == D("250.25")
    assert round2(r.rate) == D("83.33")


def test_combine_nothing() -> None:
    r = combine([])
    assert r.rate is None
    assert r.reason == NO_BUDGET


def test_combine_with_a_line_missing_executed_gives_no_rate() -> None:
    # One project's spending is unknown, so the unit's rate is unknown: 50 / 200 = 25% would be an invented figure.
    # The totals sum what is known, and the reason says they are partial.
    lines = [BudgetLine("a", D(100), D(50)), BudgetLine("a", D(100), None)]
    r = combine(lines)
    assert r.rate is None
    assert r.reason.startswith(MISSING_EXECUTED)
    assert r.reason == "缺少实际执行金额（2 项中 1 项未列明），无法计算执行率；实际执行合计 50.00 万元只含已列明的 1 项"
    assert (r.budget, r.executed) == (D(200), D(50))
    assert (r.missing_budget, r.missing_executed) == (0, 1) and not r.complete
    assert r.unspent is None  # 200 - 50 would be an invented figure too


def _ev_with_lines(*lines: BudgetLine) -> Evaluation:
    units = tuple(Unit(k) for k in dict.fromkeys(ln.unit for ln in lines))
    return Evaluation(Meta("t"), units=units, budget_lines=lines)


def test_unit_with_zero_budget_does_not_crash_the_tables() -> None:
    ev = _ev_with_lines(BudgetLine("零预算单位", D(0), D(0), stated_rate=D(0)), BudgetLine("b", D(10), D(5)))
    rates = unit_rates(ev)
    assert rates["零预算单位"].rate is None
    assert rates["零预算单位"].reason == ZERO_BUDGET
    assert rates["b"].rate == D(50)
    df = budget_table(ev)
    assert df.set_index("unit").loc["零预算单位", "reason"] == ZERO_BUDGET
    assert rate_disagreements(ev) == []  # no computed rate: nothing to disagree with
    assert overall(ev).rate == D(50)


# --- rate_disagreements -----------------------------------------------------------------------------------

def test_rate_disagreements_on_an_altered_stated_rate(ev: Evaluation) -> None:
    lines = tuple(dataclasses.replace(ln, stated_rate=D("83.00")) if ln.unit == "市数据局" else ln
                  for ln in ev.budget_lines)
    altered = dataclasses.replace(ev, budget_lines=lines)
    assert rate_disagreements(altered) == [("市数据局", D("83.00"), D("82.69"))]
    # The original is untouched (frozen model).
    assert rate_disagreements(ev) == []


def test_rate_disagreements_compare_rounded_values(ev: Evaluation) -> None:
    # 82.685 rounds half-up to 82.69, the computed figure: no disagreement.
    lines = tuple(dataclasses.replace(ln, stated_rate=D("82.685")) if ln.unit == "市数据局" else ln
                  for ln in ev.budget_lines)
    assert rate_disagreements(dataclasses.replace(ev, budget_lines=lines)) == []
    lines = tuple(dataclasses.replace(ln, stated_rate=D("98.37")) if ln.unit == "市数据中心" else ln
                  for ln in ev.budget_lines)
    assert rate_disagreements(dataclasses.replace(ev, budget_lines=lines)) == [
        ("市数据中心", D("98.37"), D("98.36"))]


# --- a line that lacks its budget or its executed amount (a report states only one of them) ---------------

def test_a_single_line_without_a_budget() -> None:
    r = combine([BudgetLine("a", None, D("2811.47"), stated_rate=D("82.69"))])
    assert (r.budget, r.executed, r.rate, r.unspent) == (None, D("2811.47"), None, None)
    assert r.reason == "缺少预算金额，无法计算执行率"
    assert (r.missing_budget, r.missing_executed) == (1, 0)
    # the line-level function keeps its old wording (evalcore.consistency words its findings with it)
    assert execution_rate(None, D("2811.47")).reason == NO_BUDGET


def test_totals_sum_what_is_known_and_say_so() -> None:
    lines = [BudgetLine("a", D("100.10"), D("50.05")), BudgetLine("a", None, D("20")),
             BudgetLine("a", D("200.20"), None)]
    r = combine(lines)
    assert (r.budget, r.executed, r.rate, r.unspent) == (D("300.30"), D("70.05"), None, None)
    assert r.reason == ("缺少预算金额（3 项中 1 项未列明）、缺少实际执行金额（3 项中 1 项未列明），无法计算执行率；"
                        "预算合计 300.30 万元只含已列明的 2 项；实际执行合计 70.05 万元只含已列明的 2 项")
    assert not r.complete


def test_a_complete_combination_is_unchanged() -> None:
    r = combine([BudgetLine("a", D(100), D(50)), BudgetLine("a", D(100), D(100))])
    assert (r.rate, r.reason, r.missing_budget, r.missing_executed, r.unspent) == (D(75), "", 0, 0, D(50))
    assert r.complete
    assert MISSING_BUDGET == "缺少预算金额"


def test_tables_with_a_line_lacking_an_amount() -> None:
    ev = _ev_with_lines(BudgetLine("甲", None, D(80), stated_rate=D(80)), BudgetLine("乙", D(10), D(5)),
                        BudgetLine("乙", D(10), None))
    rates = unit_rates(ev)
    assert rates["甲"].reason == "缺少预算金额，无法计算执行率"
    assert rates["乙"].reason.startswith("缺少实际执行金额（2 项中 1 项未列明）")
    assert (rates["乙"].budget, rates["乙"].executed) == (D(20), D(5))
    df = budget_table(ev).set_index("unit")
    assert df.loc["甲", "budget"] is None and df.loc["甲", "executed"] == D(80)
    assert df.loc["甲", "rate"] is None and df.loc["甲", "unspent"] is None
    assert df.loc["甲", "stated_rate"] == D(80)
    assert df.loc["乙", "rate"] is None and df.loc["乙", "unspent"] is None
    assert rate_disagreements(ev) == []  # no computed rate: nothing to disagree with
    total = overall(ev)
    assert (total.budget, total.executed, total.rate) == (D(20), D(85), None)
    assert "预算合计 20.00 万元只含已列明的 2 项" in total.reason
    assert "实际执行合计 85.00 万元只含已列明的 2 项" in total.reason
    assert stated_rates(ev) == {"甲": D(80), "乙": None}
    assert stated_rate(ev, "甲") == D(80)
