"""The third doubt pass (docs/reporttext.md, "Third doubt pass: corroboration"): a text is published without review
only when every figure in it is corroborated by the text itself. Each rule on a synthetic text where it fires and one
where it must not. A doubt flags a figure and never drops one."""
from __future__ import annotations

from evalcore.reporttext.parse import parse_report
from evalcore.reporttext.review import doubts, figure_rows, reading_doubt

OWN = ("# 乙县水利局2023年度部门整体支出绩效自评报告\n\n一、基本情况\n\n"
       "预算资金300万元，实际支出240万元，预算执行率80%。\n\n")


def _figures(text: str) -> dict[tuple[str, str], tuple[str, str]]:
    return {(r.unit, r.kind): (r.value, r.uncertain) for r in figure_rows(parse_report(text, source_name="x.txt"))}


def _doubts(text: str) -> list[str]:
    return doubts(parse_report(text, source_name="x.txt"))


# --- score and grade ------------------------------------------------------------------------------------------


def test_a_score_and_a_grade_in_the_same_band_corroborate_each_other() -> None:
    assert _doubts(OWN + "二、评价结论\n\n经评价，该单位得分86分，等级为良。\n") == []
    assert _doubts(OWN + "二、评价结论\n\n经评价，该单位得分90分，等级为优。\n") == []  # 90 is 优 (inclusive)


def test_a_score_and_a_grade_in_different_bands_go_to_review() -> None:
    figures = _figures(OWN + "二、评价结论\n\n经评价，该单位得分86分，等级为优。\n")
    why = "得分86.00分与等次“优”不符合常用的等级区间（90分及以上为优，80–90分为良，60–80分为中，60分以下为差），请核对"
    assert figures[("乙县水利局", "score")] == ("86.00", why) and figures[("乙县水利局", "grade")] == ("优", why)


def test_the_grade_bands_the_text_states_are_used_instead_of_the_standard_ones() -> None:
    bands = "评价等次分为优（85分及以上）、良（75-84分）、中（60-74分）、差（60分以下）。\n\n"
    assert _doubts(OWN + "二、评价结论\n\n" + bands + "经评价，该单位得分86分，等级为优。\n") == []
    assert _doubts(OWN + "二、评价结论\n\n" + bands + "经评价，该单位得分82分，等级为优。\n") != []


def test_a_lone_score_stated_as_the_verdict_publishes() -> None:
    for verdict in ("经自评，自评得分为92分。", "综合评分为97分。", "经自评，我委得分98分。", "自评总分(分) | 95.5 |"):
        assert _doubts(OWN + "二、评价结论\n\n" + verdict + "\n") == [], verdict


def test_a_lone_score_without_a_verdict_goes_to_review() -> None:
    """A score in a table row (one indicator's, one project's) or after words that are not a verdict: no grade
    confirms it is the unit's total."""
    why = "报告中未找到该单位的等次，得分无法由等次印证"
    for text in ("项目完成较好，得分92分。", "| 单位 | 项目 | 自评分数 |\n|---|---|---|\n| 乙县水利局 | 项目A | 92 |"):
        figures = _figures(OWN + "二、评价结论\n\n" + text + "\n")
        assert figures[("乙县水利局", "score")][0] == "92.00" and why in figures[("乙县水利局", "score")][1], text
    # written twice (a form cell and a sentence) it confirms itself
    twice = OWN + "二、评价结论\n\n项目完成较好，得分92分。\n\n| 项目 | 自评分 |\n|---|---|\n| 合计 | 92 |\n"
    assert _figures(twice)[("乙县水利局", "score")] == ("92.00", "")


def test_a_lone_grade_publishes_only_as_a_verdict() -> None:
    assert _doubts(OWN + "二、评价结论\n\n综合评价等级为“优”。\n") == []
    figures = _figures(OWN + "二、评价结论\n\n| 单位 | 项目 | 等级 |\n|---|---|---|\n| 乙县水利局 | 项目A | 优 |\n")
    assert figures[("乙县水利局", "grade")][0] == "优"
    assert "报告中未找到该单位的得分，等次无法由得分印证" in figures[("乙县水利局", "grade")][1]


