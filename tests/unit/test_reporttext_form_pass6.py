"""Issue 24, sixth pass: self-evaluation forms in their many flattenings and scores that are not the unit's, each
shown on texts made for the test (synthetic), written differently from the published text that prompted it, and
each beside a text where it must not fire (docs/reporttext.md, "Sixth pass: forms")."""
from __future__ import annotations

from evalcore.reporttext import parse_report


def units(text: str) -> dict:
    return parse_report(text).stated.get("units", {})


# -- a form's money columns titled 预算数 (A) | 执行数 (B) | 执行率 (B/A) | 得分 (20分*执行率) -------------------

PLAIN = ("2022年度项目支出绩效自评表\n单位名称:某县农技推广站 填报日期:2023年3月20日\n"
         "| 项目名称 | 某县耕地保护项目 |\n"
         "| 预算执行情况(万元) (20分) | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分 (20分*执行率) | | |\n"
         "| 年度财政资金总额 | 200.50 | 180.45 | 90.00% | 18 | | |\n"
         "| 年度绩效目标 (80分) | 一级指标 | 二级指标 | 三级指标 | 年初目标值(A) | 实际完成值(B) | 得分 |\n"
         "| 产出指标 | 数量指标 | 示范面积 | ≧2000亩 | 2000亩 | 15.0 | |\n")
WANT = {"某县农技推广站": {"budget": "200.50", "executed": "180.45", "rate": "90.00"}}


def test_a_forms_money_part_titled_budget_executed_rate_with_letters_and_formulas() -> None:
    assert units(PLAIN) == WANT


def test_the_same_form_one_cell_per_line_with_full_width_brackets_and_another_total_wording() -> None:
    text = ("项目支出绩效自评表\n实施单位\n某县农技推广站\n预算执行情况（万元）\n预算数（A）\n执行数（B）\n"
            "执行率（B/A）\n得分\n年度资金总额\n200.50\n180.45\n90.00%\n18\n")
    assert units(text) == WANT


def test_a_results_table_titled_budget_executed_rate_is_not_read_as_a_forms_total() -> None:
    # 预算数 | 执行数 | 执行率 followed by the projects' rows, then 合计: each project keeps its own row
    table = ("| 项目名称 | 预算数 | 执行数 | 执行率 |\n| 甲镇道路项目 | 100 | 90 | 90% |\n"
             "| 乙镇饮水项目 | 50 | 50 | 100% |\n| 合计 | 150 | 140 | 93.33% |\n")
    got = units("某县财政局关于2022年重点项目绩效评价结果的公告\n" + table)
    assert got.get("甲镇道路项目", {}).get("budget") == "100"
    assert got.get("乙镇饮水项目", {}).get("executed") == "50"


def test_a_forms_unit_name_ends_where_the_next_label_starts() -> None:
    got = units(PLAIN.replace("填报日期:2023年3月20日", "联系电话:1234567"))
    assert list(got) == ["某县农技推广站"]


# -- a score in brackets after what it scores is one item's score, never the unit's ----------------------------------

ITEMS = ("某县2021年衔接推进乡村振兴补助资金绩效自评报告\n一、资金保障情况\n1.本级预算安排情况\n"
         "2021年本级预算安排衔接资金1016万元，较上年增加10万元，只增不减。(自评得分5分)\n"
         "2.资金拨付情况\n资金均按时拨付到项目，无滞留。（得分：8分）\n3.项目管理\n项目档案齐全。（评价得分4.5分）\n")


def test_a_bracketed_score_closing_a_paragraph_is_an_items_score_not_the_units() -> None:
    assert all("score" not in f for f in units(ITEMS).values())
    # written inside the sentence, before its full stop, it is still the item's
    inside = ITEMS.replace("只增不减。(自评得分5分)", "只增不减(自评得分5分)。")
    assert all("score" not in f for f in units(inside).values())


def test_a_bracketed_score_after_the_evaluations_verdict_or_a_plain_score_sentence_is_the_units() -> None:
    verdict = ITEMS + "四、自评结论\n综合评价等级为“优”（自评得分95分）。\n"
    assert [f.get("score") for f in units(verdict).values() if f.get("score")] == ["95"]
    plain = ITEMS + "四、自评结论\n经自评，本项目自评得分92分，等级为优。\n"
    assert [f.get("score") for f in units(plain).values() if f.get("score")] == ["92"]
    evaluated = ITEMS + "四、自评结论\n本项目开展了绩效自评（自评得分92分）。\n"
    assert [f.get("score") for f in units(evaluated).values() if f.get("score")] == ["92"]


