"""AG Grid tables in real Chromium: a grid inside a closed expander is laid out when the expander opens."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("title", ["建议清单（原文）", "全部整改事项", "整改记录"])
def test_a_grid_in_an_expander_shows_its_rows_when_opened(app_url, new_page, ui, title):
    page = new_page(1280, 800)
    ui.open_and_settle(page, app_url + "/rectification")
    expander = page.locator("[data-testid='stExpander']", has_text=title)
    expander.locator("summary").click()
    frame = expander.locator("iframe").element_handle().content_frame()
    expect(frame.locator(".ag-row").first).to_be_attached()
    # streamlit-aggrid measured the grid 0 px wide while the expander was closed, and it stayed blank
    viewport_width = "() => document.querySelector('.ag-center-cols-viewport').getBoundingClientRect().width"
    ui.wait_until(frame, f"() => ({viewport_width})() > 400", timeout_ms=10_000)
    width = frame.evaluate(viewport_width)
    assert width > 400, f"{title}: the grid's rows are {width} px wide"
    expect(frame.locator(".ag-cell").first).not_to_have_text("")
