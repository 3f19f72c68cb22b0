"""Exports of the hostile workbook (tests/hostile.py): the HTML report escapes every piece of workbook text (no
element, attribute or link made from it), the 结果工作簿 keeps text as text (never a formula), the deck holds the
text as plain runs. (The HTML file is also opened in Chromium by tests/browser/test_hostile.py.)"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from html import escape
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from evalcore.export.html import NAV_TITLE_LIMIT, export_html
from evalcore.export.pptx import export_pptx
from evalcore.export.slides import slide_plan
from evalcore.export.xlsx import export_xlsx
from tests import hostile

AS_OF = dt.date(2026, 11, 28)

# Every element the report is made of: ours.
OUR_TAGS = {"html", "head", "meta", "title", "style", "script", "body", "nav", "strong", "a", "main", "section", "div",
            "h1", "h2", "h3", "p", "span", "figure", "table", "thead", "tbody", "tr", "th", "td", "ol", "li", "footer"}


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


@pytest.fixture(scope="module")
def ev():
    return hostile.hostile_evaluation()


@pytest.fixture(scope="module")
def page(ev) -> str:
    return export_html(ev, AS_OF).decode("utf-8")


def test_html_elements_and_attributes_are_ours(page, ev):
    parser = Elements()
    parser.feed(page)
    assert {t for t, _ in parser.tags} <= OUR_TAGS
    for tag, attrs in parser.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert all("pwned" not in (value or "") for value in attrs.values()), (tag, attrs)
        if tag == "a":
            assert re.fullmatch(r"#slide-\d+", attrs["href"]), attrs
    charts = sum(len(s.charts) for s in slide_plan(ev, AS_OF))
    assert len(parser.scripts) == charts + 2  # plotly.js, one per chart, the print helper
    assert not any(s.strip().startswith("window.__pwned") for s in parser.scripts)


def test_html_shows_the_text_escaped(page):
    for text in (hostile.SCRIPT, hostile.IMG, hostile.MD_LINK, hostile.BOLD, hostile.ENTITY, hostile.TEMPLATE,
                 hostile.EVALUATOR, hostile.CONCLUSION.split("\n")[0], f"{hostile.SCRIPT}成效"):
        assert escape(text) in page, text
    for raw in (hostile.SCRIPT, hostile.IMG, hostile.SVG, hostile.IFRAME, hostile.ANCHOR, hostile.STYLE):
        assert raw not in page, raw
    # chart data is JSON inside our scripts: labels escaped for Plotly (&lt;), and Plotly writes any "<" as \u003c,
    # so nothing in it can close a script
    assert page.count("</script>") == page.count("<script") and "&lt;script&gt;window.__pwned" in page


def test_html_long_title_is_shortened_in_the_navigation_bar(ev):
    import dataclasses

    long = dataclasses.replace(ev, meta=dataclasses.replace(ev.meta, title=hostile.LONG))
    page = export_html(long, AS_OF).decode("utf-8")
    nav = re.search(r'<nav class="toc"><strong>(.*?)</strong>', page).group(1)
    assert len(nav) == NAV_TITLE_LIMIT and nav.endswith("…")
    assert f"<h1>{escape(hostile.LONG)}</h1>" in page  # the cover shows it whole


def test_html_long_words_wrap():
    css = export_html(hostile.hostile_evaluation(), AS_OF).decode("utf-8")
    assert re.search(r"section\.slide \{[^}]*overflow-wrap: anywhere", css)
    assert "white-space: nowrap; }" not in re.search(r"\bth \{[^}]*\}", css).group(0)


def test_xlsx_text_is_text(ev):
    wb = load_workbook(io.BytesIO(export_xlsx(ev, AS_OF)))
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value[:40])
                    if cell.value[:1] in "=+-@":
                        pytest.fail(f"{ws.title}!{cell.coordinate} could be read as a formula: {cell.value[:40]}")
                    texts.append(cell.value)
    joined = "\n".join(texts)
    for text in (hostile.SCRIPT, hostile.MD_LINK, hostile.TEMPLATE, hostile.JSCODE, hostile.LONG):
        assert text in joined, text
    assert "'" + hostile.FORMULA in texts  # =1+1 kept, neutralised
    for text in (hostile.DDE_TEXT, hostile.WEBSERVICE_TEXT, hostile.UNC_TEXT):  # issue 27
        assert "'" + text in texts, text
    # and the workbook's XML holds no formula at all
    with zipfile.ZipFile(io.BytesIO(export_xlsx(ev, AS_OF))) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def test_pptx_holds_the_text_as_plain_runs(ev):
    data = export_pptx(ev, AS_OF)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        slides = [z.read(n).decode("utf-8") for n in z.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
        charts = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("ppt/charts/chart")]
    xml = "\n".join(slides + charts)
    assert "hlinkClick" not in xml  # no link made from the text
    for text in (hostile.SCRIPT, hostile.MD_LINK, hostile.TITLE, f"{hostile.SCRIPT}成效"):
        assert escape(text, quote=False) in xml, text
