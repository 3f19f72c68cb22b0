"""Formulas found by parsing (issue 27): the classifier of formulas outside cells, and the worksheet parser's fast
path, which skips the cells only when their bytes provably hold nothing to record, against the full parse."""
from __future__ import annotations

import badfiles
import pytest

from evalcore.workbook import read_workbook
from evalcore.workbook.formulas import PartParser, formula_risk
from evalcore.workbook.raw import SheetInfo, WorkbookError


@pytest.mark.parametrize("text", ["'单位'!$A$2:$A$1001", '"优,良,中,差"', "DATE(1990,1,1)", "AND(ISNUMBER(C2),C2>B2)",
                                  '"WEBSERVICE(x)"', "'a|b'!A1", "_xlfn.IFERROR(A1,0)", "0", "1000000000000"])
def test_harmless_rule_formulas_are_kept(text: str) -> None:
    assert formula_risk(text) is None


@pytest.mark.parametrize(("text", "why"), [
    ('WEBSERVICE("http://x.invalid/")', "WEBSERVICE"), ('HYPERLINK("file://\\\\host\\share","x")', "HYPERLINK"),
    ("cmd|' /C calc'!A0", "DDE"), ("[1]Sheet1!A1", "其他工作簿"), ('INDIRECT("A1")', "INDIRECT"),
    ("_xlfn.WEBSERVICE(A1)", "WEBSERVICE"), ("call ( 1 )", "CALL"),
])
def test_dangerous_rule_formulas_are_refused(text: str, why: str) -> None:
    assert why in (formula_risk(text) or "")


def test_names_accept_no_function() -> None:
    assert formula_risk("DATE(1,1,1)", frozenset())
    assert formula_risk("'预算执行'!$A$1:$B$9", frozenset()) is None


NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
CELLS = [
    '<row r="1"><c r="A1" t="n"><v>1</v></c></row>',  # plain
    '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>',  # a formula
    '<row r="1"><c r="B2" t="e"><v>#N/A</v></c></row>',  # an error
    '<row r="1"><!-- </sheetData> --><c r="A1"><f>1+1</f></c></row>',  # a comment that looks like the end
    '<row r="1"><c t="n" r="C7"><v>1</v></c></row>',  # attributes in another order
    '<row r="1"><c r="A1" t="&#101;"><v>#REF!</v></c></row>',  # the type through a character reference
    '<row r="1"><c r="A1"/><c/><c><f>A1</f></c></row>',  # cells without references
]


def _parse(xml: bytes, fast: bool, chunk: int) -> tuple[SheetInfo, PartParser]:
    info = SheetInfo("表")
    p = PartParser("xl/worksheets/sheet1.xml", info, "表", fast=fast)
    for at in range(0, len(xml), chunk):
        p.feed(xml[at:at + chunk])
    p.close()
    return info, p


@pytest.mark.parametrize("cells", CELLS)
@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_the_fast_path_agrees_with_the_full_parse(cells: str, chunk: int) -> None:
    xml = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{cells}</sheetData></worksheet>'.encode()
    full, _ = _parse(xml, False, chunk)
    fast, parser = _parse(xml, True, chunk)
    if parser.needs_full:  # what the scan then does: the full parse
        fast, _ = _parse(xml, False, chunk)
    assert (fast.formulas, fast.empty_formulas, fast.error_cells) == (full.formulas, full.empty_formulas,
                                                                       full.error_cells)
    if full.formulas or full.error_cells:
        assert parser.needs_full


def test_a_part_declaring_another_encoding_is_refused() -> None:
    xml = f'<?xml version="1.0" encoding="cp037"?><worksheet {NS}><sheetData/></worksheet>'.encode()
    with pytest.raises(WorkbookError, match="cp037"):
        _parse(xml, True, 4096)


def test_a_formula_behind_a_fake_end_of_the_cells_is_found() -> None:
    data = badfiles.edit_sheet("预算执行", badfiles.put_cell(
        "J2", '<c r="J2"><!-- </sheetData> --><f>WEBSERVICE("http://x.invalid/")</f></c>'))
    result = read_workbook(data)
    assert not result.ok and any("J2 是公式" in m.message for m in result.errors)
