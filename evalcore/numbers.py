"""Decimal money and half-up (四舍五入) rounding.

Python's ``round()`` rounds half to even (banker's rounding), which is wrong for published figures:
82.685 must become 82.69. Everything here works on :class:`decimal.Decimal`.
"""
from __future__ import annotations

import re
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
