"""evalcore.reporttext on reports in other shapes, so the parser is not tuned to the seed.

Each report in tests/fixtures/reports/ was written for these tests (other cities, units and figures) and has its
expected values below: units, budget / executed / stated rate per unit, score and grade, stated totals, the items
per category, and what must be listed as unplaced. A .docx is built here with python-docx (headings by style, a
table, bold category titles, a sentence split over two paragraphs). Variants of the seed (no markdown, half-width
punctuation, amounts in 元, other rate wording, 「」) must give the seed's data.
"""
from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from evalcore import consistency
from evalcore.model import Evaluation
from evalcore.reporttext import (
    SYNTHETIC_UNIT,
    ParseResult,
    parse_report,
    parse_report_file,
    parse_to_workbook,
    write_markdown,
)
from evalcore.workbook import read_workbook

D = Decimal
REPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "reports"


def budget(ev: Evaluation) -> dict[str, tuple]:
    return {b.unit: (b.budget, b.executed, b.stated_rate) for b in ev.budget_lines}


def results(ev: Evaluation) -> dict[str, tuple]:
    return {r.unit: (r.stated_score, r.stated_grade) for r in ev.results}


def per_category(items) -> list[tuple[str, int]]:
    out: dict[int, list] = {}
    for it in items:
        out.setdefault(it.category_no if hasattr(it, "category_no") else it.area_no, [
            it.category if hasattr(it, "category") else it.area, 0])[1] += 1
    return [(title, n) for _, (title, n) in sorted(out.items())]


# --- the expected values of each report ----------------------------------------------------------------------

EXPECTED = {
    # Three units, amounts in 元, 资金执行率, scores and 「」 grades listed with 分别, a 结转 amount that is not
    # a figure.
    "xiangtan_2022_three_units.md": {
        "meta": ("2022年度湘潭市智慧交通建设专项资金绩效评价结果", 2022, "湘潭市", "湖南衡信会计师事务所有限公司"),
        "units": [("市交通运输局", "湘潭市交通运输局"), ("市交警支队", "湘潭市公安局交通警察支队"),
                  ("市公交集团", "湘潭市公共交通集团有限责任公司")],
        "budget": {"市交通运输局": (D("1520"), D("1337.6"), D("88.00")),
                   "市交警支队": (D("1245.24"), D("1245.24"), D("100.00")),
                   "市公交集团": (D("1100"), D("825"), D("75.00"))},
        "results": {"市交通运输局": (D("88.50"), "良"), "市交警支队": (D("91.20"), "优"),
                    "市公交集团": (D("76.40"), "中")},
        "totals": (D("3865.24"), None),
        "achievements": [("交通运行效率明显提升", 2), ("公交服务水平持续改善", 1)],
        "problems": [("预算编制不够精准", 2), ("项目管理不够规范", 3), ("绩效目标设置不够科学", 1)],
        "recommendations": [("提高预算编制精准度", 2), ("规范项目全过程管理", 2), ("科学设置绩效目标", 1)],
        "linked": True,
        "unplaced": ["560,000.00元", "引导语"],
        "notes": ["÷10000"],
    },
    # One unit, plain text, 支付率 broken by a page break, 良好 -> 良, flat numbered lists with full-width 1．
    "zhuzhou_2023_one_unit.txt": {
        "meta": ("2023年度株洲市农村饮水安全巩固提升工程项目绩效评价报告", 2023, "株洲市", "株洲市财政局"),
        "units": [("市水利局", "株洲市水利局")],
        "budget": {"市水利局": (D("2860.00"), D("2574.00"), D("90.00"))},
        "results": {"市水利局": (D("85.50"), "良")},
        "totals": (None, None),
        "achievements": [("农村供水保障能力增强", 1), ("水质安全水平提高", 1)],
        "problems": [("存在的问题", 3)],
        "recommendations": [("改进建议", 3)],
        "linked": False,
        "unplaced": ["120.50万元"],
        "notes": ["良好", "只点名了一个单位"],
    },
    # No named unit, no scores, no recommendations; problems as 一是…二是… in one paragraph after a lead-in.
    "liling_2021_no_unit.md": {
        "meta": ("醴陵市2021年度农机购置补贴资金绩效评价情况", 2021, "醴陵市", ""),
        "units": [(SYNTHETIC_UNIT, "醴陵市农机购置补贴资金")],  # the full name from the title's fund
        "budget": {SYNTHETIC_UNIT: (D("1235.60"), D("1198.30"), D("96.98"))},
        "results": {},
        "totals": (None, None),
        "achievements": [],
        "problems": [("存在的问题", 3)],
        "recommendations": [],
        "linked": False,
        "unplaced": ["主要存在以下问题"],
        "notes": [SYNTHETIC_UNIT],
    },
    # Title over two lines, unquoted 简称, 年初 and 调整后 budgets, dimension scores, 其一/其二, a combined 问题及建议
    # section with 1、 categories, （1） items, 一是… items and single unnumbered items.
    "hengyang_2023_numbering.txt": {
        "meta": ("衡阳市2023年度全民健身设施建设专项资金重点绩效评价结果", 2023, "衡阳市", "衡阳市财政局"),
        "units": [("市体育局", "衡阳市体育局")],
        "budget": {"市体育局": (D("820"), D("779"), D("95"))},
        "results": {"市体育局": (D("83"), "良")},
        "totals": (None, None),
        "achievements": [("主要成效", 2)],
        "problems": [("资金执行进度偏慢", 2), ("项目建设标准不统一", 1), ("后续管护机制不健全", 3)],
        "recommendations": [("加快资金执行进度", 2), ("统一建设标准", 1), ("健全长效管护机制", 1)],
        "linked": True,
        "unplaced": ["860万元", "13.5分", "18分"],
        "notes": [],
    },
    # Units named only by full name under numbered headings, stated totals of budget and executed, "1.标题。正文".
    "changde_2022_unit_headings.txt": {
        "meta": ("常德市2022年度市直部门信息系统运维经费绩效评价结果公示", 2022, "常德市", "常德市财政局绩效评价组"),
        "units": [("常德市教育局", ""), ("常德市卫生健康委员会", "")],
        "budget": {"常德市教育局": (D("680.00"), D("612.00"), D("90.00")),
                   "常德市卫生健康委员会": (D("450.00"), D("301.50"), D("67.00"))},
        "results": {"常德市教育局": (D("89.60"), "良"), "常德市卫生健康委员会": (D("78.20"), "中")},
        "totals": (D("1130.00"), D("913.50")),
        "achievements": [],
        "problems": [("运维服务采购不规范", 1), ("运维绩效考核流于形式", 1), ("预算执行进度偏慢", 1)],
        "recommendations": [("规范运维服务采购", 1), ("强化运维绩效考核", 1), ("加快预算执行进度", 1)],
        "linked": True,
        "unplaced": [],
        "notes": [],
    },
}


