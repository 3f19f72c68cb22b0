"""Issue 24, fifth pass: general mechanisms, each shown on texts made for the test (synthetic) in the layouts that recur
across provinces, not on any one published text (docs/reporttext.md, "Fifth pass (general mechanisms)")."""
from __future__ import annotations

from evalcore.reporttext import parse_report
from evalcore.reporttext.forms import ALIGNED_BY_RATE, RATE_DISAGREES, find_forms
from evalcore.reporttext.review import doubts

MONEY = {"budget": "278.4449", "executed": "30.00", "rate": "10.77"}


def units(text: str) -> dict:
    return parse_report(text).stated.get("units", {})


# -- a form's money part: column titles in any wording and flattening, values paired by position -------------------

PIPES = ("2022年度项目支出绩效自评表\n单位名称:某区土壤肥料工作站 填报日期:2023年3月20日\n"
         "项目名称 | 某某补助资金 | ||||\n"
         "预算执行情况(万元) (20分) | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分 (20分*执行率) | |||\n"
         "年度财政资金总额 | 278.4449 | 30.00 | 10.77% | 2.16 | |||\n"
         "年度绩效目标 (80分) | 一级指标 | 二级指标 | 三级指标 | 得分 |\n")


def test_column_titles_with_letters_formulas_and_units_and_any_total_row_label() -> None:
    """预算数(A) | 执行数(B) | 执行率(B/A) | 得分 (20分*执行率), then 年度财政资金总额: the row's 得分 (2.16) is the
    execution item's, never the total score; the unit named before 填报日期 ends where that label starts."""
    result = parse_report(PIPES)
    assert result.stated["units"] == {"某区土壤肥料工作站": MONEY}
    assert doubts(result) == []
    one_per_line = PIPES.replace(" | ", "\n").replace(" |||", "").replace(" ||||", "").replace(" |", "")
    for layout in (one_per_line,
                   PIPES.replace("年度财政资金总额", "合计"), PIPES.replace("年度财政资金总额", "总计(万元):")):
        assert units(layout) == {"某区土壤肥料工作站": MONEY}, layout


def test_a_title_spanning_the_budget_columns_has_no_column_of_its_own() -> None:
    text = ("项目支出绩效自评表\n实施单位 | 某县司法局 |\n"
            "预算执行情况(10分) | 年度预算数(万元) | 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | "
            "得分 | 原因 |\n"
            "总额 | 0.00 | 3.36 | 3.36 | 100.00% | 10 | 10 | |\n")
    result = parse_report(text)
    assert result.stated["units"] == {"某县司法局": {"budget": "3.36", "executed": "3.36", "rate": "100.00"}}
    assert doubts(result) == []


FORM = ("项目支出绩效自评表\n实施单位 | 某县水利局 |\n"
        "| 项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n"
        "| 年度资金总额 | 100 | 120 | 108 | 10 | 90% | 9 |\n")


def test_values_shifted_by_a_missing_cell_are_aligned_by_the_rate_and_marked() -> None:
    assert units(FORM) == {"某县水利局": {"budget": "120", "executed": "108", "rate": "90"}}
    # the 年初 cell left out: by position the budget would be 120 over an executed 10 (the weight)
    shifted = FORM.replace("| 100 | 120 |", "| 120 |")
    result = parse_report(shifted)
    assert result.stated["units"] == {"某县水利局": {"budget": "120", "executed": "108", "rate": "90"}}
    assert all(s["uncertain"] == ALIGNED_BY_RATE for s in result.stated["sources"]["某县水利局"].values())
    assert doubts(result)  # a person looks before it is published


def test_when_no_reading_agrees_with_the_rate_the_figures_are_marked_not_guessed() -> None:
    text = FORM.replace("| 108 | 10 | 90% |", "| 108 | 10 | 70% |")
    [form] = find_forms(text)
    assert form.doubt == RATE_DISAGREES
    assert doubts(parse_report(text))
    # two readings that agree with the rate, with different amounts: neither is chosen by position alone
    two = FORM.replace("| 100 | 120 | 108 | 10 | 90% |", "| 100 | 90 | 50 | 45 | 90% |")
    [form] = find_forms(two)
    assert form.doubt == RATE_DISAGREES


