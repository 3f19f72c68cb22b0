"""A short text alternative for a chart (issue 28, item 10): what it shows and its key figure, in Chinese, read
off the figure itself so every chart gets one without each page writing it ("柱状图：预算、实际执行；2 项，
最大为市数据中心 10,931.32").

Pure (a Plotly figure in, a sentence out); pages put it next to the chart for screen readers."""
from __future__ import annotations

import html
from typing import Any

import plotly.graph_objects as go

from ..textutil import shorten

KINDS = {"bar": "柱状图", "pie": "环形图", "scatter": "折线或散点图", "scattergl": "散点图", "treemap": "矩形树图",
         "sankey": "流向图", "scatterpolar": "雷达图", "heatmap": "热力图", "histogram": "分布图"}


def _number(v: Any) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return f"{f:,.0f}" if f.is_integer() else f"{f:,.2f}"


def _clean(text: Any) -> str:
    return shorten(str(text).replace("<br>", " ").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"),
                   40)


def alt_text(fig: go.Figure) -> str:
    """"<kind>：<series>；<n> 项，最大为 <label> <value>" (what it shows, its key figure); "图表" when empty."""
    meta = fig.layout.meta
    if isinstance(meta, dict) and meta.get("alt"):  # the chart's own (a slide chart: evalcore.export.chart_kinds)
        return html.unescape(str(meta["alt"]))
    traces = [t for t in fig.data if getattr(t, "visible", True) is not False]
    title = getattr(getattr(fig.layout, "title", None), "text", None)
    head = _clean(title) + "：" if title else ""
    if not traces:
        notes = [a.text for a in (fig.layout.annotations or ()) if a.text]
        return head + ("图表：" + _clean(notes[0]) if notes else "图表（没有数据）")
    kinds = dict.fromkeys(KINDS.get(t.type, "图表") for t in traces)
    names = [str(t.name) for t in traces if getattr(t, "name", None)]
    parts = ["、".join(kinds) + ("：" + "、".join(_clean(n) for n in names[:4]) if names else "")]
    best: tuple[float, str] | None = None
    count = 0
    last = ""
    for t in traces:
        if t.type == "sankey":
            nodes, values = list(t.node.label or ()), list(t.link.value or ())
            parts.append(f"{len(nodes)} 个节点、{len(values)} 条流向")
            continue
        if t.type in ("scatter", "scattergl") and "lines" in str(t.mode or ""):
            xs, ys = list(t.x or ()), list(t.y or ())
            if xs and ys:
                last = f"最后为 {_clean(xs[-1])} {_number(ys[-1])}"
                count = max(count, len(ys))
            continue
        if t.type == "pie":
            labels, values = list(t.labels or ()), list(t.values or ())
        elif t.type in ("bar", "scatter", "scattergl", "histogram"):
            horizontal = getattr(t, "orientation", None) == "h"
            labels = list((t.y if horizontal else t.x) or ())
            values = list((t.x if horizontal else t.y) or ())
        elif t.type == "treemap":
            labels, values = list(t.labels or ()), list(t.values or ())
        else:
            continue
        count = max(count, len(values))
        texts = t.text if isinstance(t.text, list | tuple) and len(t.text) == len(values) else None
        for i, (label, value) in enumerate(zip(labels, values, strict=False)):
            try:
                f = float(value)
            except (TypeError, ValueError):
                continue
            if best is None or f > best[0]:
                shown = texts[i] if texts is not None and texts[i] not in (None, "", label) else _number(value)
                best = (f, f"{_clean(label)} {_clean(shown)}")
    if count:
        key = f"，最大为 {best[1]}" if best else (f"，{last}" if last else "")
        parts.append(f"{count} 项{key}")
    return head + "；".join(parts)


__all__ = ["alt_text"]
