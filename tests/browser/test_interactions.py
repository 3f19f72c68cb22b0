"""What a user does with the pages in real Chromium: click a chart to filter, read chart labels."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _chart(page, key: str):
    """The Plotly chart of a given st.plotly_chart key (Streamlit puts the key in the element's class)."""
    return page.locator(f".st-key-{key} .js-plotly-plot").first


def _svg_texts(locator) -> list[str]:
    return locator.evaluate_all("els => els.map(e => e.textContent)")


def test_clicking_a_category_bar_filters_the_problem_list(app_url, new_page, ui):
    page = new_page(1920, 1080)
    ui.open_and_settle(page, app_url + "/problems")
    ui.wait_for_texts(page, ["显示 19 / 19 项"])
    chart = _chart(page, "problems_by_category")
    chart.scroll_into_view_if_needed()
    # bars are drawn in data order: categories 6, 5, 4, 3, 2, 1 (the first category on top)
    bars = chart.locator("g.trace.bars g.point path")
    expect(bars).to_have_count(6)
    box = bars.nth(3).bounding_box()  # （三）项目实施管理过程欠严格规范: 5 items
    # a real mouse click where the bar is drawn (Plotly's drag layer lies on top and receives it, as for a user)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    ui.wait_for_texts(page, ["显示 5 / 19 项"])
    ui.wait_for_app(page)
    ui.assert_no_errors(page)
    # the list's own filter follows the click
    pick = page.locator("input[role='combobox'][aria-label='问题类别']")
    assert pick.input_value() == "（三）项目实施管理过程欠严格规范"


def test_chart_labels_show_published_figures(app_url, new_page, ui):
    page = new_page(1920, 1080)
    ui.open_and_settle(page, app_url + "/units")
    rates = _chart(page, "units_rates")
    rates.wait_for()
    labels = _svg_texts(rates.locator("text.bartext"))
    assert labels == ["82.69%", "98.36%"], labels
    budget = _svg_texts(_chart(page, "units_budget").locator("text.bartext"))
    assert sorted(budget) == sorted(["3,400.06", "10,931.32", "2,811.47", "10,752.13"]), budget


def test_illustrative_sections_are_labelled(app_url, new_page, ui):
    page = new_page(1920, 1080)
    for path in ("/units", "/rectification"):
        ui.open_and_settle(page, app_url + path)
        ui.wait_for_texts(page, ["示例数据"])