def build_docx() -> bytes:
    """Another city's report as Word writes it: Title / Heading styles, a results table, bold category titles
    followed by plain text in the same paragraph, and one sentence split over two paragraphs (a page break)."""
    d = docx.Document()
    d.add_heading("2022年度岳阳市数字城管平台运维经费绩效评价结果", level=0)
    d.add_paragraph("岳阳市财政局绩效评价工作组对岳阳市城市管理和综合执法局（以下简称“市城管局”）、岳阳市数字城管监督指挥"
                    "中心（以下简称“数字城管中心”）2022年度数字城管平台运维经费实施了绩效评价。")
    d.add_heading("一、项目资金安排及执行情况", level=1)
    d.add_paragraph("2022年项目资金安排、执行及评价结果见下表。")
    rows = [("单位", "预算金额（万元）", "实际执行（万元）", "预算执行率", "得分", "等次"),
            ("市城管局", "420.00", "398.58", "94.90%", "90.50", "优"),
            ("数字城管中心", "310.50", "262.37", "84.50%", "82.00", "良"),
            ("合计", "730.50", "660.95", "90.48%", "—", "—")]
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    d.add_heading("二、存在的主要问题", level=1)
    for title, body in (("（一）运维服务考核不到位。",
                         "运维合同未明确服务质量考核标准，考核结果未与运维费用支付挂钩。"),
                        ("（二）案件处置效率不高。", "一是数字城管中心部分案件处置超时，")):
        p = d.add_paragraph()
        p.add_run(title).bold = True
        p.add_run(body)
    d.add_paragraph("超时率达12%；二是部分案件重复派遣。")
    d.add_heading("三、建议", level=1)
    for title, body in (("（一）健全运维考核机制。", "在运维合同中明确服务质量考核标准，按考核结果支付运维费用。"),
                        ("（二）提升案件处置效率。", "一是建立超时案件督办机制；二是优化案件派遣规则。")):
        p = d.add_paragraph()
        p.add_run(title).bold = True
        p.add_run(body)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


