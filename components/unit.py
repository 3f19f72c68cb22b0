"""单位详情: everything about one unit, and the ways to get there (a click in a chart or a table, a link).

The unit lives in the URL (``?eval=ID&unit=KEY``), so the page can be bookmarked, refreshed and sent as a link.
"""
from __future__ import annotations

from decimal import Decimal

import streamlit as st

from evalcore import kpi, ranking
from evalcore.figures import scale
from evalcore.model import Evaluation
from evalcore.numbers import fmt_rate, fmt_score, tile_amount

from . import cards, charts, layout, nav, sections, standing
from .table import GridColumn, show_table, unit_column
from .text import plain, plain_inline

UNIT_PARAM = "unit"
_PICK = "_unit_pick"


def open_unit(key: str) -> None:
    """Go to the unit page of ``key`` (in the evaluation shown)."""
    info = layout.current_info()
    params = {UNIT_PARAM: key}
    if info is not None:
        params[layout.EVAL_PARAM] = str(info.id)
    st.switch_page(nav.UNIT, query_params=params)


def clicked_unit(event) -> str | None:
    """The unit key of the first point selected in a ``st.plotly_chart(on_select="rerun")`` event, whose figure
    carries the key as ``customdata[0]`` (the figures of ``evalcore.figures.scale``)."""
    if not event:
        return None
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points:
        custom = point.get("customdata")
        key = custom[0] if isinstance(custom, list | tuple) and custom else custom
        if isinstance(key, str) and key:
            return key
    return None


def newly_picked(key: str, unit: str | None) -> bool:
    """Whether ``unit`` was picked in this run (not a selection a widget still holds from an earlier one)."""
    last = st.session_state.get(f"_picked_{key}")
    st.session_state[f"_picked_{key}"] = unit
    return bool(unit) and unit != last


def chart_to_unit(fig, key: str) -> None:
    """Show a figure whose points name units; clicking one opens that unit's page."""
    event = layout.chart(fig, key, on_select="rerun", selection_mode="points")
    unit = clicked_unit(event)
    fresh = newly_picked(key, unit)  # called on every run: a cleared selection resets it
    if unit and fresh:
        open_unit(unit)


def link(key: str, label: str | None = None) -> None:
    """A link to a unit's page (labelled with the unit's key unless ``label`` is given)."""
    info = layout.current_info()
    params = {UNIT_PARAM: key, **({layout.EVAL_PARAM: str(info.id)} if info else {})}
    st.page_link(nav.UNIT, label=label or plain_inline(key), icon=":material/arrow_forward:", query_params=params)


def _label(ev: Evaluation, key: str) -> str:
    unit = ev.unit(key)
    return f"{key}（{unit.name}）" if unit and unit.name and unit.name != key else key


def current_unit(ev: Evaluation) -> str | None:
    """The unit the URL names, with a picker to switch; a unit the evaluation does not have gets a clear message
    and the picker, never another unit silently. None when there is nothing to show."""
    keys = [u.key for u in ev.units]
    if not keys:
        st.info("该评价没有单位。")
        return None
    wanted = layout.url_get(UNIT_PARAM)
    if wanted is not None and wanted not in keys:
        st.error(plain(f"链接中的单位“{wanted}”不在该评价中（可能已改名或链接有误）。请在下面选择要查看的单位。"),
                 icon=":material/link_off:")
        st.session_state.pop(_PICK, None)
        choice = st.selectbox("选择单位（可输入名称搜索）", keys, index=None, key="_unit_pick_missing",
                              format_func=lambda k: plain_inline(_label(ev, k)), placeholder="输入单位名称搜索…")
        if choice:
            layout.url_set(UNIT_PARAM, choice)
            st.rerun()
        return None
    if wanted is None:
        wanted = keys[0]
    if st.session_state.get(_PICK) != wanted:
        st.session_state[_PICK] = wanted

    def remember() -> None:
        layout.url_set(UNIT_PARAM, st.session_state[_PICK])

    st.selectbox("单位（可输入名称搜索）", keys, key=_PICK, on_change=remember,
                 format_func=lambda k: plain_inline(_label(ev, k)))
    layout.url_set(UNIT_PARAM, wanted)
    return wanted