# -- a form's 总分 printed before its label: the one “100 score” pair of the form --------------------------------------

FLAT = ("某县项目支出绩效自评表 (2022年度) 项目名称 某某道路养护资金 主管部门 某县交通运输局 实施单位 某县公路段 "
        "年初预算数 全年预算数 全年执行数 分值 执行率 得分 80 80 72 10 90% 9 "
        "一级指标 二级指标 三级指标 指标值 完成值 分值 得分 数量指标 养护里程 120公里 118公里 20 19 "
        "质量指标 优良路率 85% 86% 20 20 满意度 90% 92% 10 10 {pair} 效益指标 社会效益 通行条件改善 {label}\n")


def test_a_total_score_printed_before_its_label_is_the_forms_one_pair_of_100_and_a_score() -> None:
    result = parse_report(FLAT.format(pair="100 91.5", label="自评总分"))
    [figures] = result.stated["units"].values()
    assert figures["score"] == "91.5" and figures["budget"] == "80"
    [source] = [s for f in result.stated["sources"].values() for k, s in f.items() if k == "score"]
    assert source["uncertain"]  # read away from its label: a person checks it


def test_no_score_is_taken_when_the_pair_is_not_alone_or_the_label_has_its_value() -> None:
    # two pairs of 100 and a number (an indicator's target 100 and its result 98): which is the total is not known
    two = FLAT.format(pair="100 91.5", label="总分").replace("10 10 100", "10 10 完成率 100 98 时效指标 100")
    assert all("score" not in f for f in units(two).values())
    # 总分 followed by its own values: those are read, not a pair elsewhere
    own = FLAT.format(pair="100 91.5", label="总分 100 88")
    assert [f.get("score") for f in units(own).values()] == ["88"]
    # no 总分 label at all: a pair of numbers is no score
    assert all("score" not in f for f in units(FLAT.format(pair="100 91.5", label="")).values())


# -- a row at 100% whose full-year budget and executed amount are one merged cell -------------------------------------

MERGED = ("某县项目支出绩效自评表 (2021年度) 项目名称 某某村卫生室建设 主管部门 某县卫生健康局 年初预算 数 0 项目资金 "
          "(万元) 年度资金总额 实施单位 某县某镇卫生院 全年预算数 全年执行数 分值 执行率 得分 {row} 一级指标\n")


def test_a_row_at_100_percent_with_one_amount_for_two_merged_columns_is_read_as_both_and_marked() -> None:
    result = parse_report(MERGED.format(row="0 156.3210 10 100% 10 156.3210 — 100% —"))
    assert result.stated["units"] == {"某县某镇卫生院": {"budget": "156.3210", "executed": "156.3210", "rate": "100"}}
    assert all(s["uncertain"] for s in result.stated["sources"]["某县某镇卫生院"].values())
    # the same as | rows under six titles, 年初预算数 0 kept in its own cell
    rows = ("项目支出绩效自评表\n实施单位 | 某县某镇卫生院 |\n"
            "| 项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n"
            "| 年度资金总额 | 0 | 156.3210 | 10 | 100% | 10 |\n")
    assert units(rows) == {"某县某镇卫生院": {"budget": "156.3210", "executed": "156.3210", "rate": "100"}}


def test_one_amount_is_not_read_as_both_below_100_percent_or_when_the_amounts_differ() -> None:
    # at 95% the budget and the executed amount differ: one amount cannot be both
    assert all("budget" not in f for f in units(MERGED.format(row="0 156.3210 10 95% 9.5")).values())
    # two different amounts that do not give 100%: nothing is guessed
    assert all("budget" not in f for f in units(MERGED.format(row="150 156.3210 10 100% 10")).values())


# -- 存在问题 / 改进措施 as the columns of a form's table ----------------------------------------------------------

