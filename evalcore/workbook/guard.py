"""Opening an uploaded file safely: what the file is, the zip and XML safety scan, and the raw read of the spec's
sheets (:func:`read_raw`).

An uploaded file is checked before python-calamine sees it, so a broken or hostile file gives a Chinese message
instead of an exception, a hang, a process abort or an exhausted memory. python-calamine allocates rows x columns
for a sheet and reserves what a shared-strings table declares, so a single value in cell XFD1048576, or a declared
count of 4 billion strings, would abort the process: the extent of every sheet and the declared count are checked
first. The scan also records what calamine does not report: hidden sheets, merged ranges, error values (#N/A,
#DIV/0!, ...), formulas and formulas without a saved result.

Every part of the zip is inflated here, chunk by chunk (:func:`_inflate`), whatever it is (a sheet, an image, a
binary part): its real size is counted while inflating and never trusted from the zip's headers, and inflating
stops as soon as the part outgrows what its header declares or the whole file outgrows
:data:`~.spec.MAX_UNCOMPRESSED_BYTES`.

The uploaded file is stored as it is and offered for download again, so a file with parts that an evaluation does
not need and that could act when the file is opened (:func:`_check_parts`: images and other media, external links
and data connections, VBA projects under any name, ActiveX controls, embedded or linked objects, defined names
with formulas or external references) is refused with a message naming what was found; formulas in any cell of
any sheet are refused by :mod:`.sheets`. What is stored is therefore always a workbook of plain values.
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from .cells import _col_index, _norm
from .spec import (
    _SPEC_NAMES,
    FILE_SHEET,
    MAX_BOOK_CELLS,
    MAX_COMPRESSION_RATIO,
    MAX_FILE_BYTES,
    MAX_MERGED,
    MAX_SHARED_STRINGS,
    MAX_SHEET_CELLS,
    MAX_UNCOMPRESSED_BYTES,
    MAX_ZIP_ENTRIES,
    RATIO_CHECK_BYTES,
)


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

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = "请在 Excel 或 WPS 中打开它，“另存为”Excel 工作簿（*.xlsx）后再上传"
_UNSAFE = "如果文件来源不明，请不要打开它"
_SKIP_SCAN = (".png", ".jpg", ".jpeg", ".jfif", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".wdp",
              ".ico", ".bin", ".mp3", ".mp4", ".wav")
_STRUCTURE_LIMIT = 4 * 1024 * 1024  # [Content_Types].xml, xl/workbook.xml and its relationships
_CHUNK = 1024 * 1024
_TAIL = 4096


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def _load_bytes(source: str | Path | bytes | BinaryIO) -> bytes:
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            if not path.is_file():
                raise WorkbookError(f"找不到文件“{path.name}”，请检查文件名和路径后重试")
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise _too_big(size)
            return path.read_bytes()
        except OSError as exc:
            raise WorkbookError(f"无法打开文件“{path.name}”（{exc.strerror or type(exc).__name__}），"
                                "请检查文件是否存在、是否有读取权限") from exc
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        try:
            data = source.read(MAX_FILE_BYTES + 1)
        except Exception as exc:  # any stream: a Streamlit upload, an open file, a socket
            raise WorkbookError("无法读取上传的文件，请重新上传") from exc
        if isinstance(data, str):
            raise WorkbookError("文件是以文本方式打开的，无法作为 Excel 工作簿读取；请以二进制方式打开 .xlsx 文件")
        data = bytes(data or b"")
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(len(data))
    return data


def _too_big(size: int) -> WorkbookError:
    return WorkbookError(f"文件过大（{_mb(size)}，上限 {_mb(MAX_FILE_BYTES)}）。正常的评价工作簿只有几 MB；"
                         "请删除图片、多余的工作表和空行后另存为 .xlsx 再上传", value=_mb(size))


def _as_text(head: bytes) -> str | None:
    """The start of the file as text if it looks like text (UTF-8, UTF-16 with BOM, or GB18030), else None."""
    candidates: list[str] = []
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            candidates.append(head[: len(head) // 2 * 2].decode("utf-16"))
        except UnicodeDecodeError:
            pass
    for cut in range(4):
        try:
            candidates.append(head[: len(head) - cut].decode("utf-8-sig"))
            break
        except UnicodeDecodeError:
            continue
    if not candidates:
        for cut in range(4):
            try:
                candidates.append(head[: len(head) - cut].decode("gb18030"))
                break
            except UnicodeDecodeError:
                continue
    for text in candidates:
        if text and not any(ord(ch) < 32 and ch not in "\t\r\n\f" for ch in text):
            return text
    return None


def _sniff(data: bytes) -> None:
    """Raise a WorkbookError naming what the file is, unless it starts like a zip (an .xlsx is a zip)."""
    if not data:
        raise WorkbookError("文件是空的（0 字节）。请下载模板填写后另存为 .xlsx，再上传")
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return
    head = data[:4096]
    if data.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise WorkbookError("文件设置了打开密码（已加密），无法读取。请在 Excel 中取消密码"
                                "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码），另存为 .xlsx 后再上传")
        if "WordDocument".encode("utf-16-le") in data:
            raise WorkbookError("这是 Word 文档（.doc），不是 Excel 工作簿。请上传按模板填写的 Excel 工作簿（.xlsx）")
        if "PowerPoint Document".encode("utf-16-le") in data:
            raise WorkbookError("这是 PowerPoint 演示文稿（.ppt），不是 Excel 工作簿。请上传按模板填写的 .xlsx 文件")
        raise WorkbookError(f"这是旧版 Excel 97-2003 工作簿（.xls），不能直接读取。{_SAVE_AS}")
    if head.startswith(b"%PDF"):
        raise WorkbookError("这是 PDF 文件，不是 Excel 工作簿。请上传按模板填写的 Excel 工作簿（.xlsx）")
    if head.startswith(b"{\\rtf"):
        raise WorkbookError("这是 RTF 文档，不是 Excel 工作簿。请上传按模板填写的 Excel 工作簿（.xlsx）")
    if head[:2] == b"\x1f\x8b" or head.startswith((b"Rar!", b"7z\xbc\xaf\x27\x1c", b"BZh")):
        raise WorkbookError("这是压缩包（gzip、RAR、7z 等），不是 Excel 工作簿。请先解压，再上传其中的 .xlsx 文件")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")):
        raise WorkbookError("这是图片文件，不是 Excel 工作簿。请上传按模板填写的 Excel 工作簿（.xlsx）")
    text = _as_text(head)
    if text is not None:
        low = text.lstrip("\ufeff \t\r\n").lower()
        if low.startswith("<"):
            if "urn:schemas-microsoft-com:office:spreadsheet" in low or "excel.sheet" in low:
                raise WorkbookError(f"这是 Excel 2003 XML 表格，不是 .xlsx 工作簿。{_SAVE_AS}")
            if any(tag in low for tag in ("<html", "<!doctype html", "<table", "<meta", "<body", "<head")):
                raise WorkbookError("这是网页（HTML）文件，不是 Excel 工作簿；有些系统导出的“.xls”其实是网页。"
                                    f"{_SAVE_AS}")
            raise WorkbookError("这是 XML 文本文件，不是 Excel 工作簿（.xlsx）。请下载模板填写后另存为 .xlsx 再上传")
        if any(sep in text for sep in (",", "\t", "，", ";")):
            raise WorkbookError("这是 CSV 文本文件（用逗号或制表符分隔的文字），不是 Excel 工作簿。"
                                "请用模板：把数据粘贴到模板对应的工作表中，另存为 .xlsx 后再上传")
        raise WorkbookError("这是纯文本文件，不是 Excel 工作簿。请下载模板填写后另存为 .xlsx 再上传")
    raise WorkbookError("无法识别的文件格式：既不是 Excel 工作簿（.xlsx），也不是常见的文本或办公文档。"
                        "请确认上传的是按模板填写、另存为 .xlsx 的文件")


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception as exc:  # BadZipFile, an absurd directory (ValueError, OverflowError, ...)
        raise WorkbookError("文件不完整或已损坏（无法读取其 ZIP 结构），可能是下载或上传中断。"
                            "请在 Excel 中重新打开原文件，另存为 .xlsx 后再上传") from exc
    if len(infos) > MAX_ZIP_ENTRIES:
        raise WorkbookError(f"文件内部有 {len(infos):,} 个部件，远超正常的 Excel 工作簿（上限 {MAX_ZIP_ENTRIES:,}），"
                            f"已拒绝读取。请用 Excel 重新保存为 .xlsx；{_UNSAFE}")
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        if "xl/workbook.bin" in names:
            raise WorkbookError(f"这是 Excel 二进制工作簿（.xlsb），不能直接读取。{_SAVE_AS}")
        if "mimetype" in names:
            raise WorkbookError(f"这是 OpenDocument 文件（如 WPS/LibreOffice 的 .ods），不是 .xlsx 工作簿。{_SAVE_AS}")
        if "word/document.xml" in names:
            raise WorkbookError("这是 Word 文档（.docx），不是 Excel 工作簿。请上传按模板填写的 Excel 工作簿（.xlsx）")
        if "ppt/presentation.xml" in names:
            raise WorkbookError("这是 PowerPoint 演示文稿（.pptx），不是 Excel 工作簿。请上传按模板填写的 .xlsx 文件")
        raise WorkbookError("这是一个 ZIP 压缩包，不是 Excel 工作簿（缺少 xl/workbook.xml）。"
                            "如果压缩包里有 .xlsx 文件，请解压后上传该文件")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _macro()
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise WorkbookError("文件内部的部件被加密，无法读取。请取消加密，用 Excel 另存为 .xlsx 后再上传")
        total += info.file_size
        if (info.file_size > RATIO_CHECK_BYTES
                and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)):
            ratio = info.file_size // max(info.compress_size, 1)
            raise WorkbookError(f"文件中的“{info.filename}”压缩比异常（约 {ratio:,} 倍，正常不超过几十倍），"
                                f"疑似“压缩炸弹”，已拒绝读取。请用 Excel 重新保存为 .xlsx；{_UNSAFE}",
                                value=info.filename)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookError(f"文件解压后过大（约 {_mb(total)}，上限 {_mb(MAX_UNCOMPRESSED_BYTES)}），已拒绝读取。"
                            "正常的评价工作簿解压后只有几 MB；请删除多余的工作表、图片和空行后重新保存，"
                            f"{_UNSAFE}", value=_mb(total))
    return zf


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, sheet: str = FILE_SHEET) -> Iterator[bytes]:
    """The part's bytes, inflated here chunk by chunk from the raw compressed data: at most ``limit`` bytes and
    never more than the part's header declares (a header that understates the size is found after one chunk
    past it, not after gigabytes), then checked against the declared size and the CRC.

    zipfile's own reader stops at the declared size, and python-calamine reads only what it needs: neither
    would ever look at, say, an image whose header says 20 KB and which inflates to 4 GB. This does.
    """
    declared = info.file_size
    buf: Any = zf.fp.getbuffer() if isinstance(zf.fp, io.BytesIO) else None
    if buf is None:  # pragma: no cover - the reader always opens a BytesIO
        raise WorkbookError("无法读取上传的文件，请重新上传")
    try:
        head = bytes(buf[info.header_offset:info.header_offset + 30])
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise _damaged(info.filename, sheet)
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        start = info.header_offset + 30 + name_len + extra_len
        raw = buf[start:start + info.compress_size]
        total = crc = 0
        if info.compress_type == zipfile.ZIP_STORED:
            for at in range(0, len(raw), _CHUNK):
                out = bytes(raw[at:at + _CHUNK])
                total += len(out)
                if total > min(limit, declared):
                    break
                crc = zlib.crc32(out, crc)
                yield out
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            at = 0
            while not inflater.eof:
                if inflater.unconsumed_tail:
                    src: Any = inflater.unconsumed_tail
                elif at < len(raw):
                    src = raw[at:at + _CHUNK]
                    at += len(src)
                else:
                    raise _damaged(info.filename, sheet)  # the compressed data ends before the stream does
                try:
                    out = inflater.decompress(src, _CHUNK)
                except zlib.error as exc:
                    raise _damaged(info.filename, sheet) from exc
                total += len(out)
                if total > min(limit, declared):
                    break
                crc = zlib.crc32(out, crc)
                yield out
        else:
            raise WorkbookError(f"文件中的“{info.filename}”使用了 Excel 不会使用的压缩方式，已拒绝读取。"
                                f"请用 Excel 重新保存为 .xlsx；{_UNSAFE}", sheet=sheet, value=info.filename)
    finally:
        del buf
    if total > declared:
        raise WorkbookError(f"文件中的“{info.filename}”解压后大于文件头中登记的大小（登记 {declared:,} 字节），"
                            f"文件已损坏或被篡改（疑似“压缩炸弹”），已拒绝读取。请用 Excel 重新保存为 .xlsx；{_UNSAFE}",
                            sheet=sheet, value=info.filename)
    if total > limit:
        raise WorkbookError(f"文件解压后超过 {_mb(MAX_UNCOMPRESSED_BYTES)}，疑似“压缩炸弹”，已拒绝读取。"
                            f"请用 Excel 重新保存为 .xlsx；{_UNSAFE}", sheet=sheet, value=info.filename)
    if total != declared or crc != info.CRC:
        raise _damaged(info.filename, sheet)


def _damaged(part: str, sheet: str) -> WorkbookError:
    return WorkbookError(f"文件已损坏：内部部件“{part}”无法解压或校验失败。"
                         "请在 Excel 中重新打开原文件，另存为 .xlsx 后再上传", sheet=sheet, value=part)


def _macro() -> WorkbookError:
    return WorkbookError("这是含宏（VBA）的工作簿（.xlsm），出于安全原因不能上传。请在 Excel 中“另存为”"
                         "Excel 工作簿（*.xlsx，不含宏）后再上传")


_DOCTYPE = (b"<!DOCTYPE", b"<!ENTITY")


def _unsafe_xml(part: str, sheet: str) -> WorkbookError:
    return WorkbookError(f"文件中的“{part}”含有 DOCTYPE/ENTITY 声明（Excel 保存的文件不会有），可能是恶意构造的文件"
                         f"（如“十亿笑声”实体膨胀攻击），已拒绝读取。请用 Excel 重新保存为 .xlsx；{_UNSAFE}",
                         sheet=sheet, value=part)


def _check_encoding(part: str, first: bytes, sheet: str) -> None:
    if first[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in first[:4]:
        raise WorkbookError(f"文件中的“{part}”编码异常（不是 UTF-8），Excel 保存的文件不会这样。"
                            "请用 Excel 重新保存为 .xlsx 后再上传", sheet=sheet, value=part)


def _read_structure(zf: zipfile.ZipFile, name: str) -> bytes:
    """A small structural part, read whole (bounded) and checked for DOCTYPE."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return b""
    if info.file_size > _STRUCTURE_LIMIT:
        raise WorkbookError(f"文件中的“{name}”大小异常（{_mb(info.file_size)}），不是正常的 Excel 工作簿。"
                            f"请用 Excel 重新保存为 .xlsx；{_UNSAFE}", value=name)
    data = b"".join(_inflate(zf, info, _STRUCTURE_LIMIT))
    _check_encoding(name, data, FILE_SHEET)
    if any(p in data for p in _DOCTYPE):
        raise _unsafe_xml(name, FILE_SHEET)
    return data


