"""Figures for evaluations with many units: distributions, a score x rate scatter, short ranked bars, the largest
budgets with one 其他 bar and the comparison of a few selected units. Pure functions of ``evalcore.ranking``'s
DataFrames (no Streamlit).

Every figure stays far below ~2,000 SVG marks whatever the number of units: distributions are binned, the scatter
switches to WebGL (``scattergl``) from :data:`WEBGL_FROM` points, ranked bars show ``n`` units, the funds chart
the largest :data:`FUNDS_TOP` units and one 其他 bar. Clickable figures carry the unit key as the first
``customdata`` value, so a page can open the unit a reader clicks.
"""
from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go

from ..numbers import bar_label, fmt_amount, fmt_rate, fmt_score, money_axis, to_float
from . import style
from .charts import UNIT_LINES, UNIT_WIDTH, esc, hover_label, legend_label, message_figure, value_axis, wrap_label

WEBGL_FROM = 200  # points from which the scatter is drawn with WebGL
FUNDS_TOP = 15  # units named in the funds chart; the rest are one 其他 bar


def _tallest(values: list[float], start: float, size: float) -> int:
    """The count of the fullest bin of a histogram whose bins start at ``start`` and are ``size`` wide."""
    return max(Counter(math.floor((v - start) / size) for v in values).values(), default=0)


def _floats(values) -> list[float | None]:
    return [None if v is None or (isinstance(v, float) and pd.isna(v)) else to_float(v) for v in values]


def grade_distribution(dist: pd.DataFrame, measure: str = "units", height: int = 300) -> go.Figure:
    """Bars per 等次: units (``measure="units"``) or funds in 万元 (``"budget"``). dist: grade, units, budget."""
    if dist.empty or not dist["units"].sum():
        return message_figure("没有单位")
    grades = [esc(g) for g in dist["grade"]]
    values: list[float | None]
    if measure == "units":
        values = [float(n) for n in dist["units"]]
        text = [f"{int(n)} 个" for n in dist["units"]]
        hover = text
        axis = "单位数（个）"
    else:
        per, unit = money_axis(dist["budget"])  # 亿元 past 10 亿元: never an axis of 6,000,000
        values = _floats([None if v is None else v / per for v in dist["budget"]])
        text = [bar_label(v, unit) for v in dist["budget"]]
        hover = [fmt_amount(v) for v in dist["budget"]]  # the exact 万元 figure
        axis = f"预算（{unit}）"
    fig = go.Figure(go.Bar(
        x=grades, y=values, text=text, textposition="outside", cliponaxis=False, hovertext=hover,
        marker_color=[style.GRADE_COLORS.get(g, style.MUTED) for g in dist["grade"]],
        hovertemplate="%{x}：%{hovertext}<extra></extra>",
    ))
    top = max((v or 0 for v in values), default=0) or 1
    fig.update_layout(height=height, showlegend=False,
                      yaxis=value_axis(top, whole=measure == "units", title=axis, tickformat=",.0f"),
                      xaxis=dict(type="category"), margin=dict(l=10, r=10, t=30, b=10))
    return fig


def _above(fig: go.Figure, x: float, text: str, color: str) -> None:
    """A label for a vertical line, above the plot area (never over the bars)."""
    fig.add_annotation(x=x, y=1, xref="x", yref="paper", yanchor="bottom", text=text, showarrow=False,
                       font=dict(color=color, size=13))


def rate_histogram(ranking: pd.DataFrame, target: Decimal | None, height: int = 300) -> go.Figure:
    """The units' execution rates binned (5-point bins), with the target as a dashed line and the share below it."""
    rates = [v for v in _floats(ranking["rate"]) if v is not None]
    if not rates:
        return message_figure("没有可计算的执行率")
    start = math.floor(min(rates) / 5) * 5
    fig = go.Figure(go.Histogram(x=rates, xbins=dict(start=start, size=5), marker_color=style.PRIMARY, opacity=0.85,
                                 hovertemplate="执行率 %{x}%<br>%{y} 个单位<extra></extra>"))
    if target is not None:
        below = sum(1 for v in rates if v < float(target))
        fig.add_vline(x=float(target), line_dash="dash", line_color=style.TARGET_LINE)
        _above(fig, float(target), f"目标 {fmt_rate(target)}（{below} 个单位低于目标）", style.TARGET_LINE)
    fig.update_layout(height=height, showlegend=False, bargap=0.05, xaxis=dict(title="预算执行率（%）"),
                      yaxis=value_axis(_tallest(rates, start, 5), whole=True, room=1.08, title="单位数（个）"),
                      margin=dict(l=10, r=10, t=40, b=10))
    return fig


