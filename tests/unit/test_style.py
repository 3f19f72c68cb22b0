"""One palette per meaning (issue 28, item 6): a name keeps its colour whatever else is in the chart's set, a
category keeps it across evaluations (its "（一）" number aside), the names of one chart get different colours,
and the attention colour is nobody else's."""
import pandas as pd

from evalcore.figures import style
from evalcore.figures.charts import dimension_radar, execution_rates
from evalcore.figures.findings_scale import category_sunburst


def test_stable_and_distinct():
    a = style.stable_colors(["市数据局", "市数据中心"])
    b = style.stable_colors(["市数据中心", "市数据局"])
    assert a == b and len(set(a.values())) == 2
    many = style.stable_colors([f"单位{i}" for i in range(8)])
    assert len(set(many.values())) == 8  # no two names of one set share a colour while colours remain
    assert style.stable_colors(["（一）资金管理"])["（一）资金管理"] == \
        style.stable_colors(["（三）资金管理"])["（三）资金管理"]  # the number changes between evaluations


def test_attention_is_its_own_colour():
    assert style.ATTENTION not in style.CATEGORICAL
    assert style.ATTENTION not in style.GRADE_COLORS.values()
    # 未整改 is the one status that needs attention, and says so in the attention colour
    assert [s for s, c in style.STATUS_COLORS.items() if c == style.ATTENTION] == ["未整改"]
    assert style.GRADE_COLORS["中"] not in style.CATEGORICAL
    assert style.ACCENT == style.ATTENTION  # the 示例数据 label is not 中's orange


def test_charts_use_the_palettes():
    from decimal import Decimal as D
    rates = execution_rates(pd.DataFrame({"unit": ["甲", "乙"], "rate": [D(50), D(99)]}), D(90))
    assert list(rates.data[0].marker.color) == [style.ATTENTION, style.PRIMARY]
    radar = dimension_radar(pd.DataFrame({"unit": ["甲", "甲", "乙", "乙"], "name": ["A", "B", "A", "B"],
                                          "points": [D(50)] * 4, "score": [D(40), D(45), D(30), D(35)]}))
    colors = style.stable_colors(["甲", "乙"])
    assert [t.line.color for t in radar.data] == [colors["甲"], colors["乙"]]
    sun = category_sunburst(pd.DataFrame({"category_label": ["（一）资金管理", "（二）项目管理"], "count": [2, 3]}))
    assert list(sun.data[0].marker.colors)[1:] == [style.stable_colors(["（一）资金管理", "（二）项目管理"])[c]
                                                   for c in ["（一）资金管理", "（二）项目管理"]]
