"""evalcore.numbers: Decimal conversion and half-up (四舍五入) rounding; Python's round() is banker's rounding."""
from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalcore.numbers import (
    bar_amount,
    bar_label,
    fmt2,
    fmt_amount,
    fmt_rate,
    fmt_score,
    money_axis,
    percent,
    round2,
    to_decimal,
    to_float,
)

D = Decimal


# --- round2 -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("82.685", "82.69"),
    ("0.005", "0.01"),
    ("2.675", "2.68"),
    ("-0.005", "-0.01"),
    ("86.975", "86.98"),
    ("82.6891", "82.69"),
    ("98.3608", "98.36"),
    ("0.004999", "0.00"),
    ("1.995", "2.00"),
    ("99.995", "100.00"),
    ("-2.675", "-2.68"),
    ("14331.38", "14331.38"),
    ("5", "5.00"),
    ("0", "0.00"),
])
def test_round2_is_half_up(value: str, expected: str) -> None:
    result = round2(D(value))
    assert result == D(expected)
    assert str(result) == expected  # always exactly two decimals
    assert result.as_tuple().exponent == -2


def test_round2_differs_from_python_round_where_it_must() -> None:
    # Python's round() is the trap the design warns about: banker's rounding for Decimal, binary error for float.
    assert round(2.675, 2) == 2.67
    assert round2(D("2.675")) == D("2.68")
    assert round(D("82.685"), 2) == D("82.68")
    assert round2(D("82.685")) == D("82.69")
    assert round(D("0.005"), 2) == D("0.00")
    assert round2(D("0.005")) == D("0.01")


def test_round2_does_not_go_through_float() -> None:
    # 1.005 is 1.00499999999999989... as a float: a float detour would give 1.00.
    assert round2(D("1.005")) == D("1.01")
    assert round2(to_decimal(1.005)) == D("1.01")


_DECIMALS = st.builds(
    lambda n, k: D(n).scaleb(-k),
    st.integers(min_value=-10**15, max_value=10**15),
    st.integers(min_value=0, max_value=8),
)


def _half_up_by_integers(x: Decimal) -> Decimal:
    """An independent oracle: scale by 100, add one half, truncate, with the sign applied afterwards."""
    sign = -1 if x < 0 else 1
    scaled = abs(x) * 100 + D("0.5")
    return D(sign * int(scaled)) / 100


@given(_DECIMALS)
def test_round2_property(x: Decimal) -> None:
    r = round2(x)
    assert r == x.quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert r == _half_up_by_integers(x)
    assert abs(r - x) <= D("0.005")
    assert r.as_tuple().exponent == -2
    assert round2(r) == r  # idempotent
    assert round2(-x) == -r  # half-up rounds away from zero symmetrically


@given(_DECIMALS)
def test_fmt2_property(x: Decimal) -> None:
    text = fmt2(x)
    assert re.fullmatch(r"-?\d+\.\d{2}", text), text
    assert D(text) == round2(x)


# --- to_decimal -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("82.69", "82.69"),
    ("  3400.06 ", "3400.06"),
    ("-3.5", "-3.5"),
    ("+5", "5"),
    (".5", "0.5"),
    (82, "82"),
    (0, "0"),
    (-7, "-7"),
    (0.1, "0.1"),  # through repr: exactly 0.1, not 0.1000000000000000055511151231257827
    (82.69, "82.69"),
    (3400.06, "3400.06"),
    (D("10931.32"), "10931.32"),
    ("８２．６９", "82.69"),  # full-width digits and full-width point
    ("１０９３１．３２", "10931.32"),
    ("－５", "-5"),
    ("14,331.38", "14331.38"),  # thousands separators
    ("1,234,567.5", "1234567.5"),
    ("１４，３３１．３８", "14331.38"),  # full-width comma as thousands separator
])
def test_to_decimal_accepts(value: object, expected: str) -> None:
    result = to_decimal(value)
    assert isinstance(result, Decimal)
    assert result == D(expected)


def test_to_decimal_float_is_exact_repr() -> None:
    assert str(to_decimal(0.1)) == "0.1"
    assert str(to_decimal(2811.47)) == "2811.47"


def test_to_decimal_returns_decimal_unchanged() -> None:
    d = D("1.50")
    assert to_decimal(d) is d


@pytest.mark.parametrize("value", [
    "abc", "", "   ", "3400.06万元", "82.69%", "1.2.3", "--5", "5-", "十", "１２a",
    True, False, None, [1], {"a": 1}, b"12",
    float("nan"), float("inf"), float("-inf"), D("NaN"), D("Infinity"), D("-Infinity"), D("sNaN"),
])
def test_to_decimal_rejects(value: object) -> None:
    with pytest.raises(ValueError) as info:
        to_decimal(value)
    message = str(info.value)
    assert re.search(r"[\u4e00-\u9fff]", message), message  # a Chinese message


def test_to_decimal_message_names_the_value() -> None:
    with pytest.raises(ValueError, match="abc"):
        to_decimal("abc")
    with pytest.raises(ValueError, match="不是"):
        to_decimal(True)


@pytest.mark.parametrize("value", ["3400,06", "1,2,3"])
def test_to_decimal_rejects_misplaced_separators(value: str) -> None:
    # A comma that is not a thousands separator must not be silently dropped: "3400,06" (a decimal comma typed by
    # mistake) would otherwise be read as 340006 万元, a hundredfold error nobody is told about.
    with pytest.raises(ValueError):
        to_decimal(value)


@given(_DECIMALS)
def test_to_decimal_round_trips_plain_strings(x: Decimal) -> None:
    assert to_decimal(format(x, "f")) == x


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_to_decimal_float_keeps_the_float(f: float) -> None:
    d = to_decimal(f)
    assert float(d) == f
    assert d == D(repr(f))


