"""Accessibility basics (issue 28, item 10) in Chromium: every chart has a text alternative next to it, keyboard
focus is visible, and no request leaves the server (the favicon and fonts are served locally)."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGES = ["/", "/units", "/problems", "/rectification", "/present"]
LOCAL = {"localhost", "127.0.0.1", "::1", ""}


def test_no_request_leaves_the_server(app_url, new_page, ui):
    page = new_page(1280, 800)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).scheme in ("http", "https", "ws", "wss")
            and urlparse(r.url).hostname not in LOCAL else None)
    for path in PAGES:
        ui.open_and_settle(page, app_url + path)
    page.wait_for_load_state("networkidle")  # anything the last page asks for late (a font, an icon) has been asked
    assert outside == []
    icon = page.evaluate("() => document.querySelector(\"link[rel~='icon']\")?.href || ''")
    assert urlparse(icon).hostname in LOCAL and urlparse(app_url).hostname in LOCAL


@pytest.mark.parametrize("path", ["/", "/rectification"])
def test_every_chart_has_a_text_alternative(app_url, new_page, ui, path):
    page = new_page(1280, 800)
    ui.open_and_settle(page, app_url + path)
    expect(page.locator("[data-testid='stPlotlyChart']").first).to_be_visible()
    notes = page.evaluate("""() => Array.from(document.querySelectorAll("[data-testid='stPlotlyChart']")).map(c => {
        let el = c.closest("[data-testid='stElementContainer']");
        let prev = el && el.previousElementSibling;
        return prev ? (prev.querySelector('.eb-sr-only') || {}).textContent || '' : '';
    })""")
    assert all(n.startswith("图表说明：") and len(n) > 8 for n in notes), notes


def test_keyboard_focus_is_visible(app_url, new_page, ui):
    page = new_page(1280, 800)
    ui.open_and_settle(page, app_url + "/")
    link = page.locator("[data-testid='stSidebar'] a").first
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard: :focus-visible applies
    width = page.evaluate("() => getComputedStyle(document.activeElement).outlineWidth")
    assert width == "3px", width
