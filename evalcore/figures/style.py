"""The visual style of pages, slides and HTML: colours, the CJK font stack and a Plotly template.

(Named ``style``, not ``theme``: ``evalcore.themes`` is about problem themes, 问题主题.)
"""
from __future__ import annotations

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

