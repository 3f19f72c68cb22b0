"""建议与整改: recommendations answering problems, 整改 status, 整改率, overdue items, items closed over time.

With many responsible units the 按责任单位 panel becomes a chart of the units with most open items (the rest as
其他) and a searchable, paginated table of every unit; the long lists are searched and shown a page at a time.
"""

import streamlit as st

from components import cards, charts, layout, nav, rect_review, sections, theme
from components.table import GridColumn, show_table
from evalcore import clock, findings, rectification
from evalcore.figures import findings_scale
from evalcore.numbers import fmt_rate

ev = layout.page("建议与整改")

recs = layout.derived(findings.recommendations_table)
links = layout.derived(findings.recommendation_links)

st.subheader("问题 → 建议")
if recs.empty:
    st.info("该评价没有列出建议。")
else:
    st.caption(f"{len(ev.recommendation_categories)} 类 {len(recs)} 条建议。")
    layout.chart(charts.links_overview(links), "rect_sankey")
    unanswered = layout.derived(findings.unanswered_problem_categories)
    if unanswered:
        st.warning("以下问题类别没有对应的建议：" + "、".join(f"（{findings.cn_number(n)}）" for n in unanswered))
    with st.expander("建议清单（原文）"):
        show_table(recs, [
            GridColumn("id", "编号", width=90),
            GridColumn("category_label", "建议类别", width=260, wrap=True),
            GridColumn("text", "建议内容（原文）", flex=3, wrap=True),
            GridColumn("answers", "对应问题", width=110),
        ], key="rect_recs")

st.subheader("整改进展")
if not ev.rectification:
    st.info("该评价还没有整改事项。")
    st.stop()
cards.illustrative(ev, "rectification")
st.page_link(nav.DATA, label="更新整改进度（数据管理 › 整改更新）", icon=":material/edit_note:")
as_of = st.date_input("统计日期", value=clock.today(), key="rect_as_of", format="YYYY-MM-DD", width=220,
                      help="按此日期统计状态、整改率和逾期事项")
summary = layout.derived(rectification.rectification_summary, as_of)

k1, k2, k3, k4 = st.columns(4)
k1.metric("整改事项", f"{summary.total} 项", border=True, height="stretch")
k2.metric("已完成", f"{summary.closed} 项", border=True, height="stretch")
k3.metric("整改率", fmt_rate(summary.rate), border=True, height="stretch", help="已完成整改的事项 ÷ 全部整改事项")
k4.metric("逾期未完成", f"{summary.overdue} 项", border=True, height="stretch", help="已过整改期限且尚未完成的事项")
loop = rect_review.loop_items(layout.current_info().id)  # issue 25: what units reported, apart from the 整改率
waiting, sent_back = rect_review.counts(loop)
st.caption(f"整改率只计财政部门已确认完成（销号）的事项；单位已报送、待审核 {waiting} 项，"
           f"被退回待重新报送 {sent_back} 项，均未计入。")

left, right = st.columns([3, 2])
with left:
    st.markdown("**各类问题的整改状态**")
    by_category = layout.derived(rectification.status_by_category, as_of)
    layout.chart(findings_scale.status_stacked(by_category, ev.meta.statuses), key="rect_stacked")
with right:
    st.markdown("**整改状态分布**")
    layout.chart(charts.status_donut(summary.by_status, fmt_rate(summary.rate)), "rect_donut")

UNIT_BARS = 15  # units in the 按责任单位 chart before the rest become 其他
UNIT_COLS = [
    GridColumn("unit", "责任单位", width=130),
    GridColumn("total", "事项", "int", width=70),
    GridColumn("closed", "已完成", "int", width=80),
    GridColumn("overdue", "逾期", "int", width=70),
    GridColumn("rate", "整改率", "rate", width=90),
]
by_unit = layout.derived(rectification.status_by_unit, as_of)
many_units = len(by_unit) > UNIT_BARS + 1

left, right = st.columns(2)
with left:
    st.markdown("**累计完成整改**")
    closed = layout.derived(rectification.closed_over_time, as_of)
    layout.chart(charts.closed_over_time(closed, summary.total,
                                         undated=layout.derived(rectification.closed_undated, as_of)), "rect_time")
with right:
    if many_units:
        st.markdown(f"**未完成事项最多的责任单位（前 {UNIT_BARS} 个）**")
        layout.chart(findings_scale.ranked_counts(layout.derived(rectification.open_by_unit_top, as_of, UNIT_BARS),
                                                  value="open", color=theme.ACCENT), "rect_open_by_unit")
    else:
        st.markdown("**按责任单位**")
        show_table(by_unit, UNIT_COLS, key="rect_by_unit")

if many_units:
    st.markdown(f"**按责任单位（{len(by_unit)} 个）**")
    unit_query = st.text_input("搜索责任单位", key="rect_unit_query", placeholder="输入单位名称")
    units_shown = sections.matching(by_unit.sort_values(["overdue", "total"], ascending=False, kind="stable"),
                                    unit_query, ["unit"])
    show_table(sections.paged(units_shown, "rect_by_unit", noun="个单位"), UNIT_COLS, key="rect_by_unit")

items = layout.derived(rectification.rectification_items, as_of)
overdue = items[items["overdue"]]
st.markdown(f"**逾期事项（{len(overdue)} 项）**")
if overdue.empty:
    st.success("没有逾期未完成的整改事项。")
else:
    if len(overdue) > sections.PAGE_SIZE:
        overdue = sections.matching(overdue.sort_values("days_overdue", ascending=False, kind="stable"),
                                    st.text_input("搜索逾期事项", key="rect_overdue_query",
                                                  placeholder="编号、整改事项或责任单位"),
                                    ["id", "task", "unit", "problem"])
    show_table(sections.paged(overdue, "rect_overdue"), [
        GridColumn("id", "编号", width=80),
        GridColumn("task", "整改事项", flex=3, wrap=True),
        GridColumn("unit", "责任单位", width=130),
        GridColumn("deadline", "整改期限", "date", width=120),
        GridColumn("days_overdue", "逾期天数", "int", width=100),
        GridColumn("status", "状态", width=100),
    ], key="rect_overdue")

with st.expander(f"全部整改事项（{len(items)} 项）"):
    if len(items) > sections.PAGE_SIZE:
        items = sections.matching(items, st.text_input("搜索整改事项", key="rect_items_query",
                                                       placeholder="编号、对应问题、整改事项或责任单位"),
                                  ["id", "problem", "task", "unit"])
    show_table(sections.paged(items, "rect_items"), [
        GridColumn("id", "编号", width=80),
        GridColumn("problem", "对应问题", width=100),
        GridColumn("task", "整改事项", flex=3, wrap=True),
        GridColumn("unit", "责任单位", width=130),
        GridColumn("deadline", "整改期限", "date", width=120),
        GridColumn("status", "状态", width=100),
        GridColumn("progress", "进度（%）", "score", width=100),
    ], key="rect_items")
with st.expander("整改记录"):
    show_table(sections.paged(layout.derived(rectification.history_table), "rect_history", noun="条"),
               sections.RECTIFICATION_HISTORY_COLUMNS, key="rect_history")

rect_review.review_section(layout.current_info().id, loop)
rect_review.deadlines_section(loop, ev, as_of)
rect_review.loop_charts_section(loop, as_of)