def _xml_root(data: bytes, name: str) -> Any:
    try:
        from defusedxml.ElementTree import fromstring
    except ImportError:  # pragma: no cover - defusedxml is a requirement; DOCTYPE is refused before anyway
        from xml.etree.ElementTree import fromstring
    try:
        return fromstring(data)
    except Exception as exc:
        raise WorkbookError(f"文件中的“{name}”不是有效的 XML，文件已损坏。请用 Excel 重新保存为 .xlsx 后再上传",
                            value=name) from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheets_of(zf: zipfile.ZipFile) -> list[SheetInfo]:
    """The sheets listed in xl/workbook.xml, in order, with their state and zip entry."""
    types = _read_structure(zf, "[Content_Types].xml")
    if b"macroenabled" in types.lower():
        raise _macro()
    targets: dict[str, tuple[str, str]] = {}
    names = set(zf.namelist())
    rels = _read_structure(zf, "xl/_rels/workbook.xml.rels")
    if rels:
        for el in _xml_root(rels, "xl/_rels/workbook.xml.rels").iter():
            if _local(el.tag) == "Relationship":
                target = el.get("Target", "")
                candidates = [target] if target.startswith("/") else ["xl/" + target, target]
                found = [p for p in map(_normpath, candidates) if p in names]
                kind = el.get("Type", "").rsplit("/", 1)[-1]
                targets[el.get("Id", "")] = (found[0] if found else "", kind)
    sheets = []
    for el in _xml_root(_read_structure(zf, "xl/workbook.xml"), "xl/workbook.xml").iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
        part, kind = targets.get(rid, ("", ""))
        if kind not in ("worksheet", "chartsheet"):
            kind = "worksheet" if part.startswith("xl/worksheets/") else "other"
        sheets.append(SheetInfo(name=el.get("name", ""), state=el.get("state", "visible") or "visible",
                                kind=kind, part=part))
    return sheets


