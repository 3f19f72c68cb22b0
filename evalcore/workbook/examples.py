"""The template's example rows (issue 28, item 3): marked as such in the template, refused before publishing.

Every data sheet of the template (``evalcore.template``) holds one example row, and 评价信息 example values; each
carries :data:`EXAMPLE_MARK` in one of its text cells (the spec's ``example`` values), so an example left as the
template had it is found wherever it ends up: a row still holding the mark is an error naming the sheet and row,
and the workbook cannot be published until the row is rewritten or deleted. A workbook's own words are never
taken for an example: the mark is a phrase of the template's, not "（示例）" (which real workbooks use to label
illustrative figures, e.g. the seed's 指标评分 notes).
"""
from __future__ import annotations

from typing import Any

from .messages import Collector
from .spec import EXAMPLE_MARK, SHEETS

_FIELDS_SHEETS = {s.name for s in SHEETS.values() if s.layout == "fields"}


def _column_name(sheet: str, header: list[Any], row: list[Any], col: int) -> str:
    if sheet in _FIELDS_SHEETS:
        return str(row[0] or "") if row else ""
    return str(header[col] or "") if col < len(header) else ""


_SEPARATOR = "\x00"
assert _SEPARATOR not in EXAMPLE_MARK


def may_hold_mark(rows: list[list[Any]]) -> bool:
    """Whether any text cell below the header holds the mark: one search of the sheet's text cells joined (by a
    character the mark does not contain, so the mark is found in the joined text only within one cell) instead
    of one per cell; the rows are then looked at one by one only for a sheet that has it."""
    return EXAMPLE_MARK in _SEPARATOR.join([v for row in rows[1:] for v in row if isinstance(v, str)])


def check_example_rows(raw: dict[str, list[list[Any]]], out: Collector) -> int:
    """One error per example row still in the workbook (sheet, row as Excel shows it, the cell with the mark);
    returns how many."""
    found = 0
    for sheet, rows in raw.items():
        if not may_hold_mark(rows):
            continue
        header = list(rows[0]) if rows else []
        for r, row in enumerate(rows[1:], start=2):  # row 1 is the header (字段 | 内容 on 评价信息)
            col = next((c for c, v in enumerate(row) if isinstance(v, str) and EXAMPLE_MARK in v), None)
            if col is None:
                continue
            found += 1
            todo = ("请改写为报告的实际内容" if sheet in _FIELDS_SHEETS
                    else "请改写为报告的实际内容或删除这一行")
            out.error(sheet, r, _column_name(sheet, header, list(row), col), row[col],
                      f"这是填报模板的示例（含“{EXAMPLE_MARK}”），不是评价数据：{todo}，并删去“{EXAMPLE_MARK}”")
    return found


__all__ = ["EXAMPLE_MARK", "check_example_rows"]
