"""One palette per meaning (issue 28, item 6), so that a colour says one thing across the product:

- **grades** (优/良/中/差): ``style.GRADE_COLORS`` (green, blue, orange, red) — only grades use them;
- **整改 status**: ``style.STATUS_COLORS``;
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

ATTENTION = "#882255"  # below target / bottom N: needs attention
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


__all__ = ["ATTENTION", "CATEGORICAL", "TARGET_LINE", "stable_color", "stable_colors"]
