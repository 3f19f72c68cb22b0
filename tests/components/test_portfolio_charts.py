"""The 评价总览 chart builders (components/portfolio.py) read at a glance: count axes have whole ticks only, and the
整改率 axis stops at 100% although the bars' labels need room to its right (issue 28, item 10)."""
from decimal import Decimal as D

import pandas as pd

from components import portfolio as view


def test_a_count_axis_has_whole_ticks_only():
    few = view.distribution_bars(pd.DataFrame({"start": [80, 90], "count": [1, 2]}), "预算执行率", "%", 10)
    assert few.layout.yaxis.tickformat == ",d" and few.layout.yaxis.dtick == 1
    many = view.distribution_bars(pd.DataFrame({"start": [80, 90], "count": [40, 900]}), "预算执行率", "%", 10)
    assert many.layout.yaxis.tickformat == ",d" and many.layout.yaxis.dtick is None  # plotly picks whole steps


def test_the_rectification_rate_axis_stops_at_100():
    df = pd.DataFrame([{"evaluation_id": 1, "region": "长沙市", "year": 2023, "title": "评价", "rect_items": 19,
                        "rect_closed": 13, "rect_rate": D("68.42"), "overdue": 4, "rect_illustrative": False}])
    fig = view.rectification_chart(df)
    assert max(fig.layout.xaxis.tickvals) == 100 and fig.layout.xaxis.range[1] > 100


def test_funds_by_grade_labels_read_at_a_glance_with_the_exact_figure_in_the_hover():
    """A province's 良 holds 7,402,282.29 万元: the bar says ≈740 亿元; the seed's stays exact."""
    df = pd.DataFrame([{"grade": "良", "budget": D("7402282.29"), "units": 600},
                       {"grade": "优", "budget": D("14331.38"), "units": 2},
                       {"grade": "中", "budget": D("0"), "units": 0}])
    fig = view.funds_by_grade_chart(df)
    assert list(fig.data[0].x) == ["良", "优"]  # a grade without units is no bar
    # past 10 亿元 the axis is in 亿元 (740, not 7,400,000) and every label carries its unit
    assert list(fig.data[0].text) == ["≈740 亿元", "≈1.4 亿元"] and fig.layout.yaxis.title.text == "预算（亿元）"
    assert [round(y, 2) for y in fig.data[0].y] == [740.23, 1.43]
    assert [c[1] for c in fig.data[0].customdata] == ["7,402,282.29", "14,331.38"]  # exact in the hover
    seed = view.funds_by_grade_chart(df[df["grade"] != "良"])  # the seed alone: 万元, exact, the axis names the unit
    assert list(seed.data[0].text) == ["14,331.38"] and seed.layout.yaxis.title.text == "预算（万元）"
    assert list(seed.data[0].y) == [14331.38]
