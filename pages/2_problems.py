"""问题分析: category → item breakdown, counts by category and unit, the verbatim list filtered by a click.

With many problems (hundreds, over hundreds of units) the breakdown shows the categories only, the units chart the
units named most and one 其他 bar, and the list is searched and shown a page at a time.
"""
import streamlit as st

from components import charts, layout, sections
from components.table import GridColumn, show_table
from evalcore import findings
from evalcore.figures import findings_scale

ev = layout.page("问题分析")

problems = layout.derived(findings.problems_table)
if problems.empty:
    st.info("该评价没有列出问题。")
    st.stop()
counts = findings.counts_by_category(problems)
st.caption(f"共 {len(counts)} 类 {len(problems)} 项问题，措辞和顺序与报告原文一致。"
           "点击右侧柱状图中的类别可筛选下方清单。")

_PICK = "_problems_pick"  # the category filter: one piece of state, set by the list or by a click on the chart
UNIT_BARS = 15  # units in the 按单位 chart before the rest become 其他


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

by_unit = layout.derived(findings.problems_by_unit)
many_units = len(by_unit) > UNIT_BARS + 1
left, right = st.columns([5, 6])
with left:
    st.subheader("问题构成")
    layout.chart(findings_scale.problems_overview(problems, counts), "problems_sunburst")
    if len(problems) > findings_scale.SUNBURST_LEAVES:
        st.caption("问题较多，图中只列类别；每项问题见下方清单。")
with right:
    st.subheader("各类问题数量")
    layout.chart(findings_scale.category_counts(counts, "项", selected=selected), "problems_by_category",
                 on_select=_on_chart_select, selection_mode="points")
    if many_units:
        named = int((by_unit["unit"] != findings.UNNAMED).sum())
        st.subheader(f"按单位（问题最多的 {UNIT_BARS} 个单位）")
        layout.chart(findings_scale.ranked_counts(layout.derived(findings.problems_by_unit_top, UNIT_BARS)),
                     "problems_by_unit")
        st.caption(f"共 {named} 个单位被点名；其余单位合并为“其他”。“未指明单位”：报告原文未点名具体单位的问题。")
    else:
        st.subheader("按单位")
        layout.chart(charts.unit_counts(by_unit), "problems_by_unit")
        st.caption("“未指明单位”：报告原文未点名具体单位的问题。")

st.subheader("问题清单")
ALL = 0  # a real option (None would show Streamlit's empty placeholder instead of 全部类别)
labels: dict[int, str] = {ALL: "全部类别", **{int(r.category_no): str(r.category_label) for r in counts.itertuples()}}
if st.session_state.get(_PICK) not in labels:
    st.session_state[_PICK] = ALL
selected = st.selectbox("问题类别", list(labels), format_func=labels.__getitem__, key=_PICK)
query = st.text_input("搜索问题内容或单位", placeholder="输入关键词，如“采购”", key="problems_query")
shown = problems if selected == ALL else problems[problems["category_no"] == selected]
shown = sections.matching(shown, query, ["text", "unit", "id"])
st.caption(f"显示 {len(shown)} / {len(problems)} 项")
show_table(sections.paged(shown, "problems_list"), [
    GridColumn("id", "编号", width=90),
    GridColumn("category_label", "问题类别", width=260, wrap=True),
    GridColumn("text", "问题内容（原文）", flex=3, wrap=True),
    GridColumn("unit", "涉及单位", width=130),
], key="problems_list")
