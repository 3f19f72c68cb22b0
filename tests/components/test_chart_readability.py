"""Readable charts (issue 28, item 10): labels at 12 px or more, radar ticks that cannot overlap, axes that stop at
the data (0–100% for rates), whole ticks on counts, the one-to-one 问题 → 建议 said in words and bars (no Sankey of
parallel lines), a Sankey never taller than the first screen allows."""
import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from evalcore import budget, findings, rectification, scoring
from evalcore.figures import charts, style
from evalcore.workbook import read_workbook
from sample_data import WORKBOOK

AS_OF = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def ev():
    style.register()
    return read_workbook(WORKBOOK).evaluation


def test_every_label_on_a_bar_or_slice_is_at_least_12px(ev):
    text = pio.templates[pio.templates.default].layout.uniformtext
    assert text.minsize >= 12 and text.mode == "show"  # Plotly would fit labels to thin bars: 6-7 px
    fig = charts.deductions(scoring.indicator_table(ev))
    assert all((t.textfont.size or 14) >= 12 for t in fig.data)
    for sunburst in (charts.problems_sunburst(findings.problems_table(ev)),):
        assert sunburst.layout.uniformtext.minsize >= 12  # too small a sector shows no label, never a tiny one


def test_radar_ticks_are_few_level_and_legible(ev):
    radial = charts.dimension_radar(scoring.dimension_table(ev)).layout.polar.radialaxis
    assert list(radial.tickvals) == [60, 80, 100] and radial.tickangle == 0 and radial.tickfont.size >= 12


def test_rate_axis_is_0_to_100_percent_and_counts_have_whole_ticks_up_to_the_largest(ev):
    rates = charts.execution_rates(budget.budget_table(ev), ev.meta.rate_target).layout.yaxis
    assert list(rates.tickvals) == [0, 20, 40, 60, 80, 100] and rates.ticktext[-1] == "100%"
    counts = findings.counts_by_category(findings.problems_table(ev))
    axis = charts.category_counts(counts, "项").layout.xaxis
    assert list(axis.tickvals) == [0, 1, 2, 3, 4, 5] and list(axis.ticktext) == ["0", "1", "2", "3", "4", "5"]  # no 6
    closed = charts.closed_over_time(rectification.closed_over_time(ev, AS_OF), 19).layout.yaxis
    assert max(closed.tickvals) <= 19 and all(float(t).is_integer() for t in closed.tickvals)
    stacked = charts.status_stacked(rectification.status_by_category(ev, AS_OF), ev.meta.statuses).layout.xaxis
    assert all(float(t).is_integer() for t in stacked.tickvals)
    budget_axis = charts.budget_vs_executed(budget.budget_table(ev)).layout.xaxis
    assert max(budget_axis.tickvals) <= 10931.32 < budget_axis.range[1]  # ticks stop at the data, room for labels


def test_value_axis_never_ticks_beyond_the_largest_value():
    assert list(charts.value_axis(30, whole=True)["tickvals"]) == [0, 10, 20, 30]  # never 35 for 30
    assert charts.value_axis(118, rate=True)["tickvals"][-1] <= 118  # a rate above 100% keeps its own ticks
    assert charts.value_axis(2, whole=True)["tickvals"] == [0, 1, 2]  # no half items
    assert charts.value_axis(0, whole=True)["tickvals"] == [0, 1]


def test_one_to_one_links_are_bars_with_a_sentence(ev):
    links = findings.recommendation_links(ev)
    assert charts.one_to_one(links)
    fig = charts.links_overview(links)
    assert isinstance(fig.data[0], go.Bar) and "一一对应" in fig.layout.title.text
    assert list(fig.data[0].x) == list(links["items"]) and fig.data[0].text[0].endswith("条建议")
    ticks = list(fig.layout.yaxis.ticktext)  # both ends named on the bar, not only in the hover
    assert len(ticks) == len(links) and all("<br>→ " in t for t in ticks)
    first = links.iloc[0]
    assert ticks[0].startswith(str(first["problem_category"])[:4])
    assert str(first["recommendation_category"])[:4] in ticks[0].split("<br>→ ")[1]


def test_many_to_one_links_are_a_sankey_no_taller_than_the_limit():
    links = pd.DataFrame({"problem_category": ["问题一", "问题一", "问题二"],
                          "recommendation_category": ["建议一", "建议二", "建议二"], "items": [2, 1, 3]})
    assert not charts.one_to_one(links)
    fig = charts.links_overview(links, height=900)
    assert isinstance(fig.data[0], go.Sankey) and fig.layout.height <= charts.SANKEY_HEIGHT
    assert "连线" in fig.layout.title.text


def test_status_donut_puts_thin_slices_outside(ev):
    summary = rectification.rectification_summary(ev, AS_OF)
    pie = charts.status_donut(summary.by_status, "68.42%").data[0]
    shares = {lbl: v / sum(pie.values) for lbl, v in zip(pie.labels, pie.values, strict=True)}
    for lbl, pos in zip(pie.labels, pie.textposition, strict=True):
        assert pos == ("outside" if shares[lbl] < 0.12 else "inside"), lbl
