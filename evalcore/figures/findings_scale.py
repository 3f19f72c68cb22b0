"""Figures for evaluations with many units and hundreds of findings: aggregates, never one mark per item.

- :func:`ranked_counts`: the top units by a count and one 其他 bar (``evalcore.findings.top_with_other``);
- :func:`category_sunburst`: problem categories only, for when the problems are too many to draw one by one;
- :func:`distribution_bars` / :func:`ranking_bars`: the slide charts of many units (``distribution``, ``ranking``,
  registered in ``evalcore.export.chart_kinds``);

Pure: no Streamlit. Text from a workbook goes through ``charts.esc`` / ``hover_label`` like every other figure.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..numbers import fmt_rate, fmt_score, to_float
from . import charts, style

# More problems than this and 问题构成 shows the categories only (one sunburst segment per problem would not
# be legible, and would draw hundreds of paths).
SUNBURST_LEAVES = 60
OTHER_COLOR = style.OTHER  # the 其他 / 未指明单位 bars


def _is_other(label: object, others: int) -> bool:
    return others > 1 or str(label) == "未指明单位"


def ranked_counts(df: pd.DataFrame, value: str = "count", unit: str = "项", color: str = style.PRIMARY,
                  height: int | None = None) -> go.Figure:
    """Horizontal bars, the largest first, of ``df`` (unit, ``value``, others) as from ``findings.top_with_other``;
    the 其他 row and 未指明单位 in grey at the bottom. Clickable: customdata is the unit (None for 其他)."""
    if df.empty:
        return charts.message_figure("没有数据")
    labels = list(df["unit"])
    others = [int(o) for o in df["others"]] if "others" in df.columns else [1] * len(df)
    grey = [_is_other(lbl, o) for lbl, o in zip(labels, others, strict=True)]
    keys = [f"{i:03d}{charts.esc(lbl)}" for i, lbl in enumerate(labels)]  # distinct even if two names repeat
    values = [int(v) for v in df[value]]
    fig = go.Figure(go.Bar(
        y=keys, x=values, orientation="h", marker_color=[OTHER_COLOR if g else color for g in grey],
        text=[f"{v} {unit}" for v in values], textposition="outside", cliponaxis=False,
        customdata=[None if o > 1 else lbl for lbl, o in zip(labels, others, strict=True)],
        hovertext=[charts.hover_label(lbl) for lbl in labels],
        hovertemplate="%{hovertext}<br>%{x} " + unit + "<extra></extra>",
    ))
    ticks = [charts.wrap_label(lbl, 16, 1) for lbl in labels]
    fig.update_layout(height=height or max(260, 26 * len(df) + 70), showlegend=False, bargap=0.25,
                      xaxis=charts.value_axis(max(values, default=0), whole=True, title=unit),
                      yaxis=charts._category_axis(keys, ticks, autorange="reversed"), dragmode=False)
    return fig


def category_sunburst(counts: pd.DataFrame, total_label: str = "问题", unit: str = "项",
                      height: int = 460) -> go.Figure:
    """One ring of categories around the total. counts: category_label, count (``findings.counts_by_category``)."""
    if counts.empty:
        return charts.message_figure("没有问题")
    total = int(counts["count"].sum())
    cat_colors = style.stable_colors(counts["category_label"])
    ids = ["all"] + [f"c{i}" for i in range(1, len(counts) + 1)]
    labels = [f"{total_label}<br>{total} {unit}"] + [charts.wrap_label(c, 7, 3) for c in counts["category_label"]]
    hover = [f"全部{total_label}：{total} {unit}"] + [f"{charts.hover_label(c)}：{int(n)} {unit}"
                                                   for c, n in zip(counts["category_label"], counts["count"],
                                                                   strict=True)]
    fig = go.Figure(go.Sunburst(
        ids=ids, labels=labels, parents=[""] + ["all"] * len(counts),
        values=[total] + [int(n) for n in counts["count"]],
        branchvalues="total", hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
        insidetextorientation="horizontal",
        # a category keeps its colour across evaluations (style.stable_colors: hashed from its name)
        marker=dict(colors=["#ffffff"] + [cat_colors[c] for c in counts["category_label"]]),
    ))
    fig.update_layout(height=height, margin=dict(l=0, r=0, t=10, b=0), uniformtext=dict(minsize=12, mode="hide"))
    return fig


def problems_overview(problems: pd.DataFrame, counts: pd.DataFrame, height: int = 460) -> go.Figure:
    """问题构成: every problem around its category while they are few, the categories alone beyond
    :data:`SUNBURST_LEAVES`."""
    if len(problems) > SUNBURST_LEAVES:
        return category_sunburst(counts, height=height)
    return charts.problems_sunburst(problems, height=height)


def bar_colors(df: pd.DataFrame, grades: bool = False) -> list[str]:
    """The colour of each bin: its grade's (``grades``: the labels are 等次), else the attention colour for the
    highlighted bins (below the target) and the figure's for the others."""
    if grades:
        return [style.GRADE_COLORS.get(str(lbl), style.PRIMARY) for lbl in df["label"]]
    highlight = list(df["highlight"]) if "highlight" in df.columns else [False] * len(df)
    return [style.ATTENTION if h else style.PRIMARY for h in highlight]


