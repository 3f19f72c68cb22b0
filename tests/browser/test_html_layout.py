"""The HTML report draws right at 1920, 1280 and 390 px (issue 28, item 2): every chart at most as wide as its box
(a chart drawn while the page loaded used to take the whole row and cover its neighbour), nothing wider than a
phone's screen, no toolbar in English, and no request leaving the file."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from evalcore.export.html import export_html
from evalcore.workbook import read_workbook
from sample_data import WORKBOOK

pytestmark = pytest.mark.browser

CHARTS = 7  # the seed's report


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_bytes(export_html(read_workbook(WORKBOOK).evaluation, dt.date(2026, 11, 28)))
    return path


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 800), (390, 844)])
def test_charts_fit_their_boxes(report, new_page, size):
    page = new_page(*size)
    outside = []

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(report.as_uri())
    page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {CHARTS}")
    widths = page.evaluate("""() => Array.from(document.querySelectorAll('figure.chart')).map(f => {
        const svg = f.querySelector('.main-svg');
        return [f.closest('section').id, f.getBoundingClientRect().width, svg.getBoundingClientRect().width];
    })""")
    assert len(widths) == CHARTS
    for section, box, chart in widths:
        assert chart <= box + 1, (section, box, chart)  # never wider than its column
        assert chart >= box * 0.9, (section, box, chart)  # and filling it
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]  # no sideways scrolling
    expect(page.locator(".modebar")).to_have_count(0)  # Plotly's toolbar would speak English
    assert not outside, outside
