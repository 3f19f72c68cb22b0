"""evalcore.reporttext on the seed: parse the published text into data, write the 结果 text back, round trip.

The oracle is the sample workbook (entered by hand from the seed, see sample_data/source/changsha_2023.toml): the
parsed seed must carry exactly its units, figures and the 19 + 18 items, in order, verbatim.
"""
from __future__ import annotations

import io
import re
from decimal import Decimal

import docx
import pytest

from evalcore.model import Evaluation
from evalcore.reporttext import (
    SYNTHETIC_UNIT,
    ParseResult,
    parse_report,
    parse_report_file,
    parse_to_workbook,
    write_docx,
    write_markdown,
)
from evalcore.reporttext.formats import decode_text
from evalcore.reporttext.source import read_document
from evalcore.workbook import read_workbook

D = Decimal

# The figure sentences of the seed, quoted.
SEED_SENTENCES = [
    "2023年信息化建设和运维项目资金总额为14331.38万元。其中：市数据局3400.06万元；市数据中心10931.32万元。",
    "市数据局实际执行项目资金预算2811.47万元，项目预算执行率为82.69%",
    "市数据中心实际执行项目资金预算10752.13万元，项目预算执行率为98.36%",
    "长沙市数据局信息化建设和运维项目支出重点绩效评价得分为86.98分",
    "长沙市大数据中心信息化建设和运维项目支出重点绩效评价得分为86.38分，绩效评价等次均为“良”",
]


def figures(ev: Evaluation) -> dict:
    """Everything the round trip must keep: units, budgets, rates, scores, grades, items (and the stated totals)."""
    return {
        "units": [(u.key, u.name) for u in ev.units],
        "budget": [(b.unit, b.budget, b.executed, b.stated_rate) for b in ev.budget_lines],
        "results": [(r.unit, r.stated_score, r.stated_grade) for r in ev.results],
        "achievements": [(a.area_no, a.area, a.seq, a.text) for a in ev.achievements],
        "problems": [(p.id, p.category_no, p.category, p.seq, p.text, p.unit) for p in ev.problems],
        "recommendations": [(r.id, r.category_no, r.category, r.seq, r.text, r.answers) for r in ev.recommendations],
        "totals": (ev.meta.stated_total_budget, ev.meta.stated_total_executed),
        "meta": (ev.meta.title, ev.meta.year, ev.meta.region, ev.meta.evaluator, ev.meta.project),
    }


@pytest.fixture(scope="module")
def parsed(seed_text: str) -> ParseResult:
    return parse_report(seed_text, source_name="000_66e64902f2a5a998.txt")


# --- the seed, parsed ----------------------------------------------------------------------------------------

def test_seed_units_match_the_sample(parsed: ParseResult, ev: Evaluation) -> None:
    assert [(u.key, u.name) for u in parsed.evaluation.units] == [(u.key, u.name) for u in ev.units]
    assert [u.key for u in parsed.evaluation.units] == ["市数据局", "市数据中心", "数智科技集团"]


def test_seed_figures(parsed: ParseResult) -> None:
    ev = parsed.evaluation
    assert [(b.unit, b.budget, b.executed, b.stated_rate) for b in ev.budget_lines] == [
        ("市数据局", D("3400.06"), D("2811.47"), D("82.69")),
        ("市数据中心", D("10931.32"), D("10752.13"), D("98.36")),  # the sentence broken by a page break
    ]
    assert [(r.unit, r.stated_score, r.stated_grade) for r in ev.results] == [
        ("市数据局", D("86.98"), "良"),
        ("市数据中心", D("86.38"), "良"),
    ]
    assert ev.meta.stated_total_budget == D("14331.38")
    assert ev.meta.stated_total_executed is None  # the seed does not state it; nothing is derived


def test_seed_figures_match_the_sample(parsed: ParseResult, ev: Evaluation) -> None:
    got, want = figures(parsed.evaluation), figures(ev)
    for key in ("budget", "results", "totals", "meta"):
        assert got[key] == want[key], key
    assert parsed.evaluation.meta.conclusion == ev.meta.conclusion


@pytest.mark.parametrize("key", ["achievements", "problems", "recommendations"])
def test_seed_items_match_the_sample_verbatim(parsed: ParseResult, ev: Evaluation, key: str) -> None:
    assert figures(parsed.evaluation)[key] == figures(ev)[key]


