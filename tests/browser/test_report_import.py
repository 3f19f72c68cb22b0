"""数据管理 › 从报告文本导入 in real Chromium: the pasted text is shown next to the preview with every figure taken
highlighted where it was read, report text shown literally (never as HTML or markdown), and a text with nothing in
it is refused with nothing to publish."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HOSTILE_TITLE = "# 2023年度某县<img src=x onerror=\"window.__pwned=1\">项目绩效评价报告"
SCRIPT = "<script>window.__pwned=2</script>"
REPORT = (HOSTILE_TITLE + "\n\n一、基本情况\n\n"
          "某县教育局（以下简称“县教育局”）项目预算资金300万元，实际支出240万元，预算执行率80.00%。"
          + SCRIPT + " **不是粗体** :red[不是红色]\n\n"
          "二、存在的问题\n\n一是进度滞后。二是档案不全。\n\n三、评价结论\n\n综合得分88分，等次为良。\n")
SOURCE = "[data-testid='evbReportSource']"


def _paste(page, ui, text: str) -> None:
    box = page.get_by_role("textbox", name="粘贴报告正文")
    box.fill(text)
    box.press("Control+Enter")
    ui.wait_for_app(page)


def _open_import(page, ui, url: str) -> None:
    ui.open_and_settle(page, url + "/data")
    page.get_by_role("tab", name="从报告文本导入").click()
    ui.wait_for_app(page)


def test_the_import_preview_highlights_each_figure_in_the_text(app_url, new_page, ui):
    dialogs: list[str] = []
    page = new_page(1280, 800)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _open_import(page, ui, app_url)
    _paste(page, ui, REPORT)
    ui.wait_for_texts(page, ["识别结果", "取到的数值及出处"], timeout_ms=30_000)

    source = page.locator(SOURCE)
    source.wait_for()
    marked: dict[str, list[str]] = {}
    for m in source.locator("mark[data-kind]").all():
        marked.setdefault(m.get_attribute("data-kind") or "", []).append(m.inner_text())
    assert marked == {"budget": ["300万元"], "executed": ["240万元"], "rate": ["80.00%"],
                      "problem": ["进度滞后。", "档案不全。"], "score": ["88分"], "grade": ["良"]}
    title = source.locator("mark[data-kind='budget']").get_attribute("title")
    assert title == "县教育局 · 预算 300.00"

    text = source.inner_text()  # report text shown exactly as typed
    assert SCRIPT in text and "<img src=x onerror=" in text and "**不是粗体** :red[不是红色]" in text
    expect(source.locator("img, script")).to_have_count(0)
    assert page.evaluate("window.__pwned") is None and dialogs == []

    figures = page.locator("[data-testid='stDataFrame']").first
    figures.wait_for()
    ui.assert_no_errors(page)


def test_a_text_with_nothing_is_refused_in_the_import(app_url, new_page, ui):
    page = new_page(1280, 800)
    _open_import(page, ui, app_url)
    _paste(page, ui, "本网讯 某县组织召开财政重点绩效评价项目初评结果验收会，对抽取的项目进行初验。")
    ui.wait_for_texts(page, ["没有找到任何单位、金额、得分、等次或问题建议"], timeout_ms=30_000)
    expect(page.locator(SOURCE)).to_have_count(0)
    expect(page.get_by_role("button", name="发布", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="下载转换后的工作簿")).to_have_count(0)
