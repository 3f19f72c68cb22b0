"""Published report text <-> data: parse a 绩效评价结果 text (.md / .txt / .docx) into an Evaluation, and write the
结果 text (markdown or .docx) from one, every figure taken from the data.

    parse_report(text, source_name="")          -> ParseResult(evaluation, unplaced, notes, stated)
    parse_report_file(path_or_bytes, name="")   -> ParseResult   (.md/.txt decoded, .docx read with python-docx,
                                                                  .pdf and .html through .formats)
    parse_to_workbook(path_or_bytes, name="")   -> (workbook bytes, ParseResult)
    provenance(result) -> dict                  every figure and item with its line and sentence; what was not found
    found_nothing(result) -> bool               no unit, no figure, no finding: nothing to publish
    write_markdown(ev) -> str;  write_docx(ev) -> bytes

See :mod:`evalcore.reporttext.parse` for the rules the parser follows.
"""
from __future__ import annotations

from pathlib import Path

from ..workbook import workbook_bytes
from .parse import parse_report
from .provenance import found_nothing, provenance
from .result import SYNTHETIC_UNIT, ParseResult, Unplaced
from .source import read_document, read_source
from .write import write_docx, write_markdown


def parse_report_file(path_or_bytes: str | Path | bytes, name: str = "") -> ParseResult:
    """Parse a report file (or its bytes; ``name`` gives the extension). Raises ValueError for unreadable files."""
    doc = read_source(path_or_bytes, name)
    result = parse_report(doc.text, source_name=doc.name)
    result.where = [w.as_dict() for w in doc.where]
    result.original_text = doc.original
    return result


def parse_to_workbook(path_or_bytes: str | Path | bytes, name: str = "") -> tuple[bytes, ParseResult]:
    """The parsed evaluation as a workbook in the template format, and the parse result (notes, unplaced lines)."""
    result = parse_report_file(path_or_bytes, name)
    return workbook_bytes(result.evaluation), result


__all__ = ["SYNTHETIC_UNIT", "ParseResult", "Unplaced", "found_nothing", "parse_report", "parse_report_file",
           "parse_to_workbook", "provenance", "read_document", "write_docx", "write_markdown"]
