"""Regressions found on published texts the parser had never seen (issue 24): a crash, invented figures, missed
grades, unit names cut from running text. Each text is the shortest one that showed the fault."""
from __future__ import annotations

from decimal import Decimal

from evalcore.reporttext import parse_report
from evalcore.reporttext.result import SYNTHETIC_UNIT
from evalcore.reporttext.text import is_digits, numbering


def units(text: str) -> dict:
    return parse_report(text).stated.get("units", {})


def test_a_circled_numeral_is_a_numbering_never_a_digit():
    assert "①".isdigit() and not is_digits("①") and is_digits("12")
    assert numbering("①资金拨付慢。").number == 1
    text = ("某项目绩效评价报告\n一、基本情况\n①项目预算100万元，实际支出90万元，预算执行率90%。\n"
            "二、存在的问题\n①资金拨付慢。\n②管理不规范。\n")
    result = parse_report(text)
    assert [p.text for p in result.evaluation.problems] == ["资金拨付慢。", "管理不规范。"]
    assert result.stated["units"][SYNTHETIC_UNIT] == {"budget": "100", "executed": "90", "rate": "90"}
    parse_report("某局绩效自评报告\n一、存在问题\n（一）管理\n①资金拨付慢。②管理不规范。\n")  # no crash


def test_a_weight_in_brackets_is_never_a_score():
    got = units("某项目绩效自评报告\n一、自评情况\n项目自评得分：预算执行率（20分），实际支出50万元。\n")
    assert got == {SYNTHETIC_UNIT: {"executed": "50"}}
    assert units("某项目绩效自评报告\n一、自评情况\n项目总得分（100分）：92分。\n")[SYNTHETIC_UNIT]["score"] == "92"


def test_money_the_evaluation_covers_is_never_budget_or_spending():
    result = parse_report("某项目绩效评价报告\n一、基本情况\n"
                          "本次评价涉及资金6.5亿元。区教育局项目预算100万元，实际支出95万元。\n")
    assert "total_executed" not in result.stated and "total_budget" not in result.stated
    assert result.stated["units"] == {"区教育局": {"budget": "100", "executed": "95"}}
    assert any("涉及的资金范围" in u.reason for u in result.unplaced)


def test_money_passed_on_is_never_spent():
    assert units("某项目绩效评价报告\n一、基本情况\n市财政局下达使用资金29.6万元。\n") == {}
    assert units("某项目绩效评价报告\n一、基本情况\n到位资金50万元，支出资金40万元。\n") == {
        SYNTHETIC_UNIT: {"executed": "40"}}
    # a 下达 amount with the executed amount and the 预算执行率 it gives stays the budget (the documented exception;
    # a rate not said to be the budget's, 执行率 / 支付完成率, does not make it one: test_reporttext_roles.py)
    got = units("某项目绩效评价报告\n一、基本情况\n下达资金29.6万元，已支出29.6万元，预算执行率100%。\n")
    assert got[SYNTHETIC_UNIT] == {"budget": "29.6", "executed": "29.6", "rate": "100"}


def test_a_yearly_standard_is_not_this_years_figure():
    assert units("某项目绩效评价报告\n一、基本情况\n该项目每年财政补助1000万元，用于补贴。\n") == {}
    assert units("某项目绩效评价报告\n一、基本情况\n市财政每年安排补助资金1000万元。\n") == {}
    assert units("某项目绩效评价报告\n一、基本情况\n每年财政补助1000万元，实际支出800万元。\n") == {
        SYNTHETIC_UNIT: {"executed": "800"}}


def test_grades_stated_after_the_score_or_as_a_result():
    assert units("某项目绩效评价报告\n一、评价结论\n经评价，最终得分85.82,等级为良。\n") == {
        SYNTHETIC_UNIT: {"score": "85.82", "grade": "良"}}
    assert units("某项目绩效评价报告\n一、评价结论\n自评结果为“优秀”。\n") == {SYNTHETIC_UNIT: {"grade": "优"}}


def test_a_grade_distribution_is_no_grade():
    text = ("某区绩效评价报告\n一、基本情况\n选取7个项目开展重点评价,等级为优良(80分以上)的项目有4个,"
            "等级为中(70-80分)的项目有3个,占43%。\n")
    assert units(text) == {}


def test_unit_names_are_not_cut_from_running_text():
    for text in ("2021年度我局部门整体支出绩效自评报告\n一、基本情况\n"
                 "2021年度我局预算1000万元，实际支出900万元，预算执行率90%。\n",
                 "某项目绩效评价报告\n一、基本情况\n襄阳市中心城区项目预算100万元，支出100万元。\n",
                 "某项目绩效评价报告\n一、基本情况\n资金管理办法规定项目预算100万元，支出100万元。\n"):
        got = units(text)
        assert set(got) == {SYNTHETIC_UNIT}, (text, got)


def test_an_unnamed_figure_is_no_extra_unit_beside_a_table_of_units():
    text = ("某区2022年项目绩效评价报告\n一、评价结果\n| 序号 | 单位 | 预算（万元） | 实际支出（万元） |\n"
            "| 1 | 区教育局 | 100 | 90 |\n| 2 | 区卫健局 | 200 | 180 |\n综合得分90分。\n")
    assert units(text) == {"区教育局": {"budget": "100", "executed": "90"},
                           "区卫健局": {"budget": "200", "executed": "180"}}


def test_a_forms_maximum_is_no_score_and_run_together_cells_give_the_total():
    assert units("填表说明\n一、说明\n“项目管理”(60分)和“项目绩效”(40分),总分100分。\n") == {}
    got = units("《部门整体绩效自评表.docx》由会员分享\n"
                "1、部门整体绩效自评表主管部门财政处室自评总分(分)97.6部门联系人张三联系电话部门预算执行情况\n")
    assert got == {SYNTHETIC_UNIT: {"score": "97.6"}}


def test_cells_that_ran_together_are_split_where_the_rate_fits():
    from evalcore.reporttext.numbers_found import split_glued
    assert split_glued("10001000100%") == (Decimal("1000"), Decimal("1000"), Decimal("100"))
    assert split_glued("64.864.864.8100%") == (Decimal("64.8"), Decimal("64.8"), Decimal("100"))
    assert split_glued("43.243.237.2486%") == (Decimal("43.2"), Decimal("37.24"), Decimal("86"))
    assert split_glued("12345%") is None
    from pathlib import Path
    corpus = Path(__file__).resolve().parents[1] / "data" / "reports"
    result = parse_report((corpus / "xiangyang_zhongxin_2021_form_cells.txt").read_text(encoding="utf-8"))
    assert result.stated["units"] == {"襄阳市中心医院": {"budget": "1000", "executed": "1000", "rate": "100"}}
    assert all("相连的表格单元格" in s["uncertain"] for s in result.stated["sources"]["襄阳市中心医院"].values())


def test_findings_as_sub_headings_of_another_section():
    text = ("昌宁县某小学2023年度项目支出绩效自评报告\n一、自评结论\n（一）自评得分\n"
            "项目自评得分100分，自评结果为“优秀”。\n"
            "（二）存在的问题和原因分析\n无。\n（三）下一步拟改进措施及有关建议\n进一步加强经费的使用管理，提高资金使用效益。\n"
            "二、佐证材料\n（一）项目基本情况\n略。\n")
    ev = parse_report(text).evaluation
    assert ev.problems == ()
    assert [r.text for r in ev.recommendations] == ["进一步加强经费的使用管理，提高资金使用效益。"]
