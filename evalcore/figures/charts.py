"""Chart builders: pure functions from evalcore's DataFrames to Plotly figures.

Inputs carry Decimal money, rates and scores; labels are formatted from the Decimals (half-up, exactly as
published) and only the plotted coordinates become floats. No Streamlit here, so every builder is unit-tested; the
dashboard (``components.charts``) and the HTML export draw the same figures. The look comes from the Plotly template
that ``style.register()`` makes the default (called by every page and by the exporters, never at import).
"""
from __future__ import annotations

import math
import re
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go

from ..numbers import fmt_rate, fmt_score, round2, to_float
from ..textutil import shorten
from . import style


def _f(values) -> list[float | None]:
    return [to_float(v) for v in values]


def _amount_label(v: Decimal | None) -> str:
    return "" if v is None else f"{round2(v):,.2f}"


def message_figure(message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font=dict(size=16, color=style.MUTED), x=0.5, y=0.5,
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


# Words of evaluation reports that a line break must not split (Chinese has no spaces to break at): a label breaks
# between words, after punctuation, never inside a number or a Latin word, never before a closing mark.
_WORDS = sorted("""管理 资金 使用 项目 预算 执行 绩效 目标 建设 体系 效率 实施 过程 规范 政府 采购 产出
效益 编制 质量 单位 数据 中心 信息 信息化 运维 统筹 集约 完善 提高 有待 进一步 严格
制度 合同 监督 评价 整改 财政 专项 考核 资产 支出 收入 决策 验收 服务 平台 系统 工程
资料 档案 审批 标准 机制 落实 及时 不足 不够 不到位 欠 缺乏 存在 问题 建议 加强 推进
健全 明确 指标 设置 合理 科学 社会 经济 生态 满意度 可持续 影响 部门 市级 区县 街道
乡镇 学校 医院 财务 会计 核算 报销 招标 投标 政务 共享 安全 保障 维护 更新 升级 采集
分析 应用 开发 运营 成本 控制 进度 完成 情况 效果 全部 平均 合计 其他 未指明 未分类
绿化 养护 公共 基础 设施""".split(), key=len, reverse=True)
_WORD = re.compile("|".join(map(re.escape, _WORDS)) + r"|[A-Za-z0-9][A-Za-z0-9.,%_\-]*")
_NO_BREAK_BEFORE = set("）)]】》」』、，,。.；;：:！!？?%”’…·")
_NO_BREAK_AFTER = set("（([【《「『“‘")
_GOOD_BREAK_AFTER = set("）)、，,；;：:")


def _break_points(text: str) -> dict[int, int]:
    """Position -> preference (2: after punctuation, 1: between words or characters) of every place a line of
    ``text`` may end; a position inside a known word or a Latin word or number is missing."""
    inside: set[int] = set()
    for m in _WORD.finditer(text):
        inside.update(range(m.start() + 1, m.end()))
    points = {}
    for i in range(1, len(text)):
        if i in inside or text[i] in _NO_BREAK_BEFORE or text[i - 1] in _NO_BREAK_AFTER:
            continue
        points[i] = 2 if text[i - 1] in _GOOD_BREAK_AFTER else 1
    return points


def _split(text: str, width: int, count: int, points: dict[int, int]) -> tuple[list[str], bool]:
    """``text`` in ``count`` lines of at most ``width`` characters, each break at the allowed place nearest the
    balanced one (after punctuation when it is as near); whether every break was at an allowed place."""
    out, start, clean = [], 0, True
    for remaining in range(count, 1, -1):
        ideal = start + -(-(len(text) - start) // remaining)  # balanced, so no line holds a lone character
        low, high = max(start + 1, len(text) - width * (remaining - 1)), min(start + width, len(text) - 1)
        allowed = [i for i in range(low, high + 1) if i in points]
        if allowed:
            end = min(allowed, key=lambda i: (abs(i - ideal) - (points[i] - 1), abs(i - ideal), i))
        else:
            end, clean = ideal, False
        out.append(text[start:end])
        start = end
    out.append(text[start:])
    return out, clean


def _lines(text: str, width: int, most: int | None = None) -> list[str]:
    """``text`` in as few lines of at most ``width`` characters as it needs, broken between words; one line more
    (while ``most`` allows) rather than a break inside a word, which only a word longer than a line needs."""
    count = -(-len(text) // width)  # ceil
    points = _break_points(text)
    first, clean = _split(text, width, count, points)
    if not clean and (most is None or count < most):
        more, clean = _split(text, width, count + 1, points)
        if clean:
            return more
    return first


def wrap_label(text: object, width: int = 10, lines: int | None = None) -> str:
    """Break a long Chinese label into lines of at most ``width`` characters with <br> so axis labels never
    overlap, between words rather than inside one; at most ``lines`` lines (then cut with "…"). The text is
    HTML-escaped; only our <br> is markup."""
    text = str(text)
    if lines is not None:
        text = shorten(text, width * lines)
    if len(text) <= width:
        return esc(text)
    return "<br>".join(esc(line) for line in _lines(text, width, lines))


# --- value axes: from zero, round ticks that stop at the data, whole ticks for counts ----------------------------

def nice_step(span: float, ticks: int = 5, whole: bool = False) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` ticks over ``span``; at
    least 1 when ``whole`` (a count has no half items)."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if whole:
        step = max(1.0, float(math.ceil(step)))
    return float(step)


def value_axis(top: float | None, *, whole: bool = False, rate: bool = False, room: float = 1.2,
               **kwargs) -> dict:
    """A value axis from 0: room for the labels at the bars' ends (``room`` times the largest value) and round
    ticks that stop at the largest value, never beyond it (no "35" on an axis whose largest bar is 30). ``whole``:
    counts, integer ticks only. ``rate``: a percentage axis, 0–100% unless the data exceed 100."""
    top = float(top or 0)
    if rate and top <= 100:
        last, step = 100.0, 20.0
    else:
        step = nice_step(top, whole=whole)
        last = math.floor(top / step + 1e-9) * step if top else step
    ticks = [round(i * step, 10) for i in range(int(round(last / step)) + 1)]
    # the labels written out (Plotly leaves ticksuffix and tickformat off ticks given as an array)
    text = [f"{t:,.0f}" if float(t).is_integer() else f"{t:,g}" for t in ticks]
    if rate:
        text = [f"{label}%" for label in text]
    axis: dict = dict(range=[0, max(last, top) * room], tickmode="array", tickvals=ticks, ticktext=text,
                      rangemode="tozero")
    return {**axis, **kwargs}


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
    for col, name, color in (("executed", "实际执行", style.EXECUTED_COLOR), ("budget", "预算", style.BUDGET_COLOR)):
        fig.add_bar(
            name=name, y=keys, x=_f(df[col]), marker_color=color, orientation="h",
            text=[_amount_label(v) for v in df[col]], textposition="outside", cliponaxis=False, hovertext=hover,
            hovertemplate="%{hovertext}<br>" + name + "：%{text} 万元<extra></extra>",
        )
    top = max(v for v in _f(df["budget"]) + _f(df["executed"]) if v is not None)
    ticks = [wrap_label(u, UNIT_WIDTH, UNIT_LINES) for u in df["unit"]]
    fig.update_layout(barmode="group", height=height or max(260, 110 * len(df) + 90), bargap=0.3,
                      xaxis=value_axis(top, room=1.22, title="万元", tickformat=","),
                      yaxis=_category_axis(keys, ticks, autorange="reversed"), legend=dict(traceorder="reversed"))
    return fig


def execution_rates(df: pd.DataFrame, target: Decimal | None = None, height: int = 360) -> go.Figure:
    """Bars of 预算执行率 per unit (%), labelled 82.69%, with a dashed target line. df: unit, rate."""
    df = df[df["rate"].notna()]
    if df.empty:
        return message_figure("没有可计算的预算执行率")
    colors = [style.PRIMARY if (target is None or r >= target) else style.ATTENTION for r in df["rate"]]
    keys = [esc(u) for u in df["unit"]]
    fig = go.Figure(go.Bar(
        x=keys, y=_f(df["rate"]), marker_color=colors, text=[fmt_rate(r) for r in df["rate"]],
        textposition="inside", insidetextanchor="middle", textfont=dict(color="white", size=18), name="预算执行率",
        hovertext=[hover_label(u) for u in df["unit"]],
        hovertemplate="%{hovertext}<br>预算执行率：%{text}<extra></extra>",
    ))
    if target is not None:
        fig.add_hline(y=float(target), line_dash="dash", line_color=style.TARGET_LINE,
                      annotation_text=f"目标 {fmt_rate(target)}", annotation_position="top left",
                      annotation_font_color=style.TARGET_LINE)
    top = max(v for v in _f(df["rate"]) if v is not None)
    fig.update_layout(height=height, yaxis=value_axis(top, rate=True, room=1.12, title="预算执行率"),
                      showlegend=False, bargap=0.45,
                      xaxis=_category_axis(keys, [wrap_label(u, UNIT_WIDTH, UNIT_LINES) for u in df["unit"]]))
    return fig


def dimension_radar(df: pd.DataFrame, height: int = 400) -> go.Figure:
    """Radar of 一级指标 score as % of its points per unit. df: unit, name, points, score."""
    df = df[df["score"].notna()]
    if df.empty:
        return message_figure("没有指标得分")
    fig = go.Figure()
    colors = style.stable_colors(df["unit"])  # a unit keeps its colour from chart to chart
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
    # three ticks, written level (not along the 45° axis), between the first two indicators: they never overlap
    # each other or an indicator's name
    radial = dict(range=[50, 100], tickvals=[60, 80, 100], ticktext=["60%", "80%", "100%"], angle=45, tickangle=0,
                  tickfont=dict(size=13, color=style.MUTED), gridcolor=style.GRID, showline=False)
    angular = dict(gridcolor=style.GRID, rotation=90, direction="clockwise", tickfont=dict(size=16),
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
    colors = style.stable_colors(df["unit"])
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
                      xaxis=value_axis(top, room=1.3, title="得分"),
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
    colors = style.stable_colors(df["unit"])
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


def category_counts(df: pd.DataFrame, title_axis: str = "项", color: str = style.PRIMARY,
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
                      # whole ticks, about five of them (40 items would print 40 labels into a band)
                      xaxis=value_axis(max(df["count"]), whole=True, room=1.25, title=title_axis),
                      yaxis=_category_axis(keys, ticks), clickmode="event+select", dragmode=False)
    return fig


def problems_sunburst(df: pd.DataFrame, height: int = 460) -> go.Figure:
    """Problem categories and their items. df: id, category_label, text (as from findings.problems_table)."""
    if df.empty:
        return message_figure("没有问题")
    # ids are ours (never data), so a category named like a problem id cannot collide with it
    ids, labels, parents, values, hover = ["all"], [f"问题<br>{len(df)} 项"], [""], [len(df)], ["全部问题"]
    cat_colors = style.stable_colors(df["category_label"])  # a category keeps its colour across evaluations
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
    # a sector too small for a 12 px label shows none (its hover names it)
    fig.update_layout(height=height, margin=dict(l=0, r=0, t=10, b=0), uniformtext=dict(minsize=12, mode="hide"))
    return fig


def unit_counts(df: pd.DataFrame, height: int = 260) -> go.Figure:
    """Bars of problems per unit. df: unit, count."""
    if df.empty:
        return message_figure("没有数据")
    keys = [esc(u) for u in df["unit"]]
    fig = go.Figure(go.Bar(x=keys, y=list(df["count"]), marker_color=style.PRIMARY,
                           text=[f"{n} 项" for n in df["count"]], textposition="outside", cliponaxis=False,
                           hovertext=[hover_label(u) for u in df["unit"]],
                           hovertemplate="%{hovertext}<br>%{y} 项<extra></extra>"))
    fig.update_layout(height=height, showlegend=False, yaxis=value_axis(max(df["count"]), whole=True, room=1.25),
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
                  color=[style.MUTED] * len(left) + [style.PRIMARY] * len(right),
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


SANKEY_HEIGHT = 420  # at most: the flows never fill the first screen
LINK_WIDTH = 20  # characters of a category on its one line of a one-to-one bar ("问题（一）" takes five of them)


def one_to_one(df: pd.DataFrame) -> bool:
    """Whether every problem category is answered by exactly one recommendation category and each of those
    answers one problem category (a flow chart would then draw parallel lines and say nothing more)."""
    return (not df.empty and df["problem_category"].is_unique and df["recommendation_category"].is_unique)


def links_overview(df: pd.DataFrame, height: int | None = None) -> go.Figure:
    """问题类别 -> 建议类别. One to one (:func:`one_to_one`): bars of the recommendations answering each problem
    category, each labelled with both categories (cut with … when long, whole in the hover), and the title saying
    it in words; otherwise the flows (:func:`links_sankey`), at most :data:`SANKEY_HEIGHT` px high.
    df: problem_category, recommendation_category, items."""
    if df.empty:
        return message_figure("建议未关联问题")
    if not one_to_one(df):
        fig = links_sankey(df, height=min(height or SANKEY_HEIGHT, SANKEY_HEIGHT))
        fig.update_layout(title=dict(text="连线表示建议所回应的问题类别，线宽为建议条数", font=dict(size=14)),
                          margin=dict(t=40))
        return fig
    keys = [esc(p) for p in df["problem_category"]]
    items = [int(n) for n in df["items"]]
    fig = go.Figure(go.Bar(
        y=keys, x=items, orientation="h", marker_color=style.PRIMARY, text=[f"{n} 条建议" for n in items],
        textposition="outside", cliponaxis=False,
        hovertext=[f"{hover_label(p)} →<br>{hover_label(r)}"
                   for p, r in zip(df["problem_category"], df["recommendation_category"], strict=True)],
        hovertemplate="%{hovertext}：%{x} 条建议<extra></extra>",
    ))
    # each bar names both ends: the problem category, then the recommendation category answering it
    ticks = [f"{wrap_label(p, LINK_WIDTH, 1)}<br>→ {wrap_label(r, LINK_WIDTH - 2, 1)}"
             for p, r in zip(df["problem_category"], df["recommendation_category"], strict=True)]
    fig.update_layout(title=dict(text=f"每类问题都有一类建议回应（一一对应，共 {len(df)} 类）：各类问题对应的建议条数",
                                 font=dict(size=14)),
                      height=height or max(260, 52 * len(df) + 90), showlegend=False, bargap=0.3,
                      xaxis=value_axis(max(items), whole=True, room=1.3, title="建议（条）"),
                      yaxis=_category_axis(keys, ticks, autorange="reversed"), margin=dict(t=40), dragmode=False)
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
                    marker_color=style.STATUS_COLORS.get(s), text=[c or "" for c in counts],
                    textposition="inside", hovertext=hover, customdata=[hover_label(s)] * len(cats),
                    hovertemplate="%{hovertext}<br>%{customdata}：%{x} 项<extra></extra>")
    ticks = [wrap_label(c, CATEGORY_WIDTH, CATEGORY_LINES) for c in cats]
    fig.update_layout(barmode="stack", height=height or max(300, 56 * len(cats) + 90),
                      yaxis=_category_axis(keys, ticks, autorange="reversed"),
                      xaxis=value_axis(int(df.groupby("category_label")["count"].sum().max()), whole=True, room=1.0,
                                       title="整改事项（项）"))
    return fig


def status_donut(by_status: dict[str, int], rate_label: str, height: int = 300) -> go.Figure:
    """Donut of 整改 items by status with the 整改率 in the middle. ``rate_label`` is ours (e.g. "68.42%")."""
    items = [(s, n) for s, n in by_status.items() if n]
    if not items:
        return message_figure("没有整改事项")
    total = sum(n for _, n in items)
    fig = go.Figure(go.Pie(
        labels=[esc(s) for s, _ in items], values=[n for _, n in items], hole=0.62, sort=False,
        marker=dict(colors=[style.STATUS_COLORS.get(s) for s, _ in items]), textinfo="text+value",
        # a thin slice has its label outside (inside it would be squeezed to a few pixels or turned on its side)
        textposition=["inside" if n / total >= 0.12 else "outside" for _, n in items],
        insidetextorientation="horizontal",
        text=[wrap_label(s, 6, 2) for s, _ in items], hovertext=[hover_label(s) for s, _ in items],
        hovertemplate="%{hovertext}：%{value} 项（%{percent}）<extra></extra>",
    ))
    fig.add_annotation(text=f"整改率<br><b>{esc(rate_label)}</b>", showarrow=False, font=dict(size=18))
    fig.update_layout(height=height, showlegend=False, margin=dict(l=30, r=30, t=30, b=30))
    return fig


def closed_over_time(df: pd.DataFrame, total: int, height: int = 320, undated: int = 0) -> go.Figure:
    """Cumulative items closed, as a step line, against the number of items. df: date, cumulative. ``undated``:
    items closed whose closing date is not recorded (not on the line; the chart says how many, so the line and
    the 已完成 count never disagree silently)."""
    if df.empty:
        return message_figure(f"已完成 {undated} 项，均未记录完成日期" if undated else "尚无完成整改的事项")
    fig = go.Figure(go.Scatter(
        x=list(df["date"]), y=list(df["cumulative"]), mode="lines+markers", line_shape="hv",
        line=dict(color=style.STATUS_COLORS["已整改"], width=3), name="累计完成",
        hovertemplate="%{x|%Y-%m-%d}<br>累计完成 %{y} 项<extra></extra>",
    ))
    fig.add_hline(y=total, line_dash="dash", line_color=style.MUTED, annotation_text=f"整改事项共 {total} 项",
                  annotation_position="bottom right", annotation_font_color=style.MUTED)
    fig.update_layout(height=height, showlegend=False, yaxis=value_axis(total, whole=True, room=1.12, title="项"),
                      xaxis=dict(tickformat="%Y-%m"))
    if undated:
        fig.add_annotation(text=f"另有 {undated} 项已完成，未记录完成日期（合计已完成 "
                                f"{int(df['cumulative'].iloc[-1]) + undated} 项）",
                           xref="paper", yref="paper", x=0, y=1.0, xanchor="left", yanchor="bottom",
                           showarrow=False, font=dict(color=style.MUTED))
    return fig


# Public names for builders outside this module (components.portfolio): a placeholder figure and a category axis.
empty_figure = message_figure
category_axis = _category_axis
