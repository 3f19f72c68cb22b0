"""A figure laid out again for a phone screen (about 360 px of plot width): ``narrow(fig)``.

The chart builders draw for a desktop column; on a phone the same figure needs other decisions, not just a smaller
copy of itself:

- legends go below the plot in rows (at the top they eat the height and collide with the labels);
- no text under 12 px (tick labels, legends, bar and sector labels, annotations: ``uniformtext`` keeps bar and sector
  labels at 12 px or more, and sector labels that do not fit at that size are hidden, the tap shows them),
  and projector-sized text (the slides) is brought down to what a phone shows;
- vertical bars whose categories carry long names (units, categories) become horizontal bars, so each name gets a
  whole line instead of a slanted or cut tick label; lines and labels drawn at a value (a target line) follow;
- a sunburst shows one ring at a time (a tap opens the next), so its sectors are big enough for their labels;
- Sankey node labels are wrapped shorter, so the two columns of labels do not run into each other;
- the axes do not zoom or pan on a drag: on a touch screen a drag over a chart must scroll the page.

Pure Plotly, no Streamlit: the caller decides when a screen is a phone. The input figure is never changed.
"""
from __future__ import annotations

import re

import plotly.graph_objects as go

MIN_FONT = 12  # px: nothing smaller on a phone
MAX_TICK_FONT = 14  # px: axis tick labels and legends on a phone
MAX_TEXT_FONT = 16  # px: bar and sector labels, annotations on a phone
BASE_FONT = 13  # px: the figure's default text on a phone
LONG_NAME = 4  # characters: a category name longer than this reads badly under a vertical bar at 360 px
MANY = 5  # categories: more than this many vertical bars are too thin for their labels at 360 px
FLIP_MAX = 60  # categories: beyond this a horizontal bar chart would be taller than is useful; left vertical
MAX_TICKS = 7  # labels on a value axis at 360 px
DATE_TICKS = 4  # labels on a date axis at 360 px
BAR_ROW = 30  # px of height per horizontal bar in a flipped chart (per trace in a grouped chart)
SANKEY_WIDTH, SANKEY_LINES = 6, 3
SUNBURST_WIDTH, SUNBURST_LINES = 6, 2  # characters per line and lines of a Sankey node label on a phone

_TOKEN = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|.", re.S)  # one shown character of escaped Plotly text
_BREAK = re.compile(r"<br\s*/?>", re.I)
_MARKUP = re.compile(r"<[^>]+>")


def shown_length(label: object) -> int:
    """The number of characters a Plotly label shows: line breaks and markup are not shown, an entity is one."""
    text = _MARKUP.sub("", _BREAK.sub("", str(label)))
    return len(_TOKEN.findall(text))


def rewrap(label: object, width: int, lines: int) -> str:
    """An already escaped Plotly label, its <br> breaks removed, wrapped again at ``width`` characters per line,
    at most ``lines`` lines (the last one ending in "…" when something was cut). Entities stay whole."""
    chars = _TOKEN.findall(_BREAK.sub("", str(label)))
    if len(chars) > width * lines:
        chars = chars[:width * lines - 1] + ["…"]
    return "<br>".join("".join(chars[i:i + width]) for i in range(0, len(chars), width))


def _clamp(size, low: int, high: int) -> int:
    return low if size is None else max(low, min(high, int(size)))


