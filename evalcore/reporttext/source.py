"""Reading a report document into text lines: .md/.txt decoded, .docx flattened to markdown-like lines; PDF and web
pages through :mod:`.formats`.

A .docx becomes the same kind of text the parser reads from a .md file, so there is one parser:

- a paragraph with a heading style (Title, Heading N, 标题 N) or an outline level becomes ``#``-prefixed;
- a paragraph whose text is entirely bold becomes ``**…**``; one that starts with bold runs becomes ``**lead**rest``
  (reports often bold a category's title sentence and continue the paragraph in plain text);
- a table becomes ``| a | b |`` rows, in document order between the paragraphs.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

from .formats import (
    Document,
    bounded_docx,
    check_size,
    html_document,
    pdf_document,
    read_path_bytes,
    simplified,
)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK/GB2312)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ValueError("无法识别文本编码（已尝试 UTF-8 和 GB18030），请另存为 UTF-8 文本") from exc


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
    safe = bounded_docx(data)
    try:
        document = docx.Document(io.BytesIO(safe))
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
    return simplified(doc)


def read_document(path_or_bytes: str | Path | bytes, name: str = "") -> tuple[str, str]:
    """(text, name) of a report file or its bytes. Raises ValueError (Chinese) for what cannot be read."""
    doc = read_source(path_or_bytes, name)
    return doc.text, doc.name
