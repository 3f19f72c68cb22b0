"""Reports as they are published (issue 24): a PDF with a text layer (its tables as rows and cells), a saved web
page (its own tables, the site's navigation and footer left out), a scan (a clear message), traditional characters
(converted, the original kept), and every input bounded (size, the .docx zip)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from zhconv import convert

from evalcore.reporttext import parse_report, parse_report_file
from evalcore.reporttext.formats import MAX_REPORT_BYTES, Where
from evalcore.reporttext.source import read_document, read_source

REPORTS = Path(__file__).resolve().parents[1] / "data" / "reports"
SCAN = Path(__file__).resolve().parents[1] / "data" / "report_scan.pdf"


def test_a_printed_pdf_gives_its_form_as_rows_and_cells() -> None:
    doc = read_source(REPORTS / "daying_sifa_2023_form_rows_print.pdf")
    assert doc.kind == "pdf"
    rows = doc.text.splitlines()
    total = next(i for i, r in enumerate(rows) if r.startswith("| 总额 |"))
    assert rows[total].split(" | ")[:5] == ["| 总额", "0.00", "3.36", "3.36", "100.00%"]
    assert doc.where[total].page == 1 and doc.where[total].table is not None and doc.where[total].row
    assert "⾦" not in doc.text and "资金" in doc.text  # radical code points of the PDF font read as characters
    figures = parse_report(doc.text).stated["units"]
    assert figures == {"大英县司法局": {"budget": "3.36", "executed": "3.36", "rate": "100.00"}}


def test_a_saved_web_page_reads_its_own_table_and_leaves_the_site_out() -> None:
    doc = read_source(REPORTS / "sanmen_2024_bond_table_web.html")
    assert doc.kind == "html"
    for furniture in ("首页", "当前位置", "主办单位", "ICP"):
        assert furniture not in doc.text
    rows = [r for r in doc.text.splitlines() if r.startswith("| 2 |")]
    assert rows == ["| 2 | 三门县住房和城乡建设局 | 三门县市政公用工程建设事务中心 | 三门县石羊溪水质提升工程 "
                    "| 1.36 | 91 | 优 | 项目单位自评 |"]
    line = doc.text.splitlines().index(rows[0])
    assert doc.where[line] == Where(table=1, row=3)
    result = parse_report_file(REPORTS / "sanmen_2024_bond_table_web.html")
    scores = {r.unit: (r.stated_score, r.stated_grade) for r in result.evaluation.results}
    assert len(scores) == 5 and sorted(str(s) for s, _ in scores.values()) == ["87", "90", "91", "91", "94"]


def test_the_pdf_and_the_page_read_the_same_figures_as_the_text() -> None:
    for stem in ("daying_sifa_2023_form_rows", "sanmen_2024_bond_table"):
        want = parse_report_file(REPORTS / f"{stem}.txt").stated["units"]
        for suffix in ("_print.pdf", "_web.html"):
            assert parse_report_file(REPORTS / f"{stem}{suffix}").stated["units"] == want, suffix


def test_a_scanned_pdf_gets_a_clear_message() -> None:
    with pytest.raises(ValueError, match="没有可读取的文字层.*扫描件"):
        read_document(SCAN)


def test_a_broken_pdf_gets_a_chinese_message() -> None:
    with pytest.raises(ValueError, match="不是有效的 PDF"):
        read_document(b"%PDF-1.7 garbage", "a.pdf")


def test_traditional_characters_are_read_as_simplified_and_the_original_kept() -> None:
    text = (REPORTS / "xiping_2022_rural_roads_selfeval.txt").read_text(encoding="utf-8")
    hant = convert(text, "zh-hant")
    assert hant != text and "項目" in hant
    doc = read_source(hant.encode("utf-8"), "報告.txt")
    assert doc.original == hant and "项目" in doc.text
    assert [len(a) for a in doc.text.split("\n")] == [len(a) for a in hant.split("\n")]  # lines and positions keep
    assert parse_report(doc.text).stated["units"] == parse_report(text).stated["units"]
    plain = read_source(text.encode("utf-8"), "a.txt")
    assert plain.original == "" and plain.text == text


def test_sizes_are_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.pdf"
    with big.open("wb") as fh:  # a sparse file: its size is known without writing it
        fh.truncate(MAX_REPORT_BYTES + 1)
    with pytest.raises(ValueError, match="过大"):
        read_document(big)
    with pytest.raises(ValueError, match="过大"):
        read_document(b"x" * (MAX_REPORT_BYTES + 1), "a.txt")


def test_a_docx_bomb_is_refused_before_python_docx_reads_it() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (40 * 1024 * 1024) + b"</w:document>")
    with pytest.raises(ValueError, match="压缩炸弹"):
        read_document(buf.getvalue(), "bomb.docx")
