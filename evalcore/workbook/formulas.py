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
from xml.parsers import expat

from .raw import UNSAFE, SheetInfo, WorkbookError
from .zipread import unsafe_xml

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
_CELL_REF = re.compile(r"\s*([A-Za-z]{1,3})(\d{1,7})\s*")

# The fast path of a worksheet (:class:`PartParser` with ``fast``): millions of cells through Python handlers
# would double the time of a big import, so between ``<sheetData>`` and ``</sheetData>`` the handlers are off
# (expat still parses it and refuses what is not well formed) when these searches of the region's bytes, tag by
# tag, find nothing. Then the region provably holds nothing to record: no element named f (in UTF-8, which is
# enforced, a start tag is "<" and its name; a comment, CDATA or a character reference cannot make one; a prefixed
# f is a prefixed element), no prefixed element, no error cell (no attribute value starting with "e" or "&"), no
# cell or row whose reference is not the plain r="A1" / r="1" that the byte-level extent bound of :mod:`.scan`
# reads, and no second sheetData. Anything else, and any comment, CDATA section, processing instruction or
# DOCTYPE before the cells end (which could hide where they end), sends the whole part through the full parse.
# These searches only choose the path; what is found is always found by parsing.
NEEDS_PARSE = (
    re.compile(rb"<f[\s/>]"),  # a formula (a prefixed one is a prefixed element, next)
    re.compile(rb"</?[^\s<>/!?=\"'&]+:"),  # a prefixed element (searched only where there is a ":")
    re.compile(rb"=\s*[\"']\s*[e&]"),  # t="e" (an error value), or any value starting with e or a reference
    re.compile(rb'<c(?! r="[A-Z]{1,3}\d{1,7}")[\s/>]'),  # a cell without a plain reference first
    re.compile(rb'<row(?! r="\d{1,9}")[\s/>]'),  # a row without a plain number first
    re.compile(rb"<sheetData"),
)
PREFIXED = NEEDS_PARSE[1]
# The searches of the cells' region, tag by tag, as two passes instead of six: every search above that starts at a
# "<", with "<!" and "<?", joined into one alternation (a match of the alternation is a match of one of them), the
# error value on its own, and the prefixed element only where there is a ":" (as before).
_TAGS_TO_PARSE = re.compile(b"|".join([rb"<[!?]"] + [p.pattern for p in NEEDS_PARSE
                                                      if p is not PREFIXED and p.pattern.startswith(b"<")]))
_VALUES_TO_PARSE = tuple(p for p in NEEDS_PARSE if p is not PREFIXED and not p.pattern.startswith(b"<"))
_OPAQUE = re.compile(rb"<[!?](?!xml\s)")  # a comment, CDATA, a processing instruction, a DOCTYPE
_DATA_START = re.compile(rb"<sheetData(?=[\s/>])")
_DECLARED = re.compile(rb'\s*<\?xml[^>]{0,200}?encoding\s*=\s*["\']([^"\']{0,40})')
_KEEP = 64  # bytes kept back across chunks before the cells, so that "<sheetData" cut by a boundary is found
_MAX_PENDING = 1024 * 1024
_BEFORE, _INSIDE, _AFTER = range(3)

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


# What an element is to the parser, by its local name (whatever its namespace or prefix).
_OTHER, _ROW, _CELL, _F, _V, _SHEET_DATA, _CF, _DV, _RULE = range(9)
_CODES = {"row": _ROW, "c": _CELL, "f": _F, "v": _V, "sheetData": _SHEET_DATA, "conditionalFormatting": _CF,
          "dataValidation": _DV, **{tag: _RULE for tag in _RULE_TAGS if tag != "f"}}


def _attr(attrs: dict[str, str], name: str) -> str | None:
    """An attribute by its local name: the plain one, else one with a namespace (taken as the same, to be safe)."""
    value = attrs.get(name)
    if value is None and attrs:
        for key, v in attrs.items():
            if key.endswith("}" + name):
                return v
    return value


