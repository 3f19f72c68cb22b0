"""Issue 24, seventh pass on forms: mechanisms for 自评表 layouts that recur across counties, each shown on texts made
for the test (synthetic), written differently from the published text that prompted it, and each beside a text where
it must not fire (docs/reporttext.md, "Seventh pass: forms")."""
from __future__ import annotations

import pytest

from evalcore.reporttext import parse_report


def units(text: str) -> dict:
    return parse_report(text).stated.get("units", {})


# -- several projects' forms in one text: each form's figures are its own project's ----------------------------------

def _form_pipes(project: str, money: str, total: str) -> str:
    return ("项目支出绩效自评表\n（2022年度）\n"
            f"| 项目名称 | {project} | | | | | |\n"
            "| 主管部门 | 某县交通运输局 | 实施单位 | 某县公路事务中心 | | | |\n"
            "| 项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n"
            f"| 年度资金总额 | {money} |\n"
            "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
            "| 产出指标 | 数量指标 | 养护里程 | 120公里 | 120公里 | 20 | 20 |\n"
            f"| 总分 | {total} |\n")


TWO_PIPES = (_form_pipes("农村公路养护项目", "100 | 120 | 108 | 10 | 90% | 9", "100 | 92")
             + _form_pipes("危桥改造项目", "50 | 60 | 60 | 10 | 100% | 10", "100 | 96"))


def test_two_projects_forms_as_pipe_rows_give_each_project_its_own_figures() -> None:
    got = units(TWO_PIPES)
    assert got["农村公路养护项目"] == {"budget": "120", "executed": "108", "rate": "90", "score": "92"}
    assert got["危桥改造项目"] == {"budget": "60", "executed": "60", "rate": "100", "score": "96"}


def test_two_forms_one_cell_per_line_the_first_without_its_money_rows() -> None:
    # a document site's preview: the first form lost its money rows, so only its total score is left; the second
    # form's money must not go to the first project, nor the first form's score to the second
    first = ("项目支出绩效自评表\n项目名称\n村级公益设施管护经费\n主管部门\n某县民政局\n实施单位\n某县民政局\n"
             "项目资金\n（万元）\n年初预算数\n全年预算数\n全年执行数\n分值\n执行率\n得分\n"
             "服务对象满意度\n≥90%\n95%\n10\n10\n总分\n100\n94\n")
    second = ("项目支出绩效自评表\n项目名称\n社会救助信息核对经费\n主管部门\n某县民政局\n实施单位\n某县民政局\n"
              "项目资金\n（万元）\n年初预算数\n全年预算数\n全年执行数\n分值\n执行率\n得分\n"
              "年度资金总额\n20\n25\n24\n10\n96%\n9.6\n")
    got = units(first + second)
    assert got["村级公益设施管护经费"] == {"score": "94"}
    assert got["社会救助信息核对经费"] == {"budget": "25", "executed": "24", "rate": "96"}


def test_one_form_keeps_its_implementing_unit_even_when_its_project_name_is_repeated() -> None:
    # one project's form (its name repeated on a second page's header) is one unit: its 实施单位
    one = _form_pipes("农村公路养护项目", "100 | 120 | 108 | 10 | 90% | 9", "100 | 92")
    assert units(one) == {"某县公路事务中心": {"budget": "120", "executed": "108", "rate": "90", "score": "92"}}
    repeated = one.replace("| 一级指标 |", "| 项目名称 | 农村公路养护项目 | | | | | |\n| 一级指标 |")
    assert units(repeated) == units(one)


def test_a_results_table_with_a_project_name_column_is_no_list_of_forms() -> None:
    # 项目名称 as a column title, followed by other titles, names no project
    text = ("某县财政局关于2022年度项目支出绩效自评结果的公告\n序号\n项目名称\n项目单位\n自评得分\n等级\n"
            "1\n农村公路养护项目\n某县公路事务中心\n92\n优\n2\n危桥改造项目\n某县公路事务中心\n86\n良\n")
    assert units(text) == {"农村公路养护项目": {"score": "92", "grade": "优"},
                           "危桥改造项目": {"score": "86", "grade": "良"}}


