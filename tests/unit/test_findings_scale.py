"""Aggregates and figures of an evaluation with many units and hundreds of findings: top N with 其他, rate bands,
grade distribution, rankings, the average profile, and figures that never draw one mark per item."""
import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from evalcore import findings, rectification
from evalcore.export import chart_figures, slides
from evalcore.export.slides import by_month, grade_distribution, ranked, rate_bins
from evalcore.figures import charts, findings_scale, style
from sample_data.synth import synthetic_evaluation

AS_OF = dt.date(2025, 1, 1)


@pytest.fixture(scope="module", autouse=True)
def template():
    style.register()


@pytest.fixture(scope="module")
def big():
    return synthetic_evaluation(units=300, projects_per_unit=1, indicators=8, experts=1, problems=220, seed=4)


def test_top_with_other_keeps_the_largest_sums_the_rest_and_puts_unnamed_last():
    df = pd.DataFrame({"unit": ["甲", "乙", "未指明单位", "丙", "丁", "戊"], "count": [1, 5, 9, 3, 3, 2]})
    out = findings.top_with_other(df, "unit", "count", 2, keep_last=("未指明单位",))
    assert list(out["unit"]) == ["乙", "丙", "其他（3 个单位）", "未指明单位"]  # 丙 before 丁: ties keep their order
    assert list(out["count"]) == [5, 3, 6, 9]
    assert list(out["others"]) == [1, 1, 3, 1]
    assert int(out["count"].sum()) == int(df["count"].sum())


def test_top_with_other_without_a_rest_has_no_other_row():
    df = pd.DataFrame({"unit": ["甲", "乙"], "count": [1, 2]})
    assert list(findings.top_with_other(df, "unit", "count", 5)["unit"]) == ["乙", "甲"]
    assert findings.top_with_other(df.iloc[0:0], "unit", "count", 5).empty


def test_problems_and_open_items_by_unit_top_add_up(big):
    top = findings.problems_by_unit_top(big, 15)
    assert len(top) <= 17 and top["unit"].iloc[-1] == "未指明单位"
    assert int(top["count"].sum()) == len(big.problems)
    open_top = rectification.open_by_unit_top(big, AS_OF, 10)
    items = rectification.rectification_items(big, AS_OF)
    assert int(open_top["open"].sum()) == int((~items["closed"]).sum())
    assert len(open_top) <= 12


def test_rate_bins_put_an_edge_in_the_upper_band_and_mark_bands_below_the_target():
    rates = [Decimal("59.99"), Decimal(60), Decimal("89.99"), Decimal(90), Decimal(100), Decimal("120.5"), None]
    out = rate_bins(rates, Decimal(90))
    assert list(out["label"]) == ["60%以下", "60%-70%", "70%-80%", "80%-90%", "90%-100%", "100%及以上"]
    assert list(out["count"]) == [1, 1, 0, 1, 1, 2]
    assert list(out["highlight"]) == [True, True, True, True, False, False]
    assert not rate_bins(rates)["highlight"].any()


def test_grade_distribution_counts_every_scored_unit_once(big):
    out = grade_distribution(big)
    assert list(out["grade"])[:4] == [b.grade for b in sorted(big.meta.grade_bands, key=lambda b: b.lower,
                                                                 reverse=True)]
    assert int(out["count"].sum()) == len(big.results)
    shares = [s for s in out["share"] if s is not None]
    assert abs(sum(shares, Decimal(0)) - 100) < Decimal("0.0001")


def test_ranked_takes_the_highest_or_the_lowest():
    df = pd.DataFrame({"unit": list("abcde"), "rate": [Decimal(3), None, Decimal(9), Decimal(1), Decimal(9)]})
    assert list(ranked(df, "rate", 2)["unit"]) == ["c", "e"]
    assert list(ranked(df, "rate", 2, lowest=True)["unit"]) == ["d", "a"]


