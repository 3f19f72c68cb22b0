"""Where a headline figure stands (issue 28, "KPI cards that say where a figure stands"): its distance to the
target, a red / amber / green mark with its rule stated, and its change against the same evaluation last year
(同比) where the store holds one.

Pure functions on figures and store records; the pages draw them (``components.stated``).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .numbers import round2

AMBER_BAND = Decimal(10)  # percentage points below the target that are still amber


@dataclass(frozen=True)
class Mark:
    colour: str  # "green" | "orange" | "red" (Streamlit badge colours)
    label: str  # 达标 / 接近目标 / 明显低于目标
    rule: str  # the rule, in words


def rule_text(target: Decimal) -> str:
    t = f"{round2(target):.2f}%"
    return (f"绿：达到目标 {t}；黄：低于目标不超过 {AMBER_BAND:.0f} 个百分点；"
            f"红：低于目标 {AMBER_BAND:.0f} 个百分点以上")


def rate_mark(rate: Decimal | None, target: Decimal | None) -> Mark | None:
    """The red / amber / green mark of an execution rate against its target (None without either)."""
    if rate is None or target is None:
        return None
    rule = rule_text(target)
    if rate >= target:
        return Mark("green", "达标", rule)
    if rate >= target - AMBER_BAND:
        return Mark("orange", "接近目标", rule)
    return Mark("red", "明显低于目标", rule)


def points(delta: Decimal) -> str:
    """A difference of rates: "+4.64 个百分点" / "-7.31 个百分点"."""
    value = round2(delta)
    return f"{'+' if value >= 0 else ''}{value:.2f} 个百分点"


def target_delta(rate: Decimal | None, target: Decimal | None) -> str | None:
    """The distance to the target, signed first (a metric's delta): "+4.64 个百分点" (None without either)."""
    if rate is None or target is None:
        return None
    return points(rate - target)


def change(now: Decimal | None, before: Decimal | None) -> str | None:
    """An amount's change on last year (同比), signed first: "+12.30%" (None when either is missing or last
    year's is zero)."""
    if now is None or before is None or before == 0:
        return None
    pct = round2((now - before) / before * Decimal(100))
    return f"{'+' if pct >= 0 else ''}{pct:.2f}%"


_YEAR = re.compile(r"(19|20)\d{2}\s*年?度?")


def _title_key(title: str) -> str:
    return _YEAR.sub("", title or "").strip()


def previous_year(infos: Iterable, region: str, year: int | None, title: str):
    """The same evaluation a year earlier among the store's evaluations (same region, year - 1, same title once
    the years are taken out), or None."""
    if year is None:
        return None
    key = _title_key(title)
    for info in infos:
        if info.year == year - 1 and info.region == region and _title_key(info.title) == key:
            return info
    return None


def score_change(now: Decimal | None, before: Decimal | None) -> str | None:
    """A score's change on last year, signed first: "+1.50 分" (None when either is missing)."""
    if now is None or before is None:
        return None
    value = round2(now - before)
    return f"{'+' if value >= 0 else ''}{value:.2f} 分"


def previous_unit_row(history: Iterable[Mapping], evaluation_id: int, year: int | None, title: str) -> dict | None:
    """The same unit a year earlier among its rows across the store's evaluations (``history``: the rows of one
    unit identity, matched by normalised name and the alias table, as ``archive.query.unit_history`` gives them):
    the row of year - 1 in another evaluation; of several, the one whose title is this one's without the year;
    None when there is none or no single one (同比 is said only where it is unambiguous)."""
    if year is None:
        return None
    rows = [dict(r) for r in history if r.get("year") == year - 1 and r.get("evaluation_id") != evaluation_id]
    if len(rows) > 1:
        key = _title_key(title)
        rows = [r for r in rows if _title_key(str(r.get("title") or "")) == key]
    return rows[0] if len(rows) == 1 else None


__all__ = ["AMBER_BAND", "Mark", "change", "points", "previous_unit_row", "previous_year", "rate_mark", "rule_text",
           "score_change", "target_delta"]