EXPECTED_DOCX = {
    "meta": ("2022年度岳阳市数字城管平台运维经费绩效评价结果", 2022, "岳阳市", "岳阳市财政局绩效评价工作组"),
    "units": [("市城管局", "岳阳市城市管理和综合执法局"), ("数字城管中心", "岳阳市数字城管监督指挥中心")],
    "budget": {"市城管局": (D("420.00"), D("398.58"), D("94.90")),
               "数字城管中心": (D("310.50"), D("262.37"), D("84.50"))},
    "results": {"市城管局": (D("90.50"), "优"), "数字城管中心": (D("82.00"), "良")},
    "totals": (D("730.50"), D("660.95")),
    "achievements": [],
    "problems": [("运维服务考核不到位", 1), ("案件处置效率不高", 2)],
    "recommendations": [("健全运维考核机制", 1), ("提升案件处置效率", 2)],
    "linked": True,
    "unplaced": ["90.48%"],
    "notes": [],
}


def load(name: str) -> ParseResult:
    if name == "built.docx":
        return parse_report_file(build_docx(), name)
    return parse_report_file(REPORTS / name)


CASES = [*EXPECTED.items(), ("built.docx", EXPECTED_DOCX)]


@pytest.mark.parametrize(("name", "want"), CASES, ids=[c[0] for c in CASES])
def test_report_shape(name: str, want: dict) -> None:
    r = load(name)
    ev = r.evaluation
    m = ev.meta
    assert (m.title, m.year, m.region, m.evaluator) == want["meta"]
    assert [(u.key, u.name) for u in ev.units] == want["units"]
    assert budget(ev) == want["budget"]
    assert results(ev) == want["results"]
    assert (m.stated_total_budget, m.stated_total_executed) == want["totals"]
    assert per_category(ev.achievements) == want["achievements"]
    assert per_category(ev.problems) == want["problems"]
    assert per_category(ev.recommendations) == want["recommendations"]
    assert all(bool(rec.answers) == want["linked"] for rec in ev.recommendations)
    reasons = [f"{u.text} {u.reason}" for u in r.unplaced]
    assert len(r.unplaced) == len(want["unplaced"]), reasons
    for expected in want["unplaced"]:
        assert any(expected in x for x in reasons), (expected, reasons)
    for expected in want["notes"]:
        assert any(expected in n for n in r.notes), (expected, r.notes)


@pytest.mark.parametrize(("name", "want"), CASES, ids=[c[0] for c in CASES])
def test_stated_figures_exactly_as_written_and_audit_is_clean(name: str, want: dict) -> None:
    """Every figure is as the text states it (the rates are the stated ones, not computed), and they agree."""
    r = load(name)
    for unit, (b, e, rate) in want["budget"].items():
        assert r.stated["units"][unit]["rate"] == str(rate)
        assert D(r.stated["units"][unit]["budget"]) == b and D(r.stated["units"][unit]["executed"]) == e
    assert consistency.check(r.evaluation) == []


@pytest.mark.parametrize(("name", "want"), CASES, ids=[c[0] for c in CASES])
def test_workbook_is_valid_and_round_trips(name: str, want: dict) -> None:
    data = REPORTS.joinpath(name).read_bytes() if name != "built.docx" else build_docx()
    wb, first = parse_to_workbook(data, name)
    read = read_workbook(wb)
    assert read.ok, [str(x) for x in read.errors]
    again = parse_report(write_markdown(read.evaluation)).evaluation
    m1, m2 = first.evaluation.meta, again.meta
    assert (m2.title, m2.year, m2.region, m2.evaluator, m2.project) == (m1.title, m1.year, m1.region, m1.evaluator,
                                                                        m1.project)
    assert (m2.stated_total_budget, m2.stated_total_executed) == (m1.stated_total_budget, m1.stated_total_executed)
    assert budget(again) == budget(first.evaluation)
    assert results(again) == results(first.evaluation)
    assert [(u.key, u.name) for u in again.units] == [(u.key, u.name) for u in first.evaluation.units]
    for kind in ("achievements", "problems", "recommendations"):
        assert [x.text for x in getattr(again, kind)] == [x.text for x in getattr(first.evaluation, kind)]


