"""The one registry of slide chart kinds (issue 22): the 演示 page, the HTML report and the PPTX deck all draw a
slide's chart through :data:`KINDS`, where each kind is registered once with what it shows (its default title), the
DataFrame columns it reads, its Plotly builder (page and HTML), its python-pptx renderer (deck) and its text
alternative (what it shows and its key figure: for screen readers, the HTML report and PowerPoint's 替代文字).

The two renderers are named here ("module:function"), not imported: the slide plan (:mod:`.slides`), which makes
:class:`Chart` values, stays free of Plotly and python-pptx (tests/unit/test_slides.py checks it).
:func:`renderer` resolves a name once; ``tests/unit/test_chart_kinds.py`` checks that every name resolves and that
every kind is drawn by the page, the HTML report and the deck.

- ``evalcore.export.chart_figures.figure(chart, height, font_size)``: the Plotly figure (page and HTML);
- ``evalcore.export.pptx_charts.add_chart(slide, chart, x, y, w, h)``: the native PowerPoint chart (deck);
- :func:`alt_text`: the text alternative.

Pure: pandas only.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pandas as pd

from ..numbers import fmt_amount, fmt_rate, fmt_score

ILLUSTRATIVE_LABEL = "示例数据"


@dataclass(frozen=True, eq=False)
class Chart:
    """The data of one chart. ``data`` is evalcore's DataFrame (Decimal values); ``options`` what the builder needs
    besides (the target rate, the statuses, the 整改率 label, the number of items)."""
    kind: str
    title: str
    data: pd.DataFrame
    options: dict[str, Any] = field(default_factory=dict)
    illustrative: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"未知的图表类型：{self.kind}")


@dataclass(frozen=True)
class ChartKind:
    """One kind of slide chart: ``title`` (what it shows, the default title), ``columns`` (what it reads from the
    chart's DataFrame), ``plotly`` and ``pptx`` (the renderers, as "module:function"; see :func:`renderer`) and
    ``alt`` (chart -> the key figure in words)."""
    name: str
    title: str
    columns: tuple[str, ...]
    plotly: str
    pptx: str
    alt: Callable[[Chart], str]


# --- text alternatives: what each kind shows and its key figure, from the chart's data -------------------------

def _units(n: int) -> str:
    return f"{n} 个单位"


def _alt_budget(chart: Chart) -> str:
    df = chart.data[chart.data["budget"].notna()]
    if df.empty:
        return "没有预算数据"
    top = df.loc[df["budget"].idxmax()]
    executed = f"，实际执行 {fmt_amount(top['executed'])}" if top["executed"] is not None else ""
    return f"{_units(len(df))}的预算与实际执行；预算最大为{top['unit']} {fmt_amount(top['budget'])}{executed}"


def _alt_rates(chart: Chart) -> str:
    df = chart.data[chart.data["rate"].notna()]
    if df.empty:
        return "没有可计算的预算执行率"
    hi, lo = df.loc[df["rate"].idxmax()], df.loc[df["rate"].idxmin()]
    target = chart.options.get("target")
    below = "" if target is None else f"；目标 {fmt_rate(target)}，{int((df['rate'] < target).sum())} 个单位低于目标"
    return (f"{_units(len(df))}的预算执行率：最高{hi['unit']} {fmt_rate(hi['rate'])}，"
            f"最低{lo['unit']} {fmt_rate(lo['rate'])}{below}")


def _alt_dimensions(chart: Chart) -> str:
    df = chart.data[chart.data["score"].notna() & chart.data["points"].notna()]
    df = df[[bool(p) for p in df["points"]]]
    if df.empty:
        return "没有指标得分"
    share = [s / p * 100 for s, p in zip(df["score"], df["points"], strict=True)]
    low = min(range(len(share)), key=lambda i: share[i])
    row = df.iloc[low]
    return (f"{df['unit'].nunique()} 个单位、{df['name'].nunique()} 个一级指标的得分率；"
            f"最低为{row['unit']}的{row['name']} {fmt_rate(share[low])}")


def _alt_categories(chart: Chart) -> str:
    df = chart.data
    unit = chart.options.get("unit", "项")
    if df.empty:
        return "没有数据"
    top = df.loc[df["count"].astype(int).idxmax()]
    return f"{len(df)} 类共 {int(df['count'].sum())} {unit}；最多为{top['category_label']} {int(top['count'])} {unit}"


def _alt_status(chart: Chart) -> str:
    parts = [f"{s} {int(n)} 项" for s, n in zip(chart.data["status"], chart.data["count"], strict=True) if int(n)]
    rate = chart.options.get("rate_label")
    return f"整改事项共 {int(chart.data['count'].sum())} 项：" + "、".join(parts) + (f"；整改率 {rate}" if rate else "")


def _alt_closed(chart: Chart) -> str:
    df = chart.data
    total = int(chart.options.get("total", 0))
    if df.empty:
        return "尚无完成整改的事项"
    return f"截至 {df['date'].iloc[-1]} 累计完成整改 {int(df['cumulative'].iloc[-1])} 项，整改事项共 {total} 项"


def _alt_distribution(chart: Chart) -> str:
    df = chart.data
    unit = chart.options.get("unit", "个")
    if df.empty or not int(df["count"].sum()):
        return "没有数据"
    top = df.loc[df["count"].astype(int).idxmax()]
    flagged = int(df.loc[df["highlight"].astype(bool), "count"].sum()) if "highlight" in df.columns else 0
    below = f"；低于目标的 {flagged} {unit}" if flagged else ""
    return f"共 {int(df['count'].sum())} {unit}，最多为{top['label']} {int(top['count'])} {unit}{below}"


def _alt_ranking(chart: Chart) -> str:
    df = chart.data[chart.data["value"].notna()]
    if df.empty:
        return "没有数据"
    show = fmt_rate if chart.options.get("format") == "rate" else fmt_score
    first, last = df.iloc[0], df.iloc[-1]
    return f"{_units(len(df))}，自{first['unit']} {show(first['value'])} 至{last['unit']} {show(last['value'])}"


_CATEGORY_COLUMNS = ("category_no", "category_label", "count")
_FIG = "evalcore.export.chart_figures"
_PPTX = "evalcore.export.pptx_charts"

KINDS: dict[str, ChartKind] = {k.name: k for k in (
    ChartKind("budget", "预算与实际执行（万元）", ("unit", "budget", "executed"),
              f"{_FIG}:budget", f"{_PPTX}:budget", _alt_budget),
    ChartKind("rates", "预算执行率（%）", ("unit", "rate"), f"{_FIG}:rates", f"{_PPTX}:rates", _alt_rates),
    ChartKind("dimensions", "分维度得分率（%）", ("unit", "id", "name", "points", "score"),
              f"{_FIG}:dimensions", f"{_PPTX}:dimensions", _alt_dimensions),
    ChartKind("problem_categories", "各类问题数量（项）", _CATEGORY_COLUMNS,
              f"{_FIG}:problem_categories", f"{_PPTX}:problem_categories", _alt_categories),
    ChartKind("recommendation_categories", "各类建议数量（条）", _CATEGORY_COLUMNS,
              f"{_FIG}:recommendation_categories", f"{_PPTX}:recommendation_categories", _alt_categories),
    ChartKind("status", "整改状态分布（项）", ("status", "count"), f"{_FIG}:status", f"{_PPTX}:status", _alt_status),
    ChartKind("closed", "累计完成整改（项）", ("date", "cumulative"), f"{_FIG}:closed", f"{_PPTX}:closed",
              _alt_closed),
    # at scale (more units than slides.CHART_UNITS): how many units fall in each bin or grade, and short rankings
    ChartKind("distribution", "单位分布（个）", ("label", "count", "highlight"),
              f"{_FIG}:distribution", f"{_PPTX}:distribution", _alt_distribution),
    ChartKind("ranking", "单位排名", ("unit", "value"), f"{_FIG}:ranking", f"{_PPTX}:ranking", _alt_ranking),
)}


@cache
def renderer(reference: str) -> Callable[..., Any]:
    """The function a "module:function" reference of :data:`KINDS` names (imported on first use)."""
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


def alt_text(chart: Chart) -> str:
    """The chart's text alternative: its title, then what it shows and its key figure."""
    return f"{chart.title}：{KINDS[chart.kind].alt(chart)}"


__all__ = ["ILLUSTRATIVE_LABEL", "KINDS", "Chart", "ChartKind", "alt_text", "renderer"]