def narrow(fig: go.Figure, flip_bars: bool = True) -> go.Figure:
    """``fig`` laid out for a phone (see the module text); ``flip_bars=False`` keeps bar orientation (a chart
    whose selection events the page reads by axis)."""
    fig = go.Figure(fig)  # a copy: the caller's figure (possibly cached) stays as it is
    layout = fig.layout
    if flip_bars:
        _flip_vertical_bars(fig)
    # text sizes
    base = layout.font.size
    fig.update_layout(font_size=_clamp(base if base is not None else BASE_FONT, MIN_FONT, BASE_FONT))
    fig.update_xaxes(tickfont_size=_clamp(_axis_font(layout, "x"), MIN_FONT, MAX_TICK_FONT), fixedrange=True)
    fig.update_yaxes(tickfont_size=_clamp(_axis_font(layout, "y"), MIN_FONT, MAX_TICK_FONT), fixedrange=True)
    fig.update_polars(angularaxis_tickfont_size=_clamp(_polar_font(layout, "angularaxis"), MIN_FONT, 13),
                      radialaxis_tickfont_size=_clamp(_polar_font(layout, "radialaxis"), MIN_FONT, MIN_FONT))
    fig.update_annotations(font_size=None)
    for annotation in layout.annotations:
        annotation.font.size = _clamp(annotation.font.size or layout.font.size, MIN_FONT, MAX_TEXT_FONT)
    sectors = False
    for trace in fig.data:
        if trace.type in ("bar", "pie", "sunburst", "treemap", "icicle", "funnel", "scatter"):
            size = getattr(trace.textfont, "size", None)
            if size is not None:
                trace.textfont.size = _clamp(size, MIN_FONT, MAX_TEXT_FONT)
        if trace.type in ("pie", "sunburst", "treemap", "icicle"):
            sectors = True
        if trace.type == "sunburst" and trace.maxdepth is None:
            trace.maxdepth = 2  # the root and one ring: labels that fit; a tap on a sector opens its next ring
            trace.labels = [rewrap(label, SUNBURST_WIDTH, SUNBURST_LINES) for label in (trace.labels or ())]
        if trace.type == "sankey":
            trace.node.label = [rewrap(label, SANKEY_WIDTH, SANKEY_LINES) for label in (trace.node.label or ())]
            trace.textfont.size = _clamp(trace.textfont.size or layout.font.size, MIN_FONT, MIN_FONT)
    # sector labels that do not fit at 12 px are hidden (a tap shows them); bar labels are never shrunk below it
    fig.update_layout(uniformtext=dict(minsize=MIN_FONT, mode="hide" if sectors else "show"))
    _room_for_bar_labels(fig)
    _bar_rows(fig)
    _fewer_ticks(fig)
    _legend_below(fig)
    margin = layout.margin
    fig.update_layout(dragmode=False, margin=dict(l=min(margin.l if margin.l is not None else 4, 40),
                                                  r=max(min(margin.r if margin.r is not None else 16, 40), 16)))
    return fig


def _bar_rows(fig: go.Figure) -> None:
    """Horizontal bars at least ``BAR_ROW`` px thick per trace, so that a label at a bar's end (12 px or more)
    never runs into the next one; a chart with more than ``FLIP_MAX`` rows is left as it is."""
    bars = [t for t in fig.data if t.type == "bar" and t.orientation == "h"]
    if not bars:
        return
    rows = {str(v) for t in bars for v in (t.y if t.y is not None else ())}
    if not rows or len(rows) > FLIP_MAX:
        return
    per_row = BAR_ROW * (len(bars) if fig.layout.barmode in (None, "group") else 1) + 12
    fig.layout.height = max(fig.layout.height or 220, per_row * len(rows) + 110)


def _fewer_ticks(fig: go.Figure) -> None:
    """A fixed tick step (``dtick=1`` for counts) that would put more than ``MAX_TICKS`` labels on a narrow axis
    becomes a larger round multiple of it (2, 5, 10, 20, ... steps), so the labels never crowd or turn."""
    for key in list(fig.layout):
        if not key.startswith(("xaxis", "yaxis")):
            continue
        axis = fig.layout[key]
        if axis.type == "date" or (axis.tickformat or "").startswith("%"):
            axis.nticks = DATE_TICKS  # "2024-05" needs about 60 px
            continue
        step, span = axis.dtick, axis.range
        if not isinstance(step, (int, float)) or step <= 0 or span is None or len(span) != 2:
            continue
        if not all(isinstance(v, (int, float)) for v in span):
            continue
        ticks = abs(span[1] - span[0]) / step
        factor, decade = 1, 1
        while ticks / factor > MAX_TICKS:
            for f in (2, 5, 10):
                factor = f * decade
                if ticks / factor <= MAX_TICKS:
                    break
            decade *= 10
        axis.dtick = step * factor