def test_item_texts_are_verbatim() -> None:
    ev = load("hengyang_2023_numbering.txt").evaluation
    assert [p.text for p in ev.problems] == [
        "部分场地设施建设项目开工较晚，资金支付滞后。",
        "个别县市区配套资金未及时到位。",
        "各县市区建设的全民健身路径器材配置标准不一，部分器材质量不达标。",
        "部分设施缺乏日常维护；",
        "管护经费来源不稳定；",
        "损坏器材更换不及时。",
    ]
    assert [a.text for a in ev.achievements] == [
        "群众健身条件明显改善，城区“15分钟健身圈”基本形成。",
        "全民健身参与人数稳步增长，经常参加体育锻炼人数比例达到41.2%。",
    ]
    docx_ev = load("built.docx").evaluation
    assert [p.text for p in docx_ev.problems] == [
        "运维合同未明确服务质量考核标准，考核结果未与运维费用支付挂钩。",
        "数字城管中心部分案件处置超时，超时率达12%；",  # joined across the two Word paragraphs
        "部分案件重复派遣。",
    ]
    assert docx_ev.problems[1].unit == "数字城管中心"


def test_unit_named_in_problem_text() -> None:
    ev = load("xiangtan_2022_three_units.md").evaluation
    assert {p.id: p.unit for p in ev.problems if p.unit} == {"P1-1": "市公交集团", "P2-1": "市交警支队"}


def test_counts_stated_in_words_are_kept() -> None:
    r = load("xiangtan_2022_three_units.md")
    assert r.stated["stated_counts"] == {"problems": 3}
    text = (REPORTS / "xiangtan_2022_three_units.md").read_text(encoding="utf-8")
    text = text.replace("以下三个方面", "以下四个方面")
    assert any("报告称问题有4个方面，实际识别出3个类别" in n for n in parse_report(text).notes)


# --- what is never invented ----------------------------------------------------------------------------------

def test_budget_is_not_derived_from_executed_and_rate() -> None:
    text = ("# 2023年度某市公园维护项目绩效评价结果\n\n一、基本情况\n\n"
            "项目全年实际支出380.00万元，预算执行率为95.00%。\n")
    r = parse_report(text)
    line = r.evaluation.budget_lines[0]
    assert (line.budget, line.executed, line.stated_rate) == (None, D("380.00"), D("95.00"))
    assert r.evaluation.results == () and r.evaluation.meta.stated_total_budget is None


def test_figures_in_problems_and_achievements_are_not_figures() -> None:
    text = ("# 2023年度某市公园维护项目绩效评价结果\n\n一、基本情况\n\n"
            "项目预算400万元，实际支出380万元，预算执行率95%。\n\n"
            "二、存在的问题\n\n（一）资金管理\n\n个别子项目预算执行率仅为45%，结余资金20万元未及时上缴。\n")
    r = parse_report(text)
    assert budget(r.evaluation) == {SYNTHETIC_UNIT: (D("400"), D("380"), D("95"))}
    assert r.evaluation.problems[0].text == "个别子项目预算执行率仅为45%，结余资金20万元未及时上缴。"
    assert r.unplaced == []


def test_unclear_figures_are_listed_with_their_line() -> None:
    text = ("# 2023年度甲市乙项目绩效评价结果\n\n一、基本情况\n\n"
            "甲市教育局（以下简称“市教育局”）和甲市卫健委（以下简称“市卫健委”）共同实施。\n\n"
            "市教育局预算100万元，实际支出90万元。市卫健委预算50万元，实际支出45万元。\n\n"
            "项目资金到位150万元。全年另有资金12万元。项目综合得分88分。\n")
    r = parse_report(text)
    assert budget(r.evaluation) == {"市教育局": (D("100"), D("90"), None), "市卫健委": (D("50"), D("45"), None)}
    assert r.evaluation.results == ()
    reasons = {u.reason.split("：")[0]: (u.line_no, u.reason) for u in r.unplaced}
    assert set(reasons) == {"150万元", "12万元", "88分"}
    assert all(no == 9 for no, _ in reasons.values())
    assert "到位" in reasons["150万元"][1] and "单位" in reasons["12万元"][1] and "单位" in reasons["88分"][1]
    assert r.evaluation.meta.stated_total_budget is None  # 12万元 is not a total: no 总额 / 合计 in its sentence


# --- variants of the seed --------------------------------------------------------------------------------------

def _seed_data(ev: Evaluation) -> tuple:
    return ([(u.key, u.name) for u in ev.units], budget(ev), results(ev), ev.meta.stated_total_budget,
            [(p.category, p.text, p.unit) for p in ev.problems], [(r.category, r.text, r.answers) for r in
                                                                   ev.recommendations],
            [(a.area, a.text) for a in ev.achievements])


