"""Decimal money and half-up (四舍五入) rounding.

Python's ``round()`` rounds half to even (banker's rounding), which is wrong for published figures:
82.685 must become 82.69. Everything here works on :class:`decimal.Decimal`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)

_FULLWIDTH = str.maketrans("０１２３４５６７８９．－＋，％", "0123456789.-+,%")


def to_decimal(value: object) -> Decimal:
    """Exact Decimal from int, str or Decimal; floats go through ``repr`` so 0.1 stays 0.1.

    Raises ``ValueError`` (with the offending value) for anything that is not a number.
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"不是有限数值：{value}")
        return value
    if isinstance(value, bool):
        raise ValueError(f"不是数值：{value}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"不是有限数值：{value}")
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip().translate(_FULLWIDTH)
        if "," in text and not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", text):
            raise ValueError(f"不是数值：{value!r}（千分位逗号位置不对）")
        text = text.replace(",", "")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise ValueError(f"不是数值：{value!r}")
        return Decimal(text)
    raise ValueError(f"不是数值：{value!r}")


def round2(value: Decimal) -> Decimal:
    """Round half-up to 2 decimals: 82.685 -> 82.69, 0.005 -> 0.01, -0.005 -> -0.01."""
    try:
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # pragma: no cover - only for absurd magnitudes
        raise ValueError(f"无法舍入：{value}") from exc


def fmt2(value: Decimal | None) -> str:
    """A plain 2-decimal string ("82.69"), the form used in JSON output. ``None`` gives ""."""
    if value is None:
        return ""
    return f"{round2(value):f}"


def fmt_amount(value: Decimal | None, unit: str = " 万元") -> str:
    """Money with thousands separators: 14331.38 -> "14,331.38 万元"."""
    if value is None:
        return "—"
    return f"{round2(value):,.2f}{unit}"


YI = Decimal(10000)  # 1 亿元 = 10,000 万元
WANYI = Decimal(100000000)  # 1 万亿元 = 100,000,000 万元
COMPACT_FROM = Decimal(100000)  # 10 亿元: from here a tile shows the compact form (the exact one is too wide)


def fmt_amount_compact(value: Decimal | None) -> str:
    """An amount in 万元 in the unit a reader takes in at a glance, marked ≈ (it is rounded, half-up):
    below 1 亿元 the exact figure ("9,999.99 万元"); 1–100 亿元 to one decimal ("≈7.5 亿元"); 100 亿元 to 1 万亿元
    whole ("≈752 亿元"); from 1 万亿元 in 万亿元 to one decimal ("≈1.2 万亿元"). A compact form of the stated
    figure only, never a new one: the exact 万元 figure goes next to it (a tooltip, the table)."""
    if value is None:
        return "—"
    if abs(value) < YI:
        return fmt_amount(value)
    yi = value / YI
    whole, tenth = yi.quantize(Decimal(1), ROUND_HALF_UP), yi.quantize(Decimal("0.1"), ROUND_HALF_UP)
    if abs(whole) * YI >= WANYI:  # the unit is chosen on the rounded figure: never "≈100.0 亿元" or "≈10,000 亿元"
        shown, unit = (value / WANYI).quantize(Decimal("0.1"), ROUND_HALF_UP), "万亿元"
    elif abs(tenth) >= 100:
        shown, unit = whole, "亿元"
    else:
        shown, unit = tenth, "亿元"
    return f"≈{shown:,f} {unit}"


def tile_amount(value: Decimal | None) -> tuple[str, str | None]:
    """A KPI tile's amount: (what the tile shows, the exact figure for its tooltip or None). Exact below
    ``COMPACT_FROM`` (10 亿元: "99,999.99 万元" still fits a tile at 1280 px); the compact form above it."""
    if value is None or abs(value) < COMPACT_FROM:
        return fmt_amount(value), None
    return fmt_amount_compact(value), f"精确值 {fmt_amount(value)}"


def bar_amount(value: Decimal | None) -> str:
    """A bar's label on an axis in 万元: the exact figure without the unit (the axis names it) below
    ``COMPACT_FROM``, the compact form above it ("≈740 亿元"), so a province's bar never prints 7,402,282.29."""
    if value is None or abs(value) < COMPACT_FROM:
        return fmt_amount(value, "")
    return fmt_amount_compact(value)


def money_axis(values: Iterable[Decimal | None]) -> tuple[Decimal, str]:
    """The unit a chart's money axis is drawn in: (divisor from 万元, unit). 亿元 once the largest value reaches
    ``COMPACT_FROM`` (a province's 7,402,282.29 万元 reads as 740 on an axis in 亿元, not as 7,000,000), else 万元."""
    top = max((abs(v) for v in values if v is not None), default=Decimal(0))
    return (YI, "亿元") if top >= COMPACT_FROM else (Decimal(1), "万元")


def bar_label(value: Decimal | None, unit: str) -> str:
    """A bar's label on a money axis drawn in ``unit`` (see :func:`money_axis`): on 万元 the exact figure without
    the unit (the axis names it); on 亿元 every label with its unit, compact from 1 亿元 ("≈740 亿元") and exact
    below it ("3,200.00 万元"), since an exact 万元 figure without its unit would be read in 亿元."""
    if unit == "万元":
        return bar_amount(value)
    if value is not None and value == 0:
        return "0"
    return fmt_amount_compact(value)


def fmt_size(n_bytes: int) -> str:
    """A file size, the one way every page writes it (1 KB = 1024 bytes): 46080 -> "45.0 KB", 3.5 MiB -> "3.5 MB"."""
    if n_bytes < 1024 * 1024:
        return f"{n_bytes / 1024:.1f} KB"
    return f"{n_bytes / (1024 * 1024):.1f} MB"


def fmt_rate(value: Decimal | None) -> str:
    """A percentage already expressed in %, e.g. Decimal("82.6925") -> "82.69%"."""
    if value is None:
        return "—"
    return f"{round2(value):.2f}%"


def fmt_score(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{round2(value):.2f}"


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole x 100, unrounded; ``None`` when whole is zero."""
    if whole == ZERO:
        return None
    return part / whole * HUNDRED


def to_float(value: Decimal | None) -> float | None:
    """The chart boundary: the only place a float is made from money, rates or scores."""
    return None if value is None else float(value)
