"""The workbook format: one spec of sheets and columns that the reader, the validator and the writer derive from.

The package, one concern a module (the names below are its public interface, re-exported here):

- :mod:`.spec`      the sheets and columns (:class:`SheetSpec`, :class:`ColumnSpec`), the limits, the rule list
- :mod:`.messages`  :class:`Message`, :class:`ReadResult` and the collector that caps messages
- :mod:`.cells`     converting one cell to the column's kind, or a Chinese message saying what to type
- :mod:`.guard`     opening an uploaded file safely: :func:`read_raw`, after the checks of the next four
- :mod:`.sniff`     what the uploaded bytes are (an .xlsx, or an .xls, PDF, CSV, HTML… refused by name)
- :mod:`.zipread`   the zip read within bounds: entries, ratios, inflating a part, structural XML, the sheet list
- :mod:`.scan`      every part scanned (DOCTYPE, sheet extents, error cells, formulas), unneeded parts refused
- :mod:`.raw`       what those share: :class:`WorkbookError`, :class:`SheetInfo`, :class:`RawWorkbook`
- :mod:`.sheets`    reading a table sheet's records and a 字段 | 内容 sheet's fields
- :mod:`.validate`  :func:`read_workbook` and :func:`build_evaluation`: one function per sheet, cross-sheet checks
- :mod:`.duplicates_and_gaps` duplicated rows, absent sheets and stated figures with nothing to compare to
- :mod:`.write`     :func:`write_workbook` and the sheet builder that :mod:`evalcore.template` shares

Reading never raises for bad input: every problem is a :class:`Message` (sheet, row as Excel shows it, column,
value, and a Chinese message that says what to do). Errors block publishing, warnings do not.
"""
from __future__ import annotations

from .cells import convert, visible_text
from .guard import Raw, RawWorkbook, SheetInfo, WorkbookError, read_raw
from .messages import Message, ReadResult, discrepancy_message
from .spec import (
    ACHIEVEMENTS,
    BUDGET,
    EXPERT_LABELS,
    FILE_SHEET,
    HISTORY,
    INDICATORS,
    INSTRUCTIONS_SHEET,
    MAX_BOOK_CELLS,
    MAX_COMPRESSION_RATIO,
    MAX_DATA_ROWS,
    MAX_FILE_BYTES,
    MAX_MERGED,
    MAX_NUMBER,
    MAX_PENDING_UPLOAD_BYTES,
    MAX_SEQ,
    MAX_SHARED_STRINGS,
    MAX_SHEET_CELLS,
    MAX_UNCOMPRESSED_BYTES,
    MAX_ZIP_ENTRIES,
    MESSAGES_PER_RULE,
    MESSAGES_PER_SHEET,
    META,
    METHOD_LABELS,
    MIN_NONZERO,
    NONNEG,
    PROBLEMS,
    RATIO_CHECK_BYTES,
    RECOMMENDATIONS,
    RECTIFICATION,
    RESULTS,
    SCORES,
    SHEETS,
    SPEC,
    STATED_SHEETS,
    UNITS,
    VALIDATION_RULES,
    ColumnSpec,
    SheetSpec,
    stated_place,
)
from .validate import build_evaluation, read_workbook
from .write import (
    EXAMPLE_FONT,
    HEAD_FILL,
    KIND_LABELS,
    LAST_ROW,
    UNIT_LIST_ROWS,
    add_spec_sheet,
    column_note,
    new_book,
    save_book,
    unit_list_ref,
    workbook_bytes,
    write_workbook,
)

__all__ = [
    "ACHIEVEMENTS", "BUDGET", "EXAMPLE_FONT", "EXPERT_LABELS", "FILE_SHEET", "HEAD_FILL", "HISTORY", "INDICATORS",
    "INSTRUCTIONS_SHEET", "KIND_LABELS", "LAST_ROW", "MAX_BOOK_CELLS", "MAX_COMPRESSION_RATIO", "MAX_DATA_ROWS",
    "MAX_FILE_BYTES", "MAX_MERGED", "MAX_NUMBER", "MAX_SEQ", "MAX_SHARED_STRINGS", "MAX_SHEET_CELLS",
    "MAX_PENDING_UPLOAD_BYTES", "MAX_UNCOMPRESSED_BYTES", "MAX_ZIP_ENTRIES", "MESSAGES_PER_RULE", "MESSAGES_PER_SHEET",
    "META", "METHOD_LABELS",
    "MIN_NONZERO", "NONNEG", "PROBLEMS", "RATIO_CHECK_BYTES", "RECOMMENDATIONS", "RECTIFICATION", "RESULTS",
    "SCORES", "SHEETS", "SPEC", "STATED_SHEETS", "UNITS", "UNIT_LIST_ROWS", "VALIDATION_RULES", "ColumnSpec",
    "Message", "Raw", "RawWorkbook", "ReadResult", "SheetInfo", "SheetSpec", "WorkbookError", "add_spec_sheet",
    "build_evaluation", "column_note", "convert", "discrepancy_message", "new_book", "read_raw", "read_workbook",
    "save_book", "stated_place", "unit_list_ref", "visible_text", "workbook_bytes", "write_workbook",
]