def _normpath(path: str) -> str:
    parts: list[str] = []
    for p in path.split("/"):
        if p == "..":
            if parts:
                parts.pop()
        elif p not in ("", "."):
            parts.append(p)
    return "/".join(parts)


_SST_COUNT = re.compile(rb'<sst\b[^>]*?\suniqueCount="(\d{1,20})"')
_BIG_ROW = re.compile(rb'<c r="[A-Z]{1,3}(\d{6,9})"')
_WIDE_COL = re.compile(rb'<c r="([A-Z]{2,3})\d')
_ROW_TAG = re.compile(rb'<row r="(\d{1,9})"')
_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*?\st="e"[^>]*(?<!/)>(.{0,4000}?)</c>', re.S)
_ERROR_VALUE = re.compile(rb"<v>([^<]{0,40})</v>")
_EMPTY_FORMULA = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*(?<!/)>\s*<f\b[^>]*?(?:/>|>[^<]{0,8000}</f>)\s*'
                            rb"(?:<v\s*/>|<v>\s*</v>)?\s*</c>")
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*(?<!/)>\s*<f\b')
_LETTERS = [bytes([c]) for c in range(ord("Z"), ord("A") - 1, -1)]
_BEYOND = [re.compile(rb'<c r="[' + bytes([65 + n]) + rb"-Z]") for n in range(26)]  # column > n (1-based)
_REFLESS = re.compile(rb'<c(?:>| (?!r=")|\t|\n)|<row(?:>| (?!r="))')
_RECORDED = 2000  # error cells / empty formulas remembered per sheet


