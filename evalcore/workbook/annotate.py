"""The evaluator's workbook back, with the cells the validator complained about highlighted and commented
(issue 28, item 9): errors red, warnings amber, each cell's note the Chinese message, so the evaluator fixes
the file where it is wrong instead of matching rows by hand.

Pure: bytes in, bytes out (openpyxl, hardened by defusedxml when installed). Only files that passed the reader's
safety checks (``read_raw``) reach it: a file refused as a whole has no cell to mark.
"""
from __future__ import annotations

import io
from collections.abc import Iterable

from .messages import Message
from .spec import SHEETS

ERROR_FILL = "FFC7CE"  # Excel's own "bad" red
WARNING_FILL = "FFEB9C"  # Excel's own "neutral" amber
_FIELDS = {s.name for s in SHEETS.values() if s.layout == "fields"}


def _column_index(ws, sheet: str, column: str) -> int | None:
    """The 1-based column of a message: 评价信息 holds its values in column B; else the header cell's column."""
    if sheet in _FIELDS:
        return 2
    if not column:
        return None
    for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):
        if isinstance(cell.value, str) and cell.value.strip() == column:
            return cell.column
    return None


def annotate(data: bytes, errors: Iterable[Message], warnings: Iterable[Message] = ()) -> bytes:
    """The workbook with each message's cell filled (red for an error, amber for a warning) and commented; a
    message about a whole row marks the row's first cell. Messages without a row are left out (they are about a
    sheet or the file, and are listed on the page)."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    wb = load_workbook(io.BytesIO(data))
    notes: dict[tuple[str, int, int], list[tuple[str, str]]] = {}
    for level, messages in (("错误", errors), ("警告", warnings)):
        for m in messages:
            if m.row is None or m.sheet not in wb.sheetnames:
                continue
            ws = wb[m.sheet]
            col = _column_index(ws, m.sheet, m.column) or 1
            notes.setdefault((m.sheet, m.row, col), []).append((level, m.message))
    for (sheet, row, col), found in notes.items():
        cell = wb[sheet].cell(row=row, column=col)
        worst = ERROR_FILL if any(level == "错误" for level, _ in found) else WARNING_FILL
        cell.fill = PatternFill("solid", fgColor=worst)
        text = "\n".join(f"{level}：{message}" for level, message in found)
        cell.comment = Comment(text[:2000], "EvalBoard 校验", width=360, height=160)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


__all__ = ["ERROR_FILL", "WARNING_FILL", "annotate"]