def test_seed_item_counts(parsed: ParseResult) -> None:
    ev = parsed.evaluation
    assert len(ev.problems) == 19 and len(ev.recommendations) == 18
    per = [sum(1 for p in ev.problems if p.category_no == n) for n in range(1, 7)]
    assert per == [2, 3, 5, 5, 3, 1]
    per = [sum(1 for r in ev.recommendations if r.category_no == n) for n in range(1, 7)]
    assert per == [3, 3, 3, 4, 2, 3]
    assert len(ev.achievement_areas) == 5 and len(ev.achievements) == 13


def test_seed_recommendation_categories_answer_problem_categories(parsed: ParseResult) -> None:
    for r in parsed.evaluation.recommendations:
        assert r.answers == (f"P{r.category_no}",)
    assert any("逐一对应" in n for n in parsed.notes)


def test_seed_problems_name_their_units(parsed: ParseResult) -> None:
    named = {p.id: p.unit for p in parsed.evaluation.problems if p.unit}
    assert named == {"P2-2": "数智科技集团", "P6-1": "市数据中心"}


def test_seed_nothing_unplaced_nothing_invented(parsed: ParseResult) -> None:
    assert parsed.unplaced == []
    ev = parsed.evaluation
    assert ev.indicators == () and ev.scores == () and ev.rectification == ()
    assert ev.meta.illustrative == frozenset()
    assert all(u.role == "" for u in ev.units)  # the text does not say which unit is 主管 / 实施
    assert parsed.stated["units"]["市数据局"] == {"budget": "3400.06", "executed": "2811.47", "rate": "82.69",
                                                 "score": "86.98", "grade": "良"}


def test_page_break_is_joined(parsed: ParseResult) -> None:
    text = "## 二、预算\n\n市数据中心实际执行项目资金预算10752.13万元，项 \n\n\n 目预算执行率为 98.36%。\n"
    r = parse_report(text)
    assert r.evaluation.budget_lines[0].stated_rate == D("98.36")


# --- the workbook ----------------------------------------------------------------------------------------------

def test_parse_to_workbook_is_a_valid_workbook(seed_text: str) -> None:
    data, result = parse_to_workbook(seed_text.encode("utf-8"), "seed.txt")
    read = read_workbook(data)
    assert read.ok, [str(m) for m in read.errors]
    assert read.warnings == []
    assert figures(read.evaluation) == figures(result.evaluation)


def test_parse_to_workbook_from_a_path(tmp_path, seed_text: str) -> None:
    path = tmp_path / "报告.md"
    path.write_text(seed_text, encoding="utf-8")
    data, result = parse_to_workbook(path)
    assert result.evaluation.meta.source == "报告.md"
    assert read_workbook(data).ok


# --- writing -----------------------------------------------------------------------------------------------------

def test_markdown_carries_the_seed_figure_sentences(ev: Evaluation) -> None:
    md = write_markdown(ev)
    for sentence in SEED_SENTENCES:
        assert sentence in md, sentence
    assert "None" not in md


def test_markdown_follows_the_seed_structure(ev: Evaluation) -> None:
    md = write_markdown(ev)
    headings = re.findall(r"(?m)^## (.+)$", md)
    assert headings == ["一、项目基本情况", "二、项目预算资金安排、管理、使用情况", "三、项目的产出成果及效益情况分析",
                        "四、存在的主要问题", "五、建议", "六、评价结论"]
    assert md.startswith("# 2023年度长沙市信息化建设和运维项目绩效评价结果\n")
    assert "### （六）绩效目标编制质量不高\n\n市数据中心编报的绩效目标" in md
    assert "一是个别项目上年结转资金未及时使用。二是纳入评价范围的统筹集约建设项目预算执行率有待提高。" in md
    assert "长沙市数据局（以下简称“市数据局”）" in md


def test_markdown_takes_every_number_from_the_data(ev: Evaluation) -> None:
    import dataclasses

    lines = list(ev.budget_lines)
    lines[0] = dataclasses.replace(lines[0], executed=D("2800.5"), stated_rate=None)
    results = (dataclasses.replace(ev.results[0], stated_score=D("91.005"), stated_grade="优"), ev.results[1])
    md = write_markdown(dataclasses.replace(ev, budget_lines=tuple(lines), results=results))
    assert "市数据局实际执行项目资金预算2800.50万元，项目预算执行率为82.37%。" in md  # computed: no stated rate
    # the stored conclusion no longer agrees with the data, so the conclusion is written from the data
    assert "长沙市数据局信息化建设和运维项目绩效评价得分为91.01分，绩效评价等次为“优”" in md
    assert "86.98" not in md


