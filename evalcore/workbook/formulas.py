"""Formulas found by parsing, never by byte patterns: every part that can hold one is read as XML (namespace-aware,
streamed through expat while the part is inflated, no DTD or entity accepted) and every element that holds a
formula is looked at by its local name, whatever its prefix, attribute order, quoting or the comments and
whitespace around it.

- Worksheet cells (``<c>`` with an ``<f>`` child): every formula cell is recorded on the sheet's
  :class:`~.raw.SheetInfo` (``formulas``, and ``empty_formulas`` when there is no saved result) together with the
  error cells (``t="e"``) and the extent of the cells; :mod:`.sheets` refuses every formula cell by position
  (the policy: what is stored is a workbook of plain values).
- Conditional formats (``<formula>``, ``<xm:f>`` in the x14 extension), data validations (``<formula1>``,
  ``<formula2>``), defined names (``<definedName>`` in xl/workbook.xml), table column formulas, chart and pivot
  references: kept when they are a plain reference, a constant or a call of a harmless function
  (:data:`RULE_FUNCTIONS`: the template's own date checks use ``DATE``); refused (:func:`formula_risk`) when they
  call anything else (``WEBSERVICE``, ``HYPERLINK``, ``INDIRECT``, ``CALL``...), use DDE (``cmd|' /C calc'!A0``)
  or refer to another workbook (``[1]Sheet1!A1``). Defined names accept no function at all.
"""
from __future__ import annotations

import re
from typing import Any
from xml.parsers import expat

from .raw import _UNSAFE, SheetInfo, WorkbookError

# Functions a conditional format or a data validation may call: pure, local, no I/O.
RULE_FUNCTIONS = frozenset({
    "ABS", "AND", "AVERAGE", "COUNT", "COUNTA", "COUNTBLANK", "COUNTIF", "COUNTIFS", "DATE", "DAY", "EXACT",
    "IF", "IFERROR", "INT", "ISBLANK", "ISERROR", "ISNUMBER", "ISTEXT", "LEFT", "LEN", "LOWER", "MAX", "MID",
    "MIN", "MOD", "MONTH", "NOT", "OR", "RIGHT", "ROUND", "SUM", "SUMIF", "TIME", "TODAY", "TRIM", "UPPER",
    "VALUE", "YEAR",
})
_STRING = re.compile(r'"(?:[^"]|"")*"?')
_QUOTED_SHEET = re.compile(r"'(?:[^']|'')*'?")
_CALL = re.compile(r"([A-Za-z_\\][A-Za-z0-9_.\\]*)\s*\(")
_PREFIXES = ("_XLFN._XLWS.", "_XLFN.", "_XLWS.", "_XLUDF.")
RECORDED = 2000  # error cells / formulas remembered per sheet
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d{1,7})")

# Elements whose text is a formula outside a cell, and what they are called in a message.
_RULE_TAGS = {"formula": "条件格式", "formula1": "数据验证", "formula2": "数据验证", "definedName": "名称",
              "calculatedColumnFormula": "表格列", "totalsRowFormula": "表格汇总行", "f": "公式"}


def formula_risk(text: str, allowed: frozenset[str] = RULE_FUNCTIONS) -> str | None:
    """Why a formula outside a cell cannot be kept (Chinese), or None when it is a reference, a constant or a call
    of ``allowed`` functions only. Text in double quotes and sheet names in single quotes are left out first."""
    bare = _QUOTED_SHEET.sub("''", _STRING.sub('""', text))
    if "|" in bare:
        return "DDE 调用外部程序"
    if "[" in bare:
        return "引用其他工作簿"
    for m in _CALL.finditer(bare):
        name = m.group(1).upper()
        for prefix in _PREFIXES:
            name = name.removeprefix(prefix)
        if name not in allowed:
            return f"调用函数 {name}"
    return None


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


