"""Chart builders are pure functions: check their traces, values and labels against evalcore's figures."""
import datetime as dt
from decimal import Decimal

import plotly.graph_objects as go
import pytest

from components import charts
from evalcore import budget, findings, rectification, scoring
from evalcore.workbook import read_workbook
from sample_data import WORKBOOK

AS_OF = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def ev():
    result = read_workbook(WORKBOOK)
    assert result.ok
    return result.evaluation


def test_budget_vs_executed(ev):
    fig = charts.budget_vs_executed(budget.budget_table(ev))
    executed, planned = fig.data
    assert (executed.name, planned.name) == ("实际执行", "预算")
    assert list(planned.y) == ["市数据局", "市数据中心"]  # the unit without a budget is left out
    assert list(planned.text) == ["3,400.06", "10,931.32"]
    assert list(executed.text) == ["2,811.47", "10,752.13"]
    assert list(executed.x) == [2811.47, 10752.13]


def test_execution_rates_labels_and_target(ev):
    fig = charts.execution_rates(budget.budget_table(ev), Decimal(90))
    assert list(fig.data[0].text) == ["82.69%", "98.36%"]
    shapes = fig.layout.shapes
    assert len(shapes) == 1 and shapes[0].y0 == 90
    # below the target is coloured differently from above it
    assert fig.data[0].marker.color[0] != fig.data[0].marker.color[1]


def test_execution_rates_without_any_rate():
    import pandas as pd

    df = pd.DataFrame({"unit": ["甲"], "rate": [None], "budget": [None], "executed": [None]})
    fig = charts.execution_rates(df, Decimal(90))
    assert not fig.data and "没有可计算的预算执行率" in fig.layout.annotations[0].text


def test_dimension_charts(ev):
    dims = scoring.dimension_table(ev)
    radar = charts.dimension_radar(dims)
    assert [t.name for t in radar.data] == ["市数据局", "市数据中心"]
    # categories are the indicator ids (two may share a name); the names are the axis labels
    assert list(radar.data[0].theta)[:4] == ["A", "B", "C", "D"]
    assert list(radar.layout.polar.angularaxis.ticktext) == ["决策", "过程", "产出", "效益"]
    bars = charts.dimension_bars(dims)
    scores = bars.data[0]
    assert scores.name == "市数据局"
    assert list(scores.text) == ["13.50 / 15.00", "19.93 / 25.00", "26.70 / 30.00", "26.85 / 30.00"]
    assert sum(Decimal(t.split(" / ")[0]) for t in scores.text) == Decimal("86.98")


def test_deductions_are_largest_first(ev):
    fig = charts.deductions(scoring.indicator_table(ev), top=5)
    order = list(fig.layout.yaxis.categoryarray)
    assert len(order) == 5
    totals = {}
    for trace in fig.data:
        for name, x in zip(trace.y, trace.x, strict=True):
            totals[name] = totals.get(name, 0) + x
    assert [totals[n] for n in order] == sorted(totals[n] for n in order)  # bottom-up: smallest at the bottom


def test_category_counts_click_data(ev):
    counts = findings.counts_by_category(findings.problems_table(ev))
    fig = charts.category_counts(counts, "项", selected=3)
    bar = fig.data[0]
    assert list(bar.customdata) == [6, 5, 4, 3, 2, 1]  # first category on top
    assert list(bar.x) == [1, 3, 5, 5, 3, 2]
    highlighted = [c for c, no in zip(bar.marker.color, bar.customdata, strict=True) if no == 3]
    others = {c for c, no in zip(bar.marker.color, bar.customdata, strict=True) if no != 3}
    assert len(others) == 1 and highlighted[0] not in others


def test_sunburst_holds_every_problem(ev):
    fig = charts.problems_sunburst(findings.problems_table(ev))
    sb = fig.data[0]
    assert isinstance(sb, go.Sunburst)
    assert sb.values[0] == 19
    assert sum(1 for p in sb.parents if p not in ("", "all")) == 19


def test_sankey_links_categories(ev):
    fig = charts.links_sankey(findings.recommendation_links(ev))
    sk = fig.data[0]
    assert len(sk.node.label) == 12 and list(sk.link.value) == [3, 3, 3, 4, 2, 3]


