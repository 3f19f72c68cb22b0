"""Reading a report document into text lines: .md/.txt decoded, .docx flattened to markdown-like lines; PDF and web
pages through :mod:`.formats`.

A .docx becomes the same kind of text the parser reads from a .md file, so there is one parser:

- a paragraph with a heading style (Title, Heading N, 标题 N) or an outline level becomes ``#``-prefixed;
- a paragraph whose text is entirely bold becomes ``**…**``; one that starts with bold runs becomes ``**lead**rest``
  (reports often bold a category's title sentence and continue the paragraph in plain text);
- a table becomes ``| a | b |`` rows, in document order between the paragraphs.

A .docx is a zip: before python-docx (which inflates and parses every part whole) sees it, :func:`check_docx`
inflates every part through the workbook reader's bounded inflater (:func:`evalcore.workbook.zipread.inflate_part`:
the real size counted chunk by chunk, never trusted from the headers) within :data:`DOCX_MAX_XML_PART` per XML part
and :data:`DOCX_MAX_UNCOMPRESSED` in all, with at most :data:`DOCX_MAX_RATIO` compression for an XML part above
1 MB, and refuses DOCTYPE/ENTITY declarations: a small file whose document.xml inflates to 20 MB is refused in
milliseconds with a Chinese message, not parsed for minutes.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ..workbook.raw import WorkbookError
from ..workbook.spec import MAX_FILE_BYTES, MAX_ZIP_ENTRIES
from ..workbook.zipread import DOCTYPE_MARKS, inflate_part
from .formats import (
    Document,
    check_size,
    decode_text,
    html_document,
    pdf_document,
    read_path_bytes,
    simplified,
)
from .noise import clean

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


DOCX_MAX_XML_PART = 8 * 1024 * 1024  # one XML part (document.xml of a long report with tables: 1-3 MB)
DOCX_MAX_UNCOMPRESSED = 64 * 1024 * 1024  # every part, pictures included
DOCX_MAX_RATIO = 100  # an XML part above 1 MB: real ones compress 5-20 times
_RESAVE = "请在 Word 中打开后另存为 .docx（或另存为 .txt）再导入"


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def check_docx(data: bytes) -> None:
    """Refuse (ValueError, Chinese) a .docx that is not a zip, too big, a zip bomb, encrypted or with a DOCTYPE,
    inflating every part within bounds (see the module docstring)."""
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"文件过大（{_mb(len(data))}，上限 {_mb(MAX_FILE_BYTES)}），未读取。{_RESAVE}")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception as exc:  # BadZipFile, an absurd directory (ValueError, OverflowError, ...)
        raise ValueError(f"不是有效的 .docx 文件（无法读取其 ZIP 结构，文件可能不完整或已损坏）。{_RESAVE}") from exc
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ValueError(f"文件内部有 {len(infos):,} 个部件，不是正常的 Word 文档，已拒绝读取。{_RESAVE}")
    if "word/document.xml" not in {i.filename for i in infos}:
        raise ValueError(f"不是 Word 文档（.docx）：缺少 word/document.xml。{_RESAVE}")
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename
        if info.flag_bits & 0x1:
            raise ValueError(f"文件中的“{name}”被加密，无法读取。请取消加密后{_RESAVE[1:]}")
        xml = name.lower().endswith((".xml", ".rels"))
        limit = min(DOCX_MAX_XML_PART if xml else DOCX_MAX_UNCOMPRESSED, DOCX_MAX_UNCOMPRESSED - total)
        if info.file_size > limit or (xml and info.file_size > 1024 * 1024
                                      and info.file_size > DOCX_MAX_RATIO * max(info.compress_size, 1)):
            raise ValueError(f"文件中的“{name}”解压后过大（{_mb(info.file_size)}，压缩前 {_mb(info.compress_size)}；"
                             f"正文上限 {_mb(DOCX_MAX_XML_PART)}，全部上限 {_mb(DOCX_MAX_UNCOMPRESSED)}），"
                             f"疑似“压缩炸弹”，已拒绝读取。{_RESAVE}")
        tail = b""
        try:
            for chunk in inflate_part(zf, info, limit):
                total += len(chunk)
                if xml:
                    if any(p in tail + chunk for p in DOCTYPE_MARKS):
                        raise ValueError(f"文件中的“{name}”含有 DOCTYPE/ENTITY 声明（Word 保存的文件不会有），"
                                         f"可能是恶意构造的文件，已拒绝读取。{_RESAVE}")
                    tail = chunk[-64:]
        except WorkbookError as exc:
            raise ValueError(f"文件中的“{name}”解压后与文件头登记的大小不符、超出上限或已损坏（疑似“压缩炸弹”），"
                             f"已拒绝读取。{_RESAVE}") from exc


def _heading_level(paragraph) -> int:
    """1.. for a heading paragraph (Title counts as 1), 0 otherwise."""
    try:
        name = (paragraph.style.name or "") if paragraph.style is not None else ""
    except (KeyError, ValueError):  # a style id missing from styles.xml
        name = ""
    low = name.lower()
    if low == "title" or name == "标题":
        return 1
    m = re.match(r"(?:heading|标题)\s*(\d)", low)
    if m:
        return int(m.group(1)) + 1
    ppr = paragraph._p.pPr
    if ppr is not None:
        lvl = ppr.find(f"{_W}outlineLvl")
        if lvl is not None:
            try:
                value = int(lvl.get(f"{_W}val"))
            except (TypeError, ValueError):
                return 0
            if value < 9:
                return value + 2
    return 0


def _paragraph_line(paragraph) -> str:
    text = paragraph.text
    if not text.strip():
        return ""
    level = _heading_level(paragraph)
    if level:
        return "#" * min(level, 6) + " " + text.strip()
    runs = [(r.text, bool(r.bold)) for r in paragraph.runs if r.text]
    if runs and all(bold for t, bold in runs if t.strip()):
        return f"**{text.strip()}**"
    ppr = paragraph._p.pPr
    numbered = ppr is not None and ppr.find(f"{_W}numPr") is not None
    if numbered and not re.match(r"\s*[（(\d一二三四五六七八九十①-⑳]", text):
        return "- " + text.strip()  # Word's automatic list numbering is not part of the text: mark it as a list item
    lead = []
    for t, bold in runs:
        if not bold:
            break
        lead.append(t)
    lead_text = "".join(lead)
    if lead_text.strip() and len(lead_text) < len(text):
        rest = text[len(lead_text):]
        return f"**{lead_text.strip()}**{rest.rstrip()}"
    return text


def _table_lines(table) -> list[str]:
    out = []
    for row in table.rows:
        cells = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:  # a horizontally merged cell is repeated by python-docx
                continue
            previous = cell._tc
            cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()).replace("|", "｜"))
        if any(cells):
            out.append("| " + " | ".join(cells) + " |")
    return out


def docx_text(data: bytes) -> str:
    """The paragraphs and tables of a .docx in document order, as markdown-like lines."""
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - python-docx is a requirement
        raise ValueError("读取 .docx 需要安装 python-docx") from exc
    check_docx(data)  # every part inflated within bounds before python-docx reads it
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a file that is not a .docx
        raise ValueError(f"不是有效的 .docx 文件（{type(exc).__name__}）") from exc
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            lines.append(_paragraph_line(Paragraph(child, document)))
        elif child.tag == f"{_W}tbl":
            lines.append("")
            lines.extend(_table_lines(Table(child, document)))
            lines.append("")
    return "\n".join(lines)


def read_source(path_or_bytes: str | Path | bytes, name: str = "") -> Document:
    """A report file (or its bytes; ``name`` gives the extension) as a :class:`~.formats.Document`: the text the
    parser reads and where each line came from. Raises ValueError (Chinese) for what cannot be read."""
    if isinstance(path_or_bytes, (str, Path)):
        path = Path(path_or_bytes)
        data = read_path_bytes(path)
        name = name or path.name
    else:
        data = bytes(path_or_bytes)
        check_size(len(data), name)
    suffix = Path(name).suffix.lower() if name else ""
    head = data[:1024].lstrip().lower()
    if suffix == ".docx" or (not suffix and data[:2] == b"PK"):
        doc = Document(docx_text(data), name, kind="docx")
    elif suffix == ".doc":
        raise ValueError("不支持旧版 Word（.doc）文件，请在 Word 中另存为 .docx 后再导入")
    elif suffix == ".pdf" or data[:5] == b"%PDF-":
        doc = pdf_document(data, name)
    elif data[:2] == b"PK":
        raise ValueError("该文件是压缩包或 Office 文件，只支持 .md、.txt、.docx、.pdf 和网页（.html）")
    elif suffix in (".html", ".htm", ".xhtml", ".shtml", ".mhtml") or head.startswith((b"<!doctype html", b"<html")):
        doc = html_document(data, name)
    else:
        doc = Document(decode_text(data), name)
    return clean(simplified(doc))


def read_document(path_or_bytes: str | Path | bytes, name: str = "") -> tuple[str, str]:
    """(text, name) of a report file or its bytes. Raises ValueError (Chinese) for what cannot be read."""
    doc = read_source(path_or_bytes, name)
    return doc.text, doc.name