class PartParser:
    """One XML part parsed as it is inflated (:meth:`feed`, then :meth:`close`): for a worksheet (``sheet`` given)
    its cells as above; for every part, the formulas outside cells, kept in :attr:`refused` when
    :func:`formula_risk` refuses them."""

    def __init__(self, part: str, sheet: SheetInfo | None, where: str) -> None:
        self.part, self.sheet, self.where = part, sheet, where
        p = expat.ParserCreate(namespace_separator="}")
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartDoctypeDeclHandler = self._dtd
        p.EntityDeclHandler = self._dtd
        p.ExternalEntityRefHandler = self._dtd
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        p.CharacterDataHandler = self._text
        p.buffer_text = True
        self.parser = p
        self.stack: list[str] = []
        self.row = 0
        self.col = -1
        self.max_row = 0
        self.max_col = 0
        self.cell: list[Any] | None = None  # [row, col, type, has formula, saved value]
        self.collecting: list[str] | None = None
        self.refused: list[tuple[str, str, str]] = []  # (kind, formula, why)

    def _dtd(self, *args: object) -> int:
        from .zipread import _unsafe_xml
        raise _unsafe_xml(self.part, self.where)

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        parent = self.stack[-1] if self.stack else ""
        self.stack.append(local)
        if self.sheet is not None and local == "row" and parent == "sheetData":
            r = next((v for k, v in attrs.items() if _local(k) == "r"), "")
            self.row = int(r) if r.isdigit() and len(r) <= 9 else self.row + 1
            self.col = -1
            self.max_row = max(self.max_row, self.row)
        elif self.sheet is not None and local == "c" and parent == "row":
            ref = next((v for k, v in attrs.items() if _local(k) == "r"), "")
            m = _CELL_REF.fullmatch(ref.strip())
            row, col = (int(m.group(2)), _col_index(m.group(1))) if m else (self.row, self.col + 1)
            self.col = col
            self.max_row = max(self.max_row, row)
            self.max_col = max(self.max_col, col + 1)
            kind = next((v for k, v in attrs.items() if _local(k) == "t"), "")
            self.cell = [row, col, kind, False, None]
        elif self.cell is not None and parent == "c":
            if local == "f":
                self.cell[3] = True
            elif local == "v":
                self.collecting = []
        elif local in _RULE_TAGS and self.cell is None:
            self.collecting = []
        formula = next((v for k, v in attrs.items() if _local(k) == "formula"), None)
        if formula is not None:  # a pivot table's calculated item
            self._rule("数据透视表", formula)

    def _text(self, data: str) -> None:
        if self.collecting is not None:
            self.collecting.append(data)

    def _end(self, name: str) -> None:
        local = self.stack.pop() if self.stack else _local(name)
        if self.cell is not None:
            if local == "v" and self.stack and self.stack[-1] == "c":
                self.cell[4] = "".join(self.collecting or ())
                self.collecting = None
            elif local == "c":
                self._cell(*self.cell)
                self.cell = None
            return
        if local in _RULE_TAGS and self.collecting is not None:
            text = "".join(self.collecting)
            self.collecting = None
            kind = _RULE_TAGS[local]
            if local == "f":
                kind = ("条件格式" if "conditionalFormatting" in self.stack
                        else "数据验证" if "dataValidation" in self.stack else "公式")
            self._rule(kind, text)

    def _cell(self, row: int, col: int, kind: str, has_formula: bool, value: str | None) -> None:
        info = self.sheet
        assert info is not None
        if kind == "e" and len(info.error_cells) < RECORDED:
            info.error_cells[(row, col)] = (value or "").strip()[:40] or "#错误"
        if has_formula:
            if len(info.formulas) < RECORDED:
                info.formulas.add((row, col))
            if not (value or "").strip() and len(info.empty_formulas) < RECORDED:
                info.empty_formulas.add((row, col))

    def _rule(self, kind: str, text: str) -> None:
        why = formula_risk(text, frozenset() if kind == "名称" else RULE_FUNCTIONS)
        if why and len(self.refused) < 10:
            self.refused.append((kind, text.strip(), why))

    def feed(self, chunk: bytes) -> None:
        try:
            self.parser.Parse(chunk, False)
        except expat.ExpatError as exc:
            raise self._broken() from exc

    def close(self) -> None:
        try:
            self.parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise self._broken() from exc
        if self.refused:
            kind, text, why = self.refused[0]
            more = f"等 {len(self.refused)} 处" if len(self.refused) > 1 else ""
            shown = text if len(text) <= 80 else text[:79] + "…"
            raise WorkbookError(
                f"文件中的“{self.part}”有{kind}公式“{shown}”（{why}）{more}：上传的工作簿会原样保存、供他人再次下载，"
                "这类公式在打开时可能访问网络、其他文件或执行程序，为安全起见不接受。请在 Excel 中删除该"
                f"{kind}（条件格式：开始 → 条件格式 → 清除规则；数据验证：数据 → 数据验证 → 全部清除；名称：公式 → "
                f"名称管理器），另存为 .xlsx 后再上传。{_UNSAFE}", sheet=self.where, value=text[:200])

    def _broken(self) -> WorkbookError:
        return WorkbookError(f"文件中的“{self.part}”不是有效的 XML，文件已损坏或被改动。"
                             "请用 Excel 重新保存为 .xlsx 后再上传", sheet=self.where, value=self.part)


# Parts, besides the worksheets, that can hold a formula (lower-case prefixes of the zip entry).
FORMULA_PARTS = ("xl/workbook.xml", "xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/", "xl/tables/",
                 "xl/pivotcache/", "xl/pivottables/", "xl/charts/", "xl/slicercaches/", "xl/timelines/",
                 "xl/timelinecaches/", "xl/externallinks/", "xl/querytables/", "xl/connections.xml")


def holds_formulas(part: str) -> bool:
    low = part.lower()
    return low.startswith(FORMULA_PARTS) and low.endswith(".xml")