# --- counts of problems and recommendations -------------------------------------------------------------------


def _counts(findings: str) -> tuple[tuple[int, int], list[str]]:
    result = parse_report(OWN + findings, source_name="x.txt")
    ev = result.evaluation
    return (len(ev.problems), len(ev.recommendations)), doubts(result)


def test_counts_numbered_under_headings_that_name_them_publish() -> None:
    for findings in ("二、存在的问题\n\n1.项目资金拨付进度较慢。\n\n2.绩效目标设置不够细化。\n\n"
                     "三、改进建议\n\n一是加快资金拨付进度。二是细化绩效目标。\n",
                     # the one paragraph under a numbered category of its own (as the seed's （六）)
                     "二、存在的问题\n\n（一）资金拨付较慢\n\n部分资金年底才拨付到位。\n\n（二）目标不够细化\n\n"
                     "一是个别指标难以衡量。二是目标未分解。\n\n三、建议\n\n（一）加快拨付\n\n按进度拨付。\n"):
        counts, why = _counts(findings)
        assert counts in ((2, 2), (3, 1)) and why == [], findings


def test_a_count_under_a_heading_that_names_neither_goes_to_review() -> None:
    counts, why = _counts("二、存在的问题\n\n1.资金拨付较慢。\n\n2.目标不够细化。\n\n"
                          "三、下一步工作打算\n\n1.加快拨付。\n\n2.细化目标。\n")
    assert counts == (2, 2)
    assert why == ["建议 · 条数 2：条目所在的标题“下一步工作打算”未写明“建议”，请核对建议的条数"]


def test_numbers_that_skip_go_to_review() -> None:
    counts, why = _counts("二、存在的问题\n\n1.资金拨付较慢。\n\n2.目标不够细化。\n\n4.档案不全。\n")
    assert counts[0] == 3 and why == ["问题 · 条数 3：“存在的问题”下的条目编号不连续，请核对问题的条数"]


def test_unnumbered_paragraphs_under_one_category_go_to_review() -> None:
    """Two whole paragraphs under one category: the count rests on how the text is cut into paragraphs."""
    counts, why = _counts("二、存在的问题\n\n（一）资金拨付较慢\n\n部分资金年底才拨付到位。\n\n"
                          "总体看，资金管理仍需加强。\n")
    assert counts[0] == 2
    assert why == ["问题 · 条数 2：第11行、第13行的条目没有编号（一段文字算作一条），条数取决于段落的划分，"
                   "请核对问题的条数"]


# --- the unit ---------------------------------------------------------------------------------------------------

FRAGMENT = ("# 2024年度部门决算说明\n\n一、预算执行情况\n\n2024年年中调整预算为1781.86万元，全年执行数1767.21万元，"
            "执行率99.18%。\n\n二、其他说明\n\n市财政将预留预算资金346.87万元，统一计入{}财政拨款收入，"
            "具体为医疗补助收入335.27万元，不列入年初预算。\n")


def test_figures_given_to_an_organisation_only_the_running_text_names_go_to_review_without_a_pronoun_too() -> None:
    """Before the third pass the name needed 我/本/该/其 (“统一计入我中心”); a name without one is as much a guess."""
    figures = _figures(FRAGMENT.format("甲县数据中心"))
    assert {k[1] for k in figures} == {"budget", "executed", "rate"}  # flagged, never dropped
    assert all("归于正文中唯一点名的“统一计入甲县数据中心”" in why for _, why in figures.values())