class PartParser:
    """One XML part parsed as it is inflated (:meth:`feed`, then :meth:`close`): for a worksheet (``sheet`` given)
    its cells as above; for every part, the formulas outside cells, kept in :attr:`refused` when
    :func:`formula_risk` refuses them.

    Sheets have millions of elements, so the handlers are kept cheap: an element's kind is looked up once per
    distinct name (:data:`_CODES`), there is no element stack (the few contexts that matter are flags and
    depths), and text is collected only inside ``<v>`` and the formula elements."""

    def __init__(self, part: str, sheet: SheetInfo | None, where: str, fast: bool = False) -> None:
        self.part, self.sheet, self.where = part, sheet, where
        self.fast = fast and sheet is not None  # see _advance; needs_full says when it did not apply
        self.needs_full = False
        self.region = _BEFORE
        self.pending = b""
        self.tail = b""
        self.first = True
        p = expat.ParserCreate(namespace_separator="}")
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartDoctypeDeclHandler = self._dtd
        p.EntityDeclHandler = self._dtd
        p.ExternalEntityRefHandler = self._dtd
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        p.buffer_text = True
        self.parser = p
        self.codes: dict[str, int] = {}
        self.columns: dict[str, int] = {}  # column letters -> 0-based index
        self.in_data = 0  # inside <sheetData>
        self.in_cell = False
        self.cf = self.dv = 0  # depth inside conditional formats and data validations
        self.row = 0
        self.col = -1
        self.max_row = 0
        self.max_col = 0
        self.c_row = self.c_col = 0
        self.c_type = ""
        self.c_formula = False
        self.c_value: str | None = None
        self.text: list[str] | None = None
        self.refused: list[tuple[str, str, str]] = []  # (kind, formula, why)

    def _dtd(self, *args: object) -> int:
        raise unsafe_xml(self.part, self.where)

    def _code(self, name: str) -> int:
        code = self.codes[name] = _CODES.get(_local(name), _OTHER)
        return code

    def _collect(self) -> None:
        self.text = []
        self.parser.CharacterDataHandler = self.text.append

    def _collected(self) -> str:
        self.parser.CharacterDataHandler = None
        text = "".join(self.text or ())
        self.text = None
        return text

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        code = self.codes.get(name)
        if code is None:
            code = self._code(name)
        if code == _OTHER:
            if "formula" in attrs:  # a pivot table's calculated item
                self._rule("数据透视表", attrs["formula"])
            return
        sheet = self.sheet is not None
        if code == _CELL and sheet and self.in_data and not self.in_cell:
            ref = attrs.get("r") or _attr(attrs, "r")
            m = _CELL_REF.fullmatch(ref) if ref else None
            if m:
                letters = m.group(1)
                col = self.columns.get(letters)
                if col is None:
                    col = self.columns[letters] = _col_index(letters)
                row = int(m.group(2))
            else:  # no reference: the next column of the row
                row, col = self.row, self.col + 1
            self.col = col
            if row > self.max_row:
                self.max_row = row
            if col >= self.max_col:
                self.max_col = col + 1
            self.in_cell = True
            self.c_row, self.c_col = row, col
            self.c_type = attrs.get("t") or _attr(attrs, "t") or ""
            self.c_formula = False
            self.c_value = None
        elif self.in_cell:
            if code == _F:
                self.c_formula = True
            elif code == _V:
                self._collect()
        elif code == _ROW and sheet and self.in_data:
            r = _attr(attrs, "r")
            self.row = int(r) if r and r.isdigit() and len(r) <= 9 else self.row + 1
            self.col = -1
            if self.row > self.max_row:
                self.max_row = self.row
        elif code == _SHEET_DATA:
            self.in_data += 1
        elif code == _CF:
            self.cf += 1
        elif code == _DV:
            self.dv += 1
        elif code in (_RULE, _F):
            self._collect()

    def _end(self, name: str) -> None:
        code = self.codes.get(name, _OTHER)
        if code == _OTHER:
            return
        if self.in_cell:
            if code == _V and self.text is not None:
                self.c_value = self._collected()
            elif code == _CELL:
                self.in_cell = False
                if self.c_formula or self.c_type == "e":
                    self._cell(self.c_row, self.c_col, self.c_type, self.c_formula, self.c_value)
        elif code == _SHEET_DATA:
            self.in_data -= 1
        elif code == _CF:
            self.cf -= 1
        elif code == _DV:
            self.dv -= 1
        elif code in (_RULE, _F) and self.text is not None:
            text = self._collected()
            local = _local(name)
            kind = _RULE_TAGS[local]
            if local == "f":
                kind = "条件格式" if self.cf else "数据验证" if self.dv else "公式"
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
        if self.first:
            self.first = False
            m = _DECLARED.match(chunk)
            if m and m.group(1).lower() not in (b"utf-8", b"utf8"):  # expat would decode other encodings
                raise WorkbookError(f"文件中的“{self.part}”声明了 {m.group(1).decode('ascii', 'replace')} 编码"
                                    "（Excel 保存的文件都是 UTF-8），已拒绝读取。请用 Excel 重新保存为 .xlsx 后再上传",
                                    sheet=self.where, value=self.part)
        if self.fast and self.region != _AFTER:
            self.pending += chunk
            self._advance(final=False)
        else:
            self._parse(chunk)

    def _parse(self, data: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as exc:
            raise self._broken() from exc

    # -- the fast path of a worksheet: the cells' region skipped by the Python handlers when it provably holds
    # nothing to record (see the module docstring) --

    def _check(self, data: bytes, inside: bool) -> None:
        if self.needs_full:
            return
        if inside:  # whole tags: no tail needed
            if _TAGS_TO_PARSE.search(data) or any(p.search(data) for p in _VALUES_TO_PARSE) \
                    or (b":" in data and PREFIXED.search(data)):
                self.needs_full = True
            return
        text = self.tail + data
        if _OPAQUE.search(text):
            self.needs_full = True
        self.tail = text[-_KEEP:]

    def _handlers(self, on: bool) -> None:
        p = self.parser
        p.StartElementHandler = self._start if on else None
        p.EndElementHandler = self._end if on else None

    def _advance(self, final: bool) -> None:
        while self.pending:
            buf = self.pending
            if self.region == _BEFORE:
                m = _DATA_START.search(buf)
                close = buf.find(b">", m.end()) if m else -1
                if close < 0:
                    cut = len(buf) if final else max(0, (m.start() if m else len(buf) - _KEEP))
                    self._check(buf[:cut], False)
                    self._parse(buf[:cut])
                    self.pending = buf[cut:]
                    return
                self._check(buf[:close + 1], False)
                self._parse(buf[:close + 1])
                self.pending = buf[close + 1:]
                if buf[close - 1:close] == b"/":  # <sheetData/>: no cells
                    self.region = _AFTER
                else:
                    self.region = _INSIDE
                    self.tail = b""
                    self._handlers(False)
            elif self.region == _INSIDE:
                # pieces end right before a "<", so every tag is searched whole, within one piece
                end = buf.find(b"</sheetData")
                if end < 0:
                    cut = len(buf) if final else buf.rfind(b"<")
                    if cut <= 0:
                        if len(buf) <= _MAX_PENDING:
                            return  # wait for the rest of this tag
                        self.needs_full = True  # a tag or text of megabytes: not the fast path's business
                        cut = len(buf)
                    self._check(buf[:cut], True)
                    self._parse(buf[:cut])
                    self.pending = buf[cut:]
                    return
                self._check(buf[:end], True)
                self._parse(buf[:end])
                self._handlers(True)
                self.region = _AFTER
                self.pending = buf[end:]
            else:
                self.pending = b""
                self._check(buf, False)
                self._parse(buf)

    def close(self) -> None:
        if self.fast and self.pending:
            self._advance(final=True)
        self._parse(b"", True)
        if self.fast and (self.needs_full or self.region == _INSIDE):
            self.needs_full = True
            return  # what was found outside the cells is found again by the full parse
        if self.refused:
            kind, text, why = self.refused[0]
            more = f"等 {len(self.refused)} 处" if len(self.refused) > 1 else ""
            shown = text if len(text) <= 80 else text[:79] + "…"
            raise WorkbookError(
                f"文件中的“{self.part}”有{kind}公式“{shown}”（{why}）{more}：上传的工作簿会原样保存、供他人再次下载，"
                "这类公式在打开时可能访问网络、其他文件或执行程序，为安全起见不接受。请在 Excel 中删除该"
                f"{kind}（条件格式：开始 → 条件格式 → 清除规则；数据验证：数据 → 数据验证 → 全部清除；名称：公式 → "
                f"名称管理器），另存为 .xlsx 后再上传。{UNSAFE}", sheet=self.where, value=text[:200])

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
