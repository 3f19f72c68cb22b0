"""evalcore.figures.scale: figures that stay small and readable whatever the number of units."""
from __future__ import annotations

from decimal import Decimal

import pytest

from evalcore import ranking
from evalcore.figures import scale, style
from evalcore.model import DEFAULT_BANDS
from evalcore.numbers import fmt_amount, fmt_rate
from sample_data.synth import synthetic_evaluation


@pytest.fixture(scope="module")
def large():
    ev = synthetic_evaluation(1000, indicators=8, problems=12)
    return ev, ranking.unit_ranking(ev)


def _svg_marks(fig) -> int:
    """Marks an SVG trace draws: points of scatter traces, bars, tiles (histograms count their bins)."""
    total = 0
    for t in fig.data:
        if t.type == "scattergl":
            continue
        if t.type == "histogram":
            total += 60
        elif t.type == "treemap":
            total += len(t.labels)
        else:
            total += len(t.x if t.x is not None else t.y)
    return total


def test_scatter_is_webgl_at_scale_and_names_units(large):
    ev, table = large
    fig = scale.score_rate_scatter(table, ev.meta.rate_target, Decimal(80))
    assert {t.type for t in fig.data} == {"scattergl"}
    assert sum(len(t.x) for t in fig.data) == 1000
    assert fig.data[0].customdata[0][0].startswith("单位")
    assert "合成市第" in fig.data[0].customdata[0][1]
    lines = {(s.type, s.x0, s.y0) for s in fig.layout.shapes}
    assert ("line", 90.0, 0) in lines  # the target rate
    assert any(s.y0 == 80.0 and s.y1 == 80.0 for s in fig.layout.shapes)  # the grade boundary


def test_scatter_is_svg_for_a_few_units():
    ev = synthetic_evaluation(12, indicators=4, problems=6)
    fig = scale.score_rate_scatter(ranking.unit_ranking(ev), ev.meta.rate_target, Decimal(80))
    assert {t.type for t in fig.data} == {"scatter"}


def test_no_svg_figure_over_2000_marks(large):
    ev, table = large
    dist = ranking.grade_distribution(ev, table)
    figs = [scale.grade_distribution(dist, "units"), scale.grade_distribution(dist, "budget"),
            scale.rate_histogram(table, ev.meta.rate_target), scale.score_histogram(table, ev.meta.grade_bands),
            scale.ranked_bars(ranking.ranked(table, "score", 10), "score", "score"),
            scale.funds_bars(table)]
    for fig in figs:
        assert _svg_marks(fig) <= 2000, fig.data[0].type


def test_funds_show_the_largest_units_then_one_other_bar(large):
    _, table = large
    fig = scale.funds_bars(table, top=15)
    bar = fig.data[0]
    top = ranking.ranked(table, "budget", 15)
    assert [c[0] for c in bar.customdata] == [*top["unit"], None]  # 15 units, then 其他 (not clickable)
    assert fig.layout.yaxis.ticktext[-1] == "其他 985 个单位"
    total = sum(table["budget"], Decimal(0))
    part = sum(top["budget"], Decimal(0))
    # the rest's total and share in words, exact, with no bar that would dwarf the units
    assert bar.text[-1] == f"合计 {fmt_amount(total - part)}（占 {fmt_rate((total - part) / total * 100)}）"
    assert bar.x[-1] == 0 and fig.layout.xaxis.range[1] < float(total - part)
    assert bar.marker.color[-1] == style.OTHER and set(bar.marker.color[:-1]) == {style.PRIMARY}
    assert fig.layout.title.text == f"预算最多的 15 个单位（共 1000 个），占预算总额 {fmt_rate(part / total * 100)}"
    assert len(bar.y) == 16  # not 60 tiles


def test_ranked_bars_label_exact_values(large):
    _, table = large
    top = ranking.ranked(table, "score", 5)
    fig = scale.ranked_bars(top, "score", "score")
    assert list(fig.data[0].text) == [f"{v.quantize(Decimal('0.01'))}" for v in top["score"]]
    assert [c[0] for c in fig.data[0].customdata] == list(top["unit"])


def test_grade_boundary_splits_the_scores():
    assert scale.grade_boundary(DEFAULT_BANDS, [Decimal(70), Decimal(85)]) == Decimal(80)
    assert scale.grade_boundary(DEFAULT_BANDS, [Decimal(50), Decimal(95)]) == Decimal(60)
    assert scale.grade_boundary(DEFAULT_BANDS, [Decimal(30), Decimal(40)]) == Decimal(90)


def test_compare_units_shows_average_and_target(large):
    ev, table = large
    picked = table[table["unit"].isin(ranking.lowest_scores(table, 5))]
    avg = ranking.averages(table)
    fig = scale.compare_units(picked, "rate", avg["rate"], "rate", ev.meta.rate_target)
    names = [t.name for t in fig.data if t.type == "scatter"]
    assert any(n.startswith("评价平均") for n in names) and any(n.startswith("目标 90.00%") for n in names)
    assert len(fig.data[0].x) == 5


def test_hostile_unit_names_are_escaped():
    ev = synthetic_evaluation(3, indicators=4, problems=6)
    table = ranking.unit_ranking(ev)
    table.loc[0, "unit"] = "<b>x</b>"
    fig = scale.ranked_bars(table, "score", "score")
    assert "<b>" not in "".join(fig.layout.yaxis.ticktext)


def test_count_and_rate_axes_stop_at_the_data(large):
    ev, table = large
    dist = ranking.grade_distribution(ev, table)
    units = scale.grade_distribution(dist, "units").layout.yaxis
    assert all(float(t).is_integer() for t in units.tickvals) and units.tickvals[-1] <= int(dist["units"].max())
    for fig in (scale.rate_histogram(table, ev.meta.rate_target), scale.score_histogram(table, ev.meta.grade_bands)):
        ticks = list(fig.layout.yaxis.tickvals)
        assert all(float(t).is_integer() for t in ticks) and len(ticks) <= 6  # whole units, never 2.5 units
    top = ranking.ranked(table, "rate", 5)
    compare = scale.compare_units(top, "rate", None, "rate").layout.yaxis
    assert list(compare.tickvals) == [0, 20, 40, 60, 80, 100] and compare.ticktext[-1] == "100%"  # not 120%


def test_grade_funds_of_a_province_are_drawn_in_亿元_with_the_exact_figure_in_the_hover(large):
    ev, table = large
    dist = ranking.grade_distribution(ev, table)
    fig = scale.grade_distribution(dist, "budget")
    assert fig.layout.yaxis.title.text == "预算（亿元）"
    top = max(v for v in dist["budget"] if v is not None)
    assert max(y for y in fig.data[0].y if y is not None) == pytest.approx(float(top) / 10000)
    assert all(t == "0" or "亿元" in t or "万元" in t for t in fig.data[0].text)  # every label with its unit
    assert any(h.endswith("万元") and "," in h for h in fig.data[0].hovertext)
