"""Issue 17: the shapes real published texts come in, and the figures they do not state (never invented).

Every text here is short and written for the test after a published one (see tests/data/reports/ for the texts
themselves). Each test failed before the change it covers, except three that pin what already worked and must keep
working with the new rules: receipts (到位/拨付), amounts in 元/亿元, and the site's metadata block above the title.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from evalcore import cli
from evalcore.reporttext import SYNTHETIC_UNIT, found_nothing, parse_report, provenance
from evalcore.summary import grade_text, summarize

D = Decimal
TITLE = "# 2023年度某县某项目绩效评价报告\n\n"


def money(text: str) -> dict[str, tuple]:
    ev = parse_report(text).evaluation
    return {b.unit: (b.budget, b.executed, b.stated_rate) for b in ev.budget_lines}


# --- never invent ---------------------------------------------------------------------------------------------


def test_a_section_that_says_none_has_no_items() -> None:
    r = parse_report(TITLE + "一、基本情况\n\n项目预算资金300万元，实际支出240万元。\n\n二、存在的问题\n\n无。\n\n"
                     "三、有关建议\n\n暂无。\n")
    assert (r.evaluation.problems, r.evaluation.recommendations) == ((), ())
    assert any("无。" in n for n in r.notes)


def test_a_component_expense_is_not_the_budget() -> None:
    text = (TITLE + "一、基本情况\n\n2022年部门决算支出：799.12万元。"
            "其中：人员经费支出434.89万元，公用经费支出77.4万元。项目支出包括委员活动经费36.3万元，扫黑除恶工作经费1万元，信息网络运行经费5万元。\n")
    assert money(text) == {SYNTHETIC_UNIT: (None, D("799.12"), None)}


def test_an_implausible_result_is_dropped_with_a_warning_quoting_the_sentence() -> None:
    sentence = "该局全年预算1万元，实际支出799.12万元。"
    r = parse_report(TITLE + "一、基本情况\n\n" + sentence + "\n")
    assert r.evaluation.budget_lines == ()
    assert r.warnings and all(w["text"] == sentence and "不合常理" in w["message"] for w in r.warnings)
    r = parse_report(TITLE + "一、基本情况\n\n项目预算执行率为812%。\n")
    assert r.evaluation.budget_lines == () and "812" in r.warnings[0]["message"]


def test_total_investment_is_not_the_budget() -> None:
    r = parse_report(TITLE + "一、基本情况\n\n本项目总投资22.66亿元，其中申请专项债券资金5亿元，已支出4.2亿元。\n")
    assert all(b.budget is None for b in r.evaluation.budget_lines)
    assert any("总投资" in u.reason for u in r.unplaced)


def test_receipts_and_allocations_are_not_budget_or_spending() -> None:
    text = (TITLE + "一、基本情况\n\n某中心（以下简称“中心”）年初批复预算985万元，调整预算后项目预算861.46万元，"
            "实际到位资金334.67万元，拨付乡镇120万元。\n")
    assert money(text) == {"中心": (D("861.46"), None, None)}


def test_an_allocation_is_the_budget_only_when_the_sentence_confirms_it() -> None:
    assert money(TITLE + "一、基本情况\n\n上级下达补贴资金1,235.60万元，实际兑付补贴资金1,198.30万元，"
                 "预算执行率96.98%。\n") == {SYNTHETIC_UNIT: (D("1235.60"), D("1198.30"), D("96.98"))}
    assert money(TITLE + "一、基本情况\n\n上级下达补贴资金1,235.60万元，实际兑付补贴资金1,198.30万元。\n") == {
        SYNTHETIC_UNIT: (None, D("1198.30"), None)}


def test_targets_and_form_instructions_are_not_figures() -> None:
    text = (TITLE + "一、基本情况\n\n项目资金到位率目标值≥98%，预算执行率未达到90%的需说明原因。\n\n"
            "二、存在的问题\n\n结合自评情况，分析存在的问题及原因。（200字以内）\n")
    r = parse_report(text)
    assert r.evaluation.budget_lines == () and r.evaluation.problems == ()


def test_sums_over_several_projects_and_grade_distributions_are_not_a_units_figures() -> None:
    text = (TITLE + "一、基本情况\n\n选取7个项目开展重点评价，涉及预算金额为2298万元。"
            "对虎门中学工程、市妇女儿童活动中心工程等41个项目进行了审核，涉及调整后预算金额110790.58万元。审核等级为：1个项目评为优；3个项目评为良。\n")
    r = parse_report(text)
    assert (r.evaluation.budget_lines, r.evaluation.results) == ((), ())


def test_a_sentence_listing_internal_offices_names_no_unit() -> None:
    for sentence in ("下设办公室、综合股，全年预算资金500万元，实际支出450万元。",
                     "该局下设办公室，全年预算资金500万元，实际支出450万元。"):
        r = parse_report(TITLE + "一、基本情况\n\n" + sentence + "\n")
        assert not any("下设" in u.key or "下设" in u.name for u in r.evaluation.units)
        assert money(TITLE + "一、基本情况\n\n" + sentence + "\n") == {SYNTHETIC_UNIT: (D("500"), D("450"), None)}


# --- shapes ---------------------------------------------------------------------------------------------------


FORM_CELLS = """项目支出绩效自评表

