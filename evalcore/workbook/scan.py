"""The safety scan of every part of the zip, and the parts an evaluation does not need.

:func:`scan_parts` inflates every part (:func:`~.zipread.inflate_part`) within the file's budget and streams the XML
ones through :class:`PartScan`: DOCTYPE/ENTITY anywhere, and for a sheet a bound of the extent of its cells (what
python-calamine would allocate without bound). Every part that can hold a formula (the sheets among them) is also
parsed as XML while it is inflated (:class:`.formulas.PartParser`): formula cells, error values and the exact
extent of the cells of a sheet, and the formulas of conditional formats, data validations, names, tables and
charts, refused when they can reach outside the file. :func:`check_parts` refuses
media, external links and connections, VBA projects, ActiveX controls, embedded objects and defined names with
formulas, naming each part found.
"""
from __future__ import annotations

import re
import zipfile
from collections import Counter

from .cells import col_index
from .formulas import PartParser, formula_risk, holds_formulas
from .raw import UNSAFE, SheetInfo, WorkbookError
from .sniff import OLE_MAGIC
from .spec import FILE_SHEET, MAX_SHARED_STRINGS, MAX_UNCOMPRESSED_BYTES
from .zipread import DOCTYPE_MARKS, check_encoding, inflate_part, local_name, read_structure, unsafe_xml, xml_root

# binary parts: inflated (their size is counted) but not looked into
_SKIP_SCAN = (".png", ".jpg", ".jpeg", ".jfif", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".wdp",
              ".ico", ".bin", ".mp3", ".mp4", ".wav")
_TAIL = 4096  # bytes kept from one chunk to the next, so that a tag cut by a chunk boundary is still found

_SST_COUNT = re.compile(rb'<sst\b[^>]*?\suniqueCount="(\d{1,20})"')
BIG_ROW = re.compile(rb'<c r="[A-Z]{1,3}(\d{6,9})"')
WIDE_COL = re.compile(rb'<c r="([A-Z]{2,3})\d')
ROW_TAG = re.compile(rb'<row r="(\d{1,9})"')
BEYOND = [re.compile(rb'<c r="[' + bytes([65 + n]) + rb"-Z]") for n in range(26)]  # column > n (1-based)
REFLESS = re.compile(rb'<c(?:>| (?!r=")|\t|\n)|<row(?:>| (?!r="))')


def _last_letter(buf: bytes, low: int) -> int:
    """The rightmost one-letter column (1-based) that a ``<c r="`` in ``buf`` starts with, known to be at least
    ``low``. The last cell's letter is a first guess (the last cell of a sheet is usually the rightmost): one
    search of :data:`BEYOND` ("a column right of n") confirms it, else a binary search on :data:`BEYOND` finds
    the letter, five searches at most instead of one per letter from Z."""
    at = buf.rfind(b'<c r="')
    if at >= 0 and at + 6 < len(buf) and 65 + low <= buf[at + 6] <= 90:
        low = buf[at + 6] - 64  # a letter that is there, right of low
    if low >= 26 or not BEYOND[low].search(buf):
        return low
    low, high = low + 1, 26
    while low < high:
        mid = (low + high + 1) // 2
        if BEYOND[mid - 1].search(buf):
            low = mid
        else:
            high = mid - 1
    return low


