"""Phone order (issue 28, What to build 6), in real Chromium as a phone opens a link (390x844, a phone's
User-Agent and touch): 总览 at most 4 screens tall; on 评价总览 the key figures come before the filters, which sit
behind one button (筛选); a grid keeps 得分 and 等次 on screen, shows its figures whole and never wraps a header one
character per line.

Waits are Playwright's ``expect`` on what the page must show, never fixed sleeps.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PHONE_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/124.0.0.0 Mobile Safari/537.36")
MAX_SCREENS = 4
MAIN = "[data-testid='stMain']"
GRID = "iframe[title='数据表格']"


@pytest.fixture
def phone(browser) -> Iterator:
    context = browser.new_context(viewport=PHONE, user_agent=PHONE_AGENT, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    context.set_default_timeout(90_000)
    yield context.new_page()
    context.close()


def _screens(page) -> float:
    """The page's height in screens: Streamlit scrolls the page inside stMain."""
    return page.evaluate(f"() => document.querySelector(\"{MAIN}\").scrollHeight / window.innerHeight")


def test_overview_is_at_most_four_screens_on_a_phone(app_url, phone, ui):
    ui.open_and_settle(phone, app_url + "/")
    main = phone.locator(MAIN)
    expect(main.get_by_text("评价结论")).to_be_visible()  # the page's last section is drawn
    expect(main.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    expect(main.locator(".js-plotly-plot")).to_have_count(3)  # budget, rates, problems by category
    # the achievement areas open with a tap: their titles are there, their items are not taking the screen
    expect(main.locator("[data-testid='stExpander']")).to_have_count(5)
    ui.assert_no_errors(phone)
    screens = _screens(phone)
    assert screens <= MAX_SCREENS, f"总览 is {screens:.2f} screens tall on a 390x844 phone"


def test_portfolio_key_figures_before_the_filters_behind_one_button(app_url, phone, ui):
    ui.open_and_settle(phone, app_url + "/portfolio")
    main = phone.locator(MAIN)
    first_tile = main.locator("[data-testid='stMetric']").first
    expect(first_tile).to_be_visible()
    button = main.get_by_role("button", name="筛选")
    expect(button).to_be_visible()
    evaluators = phone.locator("[data-testid='stMultiSelect']", has_text="评价机构")
    expect(evaluators).to_be_hidden()  # no filter takes the first screen
    tile_box, button_box = first_tile.bounding_box(), button.bounding_box()
    assert tile_box is not None and button_box is not None
    assert tile_box["y"] < button_box["y"] and tile_box["y"] < PHONE["height"]
    button.click()
    expect(evaluators).to_be_visible()  # the five filters, in the popover
    body = phone.locator("[data-testid='stPopoverBody']")
    expect(body.locator("[data-testid='stMultiSelect']")).to_have_count(4)
    expect(body.locator("[data-testid='stTextInput']")).to_have_count(1)
    ui.assert_no_errors(phone)


def test_grid_keeps_score_and_grade_on_screen_whole_and_headers_readable(app_url, phone, ui):
    ui.open_and_settle(phone, app_url + "/units")
    grid = phone.frame_locator(GRID).first
    score = grid.locator(".ag-header-cell", has_text="得分").first
    expect(score).to_be_visible()
    expect(grid.locator(".ag-cell", has_text="10,931.32").first).to_be_attached()  # 市数据中心's budget, whole
    frame = next(f for f in phone.frames if f.locator(".ag-header-cell").count())
    found = frame.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const headers = [...document.querySelectorAll('.ag-header-cell')].map(h => {
            const t = h.querySelector('.ag-header-cell-text'), r = t.getBoundingClientRect();
            return {text: t.innerText, width: r.width, right: h.getBoundingClientRect().right};
        });
        const cut = [...document.querySelectorAll('.ag-cell')].filter(c => {
            const v = c.querySelector('.ag-cell-value') || c;
            return /^[\\d,.%—-]+$/.test(v.innerText.trim()) && v.scrollWidth > v.clientWidth + 1;
        }).map(c => c.innerText);
        return {width, headers, cut};
    }""")
    by_text = {h["text"].replace("\n", ""): h for h in found["headers"]}
    for name in ("得分", "等次"):
        assert by_text[name]["right"] <= found["width"] + 1, f"{name} is off the screen: {found}"
    narrow = [h["text"] for h in found["headers"] if len(h["text"].replace("\n", "")) >= 2 and h["width"] < 26]
    assert not narrow, f"headers wrapped one character per line: {narrow}"
    assert not found["cut"], f"figures cut in the grid: {found['cut']}"
    ui.assert_no_errors(phone)
