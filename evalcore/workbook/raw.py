"""What reading a file raw gives (:class:`RawWorkbook`, :class:`SheetInfo`) and the one exception it raises
(:class:`WorkbookError`), with the phrases the safety checks' messages share.

The modules that open a file (:mod:`.sniff`, :mod:`.zipread`, :mod:`.scan`, :mod:`.guard`) all use these; they
are re-exported by :mod:`.guard` and the package.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .spec import FILE_SHEET


class WorkbookError(ValueError):
    """A file that cannot be read at all. The text is Chinese and says what to do; ``sheet`` names the sheet
    when the problem is in one (otherwise :data:`FILE_SHEET`)."""

    def __init__(self, message: str, sheet: str = FILE_SHEET, value: str = "") -> None:
        super().__init__(message)
        self.sheet = sheet
        self.value = value


@dataclass
class SheetInfo:
    """What the reader knows about one sheet of the file besides its cell values."""

    name: str
    state: str = "visible"  # visible | hidden | veryHidden
    kind: str = "worksheet"  # worksheet | chartsheet | other
    part: str = ""  # the zip entry of the sheet, e.g. xl/worksheets/sheet1.xml
    read_as: str = ""  # the spec sheet it is read as ("" when it is not read)
    merged: tuple[tuple[int, int, int, int], ...] = ()  # 0-based first row, first column, last row, last column
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)  # (Excel row, 0-based col) -> "#N/A"
    empty_formulas: set[tuple[int, int]] = field(default_factory=set)  # formulas without a saved result
    formulas: set[tuple[int, int]] = field(default_factory=set)  # every formula cell (saved result or not)
    height: int = 0  # an upper bound of the used rows, from the sheet's XML
    width: int = 0  # an upper bound of the used columns
    merge_index: dict[int, list[tuple[int, int, int, int]]] | None = None


class RawWorkbook(dict):
    """sheet name -> rows of cell values (row 0 = Excel row 1), for the sheets of the spec that the file has;
    ``sheets`` describes every sheet of the file (hidden state, merged and error cells, ...)."""

    def __init__(self, rows: dict[str, list[list[Any]]] | None = None,
                 sheets: dict[str, SheetInfo] | None = None) -> None:
        super().__init__(rows or {})
        self.sheets: dict[str, SheetInfo] = dict(sheets or {})


Raw = dict[str, list[list[Any]]]

SAVE_AS = "请在 Excel 或 WPS 中打开它，“另存为”Excel 工作簿（*.xlsx）后再上传"
UNSAFE = "如果文件来源不明，请不要打开它"


def mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"