def _room_for_bar_labels(fig: go.Figure) -> None:
    """Labels outside the ends of horizontal bars need more of a narrow plot's width: the value axis is made
    longer by a sixth when the figure fixes its range."""
    outside = [t for t in fig.data if t.type == "bar" and t.orientation == "h" and t.textposition == "outside"]
    span = fig.layout.xaxis.range
    if outside and span is not None and len(span) == 2 and all(isinstance(v, (int, float)) for v in span):
        low, high = span
        fig.layout.xaxis.range = [low, low + (high - low) * 7 / 6]


def _axis_font(layout, letter: str):
    sizes = []
    for key in layout:
        if key.startswith(f"{letter}axis"):
            size = layout[key].tickfont.size
            if size is not None:
                sizes.append(size)
    return max(sizes) if sizes else layout.font.size


def _polar_font(layout, axis: str):
    return getattr(layout.polar, axis).tickfont.size or layout.font.size


def _legend_below(fig: go.Figure) -> None:
    """Legend entries in rows under the plot, left-aligned, when the figure shows a legend."""
    shown = [t for t in fig.data if getattr(t, "showlegend", False) is not False
             and t.type not in ("pie", "sunburst", "sankey")]
    if fig.layout.showlegend is False or (len(shown) < 2 and fig.layout.showlegend is not True):
        return
    fig.update_layout(legend=dict(orientation="h", xanchor="left", x=0, yanchor="bottom", yref="container", y=0,
                                  font_size=_clamp(fig.layout.legend.font.size, MIN_FONT, MAX_TICK_FONT)))
    if any(t.type in ("scatterpolar", "barpolar") for t in fig.data):
        # the angular labels of a polar chart are outside its domain and do not push the margins: make room
        fig.layout.margin.b = (fig.layout.margin.b or 0) + 36


def _category_labels(trace, axis) -> list[str]:
    if axis.ticktext:
        return list(axis.ticktext)
    return [str(v) for v in (trace.x if trace.x is not None else ())]


def _flip_vertical_bars(fig: go.Figure) -> None:
    """Vertical category bars with long names or many categories become horizontal bars, first category on top."""
    bars = [t for t in fig.data if t.type == "bar"]
    if not bars or len(bars) != len(fig.data) or any(t.orientation == "h" for t in bars):
        return
    layout = fig.layout
    if layout.xaxis.type not in (None, "category", "-"):
        return
    labels = _category_labels(bars[0], layout.xaxis)
    categories = {str(v) for t in bars for v in (t.x if t.x is not None else ())}
    if not categories or len(categories) > FLIP_MAX:
        return
    if len(categories) <= MANY and max((shown_length(label) for label in labels), default=0) <= LONG_NAME:
        return
    for trace in bars:
        trace.update(x=trace.y, y=trace.x, orientation="h")
    xaxis, yaxis = layout.xaxis.to_plotly_json(), layout.yaxis.to_plotly_json()
    layout.xaxis, layout.yaxis = yaxis, xaxis
    if layout.yaxis.autorange is None:
        layout.yaxis.autorange = "reversed"  # the first category on top, as it was on the left
    for shape in layout.shapes:
        shape.update(x0=shape.y0, y0=shape.x0, x1=shape.y1, y1=shape.x1, xref=_swap_ref(shape.yref),
                     yref=_swap_ref(shape.xref))
    span = layout.xaxis.range
    for annotation in layout.annotations:
        if annotation.xref == "paper" and annotation.yref == "paper":
            continue
        annotation.update(x=annotation.y, y=annotation.x, xref=_swap_ref(annotation.yref),
                          yref=_swap_ref(annotation.xref))
        if annotation.yref and annotation.yref.endswith("domain"):
            # a label of a line drawn at a value (a target): above the plot, beside the line, inside the width
            share = (annotation.x - span[0]) / (span[1] - span[0]) if span and span[1] != span[0] else 0.5
            annotation.update(y=1, yanchor="bottom",
                              xanchor="right" if share > 0.6 else "left" if share < 0.4 else "center")
    layout.height = None  # set again for the rows by _bar_rows


def _swap_ref(ref: str | None) -> str | None:
    """An x reference becomes the matching y reference and the other way round ("x domain" -> "y domain")."""
    if ref is None or ref == "paper":
        return ref
    if ref.startswith("x"):
        return "y" + ref[1:]
    if ref.startswith("y"):
        return "x" + ref[1:]
    return ref
