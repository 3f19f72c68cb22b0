"""Charts that follow the 整改 loop between units and the bureau (issue 25): pure tables from the loop history
(:class:`~evalcore.verification.LoopItem` with its steps) and pure Plotly builders over them.

- :func:`states_over_time` / :func:`states_over_time_figure`: per unit (or all), how many items were in each loop
  state (待报送 / 待审核 / 退回 / 已销号) at the end of each day on which something happened;
- :func:`decision_times` / :func:`decision_time_figure`: the days from a unit's report to the bureau's decision
  (销号 or 退回), one box per unit;
- :func:`returns_by_unit` / :func:`returns_figure`: the units with most reports sent back.

An item without loop steps keeps its state throughout (closed on the 整改更新 editor is 已销号, else 待报送): the
loop history does not say when such an item changed. Dates are Beijing dates (:mod:`evalcore.clock`).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from ..clock import CHINA_TZ
from ..verification import ACCEPT, ACCEPTED, OPEN, PENDING, REPORT, RETURN, RETURNED, STATES, LoopItem
from . import charts, style

# the 整改 status colours, by what each state means: open (not begun), 待审核 (under way), 退回 (needs attention),
# 已销号 (done)
STATE_COLORS = {OPEN: style.STATUS_COLORS["未开始"], PENDING: style.STATUS_COLORS["整改中"], RETURNED: style.ATTENTION,
                ACCEPTED: style.STATUS_COLORS["已整改"]}
_AFTER = {REPORT: PENDING, RETURN: RETURNED, ACCEPT: ACCEPTED}
TOP = 15


def _day(at: dt.datetime) -> dt.date:
    return at.astimezone(CHINA_TZ).date()


def _state_on(item: LoopItem, day: dt.date) -> str:
    if not item.steps:
        return item.state
    state = OPEN
    for s in item.steps:
        if _day(s.at) <= day:
            state = _AFTER.get(s.step, state)
    if item.state == ACCEPTED and day >= _day(item.steps[-1].at):
        return ACCEPTED  # closed (the last step, or on the editor after it)
    return state


def states_over_time(items: Iterable[LoopItem], as_of: dt.date, unit: str | None = None) -> pd.DataFrame:
    """date, state, count: the items (of ``unit``, by its name as the evaluation gives it, or of every unit) in
    each loop state at the end of each day with a step, and of ``as_of``; every state on every date."""
    chosen = [i for i in items if unit is None or i.unit == unit]
    days = sorted({_day(s.at) for i in chosen for s in i.steps if _day(s.at) <= as_of} | {as_of})
    rows: list[dict] = []
    for d in days:
        counts = dict.fromkeys(STATES, 0)
        for i in chosen:
            counts[_state_on(i, d)] += 1
        rows.extend({"date": d, "state": s, "count": counts[s]} for s in STATES)
    return pd.DataFrame(rows, columns=["date", "state", "count"])


def states_over_time_figure(df: pd.DataFrame, title_unit: str = "") -> go.Figure:
    if df.empty or not int(df["count"].sum()):
        return charts.message_figure("没有整改事项")
    fig = go.Figure()
    for state in STATES:
        sub = df[df["state"] == state]
        fig.add_trace(go.Bar(x=[d.isoformat() for d in sub["date"]], y=[int(c) for c in sub["count"]],
                             name=state, marker_color=STATE_COLORS[state],
                             hovertemplate=f"%{{x}}<br>{state}：%{{y}} 项<extra></extra>"))
    fig.update_layout(barmode="stack", height=320, legend=dict(orientation="h", y=-0.2),
                      title=dict(text=charts.esc(title_unit)) if title_unit else None,
                      yaxis=dict(title="事项数", rangemode="tozero"), xaxis=dict(type="category", title="日期"))
    return fig


def decision_times(items: Iterable[LoopItem]) -> pd.DataFrame:
    """unit, item_id, reported, decided, decision (销号/退回), days: each report with the bureau's decision on it."""
    rows = []
    for i in items:
        reported: dt.datetime | None = None
        for s in i.steps:
            if s.step == REPORT:
                reported = s.at
            elif s.step in (ACCEPT, RETURN) and reported is not None:
                rows.append({"unit": i.unit, "item_id": i.item_id, "reported": reported, "decided": s.at,
                             "decision": s.label, "days": (s.at - reported).total_seconds() / 86400})
                reported = None
    return pd.DataFrame(rows, columns=["unit", "item_id", "reported", "decided", "decision", "days"])


def decision_time_figure(df: pd.DataFrame) -> go.Figure:
    """One horizontal box per unit (the TOP units with most decisions), days from report to decision."""
    if df.empty:
        return charts.message_figure("还没有审核记录")
    counts = df.groupby("unit").size().sort_values(ascending=False, kind="stable")
    units = list(counts.index[:TOP])
    fig = go.Figure()
    for u in reversed(units):
        sub = df[df["unit"] == u]
        fig.add_trace(go.Box(x=[float(d) for d in sub["days"]], name=charts.esc(u), orientation="h",
                             marker_color=style.PRIMARY, boxpoints="all" if len(sub) <= 50 else False,
                             hovertemplate="%{x:.1f} 天<extra></extra>", showlegend=False))
    fig.update_layout(height=max(260, 60 + 36 * len(units)),
                      xaxis=dict(title="报送到审核决定（天）", rangemode="tozero"))
    return fig


def returns_by_unit(items: Iterable[LoopItem], n: int = TOP) -> pd.DataFrame:
    """unit, returned, items: the ``n`` units with most send-backs (退回) and on how many items."""
    counts: dict[str, list[int]] = {}
    for i in items:
        r = sum(1 for s in i.steps if s.step == RETURN)
        if r:
            c = counts.setdefault(i.unit, [0, 0])
            c[0] += r
            c[1] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[0]))[:n]
    return pd.DataFrame([{"unit": u, "returned": c[0], "items": c[1]} for u, c in ranked],
                        columns=["unit", "returned", "items"])


def returns_figure(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return charts.message_figure("没有被退回的报送")
    fig = go.Figure(go.Bar(
        y=[charts.esc(u) for u in df["unit"]][::-1], x=[int(v) for v in df["returned"]][::-1], orientation="h",
        marker_color=style.ATTENTION, customdata=[int(v) for v in df["items"]][::-1],
        hovertemplate="%{y}<br>退回 %{x} 次（%{customdata} 项事项）<extra></extra>"))
    fig.update_layout(height=max(240, 60 + 30 * len(df)),
                      xaxis=charts.value_axis(int(df["returned"].max()), whole=True, title="退回次数"))
    return fig