def test_markdown_of_a_sparse_evaluation_prints_no_none() -> None:
    from evalcore.model import BudgetLine, Meta, Unit

    ev = Evaluation(Meta(title="某项目绩效评价结果"), (Unit("甲单位"),),
                    (BudgetLine("甲单位", D(0), D(0)),))
    md = write_markdown(ev)
    assert "None" not in md and "甲单位实际执行项目资金预算0.00万元，预算为0，无法计算执行率。" in md
    assert "评价结论" not in md and "存在的主要问题" not in md
    assert write_markdown(Evaluation(Meta(title="空"))).startswith("# 空\n")


def test_markdown_round_trip(seed_text: str) -> None:
    data, first = parse_to_workbook(seed_text.encode("utf-8"), "seed.txt")
    again = parse_report(write_markdown(read_workbook(data).evaluation))
    assert figures(again.evaluation) == figures(first.evaluation)
    assert again.evaluation.meta.conclusion == first.evaluation.meta.conclusion
    assert again.unplaced == []


def test_docx_round_trip(seed_text: str) -> None:
    data, first = parse_to_workbook(seed_text.encode("utf-8"), "seed.txt")
    blob = write_docx(read_workbook(data).evaluation)
    again = parse_report_file(blob, "结果.docx")
    assert figures(again.evaluation) == figures(first.evaluation)
    assert again.unplaced == []


def test_docx_structure_and_east_asian_fonts(ev: Evaluation) -> None:
    document = docx.Document(io.BytesIO(write_docx(ev)))
    paragraphs = [p for p in document.paragraphs if p.text]
    assert paragraphs[0].style.name == "Title"
    assert paragraphs[0].text == "2023年度长沙市信息化建设和运维项目绩效评价结果"
    assert [p.text for p in paragraphs if p.style.name == "Heading 1"][3] == "四、存在的主要问题"
    body = "\n".join(p.text for p in paragraphs)
    for sentence in SEED_SENTENCES:
        assert sentence in body
    qn = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for p in paragraphs:
        for run in p.runs:
            fonts = run._element.rPr.find(f"{qn}rFonts")
            assert fonts is not None and fonts.get(f"{qn}eastAsia") in ("仿宋", "黑体")


def test_synthetic_unit_round_trips() -> None:
    text = ("# 2021年度某县农机补贴资金绩效评价\n\n## 一、基本情况\n\n"
            "项目预算资金500万元，实际支出450万元，预算执行率90%。\n")
    first = parse_report(text).evaluation
    assert [u.key for u in first.units] == [SYNTHETIC_UNIT]
    again = parse_report(write_markdown(first)).evaluation
    assert figures(again)["budget"] == figures(first)["budget"]


# --- reading files -------------------------------------------------------------------------------------------

def test_text_encodings(seed_text: str) -> None:
    assert decode_text(seed_text.encode("utf-8-sig")) == seed_text
    assert decode_text(seed_text.encode("gb18030")) == seed_text
    assert decode_text(seed_text.encode("utf-16")) == seed_text
    r = parse_report_file(seed_text.encode("gb18030"), "报告.txt")
    assert r.evaluation.budget_lines[0].stated_rate == D("82.69")


@pytest.mark.parametrize(("data", "name", "says"), [
    (b"\xd0\xcf\x11\xe0 old word", "old.doc", ".docx"),
    (b"%PDF-1.7", "report.pdf", "PDF"),
    (b"PK\x03\x04 not really a docx", "x.docx", "不是有效的 .docx"),
])
def test_unreadable_files_raise_a_chinese_value_error(data: bytes, name: str, says: str) -> None:
    with pytest.raises(ValueError, match=re.escape(says)):
        read_document(data, name)


def test_an_empty_text_still_gives_an_evaluation() -> None:
    r = parse_report("", source_name="空白.txt")
    assert r.evaluation.meta.title == "空白"
    assert r.evaluation.units == () and r.evaluation.problems == ()
    assert read_workbook(parse_to_workbook(b"", "x.txt")[0]).ok
