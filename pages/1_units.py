"""单位对比: budgets, execution rates against the target, dimension scores, deductions, the unit table."""
import streamlit as st

from components import cards, charts, layout, scale, sections
from components import unit as unit_page
from components.portfolio import unit_trend_section
from components.table import GridColumn, show_table, unit_column
from components.text import plain_inline
from evalcore import budget, ranking, scoring

ev = layout.page("单位对比")
if ranking.is_large(ev):
    # many units: a filtered, paged ranking and the comparison of a few selected units
    scale.ranking_and_comparison(ev)
    st.stop()

table = layout.derived(budget.budget_table)
results = layout.derived(scoring.results_table)

sections.budget_and_rates(ev, table, "units", rate_title="预算执行率与目标")

st.subheader("单位一览")
merged = table.merge(results[["unit", "score", "grade"]], on="unit", how="left")
show_table(merged, [
    unit_column("unit", width=130),
    unit_column("name", flex=1),
    unit_column("budget", width=130),
    unit_column("executed", width=150),
    unit_column("rate", width=105),
    unit_column("unspent", width=140),
    unit_column("score", width=80),
    unit_column("grade", width=80),
], key="units_table")

dims = layout.derived(scoring.dimension_table)
if not dims.empty:
    st.subheader("分维度得分")
    cards.illustrative(ev, "scores")
    left, right = st.columns(2)
    with left:
        layout.chart(charts.dimension_radar(dims), "units_radar")
    with right:
        layout.chart(charts.dimension_bars(dims), "units_dims")

    indicators = layout.derived(scoring.indicator_table)
    st.subheader("指标扣分")
    cards.illustrative(ev, "scores")
    layout.chart(charts.deductions(indicators), "units_deductions")

    units = list(dict.fromkeys(indicators["unit"]))
    # options are rendered as Markdown: unit names shown literally, a long one shortened (the table names it whole)
    unit = st.segmented_control("指标明细", units, default=units[0], key="units_detail_unit",
                                format_func=lambda u: plain_inline(charts.shorten(u, 40)))
    if unit:
        unit_page.link(unit, f"{plain_inline(charts.shorten(unit, 40))} 的单位详情")
        detail = indicators[(indicators["unit"] == unit)].copy()
        detail["indent"] = ["　" * (lvl - 1) + name for lvl, name in zip(detail["level"], detail["name"], strict=True)]
        show_table(detail, [
            GridColumn("id", "编号", width=90),
            GridColumn("indent", "指标", flex=2),
            GridColumn("method", "评分方式", width=150),
            GridColumn("points", "分值", "score", width=90),
            GridColumn("score", "得分", "score", width=90),
            GridColumn("deduction", "扣分", "score", width=90),
            GridColumn("note", "扣分说明", flex=2, wrap=True),
        ], key=f"units_detail_{units.index(unit)}")

with st.expander("跨年度趋势（同一单位在各年度评价中的表现）", icon=":material/timeline:"):
    unit_trend_section(layout.current_info().id)
