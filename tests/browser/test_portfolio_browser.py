"""评价总览 in real Chromium: a first run with the sample evaluations lands on it; filter by year; open an
evaluation from the table (its 总览, with the evaluation in the URL); the 总览 link of the sidebar keeps it."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.browser import sidebar

pytestmark = pytest.mark.browser


@pytest.fixture
def many_url(tmp_path, ui):
    with ui.serve_app(tmp_path, env={"EVALBOARD_SAMPLES": "all"}) as url:
        yield url


def _year_filter(page, year: str) -> None:
    box = page.locator("[data-testid='stMultiSelect']").filter(has_text="年度").first
    box.click()
    page.get_by_role("option", name=year, exact=True).click()
    page.keyboard.press("Escape")


def test_filter_by_year_then_open_an_evaluation(many_url, new_page, ui):
    page = new_page(1280, 800)
    ui.open_and_settle(page, many_url + "/")
    ui.assert_no_errors(page)
    ui.wait_for_texts(page, ["评价总览", "7 个", "评价一览（7 个"])
    table = page.locator("table.pf-table")
    expect(table.locator("tbody tr")).to_have_count(7)

    _year_filter(page, "2023")
    ui.wait_for_app(page)
    ui.wait_for_texts(page, ["评价一览（1 个"])
    rows = table.locator("tbody tr")
    assert rows.count() == 1 and "长沙市" in rows.first.inner_text()

    rows.first.locator("a").click()
    page.wait_for_url("**/?eval=*")
    ui.wait_for_app(page)
    ui.assert_no_errors(page)
    ui.wait_for_texts(page, ["2023年度长沙市信息化建设和运维项目绩效评价结果", "82.69%", "98.36%", "86.98"])
    assert parse_qs(urlparse(page.url).query)["eval"] == ["7"]  # the seed is loaded last (sample_data.FIRST_RUN)

    # 单位对比 and back to 总览 by the sidebar: still Changsha, never the portfolio
    nav = page.locator("[data-testid='stSidebar'] a[data-testid='stPageLink-NavLink']")
    nav.filter(has_text="单位对比").first.click()
    ui.wait_for_app(page)
    nav.filter(has_text=sidebar.whole_label("总览")).first.click()
    ui.wait_for_app(page)
    ui.wait_for_texts(page, ["2023年度长沙市信息化建设和运维项目绩效评价结果", "82.69%"])
    nav.filter(has_text="评价总览").first.click()
    ui.wait_for_app(page)
    ui.wait_for_texts(page, ["评价一览（"])


def test_choosing_in_the_sidebar_picker_follows_to_other_pages(many_url, new_page, ui):
    """The 评价 select of the sidebar: the choice shows at once, goes into the URL, and the next page keeps it."""
    page = new_page(1280, 800)
    ui.open_and_settle(page, many_url + "/?eval=7")
    ui.wait_for_texts(page, ["2023年度长沙市信息化建设和运维项目绩效评价结果", "82.69%"])
    picker = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="评价").first
    picker.click()
    page.get_by_role("option", name=re.compile("丰泽区")).first.click()
    ui.wait_for_app(page)
    ui.assert_no_errors(page)
    ui.wait_for_texts(page, ["丰泽区2019年度财政重点绩效评价结果"])
    expect(page).to_have_url(re.compile(r"[?&]eval=1(&|$)"))
    sidebar.link(page, "问题分析").click()
    ui.wait_for_app(page)
    ui.assert_no_errors(page)
    expect(page.locator("h1").first).to_have_text(re.compile("问题分析"))
    ui.wait_for_texts(page, ["丰泽区2019年度财政重点绩效评价结果"])
    expect(page).to_have_url(re.compile(r"[?&]eval=1(&|$)"))
