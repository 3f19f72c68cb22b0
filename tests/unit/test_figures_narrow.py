"""evalcore.figures.narrow: a figure laid out again for a phone (legend, text sizes, bar orientation, labels)."""
from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import pytest

from evalcore.figures.narrow import BAR_ROW, FLIP_MAX, MIN_FONT, narrow, rewrap, shown_length

UNITS = ["长沙市数据局", "长沙市大数据中心", "长沙数智科技集团有限公司"]


def _font_sizes(node, path="") -> list[tuple[str, float]]:
    """Every font size set anywhere in a figure's JSON, with where it is."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("font", "textfont", "tickfont", "insidetextfont", "outsidetextfont") and isinstance(value, dict):
                if value.get("size") is not None:
                    found.append((f"{path}.{key}", value["size"]))
            found += _font_sizes(value, f"{path}.{key}")
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            found += _font_sizes(value, f"{path}[{i}]")
    return found


def _rates(units=UNITS, target=90.0) -> go.Figure:
    n = len(units)
    fig = go.Figure(go.Bar(x=units, y=[82.69, 98.36, 60.0][:n], text=["82.69%", "98.36%", "60.00%"][:n],
                           textposition="inside", textfont=dict(size=18)))
    fig.add_hline(y=target, line_dash="dash", annotation_text="目标 90.00%", annotation_position="top left")
    fig.update_layout(height=360, yaxis_range=[0, 112], showlegend=False)
    return fig


def test_the_input_figure_is_not_changed():
    fig = _rates()
    before = fig.to_plotly_json()
    narrow(fig)
    assert fig.to_plotly_json() == before


def test_vertical_bars_with_long_names_become_horizontal_with_the_target_line_following():
    fig = narrow(_rates())
    bar = fig.data[0]
    assert bar.orientation == "h"
    assert list(bar.y) == UNITS and list(bar.x) == [82.69, 98.36, 60.0]
    assert list(fig.layout.xaxis.range) == [0, 112]  # the value axis is now x
    assert fig.layout.yaxis.autorange == "reversed"  # the first unit on top, as it was on the left
    line = fig.layout.shapes[0]
    assert (line.x0, line.x1, line.xref) == (90.0, 90.0, "x")  # a vertical line at the target
    assert line.yref == "y domain" and (line.y0, line.y1) == (0, 1)
    label = fig.layout.annotations[0]
    assert (label.x, label.xref, label.yref, label.y, label.yanchor) == (90.0, "x", "y domain", 1, "bottom")
    assert label.xanchor == "right"  # 90 of 112 is near the right edge: the text runs to the left of the line
    assert fig.layout.height >= len(UNITS) * BAR_ROW


def test_few_short_names_stay_vertical():
    fig = narrow(_rates(units=["甲", "乙"]))
    assert fig.data[0].orientation in (None, "v")


def test_too_many_categories_stay_vertical():
    names = [f"单位{i:04d}" for i in range(FLIP_MAX + 1)]
    fig = narrow(go.Figure(go.Bar(x=names, y=list(range(len(names))))))
    assert fig.data[0].orientation in (None, "v")


def test_a_chart_read_by_selection_keeps_its_orientation():
    assert narrow(_rates(), flip_bars=False).data[0].orientation in (None, "v")


def test_legend_goes_below_the_plot_in_rows():
    fig = go.Figure([go.Bar(name="预算", y=UNITS, x=[1, 2, 3], orientation="h"),
                     go.Bar(name="实际执行", y=UNITS, x=[1, 2, 3], orientation="h")])
    fig.update_layout(legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"))
    legend = narrow(fig).layout.legend
    assert (legend.orientation, legend.yref, legend.y, legend.yanchor, legend.x, legend.xanchor) == \
        ("h", "container", 0, "bottom", 0, "left")


def test_a_single_series_gets_no_legend_moved():
    fig = go.Figure(go.Bar(y=UNITS, x=[1, 2, 3], orientation="h"))
    assert narrow(fig).layout.legend.yref is None


def test_no_text_under_12_px_and_projector_text_brought_down():
    fig = go.Figure(go.Scatterpolar(r=[1, 2, 3], theta=["决策", "过程", "产出"], name="甲"))
    fig.add_scatterpolar(r=[2, 2, 2], theta=["决策", "过程", "产出"], name="乙")
    fig.update_layout(font=dict(size=18), polar=dict(radialaxis=dict(tickfont=dict(size=9)),
                                                     angularaxis=dict(tickfont=dict(size=22))))
    fig.add_annotation(text="说明", font=dict(size=8), x=0.5, y=0.5, xref="paper", yref="paper")
    out = narrow(fig)
    sizes = _font_sizes(out.to_plotly_json())
    assert sizes and min(size for _, size in sizes) >= MIN_FONT, sizes
    assert out.layout.font.size <= 14 and out.layout.polar.angularaxis.tickfont.size <= 14
    assert out.layout.uniformtext.minsize == MIN_FONT


def test_a_drag_scrolls_the_page_instead_of_zooming():
    out = narrow(_rates())
    assert out.layout.dragmode is False
    assert out.layout.xaxis.fixedrange is True and out.layout.yaxis.fixedrange is True


def test_horizontal_bars_with_outside_labels_get_room_and_rows():
    fig = go.Figure([go.Bar(name=n, y=UNITS, x=[1, 2, 3], orientation="h", text=["1", "2", "3"],
                            textposition="outside") for n in ("甲", "乙")])
    fig.update_layout(barmode="group", height=200, xaxis=dict(range=[0, 6]))
    out = narrow(fig)
    assert out.layout.xaxis.range[1] == pytest.approx(7.0)
    assert out.layout.height >= len(UNITS) * 2 * BAR_ROW


def test_sankey_labels_are_wrapped_short():
    labels = ["问题（一）资金使用管理效率有待提高", "建议（一）进一步提高资金预算管理效率"]
    fig = go.Figure(go.Sankey(node=dict(label=labels), link=dict(source=[0], target=[1], value=[3])))
    out = narrow(fig)
    for label in out.data[0].node.label:
        assert all(shown_length(line) <= 6 for line in label.split("<br>")), label
        assert label.count("<br>") <= 2


def test_sunburst_shows_one_ring_at_a_time():
    fig = go.Figure(go.Sunburst(ids=["all", "c1", "c1-1"], labels=["问题", "（一）资金使用管理效率有待提高", "P1-1"],
                                parents=["", "all", "c1"], values=[1, 1, 1], branchvalues="total"))
    out = narrow(fig)
    assert out.data[0].maxdepth == 2
    assert out.layout.uniformtext.mode == "hide"  # a label that does not fit at 12 px is hidden, never shrunk


def test_rewrap_keeps_entities_whole():
    assert rewrap("&lt;b&gt;很长的<br>名字", 3, 2) == "&lt;b&gt;<br>很长…"
    assert shown_length("&lt;script&gt;<br>甲") == 9
    assert rewrap("甲乙", 6, 3) == "甲乙"


def test_dates_and_lines_are_left_alone():
    fig = go.Figure(go.Scatter(x=[dt.date(2024, 5, 1), dt.date(2024, 9, 1)], y=[1, 5], mode="lines"))
    out = narrow(fig)
    assert list(out.data[0].x) == list(fig.data[0].x) and out.data[0].type == "scatter"


def test_every_dashboard_chart_of_the_seed_reads_on_a_phone():
    from components import charts
    from evalcore import budget, findings, scoring
    from evalcore.workbook import read_workbook
    from sample_data import WORKBOOK

    ev = read_workbook(WORKBOOK).evaluation
    table = budget.budget_table(ev)
    problems = findings.problems_table(ev)
    figures = [
        charts.budget_vs_executed(table), charts.execution_rates(table, ev.meta.rate_target),
        charts.dimension_radar(scoring.dimension_table(ev)), charts.dimension_bars(scoring.dimension_table(ev)),
        charts.category_counts(findings.counts_by_category(problems)), charts.problems_sunburst(problems),
        charts.unit_counts(findings.problems_by_unit(ev)),
    ]
    for fig in figures:
        out = narrow(fig)
        sizes = _font_sizes(out.to_plotly_json())
        assert all(size >= MIN_FONT for _, size in sizes), sizes
        assert all(t.orientation == "h" for t in out.data if t.type == "bar"), "bars with unit names lie down"


@pytest.mark.parametrize(("top", "step"), [(5, 1), (14, 2), (30, 5), (60, 10), (300, 50)])
def test_a_fixed_tick_step_grows_to_a_round_multiple_on_a_narrow_axis(top, step):
    fig = go.Figure(go.Bar(y=["甲", "乙"], x=[1, top], orientation="h"))
    fig.update_layout(xaxis=dict(dtick=1, range=[0, top]))
    assert narrow(fig).layout.xaxis.dtick == step


def test_a_date_axis_gets_few_labels():
    fig = go.Figure(go.Scatter(x=[dt.date(2024, 5, 1), dt.date(2024, 12, 1)], y=[1, 5]))
    fig.update_layout(xaxis=dict(tickformat="%Y-%m"))
    assert narrow(fig).layout.xaxis.nticks == 4