MANAGED = ("某县2024年林业改革发展资金绩效自评表\n资金使用单位：某县林业局\n"
           "| 资金投入情况 | 全年预算数(A) | 全年执行资金(B) | 预算执行(B/A×100%) |\n"
           "| 年度资金总额: | 52.8 | 30.8 | 58.33% |\n"
           "资金管理情况\n情况说明 存在问题 改进措施\n列次 8 9 10\n"
           "分配科学性 5 资金分配规范性 按制度分配资金\n\n6 资金分配合理性 按标准分配\n"
           "下达及时性 7 资金下达进度 已分解下达 省级文件下达滞后 建议及时下达资金。\n\n"
           "8 资金到位率 资金已到位\n9 资金支付进度 按合同支付 支付进度缓慢 加快资金支付\n")


def counts(text: str) -> tuple[int, int]:
    ev = parse_report(text).evaluation
    return len(ev.problems), len(ev.recommendations)


def test_problems_and_measures_as_a_tables_columns_one_per_filled_row() -> None:
    assert counts(MANAGED) == (2, 2)
    # the same table as | rows that keep their empty cells, a 无 counting as none
    rows = ("某县2024年林业改革发展资金绩效自评表\n资金使用单位：某县林业局\n"
            "| 资金投入情况 | 全年预算数(A) | 全年执行资金(B) | 预算执行(B/A×100%) |\n"
            "| 年度资金总额: | 52.8 | 30.8 | 58.33% |\n"
            "| 一级指标 | 行次 | 二级指标 | 情况说明 | 存在问题 | 改进措施 |\n"
            "| 分配科学性 | 5 | 资金分配规范性 | 按制度分配资金 | | |\n"
            "| 下达及时性 | 6 | 资金下达进度 | 已分解下达 | 省级文件下达滞后 | 建议及时下达资金 |\n"
            "| 拨付合规性 | 7 | 资金拨付合规性 | 合规 | 无 | 无 |\n"
            "| 使用规范性 | 8 | 资金支付进度 | 按合同支付 | 支付进度缓慢 | 加快资金支付 |\n")
    assert counts(rows) == (2, 2)


def test_a_row_whose_cells_cannot_be_told_apart_makes_the_columns_count_unknown() -> None:
    # one row with a cell lost between 情况说明 and the two columns: problem or measure is not known, none is counted
    text = MANAGED.replace("按合同支付 支付进度缓慢 加快资金支付", "按合同支付 加快资金支付")
    assert counts(text) == (0, 0)
    # no row filled the two columns: nothing is counted from them
    text = MANAGED.replace(" 省级文件下达滞后 建议及时下达资金。", "").replace(" 支付进度缓慢 加快资金支付", "")
    assert counts(text) == (0, 0)


# -- the grade that ends a form's total row (总分 | 100 | 92 | 优) ----------------------------------------------

TOTAL = ("项目支出绩效自评表\n实施单位 | 某县水利局 |\n"
         "| 项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n"
         "| 年度资金总额 | 100 | 120 | 108 | 10 | 90% | 9 |\n"
         "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
         "| 产出指标 | 数量指标 | 新建水厂 | 2座 | 2座 | 20 | 20 |\n")


def test_a_grade_ending_the_total_row_is_the_forms_grade() -> None:
    got = units(TOTAL + "| 总分 | 100 | 92.5 | 优 |\n")
    assert got["某县水利局"]["score"] == "92.5" and got["某县水利局"]["grade"] == "优"
    # one cell per line, the grade written in full
    cells_ = (TOTAL + "| 总分 | 100 | 86 | 良好 |\n").replace(" | ", "\n").replace("| ", "").replace(" |", "")
    got = units(cells_)
    assert got["某县水利局"]["score"] == "86" and got["某县水利局"]["grade"] == "良"


def test_no_grade_is_taken_from_a_total_row_without_one() -> None:
    # the next cell is the conclusion's label or text, not a grade: no grade
    got = units(TOTAL + "| 总分 | 100 | 92.5 |\n| 评价结论 | 项目完成较好 |\n")
    assert got["某县水利局"]["score"] == "92.5" and "grade" not in got["某县水利局"]
    # a 合计 of weights (100 alone) is no score, and the word after it no grade
    got = units(TOTAL + "| 合计 | 100 | 中 |\n")
    assert "score" not in got["某县水利局"] and "grade" not in got["某县水利局"]
