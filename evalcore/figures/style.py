"""The visual style of pages, slides and HTML: colours, the CJK font stack and a Plotly template.

(Named ``style``, not ``theme``: ``evalcore.problem_themes`` is about problem themes, 问题主题.) The one home of the
product's colours; one palette per meaning (issue 28, item 6), so that a colour says one thing across the product:

- **the figure itself**: :data:`PRIMARY` (navy), :data:`BUDGET_COLOR` for 预算 beside 实际执行;
- **grades** (优/良/中/差): :data:`GRADE_COLORS` (green, blue, amber, red) — only grades use them;
- **整改 status**: :data:`STATUS_COLORS` (teal, violet, light grey, and ATTENTION for 未整改);
- **attention** (below the target, the bottom of a ranking, 未整改, the 示例数据 label): :data:`ATTENTION`, a wine
  red that is neither a grade's colour nor a unit's;
- **the target line**: :data:`TARGET_LINE`; **the rest** (其他): :data:`OTHER`;
- **units** and **categories** (problem categories, unit types): :data:`CATEGORICAL`, Paul Tol's "muted" scheme
  (designed to stay distinguishable with colour-blindness) without the wine of ATTENTION. A name always gets the
  same colour: its slot is a hash of its text (categories without their "（一）" number, which changes from one
  evaluation to the next), so a unit keeps its colour from one chart to the next and a category from one
  evaluation to the next; two names of one chart that hash to the same slot take the next free one.

Every palette stays distinguishable with deuteranopia, protanopia and tritanopia and text colours reach 4.5:1
(tests/unit/test_colours.py). Documented in docs/colours.md.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import plotly.graph_objects as go
import plotly.io as pio

FONT_FAMILY = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
               '"WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif')

# --- the figure itself, text and surfaces ------------------------------------------------------------------------

PRIMARY = "#1f4e9c"  # the figure itself: an amount, a count, a score, a rate (navy)
BUDGET_COLOR = "#9db7e0"  # 预算 next to 实际执行 (a tint of PRIMARY)
EXECUTED_COLOR = PRIMARY
INK = "#1d2433"  # text
MUTED = "#5f6779"  # secondary text: 5.2:1 on PANEL, 5.7:1 on white (was #6b7385, 4.35:1 on PANEL)
GRID = "#e3e8f0"
PANEL = "#f2f5fa"  # the background of a tile or a block on a slide
ON_PRIMARY_MUTED = "#c9d6ee"  # small text on a PRIMARY background (the cover): 5.5:1

# --- one palette per meaning ---------------------------------------------------------------------------------

ATTENTION = "#882255"  # needs a second look: below target, bottom N, 未整改, 退回, items still open (wine)
ACCENT = ATTENTION  # the 示例数据 label and the cover's bar: "look twice" too (was an orange, which is 中's)
ACCENT_TEXT = ATTENTION  # small text in that colour: 8.7:1 on white
OTHER = "#b8c2d3"  # the 其他 (the rest of a top-N list) and 未指明单位 bars: a light grey, no meaning of its own
TARGET_LINE = "#4d5566"  # the target line itself: a dark grey, dashed

# 等次, ordered from good to bad: green, blue, amber, red (the hues of the grade badges). Only grades use them.
GRADE_COLORS = {"优": "#1a6b45", "良": "#4c9be8", "中": "#e8a317", "差": "#b2182b"}
GRADE_BADGE = {"优": "green", "良": "blue", "中": "orange", "差": "red"}
# 整改 status: teal (done), violet (under way), light grey (not begun), ATTENTION (not rectified: needs attention).
STATUS_COLORS = {"已整改": "#1f7a86", "整改中": "#7b5fb5", "未开始": "#c3c9d4", "未整改": ATTENTION}
# Units, unit types and categories: Paul Tol's "muted" scheme without its wine (ATTENTION's), by a stable hash.
CATEGORICAL = ("#332288", "#88ccee", "#44aa99", "#117733", "#999933", "#ddcc77", "#cc6677", "#aa4499")
# Plotly's colorway, for traces given no colour of their own: the figure, then the categorical colours.
SERIES = [PRIMARY, *CATEGORICAL]

PALETTES = {"grades": tuple(GRADE_COLORS.values()), "status": tuple(STATUS_COLORS.values()),
            "categories": CATEGORICAL}


def luminance(color: str) -> float:
    """WCAG relative luminance of "#rrggbb"."""
    channels = [int(color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(fill: str) -> str:
    """The label colour for text on ``fill``: white or INK, whichever contrasts more."""
    return "#ffffff" if contrast("#ffffff", fill) >= contrast(INK, fill) else INK


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