实施单位

某市食品工程学校

项目资金
(万元)

年初

预算数

全年

预算数

全年

执行数

分值

执行率

得分

年度资金总额

43.2

43.2

37.24

10

86%

9

偏差原因分析及改进措施

已完工,剩余3%尾款未付。
"""


def test_a_self_evaluation_form_one_cell_per_line() -> None:
    r = parse_report(FORM_CELLS)
    assert {b.unit: (b.budget, b.executed, b.stated_rate) for b in r.evaluation.budget_lines} == {
        "某市食品工程学校": (D("43.2"), D("37.24"), D("86"))}
    assert r.evaluation.results == ()  # 9 is the execution item's score, not the total
    assert r.evaluation.recommendations == ()  # a column title, not a section


FORM_PIPES = """部门预算项目支出绩效自评表(2023年度) |
实施单位 (盖章) |
某县发展和改革局 |
年初预算 |
调整后预算数 |
预算执行数 |
预算执行率 |
权重 |
得分 |
原因 |
总额 |
238.93 |
251.89 |
251.89 |
100.00% |
10 |
|
1.预算执行率=预算执行数/调整后预算数,预算执行率未达到90%的需说明原因(100字以内) |
发放(缴纳)覆盖率 |
= |
100 |
% |
存在问题 |
结合自评情况,分析存在的问题及原因。(200字以内) |
改进措施 |
针对项目自评中发现的问题,提出下一步改进完善的意见。(200字以内) |
"""


def test_a_self_evaluation_form_with_pipes_and_instructions() -> None:
    r = parse_report(FORM_PIPES)
    ev = r.evaluation
    assert {b.unit: (b.budget, b.executed, b.stated_rate) for b in ev.budget_lines} == {
        "某县发展和改革局": (D("251.89"), D("251.89"), D("100.00"))}
    assert (ev.problems, ev.recommendations, ev.achievements) == ((), (), ())


def test_a_form_on_one_line_whose_total_row_is_zero_reads_the_fiscal_row() -> None:
    text = ("附件: 项目支出绩效自评表 (2022年度) 项目名称 委托业务项目 主管部门 219-某区某镇人民政府 实施单位 "
            "219001-某区某镇人民政府 项目资金 (万元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分 年度资金总额: "
            "0 0 0 10 0 0 其中:本年财政拨款 90 89.974 89.974 上年结转资金 其他资金 年度总体目标 "
            "成本指标 项目总成本 ≤90万元 90 8 8\n")
    lines = parse_report(text).evaluation.budget_lines
    assert [(b.unit, b.budget, b.executed, b.stated_rate) for b in lines] == [
        ("某区某镇人民政府", D("89.974"), D("89.974"), None)]
    assert "待核对" in lines[0].note


def test_form_findings_none_and_a_second_form() -> None:
    text = ("存在问题 | 无 | | |\n改进措施 | 无 | | |\n"
            "主管部门 | 某县司法局部门 | 实施单位 | 某县司法局 | | |\n"
            "预算执行情况(10分) | 年度预算数(万元) | 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | "
            "权重 | 得分 | 原因 |\n"
            "总额 | 0.00 | 3.36 | 3.36 | 100.00% | 10 | 10 | | |\n")
    ev = parse_report(text).evaluation
    assert [(b.unit, b.budget, b.executed, b.stated_rate) for b in ev.budget_lines] == [
        ("某县司法局", D("3.36"), D("3.36"), D("100.00"))]
    assert (ev.problems, ev.recommendations) == ((), ())


def test_a_results_table_whose_unit_column_is_the_same_on_every_row() -> None:
    text = ("某县住房和城乡建设局2024年度专项债券项目资金绩效评价情况表\n"
            "序号 | 主管部门 | 项目单位 | 项目名称 | 发行金额(亿元) | 评价得分 | 评价结果 | 备注 |\n"
            "1 | 某县住建局 | 某县市政事务中心 | 某县城镇污水处理工程 | 0.4 | 87 | 良 | 重点评价 |\n"
            "2 | 某县住建局 | 某县市政事务中心 | 某县老旧小区改造项目 | 0.1 | 94 | 优 | 自评 |\n")
    ev = parse_report(text).evaluation
    assert {r.unit: (r.stated_score, r.stated_grade) for r in ev.results} == {
        "某县城镇污水处理工程": (D("87"), "良"), "某县老旧小区改造项目": (D("94"), "优")}
    assert ev.budget_lines == ()  # 发行金额 is the bond issue, not a budget


def test_a_table_flattened_one_cell_per_line() -> None:
    cells = ["序号", "主管部门", "项目单位", "项目名称", "发行金额(亿元)", "评价得分", "评价结果", "备注",
             "1", "某镇人民政府", "甲环境工程有限公司", "甲工业园区", "0.7", "92", "项目单位自评",
             "2", "某镇人民政府", "乙城镇建设开发有限公司", "乙产业园工程", "0.1", "83", "委托第三方评价"]
    ev = parse_report("某镇2022年度专项债券项目资金绩效评价结果公示\n\n" + "\n\n".join(cells) + "\n").evaluation
    assert {r.unit: (r.stated_score, r.stated_grade) for r in ev.results} == {
        "甲环境工程有限公司": (D("92"), None), "乙城镇建设开发有限公司": (D("83"), None)}


def test_a_table_without_a_unit_column_is_about_the_evaluated_body() -> None:
    text = (TITLE + "一、资金情况\n\n| 预算数（万元） | 执行数（万元） | 执行率 | 评价得分 |\n"
            "| --- | --- | --- | --- |\n"
            "| 500 | 450 | 90.00% | 88 |\n")
    r = parse_report(text)
    assert money(text) == {SYNTHETIC_UNIT: (D("500"), D("450"), D("90.00"))}
    assert {x.unit: x.stated_score for x in r.evaluation.results} == {SYNTHETIC_UNIT: D("88")}


def test_inline_lists_in_a_paragraph() -> None:
    text = (TITLE + "一、基本情况\n\n项目预算资金300万元，实际支出240万元。本项目自评得分90分，"
            "存在的问题：一是预算编制不够准确。二是资金申报不够及时。下一步改进措施：①加强预算编制；②及时申报资金。\n")
    ev = parse_report(text).evaluation
    assert [p.text for p in ev.problems] == ["预算编制不够准确。", "资金申报不够及时。"]
    assert [x.text for x in ev.recommendations] == ["加强预算编制；", "及时申报资金。"]


def test_pdf_text_broken_mid_sentence_with_a_page_number() -> None:
    text = ("2017年部门整体支出绩效自评报告\n\n按照预算绩效管理要求,本部门对\n2017 年整体支出开展绩效自评,自评得分\n"
            "90 分,存在的问题:一是年初编制预算时对对象摸底不够准确.二是专项资金申报不够及时."
            "下一步改进措施:一是年初编制预算时应对\n"
            "15 项目实施对象准确摸底.二是按进度申报资金计划.\n")
    ev = parse_report(text).evaluation
    assert {r.unit: r.stated_score for r in ev.results} == {SYNTHETIC_UNIT: D("90")}
    assert len(ev.problems) == 2
    assert [x.text for x in ev.recommendations] == ["年初编制预算时应对项目实施对象准确摸底.", "按进度申报资金计划."]


def test_amounts_in_yuan_and_yi_yuan() -> None:
    assert money(TITLE + "一、基本情况\n\n项目预算资金1,250,000元，实际支出1,000,000元。\n") == {
        SYNTHETIC_UNIT: (D("125"), D("100"), None)}
    assert money(TITLE + "一、基本情况\n\n项目预算资金0.5亿元，实际支出0.45亿元。\n") == {
        SYNTHETIC_UNIT: (D("5000"), D("4500"), None)}


def test_the_sites_metadata_block_is_not_the_title() -> None:
    text = ("预算绩效管理\n- 索引号: abc/2025-00002\n- 发布机构: 某州数据发展中心\n- 发布日期: 2025-04-29\n"
            "某州数据发展中心2024年度项目支出绩效单位自评报告\n一、基本情况\n全年项目预算861.46万元。\n")
    assert parse_report(text).evaluation.meta.title == "某州数据发展中心2024年度项目支出绩效单位自评报告"


# --- provenance, nothing found, derived grades ----------------------------------------------------------------


def test_every_figure_and_item_has_its_line_and_sentence_and_the_rest_is_not_found() -> None:
    text = (TITLE + "一、基本情况\n\n项目预算资金300万元，实际支出240万元，执行率80%。\n\n"
            "二、存在的问题\n\n一是进度滞后。二是档案不全。\n")
    p = provenance(parse_report(text))
    (unit,) = p["units"]
    assert unit["figures"]["budget"] == {"value": "300.00", "line": 5,
                                         "text": "项目预算资金300万元，实际支出240万元，执行率80%。",
                                         "shown": "300万元", "uncertain": None, "source": {"line": 5},
                                         "certain": False}  # 本项目: the text names no unit
    why = "报告未写明单位，归于“本项目”（报告标题所述项目为“某县某项目”），请核对单位"
    assert p["needs_review"] == [f"本项目 · 预算 300.00：{why}", f"本项目 · 实际执行 240.00：{why}",
                                 f"本项目 · 执行率 80.00：{why}"]
    assert unit["not_found"] == ["score", "grade"]
    assert [(i["line"], i["text"]) for i in p["problems"]["items"]] == [(9, "进度滞后。"), (9, "档案不全。")]
    assert p["nothing_found"] is False


def test_a_text_with_nothing_is_refused(tmp_path: Path, capsys) -> None:
    src = tmp_path / "news.txt"
    src.write_text("本网讯 紫阳县组织召开财政重点绩效评价项目初评结果验收会。\n", encoding="utf-8")
    assert found_nothing(parse_report(src.read_text(encoding="utf-8")))
    out = tmp_path / "out.xlsx"
    assert cli.main(["parse-report", str(src), "--out", str(out)]) == 1
    assert not out.exists()
    assert "没有找到任何单位" in capsys.readouterr().err


def test_parse_report_json_prints_the_sources(tmp_path: Path, capsys) -> None:
    src = tmp_path / "r.txt"
    src.write_text(TITLE + "一、基本情况\n\n项目预算资金300万元，实际支出240万元。\n", encoding="utf-8")
    assert cli.main(["parse-report", str(src), "--out", str(tmp_path / "o.xlsx"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["units"][0]["figures"]["executed"]["line"] == 5


def test_summary_marks_a_grade_from_the_bands_as_derived() -> None:
    derived = parse_report(TITLE + "一、评价结论\n\n综合得分88分。\n").evaluation
    stated = parse_report(TITLE + "一、评价结论\n\n综合得分88分，等次为良。\n").evaluation
    (u,) = summarize(derived, dt.date(2024, 6, 30))["units"]
    assert (u["grade"], u["stated_grade"], u["grade_source"]) == ("良", None, "derived")
    assert grade_text(u) == "良（按分数段推算）"
    (u,) = summarize(stated, dt.date(2024, 6, 30))["units"]
    assert (u["grade"], u["grade_source"], grade_text(u)) == ("良", "stated", "良（报告所列）")


def test_plausibility_warnings_for_validate() -> None:
    from evalcore.model import BudgetLine, Evaluation, Unit
    from evalcore.workbook.plausibility import plausibility_warnings

    ev = parse_report(TITLE + "一、基本情况\n\n项目预算资金300万元，实际支出240万元。\n").evaluation
    assert plausibility_warnings(ev) == []
    odd = (BudgetLine("甲局", D("1"), D("799.12")), BudgetLine("乙局", D("100"), D("82.69"), stated_rate=D("8269")),
           BudgetLine("丙局", D("90"), D("89"), note="文本导入待核对：自评表合计行未填"))
    units = tuple(Unit(k) for k in ("甲局", "乙局", "丙局"))
    warned = [(w.row, w.column) for w in plausibility_warnings(Evaluation(ev.meta, units, odd))]
    assert warned == [(2, "预算金额（万元）"), (3, "报告执行率（%）"), (4, "说明")]


def test_words_after_an_amount_and_a_confirming_rate_say_what_it_is() -> None:
    # “…资金1749万元，全部…下达拨付给…”: an allocation passed on, whatever preceded it
    assert money(TITLE + "一、基本情况\n\n及时下达预算指标并分配落实到项目，2024年补助资金1749万元，"
                 "全部在规定时限内及时下达拨付给区主管部门。\n") == {}
    # 拨付 is the spending when the sentence's rate says so (2113.63 / 2179 = 97%)
    r = parse_report(TITLE + "一、基本情况\n\n项目资金共2179万元，截止12月8日，已完成拨付2113.63万元，执行率97%。"
                     "我们局已组织验收。\n")
    assert {b.unit: (b.budget, b.executed, b.stated_rate) for b in r.evaluation.budget_lines} == {
        SYNTHETIC_UNIT: (D("2179"), D("2113.63"), D("97"))}
    assert "我们局" not in {u.key for u in r.evaluation.units}
    assert "执行率" in r.evaluation.budget_lines[0].note  # the inference is marked for the evaluator to check