def distribution_bars(df: pd.DataFrame, unit: str = "个", height: int | None = None,
                      grades: bool = False) -> go.Figure:
    """Columns of units per bin or grade. df: label, count, highlight (bins below the target, in the attention
    colour); ``grades``: the labels are 等次, each in its grade's colour."""
    if df.empty or not int(df["count"].sum()):
        return charts.message_figure("没有数据")
    keys = [charts.esc(lbl) for lbl in df["label"]]
    counts = [int(n) for n in df["count"]]
    fig = go.Figure(go.Bar(
        x=keys, y=counts, marker_color=bar_colors(df, grades),
        text=[f"{n} {unit}" for n in counts], textposition="outside", cliponaxis=False,
        hovertext=[charts.hover_label(lbl) for lbl in df["label"]],
        hovertemplate="%{hovertext}：%{y} " + unit + "<extra></extra>",
    ))
    fig.update_layout(height=height or 360, showlegend=False, bargap=0.25,
                      yaxis=charts.value_axis(max(counts), whole=True, title=f"单位数（{unit}）"),
                      xaxis=charts._category_axis(keys, [charts.wrap_label(lbl, 8, 2) for lbl in df["label"]]))
    return fig


_FORMATS = {"rate": fmt_rate, "score": fmt_score}


def ranking_bars(df: pd.DataFrame, fmt: str = "score", target=None, height: int | None = None) -> go.Figure:
    """Horizontal bars of a short ranking, first row on top. df: unit, value (Decimal); ``fmt`` "rate" or "score";
    a rate below ``target`` in the accent colour, with a dashed line at the target."""
    df = df[df["value"].notna()]
    if df.empty:
        return charts.message_figure("没有数据")
    show = _FORMATS[fmt]
    keys = [f"{i:03d}{charts.esc(u)}" for i, u in enumerate(df["unit"])]
    values = charts._f(df["value"])
    colors = [style.ATTENTION if (target is not None and v < target) else style.PRIMARY for v in df["value"]]
    fig = go.Figure(go.Bar(
        y=keys, x=values, orientation="h", marker_color=colors, text=[show(v) for v in df["value"]],
        textposition="outside", cliponaxis=False, hovertext=[charts.hover_label(u) for u in df["unit"]],
        hovertemplate="%{hovertext}：%{text}<extra></extra>",
    ))
    candidates = [v for v in values if v is not None] + [to_float(target) or 0.0 if target is not None else 0.0]
    top = max(candidates)
    if target is not None and fmt == "rate":
        fig.add_vline(x=to_float(target), line_dash="dash", line_color=style.TARGET_LINE)
    fig.update_layout(height=height or max(300, 34 * len(df) + 80), showlegend=False, bargap=0.25,
                      xaxis=charts.value_axis(top, rate=fmt == "rate", room=1.22),
                      yaxis=charts._category_axis(keys, [charts.wrap_label(u, 12, 1) for u in df["unit"]],
                                                  autorange="reversed"))
    return fig


MAX_TICKS = 12  # a count axis with a fixed step of 1 or 2 keeps it only up to this many ticks


def fit_ticks(fig: go.Figure) -> go.Figure:
    """Let Plotly choose the step of a count axis whose fixed ``dtick`` (1 项, 2 项: right for a handful of items)
    would draw more than :data:`MAX_TICKS` overprinting tick labels over its range at hundreds of items."""
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        if axis.dtick is not None and axis.range is not None and axis.range[1] / float(axis.dtick) > MAX_TICKS:
            axis.dtick = None
    return fig


def category_counts(counts: pd.DataFrame, unit: str = "项", **kwargs) -> go.Figure:
    """``charts.category_counts`` with ticks that stay legible at hundreds of items."""
    return fit_ticks(charts.category_counts(counts, unit, **kwargs))


def status_stacked(df: pd.DataFrame, statuses: tuple[str, ...], **kwargs) -> go.Figure:
    """``charts.status_stacked`` with ticks that stay legible at hundreds of items."""
    fig = charts.status_stacked(df, statuses, **kwargs)
    if not df.empty:
        widest = int(df.groupby("category_label")["count"].sum().max())
        if widest > MAX_TICKS:
            fig.update_xaxes(dtick=None)
    return fig

