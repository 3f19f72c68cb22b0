"""佐证材料 (evidence files of a unit's 整改 report), checked by their content, never by their name (issue 25).

Accepted: PDF, JPG/PNG, DOCX, XLSX; at most :data:`MAX_FILE_BYTES` (20 MB) a file, :data:`MAX_FILES` (10) files
and :data:`MAX_REPORT_BYTES` (60 MB, what the server lets one browser session hold in uploads) a report. What a
file is comes from its bytes (magic numbers, then its structure), and the name's extension must agree with it (a
Word macro document renamed .pdf, an HTML page renamed .jpg are refused).

- PDF: the %PDF- header and an %%EOF trailer; no JavaScript, launch, embedded-file, rich-media, XFA form or
  submit/import actions, looked for in the raw bytes (names with #xx escapes decoded) and inside every Flate
  stream, inflated within a budget (a PDF "zip bomb" is refused);
- JPG/PNG: decoded with Pillow within a pixel limit and re-encoded, so only the pixels are stored (no metadata,
  no trailing bytes, no polyglot riding along);
- DOCX/XLSX: the workbook guard's rules for Office files (:mod:`evalcore.workbook.zipread`): the zip read within
  bounds (entries, sizes, ratios, every part inflated and counted), no encrypted parts, no DOCTYPE/ENTITY, no
  macros (VBA projects under any name, macro-enabled types, OLE parts), no external links or data connections,
  no ActiveX controls, no embedded or linked objects. Pictures inside a document are allowed (a scanned
  signature page is ordinary evidence): they are inflated and bounded like every part.

Each refusal is an :class:`EvidenceError` with a Chinese message naming the file and why. Pure: bytes in,
:class:`CheckedFile` out; the store (:meth:`evalcore.store.Store.report_progress`) stores what this returns, with
its sha256 digest, and pages offer it only as a download (``st.download_button``), never rendered inline.
"""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from .workbook.raw import WorkbookError
from .workbook.spec import MAX_PENDING_UPLOAD_BYTES
from .workbook.zipread import inflate_part

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 10  # a report
MAX_REPORT_BYTES = MAX_PENDING_UPLOAD_BYTES  # all the files of a report (the server's bound on a session's uploads)
MAX_PIXELS = 60_000_000  # an image's width x height (a phone photo is 12-50 MP)
MAX_INFLATED = 200 * 1024 * 1024  # what the streams of one PDF, or the parts of one Office file, may inflate to
MAX_ZIP_ENTRIES = 5_000
MAX_RATIO = 200  # a part's inflated size over its compressed size, beyond RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
NAME_MAX = 120

KINDS: dict[str, str] = {"pdf": "PDF 文件", "jpg": "JPG 图片", "png": "PNG 图片", "docx": "Word 文档（.docx）",
                         "xlsx": "Excel 工作簿（.xlsx）"}
