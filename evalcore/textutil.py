"""Small text helpers shared by the exports, the charts, the publish preview (diff) and the pages: one way to shorten a
label with "…"."""
from __future__ import annotations

ELLIPSIS = "…"


def shorten(text: object, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last of them "…" when anything was cut (at least one character
    of the text is kept)."""
    s = str(text)
    return s if len(s) <= limit else s[:max(1, limit - 1)] + ELLIPSIS
