"""evalcore.consistency: every stated figure compared with the computed one; each discrepancy names both."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from evalcore.consistency import Discrepancy, check
from evalcore.model import BudgetLine, Evaluation, GradeBand, Meta, Unit, UnitResult
from evalcore.reporttext import parse_report
from evalcore.workbook import Message, discrepancy_message, stated_place

D = Decimal


def replace_line(ev: Evaluation, i: int, **changes) -> Evaluation:
    lines = list(ev.budget_lines)
    lines[i] = dataclasses.replace(lines[i], **changes)
    return dataclasses.replace(ev, budget_lines=tuple(lines))


def replace_result(ev: Evaluation, i: int, **changes) -> Evaluation:
    results = list(ev.results)
    results[i] = dataclasses.replace(results[i], **changes)
    return dataclasses.replace(ev, results=tuple(results))


def only(findings: list[Discrepancy]) -> Discrepancy:
    assert len(findings) == 1, [f.message for f in findings]
    return findings[0]


# --- the seed: nothing to report ---------------------------------------------------------------------------

def test_sample_has_no_findings(ev: Evaluation) -> None:
    assert check(ev) == []


def test_parsed_seed_has_no_findings(seed_text: str) -> None:
    assert check(parse_report(seed_text).evaluation) == []


# --- altered copies ------------------------------------------------------------------------------------------

def test_altered_rate(ev: Evaluation) -> None:
    f = only(check(replace_line(ev, 0, stated_rate=D("82.70"))))
    assert (f.what, f.stated, f.computed) == ("市数据局 预算执行率", "82.70", "82.69")
    assert (f.record, f.field, f.unit) == ("budget_line", "stated_rate", "市数据局")
    assert stated_place(f.record, f.field) == ("预算执行", "报告执行率（%）")
    assert f.message == "报告所列 市数据局 预算执行率 82.70% 与按金额计算的 82.69%（2811.47 ÷ 3400.06）不一致"


def test_altered_amount_breaks_rate_and_total(ev: Evaluation) -> None:
    findings = check(replace_line(ev, 1, budget=D("10913.32")))
    assert [(f.what, f.stated, f.computed) for f in findings] == [
        ("市数据中心 预算执行率", "98.36", "98.52"),
        ("资金总额", "14331.38", "14313.38"),
        # the sample's (illustrative) 预算执行率 indicator is scored from the rate, so the breakdown moves too
        ("市数据中心 得分", "86.38", "86.39"),
    ]
    assert "14331.38" in findings[1].message and "14313.38" in findings[1].message
    assert "3400.06 + 10913.32" in findings[1].message


def test_altered_total(ev: Evaluation) -> None:
    meta = dataclasses.replace(ev.meta, stated_total_budget=D("14331.83"))
    f = only(check(dataclasses.replace(ev, meta=meta)))
    assert (f.what, f.stated, f.computed, f.record, f.field) == (
        "资金总额", "14331.83", "14331.38", "meta", "stated_total_budget")
    assert stated_place(f.record, f.field) == ("评价信息", "报告资金总额（万元）")
    assert f.message == "报告所列 资金总额 14331.83 万元与各单位合计 14331.38 万元（3400.06 + 10931.32）不一致"


def test_stated_total_executed(ev: Evaluation) -> None:
    meta = dataclasses.replace(ev.meta, stated_total_executed=D("13563.60"))
    assert check(dataclasses.replace(ev, meta=meta)) == []
    meta = dataclasses.replace(ev.meta, stated_total_executed=D("13536.60"))
    f = only(check(dataclasses.replace(ev, meta=meta)))
    assert (f.what, f.stated, f.computed) == ("实际执行总额", "13536.60", "13563.60")


def test_altered_grade(ev: Evaluation) -> None:
    f = only(check(replace_result(ev, 1, stated_grade="优")))
    assert (f.what, f.stated, f.computed, f.record, f.unit) == ("市数据中心 等次", "优", "良", "result", "市数据中心")
    assert stated_place(f.record, f.field) == ("评价结果", "报告等次")
    assert "“优”" in f.message and "“良”" in f.message and "86.38" in f.message


def test_altered_score_against_the_indicator_breakdown(ev: Evaluation) -> None:
    f = only(check(replace_result(ev, 0, stated_score=D("88.98"))))
    assert (f.what, f.stated, f.computed, f.record, f.field) == ("市数据局 得分", "88.98", "86.98", "result",
                                                                 "stated_score")
    assert stated_place(f.record, f.field) == ("评价结果", "报告得分")
    assert f.message == "报告所列 市数据局 得分 88.98 分与指标得分合计 86.98 分不一致（以报告得分为准）"


def test_altered_score_crossing_a_band_also_flags_the_grade(ev: Evaluation) -> None:
    findings = check(replace_result(ev, 0, stated_score=D("90.10")))
    assert [(f.what, f.stated, f.computed) for f in findings] == [
        ("市数据局 得分", "90.10", "86.98"),
        ("市数据局 等次", "良", "优"),
    ]


def test_grade_uses_the_evaluations_own_bands(ev: Evaluation) -> None:
    bands = (GradeBand("优", D(85)), GradeBand("良", D(75)), GradeBand("中", D(60)), GradeBand("差", D(0)))
    findings = check(dataclasses.replace(ev, meta=dataclasses.replace(ev.meta, grade_bands=bands)))
    assert [(f.what, f.stated, f.computed) for f in findings] == [
        ("市数据局 等次", "良", "优"), ("市数据中心 等次", "良", "优")]
    assert "优≥85" in findings[0].message


# --- a report text with one figure changed --------------------------------------------------------------------

def test_report_with_one_altered_rate_is_flagged(seed_text: str) -> None:
    altered = seed_text.replace("项目预算执行率为82.69%", "项目预算执行率为83.69%")
    assert altered != seed_text
    f = only(check(parse_report(altered).evaluation))
    assert (f.stated, f.computed) == ("83.69", "82.69")
    assert "83.69%" in f.message and "82.69%" in f.message


def test_report_with_one_altered_total_is_flagged(seed_text: str) -> None:
    altered = seed_text.replace("资金总额为14331.38万元", "资金总额为14431.38万元")
    f = only(check(parse_report(altered).evaluation))
    assert (f.what, f.stated, f.computed) == ("资金总额", "14431.38", "14331.38")


def test_report_with_one_altered_grade_is_flagged(seed_text: str) -> None:
    altered = seed_text.replace("绩效评价等次均为“良”", "绩效评价等次均为“优”")
    findings = check(parse_report(altered).evaluation)
    assert [(f.what, f.stated, f.computed) for f in findings] == [
        ("市数据局 等次", "优", "良"), ("市数据中心 等次", "优", "良")]


# --- edge cases --------------------------------------------------------------------------------------------------

def test_rounding_is_half_up_at_two_decimals() -> None:
    # 82.685 exactly: half-up gives 82.69 (banker's rounding would give 82.68)
    ev = Evaluation(Meta(title="t"), (Unit("甲"),), (BudgetLine("甲", D("200"), D("165.37"), stated_rate=D("82.69")),))
    assert check(ev) == []
    ev = replace_line(ev, 0, stated_rate=D("82.68"))
    assert only(check(ev)).computed == "82.69"


@pytest.mark.parametrize(("budget", "executed", "reason"), [
    (D(0), D(5), "预算为 0"),
    (None, D(5), "缺少预算金额"),
    (D(10), None, "缺少实际执行金额"),
])
def test_stated_rate_that_cannot_be_checked(budget, executed, reason) -> None:
    ev = Evaluation(Meta(title="t"), (Unit("甲"),), (BudgetLine("甲", budget, executed, stated_rate=D("50")),))
    f = only(check(ev))
    assert (f.stated, f.computed) == ("50.00", "") and reason in f.message


def test_project_named_when_a_unit_has_several_lines() -> None:
    ev = Evaluation(Meta(title="t"), (Unit("甲"),), (
        BudgetLine("甲", D(100), D(90), project="建设", stated_rate=D("90")),
        BudgetLine("甲", D(100), D(80), project="运维", stated_rate=D("85")),
    ))
    assert only(check(ev)).what == "甲（运维） 预算执行率"


def test_nothing_to_compare_gives_nothing() -> None:
    ev = Evaluation(Meta(title="t", stated_total_budget=D(100)), (Unit("甲"),), (),
                    results=(UnitResult("甲", None, "良"),))
    assert check(ev) == []


def test_the_workbook_words_a_discrepancy_in_its_sheet_and_column(ev: Evaluation) -> None:
    f = only(check(replace_line(ev, 0, stated_rate=D("82.70"))))
    m = discrepancy_message(f)
    assert m == Message("预算执行", None, "报告执行率（%）", "82.70", f.message, "warning")
    assert m.as_dict()["level"] == "warning"