def test_rectification_charts(ev):
    by_cat = rectification.status_by_category(ev, AS_OF)
    fig = charts.status_stacked(by_cat, ev.meta.statuses)
    assert [t.name for t in fig.data] == list(ev.meta.statuses)
    assert sum(sum(t.x) for t in fig.data) == 19
    summary = rectification.rectification_summary(ev, AS_OF)
    donut = charts.status_donut(summary.by_status, "68.42%")
    assert sum(donut.data[0].values) == 19 and "68.42%" in donut.layout.annotations[0].text
    line = charts.closed_over_time(rectification.closed_over_time(ev, AS_OF), summary.total)
    assert line.data[0].y[-1] == 13


@pytest.mark.parametrize("text,width,expected", [
    ("短", 10, "短"),
    ("（一）资金使用管理效率有待提高", 14, "（一）资金使用<br>管理效率有待提高"),  # not 管<br>理
    ("（三）项目实施管理过程欠严格规范", 8, "（三）项目<br>实施管理过程<br>欠严格规范"),  # one more line, no split word
    ("数据ABCDEFG平台", 7, "数据<br>ABCDEFG<br>平台"),  # a Latin word is never split while it fits a line
    ("一二三四五六七八九十一", 10, "一二三四五六<br>七八九十一"),
])
def test_wrap_label_balances_lines(text, width, expected):
    assert charts.wrap_label(text, width) == expected


def test_slide_chart_draws_every_chart_of_the_slide_plan_with_the_page_builders(ev):
    from evalcore.export.chart_figures import figure
    from evalcore.export.slides import slide_plan

    figures = {}
    for slide in slide_plan(ev, AS_OF):
        for chart in slide.charts:
            figures[chart.kind] = figure(chart, height=500, font_size=20)
    assert set(figures) == {"budget", "rates", "dimensions", "problem_categories", "recommendation_categories",
                            "status", "closed"}
    assert all(f.layout.height == 500 and f.layout.font.size == 20 for f in figures.values())
    # the same traces and labels as the dashboard pages' builders
    assert list(figures["budget"].data[0].text) == ["2,811.47", "10,752.13"]
    assert list(figures["rates"].data[0].text) == ["82.69%", "98.36%"]
    assert figures["rates"].layout.shapes[0].y0 == 90
    assert [t.name for t in figures["dimensions"].data] == ["市数据局", "市数据中心"]
    assert list(figures["problem_categories"].data[0].x) == [1, 3, 5, 5, 3, 2]  # first category on top
    assert list(figures["recommendation_categories"].data[0].x) == [3, 2, 4, 3, 3, 3]
    assert sum(figures["status"].data[0].values) == 19
    assert "68.42%" in figures["status"].layout.annotations[0].text
    assert figures["closed"].data[0].y[-1] == 13
    assert figures["problem_categories"].layout.clickmode == "none"  # nothing to filter on a slide


def test_a_chart_of_an_unknown_kind_is_refused():
    import pandas as pd

    from evalcore.export.chart_kinds import Chart

    with pytest.raises(ValueError, match="未知的图表类型"):
        Chart("pie3d", "饼图", pd.DataFrame())


def test_budget_charts_with_missing_amounts():
    # A report that states only the executed amount (and the rate) of a unit, or only the budget of another:
    # budget_table carries None for what is missing, and the charts neither break nor invent a figure.
    import dataclasses

    from evalcore.model import BudgetLine, Evaluation, Meta, Unit

    ev = Evaluation(Meta("t"), units=(Unit("甲"), Unit("乙"), Unit("丙"), Unit("丁")), budget_lines=(
        BudgetLine("甲", None, Decimal("2811.47"), stated_rate=Decimal("82.69")),
        BudgetLine("乙", Decimal("10931.32"), None),
        BudgetLine("丙", Decimal("100"), Decimal("90")),
        BudgetLine("丙", None, Decimal("5")),
    ))
    table = budget.budget_table(ev)
    assert table["rate"].isna().tolist() == [True, True, True, True]
    bars = charts.budget_vs_executed(table)
    executed, planned = bars.data
    assert list(planned.y) == ["乙", "丙"]  # units with a (possibly partial) budget
    assert list(executed.text) == ["", "95.00"]
    rates = charts.execution_rates(table, Decimal(90))
    assert not rates.data and "没有可计算的预算执行率" in rates.layout.annotations[0].text
    # with one unit complete, only its rate is drawn
    ev = dataclasses.replace(ev, budget_lines=ev.budget_lines[:3])
    fig = charts.execution_rates(budget.budget_table(ev), Decimal(90))
    assert list(fig.data[0].x) == ["丙"] and list(fig.data[0].text) == ["90.00%"]
    fig.to_json()
    bars.to_json()