VARIANTS = {
    "no markdown at all": lambda t: re.sub(r"\*\*", "", re.sub(r"(?m)^#+\s*", "", t)),
    "bold only": lambda t: re.sub(r"(?m)^#+\s*", "", t),
    "half-width punctuation": lambda t: t.replace("（", "(").replace("）", ")").replace("：", ":").replace("；", ";"),
    "rates written 资金执行率 / 支付率": lambda t: t.replace("项目预算执行率为82.69%", "资金执行率为82.69%").replace(
        "目预算执行率为 98.36%", "目支付率为 98.36%"),
    "amounts in 元": lambda t: (t.replace("14331.38万元", "143,313,800.00元").replace("3400.06万元", "34,000,600元")
                               .replace("10931.32万元", "109,313,200.00 元").replace("2811.47万元", "28,114,700.00元")
                               .replace("10752.13万元", "107,521,300元")),
    "grades in 「」": lambda t: t.replace("“良”", "「良」"),
    "full-width digits in figures": lambda t: t.replace("82.69%", "８２．６９％").replace("86.98分", "８６．９８分"),
    "CRLF and BOM": lambda t: "\ufeff" + t.replace("\n", "\r\n"),
}


@pytest.mark.parametrize("change", VARIANTS.values(), ids=VARIANTS.keys())
def test_seed_variants_give_the_seed_data(seed_text: str, ev: Evaluation, change) -> None:
    assert _seed_data(parse_report(change(seed_text)).evaluation) == _seed_data(ev)


# --- smaller shapes ---------------------------------------------------------------------------------------------

def test_units_defined_together_and_figures_listed_with_fen_bie() -> None:
    text = ("# 2023年度邵阳市民生实事项目绩效评价结果\n\n"
            "邵阳市财政局对邵阳市民政局、邵阳市人力资源和社会保障局（以下分别简称“市民政局”“市人社局”）"
            "2023年度民生实事项目进行了绩效评价。\n\n## 一、资金情况\n\n"
            "市民政局、市人社局预算资金分别为1000万元、800万元，实际执行分别为955万元、706万元，"
            "预算执行率分别为95.5%、88.25%。\n\n## 二、评价结论\n\n"
            "各单位得分情况如下：市民政局91分，市人社局84.5分。两个单位分别为“优”“良”等次。\n")
    ev = parse_report(text).evaluation
    assert [(u.key, u.name) for u in ev.units] == [
        ("市民政局", "邵阳市民政局"), ("市人社局", "邵阳市人力资源和社会保障局")]
    assert budget(ev) == {"市民政局": (D("1000"), D("955"), D("95.5")), "市人社局": (D("800"), D("706"), D("88.25"))}
    assert results(ev) == {"市民政局": (D("91"), "优"), "市人社局": (D("84.5"), "良")}


def test_a_total_wins_over_its_parts_for_a_single_unit() -> None:
    text = ("# 关于2022年度益阳市城乡居民医疗救助资金绩效评价结果的公告\n\n（一）项目概况\n\n"
            "益阳市医疗保障局（以下简称“市医保局”）负责资金管理。2022年，中央和省级下达医疗救助资金5,680万元，"
            "市级配套1,200万元，合计预算6,880万元；全年实际支出6,536万元，预算执行率95.00%。\n\n"
            "（二）评价结论\n\n经综合评价，该项目综合评分为86.5分，评价结果为“良”。\n")
    r = parse_report(text)
    assert budget(r.evaluation) == {"市医保局": (D("6880"), D("6536"), D("95.00"))}
    assert results(r.evaluation) == {"市医保局": (D("86.5"), "良")}
    assert sorted(u.reason.split("：")[0] for u in r.unplaced) == ["1,200万元", "5,680万元"]
    assert consistency.check(r.evaluation) == []


def test_table_in_yuan_and_a_table_that_is_not_about_units() -> None:
    text = ("# 2023年度某市项目绩效评价结果\n\n一、资金情况\n\n单位：元\n\n"
            "| 单位 | 预算数 | 执行数 | 执行率 |\n| --- | --- | --- | --- |\n"
            "| 某市文化馆 | 1,200,000.00 | 1,080,000.00 | 90.00% |\n\n"
            "二、评价结论\n\n| 一级指标 | 分值 | 得分 |\n| --- | --- | --- |\n| 决策 | 15 | 13.5 |\n")
    r = parse_report(text)
    assert budget(r.evaluation) == {"某市文化馆": (D("120"), D("108"), D("90.00"))}
    assert r.evaluation.results == ()
    assert any("÷10000" in n for n in r.notes)
    assert [u.line_no for u in r.unplaced] == [13, 15]  # the indicator table, row by row (14 is the --- row)


