"""Cell conversion: one cell's value as the column's kind wants it (text, int, Decimal, date, list), or a Chinese
message saying what to type instead; also the text helpers the reader shares (blank cells, stray spaces, Excel
column letters).

- A number written with 万/万元 in a 万元 column ("3400.06万元"), or with full-width digits ("３４００．０６"), is an
  error that gives the number to type; 元, 千元 and 亿元 are refused with the converted figure in the message.
- Text that merely looks like "#N/A" or "=SUM(...)" is text.
- Characters that are not seen themselves (every format character, Unicode category Cf: direction overrides,
  embeddings and isolates U+202A–U+202E and U+2066–U+2069, the direction marks, zero-width spaces and joiners
  U+200B–U+200D, the word joiner U+2060, the byte order mark U+FEFF, the soft hyphen U+00AD, the tag characters
  U+E0001–U+E007F..., and control characters other than tab and line breaks) are dropped from every cell with a
  warning (:func:`visible_text`, the one function that cleans and whose effect the warning states): an override
  left open in a unit name would otherwise reverse the app's own words after it, on every page and in every
  export, and a zero-width character would make two names that look the same differ. Every
  Evaluation comes from this reader (an upload, the store, the CLI), so this is the one place for workbook text;
  :func:`visible_text` is also what the app's plain-text helpers apply to any other text they display.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any

from ..numbers import to_decimal
from .spec import MAX_NUMBER, MIN_NONZERO, ColumnSpec

_OPENPYXL_COLUMNS = 18278  # ZZZ: openpyxl's letters stop there (Excel's at XFD, 16384)


def col_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A). openpyxl is imported here, not with the module: reading a
    workbook (python-calamine) does not need it."""
    from openpyxl.utils.cell import get_column_letter

    if index >= _OPENPYXL_COLUMNS:  # only in a hostile file (a merged range to column AAAAA): the message still
        rest, last = divmod(index, 26)  # names it, one letter more per factor 26
        return col_letter(rest - 1) + chr(65 + last)
    return get_column_letter(index + 1)


def col_index(letters: str) -> int:
    """Excel letters -> 0-based column index (A -> 0)."""
    from openpyxl.utils.cell import column_index_from_string

    return column_index_from_string(letters) - 1


_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_UNIT_SUFFIX = re.compile(r"(.*?)\s*(万元|万|亿元|亿|千元|元)")
_NUMBER_HINT = "请只填写数字，例如 3400.06"


def is_blank(value: Any) -> bool:
    """An empty cell: None, "" (how python-calamine gives empty cells) or only whitespace."""
    return value is None or value == "" or (type(value) is str and not value.strip())


def clean_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def plain_number(number: Decimal) -> str:
    """A Decimal as people write it: 3400.06, 0.5, 100 (no exponent, no trailing zeros)."""
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _number_with_unit(col: ColumnSpec, text: str) -> tuple[Decimal | None, str | None, str | None]:
    """A number written with a money unit ("3400.06万元", "34000600元"): (value, problem, note)."""
    m = _UNIT_SUFFIX.fullmatch(text)
    if not m:
        return None, None, None
    try:
        number = to_decimal(m.group(1))
    except ValueError:
        return None, None, None
    unit = m.group(2)
    in_wan = "万元" in col.header
    if not in_wan:
        return None, f"应为数值，本列不是金额列，请去掉“{unit}”字，{_NUMBER_HINT}", None
    if unit in ("万元", "万"):
        return None, (f"应为数值：列名已注明单位为万元，请只填数字 {plain_number(number)}，不要带“{unit}”字"), None
    factor = {"亿元": Decimal(10000), "亿": Decimal(10000), "千元": Decimal("0.1"), "元": Decimal("0.0001")}[unit]
    wan = plain_number(number * factor)
    return None, (f"应为数值，且单位为万元：“{text}”以“{unit}”为单位，请换算为万元后只填数字"
                  f"（{plain_number(number)} {unit} = {wan} 万元，应填 {wan}）"), None


# full-width digits, . , + - % and the ideographic space: the message gives the half-width number (NFKC)
_FULL_WIDTH_NUMBER = re.compile("[\uff10-\uff19\uff0e\uff0c\uff0b\uff0d\uff05\u3000]")


# Every format character (Unicode category Cf: bidirectional embeddings, overrides and isolates, the direction
# marks, zero-width spaces and joiners, the word joiner and invisible operators, the BOM, the soft hyphen, the
# interlinear annotation marks, the tag characters, ...; a test checks the list against unicodedata), and C0/C1
# control characters except tab and line breaks.
_FORMAT_CHARS = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
                 "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
                 "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + _FORMAT_CHARS + "]")
_CONTROL_NOTE = ("含有看不见的控制字符或格式字符（如改变文字方向的 U+202E、零宽空格 U+200B、软连字符 U+00AD），"
                 "会使文字倒序、错乱显示或看起来相同却不相同，读取时已删除；"
                 "请在 Excel 中删除该单元格中的这些字符（可重新输入该单元格）后再上传")


def visible_text(text: str) -> str:
    """``text`` without the characters that are not seen (controls and every format character, see the module
    docstring): the one cleaning function, used by the reader (with its warning) and the app's text helpers."""
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text


def has_controls(text: str) -> bool:
    return _CONTROLS.search(text) is not None


