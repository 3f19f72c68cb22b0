"""Sections of 总览 and 单位对比 for an evaluation with many units (``evalcore.ranking.is_large``): distributions,
the score x rate scatter, short top/bottom lists, the funds treemap, the ranking table with its filters (kept in
the URL) and the comparison of a few selected units. Points and rows open the unit's page (``components.unit``).
"""
from __future__ import annotations

import streamlit as st

from evalcore import ranking
from evalcore.figures import scale, style
from evalcore.model import Evaluation
from evalcore.numbers import fmt_rate, fmt_score

from . import cards, charts, layout, responsive, theme, unit
from .table import GridColumn, show_table, unit_column
from .text import plain, plain_inline

TOP_N = 10
COMPARE_LIMIT = 10


def overview(ev: Evaluation) -> None:
    """总览 past the listing threshold: grade distribution, spreads, scatter, top/bottom, treemap."""
    table = layout.derived(ranking.unit_ranking)
    dist = layout.derived(ranking.grade_distribution)
    avg = layout.derived(ranking.evaluation_averages)
    target = ev.meta.rate_target
    below = int(table["below_target"].sum())
    k = st.columns(3)
    k[0].metric("评价单位", f"{len(table)} 个", border=True)
    k[1].metric("平均得分", fmt_score(avg["score"]), border=True, help="各单位评价得分的算术平均")
    k[2].metric("执行率低于目标", f"{below} 个", border=True,
                help=f"预算执行率低于目标 {fmt_rate(target)} 的单位数；"
                     f"各单位执行率的算术平均为 {fmt_rate(avg['rate'])}")

    st.subheader("等次分布")
    left, right = st.columns(2)
    with left:
        st.caption("各等次单位数")
        layout.chart(scale.grade_distribution(dist, "units"), "overview_grade_units")
    with right:
        st.caption("各等次预算资金")
        layout.chart(scale.grade_distribution(dist, "budget"), "overview_grade_funds")

    st.subheader("执行率与得分分布")
    left, right = st.columns(2)
    with left:
        layout.chart(scale.rate_histogram(table, target), "overview_rate_spread")
    with right:
        layout.chart(scale.score_histogram(table, ev.meta.grade_bands), "overview_score_spread")

    st.subheader("得分 × 预算执行率")
    st.caption("每个点是一个单位；虚线为执行率目标，点线为等次分界。点击一个点查看该单位详情。")
    boundary = scale.grade_boundary(ev.meta.grade_bands, list(table["score"]))
    unit.chart_to_unit(scale.score_rate_scatter(table, target, boundary), "overview_scatter")

    st.subheader("排名靠前与靠后的单位")
    tabs = st.tabs(["得分", "预算执行率", "未执行资金"])
    lists = [("score", "score", "得分最高", "得分最低"), ("rate", "rate", "执行率最高", "执行率最低"),
             ("unspent", "amount", "未执行资金最多", "未执行资金最少")]
    for tab, (column, kind, high, low) in zip(tabs, lists, strict=True):
        with tab:
            left, right = st.columns(2)
            with left:
                st.caption(f"{high} {TOP_N} 个单位")
                unit.chart_to_unit(scale.ranked_bars(ranking.ranked(table, column, TOP_N), column, kind,
                                                     theme.PRIMARY), f"overview_top_{column}")
            with right:
                st.caption(f"{low} {TOP_N} 个单位")
                unit.chart_to_unit(scale.ranked_bars(ranking.ranked(table, column, TOP_N, highest=False), column,
                                                     kind, style.ATTENTION), f"overview_bottom_{column}")

    st.subheader("各单位预算资金")
    st.caption(f"预算最多的 {scale.FUNDS_TOP} 个单位，其余合为“其他”。点击单位查看详情。")
    unit.chart_to_unit(scale.funds_bars(table), "overview_funds")


# --- 单位对比 --------------------------------------------------------------------------------------------------

_ROLES, _GRADES, _BELOW, _QUERY, _SELECTED = "units_f_roles", "units_f_grades", "units_f_below", "units_f_q", \
    "units_f_sel"


def _from_url(key: str, param: str, parse) -> None:
    """Initialise a filter widget from the URL on the first run of a session (a pasted link)."""
    if key not in st.session_state:
        st.session_state[key] = parse(st.query_params.get_all(param))


def _to_url(param: str, key: str, dump) -> None:
    layout.url_set(param, dump(st.session_state.get(key)))