def render(ev: Evaluation, key: str) -> None:
    """The unit page: figures, budget lines, dimension scores against the average, deductions, problems, 整改."""
    info = layout.current_info()
    back = {layout.EVAL_PARAM: str(info.id)} if info is not None else None
    with st.container(horizontal=True, gap="medium"):  # a way back (issue 28): the unit list and the overview
        st.page_link(nav.UNITS, label="返回单位对比", icon=":material/arrow_back:", query_params=back)
        st.page_link(nav.OVERVIEW, label="返回总览", icon=":material/dashboard:", query_params=back)
    table = layout.derived(ranking.unit_ranking)
    row = table[table["unit"] == key].iloc[0]
    unit = ev.unit(key)
    st.header(plain_inline(unit.name or key) if unit else plain_inline(key))
    parts = [key, row["role"] or ""]
    if row["rank"] is not None:
        parts.append(f"得分排名 第 {int(row['rank'])} / {int(table['rank'].notna().sum())} 名")
    st.caption(plain("　·　".join(p for p in parts if p)))
    cards.grade_badge(row["grade"], derived=bool(row["grade_derived"]))

    avg = layout.derived(ranking.evaluation_averages)
    target = ev.meta.rate_target
    last = standing.unit_last_year(ev, key)  # the same unit a year earlier (同比), or None: then nothing is said
    year = f"同比（{int(last['year'])} 年）" if last is not None else None

    def amount(column: str, label: str, col) -> None:
        value, exact = tile_amount(row[column])  # past 10 亿元 ≈ 亿元, the exact figure in the tooltip
        delta = kpi.change(standing.decimal_or_none(row[column]), standing.decimal_or_none(last.get(column))) \
            if last is not None and column != "unspent" else None
        col.metric(label, value, border=True, help=exact, delta=delta, delta_color="off",
                   delta_description=year if delta else None)

    k = st.columns(3)
    for col, (column, label) in zip(k, (("budget", "预算"), ("executed", "实际执行"), ("unspent", "未执行")),
                                    strict=True):
        amount(column, label, col)
    k = st.columns(3)
    rate = row["rate"] if isinstance(row["rate"], Decimal) else None  # None, never NaN
    k[0].metric("预算执行率", fmt_rate(row["rate"]), border=True,
                delta=kpi.target_delta(rate, target),  # where it stands (None without a rate or a target)
                delta_description=f"较目标 {fmt_rate(target)}" if rate is not None and target is not None else None,
                help=f"目标 {fmt_rate(target)}；各单位平均 {fmt_rate(avg['rate'])}")
    score = standing.decimal_or_none(row["score"])
    score_delta = kpi.score_change(score, standing.decimal_or_none(last.get("score"))) if last is not None else None
    k[1].metric("评价得分", fmt_score(row["score"]), border=True, help=f"各单位平均 {fmt_score(avg['score'])}",
                delta=score_delta, delta_description=year if score_delta else None,
                delta_color="off" if score_delta == "+0.00 分" else "normal")  # no change is neither up nor down
    k[2].metric("等次", row["grade"] or "未评等次", border=True,
                help="报告未列等次：按评价得分和本评价的等次划分推算" if row["grade_derived"] else None)
    standing.rate_mark(rate, target)
    rate_change = standing.unit_rate_change(rate, last)
    if rate_change:
        st.caption(rate_change)

    lines = layout.derived(ranking.unit_budget_lines, key)
    st.subheader("预算明细")
    if lines.empty:
        st.caption(plain(f"{key}：未列预算。"))
    else:
        show_table(lines, [
            unit_column("project", flex=2),
            unit_column("kind", width=100),
            unit_column("budget", width=130),
            unit_column("executed", width=150),
            unit_column("rate", width=105),
            unit_column("stated_rate", width=105),
            unit_column("note", flex=1, wrap=True),
        ], key="unit_lines")

    dims = layout.derived(ranking.unit_dimensions, key)
    if not dims.empty:
        st.subheader("分维度得分与评价平均")
        cards.illustrative(ev, "scores")
        average = layout.derived(ranking.dimension_average)
        layout.chart(scale.dimension_against_average(dims, average, key), "unit_dims")
        indicators = layout.derived(ranking.unit_indicators, key)
        st.subheader("指标扣分")
        layout.chart(charts.deductions(indicators), "unit_deductions")
        lost = indicators[indicators["is_leaf"] & indicators["deduction"].notna()]
        lost = lost[[d > 0 for d in lost["deduction"]]]
        if not lost.empty:
            show_table(lost, [
                GridColumn("id", "编号", width=90),
                GridColumn("name", "指标", flex=2),
                GridColumn("points", "分值", "score", width=80),
                GridColumn("score", "得分", "score", width=80),
                GridColumn("deduction", "扣分", "score", width=80),
                GridColumn("note", "扣分说明", flex=2, wrap=True),
            ], key="unit_lost")

    problems = layout.derived(ranking.unit_problems, key)
    st.subheader(f"涉及的问题（{len(problems)} 项）")
    if problems.empty:
        st.caption("报告中没有点名该单位的问题，该单位的整改事项也没有对应的问题。")
    for p in problems.itertuples():
        st.markdown(f"**{plain_inline(p.id)}**　{plain(p.text)}")
        st.caption(plain(p.category + (f"　·　由该单位的整改事项 {p.via} 整改" if p.via else "")))

    items, history = layout.derived(ranking.unit_rectification, key)
    st.subheader(f"整改事项（{len(items)} 项）")
    if items.empty:
        st.caption("该单位没有整改事项。")
        return
    cards.illustrative(ev, "rectification")
    show_table(items, [
        GridColumn("id", "编号", width=90),
        GridColumn("problem", "对应问题", width=90),
        GridColumn("task", "整改任务", flex=2, wrap=True),
        GridColumn("deadline", "期限", "date", width=110),
        GridColumn("status", "状态", width=90),
        GridColumn("progress", "进度（%）", "score", width=90),
        GridColumn("note", "说明", flex=1, wrap=True),
    ], key="unit_items")
    if not history.empty:
        st.markdown("**整改历史**")
        show_table(history, sections.RECTIFICATION_HISTORY_COLUMNS, key="unit_history")