def score_histogram(ranking: pd.DataFrame, bands, height: int = 300) -> go.Figure:
    """The units' scores binned (2-point bins), with the grade boundaries as dotted lines."""
    scores = [v for v in _floats(ranking["score"]) if v is not None]
    if not scores:
        return message_figure("没有得分")
    start = math.floor(min(scores) / 2) * 2
    fig = go.Figure(go.Histogram(x=scores, xbins=dict(start=start, size=2), marker_color=style.PRIMARY, opacity=0.85,
                                 hovertemplate="得分 %{x}<br>%{y} 个单位<extra></extra>"))
    low, high = min(scores), max(scores)
    for band in bands:
        x = float(band.lower)
        if band.lower > 0 and low - 5 <= x <= high + 5:
            color = style.GRADE_COLORS.get(band.grade, style.MUTED)
            fig.add_vline(x=x, line_dash="dot", line_color=color)
            _above(fig, x, f"{esc(band.grade)} ≥ {fmt_score(band.lower)}", color)
    fig.update_layout(height=height, showlegend=False, bargap=0.05, xaxis=dict(title="评价得分"),
                      yaxis=value_axis(_tallest(scores, start, 2), whole=True, room=1.08, title="单位数（个）"),
                      margin=dict(l=10, r=10, t=40, b=10))
    return fig


def grade_boundary(bands, scores) -> Decimal | None:
    """The grade boundary to split the scatter at: the lowest band bound above zero that lies within the scores'
    range (the one that separates the units), else the highest bound above zero."""
    bounds = sorted((b.lower for b in bands if b.lower > 0), reverse=True)
    values = [v for v in scores if v is not None]
    if not bounds:
        return None
    if values:
        inside = [b for b in bounds if min(values) <= b <= max(values)]
        if inside:
            return inside[-1]
    return bounds[0]


def score_rate_scatter(ranking: pd.DataFrame, target: Decimal | None, boundary: Decimal | None,
                       height: int = 460) -> go.Figure:
    """One point per unit: execution rate (x) against score (y), coloured by 等次, hover naming the unit, quadrant
    lines at the target rate and at ``boundary``. WebGL from :data:`WEBGL_FROM` points. customdata[0] = unit key."""
    df = ranking[ranking["rate"].notna() & ranking["score"].notna()]
    if df.empty:
        return message_figure("没有同时具备执行率和得分的单位")
    trace = go.Scattergl if len(df) >= WEBGL_FROM else go.Scatter
    fig = go.Figure()
    for grade, sub in df.groupby(df["grade"].fillna("未评等次"), sort=False):
        fig.add_trace(trace(
            x=_floats(sub["rate"]), y=_floats(sub["score"]), mode="markers", name=legend_label(grade),
            marker=dict(size=8 if len(df) < WEBGL_FROM else 6, color=style.GRADE_COLORS.get(grade, style.MUTED),
                        opacity=0.8, line=dict(width=0)),
            customdata=[[u, hover_label(n or u), fmt_rate(r), fmt_score(s)]
                        for u, n, r, s in zip(sub["unit"], sub["name"], sub["rate"], sub["score"], strict=True)],
            hovertemplate="%{customdata[1]}<br>执行率 %{customdata[2]}<br>得分 %{customdata[3]}<extra></extra>",
        ))
    if target is not None:
        fig.add_vline(x=float(target), line_dash="dash", line_color=style.TARGET_LINE,
                      annotation_text=f"执行率目标 {fmt_rate(target)}", annotation_position="bottom right",
                      annotation_font_color=style.TARGET_LINE)
    if boundary is not None:
        fig.add_hline(y=float(boundary), line_dash="dot", line_color=style.MUTED,
                      annotation_text=f"等次分界 {fmt_score(boundary)}", annotation_position="top left",
                      annotation_font_color=style.MUTED)
    fig.update_layout(height=height, xaxis=dict(title="预算执行率（%）", ticksuffix="%"),
                      yaxis=dict(title="评价得分"), clickmode="event+select", dragmode="pan", hovermode="closest",
                      margin=dict(l=10, r=20, t=50, b=10))
    return fig


