"""Issue 24, at the root: what a report states about itself is read before anything is guessed from running text.
The unit from the title, a 部门名称 line or the site's 发布机构; forms flattened one cell per line read by their
header; recommendations stated inline. Every text here is made for the test (synthetic), in the shapes the issue
describes."""
from __future__ import annotations

from evalcore.reporttext import parse_report
from evalcore.reporttext.result import SYNTHETIC_UNIT

FIGURES = "一、基本情况\n项目预算1000万元，实际支出900万元，预算执行率90%。\n二、自评结论\n自评得分92分，等级为优。\n"
WANT = {"budget": "1000", "executed": "900", "rate": "90", "score": "92", "grade": "优"}


def units(text: str) -> dict:
    return parse_report(text).stated.get("units", {})


def test_the_unit_named_by_the_title_gets_the_figures_the_text_gives_no_unit() -> None:
    for title, unit in (("某县农业农村局2022年度部门整体支出绩效自评报告", "某县农业农村局"),
                        ("长沙县水利局关于2022年度农村饮水安全项目绩效自评报告", "长沙县水利局"),
                        ("昌宁县第一示范小学2023年度项目支出绩效自评报告", "昌宁县第一示范小学"),
                        ("蓬溪县公安局交警大队2024年度部门整体支出绩效自评报告", "蓬溪县公安局交警大队"),
                        ("南县财政局2020年度机关整体支出绩效评价报告", "南县财政局")):
        result = parse_report(f"{title}\n{FIGURES}")
        assert result.stated["units"] == {unit: WANT}, title
        assert any("取自标题" in n for n in result.notes)


def test_a_finance_bureau_evaluating_a_project_is_not_its_unit() -> None:
    assert units("长沙县财政局关于2022年度农村公路养护资金绩效评价报告\n" + FIGURES) == {SYNTHETIC_UNIT: WANT}
    assert units("冷水江市财政局重点绩效评价工作积极推进\n" + FIGURES) == {SYNTHETIC_UNIT: WANT}


def test_a_unit_name_line_and_a_publisher_the_report_writes() -> None:
    assert units("2022年度项目支出绩效自评报告\n部门名称：长沙县水利局\n" + FIGURES) == {"长沙县水利局": WANT}
    page = ("索引号：430121/2023-001\n发布机构：长沙县水利局\n发布日期：2023-03-01\n2022年度项目支出绩效自评报告\n"
            + FIGURES.replace("项目预算", "我局项目预算"))
    assert units(page) == {SYNTHETIC_UNIT: WANT}  # “我局” is no name: the publisher may be the department above
    assert units(page.replace("我局项目预算", "水利局项目预算")) == {"长沙县水利局": WANT}


def test_the_title_comes_before_the_publisher() -> None:
    page = ("| 索引号 | 01526405-X/2024-00056 | 发布机构 | 昌宁县教育体育局 |\n"
            "昌宁县第一示范小学2023年度项目支出绩效自评报告\n" + FIGURES + "昌宁县教育体育局审核。\n")
    assert units(page) == {"昌宁县第一示范小学": WANT}


def test_a_unit_named_in_the_text_or_a_table_is_not_replaced_by_the_title() -> None:
    text = ("某区财政局关于2022年度部门整体支出绩效评价结果的公示\n一、评价结果\n"
            "| 序号 | 单位 | 预算（万元） | 实际支出（万元） |\n"
            "| 1 | 区教育局 | 100 | 90 |\n| 2 | 区卫健局 | 200 | 180 |\n")
    assert units(text) == {"区教育局": {"budget": "100", "executed": "90"},
                           "区卫健局": {"budget": "200", "executed": "180"}}
    text = ("某县农业农村局2022年度项目绩效自评报告\n一、基本情况\n"
            "某县畜牧水产事务中心项目预算100万元，实际支出90万元。\n")
    assert units(text) == {"某县畜牧水产事务中心": {"budget": "100", "executed": "90"}}


def test_names_are_never_cut_from_running_text_even_with_a_title_unit() -> None:
    text = ("襄阳市中心医院2021年度项目支出绩效自评报告\n一、基本情况\n"
            "2021年度我院项目预算100万元，实际支出100万元，按照资金管理办法执行。\n")
    assert units(text) == {"襄阳市中心医院": {"budget": "100", "executed": "100"}}