def test_a_unit_the_report_names_in_its_title_or_defines_is_no_guess() -> None:
    text = ("# 2023年度高标准农田项目绩效自评报告\n\n一、基本情况\n\n"
            "甲县农业农村局（以下简称“县农业局”）负责资金管理。\n\n二、资金情况\n\n预算资金300万元，实际支出240万元，执行率80%。\n")
    assert _doubts(text) == []  # the text defines the short name
    titled = "# 甲县农业农村局2023年度高标准农田项目绩效自评报告\n\n" + text.split("\n\n", 1)[1]
    assert _doubts(titled) == []


# --- fragile readings: traditional characters left unconverted, a form rebuilt by position -----------------------


def test_a_verdict_on_a_line_with_unconverted_traditional_characters_is_no_corroboration() -> None:
    figures = _figures(OWN + "二、评价结论\n\n經自评，自评得分为92分。\n")
    why = "报告中未找到该单位的等次，得分虽写作评价结论，但所在行的繁体字未能全部转换，无法由等次印证，请核对得分"
    assert figures[("乙县水利局", "score")] == ("92.00", why)
    assert _doubts(OWN + "二、评价结论\n\n经自评，自评得分为92分。\n") == []


FLAT = ("# 2022年度专项债券项目绩效自评结果\n\n一、自评结果\n\n项目单位\n项目名称\n发行金额(亿元)\n自评分数\n等级\n"
        "甲县城建公司\n甲县产业园工程\n0.7\n{}\n良\n乙县交投公司\n乙县道路工程\n0.1\n83\n良\n")


def test_a_row_rebuilt_by_position_is_certain_only_when_its_figures_corroborate_each_other() -> None:
    result = parse_report(FLAT.format("86"), source_name="x.txt")
    assert "第5行起的表格为每格一行的形式，已按表头还原为2行" in result.notes
    src = result.stated["sources"]["甲县城建公司"]["score"]
    assert reading_doubt(result, src) == "取自按表头位置还原的表格行"
    assert doubts(result) == []  # 86 and 良, 83 and 良: each pair in one band
    assert len(_doubts(FLAT.format("92"))) == 2  # 92 and 良 disagree: both marked
    assert reading_doubt(result, {"line": 3, "text": "经自评，自评得分为92分。", "shown": "92分"}) == ""


# --- a stated total ---------------------------------------------------------------------------------------------

TOTAL = ("# 2023年度甲区项目绩效评价报告\n\n一、基本情况\n\n"
         "项目资金总额为{}万元。其中：区教育局300万元；区卫健局100万元。区教育局实际支出240万元，执行率80%。区卫健局实际支出100万元，执行率100%。\n")


def test_a_total_the_units_amounts_add_up_to_publishes() -> None:
    result = parse_report(TOTAL.format("400"), source_name="x.txt")
    assert result.stated["total_budget"] == "400" and doubts(result) == []


def test_a_total_the_units_amounts_do_not_give_goes_to_review_unless_written_twice() -> None:
    why = "资金总额 450.00：与各单位金额之和不符，且该数值在文中只出现一次，请核对资金总额"
    assert _doubts(TOTAL.format("450")) == [why]
    assert _doubts(TOTAL.format("450") + "\n二、资金管理\n\n全年资金总额450万元均已下达。\n") == []


# --- written twice: each place must say what the number is ------------------------------------------------------


def test_a_lone_rate_of_100_percent_is_not_confirmed_by_any_other_100_percent() -> None:
    """满意度100%, 完成率100%: the number is the same, the figure is not."""
    base = "# 乙县水利局2023年度项目绩效自评报告\n\n一、基本情况\n\n全年预算执行率为100%。\n\n二、绩效情况\n\n{}\n"
    assert len(_doubts(base.format("群众满意度100%，任务完成率100%。"))) == 1
    assert _doubts(base.format("截至年底，项目资金执行进度100%。")) == []  # the same figure, in another place
    table = "| 指标 | 执行率 |\n|---|---|\n| 预算执行 | 100% |"
    assert _doubts(base.format(table)) == []  # a cell under a header that names it
