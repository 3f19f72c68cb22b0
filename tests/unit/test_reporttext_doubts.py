"""The doubt rules of the review (issue 24, item 3; docs/reporttext.md, "Certainty"): a figure the parser was sure of
but that may be wrong sends its text to a person's review (待复核) instead of publishing it. Each rule on a synthetic
text that shows the pattern, beside a text that does not, which still publishes without review. A doubt flags a
figure and never drops one."""
from __future__ import annotations

from evalcore.reporttext.parse import parse_report
from evalcore.reporttext.provenance import provenance
from evalcore.reporttext.review import doubts, figure_rows

OWN = "# 乙县水利局2023年度部门整体支出绩效自评报告\n\n一、基本情况\n\n"
PLAIN = OWN + "预算资金300万元，实际支出240万元，预算执行率80%。\n"


def _figures(text: str) -> dict[tuple[str, str], tuple[str, str]]:
    return {(r.unit, r.kind): (r.value, r.uncertain) for r in figure_rows(parse_report(text, source_name="x.txt"))}


def test_a_text_without_any_pattern_still_publishes_without_review() -> None:
    result = parse_report(PLAIN, source_name="x.txt")
    assert doubts(result) == []
    assert _figures(PLAIN) == {("乙县水利局", "budget"): ("300.00", ""), ("乙县水利局", "executed"): ("240.00", ""),
                               ("乙县水利局", "rate"): ("80.00", "")}
    assert all(f["certain"] for u in provenance(result)["units"] for f in u["figures"].values())


def test_figures_given_to_an_organisation_cut_from_a_sentence_go_to_review() -> None:
    """The report names no unit of its own; the one organisation its text names is a sentence's fragment
    (“统一计入甲县数据中心”), and the budget and executed amount were given to it."""
    text = ("# 2024年度部门决算说明\n\n一、预算执行情况\n\n2024年年中调整预算为1781.86万元，全年执行数1767.21万元。\n\n"
            "二、其他说明\n\n市财政将预留预算资金346.87万元，统一计入甲县数据中心财政拨款收入，具体为医疗补助收入335.27万元，"
            "不列入年初预算。\n")
    figures = _figures(text)
    assert {k: v[0] for k, v in figures.items()} == {("统一计入甲县数据中心", "budget"): "1781.86",
                                                      ("统一计入甲县数据中心", "executed"): "1767.21"}  # flagged
    assert all("归于正文中唯一点名的“统一计入甲县数据中心”" in why for _, why in figures.values())
    assert len(doubts(parse_report(text, source_name="x.txt"))) == 2
    # “统一计入我中心” (a pronoun and an organisation word) is no organisation at all (sixth pass): the figures are
    # the report's own, 本项目, which is a doubt too
    own = _figures(text.replace("甲县数据中心", "我中心"))
    assert {k: v[0] for k, v in own.items()} == {("本项目", "budget"): "1781.86", ("本项目", "executed"): "1767.21"}
    assert doubts(parse_report(text.replace("甲县数据中心", "我中心"), source_name="x.txt"))
    # the unit the report's title states takes the same figures with no doubt
    stated = OWN + "2024年年中调整预算为1781.86万元，全年执行数1767.21万元，预算执行率99.18%。\n"
    assert doubts(parse_report(stated, source_name="x.txt")) == []


def test_an_amount_of_zero_goes_to_review() -> None:
    figures = _figures(OWN + "预算资金300万元，实际支出0万元，预算执行率0%。\n")
    assert figures[("乙县水利局", "executed")] == ("0.00", "金额为0，请核对是否为该单位本年度的预算或执行数")
    assert figures[("乙县水利局", "budget")] == ("300.00", "")


def test_a_score_below_sixty_goes_to_review() -> None:
    """“自评得分5分” under one indicator is not the evaluation's total score."""
    figures = _figures(PLAIN + "经自评，自评得分5分。\n")
    assert figures[("乙县水利局", "score")][0] == "5.00"
    assert "可能是某一指标的得分" in figures[("乙县水利局", "score")][1]
    assert doubts(parse_report(PLAIN + "经自评，自评得分92分。\n", source_name="x.txt")) == []


def test_money_passed_on_or_received_taken_as_budget_or_executed_says_so() -> None:
    """下达 / 到位 in the figure's own clause (here beside the parser's own doubt, which the rate gave)."""
    received = _figures(OWN + "年初预算300万元，资金到位240万元，执行率80%。\n")[("乙县水利局", "executed")]
    assert received[0] == "240.00" and "金额所在的句子写的是“到位”" in received[1]
    passed_on = _figures(OWN + "上级下达资金300万元，实际支出240万元，预算执行率80%。\n")[("乙县水利局", "budget")]
    assert passed_on[0] == "300.00" and "金额所在的句子写的是“下达”" in passed_on[1]
    # 安排 is how budgets are written (预算安排), and a clause naming the budget is no doubt
    arranged = OWN + "全年安排预算资金300万元，实际支出240万元，执行率80%。\n"
    assert doubts(parse_report(arranged, source_name="x.txt")) == []


def test_a_rate_the_amounts_do_not_give_goes_to_review() -> None:
    """Budget, executed and rate agree only when executed ÷ budget is the rate at 2 decimals half-up, or at the 1 or 0
    decimals the text wrote it with; three that disagree are all marked (none confirms the others)."""
    figures = _figures(PLAIN.replace("80%", "95%"))
    why = "执行率与实际执行÷预算（80.00%）不符，且该数值在文中只出现一次，请核对"
    assert {k[1]: v for k, v in figures.items()} == {"budget": ("300.00", why), "executed": ("240.00", why),
                                                     "rate": ("95.00", why)}
    assert doubts(parse_report(PLAIN.replace("80%", "80.4%"), source_name="x.txt")) != []  # 80.0 at 1 decimal
    three = OWN + "预算资金300万元，实际支出241万元，预算执行率{}。\n"  # 80.333…%
    for rate in ("80.33%", "80.3%", "80%"):
        assert doubts(parse_report(three.format(rate), source_name="x.txt")) == [], rate
    assert doubts(parse_report(three.format("80.34%"), source_name="x.txt")) != []