def test_a_weight_or_the_rows_item_score_is_never_a_budget_or_executed_amount() -> None:
    # 0 | 207.45 | 10 | 100% | 10: one amount for two merged cells; 10 / 10 = 100% is the weight and the item's score
    text = ("项目支出绩效自评表 项目资金 年初预算数 全年预算数 全年执行数 分值 执行率 得分 "
            "0 207.4538 10 100% 10 207.4538 — 100% — 其他资金 — — 预期目标 实际完成情况 一级 指标 二级 指标\n")
    got = units(text)
    assert all("budget" not in f and "executed" not in f for f in got.values())


# -- a list of evaluated projects, one numbered paragraph each -------------------------------------------------------

PROJECTS = ("某县财政局关于2021年度重点项目绩效评价结果的公告\n"
            "1、甲村农田道路建设项目,铺建砂石路11公里。2021年下达资金197万元,实际已支付186.98万元。"
            "最终绩效评价总得分为91.8分,评价等级为优秀。\n"
            "2、乙村道路,巷道硬化建设项目,乙乡人民政府已修建道路5.7公里。实际已支付289.14万元。"
            "最终绩效评价总得分为90.36分,评价等级为优秀。\n")


def test_numbered_paragraphs_each_opening_with_a_project_and_its_result_give_each_project_its_figures() -> None:
    result = parse_report(PROJECTS)
    assert result.stated["units"] == {
        "甲村农田道路建设项目": {"executed": "186.98", "score": "91.8", "grade": "优"},
        "乙村道路,巷道硬化建设项目": {"executed": "289.14", "score": "90.36", "grade": "优"}}
    # one such paragraph is no list: its figures are not given to a project read from running text
    one = parse_report(PROJECTS.split("2、")[0])
    assert "甲村农田道路建设项目" not in one.stated["units"]
    # paragraphs without a result of their own (sub-projects of one evaluation) are no list of evaluated projects
    plain = PROJECTS.replace("最终绩效评价总得分为91.8分,评价等级为优秀。", "").replace(
        "最终绩效评价总得分为90.36分,评价等级为优秀。", "")
    assert "甲村农田道路建设项目" not in parse_report(plain).stated["units"]


# -- a form's rows in any flattening: cells separated by spaces, a total row's label and value in one cell ----------

HEAD = "项目支出绩效自评表\n（2022年度）\n项目名称 某某项目\n实施单位 某县水利局\n"
WANT = {"某县水利局": {"budget": "120", "executed": "108", "rate": "90"}}


def test_a_forms_rows_with_cells_separated_by_spaces() -> None:
    rows = ("项目资金（万元） 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n年度资金总额 100 120 108 10 90% 9\n"
            "其中：当年财政拨款 100 120 108 — 90% —\n")
    assert units(HEAD + rows) == WANT
    assert units(HEAD + rows.replace("） 年初", "）\n年初")) == WANT  # the header's first cell on a line of its own
    # a line of prose with figures and words between them is not a row of cells
    assert find_forms(HEAD + "项目资金 全年预算 120 万元 执行 108 万元\n") == []


def test_any_wording_of_a_total_row_and_its_label_with_the_first_value_in_one_cell() -> None:
    dept = ("某县水利局2022年度部门整体支出绩效自评表\n"
            "| 年度预算申请（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n"
            "| 年度总金额 | 100 | 120 | 108 | 10 | 90% | 9 |\n")
    assert units(dept) == WANT
    assert units(dept.replace("| 年度总金额 | 100 |", "| 年度总金额：100 |")) == WANT
    cells_ = dept.replace(" | ", "\n").replace("| ", "").replace(" |", "")  # one cell per line
    assert units(cells_) == WANT
