"""A 1,000-unit evaluation in real Chromium: click a point of the scatter to open that unit's page; a pasted link
with evaluation and unit reopens them on a fresh server; the large evaluation's pages at 1280x800 and 1920x1080."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pytest
from playwright.sync_api import expect

from evalcore.auth import Actor
from evalcore.store import Store
from evalcore.workbook import workbook_bytes
from sample_data import WORKBOOK
from sample_data.synth import synthetic_evaluation

pytestmark = pytest.mark.browser

ACTOR = Actor("测试", "admin")
LOAD_MS = 120_000  # a first view of 1,000 units computes its rankings once


def _store(folder: Path, units: int, problems: int) -> int:
    """A store with the seed and a synthetic evaluation; returns the synthetic one's id."""
    store = Store(f"sqlite:///{folder / 'evalboard.db'}")
    store.ensure_sample(WORKBOOK)
    version = store.publish(workbook_bytes(synthetic_evaluation(units, problems=problems)), file_name="synth.xlsx",
                            by=ACTOR)
    store.dispose()
    return version.evaluation_id


@pytest.fixture(scope="module")
def large(tmp_path_factory, ui):
    folder = tmp_path_factory.mktemp("large")
    eid = _store(folder, 1000, 240)
    with ui.serve_app(folder) as url:
        yield url, eid


def test_clicking_a_scatter_point_opens_that_unit(large, new_page, ui):
    url, eid = large
    page = new_page(1920, 1080)
    ui.open_and_settle(page, f"{url}/?eval={eid}", timeout_ms=LOAD_MS)
    chart = page.locator(".st-key-overview_scatter .js-plotly-plot").first
    chart.scroll_into_view_if_needed()
    expect(chart).to_be_in_viewport(ratio=1)
    # Plotly has laid the chart out: its traces and axes are there to read the point's position from
    assert ui.wait_until(page, """() => {
        const gd = document.querySelector('.st-key-overview_scatter .js-plotly-plot');
        return !!(gd && gd._fullData && gd._fullData.length && gd._fullLayout && gd._fullLayout.xaxis
                  && gd._fullLayout.xaxis._offset !== undefined);
    }"""), "the scatter was not laid out"
    # the pixel position of the first point of the first trace, from Plotly's own axes
    point = chart.evaluate("""gd => {
        const t = gd._fullData[0], xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const box = gd.getBoundingClientRect();
        return {unit: t.customdata[0][0], x: box.left + xa._offset + xa.l2p(t.x[0]),
                y: box.top + ya._offset + ya.l2p(t.y[0])};
    }""")
    assert gd_type(chart) == "scattergl"
    page.mouse.move(point["x"], point["y"])
    # Plotly's click event carries the point under the pointer: wait until hovering has found it
    expect(chart.locator(".hoverlayer .hovertext").first).to_be_visible()
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url("**/unit?**", timeout=LOAD_MS)
    ui.wait_for_app(page, LOAD_MS)
    ui.assert_no_errors(page)
    params = parse_qs(urlparse(page.url).query)
    assert params["unit"] == [point["unit"]] and params["eval"] == [str(eid)]
    ui.wait_for_texts(page, ["预算明细", f"合成市第{int(point['unit'][2:])}单位"])


def gd_type(chart) -> str:
    return chart.evaluate("gd => gd._fullData[0].type")


def test_pasted_link_reopens_evaluation_and_unit_on_a_fresh_server(tmp_path, new_page, ui):
    _store(tmp_path, 12, 6)  # the synthetic one sorts first: the link, not the default, chooses the seed
    with ui.serve_app(tmp_path) as url:
        page = new_page(1280, 800)
        ui.open_and_settle(page, f"{url}/unit?eval=1&unit={quote('市数据中心')}", timeout_ms=LOAD_MS)
        ui.assert_no_errors(page)
        ui.wait_for_texts(page, ["长沙市大数据中心", "预算明细", "10,931.32"])
        # a refresh shows the same
        page.reload()
        ui.wait_for_app(page, LOAD_MS)
        ui.wait_for_texts(page, ["长沙市大数据中心", "10,931.32"])
        assert "unit=" in page.url and "eval=1" in page.url
        # a link to an evaluation that is not there: a Chinese message and the list, no other evaluation
        ui.open_and_settle(page, f"{url}/?eval=4242", timeout_ms=LOAD_MS)
        ui.wait_for_texts(page, ["编号 4242", "不存在", "现有评价"])
        assert "14,331.38" not in ui.page_text(page)


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)], ids=["1280x800", "1920x1080"])
def test_large_evaluation_pages_at_both_sizes(large, new_page, ui, size):
    url, eid = large
    page = new_page(*size)
    for path, texts in (("/", ["得分 × 预算执行率", "等次分布"]), ("/units", ["单位排名（1000 / 1000 个单位）"]),
                        ("/unit", ["预算明细"])):
        ui.open_and_settle(page, f"{url}{path}?eval={eid}", timeout_ms=LOAD_MS)
        ui.wait_for_texts(page, texts, timeout_ms=LOAD_MS)
        ui.assert_no_errors(page)
        # every chart drew, and no SVG chart has more than ~2,000 marks
        marks = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(gd =>
            gd.querySelectorAll('.point, .slice, .bars path').length)""")
        assert marks and max(marks) <= 2000, marks
        # no two tick labels of one axis overprint
        overlaps = page.evaluate("""() => {
            const out = [];
            for (const axis of document.querySelectorAll('.js-plotly-plot g.xtick, .js-plotly-plot g.ytick')
                                .values().map(t => t.parentNode).toArray()) {
                const boxes = [...axis.querySelectorAll(':scope > g text')].map(t => t.getBoundingClientRect())
                    .filter(b => b.width > 0);
                for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
                    const a = boxes[i], b = boxes[j];
                    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
                        out.push([axis.getAttribute('class'), a.x, a.y, b.x, b.y]);
                }
            }
            return out;
        }""")
        assert not overlaps, overlaps[:5]


def test_clicking_a_ranking_row_opens_that_unit(large, new_page, ui):
    url, eid = large
    page = new_page(1280, 800)
    ui.open_and_settle(page, f"{url}/units?eval={eid}", timeout_ms=LOAD_MS)
    # The grid's iframe is mounted once its component code has loaded, which may be after the script run ends
    # (seen on a busy machine): wait for it, then count.
    page.wait_for_selector("iframe", state="attached", timeout=LOAD_MS)
    frames = [f for f in page.frames if f is not page.main_frame]
    assert len(frames) == 1  # the ranking grid (the page's only component)
    grid = frames[0]
    grid.wait_for_selector(".ag-row", timeout=LOAD_MS)
    cell = grid.locator(".ag-row[row-index='2'] .ag-cell").nth(1)
    key = cell.inner_text().strip()
    cell.click()
    page.wait_for_url("**/unit?**", timeout=LOAD_MS)
    ui.wait_for_app(page, LOAD_MS)
    assert parse_qs(urlparse(page.url).query)["unit"] == [key]
    ui.wait_for_texts(page, ["预算明细"])
    # back on 单位对比, the earlier click does not open the unit again
    ui.open_and_settle(page, f"{url}/units?eval={eid}", timeout_ms=LOAD_MS)
    # The one fixed wait in the browser tests (tests/unit/test_no_fixed_waits.py allows it here only): nothing
    # should happen, so there is no event to wait for; the time a stale click would take to switch the page.
    page.wait_for_timeout(1500)
    ui.wait_for_app(page, LOAD_MS)
    assert "/units" in page.url