MIME: dict[str, str] = {
    "pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_EXTENSIONS = {"pdf": "pdf", "jpg": "jpg", "jpeg": "jpg", "png": "png", "docx": "docx", "xlsx": "xlsx"}
ALLOWED = "PDF、JPG、PNG、Word（.docx）、Excel（.xlsx）"


class EvidenceError(ValueError):
    """A refused evidence file: the message is Chinese and names the file and why."""

    def __init__(self, name: str, why: str):
        self.name = name
        self.why = why
        super().__init__(f"佐证材料“{name}”未被接受：{why}")


@dataclass(frozen=True)
class CheckedFile:
    name: str  # cleaned, with the extension of its kind
    kind: str  # pdf | jpg | png | docx | xlsx
    data: bytes  # what is stored (an image re-encoded)
    sha256: str

    @property
    def mime(self) -> str:
        return MIME[self.kind]


def clean_name(name: str) -> str:
    """The base name, NFKC, without control characters or path parts, at most NAME_MAX characters."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(text) > NAME_MAX:
        stem, dot, ext = text.rpartition(".")
        text = (stem[: NAME_MAX - len(ext) - 1] + dot + ext) if dot and len(ext) <= 5 else text[:NAME_MAX]
    return text or "未命名"


def sniff(data: bytes) -> str | None:
    """What the bytes are, by content: pdf, jpg, png, zip, ole (an old Office binary file), or None."""
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:3] == b"\xff\xd8\xff":
        return "jpg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"PK\x03\x04":
        return "zip"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"
    return None


def _what_text(data: bytes) -> str:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<svg") or b"<svg" in head:
        return "SVG 矢量图（可能含脚本）"
    if head.startswith((b"<!doctype html", b"<html", b"<script", b"<head", b"<body")) or b"<script" in head:
        return "网页（HTML）"
    if head.startswith(b"<?xml"):
        return "XML 文件"
    if data[:4] == b"GIF8":
        return "GIF 图片"
    if data[:2] == b"MZ" or data[:4] == b"\x7fELF":
        return "可执行程序"
    return "无法识别的文件"


def check_file(name: str, data: bytes) -> CheckedFile:
    """Check one file by its content; the stored form of it, or :class:`EvidenceError`."""
    shown = clean_name(name)
    if not isinstance(data, (bytes, bytearray)):
        raise EvidenceError(shown, "无法读取文件内容")
    data = bytes(data)
    if not data:
        raise EvidenceError(shown, "文件是空的")
    if len(data) > MAX_FILE_BYTES:
        raise EvidenceError(shown, f"文件过大（{len(data) / 1024 / 1024:,.1f} MB），每个文件不超过 "
                                   f"{MAX_FILE_BYTES // 1024 // 1024} MB")
    sniffed = sniff(data)
    if sniffed == "ole":
        raise EvidenceError(shown, "这是旧版 Office 二进制文件（.doc/.xls，可能含宏），只接受 " + ALLOWED +
                            "；请另存为 .docx/.xlsx 或 PDF 后再上传")
    if sniffed is None:
        raise EvidenceError(shown, f"文件内容是{_what_text(data)}，只接受 {ALLOWED}")
    found = _office_kind(shown, data) if sniffed == "zip" else sniffed
    ext = shown.rsplit(".", 1)[-1].lower() if "." in shown else ""
    if _EXTENSIONS.get(ext) != found:
        said = f"扩展名为 .{ext}" if ext else "没有扩展名"
        raise EvidenceError(shown, f"文件内容是{KINDS[found]}，但{said}，与内容不符；请使用正确的扩展名后再上传")
    if found == "pdf":
        _check_pdf(shown, data)
    elif found in ("jpg", "png"):
        data = _reencode(shown, data, found)
    else:
        _check_office(shown, data, found)
    return CheckedFile(shown, found, data, hashlib.sha256(data).hexdigest())


def check_files(files: Sequence[tuple[str, bytes]], already: int = 0) -> list[CheckedFile]:
    """Check every file of one report (``already``: files the report has before these). All or nothing: the first
    refusal raises, so a report with one bad file stores none of them."""
    files = list(files or ())
    if len(files) + already > MAX_FILES:
        raise EvidenceError(f"共 {len(files) + already} 个文件", f"每次报送最多 {MAX_FILES} 个佐证材料文件")
    total = sum(len(data) for _, data in files)
    if total > MAX_REPORT_BYTES:
        raise EvidenceError(f"共 {total / 1024 / 1024:,.1f} MB",
                            f"每次报送的佐证材料合计不超过 {MAX_REPORT_BYTES // 1024 // 1024} MB，请分次报送")
    out = [check_file(name, data) for name, data in files]
    names = [f.name for f in out]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise EvidenceError(dup, "同名文件上传了不止一次")
    return out


# --- PDF -------------------------------------------------------------------------------------------------------

_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_FORBIDDEN = ((b"/javascript", "含有 JavaScript 脚本"), (b"/js", "含有 JavaScript 脚本"),
                  (b"/launch", "含有启动外部程序的动作（/Launch）"), (b"/embeddedfile", "内嵌了其他文件"),
                  (b"/richmedia", "含有富媒体（Flash 等）"), (b"/xfa", "含有 XFA 动态表单"),
                  (b"/submitform", "含有提交表单的动作"), (b"/importdata", "含有导入数据的动作"),
                  (b"/gotoe", "含有跳转到内嵌文件的动作"))
_PDF_NAME_END = re.compile(rb"[\s/\[\]<>()%{}]")
_STREAM = re.compile(rb"stream\r?\n")


def _pdf_names(text: bytes) -> bytes:
    return _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), text).lower()


def _forbidden(shown: str, text: bytes) -> None:
    low = _pdf_names(text)
    for token, why in _PDF_FORBIDDEN:
        at = low.find(token)
        while at >= 0:
            end = at + len(token)
            if end >= len(low) or _PDF_NAME_END.match(low, end):  # the whole name, not /JSON or /Launcher
                raise EvidenceError(shown, f"PDF {why}，为安全起见不接受；请打印为普通 PDF 后再上传")
            at = low.find(token, end)


_FILTER = re.compile(rb"/Filter\s*(\[[^\]]{0,400}\]|/[A-Za-z0-9#]{1,40})")
_NAME = re.compile(rb"/([A-Za-z0-9#]{1,40})")
_IMAGE_FILTERS = {b"dctdecode", b"dct", b"jpxdecode", b"ccittfaxdecode", b"ccf", b"jbig2decode"}
_TEXT_FILTERS = {b"flatedecode", b"fl", b"asciihexdecode", b"ahx", b"ascii85decode", b"a85"}


def _filters(dictionary: bytes) -> list[bytes]:
    found = _FILTER.search(dictionary)
    if found is None:
        return []
    return [_pdf_names(b"/" + n)[1:] for n in _NAME.findall(found.group(1))]


def _decode(shown: str, raw: bytes, filters: list[bytes], budget: int) -> bytes | None:
    """The stream decoded through its filters (None for image data, which is not looked into); refuses a filter
    this check cannot see through (LZW, run-length, crypt) and a stream that inflates beyond ``budget``."""
    import base64
    import binascii

    out = raw
    for f in filters:
        if f in _IMAGE_FILTERS:
            return None
        if f not in _TEXT_FILTERS:
            raise EvidenceError(shown, f"PDF 使用了无法检查的数据流编码（/{f.decode(errors='replace')}），"
                                       "为安全起见不接受；请重新打印或另存为 PDF 后再上传")
        try:
            if f in (b"flatedecode", b"fl"):
                inflater = zlib.decompressobj()
                decoded = inflater.decompress(out, budget + 1)
                if len(decoded) > budget or inflater.unconsumed_tail:
                    raise EvidenceError(shown, "PDF 中的数据流解压后过大，疑似“压缩炸弹”，已拒绝")
                out = decoded
            elif f in (b"asciihexdecode", b"ahx"):
                text = re.sub(rb"\s", b"", out.split(b">", 1)[0])
                out = binascii.unhexlify(text + (b"0" if len(text) % 2 else b""))
            else:
                out = base64.a85decode(re.sub(rb"\s", b"", out.split(b"~>", 1)[0]))
        except EvidenceError:
            raise
        except (zlib.error, binascii.Error, ValueError):
            return b""  # a damaged stream: a reader cannot decode it either
    return out


def _check_pdf(shown: str, data: bytes) -> None:
    if b"%%EOF" not in data[-2048:]:
        raise EvidenceError(shown, "PDF 文件不完整（缺少结尾标记 %%EOF），可能上传中断或文件已损坏")
    if re.search(rb"/Encrypt\b", data):
        raise EvidenceError(shown, "PDF 已加密，无法检查其内容；请取消密码保护后再上传")
    _forbidden(shown, data)
    budget = MAX_INFLATED
    for m in _STREAM.finditer(data):
        if data[max(0, m.start() - 3):m.start()] == b"end":
            continue  # "endstream"
        start = m.end()
        end = data.find(b"endstream", start)
        if end < 0:
            break
        head = data[max(0, m.start() - 4096):m.start()]
        dictionary = head[head.rfind(b"obj") + 3:] if b"obj" in head else head
        filters = _filters(dictionary)
        if not filters:
            continue  # not encoded: the raw bytes were scanned with the whole file
        decoded = _decode(shown, data[start:end], filters, budget)
        if decoded is None:
            continue
        budget -= len(decoded)
        if budget < 0:
            raise EvidenceError(shown, "PDF 中的数据流解压后过大，疑似“压缩炸弹”，已拒绝")
        _forbidden(shown, decoded)


# --- images ----------------------------------------------------------------------------------------------------


def _reencode(shown: str, data: bytes, kind: str) -> bytes:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG" if kind == "jpg" else "PNG"]) as img:
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise EvidenceError(shown, f"图片像素过多（{width}×{height}），请缩小后再上传")
            img.load()
            mode = img.mode
            if kind == "jpg":
                pixels = img.convert("RGB" if mode not in ("L", "RGB", "CMYK") else mode)
            else:
                pixels = img.convert("RGBA" if mode in ("P", "PA", "LA", "RGBA") else
                                     ("RGB" if mode not in ("L", "RGB", "I;16", "I") else mode))
    except EvidenceError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise EvidenceError(shown, "图片无法解码，文件已损坏或不是真正的图片") from exc
    except Image.DecompressionBombError as exc:  # pragma: no cover - caught by the size check above
        raise EvidenceError(shown, "图片像素过多，疑似“解压炸弹”") from exc
    pixels.info = {}  # no comment, profile, text chunk or EXIF carried over from the upload
    out = io.BytesIO()
    if kind == "jpg":
        pixels.save(out, format="JPEG", quality=90)  # no EXIF, no comments: only the pixels
    else:
        pixels.save(out, format="PNG", optimize=False)
    return out.getvalue()


# --- Office (the workbook guard's rules) -----------------------------------------------------------------------

_VBA, _EXTERNAL, _ACTIVEX, _EMBEDDED = "宏（VBA 工程）", "外部链接或外部数据连接", "ActiveX 控件", "嵌入或链接的对象"
_PARTS = (("/embeddings/", _EMBEDDED), ("/activex/", _ACTIVEX), ("xl/externallinks/", _EXTERNAL),
          ("xl/connections.xml", _EXTERNAL), ("xl/querytables/", _EXTERNAL), ("xl/ctrlprops/", _ACTIVEX))
_TYPES = (("vbaproject", _VBA), ("macroenabled", _VBA), ("ms-excel.macro", _VBA), ("ms-word.vba", _VBA),
          ("externallink", _EXTERNAL), ("connections+xml", _EXTERNAL), ("querytable", _EXTERNAL),
          ("activex", _ACTIVEX), ("controlproperties", _ACTIVEX), ("oleobject", _EMBEDDED))
_RELS = (("/vbaproject", _VBA), ("/externallink", _EXTERNAL), ("/externallinkpath", _EXTERNAL),
         ("/connections", _EXTERNAL), ("/querytable", _EXTERNAL), ("/control", _ACTIVEX),
         ("/activexcontrolbinary", _ACTIVEX), ("/oleobject", _EMBEDDED), ("/package", _EMBEDDED),
         ("/attachedtemplate", _EXTERNAL), ("/frame", _EXTERNAL), ("/subdocument", _EXTERNAL))
_SAFE_LINK = re.compile(r"^(?:https?://|mailto:)[^\\\s]*$", re.I)
_DOCTYPE = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _office_kind(shown: str, data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except Exception as exc:  # BadZipFile, an absurd directory
        raise EvidenceError(shown, "文件的压缩结构已损坏，无法读取") from exc
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise EvidenceError(shown, f"文件含有{_VBA}，为安全起见不接受")
    raise EvidenceError(shown, f"这是一个 ZIP 压缩包或其他格式，不是 Word/Excel 文档；只接受 {ALLOWED}")


def _check_office(shown: str, data: bytes, kind: str) -> None:
    from defusedxml.ElementTree import fromstring


    zf = zipfile.ZipFile(io.BytesIO(data))
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise EvidenceError(shown, f"文件内部有 {len(infos):,} 个部件，远超正常文档，已拒绝")
    found: list[tuple[str, str]] = []
    total = 0
    parts: dict[str, bytes] = {}
    for info in infos:
        if info.flag_bits & 0x1:
            raise EvidenceError(shown, "文件内部的部件被加密，无法检查；请取消加密后再上传")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise EvidenceError(shown, f"文件中的“{info.filename}”压缩比异常，疑似“压缩炸弹”，已拒绝")
        total += info.file_size
        if total > MAX_INFLATED:
            raise EvidenceError(shown, "文件解压后过大，疑似“压缩炸弹”，已拒绝")
        low = info.filename.lower()
        if low.endswith("vbaproject.bin") or low.endswith("vbadata.xml"):
            found.append((_VBA, info.filename))
        for fragment, what in _PARTS:
            if fragment in "/" + low:
                found.append((what, info.filename))
        try:
            body = b"".join(inflate_part(zf, info, MAX_INFLATED - total + info.file_size))
        except WorkbookError as exc:
            raise EvidenceError(shown, f"文件中的“{info.filename}”无法安全解压（{exc}）") from exc
        if body.startswith(_OLE):
            found.append((f"{_VBA}或{_EMBEDDED}", info.filename))
        if low.endswith((".xml", ".rels")):
            if any(p in body[:4096] or p in body for p in _DOCTYPE):
                raise EvidenceError(shown, f"文件中的“{info.filename}”含有 DOCTYPE/ENTITY 声明，可能是恶意构造的文件")
            if low == "[content_types].xml" or low.endswith(".rels"):
                parts[info.filename] = body
    types = parts.get("[Content_Types].xml", b"")
    try:
        for el in fromstring(types or b"<Types/>").iter():
            ctype = (el.get("ContentType") or "").lower()
            for fragment, what in _TYPES:
                if fragment in ctype:
                    found.append((what, el.get("PartName") or el.get("Extension") or "[Content_Types].xml"))
                    break
        for name, body in parts.items():
            if not name.lower().endswith(".rels"):
                continue
            for el in fromstring(body).iter():
                if not el.tag.endswith("Relationship"):
                    continue
                rtype = (el.get("Type") or "").lower()
                target = el.get("Target") or ""
                rel_what = next((w for suffix, w in _RELS if rtype.endswith(suffix)), None)
                if rel_what is not None:
                    found.append((rel_what, target or name))
                elif (el.get("TargetMode") or "").lower() == "external" and not (
                        rtype.endswith("/hyperlink") and _SAFE_LINK.match(target)):
                    found.append((_EXTERNAL, target or name))
    except EvidenceError:
        raise
    except Exception as exc:
        raise EvidenceError(shown, "文件内部的结构 XML 无效，文件已损坏") from exc
    if found:
        kinds: dict[str, list[str]] = {}
        for what, part in found:
            kinds.setdefault(what, [])
            if part not in kinds[what]:
                kinds[what].append(part)
        listed = "；".join(f"{what}（{'、'.join(p[:3])}）" for what, p in kinds.items())
        raise EvidenceError(shown, f"文件含有{listed}，为安全起见不接受；请删除宏、外部链接、控件和嵌入对象，"
                                   f"或另存为 PDF 后再上传")