def test_a_project_name_in_the_sites_metadata_opens_no_second_form() -> None:
    # a 项目名称 that holds no form's content (a site's metadata line, a table above the form) is not a project's form
    one = _form_pipes("农村公路养护项目", "100 | 120 | 108 | 10 | 90% | 9", "100 | 92")
    want = {"某县公路事务中心": {"budget": "120", "executed": "108", "rate": "90", "score": "92"}}
    assert units("项目名称：2022年度农村公路养护项目绩效自评报告\n发布机构：某县交通运输局\n" + one) == want
    assert units("| 项目名称 | 农村公路养护 |\n" + one) == want


def test_each_project_is_named_without_the_labels_run_together_after_its_name() -> None:
    text = TWO_PIPES.replace("| 项目名称 | 农村公路养护项目 | | | | | |\n| 主管部门 | 某县交通运输局 |",
                             "| 项目名称：农村公路养护项目主管部门：某县交通运输局 |")
    got = units(text)
    assert got["农村公路养护项目"] == {"budget": "120", "executed": "108", "rate": "90", "score": "92"}
    assert got["危桥改造项目"] == {"budget": "60", "executed": "60", "rate": "100", "score": "96"}


def test_a_column_titled_project_name_in_an_indicator_table_opens_no_form() -> None:
    # | 项目名称 | 年度指标值 | … | as an indicator table's header, after a single form: the form stays its unit's
    one = _form_pipes("农村公路养护项目", "100 | 120 | 108 | 10 | 90% | 9", "100 | 92")
    extra = ("| 项目名称 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
             "| 路面修补 | 500平方米 | 520平方米 | 10 | 10 |\n| 总分 | 100 | 92 |\n")
    assert units(one + extra) == {"某县公路事务中心": {"budget": "120", "executed": "108", "rate": "90", "score": "92"}}


def _two_forms(layout: str, unit_b: str = "某县水务中心") -> str:
    def rows(project: str, unit: str, money: list[str], total: list[str]) -> list[list[str]]:
        return [["项目名称", project], ["主管部门", "某县水利局"], ["实施单位", unit],
                ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
                ["年度资金总额", *money], ["总分", *total]]

    def lay(lines: list[list[str]]) -> str:
        cells = [c for line in lines for c in line]
        return {"pipes": "\n".join("| " + " | ".join(line) + " |" for line in lines),
                "one_cell_per_line": "\n".join(cells), "blank_lines": "\n\n".join(cells),
                "spaces": "\n".join(" ".join(line) for line in lines), "one_line": " ".join(cells)}[layout]

    a = rows("甲村饮水工程", "某县水务中心", ["100", "120", "108", "10", "90%", "9"], ["100", "92"])
    b = rows("乙村灌溉工程", unit_b, ["50", "60", "60", "10", "100%", "10"], ["100", "96"])
    return "项目支出绩效自评表\n" + lay(a) + "\n项目支出绩效自评表\n" + lay(b) + "\n"


A = {"budget": "120", "executed": "108", "rate": "90", "score": "92"}
B = {"budget": "60", "executed": "60", "rate": "100", "score": "96"}


@pytest.mark.parametrize("layout", ["pipes", "one_cell_per_line", "blank_lines", "spaces", "one_line"])
def test_two_forms_of_one_unit_in_any_flattening_are_two_projects(layout: str) -> None:
    # main's parser gave both forms to their shared 实施单位 and dropped the second form's figures
    assert units(_two_forms(layout)) == {"甲村饮水工程": A, "乙村灌溉工程": B}


@pytest.mark.parametrize("layout", ["pipes", "one_cell_per_line", "spaces"])
def test_two_forms_naming_different_units_keep_their_units(layout: str) -> None:
    assert units(_two_forms(layout, unit_b="某县灌区管理所")) == {"某县水务中心": A, "某县灌区管理所": B}