class _PartScan:
    """A bounded streaming look at one part: DOCTYPE/ENTITY anywhere; for a worksheet, also the extent of its
    cells (so that python-calamine, which allocates rows x columns, is never handed an absurd sheet), its
    error cells (#N/A: calamine reads them as empty) and its formulas without a saved result."""

    def __init__(self, part: str, sheet: SheetInfo | None, size: int = 0) -> None:
        self.part = part
        self.sheet = sheet
        self.size = size
        self.tail = b""
        self.first = True
        self.max_row_tag = 0
        self.big_row = 0
        self.max_col = 0
        self.counts: Counter[bytes] = Counter()
        self.refless = False

    def _count(self, buf: bytes, pattern: bytes) -> None:
        self.counts[pattern] += buf.count(pattern) - self.tail.count(pattern)

    def feed(self, chunk: bytes) -> None:
        where = self.sheet.name if self.sheet else FILE_SHEET
        if self.first:
            _check_encoding(self.part, chunk, where)
            self.first = False
            m = _SST_COUNT.search(chunk, 0, 4096)
            if m and int(m.group(1)) > min(MAX_SHARED_STRINGS, self.size // 5 + 16):
                raise WorkbookError(f"文件中的“{self.part}”声明了 {int(m.group(1)):,} 个文本，与其大小不符，"
                                    f"不是 Excel 保存的正常文件，已拒绝读取。请用 Excel 重新保存为 .xlsx；{_UNSAFE}",
                                    value=self.part)
        buf = self.tail + chunk
        if any(p in buf for p in _DOCTYPE):
            raise _unsafe_xml(self.part, where)
        if self.sheet is not None:
            self._sheet(buf)
        self.tail = buf[-_TAIL:]

    def _sheet(self, buf: bytes) -> None:
        if self.refless or _REFLESS.search(buf):  # cells or rows without a reference: count them
            self.refless = True
            for pattern in (b"<c ", b"<c>", b'<c r="', b"<row ", b"<row>", b'<row r="'):
                self._count(buf, pattern)
        rows = _ROW_TAG.findall(buf)
        if rows:
            self.max_row_tag = max(self.max_row_tag, max(map(int, rows)))
        big = _BIG_ROW.findall(buf)  # every cell, also one with only a style: a safe over-estimate
        if big:
            self.big_row = max(self.big_row, max(map(int, big)))
        wide = _WIDE_COL.findall(buf)
        if wide:
            self.max_col = max(self.max_col, max(_col_index(w.decode()) + 1 for w in set(wide)))
        if self.max_col < 26 and _BEYOND[self.max_col].search(buf):  # a one-letter column right of max_col
            self.max_col = next(26 - i for i, letter in enumerate(_LETTERS) if b'<c r="' + letter in buf)
        info = self.sheet
        assert info is not None
        if b't="e"' in buf and len(info.error_cells) < _RECORDED:
            for m in _ERROR_CELL.finditer(buf):
                v = _ERROR_VALUE.search(m.group(3))
                code = v.group(1).decode("utf-8", "replace") if v else "#错误"
                info.error_cells[(int(m.group(2)), _col_index(m.group(1).decode()))] = code or "#错误"
        if b"<f" in buf and len(info.empty_formulas) < _RECORDED:
            for m in _EMPTY_FORMULA.finditer(buf):
                info.empty_formulas.add((int(m.group(2)), _col_index(m.group(1).decode())))
        if b"<f" in buf and len(info.formulas) < _RECORDED:
            for m in _FORMULA_CELL.finditer(buf):
                info.formulas.add((int(m.group(2)), _col_index(m.group(1).decode())))

    def finish(self) -> None:
        if self.sheet is None:
            return
        c = self.counts
        refless_cells = max(0, c[b"<c "] + c[b"<c>"] - c[b'<c r="'])
        refless_rows = max(0, c[b"<row "] + c[b"<row>"] - c[b'<row r="'])
        if refless_cells or refless_rows:  # positions follow from counting: bound them generously
            height = max(self.max_row_tag, self.big_row) + refless_rows
            width = self.max_col + refless_cells
        else:
            height = self.big_row or min(self.max_row_tag, 99_999)
            width = self.max_col
        self.sheet.height, self.sheet.width = height, width


def _scan(zf: zipfile.ZipFile, sheets: list[SheetInfo]) -> None:
    """Every part inflated (:func:`_inflate`) within the file's budget; XML parts looked at by :class:`_PartScan`,
    binary parts only for what they are (an OLE container is a VBA project or an embedded object)."""
    by_part = {s.part: s for s in sheets if s.part}
    total = 0
    for info in zf.infolist():
        if info.is_dir():
            continue
        sheet = by_part.get(info.filename)
        binary = sheet is None and info.filename.lower().endswith(_SKIP_SCAN)
        scan = None if binary else _PartScan(info.filename, sheet, info.file_size)
        first = True
        where = sheet.name if sheet else FILE_SHEET
        for chunk in _inflate(zf, info, MAX_UNCOMPRESSED_BYTES - total, where):
            total += len(chunk)
            if first:
                first = False
                if chunk.startswith(_OLE_MAGIC):
                    raise _unneeded([("宏（VBA 工程）或嵌入的 OLE 对象", info.filename)])
            if scan is not None:
                scan.feed(chunk)
        if scan is not None:
            scan.finish()


# What an evaluation does not need and what could act when the stored file is opened again: refused by name.
_MEDIA, _EXTERNAL, _VBA = "图片或其他媒体", "外部链接或外部数据连接", "宏（VBA 工程）"
_ACTIVEX, _EMBEDDED = "ActiveX 控件或表单控件", "嵌入或链接的对象"
_PART_PREFIXES = (("xl/media/", _MEDIA), ("xl/externallinks/", _EXTERNAL), ("xl/activex/", _ACTIVEX),
                  ("xl/embeddings/", _EMBEDDED), ("xl/ctrlprops/", _ACTIVEX), ("xl/connections.xml", _EXTERNAL),
                  ("xl/querytables/", _EXTERNAL))
_CONTENT_TYPES = (("vbaproject", _VBA), ("vbaprojectsignature", _VBA), ("ms-excel.macro", _VBA),
                  ("externallink", _EXTERNAL), ("connections+xml", _EXTERNAL), ("querytable", _EXTERNAL),
                  ("activex", _ACTIVEX), ("controlproperties", _ACTIVEX), ("oleobject", _EMBEDDED),
                  ("wordprocessingml", _EMBEDDED), ("presentationml", _EMBEDDED), ("image/", _MEDIA),
                  ("audio/", _MEDIA), ("video/", _MEDIA))
_REL_TYPES = (("/vbaproject", _VBA), ("/externallink", _EXTERNAL),
              ("/externallinkpath", _EXTERNAL), ("/connections", _EXTERNAL), ("/querytable", _EXTERNAL),
              ("/control", _ACTIVEX), ("/activexcontrolbinary", _ACTIVEX), ("/ctrlprop", _ACTIVEX),
              ("/oleobject", _EMBEDDED), ("/package", _EMBEDDED), ("/image", _MEDIA), ("/audio", _MEDIA),
              ("/video", _MEDIA), ("/media", _MEDIA), ("/attachedtemplate", _EXTERNAL), ("/frame", _EXTERNAL))
_SAFE_LINK = re.compile(r"^(?:https?://|mailto:)[^\\\s]*$", re.I)  # a web or mail hyperlink: not a file share
_NAME_FORMULA = re.compile(r"[|\[(]")  # DDE (cmd|...), another workbook ([1]Sheet!A1), a function call


def _unneeded(found: list[tuple[str, str]]) -> WorkbookError:
    kinds: dict[str, list[str]] = {}
    for kind, part in found:
        kinds.setdefault(kind, [])
        if part not in kinds[kind]:
            kinds[kind].append(part)
    listed = "；".join(f"{kind}（{'、'.join(parts[:3])}{' 等' if len(parts) > 3 else ''}）"
                      for kind, parts in kinds.items())
    return WorkbookError(f"文件中有评价数据不需要的内容：{listed}。上传的工作簿会原样保存、供他人再次下载，"
                         "为安全起见不接受这类内容；请在 Excel 中删除图片、外部链接、宏、控件和嵌入对象"
                         f"（或把数据复制到新下载的模板中），另存为 .xlsx 后再上传。{_UNSAFE}",
                         value=found[0][1])


def _check_parts(zf: zipfile.ZipFile) -> None:
    """Refuse a file with parts the evaluation does not need (see the module docstring), naming each kind and
    part: by part name, by content type (a VBA project under any name) and by relationship (anything linked
    outside the file, except a web or mail hyperlink)."""
    found: list[tuple[str, str]] = []
    names = [i.filename for i in zf.infolist() if not i.is_dir()]
    for name in names:
        low = name.lower()
        for prefix, kind in _PART_PREFIXES:
            if low.startswith(prefix):
                found.append((kind, name))
    types = _xml_root(_read_structure(zf, "[Content_Types].xml") or b"<Types/>", "[Content_Types].xml")
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for el in types.iter():
        if _local(el.tag) == "Default":
            defaults[el.get("Extension", "").lower()] = el.get("ContentType", "").lower()
        elif _local(el.tag) == "Override":
            overrides[el.get("PartName", "").lstrip("/").lower()] = el.get("ContentType", "").lower()
    for name in names:
        low = name.lower()
        if low.startswith("docprops/thumbnail."):
            continue  # the preview picture Excel may save with any file: inflated and bounded like every part
        ctype = overrides.get(low) or defaults.get(low.rsplit(".", 1)[-1], "")
        if low == "xl/workbook.xml":
            continue  # its own type (sheet.main) is that of an .xlsx; a macro workbook is refused before
        for fragment, kind in _CONTENT_TYPES:
            if fragment in ctype:
                found.append((kind, name))
                break
    for name in names:
        if not name.lower().endswith(".rels"):
            continue
        for el in _xml_root(_read_structure(zf, name), name).iter():
            if _local(el.tag) != "Relationship":
                continue
            rtype = el.get("Type", "").lower()
            target = el.get("Target", "")
            rel_kind = next((k for suffix, k in _REL_TYPES if rtype.endswith(suffix.lower())), None)
            if rel_kind is not None:
                found.append((rel_kind, target or name))
            elif el.get("TargetMode", "").lower() == "external":
                if not (rtype.endswith("/hyperlink") and _SAFE_LINK.match(target)):
                    found.append((_EXTERNAL, target or name))
    workbook = _read_structure(zf, "xl/workbook.xml")
    if workbook:
        for el in _xml_root(workbook, "xl/workbook.xml").iter():
            if _local(el.tag) == "definedName" and _NAME_FORMULA.search(el.text or ""):
                found.append(("含公式或外部引用的名称", f"{el.get('name', '')}：{(el.text or '')[:40]}"))
    if found:
        raise _unneeded(found)


def _spec_name(name: str) -> str | None:
    """The spec sheet a sheet of the file is read as: its exact name, or its name without stray spaces."""
    if name in _SPEC_NAMES:
        return name
    squeezed = _norm(name)
    return squeezed if squeezed in _SPEC_NAMES else None



def read_raw(source: str | Path | bytes | BinaryIO) -> RawWorkbook:
    """The cells of the spec's sheets (python-calamine), row 0 = Excel row 1, after the file has been checked:
    its size, that it is an .xlsx (not .xls, CSV, HTML, a macro workbook, ...), the unzipped size and the
    compression ratios (zip bombs), no DOCTYPE/ENTITY in any XML part (billion laughs), and each sheet's extent.

    Raises only :class:`WorkbookError` (a ``ValueError``) with a Chinese message saying what to do.
    """
    try:
        return _read_raw(source)
    except WorkbookError:
        raise
    except MemoryError as exc:
        raise WorkbookError("文件内容过多，超出可读取的范围。请删除多余的行、列和工作表后另存为 .xlsx 再上传") from exc
    except Exception as exc:  # calamine and zipfile raise several types for a damaged file
        raise WorkbookError(f"无法读取该文件：不是有效的 Excel 工作簿（.xlsx），或文件已损坏（{type(exc).__name__}）。"
                            "请在 Excel 中打开后另存为 .xlsx 再上传") from exc


def _read_raw(source: str | Path | bytes | BinaryIO) -> RawWorkbook:
    import python_calamine

    data = _load_bytes(source)
    _sniff(data)
    zf = _open_zip(data)
    sheets = _sheets_of(zf)
    _check_parts(zf)
    _scan(zf, sheets)
    chosen: dict[str, SheetInfo] = {}
    for s in sheets:
        spec_name = _spec_name(s.name)
        if spec_name and (spec_name not in chosen or s.name == spec_name):
            chosen[spec_name] = s
    cells = 0
    for spec_name, s in chosen.items():
        if s.kind != "worksheet":
            raise WorkbookError(f"“{s.name}”是图表或其他类型的工作表，不是数据表。请按模板使用普通工作表",
                                sheet=s.name)
        if not s.part:  # not found, so not checked: python-calamine must not read it unchecked
            raise WorkbookError(f"文件中找不到工作表“{s.name}”的内容，文件已损坏。"
                                "请用 Excel 重新保存为 .xlsx 后再上传", sheet=s.name)
        area = s.height * s.width
        cells += area
        if area > MAX_SHEET_CELLS:
            raise WorkbookError(f"工作表“{s.name}”的使用区域过大（约 {s.height:,} 行 × {s.width:,} 列），"
                                f"超出可读取的范围（{MAX_SHEET_CELLS:,} 个单元格）。通常是远处的行或列误填了内容；"
                                "请删除数据区以外的行和列后另存为 .xlsx 再上传", sheet=s.name,
                                value=f"{s.height}×{s.width}")
        s.read_as = spec_name
    if cells > MAX_BOOK_CELLS:
        raise WorkbookError(f"各工作表的使用区域合计约 {cells:,} 个单元格，超出可读取的范围（{MAX_BOOK_CELLS:,}）。"
                            "请删除数据区以外的行和列，或把数据拆分到多个评价后再上传")
    wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows: dict[str, list[list[Any]]] = {}
    for spec_name, s in chosen.items():
        try:
            sheet = wb.get_sheet_by_name(s.name)
            rows[spec_name] = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
        except Exception as exc:
            raise WorkbookError(f"无法读取工作表“{s.name}”的内容（{type(exc).__name__}），文件可能已损坏。"
                                "请用 Excel 重新保存为 .xlsx 后再上传", sheet=s.name) from exc
        if len(merged) > MAX_MERGED:
            raise WorkbookError(f"工作表“{s.name}”有 {len(merged):,} 个合并单元格（上限 {MAX_MERGED:,}），"
                                "无法逐行读取。请全选该工作表并取消合并单元格，在每一行填写完整后再上传",
                                sheet=s.name, value=f"{len(merged):,}")
        s.merged = tuple((a[0], a[1], b[0], b[1]) for a, b in merged)
    return RawWorkbook(rows, {s.name: s for s in sheets})
