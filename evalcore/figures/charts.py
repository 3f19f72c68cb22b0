"""Chart builders: pure functions from evalcore's DataFrames to Plotly figures.

Inputs carry Decimal money, rates and scores; labels are formatted from the Decimals (half-up, exactly as
published) and only the plotted coordinates become floats. No Streamlit here, so every builder is unit-tested; the
dashboard (``components.charts``) and the HTML export draw the same figures. The look comes from the Plotly template
that ``theme.register()`` makes the default (called by every page and by the exporters, never at import).
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go

from ..numbers import fmt_rate, fmt_score, round2, to_float
from ..textutil import shorten
from . import palette, theme


def _f(values) -> list[float | None]:
    return [to_float(v) for v in values]


def _amount_label(v: Decimal | None) -> str:
    return "" if v is None else f"{round2(v):,.2f}"


def message_figure(message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font=dict(size=16, color=theme.MUTED), x=0.5, y=0.5,
                       xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(height=260)
    return fig


# --- workbook text in a figure ------------------------------------------------------------------------------
#
# Plotly draws labels, tick labels, legend entries, hover text and annotations through a subset of HTML (<b>, <i>,
# <br>, <a href>, <span style>, entities such as &lt;) and evaluates %{...} in hovertemplates. Text from a workbook
# therefore never enters a figure as it is: it is HTML-escaped (esc) and shown through %{hovertext} / %{customdata}
# references, never concatenated into a hovertemplate. Our own <br> line breaks are put between escaped pieces.
# Axis and legend labels are shortened with "…" so that a long name cannot squeeze the plot area; the hover text
# carries the whole name (wrapped, up to HOVER_LIMIT characters).

HOVER_WIDTH = 30  # characters per line of hover text
HOVER_LIMIT = 600  # characters of hover text; a longer name is cut with "…" (the tables show it whole)
LEGEND_LIMIT = 24  # characters of a legend entry (a unit or a status)


def esc(text: object) -> str:
    """``text`` for a Plotly string: its HTML subset and entities are shown literally."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrap_label(text: object, width: int = 10, lines: int | None = None) -> str:
    """Break a long Chinese label into lines of at most ``width`` characters with <br> so axis labels never
    overlap; at most ``lines`` lines (then cut with "…"). The text is HTML-escaped; only our <br> is markup."""
    text = str(text)
    if lines is not None:
        text = shorten(text, width * lines)
    if len(text) <= width:
        return esc(text)
    count = -(-len(text) // width)  # ceil
    size = -(-len(text) // count)  # balanced line length, so no line holds a lone character
    return "<br>".join(esc(text[i:i + size]) for i in range(0, len(text), size))


def hover_label(text: object) -> str:
    """The whole text for a hover box: escaped, wrapped, cut only beyond :data:`HOVER_LIMIT` characters."""
    return wrap_label(shorten(text, HOVER_LIMIT), HOVER_WIDTH)


def legend_label(text: object) -> str:
    return esc(shorten(text, LEGEND_LIMIT))


def _indicator_keys(df: pd.DataFrame) -> list[str]:
    """Category keys of indicators: their ids (two indicators may share a name), escaped; names when the frame
    has no ids."""
    return [esc(k) for k in (df["id"] if "id" in df.columns else df["name"])]


def _category_axis(keys: list[str], labels: list[str], **kwargs) -> dict:
    """A category axis whose categories are ``keys`` (escaped whole names, so distinct names stay distinct)
    and whose tick labels are the shortened ``labels``."""
    return dict(type="category", tickmode="array", tickvals=keys, ticktext=labels, **kwargs)


UNIT_WIDTH, UNIT_LINES = 10, 3  # unit names on an axis
NAME_WIDTH, NAME_LINES = 16, 2  # indicator names on an axis
RADAR_WIDTH = 10  # indicator names around a radar: one line (a second would run into the legend)
CATEGORY_WIDTH, CATEGORY_LINES = 12, 2  # problem / recommendation categories on an axis


def budget_vs_executed(df: pd.DataFrame, height: int | None = None) -> go.Figure:
    """Horizontal grouped bars per unit: 预算 and 实际执行 (万元); labels at the bar ends never collide.

    df: unit, budget, executed (Decimal or None). Units without a budget are left out.
    """
    df = df[df["budget"].notna()]
    if df.empty:
        return message_figure("没有预算数据")
    keys = [esc(u) for u in df["unit"]]
    hover = [hover_label(u) for u in df["unit"]]
    fig = go.Figure()
    for col, name, color in (("executed", "实际执行", theme.EXECUTED_COLOR), ("budget", "预算", theme.BUDGET_COLOR)):
        fig.add_bar(
            name=name, y=keys, x=_f(df[col]), marker_color=color, orientation="h",
            text=[_amount_label(v) for v in df[col]], textposition="outside", cliponaxis=False, hovertext=hover,
            hovertemplate="%{hovertext}<br>" + name + "：%{text} 万元<extra></extra>",
        )
    top = max(v for v in _f(df["budget"]) + _f(df["executed"]) if v is not None)
    ticks = [wrap_label(u, UNIT_WIDTH, UNIT_LINES) for u in df["unit"]]
    fig.update_layout(barmode="group", height=height or max(260, 110 * len(df) + 90), bargap=0.3,
                      xaxis=dict(title="万元", range=[0, top * 1.22], tickformat=","),
                      yaxis=_category_axis(keys, ticks, autorange="reversed"), legend=dict(traceorder="reversed"))
    return fig


def execution_rates(df: pd.DataFrame, target: Decimal | None = None, height: int = 360) -> go.Figure:
    """Bars of 预算执行率 per unit (%), labelled 82.69%, with a dashed target line. df: unit, rate."""
    df = df[df["rate"].notna()]
    if df.empty:
        return message_figure("没有可计算的预算执行率")
    colors = [theme.PRIMARY if (target is None or r >= target) else palette.ATTENTION for r in df["rate"]]
    keys = [esc(u) for u in df["unit"]]
    fig = go.Figure(go.Bar(
        x=keys, y=_f(df["rate"]), marker_color=colors, text=[fmt_rate(r) for r in df["rate"]],
        textposition="inside", insidetextanchor="middle", textfont=dict(color="white", size=18), name="预算执行率",
        hovertext=[hover_label(u) for u in df["unit"]],
        hovertemplate="%{hovertext}<br>预算执行率：%{text}<extra></extra>",
    ))
    if target is not None:
        fig.add_hline(y=float(target), line_dash="dash", line_color=theme.MUTED,
                      annotation_text=f"目标 {fmt_rate(target)}", annotation_position="top left",
                      annotation_font_color=theme.MUTED)
    fig.update_layout(height=height, yaxis_title="%", yaxis_range=[0, 112], showlegend=False, bargap=0.45,
                      xaxis=_category_axis(keys, [wrap_label(u, UNIT_WIDTH, UNIT_LINES) for u in df["unit"]]))
    return fig


def dimension_radar(df: pd.DataFrame, height: int = 400) -> go.Figure:
    """Radar of 一级指标 score as % of its points per unit. df: unit, name, points, score."""
    df = df[df["score"].notna()]
    if df.empty:
        return message_figure("没有指标得分")
    fig = go.Figure()
    colors = palette.stable_colors(df["unit"])  # a unit keeps its colour from chart to chart
    for unit, sub in df.groupby("unit", sort=False):
        share = [to_float(s / p * 100) if p else None for s, p in zip(sub["score"], sub["points"], strict=True)]
        labels = [f"{hover_label(n)}（{fmt_score(s)}/{fmt_score(p)}）"
                  for n, s, p in zip(sub["name"], sub["score"], sub["points"], strict=True)]
        theta = _indicator_keys(sub)
        who = [hover_label(unit)] * (len(labels) + 1)
        fig.add_scatterpolar(
            r=share + share[:1], theta=theta + theta[:1], fill="toself", name=legend_label(unit),
            line_color=colors[unit], opacity=0.75, customdata=who,
            text=labels + labels[:1], hovertemplate="%{text}<br>得分率 %{r:.2f}%<extra>%{customdata}</extra>",
        )
    names = dict(zip(_indicator_keys(df), df["name"], strict=True))  # key -> name, in order
    radial = dict(range=[50, 100], ticksuffix="%", angle=45, tickfont=dict(size=11, color=theme.MUTED),
                  gridcolor=theme.GRID)
    angular = dict(gridcolor=theme.GRID, rotation=90, direction="clockwise", tickfont=dict(size=16),
                   type="category", tickmode="array", tickvals=list(names),
                   ticktext=[wrap_label(n, RADAR_WIDTH, 1) for n in names.values()])
    fig.update_layout(height=height, polar=dict(radialaxis=radial, angularaxis=angular),
                      margin=dict(l=40, r=40, t=70, b=30), legend=dict(y=1.08))
    return fig


def dimension_bars(df: pd.DataFrame, height: int | None = None) -> go.Figure:
    """Horizontal grouped bars of 一级指标 scores, labelled "13.50 / 15". df: unit, name, points, score."""
    df = df[df["score"].notna()]
    if df.empty:
        return message_figure("没有指标得分")
    fig = go.Figure()
    names = dict(zip(_indicator_keys(df), df["name"], strict=True))  # key -> name, in order
    colors = palette.stable_colors(df["unit"])
    for unit, sub in df.groupby("unit", sort=False):
        fig.add_bar(name=legend_label(unit), y=_indicator_keys(sub), x=_f(sub["score"]), orientation="h",
                    marker_color=colors[unit],
                    text=[f"{fmt_score(s)} / {fmt_score(p)}" for s, p in zip(sub["score"], sub["points"], strict=True)],
                    textposition="outside", cliponaxis=False, hovertext=[hover_label(n) for n in sub["name"]],
                    customdata=[hover_label(unit)] * len(sub),
                    hovertemplate="%{hovertext}：%{text}<extra>%{customdata}</extra>")
    top = max((v for v in _f(df["points"]) if v is not None), default=0.0)
    keys = list(names)
    fig.update_layout(barmode="group", height=height or max(300, 46 * len(names) * max(1, df["unit"].nunique())
                                                             // 2 + 120),
                      xaxis=dict(title="得分", range=[0, top * 1.3]),
                      yaxis=_category_axis(keys, [wrap_label(n, NAME_WIDTH, NAME_LINES) for n in names.values()],
                                           categoryorder="array", categoryarray=keys, autorange="reversed"))
    return fig


def deductions(df: pd.DataFrame, top: int = 12, height: int | None = None) -> go.Figure:
    """Horizontal bars of 扣分 per leaf indicator and unit, the largest first. df: unit, name, deduction, is_leaf."""
    df = df[df["is_leaf"] & df["deduction"].notna()]
    df = df[df["deduction"] > 0]
    if df.empty:
        return message_figure("没有扣分")
    # by indicator id: two leaves may share a name (under different parents)
    df = df.assign(key=_indicator_keys(df))
    names = dict(zip(df["key"], df["name"], strict=True))
    totals = df.groupby("key")["deduction"].apply(lambda s: sum(s, Decimal(0)))
    order = list(totals.sort_values(ascending=False, kind="stable").index[:top])
    df = df[df["key"].isin(order)]
    fig = go.Figure()
    colors = palette.stable_colors(df["unit"])
    for unit, sub in df.groupby("unit", sort=False):
        sub = sub.set_index("key").reindex(order[::-1]).dropna(subset=["deduction"])
        fig.add_bar(name=legend_label(unit), y=list(sub.index), x=_f(sub["deduction"]), orientation="h",
                    marker_color=colors[unit], text=[fmt_score(v) for v in sub["deduction"]],
                    textposition="outside", cliponaxis=False, textfont=dict(size=13),
                    hovertext=[hover_label(n) for n in sub["name"]], customdata=[hover_label(unit)] * len(sub),
                    hovertemplate="%{hovertext}<br>扣分：%{text}<extra>%{customdata}</extra>")
    keys = order[::-1]
    fig.update_layout(barmode="group", height=height or max(320, 30 * len(order) + 90), xaxis_title="扣分",
                      bargap=0.25,
                      yaxis=_category_axis(keys, [wrap_label(names[k], NAME_WIDTH, NAME_LINES) for k in keys],
                                           categoryorder="array", categoryarray=keys))
    return fig


def category_counts(df: pd.DataFrame, title_axis: str = "项", color: str = theme.PRIMARY,
                    selected: int | None = None, height: int | None = None) -> go.Figure:
    """Horizontal bars of items per category, first category on top; clickable (customdata = category_no).

    df: category_no, category_label, count (as from evalcore.findings.counts_by_category). ``title_axis`` is ours
    ("项" / "条"), never data.
    """
    if df.empty:
        return message_figure("没有数据")
    df = df.sort_values("category_no", ascending=False)
    colors = [color if selected in (None, no) else "#c9d3e3" for no in df["category_no"]]
    keys = [esc(c) for c in df["category_label"]]
    fig = go.Figure(go.Bar(
        y=keys, x=list(df["count"]), orientation="h",
        marker_color=colors, text=[f"{n} {title_axis}" for n in df["count"]], textposition="outside",
        cliponaxis=False, customdata=list(df["category_no"]), hovertext=[hover_label(c) for c in df["category_label"]],
        hovertemplate="%{hovertext}<br>%{x} " + title_axis + "<extra></extra>",
    ))
    ticks = [wrap_label(c, CATEGORY_WIDTH, CATEGORY_LINES) for c in df["category_label"]]
    fig.update_layout(height=height or max(280, 58 * len(df) + 60), showlegend=False,
                      # one tick per item only while they fit (40 items would print 40 labels into a band)
                      xaxis=dict(dtick=1 if max(df["count"]) <= 12 else None, title=title_axis,
                                 range=[0, max(df["count"]) * 1.25]),
                      yaxis=_category_axis(keys, ticks), clickmode="event+select", dragmode=False)
    return fig


def problems_sunburst(df: pd.DataFrame, height: int = 460) -> go.Figure:
    """Problem categories and their items. df: id, category_label, text (as from findings.problems_table)."""
    if df.empty:
        return message_figure("没有问题")
    # ids are ours (never data), so a category named like a problem id cannot collide with it
    ids, labels, parents, values, hover = ["all"], [f"问题<br>{len(df)} 项"], [""], [len(df)], ["全部问题"]
    cat_colors = palette.stable_colors(df["category_label"])  # a category keeps its colour across evaluations
    sector_category: list[str] = []  # the category of each sector after the root
    for c, (cat, sub) in enumerate(df.groupby("category_label", sort=False), start=1):
        cat_id = f"c{c}"
        sector_category.extend([cat] * (len(sub) + 1))
        ids.append(cat_id)
        labels.append(wrap_label(cat, 7, 3))
        parents.append("all")
        values.append(len(sub))
        hover.append(f"{hover_label(cat)}：{len(sub)} 项")
        for n, (_, row) in enumerate(sub.iterrows(), start=1):
            ids.append(f"{cat_id}-{n}")
            labels.append(wrap_label(row["id"], 8, 2))
            parents.append(cat_id)
            values.append(1)
            hover.append(wrap_label(shorten(row["text"], HOVER_LIMIT), 24))
    fig = go.Figure(go.Sunburst(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="total", hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>", insidetextorientation="horizontal",
        marker=dict(colors=["#ffffff"] + [cat_colors[c] for c in sector_category]),
    ))
    fig.update_layout(height=height, margin=dict(l=0, r=0, t=10, b=0))
    return fig


def unit_counts(df: pd.DataFrame, height: int = 260) -> go.Figure:
    """Bars of problems per unit. df: unit, count."""
    if df.empty:
        return message_figure("没有数据")
    keys = [esc(u) for u in df["unit"]]
    fig = go.Figure(go.Bar(x=keys, y=list(df["count"]), marker_color=theme.SERIES[2],
                           text=[f"{n} 项" for n in df["count"]], textposition="outside", cliponaxis=False,
                           hovertext=[hover_label(u) for u in df["unit"]],
                           hovertemplate="%{hovertext}<br>%{y} 项<extra></extra>"))
    fig.update_layout(height=height, showlegend=False, yaxis=dict(dtick=2, range=[0, max(df["count"]) * 1.25]),
                      xaxis=_category_axis(keys, [wrap_label(u, UNIT_WIDTH, UNIT_LINES) for u in df["unit"]]))
    return fig


def links_sankey(df: pd.DataFrame, height: int | None = None) -> go.Figure:
    """问题类别 -> 建议类别 flows. df: problem_category, recommendation_category, items."""
    if df.empty:
        return message_figure("建议未关联问题")
    left = list(dict.fromkeys(df["problem_category"]))
    right = list(dict.fromkeys(df["recommendation_category"]))
    nodes = left + right
    fig = go.Figure(go.Sankey(
        arrangement="fixed",
        node=dict(label=[wrap_label(n, 20, 2) for n in nodes], pad=14, thickness=14,
                  color=[theme.ACCENT] * len(left) + [theme.PRIMARY] * len(right),
                  x=[0.001] * len(left) + [0.999] * len(right),
                  y=[(i + 0.5) / len(left) for i in range(len(left))] + [(i + 0.5) / len(right)
                                                                       for i in range(len(right))],
                  customdata=[hover_label(n) for n in nodes],
                  hovertemplate="%{customdata}<extra></extra>"),
        # a recommendation category is looked up among the right-hand nodes only (its name may equal a problem's)
        link=dict(source=[left.index(p) for p in df["problem_category"]],
                  target=[len(left) + right.index(r) for r in df["recommendation_category"]],
                  value=list(df["items"]), color="rgba(31,78,156,0.18)",
                  hovertemplate="%{source.customdata} →<br>%{target.customdata}<br>%{value} 条建议<extra></extra>"),
    ))
    rows = max(len(left), len(right))
    fig.update_layout(height=height or max(260, 62 * rows), margin=dict(l=10, r=10, t=10, b=10), font=dict(size=14))
    return fig


def status_stacked(df: pd.DataFrame, statuses: tuple[str, ...], height: int | None = None) -> go.Figure:
    """Stacked horizontal bars: 整改 items per problem category by status. df: category_label, status, count."""
    if df.empty:
        return message_figure("没有整改事项")
    cats = list(dict.fromkeys(df["category_label"]))
    keys = [esc(c) for c in cats]
    hover = [hover_label(c) for c in cats]
    fig = go.Figure()
    for s in statuses:
        sub = df[df["status"] == s].set_index("category_label").reindex(cats)
        counts = [int(c) if pd.notna(c) else 0 for c in sub["count"]]
        fig.add_bar(name=legend_label(s), y=keys, x=counts, orientation="h",
                    marker_color=theme.STATUS_COLORS.get(s), text=[c or "" for c in counts],
                    textposition="inside", hovertext=hover, customdata=[hover_label(s)] * len(cats),
                    hovertemplate="%{hovertext}<br>%{customdata}：%{x} 项<extra></extra>")
    ticks = [wrap_label(c, CATEGORY_WIDTH, CATEGORY_LINES) for c in cats]
    fig.update_layout(barmode="stack", height=height or max(300, 56 * len(cats) + 90),
                      yaxis=_category_axis(keys, ticks, autorange="reversed"),
                      xaxis=dict(dtick=1, title="整改事项（项）"))
    return fig


def status_donut(by_status: dict[str, int], rate_label: str, height: int = 300) -> go.Figure:
    """Donut of 整改 items by status with the 整改率 in the middle. ``rate_label`` is ours (e.g. "68.42%")."""
    items = [(s, n) for s, n in by_status.items() if n]
    if not items:
        return message_figure("没有整改事项")
    fig = go.Figure(go.Pie(
        labels=[esc(s) for s, _ in items], values=[n for _, n in items], hole=0.62, sort=False,
        marker=dict(colors=[theme.STATUS_COLORS.get(s) for s, _ in items]), textinfo="text+value",
        text=[wrap_label(s, 6, 2) for s, _ in items], hovertext=[hover_label(s) for s, _ in items],
        hovertemplate="%{hovertext}：%{value} 项（%{percent}）<extra></extra>",
    ))
    fig.add_annotation(text=f"整改率<br><b>{esc(rate_label)}</b>", showarrow=False, font=dict(size=18))
    fig.update_layout(height=height, showlegend=False, margin=dict(l=10, r=10, t=10, b=10))
    return fig


def closed_over_time(df: pd.DataFrame, total: int, height: int = 320, undated: int = 0) -> go.Figure:
    """Cumulative items closed, as a step line, against the number of items. df: date, cumulative. ``undated``:
    items closed whose closing date is not recorded (not on the line; the chart says how many, so the line and
    the 已完成 count never disagree silently)."""
    if df.empty:
        return message_figure(f"已完成 {undated} 项，均未记录完成日期" if undated else "尚无完成整改的事项")
    fig = go.Figure(go.Scatter(
        x=list(df["date"]), y=list(df["cumulative"]), mode="lines+markers", line_shape="hv",
        line=dict(color=theme.STATUS_COLORS["已整改"], width=3), name="累计完成",
        hovertemplate="%{x|%Y-%m-%d}<br>累计完成 %{y} 项<extra></extra>",
    ))
    fig.add_hline(y=total, line_dash="dash", line_color=theme.MUTED, annotation_text=f"整改事项共 {total} 项",
                  annotation_position="bottom right", annotation_font_color=theme.MUTED)
    fig.update_layout(height=height, showlegend=False, yaxis=dict(range=[0, total * 1.12], title="项"),
                      xaxis=dict(tickformat="%Y-%m"))
    if undated:
        fig.add_annotation(text=f"另有 {undated} 项已完成，未记录完成日期（合计已完成 "
                                f"{int(df['cumulative'].iloc[-1]) + undated} 项）",
                           xref="paper", yref="paper", x=0, y=1.0, xanchor="left", yanchor="bottom",
                           showarrow=False, font=dict(color=theme.MUTED))
    return fig


# --- slides (演示 page and HTML report) ------------------------------------------------------------------------

def slide_chart(chart, height: int | None = None, font_size: int | None = None) -> go.Figure:
    """The figure of one chart of a slide (``evalcore.export.slides.Chart``), drawn by the builders above.

    The same data gives a native chart in the PPTX deck; ``font_size`` enlarges the text for a projector.
    """
    data, opts = chart.data, chart.options
    if chart.kind == "budget":
        fig = budget_vs_executed(data, height=height)
    elif chart.kind == "rates":
        fig = execution_rates(data, opts.get("target"), **({"height": height} if height else {}))
    elif chart.kind == "dimensions":
        fig = dimension_radar(data, **({"height": height} if height else {}))
    elif chart.kind in ("problem_categories", "recommendation_categories"):
        color = theme.PRIMARY if chart.kind == "problem_categories" else theme.SERIES[2]
        fig = category_counts(data, opts.get("unit", "项"), color=color, height=height)
        fig.update_layout(clickmode="none")
    elif chart.kind == "status":
        by_status = {s: int(n) for s, n in zip(data["status"], data["count"], strict=True)}
        fig = status_donut(by_status, opts.get("rate_label", ""), **({"height": height} if height else {}))
    elif chart.kind == "closed":
        fig = closed_over_time(data, int(opts.get("total", 0)), **({"height": height} if height else {}))
    else:
        raise ValueError(f"未知的图表类型：{chart.kind}")
    if font_size:
        fig.update_layout(font=dict(size=font_size), hoverlabel=dict(font=dict(size=font_size)))
        fig.update_traces(textfont_size=font_size, selector=dict(type="bar"))
        fig.update_traces(textfont_size=font_size, selector=dict(type="pie"))
        fig.update_polars(angularaxis_tickfont_size=font_size, radialaxis_tickfont_size=max(11, font_size - 4))
        fig.update_annotations(font_size=font_size)
    return fig


# Public names for builders outside this module (components.portfolio): a placeholder figure and a category axis.
empty_figure = message_figure
category_axis = _category_axis