def test_an_amount_converted_from_yuan_goes_to_review() -> None:
    prose = _figures(OWN + "预算资金3000000元，实际支出2400000元。\n")
    table = _figures(OWN + "金额单位：元\n\n| 项目 | 预算数 | 执行数 | 执行率 |\n|---|---|---|---|\n"
                           "| 乙县水利局 | 3000000 | 2400000 | 80% |\n")
    for figures in (prose, table):
        assert figures[("乙县水利局", "budget")][0] == "300.00" and figures[("乙县水利局", "executed")][0] == "240.00"
        assert "由元（或千元、亿元）换算为万元" in figures[("乙县水利局", "budget")][1]


def test_parse_report_json_marks_a_figure_a_rule_doubts_as_uncertain() -> None:
    result = parse_report(OWN + "预算资金300万元，实际支出0万元，预算执行率0%。\n", source_name="x.txt")
    figures = provenance(result)["units"][0]["figures"]
    assert figures["executed"]["certain"] is False and "金额为0" in figures["executed"]["uncertain"]
    assert figures["budget"]["certain"] is True and figures["budget"]["uncertain"] is None
    assert provenance(result)["needs_review"] == doubts(result) != []


def test_a_lone_amount_or_rate_goes_to_review_unless_the_text_states_it_twice() -> None:
    """A rate with the budget only, a rate alone, a budget and executed amount without a rate: no arithmetic checks
    that the percentage is the execution rate (a report states many: 到位率, 完成率, 支付进度 …) or that the amounts are
    the unit's. A figure written twice (a form cell and a sentence, a summary and a section) confirms itself."""
    why = "报告中未找到该单位的{}，{}无法由预算、实际执行与执行率互相核对，且该数值在文中只出现一次，请核对"
    budget_only = _figures(OWN + "预算资金300万元，预算执行率95%。\n")
    assert budget_only == {("乙县水利局", "budget"): ("300.00", why.format("实际执行", "预算")),
                           ("乙县水利局", "rate"): ("95.00", why.format("实际执行", "执行率"))}
    no_rate = _figures(OWN + "预算资金300万元，实际支出240万元。\n")
    assert no_rate[("乙县水利局", "executed")] == ("240.00", why.format("执行率", "实际执行"))
    twice = OWN + "预算资金300万元，实际支出240万元。\n\n二、绩效情况\n\n| 项目 | 预算数 | 执行数 |\n|---|---|---|\n" \
                  "| 合计 | 300 | 240 |\n"
    assert doubts(parse_report(twice, source_name="x.txt")) == []
    # the same number written for something else (a count of people, a rate) confirms nothing
    other = OWN + "预算资金300万元，实际支出240万元。\n\n二、绩效情况\n\n培训300人次，完成率240%以上。\n"
    assert len(doubts(parse_report(other, source_name="x.txt"))) == 2


COUNT_WHY = "的条目没有编号（一段文字算作一条），条数取决于段落的划分，请核对"


def test_a_count_of_problems_read_from_unnumbered_paragraphs_goes_to_review() -> None:
    """A section with no categories of its own whose items are whole paragraphs, unnumbered: one paragraph may hold
    two problems, or a closing remark be counted as one. The count is kept (a doubt never drops anything); numbered
    recommendations beside it are no doubt."""
    text = (PLAIN + "\n二、存在的问题\n\n项目资金拨付进度较慢，部分资金年底才拨付到位。\n\n"
            "绩效目标设置不够细化，个别指标难以衡量。\n\n三、改进建议\n\n1.加快资金拨付进度。\n\n2.细化绩效目标。\n")
    result = parse_report(text, source_name="x.txt")
    assert (len(result.evaluation.problems), len(result.evaluation.recommendations)) == (2, 2)
    assert doubts(result) == ["问题 · 条数 2：第9行、第11行" + COUNT_WHY + "问题的条数"]


def test_a_count_written_inline_without_ordinals_goes_to_review() -> None:
    """“存在的问题：…” inside a paragraph: a sentence without 一是/二是 is one item by default; the recommendations
    marked 一是…二是… in the same paragraph are counted by their markers and raise no doubt."""
    text = (PLAIN + "\n二、自评结论\n\n项目总体完成较好。存在的问题：资金拨付较慢，档案管理不规范。"
            "有关建议：一是加快拨付进度；二是完善档案管理。\n")
    result = parse_report(text, source_name="x.txt")
    assert (len(result.evaluation.problems), len(result.evaluation.recommendations)) == (1, 2)
    assert doubts(result) == ["问题 · 条数 1：第9行" + COUNT_WHY + "问题的条数"]


def test_counts_of_numbered_items_or_categories_publish_without_review() -> None:
    for findings in ("二、存在的问题\n\n1.项目资金拨付进度较慢。\n\n2.绩效目标设置不够细化。\n\n"
                     "三、改进建议\n\n一是加快资金拨付进度。二是细化绩效目标。\n",
                     "二、存在的问题\n\n（一）资金拨付较慢\n\n部分资金年底才拨付到位。\n\n（二）目标不够细化\n\n个别指标难以衡量。\n",
                     "二、存在的问题\n\n- 项目资金拨付进度较慢。\n- 绩效目标设置不够细化。\n"):
        result = parse_report(PLAIN + "\n" + findings, source_name="x.txt")
        assert len(result.evaluation.problems) == 2 and doubts(result) == [], findings
