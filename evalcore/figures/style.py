"""The visual style of pages, slides and HTML: colours, the CJK font stack and a Plotly template.

(Named ``style``, not ``theme``: ``evalcore.themes`` is about problem themes, 问题主题.) The one home of the
product's colours; one palette per meaning (issue 28, item 6), so that a colour says one thing across the product:

- **grades** (优/良/中/差): :data:`GRADE_COLORS` (green, blue, orange, red) — only grades use them;
- **整改 status**: :data:`STATUS_COLORS`;
- **attention** (below the target, the bottom of a ranking): :data:`ATTENTION`, a wine red that is neither a
  grade's colour nor a unit's (it used to be the accent orange, which is also 中's);
- **units** and **categories** (problem categories, unit types): :data:`CATEGORICAL`, Paul Tol's "muted" scheme
  (designed to stay distinguishable with colour-blindness) without the wine of ATTENTION. A name always gets the
  same colour: its slot is a hash of its text (categories without their "（一）" number, which changes from one
  evaluation to the next), so a unit keeps its colour from one chart to the next and a category from one
  evaluation to the next; two names of one chart that hash to the same slot take the next free one.

Documented in docs/colours.md.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import plotly.graph_objects as go
import plotly.io as pio

FONT_FAMILY = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
               '"WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif')

PRIMARY = "#1f4e9c"
ACCENT = "#e07b39"
INK = "#1d2433"
MUTED = "#6b7385"
GRID = "#e3e8f0"
PANEL = "#f2f5fa"  # the background of a tile or a block on a slide
ACCENT_TEXT = "#c2622a"  # accent-coloured small text (readable on white)
ON_PRIMARY_MUTED = "#c9d6ee"  # small text on a PRIMARY background (the cover)

SERIES = ["#1f4e9c", "#e07b39", "#2a9d8f", "#8e6cc0", "#d64550", "#6b8e23", "#c9a227", "#4f9fd6"]
BUDGET_COLOR = "#9db7e0"
EXECUTED_COLOR = PRIMARY

GRADE_COLORS = {"优": "#1b8a5a", "良": "#1f4e9c", "中": "#d08a1e", "差": "#c0392b"}
GRADE_BADGE = {"优": "green", "良": "blue", "中": "orange", "差": "red"}
STATUS_COLORS = {"已整改": "#2e9e6a", "整改中": "#3d7fd9", "未开始": "#a5adba", "未整改": "#d64550"}

# --- one palette per meaning ---------------------------------------------------------------------------------

ATTENTION = "#882255"  # below target / bottom N: needs attention
OTHER = "#b8c2d3"  # the 其他 (the rest of a top-N list) and 未指明单位 bars: a light grey, no meaning of its own
TARGET_LINE = "#4d5566"  # the target line itself: a dark grey, dashed
CATEGORICAL = ("#332288", "#88ccee", "#44aa99", "#117733", "#999933", "#ddcc77", "#cc6677", "#aa4499")

_NUMBER_PREFIX = re.compile(r"^\s*[（(][一二三四五六七八九十百零〇\d]+[)）]\s*")


def _slot(name: str, size: int) -> int:
    key = _NUMBER_PREFIX.sub("", str(name)).strip()
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:4], "big") % size


def stable_colors(names: Iterable[str], palette: tuple[str, ...] = CATEGORICAL) -> dict[str, str]:
    """Name -> colour: each name at the slot its text hashes to; a slot already taken by another name of the same
    set gives the next free slot (names taken in sorted order, so the result does not depend on the caller's
    order). More names than colours reuse the palette."""
    out: dict[str, str] = {}
    used: set[int] = set()
    for name in sorted(dict.fromkeys(names), key=str):
        slot = _slot(name, len(palette))
        if len(used) < len(palette):
            while slot in used:
                slot = (slot + 1) % len(palette)
        used.add(slot)
        out[name] = palette[slot]
    return out


def stable_color(name: str, palette: tuple[str, ...] = CATEGORICAL) -> str:
    """The colour of one name on its own (no other name to avoid)."""
    return palette[_slot(name, len(palette))]


TEMPLATE_NAME = "evalboard"


def _template() -> go.layout.Template:
    t = go.layout.Template()
    t.layout = go.Layout(
        font=dict(family=FONT_FAMILY, size=14, color=INK),
        title=dict(font=dict(size=18, color=INK), x=0, xanchor="left"),
        colorway=SERIES,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        margin=dict(l=10, r=20, t=50, b=10),
        xaxis=dict(gridcolor=GRID, zerolinecolor=GRID, automargin=True, title=dict(standoff=8)),
        yaxis=dict(gridcolor=GRID, zerolinecolor=GRID, automargin=True, title=dict(standoff=8)),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1, title=dict(text="")),
        hoverlabel=dict(font=dict(family=FONT_FAMILY, size=14)),
        # labels on and at bars and slices never shrink below 12 px (Plotly fits them to thin bars: 6-7 px)
        uniformtext=dict(minsize=12, mode="show"),
        separators=".,",
    )
    return t


def register() -> str:
    """Register the template and make it the default; returns its name. Idempotent and cheap: every page calls it
    (``components.layout.page``) and so do the exporters that draw Plotly figures; importing does not.

    The default is one template merged here, once: a default of "plotly_white+evalboard" would make Plotly merge
    the two again for every figure (measured: about half of the server CPU of a page view, docs/load.md).
    """
    if TEMPLATE_NAME not in pio.templates:
        pio.templates[TEMPLATE_NAME] = _template()
    merged = "plotly_white_" + TEMPLATE_NAME
    if merged not in pio.templates:
        pio.templates[merged] = pio.templates.merge_templates(pio.templates["plotly_white"],
                                                              pio.templates[TEMPLATE_NAME])
    pio.templates.default = merged
    return TEMPLATE_NAME

