"""read_workbook made faster (branch i27w): the safety scan (issue 27's) decides exactly what it decided before.

Each rewritten step is compared with the code it replaced, kept here (and only here) verbatim, on generated sheet
XML: cells with plain, odd and missing references, one-, two- and three-letter columns, formulas, error values,
comments, processing instructions, prefixed elements, whitespace inside tags, fed in chunks of every size (the
scan keeps a tail from one chunk to the next). What is compared is everything the scan keeps: the extent bound of
the sheet (which a message shows), the counts behind it, and whether the worksheet parser's fast path applies.
The search for the template's example rows is compared with the per-cell search it stands in front of.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalcore.workbook import formulas
from evalcore.workbook.formulas import NEEDS_PARSE, PREFIXED, PartParser
from evalcore.workbook.raw import SheetInfo, WorkbookError
from evalcore.workbook.scan import BEYOND, BIG_ROW, REFLESS, ROW_TAG, WIDE_COL, PartScan, col_index

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- the code replaced, verbatim ----------------------------------------------------------------------------

_LETTERS = [bytes([c]) for c in range(ord("Z"), ord("A") - 1, -1)]


class _OldScan(PartScan):
    def _sheet(self, buf: bytes) -> None:
        if self.refless or REFLESS.search(buf):  # cells or rows without a reference: count them
            self.refless = True
            for pattern in (b"<c ", b"<c>", b'<c r="', b"<row ", b"<row>", b'<row r="'):
                self._count(buf, pattern)
        rows = ROW_TAG.findall(buf)
        if rows:
            self.max_row_tag = max(self.max_row_tag, max(map(int, rows)))
        big = BIG_ROW.findall(buf)  # every cell, also one with only a style: a safe over-estimate
        if big:
            self.big_row = max(self.big_row, max(map(int, big)))
        wide = WIDE_COL.findall(buf)
        if wide:
            self.max_col = max(self.max_col, max(col_index(w.decode()) + 1 for w in set(wide)))
        if self.max_col < 26 and BEYOND[self.max_col].search(buf):  # a one-letter column right of max_col
            self.max_col = next(26 - i for i, letter in enumerate(_LETTERS) if b'<c r="' + letter in buf)


class _OldParser(PartParser):
    def _check(self, data: bytes, inside: bool) -> None:
        if self.needs_full:
            return
        if inside:  # whole tags: no tail needed
            if b"<!" in data or b"<?" in data or any(p.search(data) for p in NEEDS_PARSE if p is not PREFIXED) \
                    or (b":" in data and PREFIXED.search(data)):
                self.needs_full = True
            return
        text = self.tail + data
        if formulas._OPAQUE.search(text):
            self.needs_full = True
        self.tail = text[-formulas._KEEP:]


# --- generated sheets ---------------------------------------------------------------------------------------

LETTERS = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=3)
ROW_NO = st.one_of(st.integers(1, 60), st.integers(99_990, 100_010), st.integers(1, 1_048_576))

# What the scan must notice, each on its own (placed in a sheet of plain cells) and mixed (generated below).
ODD_CELLS = [
    '<c r="A1"><f>1+1</f><v>2</v></c>', '<c r="A1"><f/></c>', '<c r="A1"><f >A1</f></c>',
    '<c r="A1" t="e"><v>#N/A</v></c>', "<c r='A1' t='e'/>", '<c r="A1" t= "e"/>', '<c r="A1" t="&#101;"/>',
    '<c r="A1"><x:f>A1</x:f></c>', '<c r="A1"><!-- c --></c>', '<c r="A1"><?pi x?></c>',
    '<c r="A1"><![CDATA[<f>]]></c>', "<c/>", "<c>1</c>", '<c t="n"/>', "<c r='A1'/>", '<c r="A"/>', '<c r="a1"/>',
    '<c\tr="A1"/>', '<c r = "A1"/>', '<c s="1" r="A1"/>', '<c r="AAAA1"/>', '<c r="A12345678"/>',
    '<c r="B100000"/>', '<c r="XFD1048576"/>', '<x:c r="A1"/>',
]
ODD_ROWS = ["<row r='{n}'>", "<row>", '<row spans="1:3">', '<row\tr="{n}">', '<row r="{n}" >', '<row r="0{n}">']


@st.composite
def cells(draw: st.DrawFn) -> str:
    """A cell as Excel writes it, or (one time in eight) anything the scan must notice."""
    if not draw(st.integers(0, 7)):
        return draw(st.sampled_from(ODD_CELLS))
    col, row = draw(LETTERS), draw(ROW_NO)
    kind = draw(st.sampled_from(["", ' t="n"', ' t="s"', ' t="inlineStr"', ' s="3" t="str"']))
    body = draw(st.sampled_from(["", "<v>1</v>", "<is><t>文本</t></is>", "<v>e</v>"]))
    return f'<c r="{col}{row}"{kind}>{body}</c>'


@st.composite
def rows(draw: st.DrawFn) -> str:
    head = '<row r="{n}">' if draw(st.integers(0, 7)) else draw(st.sampled_from(ODD_ROWS))
    return head.format(n=draw(ROW_NO)) + "".join(draw(st.lists(cells(), max_size=6))) + "</row>"


NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:x="urn:x"'


def sheet(data: str, before: str = "", after: str = "", close: str = "</sheetData>") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS}>{before}<sheetData>'
            f"{data}{close}{after}</worksheet>").encode()


@st.composite
def sheets(draw: st.DrawFn) -> bytes:
    before = draw(st.sampled_from(["", '<dimension ref="A1:C3"/>', "<!-- note -->", '<sheetPr codeName="x"/>']))
    after = draw(st.sampled_from(["", '<dataValidations count="1"><dataValidation sqref="A1"><formula1>1'
                                      "</formula1></dataValidation></dataValidations>", "<?pi after?>"]))
    close = draw(st.sampled_from(["</sheetData>", "</sheetData >"]))
    return sheet("".join(draw(st.lists(rows(), max_size=8))), before, after, close)


def _chunks(data: bytes, size: int) -> Iterator[bytes]:
    for at in range(0, len(data), size):
        yield data[at:at + size]


def _scan(cls: type[PartScan], data: bytes, size: int) -> tuple[object, ...]:
    info = SheetInfo("表", part="xl/worksheets/sheet1.xml")
    scan = cls("xl/worksheets/sheet1.xml", info, len(data))
    for chunk in _chunks(data, size):
        scan.feed(chunk)
    scan.finish()
    return (info.height, info.width, scan.max_row_tag, scan.big_row, scan.max_col, scan.refless, dict(scan.counts))


def _fast(cls: type[PartParser], data: bytes, size: int) -> tuple[object, ...]:
    info = SheetInfo("表", part="xl/worksheets/sheet1.xml")
    parser = cls("xl/worksheets/sheet1.xml", info, "表", fast=True)
    try:
        for chunk in _chunks(data, size):
            parser.feed(chunk)
        parser.close()
    except WorkbookError as exc:
        return ("refused", str(exc), exc.sheet, exc.value)
    return (parser.needs_full, parser.max_row, parser.max_col, parser.refused, info.formulas, info.empty_formulas,
            info.error_cells)


CHUNK = st.sampled_from([1, 3, 7, 64, 4096, 1 << 20])


@SETTINGS
@given(sheets(), CHUNK)
def test_the_extent_bound_is_the_same(data: bytes, size: int) -> None:
    assert _scan(PartScan, data, size) == _scan(_OldScan, data, size)


@SETTINGS
@given(sheets(), CHUNK)
def test_the_fast_path_is_chosen_as_before(data: bytes, size: int) -> None:
    assert _fast(PartParser, data, size) == _fast(_OldParser, data, size)


PLAIN = '<row r="1"><c r="A1" t="n"><v>1</v></c><c r="C1" t="inlineStr"><is><t>x</t></is></c></row>'
ALONE = ([PLAIN + f'<row r="2">{c}</row>' for c in ODD_CELLS]
         + [PLAIN + r.format(n=2) + '<c r="B2"/></row>' for r in ODD_ROWS])


@pytest.mark.parametrize("size", [1, 5, 4096])
@pytest.mark.parametrize("data", ALONE)
def test_each_oddity_alone_is_decided_as_before(data: str, size: int) -> None:
    xml = sheet(data)
    assert _scan(PartScan, xml, size) == _scan(_OldScan, xml, size)
    assert _fast(PartParser, xml, size) == _fast(_OldParser, xml, size)


@pytest.mark.parametrize("column", ["A", "B", "K", "Y", "Z", "AA", "AZ", "ZZ", "XFD", "ZZZ"])
def test_the_widest_column_at_every_letter(column: str) -> None:
    cells = "".join(f'<c r="{c}1"/>' for c in ("A", "C", column))
    data = f'<worksheet><sheetData><row r="1">{cells}</row></sheetData></worksheet>'.encode()
    assert _scan(PartScan, data, 1 << 20) == _scan(_OldScan, data, 1 << 20)
    assert _scan(PartScan, data, 1 << 20)[1] == max(col_index(column) + 1, 3)


def test_a_letter_only_reference_counts_too() -> None:
    """``<c r="Q">`` has no row: the one-letter bound reads its letter all the same (a byte-level bound)."""
    data = b'<worksheet><sheetData><row r="1"><c r="B1"/><c r="Q"/></row></sheetData></worksheet>'
    assert _scan(PartScan, data, 5)[4] == _scan(_OldScan, data, 5)[4] == 17


# --- the template's example rows: one search of a sheet's text cells joined -------------------------------

CELL_VALUES = st.one_of(st.none(), st.floats(allow_nan=False), st.sampled_from(["", "（模板", "示例）", "（模板示例）",
                                                                                "x（模板示例）y", "模板示例", "\x00"]),
                        st.text(max_size=6))


@SETTINGS
@given(st.lists(st.lists(CELL_VALUES, max_size=5), max_size=6))
def test_the_mark_is_found_in_the_joined_text_exactly_when_a_cell_holds_it(rows: list[list[object]]) -> None:
    from evalcore.workbook.examples import EXAMPLE_MARK, may_hold_mark

    per_cell = any(isinstance(v, str) and EXAMPLE_MARK in v for row in rows[1:] for v in row)
    assert may_hold_mark(rows) == per_cell  # type: ignore[arg-type]
