"""The visual theme for pages: the same colours, font stack and Plotly template as the exports.

Defined once in ``evalcore.figures.style`` (the exports need it and evalcore never imports components); this module
re-exports it under its old name so pages and components keep ``from components import theme``.
"""
from evalcore.figures.style import (
    ACCENT,
    ACCENT_TEXT,
    BUDGET_COLOR,
    EXECUTED_COLOR,
    FONT_FAMILY,
    GRADE_BADGE,
    GRADE_COLORS,
    GRID,
    INK,
    MUTED,
    ON_PRIMARY_MUTED,
    PANEL,
    PRIMARY,
    SERIES,
    STATUS_COLORS,
    TEMPLATE_NAME,
    register,
)

__all__ = ["ACCENT", "ACCENT_TEXT", "BUDGET_COLOR", "EXECUTED_COLOR", "FONT_FAMILY", "GRADE_BADGE", "GRADE_COLORS",
           "GRID", "INK", "MUTED", "ON_PRIMARY_MUTED", "PANEL", "PRIMARY", "SERIES", "STATUS_COLORS", "TEMPLATE_NAME",
           "register"]
