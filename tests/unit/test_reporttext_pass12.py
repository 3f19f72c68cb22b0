"""Issue 24, twelfth session: more of the ways a report names what it evaluates, found by probing the parser with the
usual phrasings of reports (synthetic texts, not corpus texts): a title's fund or department in brackets on the line
under it, 对…进行了重点绩效评价, 对…项目2021年度资金使用情况开展了自评, and a department's overview that opens with its
name. Each beside a text where it must not fire (docs/reporttext.md, "Twelfth session")."""
from __future__ import annotations

from evalcore.reporttext import parse_report
from evalcore.reporttext.result import SYNTHETIC_UNIT

FIGURES = ("\n一、项目基本情况\n该项目年初预算120万元，全年执行110万元，预算执行率91.67%。\n"
           "二、绩效评价结论\n经评价，该项目综合得分92分，等级为优。\n")


def names(text: str) -> dict[str, str]:
    return {u.key: u.name for u in parse_report(text).evaluation.units}


def figures(text: str) -> dict[str, dict[str, str]]:
    return parse_report(text).stated.get("units", {})


def test_a_fund_in_brackets_on_the_line_under_a_generic_title_names_the_project() -> None:
    text = "2021年度项目支出绩效自评报告\n（农村公路养护项目）" + FIGURES
    assert names(text) == {SYNTHETIC_UNIT: "农村公路养护项目"}
    assert figures(text)[SYNTHETIC_UNIT]["budget"] == "120"
    # a bracketed line that is no name (a date, a note) is not taken
    assert names("2021年度项目支出绩效自评报告\n（2022年3月）" + FIGURES) == {SYNTHETIC_UNIT: ""}
    assert names("2021年度项目支出绩效自评报告\n（征求意见稿）" + FIGURES) == {SYNTHETIC_UNIT: ""}


def test_a_department_in_brackets_under_a_department_title_is_the_unit() -> None:
    text = "2021年度部门整体支出绩效自评报告\n（甲县交通运输局）" + FIGURES
    assert set(figures(text)) == {"甲县交通运输局"}


def test_an_evaluation_a_finance_bureau_made_of_a_project_names_the_project() -> None:
    text = ("绩效评价报告\n为进一步加强财政资金管理，根据有关规定，"
            "甲县财政局组织对2021年农村公路养护项目进行了重点绩效评价。" + FIGURES)
    assert names(text) == {SYNTHETIC_UNIT: "农村公路养护项目"}
    # no project word: no name
    assert names("绩效评价报告\n甲县财政局组织对部分单位进行了重点绩效评价。" + FIGURES) == {SYNTHETIC_UNIT: ""}


def test_a_self_evaluation_of_a_projects_use_of_funds_in_a_year_names_the_project() -> None:
    text = "绩效自评报告\n根据县财政局要求，我局对农村公路养护项目2021年度资金使用情况开展了自评。" + FIGURES
    assert names(text) == {SYNTHETIC_UNIT: "农村公路养护项目"}


def test_a_departments_overview_opening_with_its_name_names_the_unit_when_nothing_else_does() -> None:
    text = ("一、部门基本情况\n甲县交通运输局是县政府工作部门，内设5个股室。\n二、预算执行情况\n"
            "全年预算数120万元，全年执行数110万元，预算执行率91.67%。\n")
    assert set(figures(text)) == {"甲县交通运输局"}
    on_its_line = ("（一）单位概况：甲县图书馆成立于1980年，是公益一类事业单位。\n二、预算执行情况\n"
                   "全年预算数120万元，全年执行数110万元。\n")
    assert set(figures(on_its_line)) == {"甲县图书馆"}
    # a sentence that does not open with the name, a pronoun, or a firm evaluating others: no unit from it
    for opening in ("为改善出行条件，甲县交通运输局实施农村公路养护。", "我局是县政府工作部门。",
                    "甲会计师事务所是本次评价的第三方机构。"):
        text = f"一、部门基本情况\n{opening}\n二、预算执行情况\n全年预算数120万元，全年执行数110万元。\n"
        assert set(figures(text)) == {SYNTHETIC_UNIT}, opening
    # a report that names its project keeps its figures on the project
    project = ("2021年度农村公路养护项目绩效自评报告\n一、部门基本情况\n甲县交通运输局是县政府工作部门。\n"
               "二、预算执行情况\n全年预算数120万元，全年执行数110万元。\n")
    assert set(figures(project)) == {SYNTHETIC_UNIT}
    assert names(project)[SYNTHETIC_UNIT] == "农村公路养护项目"