def ranked_bars(df: pd.DataFrame, column: str, kind: str, color: str = style.PRIMARY,
                height: int | None = None) -> go.Figure:
    """Short horizontal bars of a few units (already ranked, first on top). ``kind``: score | rate | amount.
    customdata[0] = unit key."""
    if df.empty:
        return message_figure("没有数据")
    fmt = {"score": fmt_score, "rate": fmt_rate, "amount": lambda v: fmt_amount(v, "")}[kind]
    keys = [esc(u) for u in df["unit"]]
    fig = go.Figure(go.Bar(
        y=keys, x=_floats(df[column]), orientation="h", marker_color=color,
        text=[fmt(v) for v in df[column]], textposition="outside", cliponaxis=False,
        customdata=[[u, hover_label(n or u)] for u, n in zip(df["unit"], df["name"], strict=True)],
        hovertemplate="%{customdata[1]}：%{text}<extra></extra>",
    ))
    values = [v for v in _floats(df[column]) if v is not None]
    top = max(values, default=0) or 1
    fig.update_layout(height=height or 34 * len(df) + 70, showlegend=False, clickmode="event+select",
                      dragmode=False, margin=dict(l=10, r=20, t=10, b=10),
                      xaxis=dict(range=[0, top * 1.25], showticklabels=False, showgrid=False),
                      yaxis=dict(type="category", tickmode="array", tickvals=keys,
                                 ticktext=[wrap_label(u, 12, 1) for u in df["unit"]], autorange="reversed"))
    return fig


def funds_bars(ranking: pd.DataFrame, top: int = FUNDS_TOP, height: int | None = None) -> go.Figure:
    """Budget (万元) of the ``top`` largest units as bars, largest first, then one "其他 N 个单位" row stating the
    rest's total and share in words (a treemap of dozens of tiles said nothing, and a bar of the rest would dwarf
    the units); the title gives the shown units' share of all funds. customdata[0] = unit key (None for 其他)."""
    df = ranking[ranking["budget"].notna()]
    df = df[[v > 0 for v in df["budget"]]]
    if df.empty:
        return message_figure("没有预算")
    order = df["budget"].map(float).sort_values(ascending=False, kind="stable").index
    shown, rest = df.loc[order[:top]], df.loc[order[top:]]
    whole = sum(df["budget"], Decimal(0))
    part = sum(shown["budget"], Decimal(0))
    labels = [str(u) for u in shown["unit"]]
    floats = [to_float(v) for v in shown["budget"]]
    text = [fmt_amount(v) for v in shown["budget"]]
    custom: list[list] = [[u, hover_label(n or u)] for u, n in zip(shown["unit"], shown["name"], strict=True)]
    colors = [style.PRIMARY] * len(shown)
    if len(rest):  # one row for the rest, its total in words: a bar on the same scale would dwarf the others
        labels.append(f"其他 {len(rest)} 个单位")
        floats.append(0.0)
        text.append(f"合计 {fmt_amount(whole - part)}（占 {fmt_rate((whole - part) / whole * 100)}）")
        custom.append([None, f"其他 {len(rest)} 个单位（合计）"])
        colors.append(style.OTHER)
    keys = [f"{i:03d}{esc(lbl)}" for i, lbl in enumerate(labels)]  # distinct even if two names repeat
    fig = go.Figure(go.Bar(
        y=keys, x=floats, orientation="h", marker_color=colors, text=text,
        textposition="outside", cliponaxis=False, customdata=custom,
        hovertemplate="%{customdata[1]}：%{text}<extra></extra>",
    ))
    title = (f"全部 {len(df)} 个单位" if not len(rest) else
             f"预算最多的 {len(shown)} 个单位（共 {len(df)} 个），占预算总额 {fmt_rate(part / whole * 100)}")
    fig.update_layout(title=dict(text=title, font=dict(size=14)), height=height or 30 * len(keys) + 110,
                      showlegend=False, bargap=0.25, clickmode="event+select", dragmode=False,
                      margin=dict(l=10, r=20, t=40, b=10),
                      xaxis=value_axis(max(f for f in floats if f is not None), room=1.3, title="预算（万元）",
                                       tickformat=","),
                      yaxis=dict(type="category", tickmode="array", tickvals=keys,
                                 ticktext=[wrap_label(lbl, 12, 1) for lbl in labels], autorange="reversed"))
    return fig


