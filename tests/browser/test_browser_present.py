"""The 演示 page in real Chromium at 1920x1080: previous / next by button and arrow key, a slide that fits the
screen in type that reads from the back of a room, the downloads; and the HTML report opened with no network."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PATH = "/present"
TOTAL = 10
COUNTER = ".eb-counter"
SLIDE_TITLE = "h1.eb-slide-title, .eb-cover h1"


def counter(page) -> str:
    return page.locator(COUNTER).inner_text().strip()


def wait_counter(page, ui, n: int) -> None:
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel)?.innerText.trim() === text", arg=[COUNTER, f"{n} / {TOTAL}"]
    )
    ui.wait_for_app(page)


def px(page, selector: str, prop: str = "fontSize") -> float:
    value = page.locator(selector).first.evaluate(f"el => getComputedStyle(el).{prop}")
    return float(value.removesuffix("px"))


def overflow(page) -> int:
    """How far the main area scrolls beyond the window (0 when the slide fits)."""
    return page.evaluate(
        "() => { const m = document.querySelector('[data-testid=stMain]'); return m.scrollHeight - m.clientHeight; }"
    )


@pytest.fixture
def deck(app_url, new_page, ui):
    page = new_page(1920, 1080)
    ui.open_and_settle(page, app_url + PATH)
    ui.assert_no_errors(page)
    assert counter(page) == f"1 / {TOTAL}"
    return page


def test_sidebar_starts_collapsed(deck):
    sidebar = deck.locator("[data-testid='stSidebar']")
    assert sidebar.get_attribute("data-collapsed") == "true"
    box = sidebar.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0  # off screen: the slide has the whole width
    expect(deck.locator("[data-testid='stExpandSidebarButton']")).to_be_visible()  # and it can be opened


def test_buttons_and_arrow_keys(deck, ui):
    deck.get_by_role("button", name="下一页").click()
    wait_counter(deck, ui, 2)
    assert deck.locator(SLIDE_TITLE).first.inner_text() == "关键数据"
    deck.keyboard.press("ArrowRight")
    wait_counter(deck, ui, 3)
    deck.keyboard.press("ArrowRight")
    wait_counter(deck, ui, 4)
    deck.keyboard.press("ArrowLeft")
    wait_counter(deck, ui, 3)
    deck.get_by_role("button", name="上一页").click()
    wait_counter(deck, ui, 2)
    deck.keyboard.press("Home")
    wait_counter(deck, ui, 1)
    ui.assert_no_errors(deck)


def test_every_slide_fits_1920x1080_in_large_type(deck, ui):
    for n in range(1, TOTAL + 1):
        if n > 1:
            deck.keyboard.press("ArrowRight")
            wait_counter(deck, ui, n)
        ui.assert_no_errors(deck)
        assert overflow(deck) <= 8, f"slide {n} scrolls by {overflow(deck)} px at 1920x1080"
        assert px(deck, SLIDE_TITLE) >= 44, f"slide {n}: title too small"
        if deck.locator(".eb-sentences p").count():
            assert px(deck, ".eb-sentences p") >= 26, f"slide {n}: key sentences too small"
        if deck.locator(".eb-tile .value").count():
            assert px(deck, ".eb-tile .value") >= 48
        if deck.locator(".eb-block li, .eb-block p").count():
            assert px(deck, ".eb-block li, .eb-block p") >= 20
        plots = deck.locator(".js-plotly-plot")
        for i in range(plots.count()):
            expect(plots.nth(i)).to_be_visible()
            box = plots.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 1920, f"slide {n}: a chart overflows sideways"
        if n == 3:
            expect(plots).to_have_count(2)
            ui.wait_for_texts(deck, ["82.69%", "98.36%", "14331.38万元"])


def test_downloads_give_the_deck_and_the_report(deck, ui):
    from pptx import Presentation

    with deck.expect_download() as info:
        deck.get_by_role("button", name="下载 PPTX").click()
    download = info.value
    assert download.suggested_filename.endswith(".pptx")
    prs = Presentation(io.BytesIO(open(download.path(), "rb").read()))
    assert len(prs.slides) == TOTAL
    with deck.expect_download() as info:
        deck.get_by_role("button", name="下载 HTML").click()
    text = open(info.value.path(), encoding="utf-8").read()
    assert "14,331.38 万元" in text and "Plotly.newPlot" in text
    ui.assert_no_errors(deck)
    assert counter(deck) == f"1 / {TOTAL}"  # downloading does not move the slide


def test_html_report_opens_offline(new_page, tmp_path):
    """The exported file draws every chart with the network cut: no request leaves the file."""
    from evalcore.export.html import export_html
    from evalcore.workbook import read_workbook
    from sample_data import WORKBOOK

    ev = read_workbook(WORKBOOK).evaluation
    path = tmp_path / "report.html"
    path.write_bytes(export_html(ev, dt.date(2026, 11, 28)))
    page = new_page(1440, 900)
    requests, errors = [], []

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 7")
    expect(page.locator(".js-plotly-plot")).to_have_count(7)
    assert not requests, requests
    assert not errors, errors
    assert "82.69%" in page.inner_text("body")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", landscape=True, print_background=True, prefer_css_page_size=True)
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= TOTAL  # one page per section at least