def convert_cell(col: ColumnSpec, value: Any) -> tuple[Any, str | None, str | None]:
    """(converted value, problem, note): a problem is an error, a note is a warning about how it was read."""
    if type(value) is str and _CONTROLS.search(value):
        converted, problem, note = convert_cell(col, visible_text(value))
        return converted, problem, note or _CONTROL_NOTE
    if value is None:
        return None, None, None
    if type(value) is str:
        value = value.strip()
        if not value:
            return None, None, None
    if col.kind == "text":
        text = value if type(value) is str else clean_text(value)
        if isinstance(col.choices, tuple) and col.choices and text not in col.choices:
            return None, f"不是可选的值，请从下拉列表中选择：{'、'.join(col.choices)}", None
        return text, None, None
    if col.kind == "list":
        parts = [p.strip() for p in re.split(r"[;；,，、\s]+", clean_text(value)) if p.strip()]
        return tuple(parts), None, None
    if col.kind in ("decimal", "int"):
        note = None
        number: Decimal | int | None
        if isinstance(value, bool) or isinstance(value, (dt.date, dt.time, dt.timedelta)):
            return None, f"应为数值，不能是日期、时间或是/否，{_NUMBER_HINT}", None
        if type(value) is str and _FULL_WIDTH_NUMBER.search(value):
            half = re.sub(r"\s*(万元|万)$", "", unicodedata.normalize("NFKC", value).strip())
            return None, f"数字中有全角字符，请改为半角数字（应填 {half}），或把单元格设为数值格式后重新输入", None
        try:
            number = to_decimal(value)
        except ValueError:
            text = str(value).strip()
            number, problem, note = _number_with_unit(col, text)
            if problem:
                return None, problem, None
            if number is None:
                if "%" in text or "％" in text:
                    return None, "应为数值，请去掉百分号（本列已按 % 计，例如填 82.69）", None
                return None, f"应为数值，{_NUMBER_HINT}", None
        if abs(number) > MAX_NUMBER:
            return None, f"数值过大（超过 {MAX_NUMBER:,.0f}），请检查是否填错或单位是否为万元", None
        if number != 0 and abs(number) < MIN_NONZERO:
            return None, "数值过小（接近 0 但不为 0），请检查是否填错", None
        if col.kind == "int":
            if number != number.to_integral_value():
                return None, "应为整数，请去掉小数部分，例如填 1", None
            number = int(number)
        if col.minimum is not None and number < col.minimum:
            if col.minimum == 0:
                return None, "不能为负数，请填写 0 或正数", None
            return None, f"不能小于 {col.minimum}，{_range_hint(col)}", None
        if col.maximum is not None and number > col.maximum:
            return None, f"不能大于 {col.maximum}，{_range_hint(col)}", None
        return number, None, note
    if col.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date(), None, None
        if isinstance(value, dt.date):
            return value, None, None
        m = _DATE_RE.fullmatch(str(value).strip())
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), None, None
            except ValueError:
                return None, "不是有效的日期（该月没有这一天或月份超出 1～12），请改正，例如 2024-06-30", None
        return None, "应为日期，请填写如 2024-06-30 的日期（年-月-日），或把单元格设为日期格式", None
    raise ValueError(f"unknown column kind {col.kind}")  # pragma: no cover - a spec bug


def _range_hint(col: ColumnSpec) -> str:
    if col.minimum is not None and col.maximum is not None:
        return f"请填写 {col.minimum} 到 {col.maximum} 之间的数"
    if col.minimum is not None:
        return f"请填写不小于 {col.minimum} 的数"
    return f"请填写不大于 {col.maximum} 的数"


_INF = float("inf")


def cell_converter(col: ColumnSpec) -> Any:
    """A function ``cell -> (value, problem, note)`` equal to ``convert_cell(col, cell)`` for every cell, with a fast
    path for the cells that are almost all of a big sheet (text in a free-text column, a plain number in a number
    column that is in range); anything else, including every cell that has a problem, goes through
    :func:`convert_cell` itself, so the messages are the same.
    """
    if col.kind == "text" and not (isinstance(col.choices, tuple) and col.choices):
        def text(cell: Any) -> tuple[Any, str | None, str | None]:
            if type(cell) is str and not _CONTROLS.search(cell):
                cell = cell.strip()
                return (cell or None), None, None
            return convert_cell(col, cell)
        return text
    if col.kind in ("decimal", "int"):
        is_int, low, high = col.kind == "int", col.minimum, col.maximum

        def number(cell: Any) -> tuple[Any, str | None, str | None]:
            t = type(cell)
            value: Decimal | int
            if t is float:
                if cell != cell or cell == _INF or cell == -_INF:
                    return convert_cell(col, cell)
                value = Decimal(repr(cell))
            elif t is int:
                value = Decimal(cell)
            else:
                return convert_cell(col, cell)
            size = abs(value)
            if size > MAX_NUMBER or (value and size < MIN_NONZERO):
                return convert_cell(col, cell)
            if is_int:
                if value != value.to_integral_value():
                    return convert_cell(col, cell)
                value = int(value)
            if (low is not None and value < low) or (high is not None and value > high):
                return convert_cell(col, cell)
            return value, None, None
        return number
    return lambda cell: convert_cell(col, cell)


def convert(col: ColumnSpec, value: Any) -> tuple[Any, str | None]:
    """(converted value, None) or (None, Chinese message). Empty cells convert to None."""
    value, problem, _ = convert_cell(col, value)
    return value, problem


_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff" + _CONTROLS.pattern[1:-1] + "]+")


def norm_text(text: str) -> str:
    """Text without any whitespace or invisible characters: how names with stray spaces are matched."""
    return _INVISIBLE.sub("", str(text))