def compare_units(selected: pd.DataFrame, column: str, average: Decimal | None, kind: str,
                  target: Decimal | None = None, height: int | None = None) -> go.Figure:
    """Bars of a few selected units (score or rate) with the evaluation average (and the rate target) as lines.
    customdata[0] = unit key."""
    df = selected[selected[column].notna()]
    if df.empty:
        return message_figure("所选单位没有该项数据")
    fmt = fmt_score if kind == "score" else fmt_rate
    keys = [esc(u) for u in df["unit"]]
    fig = go.Figure(go.Bar(
        x=keys, y=_floats(df[column]), marker_color=style.PRIMARY,
        text=[fmt(v) for v in df[column]], textposition="inside", insidetextanchor="end",
        textfont=dict(color="#ffffff"), showlegend=False,
        customdata=[[u, hover_label(n or u)] for u, n in zip(df["unit"], df["name"], strict=True)],
        hovertemplate="%{customdata[1]}：%{text}<extra></extra>",
    ))
    values = [v for v in _floats(df[column]) if v is not None]
    marks = [float(m) for m in (average, target) if m is not None]
    top = max(values + marks, default=0) or 1
    # reference lines as legend entries (labels on the lines would run into the bars' values)
    for name, value, dash, color in (("评价平均", average, "dash", style.MUTED),
                                     ("目标", target, "dot", style.TARGET_LINE)):
        if value is not None:
            fig.add_hline(y=float(value), line_dash=dash, line_color=color, line_width=2)
            fig.add_scatter(x=[None], y=[None], mode="lines", name=f"{name} {fmt(value)}",  # its legend entry
                            line=dict(dash=dash, color=color, width=2), hoverinfo="skip")
    fig.update_layout(height=height or 360, showlegend=True, clickmode="event+select", dragmode=False,
                      yaxis=value_axis(top, rate=kind != "score", room=1.15,
                                       title="评价得分" if kind == "score" else "预算执行率（%）"),
                      xaxis=dict(type="category", tickmode="array", tickvals=keys,
                                 ticktext=[wrap_label(u, UNIT_WIDTH, UNIT_LINES) for u in df["unit"]]),
                      margin=dict(l=10, r=10, t=40, b=10))
    return fig


def dimension_against_average(unit_dims: pd.DataFrame, average: pd.DataFrame, unit_label: str,
                              height: int | None = None) -> go.Figure:
    """One unit's 一级指标 scores as % of their points against the evaluation's average (grouped bars).
    unit_dims / average: id, name, points, score, share."""
    if unit_dims.empty or unit_dims["share"].isna().all():
        return message_figure("没有指标得分")
    keys = [esc(k) for k in unit_dims["id"]]
    avg = average.set_index("id").reindex(list(unit_dims["id"]))
    fig = go.Figure()
    fig.add_bar(name=legend_label(unit_label), y=keys, x=_floats(unit_dims["share"]), orientation="h",
                marker_color=style.PRIMARY, text=[f"{fmt_score(s)} / {fmt_score(p)}" for s, p in
                                                  zip(unit_dims["score"], unit_dims["points"], strict=True)],
                textposition="outside", cliponaxis=False,
                hovertext=[hover_label(n) for n in unit_dims["name"]],
                hovertemplate="%{hovertext}：%{text}（得分率 %{x:.2f}%）<extra></extra>")
    fig.add_bar(name="评价平均", y=keys, x=_floats(avg["share"]), orientation="h", marker_color=style.BUDGET_COLOR,
                text=[f"{fmt_score(s)} / {fmt_score(p)}" for s, p in zip(avg["score"], avg["points"], strict=True)],
                textposition="outside", cliponaxis=False,
                hovertext=[hover_label(n) for n in unit_dims["name"]],
                hovertemplate="%{hovertext}：平均 %{text}（得分率 %{x:.2f}%）<extra></extra>")
    fig.update_layout(barmode="group", height=height or max(280, 70 * len(keys) + 90),
                      xaxis=value_axis(100, rate=True, room=1.25, title="得分率（%）"),
                      yaxis=dict(type="category", tickmode="array", tickvals=keys,
                                 ticktext=[wrap_label(n, 12, 2) for n in unit_dims["name"]], autorange="reversed"))
    return fig
