"""Every page of the running app in real Chromium: deep links, reloads, navigation and the seed figures.

The page contract: URL path and sidebar label (drawn with ``st.page_link``) of each page.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser import sidebar

pytestmark = pytest.mark.browser

# (source file, URL path, sidebar label)
PAGES = [
    ("app.py", "/", "总览"),
    ("pages/1_units.py", "/units", "单位对比"),
    ("pages/2_problems.py", "/problems", "问题分析"),
    ("pages/3_rectification.py", "/rectification", "建议与整改"),
    ("pages/4_present.py", "/present", "演示"),
    ("pages/5_data.py", "/data", "数据管理"),
]
# The presentation page starts with the sidebar collapsed: its links are there, not visible until opened.
COLLAPSED = {"/present"}
PAGE_IDS = [path for _, path, _ in PAGES]
NAV_LINK = "[data-testid='stSidebar'] a[data-testid='stPageLink-NavLink']"

# Figures of the seed evaluation (sample_data/source/changsha_2023.toml): execution rates of 市数据局 / 市数据中心,
# score of 市数据局.
OVERVIEW_FIGURES = ["82.69%", "98.36%", "86.98"]
UNITS_FIGURES = ["82.69%", "98.36%"]


def _path(url: str) -> str:
    return urlparse(url).path.rstrip("/") or "/"


def assert_nav_complete(page) -> None:
    """The sidebar has a page link for every page (visible unless the page starts with it collapsed)."""
    links = page.locator(NAV_LINK)
    for _, _, label in PAGES:
        link = links.filter(has_text=sidebar.whole_label(label))
        expect(link.first, f"no sidebar link {label!r} on {page.url}").to_be_attached()
        if _path(page.url) not in COLLAPSED:
            expect(link.first, f"sidebar link {label!r} is not visible on {page.url}").to_be_visible()


@pytest.mark.parametrize(("source", "path", "label"), PAGES, ids=PAGE_IDS)
def test_deep_link_and_reload(cold_app_url, new_page, ui, source, path, label):
    # A server of its own: this URL is the first one ever opened on it, as after a restart or deploy.
    page = new_page(1920, 1080)
    ui.open_and_settle(page, cold_app_url + path)
    assert _path(page.url) == path, f"{source}: opened {path}, landed on {page.url}"
    ui.assert_no_errors(page)
    assert_nav_complete(page)

    page.reload(wait_until="domcontentloaded")
    ui.wait_for_app(page)
    assert _path(page.url) == path, f"{source}: reloaded {path}, landed on {page.url}"
    ui.assert_no_errors(page)
    assert_nav_complete(page)


def test_sidebar_navigation(app_url, new_page, ui):
    page = new_page(1920, 1080)
    ui.open_and_settle(page, app_url + "/")
    ui.assert_no_errors(page)
    # Visit every other page from the overview, then come back to it: the path changes at every click.
    # (the presentation page hides the sidebar; its own browser test covers getting there and back)
    for _, path, label in [p for p in [*PAGES[1:], PAGES[0]] if p[1] not in COLLAPSED]:
        page.locator(NAV_LINK).filter(has_text=sidebar.whole_label(label)).first.click()
        page.wait_for_url(lambda url, expected=path: _path(url) == expected)
        ui.wait_for_app(page)
        ui.assert_no_errors(page)
        assert_nav_complete(page)


@pytest.mark.parametrize(
    ("path", "figures"),
    [("/", OVERVIEW_FIGURES), ("/units", UNITS_FIGURES)],
    ids=["overview", "units"],
)
def test_seed_figures_shown(app_url, new_page, ui, path, figures):
    page = new_page(1920, 1080)
    ui.open_and_settle(page, app_url + path)
    ui.assert_no_errors(page)
    ui.wait_for_texts(page, figures)


@pytest.mark.parametrize(("source", "path", "label"), PAGES, ids=PAGE_IDS)
def test_laptop_viewport(app_url, new_page, ui, source, path, label):
    page = new_page(1280, 800)
    ui.open_and_settle(page, app_url + path)
    ui.assert_no_errors(page)
    assert_nav_complete(page)
