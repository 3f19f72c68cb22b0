"""Hostile workbook text in real Chromium: uploaded through 数据管理's file chooser and published, then every page,
every slide of 演示 and the HTML export must show it as plain text. Nothing executes (no dialog, window.__pwned
stays undefined in every frame), no element is made from it (no script, no event handler, no javascript: link, no
bold / colour / icon / formula markup), the strings are visible literally, and the layout holds: no horizontal
page scroll at 1280x800 or 1920x1080, charts keep their plot area.

The workbook is tests/hostile.py's: the sample with unit names, categories, items, 整改 notes, title, evaluator
and conclusion replaced by markup, scripts, markdown, templates, formulas and 2,000-character strings.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from evalcore.export.html import export_html
from tests import hostile
from tests.browser import sidebar

pytestmark = pytest.mark.browser

AS_OF = dt.date(2026, 11, 28)

# Pages in the order the test visits them (by the sidebar, so the session keeps the published evaluation).
PAGES = [("总览", ""), ("单位对比", "units"), ("问题分析", "problems"), ("建议与整改", "rectification"),
         ("数据管理", "data"), ("管理", "admin")]

# Text that must be visible literally on a page (the page's own text and its frames, e.g. the tables).
VISIBLE = {
    "总览": [hostile.IMG, hostile.MD_LINK, hostile.TITLE, hostile.EVALUATOR, hostile.REGION,
             f"{hostile.SCRIPT}评价结论 {hostile.BOLD} {hostile.MD_LINK}", hostile.HEADING, hostile.ENTITY,
             hostile.UNIT_NOTE, "等次：**良**", f"{hostile.SCRIPT}成效", hostile.FORMULA],
    "单位对比": [hostile.SCRIPT, hostile.UNIT_KEYS[2], hostile.IMG, hostile.MD_LINK, "**良**"],
    "问题分析": [hostile.SCRIPT, hostile.IMG, hostile.MD_LINK, hostile.UNIT_KEYS[2]],
    # (the Sankey labels, the status legend, the 整改 tables)
    "建议与整改": [hostile.SCRIPT, hostile.MD_LINK, hostile.FORMULA, hostile.TEMPLATE, hostile.UNIT_KEYS[2],
                   # the categories as the 问题→建议 bars label them (long names are cut with …, whole on hover;
                   # hostile.SCRIPT above is their markup, shown as text)
                   "问题（三）", "建议（三）", "<i>整改中</i>%{x}"],
    "数据管理": [],
    "管理": [],  # (with sign-in off everyone may open it: the audit log and the evaluations list)
}

# Checks run in every frame of a page. Returns a list of findings (empty: nothing wrong).
DOM_CHECKS = r"""
() => {
  const found = [];
  if (window.__pwned !== undefined) found.push('window.__pwned = ' + window.__pwned);
  const all = document.querySelectorAll('*');
  for (const el of all) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase(), value = (a.value || '').toLowerCase();
      if (name.startsWith('on') && value.includes('__pwned')) found.push(`${el.tagName} ${name}=${a.value}`);
      if (['href', 'src', 'srcdoc', 'action', 'formaction', 'xlink:href', 'data'].includes(name)
          && value.replace(/\s/g, '').startsWith('javascript:')) found.push(`${el.tagName} ${name}=${a.value}`);
    }
    const tag = el.tagName.toLowerCase();
    const text = (el.textContent || '').trim();
    // an injected <script>window.__pwned=1</script> (chart data inside our own scripts is a JSON string)
    if (tag === 'script' && text.startsWith('window.__pwned')) found.push('script element: ' + text.slice(0, 80));
    if (tag === 'style' && text.includes('body{display:none}')) found.push('style element from the data');
    if (['iframe', 'img', 'svg'].includes(tag)
        && [...el.attributes].some(a => a.value.includes('__pwned') || a.value === 'x')) {
      found.push(tag + ' element from the data: ' + el.outerHTML.slice(0, 120));
    }
    if (['b', 'strong', 'i', 'em'].includes(tag) && ['粗体', '标题', '加粗', '整改中', '良'].includes(text)) {
      found.push(`<${tag}>${text}</${tag}> made from the data`);
    }
    if (tag === 'tspan' && ['加粗', '整改中'].includes(text)) {
      const style = (el.getAttribute('style') || '') + getComputedStyle(el).fontWeight + getComputedStyle(el).fontStyle;
      if (/bold|700|italic/.test(style)) found.push('styled Plotly text from the data: ' + text);
    }
    if (el.matches('.stMarkdownColoredText, .stMarkdownColoredBackground') && text === '红') {
      found.push(':red[红] rendered as colour');
    }
    if (el.matches('[role=img][aria-label="home icon"], .katex')) found.push('icon or formula from the data');
  }
  if ((document.body && document.body.innerText || '').includes('😄')) found.push(':smile: rendered as emoji');
  return found;
}
"""

LAYOUT = r"""
() => {
  const main = document.querySelector('[data-testid=stMain]');
  const out = {page: document.documentElement.scrollWidth - window.innerWidth,
               main: main ? main.scrollWidth - main.clientWidth : 0, charts: []};
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    const size = gd._fullLayout && gd._fullLayout._size;
    const box = gd.getBoundingClientRect();
    if (size && box.width > 0 && gd._fullLayout._has && gd._fullLayout._has('cartesian')) {
      out.charts.push({w: size.w, h: size.h, width: box.width});
    }
  }
  return out;
}
"""


def check(page, where: str, dialogs: list[str], visible: list[str] = (), ui=None) -> None:
    """No dialog, nothing injected in any frame, the strings shown literally, no horizontal scroll, charts with
    a plot area."""
    assert not dialogs, f"{where}: a dialog opened: {dialogs}"
    findings = []
    for frame in page.frames:
        try:
            findings.extend(f"{where} [{frame.url[:60]}]: {f}" for f in frame.evaluate(DOM_CHECKS))
        except Exception as exc:  # a frame that went away while the page re-ran
            if "detached" not in str(exc).lower():
                raise
    assert not findings, "\n".join(findings)
    if visible:
        ui.wait_for_texts(page, list(visible), timeout_ms=20_000)
    layout = page.evaluate(LAYOUT)
    assert layout["page"] <= 1, f"{where}: the page scrolls sideways by {layout['page']} px"
    assert layout["main"] <= 1, f"{where}: the main area scrolls sideways by {layout['main']} px"
    for c in layout["charts"]:
        # a long label is shortened on the axis: the plot keeps most of the chart's width and some height
        assert c["w"] >= 0.35 * c["width"] and c["h"] >= 60, f"{where}: a chart lost its plot area: {c}"


def _sidebar_link(page, label: str):
    return sidebar.link(page, label)


def _fill_operator(page, ui) -> None:
    """数据管理 asks who publishes (操作人) unless sign-in names the person: fill it when it is there."""
    field = page.get_by_role("textbox", name="操作人")
    if field.count():
        field.first.fill("测试员")
        field.first.press("Enter")
        ui.wait_for_app(page)


def _upload_and_publish(page, ui, path: Path) -> None:
    _fill_operator(page, ui)
    with page.expect_file_chooser() as chooser:
        page.locator("[data-testid='stFileUploaderDropzone'] button").first.click()
    chooser.value.set_files(str(path))
    ui.wait_for_texts(page, ["与当前版本比较", "校验通过", path.name], timeout_ms=60_000)
    ui.wait_for_app(page)
    page.get_by_text("我已核对以上内容，确认发布").click()
    ui.wait_for_app(page)
    page.get_by_role("button", name="发布", exact=True).click()
    ui.wait_for_texts(page, ["已发布第 1 版"], timeout_ms=60_000)
    ui.wait_for_app(page)


def _search_problems(page, ui, where: str, dialogs: list[str]) -> None:
    """The problem list is a grid that draws only the rows in view: find each problem text with the page's own
    search box (a literal match), see it in the list, and check the page again."""
    box = page.get_by_role("textbox", name="搜索问题内容")
    for text in dict.fromkeys(t for t in hostile.PROBLEM_TEXTS if t != hostile.LONG):
        box.fill(text)
        box.press("Enter")
        ui.wait_for_app(page)
        ui.wait_for_texts(page, [text], timeout_ms=20_000)
        assert "显示 0 /" not in ui.page_text(page), f"{where}: the search for {text!r} found nothing"
        check(page, f"{where} searching {text!r}", dialogs)
    box.fill("")
    box.press("Enter")
    ui.wait_for_app(page)


def _open_expanders(page, ui) -> None:
    summaries = page.locator("[data-testid='stMain'] [data-testid='stExpander'] summary")
    for i in range(summaries.count()):
        summaries.nth(i).click()
        ui.wait_for_app(page)
    # the grids inside draw: every frame in an expander has loaded and shows text
    ui.wait_until(page, """() => [...document.querySelectorAll(
        "[data-testid='stMain'] [data-testid='stExpander'] iframe")].every((f) => {
            const d = f.contentDocument;
            return d && d.readyState === 'complete' && d.body && d.body.innerText.trim().length > 0;
        })""")


def _walk_slides(page, ui, where: str, dialogs: list[str]) -> list[str]:
    counter = page.locator(".eb-counter")
    total = int(counter.inner_text().split("/")[1])
    seen = []
    for n in range(1, total + 1):
        if n > 1:
            page.get_by_role("button", name="下一页").click()
            page.wait_for_function("n => document.querySelector('.eb-counter')?.innerText.trim().startsWith(n + ' /')",
                                   arg=n)
            ui.wait_for_app(page)
        ui.assert_no_errors(page)
        check(page, f"{where} slide {n}", dialogs)
        seen.append(ui.page_text(page))
    return seen


def test_hostile_workbook_is_plain_text_on_every_page(cold_app_url, new_page, ui, tmp_path):
    path = hostile.write_hostile_workbook(tmp_path / "hostile.xlsx")
    page = new_page(1280, 800)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    ui.open_and_settle(page, cold_app_url + "/data")
    _upload_and_publish(page, ui, path)
    check(page, "数据管理 (after publishing)", dialogs)

    for width, height in ((1280, 800), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        for label, _ in PAGES:
            _sidebar_link(page, label).click()
            ui.wait_for_app(page)
            ui.assert_no_errors(page)
            if label == "建议与整改":
                _open_expanders(page, ui)
            check(page, f"{label} at {width}x{height}", dialogs, VISIBLE[label], ui)
            if label == "问题分析" and width == 1280:
                _search_problems(page, ui, label, dialogs)

    # 演示: every slide, the title and the texts on them shown literally (sidebar link, then the buttons)
    page.set_viewport_size({"width": 1280, "height": 800})
    _sidebar_link(page, "演示").click()
    ui.wait_for_app(page)
    texts = "\n".join(_walk_slides(page, ui, "演示", dialogs))
    for text in (hostile.TITLE, hostile.EVALUATOR, hostile.SCRIPT, hostile.MD_LINK, hostile.CONCLUSION.split("\n")[0],
                 f"{hostile.SCRIPT}成效", hostile.IMG):
        assert text in texts, f"演示: {text!r} not shown"


def test_hostile_values_in_validation_messages_are_plain_text(cold_app_url, new_page, ui, tmp_path):
    """A refused value is shown back in the message table (st.table renders its cells as Markdown)."""
    path = hostile.write_invalid_hostile_workbook(tmp_path / "有错误.xlsx")
    page = new_page(1280, 800)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    ui.open_and_settle(page, cold_app_url + "/data")
    _fill_operator(page, ui)
    with page.expect_file_chooser() as chooser:
        page.locator("[data-testid='stFileUploaderDropzone'] button").first.click()
    chooser.value.set_files(str(path))
    ui.wait_for_texts(page, ["有错误的文件不能发布", path.name], timeout_ms=60_000)
    ui.wait_for_app(page)
    # (the validator shows a long value cut with "…")
    check(page, "数据管理 (validation messages)", dialogs, [hostile.INVALID_VALUE[:60]], ui)
    expect(page.get_by_role("button", name="发布", exact=True)).to_have_count(0)


def test_hostile_html_export_in_chromium(new_page, tmp_path):
    out = tmp_path / "report.html"
    out.write_bytes(export_html(hostile.hostile_evaluation(), AS_OF))
    for width, height in ((1280, 800), (1920, 1080)):
        page = new_page(width, height)
        dialogs: list[str] = []
        page.on("dialog", lambda d, dialogs=dialogs: (dialogs.append(d.message), d.dismiss()))
        page.goto(out.as_uri())
        # every chart drawn (Plotly has made its SVG in each chart's div)
        plots = page.locator(".eb-plot")
        expect(plots.first).to_be_attached()
        expect(plots.filter(has=page.locator(".main-svg"))).to_have_count(plots.count())
        expect(page.locator(".js-plotly-plot")).to_have_count(plots.count())
        assert plots.count() >= 7
        check(page, f"HTML export at {width}x{height}", dialogs)
        # our scripts only: plotly.js, one per chart, the print helper
        charts = page.locator(".js-plotly-plot").count()
        assert page.locator("script").count() == charts + 2
        text = page.inner_text("body")
        for s in (hostile.TITLE, hostile.EVALUATOR, hostile.SCRIPT, hostile.IMG, hostile.MD_LINK,
                  f"{hostile.SCRIPT}成效", hostile.HEADING, hostile.LIST, hostile.ENTITY, hostile.UNIT_KEYS[2]):
            assert s in text, f"HTML export: {s!r} not shown"
        # chart labels: escaped for Plotly, so the markup shows as text in the SVG
        svg = " ".join(page.eval_on_selector_all(".js-plotly-plot text", "els => els.map(e => e.textContent)"))
        assert "<script>" in svg and "<b>加粗</b>" in svg, svg[:500]
