"""数据管理 › 从报告文本导入 laid out in real Chromium, for a 300-unit results table: on a projector (1920x1080) the
source text and the figures taken from it sit side by side and end at the same height (no empty column under
either); on a 1280x800 laptop, where half the block cannot hold the figures' columns, the figures come under the
text at its full width. At both sizes the doubts above the review take a few lines, not a line per figure."""
from __future__ import annotations

import pytest

from tests.report_table import results_table

pytestmark = pytest.mark.browser

SOURCE = "[data-testid='evbReportSource']"
PAIR = ".st-key-evb_parsed_pair"
TEXT = results_table(300, 12)


def _pasted(page, ui, url: str) -> None:
    ui.open_and_settle(page, url + "/data")
    page.get_by_role("tab", name="从报告文本导入").click()
    ui.wait_for_app(page)
    box = page.get_by_role("textbox", name="粘贴报告正文")
    box.fill(TEXT)
    box.press("Control+Enter")
    ui.wait_for_app(page, 90_000)
    ui.wait_for_texts(page, ["取到的数值及出处（1500 个）", "有 36 处需要人工核对"], timeout_ms=60_000)
    ui.assert_no_errors(page)


def _boxes(page) -> tuple[dict, dict, dict]:
    pair = page.locator(PAIR)
    source = pair.locator(SOURCE)
    figures = pair.locator("[data-testid='stDataFrame']")
    pair.scroll_into_view_if_needed()
    boxes = pair.bounding_box(), source.bounding_box(), figures.bounding_box()
    assert all(b is not None for b in boxes), boxes
    return boxes  # type: ignore[return-value]


def _doubts_height(page) -> float:
    alert = page.locator("[data-testid='stAlert']").filter(has_text="需要人工核对")
    box = alert.bounding_box()
    assert box is not None
    return box["height"]


def test_on_a_projector_the_text_and_its_figures_are_side_by_side_and_end_together(app_url, new_page, ui):
    page = new_page(1920, 1080)
    _pasted(page, ui, app_url)
    pair, source, figures = _boxes(page)
    assert figures["x"] >= source["x"] + source["width"], (source, figures)  # beside, not under
    assert abs(source["y"] + source["height"] - (figures["y"] + figures["height"])) <= 12, (source, figures)
    assert figures["x"] + figures["width"] <= pair["x"] + pair["width"] + 1
    assert _doubts_height(page) < 160


def test_on_a_laptop_the_figures_come_under_the_text_at_full_width(app_url, new_page, ui):
    page = new_page(1280, 800)
    _pasted(page, ui, app_url)
    pair, source, figures = _boxes(page)
    assert figures["y"] >= source["y"] + source["height"], (source, figures)  # under, not squeezed beside
    assert figures["width"] >= pair["width"] - 2 and source["width"] >= pair["width"] - 2, (pair, source, figures)
    assert _doubts_height(page) < 200