class PartScan:
    """A bounded streaming look at one part: DOCTYPE/ENTITY anywhere; for a worksheet, also a generous bound of
    the extent of its cells (so that python-calamine, which allocates rows x columns, is never handed an absurd
    sheet). Formulas and error cells are found by parsing (:class:`.formulas.PartParser`), not here."""

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
            check_encoding(self.part, chunk, where)
            self.first = False
            m = _SST_COUNT.search(chunk, 0, 4096)
            if m and int(m.group(1)) > min(MAX_SHARED_STRINGS, self.size // 5 + 16):
                raise WorkbookError(f"文件中的“{self.part}”声明了 {int(m.group(1)):,} 个文本，与其大小不符，"
                                    f"不是 Excel 保存的正常文件，已拒绝读取。请用 Excel 重新保存为 .xlsx；{UNSAFE}",
                                    value=self.part)
        buf = self.tail + chunk
        if any(p in buf for p in DOCTYPE_MARKS):
            raise unsafe_xml(self.part, where)
        if self.sheet is not None:
            self._sheet(buf)
        self.tail = buf[-_TAIL:]

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
            self.max_col = _last_letter(buf, self.max_col + 1)

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


def scan_parts(zf: zipfile.ZipFile, sheets: list[SheetInfo]) -> None:
    """Every part inflated (:func:`inflate_part`) within the file's budget; XML parts looked at by :class:`PartScan`,
    binary parts only for what they are (an OLE container is a VBA project or an embedded object); the sheets
    and every other part that can hold a formula parsed by :class:`.formulas.PartParser`."""
    by_part = {s.part: s for s in sheets if s.part}
    total = 0
    for info in zf.infolist():
        if info.is_dir():
            continue
        sheet = by_part.get(info.filename)
        binary = sheet is None and info.filename.lower().endswith(_SKIP_SCAN)
        scan = None if binary else PartScan(info.filename, sheet, info.file_size)
        first = True
        where = sheet.name if sheet else FILE_SHEET
        parser = (PartParser(info.filename, sheet, where, fast=True) if sheet
                  else PartParser(info.filename, None, where) if holds_formulas(info.filename) else None)
        for chunk in inflate_part(zf, info, MAX_UNCOMPRESSED_BYTES - total, where):
            total += len(chunk)
            if first:
                first = False
                if chunk.startswith(OLE_MAGIC):
                    raise _unneeded([("宏（VBA 工程）或嵌入的 OLE 对象", info.filename)])
            if scan is not None:
                scan.feed(chunk)  # DOCTYPE/ENTITY refused before the parser sees the chunk
            if parser is not None:
                parser.feed(chunk)
        if scan is not None:
            scan.finish()
        if parser is not None:
            parser.close()
            if parser.needs_full:  # the cells need looking at: the part inflated again and parsed whole
                parser = PartParser(info.filename, sheet, where)
                for chunk in inflate_part(zf, info, info.file_size, where):  # its size was checked above
                    parser.feed(chunk)
                parser.close()
            if sheet is not None:  # the parsed extent, and the bound above (cells placed by counting)
                sheet.height = max(sheet.height, parser.max_row)
                sheet.width = max(sheet.width, parser.max_col)


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
                         f"（或把数据复制到新下载的模板中），另存为 .xlsx 后再上传。{UNSAFE}",
                         value=found[0][1])


def check_parts(zf: zipfile.ZipFile) -> None:
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
    types = xml_root(read_structure(zf, "[Content_Types].xml") or b"<Types/>", "[Content_Types].xml")
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for el in types.iter():
        if local_name(el.tag) == "Default":
            defaults[el.get("Extension", "").lower()] = el.get("ContentType", "").lower()
        elif local_name(el.tag) == "Override":
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
        for el in xml_root(read_structure(zf, name), name).iter():
            if local_name(el.tag) != "Relationship":
                continue
            rtype = el.get("Type", "").lower()
            target = el.get("Target", "")
            rel_kind = next((k for suffix, k in _REL_TYPES if rtype.endswith(suffix.lower())), None)
            if rel_kind is not None:
                found.append((rel_kind, target or name))
            elif el.get("TargetMode", "").lower() == "external":
                if not (rtype.endswith("/hyperlink") and _SAFE_LINK.match(target)):
                    found.append((_EXTERNAL, target or name))
    workbook = read_structure(zf, "xl/workbook.xml")
    if workbook:
        for el in xml_root(workbook, "xl/workbook.xml").iter():
            if local_name(el.tag) == "definedName" and formula_risk(el.text or "", frozenset()):  # no call at all
                found.append(("含公式或外部引用的名称", f"{el.get('name', '')}：{(el.text or '')[:40]}"))
    if found:
        raise _unneeded(found)
