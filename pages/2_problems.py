"""问题分析: category → item breakdown, counts by category and unit, the verbatim list filtered by a click."""
import streamlit as st

from components import charts, layout
from components.table import Col, show_table
from evalcore import findings

ev = layout.page("问题分析")

problems = layout.derived(findings.problems_table)
if problems.empty:
    st.info("该评价没有列出问题。")
    st.stop()
counts = findings.counts_by_category(problems)
st.caption(f"共 {len(counts)} 类 {len(problems)} 项问题，措辞和顺序与报告原文一致。"
           "点击右侧柱状图中的类别可筛选下方清单。")

_PICK = "_problems_pick"  # the category filter: one piece of state, set by the list or by a click on the chart


def _on_chart_select() -> None:
    """A click on a bar (a new selection event only) chooses that category in the list's filter."""
    state = st.session_state.get("problems_by_category")
    points = (state.selection.points if state and state.selection else None) or []
    if points:
        clicked = points[0].get("customdata")
        clicked = clicked[0] if isinstance(clicked, list) else clicked
        if clicked is not None:
            st.session_state[_PICK] = int(clicked)


selected = st.session_state.get(_PICK) or None

left, right = st.columns([5, 6])
with left:
    st.subheader("问题构成")
    layout.chart(charts.problems_sunburst(problems), "problems_sunburst")
with right:
    st.subheader("各类问题数量")
    layout.chart(charts.category_counts(counts, "项", selected=selected), "problems_by_category",
                 on_select=_on_chart_select, selection_mode="points")
    st.subheader("按单位")
    layout.chart(charts.unit_counts(layout.derived(findings.problems_by_unit)), "problems_by_unit")
    st.caption("“未指明单位”：报告原文未点名具体单位的问题。")

st.subheader("问题清单")
ALL = 0  # a real option (None would show Streamlit's empty placeholder instead of 全部类别)
labels = {ALL: "全部类别", **{int(r.category_no): r.category_label for r in counts.itertuples()}}
if st.session_state.get(_PICK) not in labels:
    st.session_state[_PICK] = ALL
selected = st.selectbox("问题类别", list(labels), format_func=labels.get, key=_PICK)
query = st.text_input("搜索问题内容", placeholder="输入关键词，如“采购”", key="problems_query")
shown = problems if selected == ALL else problems[problems["category_no"] == selected]
if query:
    shown = shown[shown["text"].str.contains(query, regex=False)]
st.caption(f"显示 {len(shown)} / {len(problems)} 项")
show_table(shown, [
    Col("id", "编号", width=90),
    Col("category_label", "问题类别", width=260, wrap=True),
    Col("text", "问题内容（原文）", flex=3, wrap=True),
    Col("unit", "涉及单位", width=130),
], key="problems_list")