# --- formatting -------------------------------------------------------------------------------------------

def test_fmt_amount() -> None:
    assert fmt_amount(D("14331.38")) == "14,331.38 万元"
    assert fmt_amount(D("3400.06")) == "3,400.06 万元"
    assert fmt_amount(D("588.585")) == "588.59 万元"  # half-up
    assert fmt_amount(D("1234567.125")) == "1,234,567.13 万元"
    assert fmt_amount(D("0")) == "0.00 万元"
    assert fmt_amount(D("14331.38"), unit="") == "14,331.38"
    assert fmt_amount(None) == "—"


def test_fmt_rate() -> None:
    assert fmt_rate(D("82.6925")) == "82.69%"
    assert fmt_rate(D("82.685")) == "82.69%"
    assert fmt_rate(D("98.3608")) == "98.36%"
    assert fmt_rate(D("100")) == "100.00%"
    assert fmt_rate(None) == "—"


def test_fmt2() -> None:
    assert fmt2(D("82.6925")) == "82.69"
    assert fmt2(D("86.975")) == "86.98"
    assert fmt2(D("14331.38")) == "14331.38"  # no thousands separator in the JSON form
    assert fmt2(D("5")) == "5.00"
    assert fmt2(D("1E+3")) == "1000.00"  # never scientific notation
    assert fmt2(D("-0.005")) == "-0.01"
    assert fmt2(None) == ""


def test_fmt_score() -> None:
    assert fmt_score(D("86.98")) == "86.98"
    assert fmt_score(D("86.975")) == "86.98"
    assert fmt_score(D("90")) == "90.00"
    assert fmt_score(None) == "—"


# --- percent and the chart boundary -----------------------------------------------------------------------

def test_percent() -> None:
    assert round2(percent(D("2811.47"), D("3400.06"))) == D("82.69")
    assert round2(percent(D("10752.13"), D("10931.32"))) == D("98.36")
    assert percent(D(1), D(4)) == D(25)
    assert percent(D(0), D(5)) == D(0)
    assert percent(D(13), D(19)) == D(13) / D(19) * 100  # unrounded


def test_percent_zero_whole_is_none() -> None:
    assert percent(D(5), D(0)) is None
    assert percent(D(0), D(0)) is None
    assert percent(D(5), D("0.00")) is None


def test_to_float() -> None:
    assert to_float(None) is None
    value = to_float(D("82.69"))
    assert isinstance(value, float)
    assert math.isclose(value, 82.69)


def test_fmt_amount_compact_reads_at_a_glance() -> None:
    """Issue 28: 7,519,816.44 万元 reads as ≈752 亿元; half-up, the unit chosen on the rounded figure."""
    from evalcore.numbers import fmt_amount_compact
    assert fmt_amount_compact(D("7519816.44")) == "≈752 亿元"
    assert fmt_amount_compact(D("7538209.50")) == "≈754 亿元"
    assert fmt_amount_compact(D("75000")) == "≈7.5 亿元"
    assert fmt_amount_compact(D("75250")) == "≈7.5 亿元"  # 7.525 -> 7.5 (one decimal)
    assert fmt_amount_compact(D("75500")) == "≈7.6 亿元"  # 7.55 half-up -> 7.6 (round() would give 7.6 too)
    assert fmt_amount_compact(D("72500")) == "≈7.3 亿元"  # 7.25 half-up; banker's rounding gives 7.2
    assert fmt_amount_compact(D("7525000")) == "≈753 亿元"  # 752.5 half-up; banker's rounding gives 752
    assert fmt_amount_compact(D("999950")) == "≈100 亿元"  # 99.995 rounds to 100.0: whole 亿, never "100.0"
    assert fmt_amount_compact(D("99999999")) == "≈1.0 万亿元"
    assert fmt_amount_compact(D("123456789")) == "≈1.2 万亿元"
    assert fmt_amount_compact(D("-7519816.44")) == "≈-752 亿元"
    assert fmt_amount_compact(D("9999.99")) == "9,999.99 万元"  # below 1 亿元 the exact figure, no ≈
    assert fmt_amount_compact(None) == "—"


def test_tile_amount_is_exact_where_it_fits() -> None:
    from evalcore.numbers import tile_amount
    assert tile_amount(D("14331.38")) == ("14,331.38 万元", None)  # the seed: exact, as the report states it
    assert tile_amount(D("99999.99")) == ("99,999.99 万元", None)
    assert tile_amount(D("7519816.44")) == ("≈752 亿元", "精确值 7,519,816.44 万元")
    assert tile_amount(None) == ("—", None)


def test_a_bar_label_is_exact_below_ten_yi_and_compact_above():
    assert bar_amount(Decimal("14331.38")) == "14,331.38"
    assert bar_amount(Decimal("99999.99")) == "99,999.99"
    assert bar_amount(Decimal("7402282.29")) == "≈740 亿元"
    assert bar_amount(None) == "—"


def test_a_money_axis_turns_to_亿元_where_a_bar_label_would_turn_compact() -> None:
    assert money_axis([Decimal("14331.38"), None, Decimal("99999.99")]) == (Decimal(1), "万元")
    assert money_axis([Decimal("3200"), Decimal("100000")]) == (Decimal(10000), "亿元")
    assert money_axis([]) == (Decimal(1), "万元")
    assert bar_label(Decimal("3200"), "万元") == "3,200.00"  # the axis names the unit
    assert bar_label(Decimal("3200"), "亿元") == "3,200.00 万元"  # never read as 3,200 亿元
    assert bar_label(Decimal("132000"), "亿元") == "≈13.2 亿元"
    assert bar_label(Decimal("0"), "亿元") == "0" and bar_label(None, "亿元") == "—"
