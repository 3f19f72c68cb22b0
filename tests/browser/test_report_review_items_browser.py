"""数据管理 › 从报告文本导入 in real Chromium (issue 24, item 3): the problems and recommendations found are reviewed in
the grid below the figures — an item's text corrected in the cell editor, a closing remark taken for an item ticked
删除 — and the publication's version note lists both changes."""
from __future__ import annotations

import pytest

from evalcore.store import Store

pytestmark = pytest.mark.browser

TEXT = ("2023年度乙区项目绩效评价报告\n一、基本情况\n乙区水利局项目预算资金300万元，实际支出240万元，预算执行率80%。\n"
        "二、存在的问题\n项目进度滞后，资金拨付慢。\n档案管理不规范。\n以上问题需引起重视。\n"
        "三、建议\n1.加快项目进度。\n2.规范档案管理。\n四、评价结论\n乙区水利局综合得分88分，等级为良。\n")
ROW = 35  # the grid's header and row height (px)
MARKER, NUMBER, REMOVE = 34, 60, 64  # widths of the row-marker column, 原编号 and 删除 (components/review_items.py)


@pytest.fixture
def served(tmp_path, ui):
    with ui.serve_app(tmp_path) as url:
        yield url, tmp_path / "evalboard.db"


def test_an_item_corrected_and_one_removed_in_the_grid_are_in_the_version_note(served, new_page, ui):
    url, db = served
    page = new_page(1280, 900)
    ui.open_and_settle(page, url + "/data")
    page.get_by_role("tab", name="从报告文本导入").click()
    ui.wait_for_app(page)
    page.get_by_role("textbox", name="操作人").first.fill("李评价")
    page.keyboard.press("Enter")
    ui.wait_for_app(page)
    box = page.get_by_role("textbox", name="粘贴报告正文")
    box.fill(TEXT)
    box.press("Control+Enter")
    ui.wait_for_app(page)
    ui.wait_for_texts(page, ["问题与建议", "问题 3 条，建议 2 条，3 条标 ⚠"], timeout_ms=30_000)

    grid = page.locator("[data-testid='stDataFrame']").filter(has_text="原编号").first
    grid.scroll_into_view_if_needed()
    area = grid.bounding_box()
    assert area is not None
    # the third item (a closing remark, not a problem): tick 删除
    page.mouse.click(area["x"] + MARKER + NUMBER + REMOVE / 2, area["y"] + ROW * 3 + ROW / 2)
    ui.wait_for_app(page)
    # the first item: its text corrected in the cell editor (内容 is the last column, at the grid's right)
    area = grid.bounding_box()
    assert area is not None
    page.mouse.dblclick(area["x"] + area["width"] - 60, area["y"] + ROW + ROW / 2)
    editor = page.locator("textarea").last
    editor.wait_for()
    editor.fill("项目进度滞后。")
    page.keyboard.press("Enter")
    ui.wait_for_app(page)
    ui.wait_for_texts(page, ["更正 问题 1.1 “项目进度滞后，资金拨付慢。” → “项目进度滞后。”",
                             "删除 问题 1.3 “以上问题需引起重视。”"], timeout_ms=30_000)

    page.get_by_text("我已对照原文核对以上数值和问题、建议").click()
    ui.wait_for_app(page)
    page.get_by_role("button", name="核对完毕，发布").click()
    ui.wait_for_app(page)
    ui.wait_for_texts(page, ["版本说明记录了核对结果"], timeout_ms=30_000)
    ui.assert_no_errors(page)

    store = Store(f"sqlite:///{db}")
    try:
        info = next(e for e in store.evaluations() if e.title == "2023年度乙区项目绩效评价报告")
        (version,) = store.versions(info.id)
        assert version.note == ("由报告“粘贴的文本.txt”解析导入，经人工核对；"
                                "更正 问题 1.1 “项目进度滞后，资金拨付慢。” → “项目进度滞后。”；"
                                "删除 问题 1.3 “以上问题需引起重视。”")
        assert [p.text for p in store.load(version.id).problems] == ["项目进度滞后。", "档案管理不规范。"]
        assert version.by == "李评价"
    finally:
        store.dispose()
