"""The markdown 结果 text with hostile workbook text: a markdown viewer shows every piece of data literally (no
link, image, HTML, emphasis, heading, list, table, code, formula, emoji or autolink made of it), and
``parse-report`` of the file still gives back the same data (the round trip of test_reporttext, with hostile
items, categories and title)."""
from __future__ import annotations

import dataclasses
import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalcore.reporttext import parse_report, parse_report_file, parse_to_workbook, write_docx, write_markdown
from evalcore.reporttext.lines import strip_md
from evalcore.reporttext.write import md_escape
from evalcore.workbook import read_workbook
from tests import hostile
from tests.unit.test_reporttext import figures

# Characters markdown gives a meaning to anywhere in a line (CommonMark and GitHub's, math, emoji extensions).
SPECIAL = set("\\`*_[]<>&~|$#:@{}^=!")

HOSTILE = [hostile.SCRIPT, hostile.IMG, hostile.MD_LINK, hostile.MD_IMAGE, hostile.BOLD, hostile.RED, hostile.ICON,
           hostile.EMOJI, hostile.LATEX, hostile.ARROW, hostile.URL, hostile.FORMULA, hostile.TEMPLATE,
           hostile.ENTITY, hostile.PLOTLY_HTML, hostile.STYLE, hostile.JSCODE, hostile.SVG, hostile.IFRAME,
           hostile.ANCHOR, "www.evil.example", "a@b.example", "`code`", "~~删除~~", "| a | b |", "a\\*b\\", "C#",
           "__下划线__", "[^1]", "{#id}", "==高亮=="]


def unescaped(line: str) -> list[str]:
    """Markdown-special characters of ``line`` that are not backslash-escaped."""
    out, i = [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line) and line[i + 1] in string.punctuation:
            i += 2
            continue
        if line[i] in SPECIAL:
            out.append(line[i])
        i += 1
    return out


@pytest.mark.parametrize("text", HOSTILE)
def test_md_escape_makes_every_special_character_literal_and_reads_back(text):
    md = md_escape(text)
    assert unescaped(md) == []
    assert strip_md(md) == text


@pytest.mark.parametrize(("text", "escaped"), [
    ("- 项", "\\- 项"), ("+ 项", "\\+ 项"), ("1. 项", "1\\. 项"), ("12) 项", "12\\) 项"), ("---", "\\---"),
    ("86.98分", "86.98分"), ("2023.5", "2023.5"), ("+1", "+1"), ("www.x.cn", "www\\.x.cn"),
    ("第一行\n- 第二行", "第一行\n\\- 第二行"),
])
def test_md_escape_line_starts_and_figures(text, escaped):
    assert md_escape(text) == escaped


@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=60))
def test_md_escape_reads_back_as_typed(text):
    text = text.strip()
    assert strip_md(md_escape(text)) == text.strip()


def test_markdown_of_the_hostile_workbook_shows_nothing_but_text():
    md = write_markdown(hostile.hostile_evaluation())
    for line in md.splitlines():
        body = re.sub(r"^#{1,3} ", "", line)  # our headings
        assert unescaped(body) == [], line[:120]
        assert not re.match(r"\s*([-+>]|\d{1,9}[.)])(\s|$)", body), line[:120]  # no list or quote of the data
        assert not re.search(r"(?i)https?:|www\.", body.replace("\\", "")) or "\\:" in body, line[:120]
    for text in (hostile.SCRIPT, hostile.MD_LINK, hostile.TITLE):
        assert text not in md  # only ever escaped
    assert md.startswith("# " + md_escape(hostile.TITLE) + "\n")


@pytest.fixture(scope="module")
def seed_evaluation(seed_text):
    data, first = parse_to_workbook(seed_text.encode("utf-8"), "seed.txt")
    return read_workbook(data).evaluation


def _hostile_texts(ev, texts=HOSTILE):
    """The seed's evaluation with hostile items, categories and title (units and figures as in the seed: the
    parser finds those by their Chinese wording; a title that ends in “：” is read as a heading's colon, so the
    hostile text goes inside the titles)."""
    def item(text: str, i: int) -> str:  # hostile text inside the item, which still ends its sentence
        return text.rstrip("。") + texts[i % len(texts)] + "。"

    problems = tuple(dataclasses.replace(p, text=item(p.text, i),
                                         category=p.category[:2] + texts[(p.category_no + 3) % len(texts)]
                                         + p.category[2:])
                     for i, p in enumerate(ev.problems))
    recs = tuple(dataclasses.replace(r, text=texts[(i + 7) % len(texts)] + r.text) for i, r in
                 enumerate(ev.recommendations))
    achievements = tuple(dataclasses.replace(a, text=item(a.text, i + 11)) for i, a in enumerate(ev.achievements))
    # (a problem category and its recommendation category must still share a word for the links to be made)
    categories = {p.category_no: p.category for p in problems}
    recs = tuple(dataclasses.replace(r, category=r.category + categories.get(r.category_no, "")[-8:]) for r in recs)
    marked = "".join(t for t in (hostile.BOLD, hostile.MD_LINK, hostile.SCRIPT) if t in texts)
    meta = dataclasses.replace(ev.meta, title=f"2023年度长沙市{marked}信息化建设和运维项目绩效评价结果",
                               project=f"{marked}信息化建设和运维项目")
    return dataclasses.replace(ev, meta=meta, problems=problems, recommendations=recs, achievements=achievements)


def test_markdown_round_trip_with_hostile_text(seed_evaluation):
    ev = _hostile_texts(seed_evaluation)
    again = parse_report(write_markdown(ev))
    assert again.unplaced == []
    got, want = figures(again.evaluation), figures(ev)
    for key in want:
        if key == "recommendations":  # the links are read from the category titles; compare the text
            assert [r[:5] for r in got[key]] == [r[:5] for r in want[key]]
        else:
            assert got[key] == want[key], key


# A .docx holds plain text, which the parser reads like markdown: ** and __ are taken for emphasis markers there
# (and a backslash before punctuation for an escape), so those are left out of the .docx round trip.
DOCX_HOSTILE = [t for t in HOSTILE if "**" not in t and "__" not in t and "\\" not in t]


def test_docx_round_trip_with_hostile_text(seed_evaluation):
    ev = _hostile_texts(seed_evaluation, DOCX_HOSTILE)
    again = parse_report_file(write_docx(ev), "结果.docx")
    got, want = figures(again.evaluation), figures(ev)
    for key in ("problems", "achievements", "meta", "budget", "results", "units"):
        assert got[key] == want[key], key
