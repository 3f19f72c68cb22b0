"""Reading the zip of an .xlsx within bounds: opening it (entry count, declared sizes, compression ratios,
encrypted parts, what kind of zip it is), inflating one part chunk by chunk (:func:`inflate_part`: the real size is
counted, never trusted from the headers), reading the small structural XML parts (no DOCTYPE/ENTITY) and the
list of sheets from xl/workbook.xml.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

from .raw import SAVE_AS, UNSAFE, SheetInfo, WorkbookError, mb
from .spec import FILE_SHEET, MAX_COMPRESSION_RATIO, MAX_UNCOMPRESSED_BYTES, MAX_ZIP_ENTRIES, RATIO_CHECK_BYTES

_STRUCTURE_LIMIT = 4 * 1024 * 1024  # [Content_Types].xml, xl/workbook.xml and its relationships
_CHUNK = 1024 * 1024


def open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception as exc:  # BadZipFile, an absurd directory (ValueError, OverflowError, ...)
        raise WorkbookError("文件不完整或已损坏（无法读取其 ZIP 结构），可能是下载或上传中断。"
                            "请在 Excel 中重新打开原文件，另存为 .xlsx 后再上传") from exc
    if len(infos) > MAX_ZIP_ENTRIES:
        raise WorkbookError(f"文件内部有 {len(infos):,} 个部件，远超正常的 Excel 工作簿（上限 {MAX_ZIP_ENTRIES:,}），"
                            f"已拒绝读取。请用 Excel 重新保存为 .xlsx；{UNSAFE}")
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        if "xl/workbook.bin" in names:
            raise WorkbookError(f"这是 Excel 二进制工作簿（.xlsb），不能直接读取。{SAVE_AS}")
        if "mimetype" in names:
            raise WorkbookError(f"这是 OpenDocument 文件（如 WPS/LibreOffice 的 .ods），不是 .xlsx 工作簿。{SAVE_AS}")
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
                                f"疑似“压缩炸弹”，已拒绝读取。请用 Excel 重新保存为 .xlsx；{UNSAFE}",
                                value=info.filename)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookError(f"文件解压后过大（约 {mb(total)}，上限 {mb(MAX_UNCOMPRESSED_BYTES)}），已拒绝读取。"
                            "正常的评价工作簿解压后只有几 MB；请删除多余的工作表、图片和空行后重新保存，"
                            f"{UNSAFE}", value=mb(total))
    return zf


def inflate_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, sheet: str = FILE_SHEET) -> Iterator[bytes]:
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
                                f"请用 Excel 重新保存为 .xlsx；{UNSAFE}", sheet=sheet, value=info.filename)
    finally:
        del buf
    if total > declared:
        raise WorkbookError(f"文件中的“{info.filename}”解压后大于文件头中登记的大小（登记 {declared:,} 字节），"
                            f"文件已损坏或被篡改（疑似“压缩炸弹”），已拒绝读取。请用 Excel 重新保存为 .xlsx；{UNSAFE}",
                            sheet=sheet, value=info.filename)
    if total > limit:
        raise WorkbookError(f"文件解压后超过 {mb(MAX_UNCOMPRESSED_BYTES)}，疑似“压缩炸弹”，已拒绝读取。"
                            f"请用 Excel 重新保存为 .xlsx；{UNSAFE}", sheet=sheet, value=info.filename)
    if total != declared or crc != info.CRC:
        raise _damaged(info.filename, sheet)


def _damaged(part: str, sheet: str) -> WorkbookError:
    return WorkbookError(f"文件已损坏：内部部件“{part}”无法解压或校验失败。"
                         "请在 Excel 中重新打开原文件，另存为 .xlsx 后再上传", sheet=sheet, value=part)


def _macro() -> WorkbookError:
    return WorkbookError("这是含宏（VBA）的工作簿（.xlsm），出于安全原因不能上传。请在 Excel 中“另存为”"
                         "Excel 工作簿（*.xlsx，不含宏）后再上传")


DOCTYPE_MARKS = (b"<!DOCTYPE", b"<!ENTITY")


def unsafe_xml(part: str, sheet: str) -> WorkbookError:
    return WorkbookError(f"文件中的“{part}”含有 DOCTYPE/ENTITY 声明（Excel 保存的文件不会有），可能是恶意构造的文件"
                         f"（如“十亿笑声”实体膨胀攻击），已拒绝读取。请用 Excel 重新保存为 .xlsx；{UNSAFE}",
                         sheet=sheet, value=part)


def check_encoding(part: str, first: bytes, sheet: str) -> None:
    if first[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in first[:4]:
        raise WorkbookError(f"文件中的“{part}”编码异常（不是 UTF-8），Excel 保存的文件不会这样。"
                            "请用 Excel 重新保存为 .xlsx 后再上传", sheet=sheet, value=part)


def read_structure(zf: zipfile.ZipFile, name: str) -> bytes:
    """A small structural part, read whole (bounded) and checked for DOCTYPE."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return b""
    if info.file_size > _STRUCTURE_LIMIT:
        raise WorkbookError(f"文件中的“{name}”大小异常（{mb(info.file_size)}），不是正常的 Excel 工作簿。"
                            f"请用 Excel 重新保存为 .xlsx；{UNSAFE}", value=name)
    data = b"".join(inflate_part(zf, info, _STRUCTURE_LIMIT))
    check_encoding(name, data, FILE_SHEET)
    if any(p in data for p in DOCTYPE_MARKS):
        raise unsafe_xml(name, FILE_SHEET)
    return data


def xml_root(data: bytes, name: str) -> Any:
    try:
        from defusedxml.ElementTree import fromstring
    except ImportError:  # pragma: no cover - defusedxml is a requirement; DOCTYPE is refused before anyway
        from xml.etree.ElementTree import fromstring
    try:
        return fromstring(data)
    except Exception as exc:
        raise WorkbookError(f"文件中的“{name}”不是有效的 XML，文件已损坏。请用 Excel 重新保存为 .xlsx 后再上传",
                            value=name) from exc


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sheets_of(zf: zipfile.ZipFile) -> list[SheetInfo]:
    """The sheets listed in xl/workbook.xml, in order, with their state and zip entry."""
    types = read_structure(zf, "[Content_Types].xml")
    if b"macroenabled" in types.lower():
        raise _macro()
    targets: dict[str, tuple[str, str]] = {}
    names = set(zf.namelist())
    rels = read_structure(zf, "xl/_rels/workbook.xml.rels")
    if rels:
        for el in xml_root(rels, "xl/_rels/workbook.xml.rels").iter():
            if local_name(el.tag) == "Relationship":
                target = el.get("Target", "")
                candidates = [target] if target.startswith("/") else ["xl/" + target, target]
                found = [p for p in map(_normpath, candidates) if p in names]
                kind = el.get("Type", "").rsplit("/", 1)[-1]
                targets[el.get("Id", "")] = (found[0] if found else "", kind)
    sheets = []
    for el in xml_root(read_structure(zf, "xl/workbook.xml"), "xl/workbook.xml").iter():
        if local_name(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if local_name(k) == "id"), "")
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