def test_trailing_signature_and_page_furniture_are_not_items() -> None:
    text = ("# 2023年度某市甲项目绩效评价结果\n\n一、基本情况\n\n项目预算资金300万元，实际支出240万元。\n\n"
            "二、建议\n\n（一）加强监管\n\n加强合同履约监管。\n\n某市财政局\n\n2024年6月30日\n\n【打印本页】【关闭窗口】\n")
    r = parse_report(text)
    assert [x.text for x in r.evaluation.recommendations] == ["加强合同履约监管。"]
    assert [u.text for u in r.unplaced] == ["某市财政局", "2024年6月30日", "【打印本页】【关闭窗口】"]


def test_word_automatic_numbering_and_bold_title_paragraph() -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()
    d.add_paragraph().add_run("2023年度郴州市高标准农田建设项目绩效评价结果").bold = True
    d.add_paragraph("郴州市财政局绩效评价工作组对郴州市农业农村局（以下简称“市农业农村局”）实施的项目开展了绩效评价。")
    d.add_heading("一、项目资金情况", 1)
    d.add_paragraph("2023年项目预算资金12,600万元，实际执行11,844万元，预算执行率为94%。")
    d.add_heading("二、存在的问题", 1)
    for t in ("部分项目区建后管护责任落实不到位。", "个别项目工程质量验收不规范。"):
        p = d.add_paragraph(t)
        num = OxmlElement("w:numPr")
        num_id = OxmlElement("w:numId")
        num_id.set(qn("w:val"), "1")
        num.append(num_id)
        p._p.get_or_add_pPr().append(num)
    buf = io.BytesIO()
    d.save(buf)
    r = parse_report_file(buf.getvalue(), "郴州.docx")
    ev = r.evaluation
    assert ev.meta.title == "2023年度郴州市高标准农田建设项目绩效评价结果"
    assert budget(ev) == {"市农业农村局": (D("12600"), D("11844"), D("94"))}
    assert [p.text for p in ev.problems] == ["部分项目区建后管护责任落实不到位。", "个别项目工程质量验收不规范。"]


def test_a_unit_named_only_in_a_problem_does_not_take_the_project_figures() -> None:
    text = ("# 2023年度某市甲项目绩效评价结果\n\n一、基本情况\n\n"
            "项目预算资金300万元，实际支出240万元，预算执行率80%。\n\n"
            "二、存在的问题\n\n（一）监管不到位\n\n某某科技有限公司（以下简称“某某公司”）未按合同约定完成系统部署。\n")
    ev = parse_report(text).evaluation
    assert budget(ev) == {SYNTHETIC_UNIT: (D("300"), D("240"), D("80"))}
    assert ev.problems[0].unit == "某某公司"


def test_grade_bands_stated_in_the_text_are_used() -> None:
    text = ("# 2023年度某县乙项目绩效评价结果\n\n一、评价结论\n\n评价等级分为优（85分及以上）、良（75-85分）、"
            "中（60-75分）、差（60分以下）四个等次。项目综合得分86分，评价等级为“优”。\n")
    r = parse_report(text)
    bands = [(b.grade, b.lower) for b in r.evaluation.meta.grade_bands]
    assert bands == [("优", 85), ("良", 75), ("中", 60), ("差", 0)]
    assert results(r.evaluation) == {SYNTHETIC_UNIT: (D("86"), "优")}
    # 86 is 优 under the report's own bands (it would be 良 under the default)
    assert consistency.check(r.evaluation) == []


def test_plain_text_with_unnumbered_section_titles() -> None:
    text = ("2023年度某县丙项目绩效评价结果\n基本情况\n项目预算资金300万元，实际支出240万元，项目已投入使用，效果良好\n"
            "存在的问题\n一是资金拨付滞后；二是档案管理不规范。\n")
    r = parse_report(text)
    assert r.evaluation.meta.title == "2023年度某县丙项目绩效评价结果"
    assert budget(r.evaluation) == {SYNTHETIC_UNIT: (D("300"), D("240"), None)}
    assert [(p.category, p.text) for p in r.evaluation.problems] == [
        ("存在的问题", "资金拨付滞后；"), ("存在的问题", "档案管理不规范。")]