def test_by_month_keeps_few_dates_and_the_month_end_figure_of_many():
    few = pd.DataFrame({"date": [dt.date(2024, 1, 2), dt.date(2024, 1, 9)], "cumulative": [1, 2]})
    assert by_month(few) is few
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=3 * i) for i in range(60)]
    many = pd.DataFrame({"date": days, "cumulative": list(range(1, 61))})
    out = by_month(many)
    assert len(out) == len({(d.year, d.month) for d in days})
    assert out["cumulative"].iloc[-1] == 60 and list(out["cumulative"]) == sorted(out["cumulative"])


def test_average_dimensions_is_one_profile_rounded_half_up():
    dims = pd.DataFrame({"unit": ["a", "b", "a", "b"], "id": ["A", "A", "B", "B"],
                         "name": ["决策", "决策", "过程", "过程"],
                         "points": [Decimal(15)] * 2 + [Decimal(25)] * 2,
                         "score": [Decimal("10.00"), Decimal("10.01"), Decimal(20), Decimal(21)]})
    out = slides.average_dimensions(dims)
    assert list(out["unit"].unique()) == ["全部单位平均"]
    assert list(out["score"]) == [Decimal("10.01"), Decimal("20.50")]  # 10.005 rounds half up


def marks(fig) -> int:
    """Points, bars or segments a figure draws (the longest data array of each trace, summed)."""
    total = 0
    for t in fig.data:
        d = t.to_plotly_json()
        total += max((len(d[k]) for k in ("x", "y", "r", "values", "ids") if d.get(k) is not None), default=0)
    return total


def test_the_problems_overview_draws_categories_only_beyond_the_limit(big):
    problems = findings.problems_table(big)
    counts = findings.counts_by_category(problems)
    fig = findings_scale.problems_overview(problems, counts)
    assert len(fig.data[0].ids) == len(counts) + 1
    assert marks(charts.problems_sunburst(problems)) > len(problems)  # what it would draw one by one
    few = problems.iloc[:10]
    assert len(findings_scale.problems_overview(few, findings.counts_by_category(few)).data[0].ids) > 10


def test_ranked_counts_draws_the_top_units_and_other_in_grey(big):
    fig = findings_scale.ranked_counts(findings.problems_by_unit_top(big, 15))
    bar = fig.data[0]
    assert len(bar.y) <= 17
    assert bar.marker.color[-1] == findings_scale.OTHER_COLOR and bar.marker.color[0] != findings_scale.OTHER_COLOR
    assert bar.customdata[-2] is None  # 其他 is not one unit: a click on it names nobody


def whole_ticks(axis, top: int) -> list[float]:
    """The axis's ticks, checked: whole numbers from 0, at most 6, none beyond the largest value."""
    ticks = list(axis.tickvals)
    assert ticks[0] == 0 and all(float(t).is_integer() for t in ticks) and len(ticks) <= 6, ticks
    assert ticks[-1] <= top and axis.range[1] >= top, (ticks, axis.range, top)
    return ticks


def test_count_axes_have_a_few_whole_ticks_at_any_size(big):
    counts = findings.counts_by_category(findings.problems_table(big))
    small = counts.assign(count=[1] * len(counts))
    assert whole_ticks(charts.category_counts(small).layout.xaxis, 1) == [0, 1]  # no half a problem
    widest = int(counts["count"].max())
    assert len(whole_ticks(charts.category_counts(counts).layout.xaxis, widest)) >= 3
    assert len(whole_ticks(findings_scale.category_counts(counts).layout.xaxis, widest)) >= 3
    stacked = rectification.status_by_category(big, AS_OF)
    fig = findings_scale.status_stacked(stacked, big.meta.statuses)
    whole_ticks(fig.layout.xaxis, int(stacked.groupby("category_label")["count"].sum().max()))


def test_every_slide_chart_at_scale_has_few_categories_and_draws(big):
    plan = slides.slide_plan(big, AS_OF)
    kinds = {c.kind for s in plan for c in s.charts}
    assert {"distribution", "ranking"} <= kinds and "rates" not in kinds
    for s in plan:
        for c in s.charts:
            assert len(c.data) <= 40, (s.title, c.title, len(c.data))
            fig = chart_figures.figure(c, height=500, font_size=18)
            assert marks(fig) <= 60, (s.title, c.title)
    assert [s.kind for s in plan].count("ranking") == 2
