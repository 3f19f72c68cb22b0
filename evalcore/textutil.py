"""Small text helpers shared by the exports, the charts, the publish preview (diff) and the pages: one way to shorten a
label with "…"."""
from __future__ import annotations

ELLIPSIS = "…"


def shorten(text: object, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last of them "…" when anything was cut (at least one character
    of the text is kept)."""
    s = str(text)
    return s if len(s) <= limit else s[:max(1, limit - 1)] + ELLIPSIS


def join_phrase(head: str, tail: str, min_overlap: int = 2) -> str:
    """``head + tail`` without saying the shared words twice: a generated sentence puts a field before fixed
    words, and a 评价项目 that ends in 资金 followed by "资金总额" read "…专项资金资金总额". The longest end of
    ``head`` (at least ``min_overlap`` characters) that ``tail`` starts with is written once:
    join_phrase("产业发展专项资金", "资金总额为") -> "产业发展专项资金总额为"."""
    for n in range(min(len(head), len(tail)), min_overlap - 1, -1):
        if head.endswith(tail[:n]):
            return head + tail[n:]
    return head + tail