def ranking_and_comparison(ev: Evaluation) -> None:
    """单位对比 past the listing threshold: filters, the ranking table, the selected units' comparison."""
    table = layout.derived(ranking.unit_ranking)
    avg = layout.derived(ranking.evaluation_averages)
    roles = sorted({r for r in table["role"] if r})
    grades = [b.grade for b in ev.meta.grade_bands] + ([ranking.UNGRADED] if table["grade"].isna().any() else [])

    _from_url(_ROLES, "type", lambda v: [r for r in v if r in roles])
    _from_url(_GRADES, "grade", lambda v: [g for g in v if g in grades])
    _from_url(_BELOW, "below", lambda v: bool(v) and v[-1] == "1")
    _from_url(_QUERY, "q", lambda v: v[-1] if v else "")

    if not responsive.is_phone():
        st.subheader("筛选")
    active = sum(bool(st.session_state.get(k)) for k in (_ROLES, _GRADES, _BELOW, _QUERY))
    with responsive.filter_panel(active, key="units_filters"):  # on a phone behind one button
        c = st.columns([2, 2, 1.6, 2], vertical_alignment="bottom")
    c[0].multiselect("单位类型", roles, key=_ROLES, placeholder="全部类型",
                     on_change=_to_url, args=("type", _ROLES, list))
    c[1].multiselect("等次", grades, key=_GRADES, placeholder="全部等次",
                     on_change=_to_url, args=("grade", _GRADES, list))
    c[2].toggle("执行率低于目标", key=_BELOW, on_change=_to_url,
                args=("below", _BELOW, lambda v: "1" if v else None))
    c[3].text_input("搜索单位", key=_QUERY, placeholder="简称或全称", on_change=_to_url,
                    args=("q", _QUERY, lambda v: v or None))
    shown = ranking.filter_ranking(table, roles=st.session_state[_ROLES], grades=st.session_state[_GRADES],
                                   below_target=st.session_state[_BELOW], query=st.session_state[_QUERY])

    st.subheader(f"单位排名（{len(shown)} / {len(table)} 个单位）")
    st.caption(f"按得分从高到低；点击表头排序。执行率目标 {fmt_rate(ev.meta.rate_target)}。选中一行查看该单位详情。")
    grid = shown.sort_values("rank", na_position="last", kind="stable")
    picked = show_table(grid, [
        GridColumn("rank", "排名", "int", width=70),
        unit_column("unit", width=120),
        unit_column("name", flex=1),
        unit_column("role", width=100),
        unit_column("budget", width=130),
        unit_column("rate", width=105),
        unit_column("unspent", width=140),
        unit_column("score", width=80),
        unit_column("grade", width=70),
        GridColumn("problems", "问题", "int", width=70),
    ], key="units_ranking", height=640, page_size=15, select="unit")
    fresh = unit.newly_picked("units_ranking", picked)  # called on every run: a cleared selection resets it
    if picked and fresh:
        unit.open_unit(picked)

    st.subheader("所选单位对比")
    options = list(shown["unit"]) or list(table["unit"])
    default = [u for u in ranking.lowest_scores(shown if not shown.empty else table, 5)]
    _from_url(_SELECTED, "sel", lambda v: [u for u in v if u in set(table["unit"])][:COMPARE_LIMIT] or default)
    chosen = [u for u in st.session_state[_SELECTED] if u in set(table["unit"])]
    if chosen != st.session_state[_SELECTED]:
        st.session_state[_SELECTED] = chosen
    st.multiselect(f"选择要对比的单位（最多 {COMPARE_LIMIT} 个，默认得分最低的 5 个）",
                   sorted(set(options) | set(chosen), key=list(table["unit"]).index), key=_SELECTED,
                   max_selections=COMPARE_LIMIT, format_func=plain_inline,
                   on_change=_to_url, args=("sel", _SELECTED, list))
    selected = table.set_index("unit").loc[st.session_state[_SELECTED]].reset_index()
    if selected.empty:
        st.info("请选择要对比的单位。")
        return
    left, right = st.columns(2)
    with left:
        st.caption("评价得分（虚线为评价平均）")
        unit.chart_to_unit(scale.compare_units(selected, "score", avg["score"], "score"), "units_cmp_score")
    with right:
        st.caption("预算执行率（虚线为评价平均，点线为目标）")
        unit.chart_to_unit(scale.compare_units(selected, "rate", avg["rate"], "rate", ev.meta.rate_target),
                           "units_cmp_rate")
    dims = layout.derived(ranking.selected_dimensions, tuple(selected["unit"]))
    if not dims.empty:
        st.caption("分维度得分（含评价平均）")
        cards.illustrative(ev, "scores")
        dims = ranking.with_average(dims, layout.derived(ranking.dimension_average))
        layout.chart(charts.dimension_bars(dims), "units_cmp_dims")
    for u in st.session_state[_SELECTED]:
        if table.loc[table["unit"] == u, "rate"].isna().all():
            st.caption(plain(f"{u}：没有可计算的执行率"))

