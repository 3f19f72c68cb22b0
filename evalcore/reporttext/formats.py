"""Reports as they are published: PDF with a text layer, saved web pages, .docx read within bounds, and traditional
characters converted to simplified. Each reader gives text lines of the kind the parser reads (tables as
``| a | b |`` rows, one row per line) and, for every line, where it came from in the original (:class:`Where`).

- PDF (pdfplumber): per page, the tables its table finder sees become rows of cells (a 自评表 arrives as rows, not
  one cell per line); the rest of the page becomes text lines, in the page's top-to-bottom order. A PDF whose pages
  carry (almost) no text is a scan: a clear Chinese message says so (no OCR is attempted).
- HTML (lxml): the page's own ``<table>``s become rows; scripts, styles, navigation, headers, footers, share bars
  and hidden blocks are left out; block elements become lines.
- .docx: the zip is checked and each part inflated through :mod:`evalcore.workbook.zipread` (entry count,
  compression ratio, real size counted), then rebuilt in memory for python-docx.
- Traditional characters: a text with several characters that exist only in traditional script is converted line by
  line (zhconv, whose dictionary ships with the package); a line is kept as written when conversion would change its
  length, so a figure's line and position still point at the original text (``Document.original``).

Every input is size-checked (:data:`MAX_REPORT_BYTES`) before it is read fully.
"""
from __future__ import annotations

import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .pdfbound import inflate_bound

MAX_REPORT_BYTES = 30 * 1024 * 1024  # a report file: PDFs with images run to a few MB
MAX_PDF_PAGES = 400
MAX_DOCX_PART_BYTES = 60 * 1024 * 1024  # the inflated word/document.xml (and any other part)
MAX_DOCX_TOTAL_BYTES = 150 * 1024 * 1024
MAX_PDF_INFLATED_BYTES = 256 * 1024 * 1024  # all of a PDF's streams inflated (pages, fonts, object streams)
MIN_TEXT_CHARS_PER_PAGE = 20  # fewer (on average) and the PDF is taken for a scan


@dataclass(frozen=True)
class Where:
    """Where a line of the text came from: a page and its line, or a table's row (1-based)."""

    page: int | None = None
    line: int | None = None
    table: int | None = None
    row: int | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in (("page", self.page), ("line", self.line), ("table", self.table),
                                  ("row", self.row)) if v is not None}


@dataclass
class Document:
    """A report read from its file: the text the parser reads, and per line (0-based list) where it came from."""

    text: str
    name: str
    where: list[Where] = field(default_factory=list)
    original: str = ""  # the text before traditional → simplified conversion ("" when nothing was converted)
    kind: str = "text"  # text | docx | pdf | html


def check_size(size: int, name: str = "") -> None:
    if size > MAX_REPORT_BYTES:
        label = f"“{name}”" if name else "该文件"
        raise ValueError(f"{label}过大（约 {size / 1024 / 1024:.1f} MB，上限 {MAX_REPORT_BYTES // 1024 // 1024} MB），"
                         "已拒绝读取。请只上传评价报告本身（可删除其中的图片后另存）")


def _cell(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "").replace("|", "｜")  # a PDF / HTML cell wraps its text: join it


def _row_line(cells: list[str]) -> str | None:
    if not any(cells):
        return None
    return "| " + " | ".join(cells) + " |"


# --- PDF ----------------------------------------------------------------------------------------------------

# PDF fonts often map CJK characters to their radical code points (⾸⻚ for 首页, ⾦ for 金): the Kangxi radicals
# (U+2F00–U+2FD5) have an NFKC form; the simplified forms of the supplement (U+2E80–U+2EFF) are listed here.
_RADICALS = str.maketrans({
    **{chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0x2F00, 0x2FD6)},
    "⺠": "民", "⺟": "母", "⺢": "水", "⺣": "火", "⺫": "目", "⺮": "竹", "⺶": "羊", "⺼": "肉", "⻁": "虎",
    "⻄": "西", "⻅": "见", "⻉": "贝", "⻋": "车", "⻓": "长", "⻔": "门", "⻘": "青", "⻙": "韦", "⻚": "页",
    "⻛": "风", "⻜": "飞", "⻝": "食", "⻢": "马", "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄",
    "⻬": "齐", "⻮": "齿", "⻰": "龙", "⻳": "龟", "⻣": "骨", "⻤": "鬼",
})


def _pdf_chars(text: str) -> str:
    """Radical code points back to the characters they stand for (one for one: positions keep)."""
    return text.translate(_RADICALS)


def pdf_document(data: bytes, name: str = "") -> Document:
    """The text of a PDF (tables as rows), every stream inflated within :data:`MAX_PDF_INFLATED_BYTES`
    (:mod:`.pdfbound`): a compression bomb inside the PDF is refused with a message naming the file."""
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font warnings of ordinary PDFs are no news to the user
    label = f"“{name}”" if name else "该 PDF"
    refusal = (f"{label}中的压缩内容解压后超过 {MAX_PDF_INFLATED_BYTES // 1024 // 1024} MB，不是正常的评价报告"
               "（疑似“压缩炸弹”），已拒绝读取。请用 PDF 阅读器另存或打印为新的 PDF，或改用 .docx、网页另存的文件")
    with inflate_bound(MAX_PDF_INFLATED_BYTES) as budget:
        try:
            doc = _pdf_document(data, name)
        except Exception as exc:  # pdfplumber wraps what pdfminer raises (PdfminerException)
            if budget.exceeded:
                raise ValueError(refusal) from exc
            raise
    if budget.exceeded:  # swallowed by a library on the way: the text read is incomplete
        raise ValueError(refusal)
    return doc


# a line that opens an item of its own (一、 (二) 3、 4. ①): a paragraph of its own, never the rest of the line above
_OPENS_ITEM = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[(（]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|"
                         r"\d{1,2}\s*[、.．](?!\d)|[①-⑳])")


def pdf_row(row: list[str | None]) -> list[str]:
    """A row of a PDF table's grid as cells, without the grid's empty columns right of a short row (a form's
    merged cells leave the rest of the grid's width empty)."""
    cells = [_pdf_chars(_cell(c)) for c in row]
    while len(cells) > 1 and not cells[-1]:
        cells.pop()
    return cells


def pdf_paragraphs(text_lines: list, tables: list) -> list:
    """A page's text lines with each paragraph's lines joined into one: a PDF keeps no paragraphs, and a line that
    reaches the right edge of the text goes on in the next, whether or not it ends a sentence (…配套实施。 / 2021年
    下达…). A line that opens an item (一、 (二) 3、) starts a paragraph; a table between two lines separates them.
    The joined line keeps the place of its first line (page and line)."""
    if len(text_lines) < 2:
        return text_lines
    right = max(tl["x1"] for tl, _, _ in text_lines)
    widths = sorted((tl["x1"] - tl["x0"]) / len(text) for tl, text, _ in text_lines if len(text) >= 10)
    char = widths[len(widths) // 2] if widths else 10.0
    out: list = []
    for tl, text, w in text_lines:
        if out:
            ptl, ptext, pw, last = out[-1]
            gap = tl["top"] - last["bottom"]
            between = any(last["bottom"] <= b[1] <= tl["top"] for b in tables)
            if (last["x1"] >= right - 1.5 * char and 0 <= gap <= 1.2 * char and not between
                    and not _OPENS_ITEM.match(text)):
                out[-1] = (ptl, ptext + text, pw, tl)
                continue
        out.append((tl, text, w, tl))
    return [(tl, text, w) for tl, text, w, _ in out]


def _pdf_document(data: bytes, name: str) -> Document:
    try:
        import pdfplumber
        from pdfminer.pdfparser import PDFSyntaxError
    except ImportError as exc:  # pragma: no cover - pdfplumber is a requirement
        raise ValueError("读取 PDF 需要安装 pdfplumber") from exc

    lines: list[str] = []
    where: list[Where] = []
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises several types for a file that is not a PDF
        raise ValueError(f"不是有效的 PDF 文件，或文件已损坏（{type(exc).__name__}）") from exc
    with pdf:
        pages = pdf.pages
        if len(pages) > MAX_PDF_PAGES:
            raise ValueError(f"PDF 有 {len(pages)} 页，超过上限 {MAX_PDF_PAGES} 页，已拒绝读取。请只上传评价报告本身")
        chars = 0
        table_no = 0
        for page_no, page in enumerate(pages, start=1):
            try:
                tables = page.find_tables()
            except Exception:  # a damaged page: its text only (a stream over the inflation bound is refused after)
                tables = []
            boxes = [t.bbox for t in tables]

            def outside(obj, boxes=boxes) -> bool:
                if obj.get("object_type") != "char":
                    return True
                x = (obj["x0"] + obj["x1"]) / 2
                y = (obj["top"] + obj["bottom"]) / 2
                return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

            items: list[tuple[float, int, list[tuple[str, Where]]]] = []
            text_page = page.filter(outside) if boxes else page
            page_line = 0
            text_lines = []
            for tl in text_page.extract_text_lines(layout=False, strip=True, return_chars=False):
                text = _pdf_chars(tl.get("text", "")).strip()
                if not text:
                    continue
                chars += len(text)
                page_line += 1
                text_lines.append((tl, text, Where(page=page_no, line=page_line)))
            for tl, text, w in pdf_paragraphs(text_lines, [t.bbox for t in tables]):
                items.append((tl["top"], 1, [(text, w)]))
            for t in tables:
                table_no += 1
                rows = []
                for r_no, row in enumerate(t.extract(), start=1):
                    line = _row_line(pdf_row(row))
                    if line:
                        chars += len(line)
                        rows.append((line, Where(page=page_no, table=table_no, row=r_no)))
                items.append((t.bbox[1], 0, rows))
            for _, _, group in sorted(items, key=lambda x: (x[0], x[1])):
                is_table = bool(group) and group[0][1].table is not None
                if is_table:
                    lines.append("")
                    where.append(Where(page=page_no))
                for text, w in group:
                    lines.append(text)
                    where.append(w)
                if is_table:
                    lines.append("")
                    where.append(Where(page=page_no))
        if chars < MIN_TEXT_CHARS_PER_PAGE * max(1, len(pages)) / 4 or chars < MIN_TEXT_CHARS_PER_PAGE:
            raise ValueError("该 PDF 没有可读取的文字层（可能是扫描件或图片），无法识别其中的文字。"
                             "请使用原始电子版 PDF、.docx 或网页另存的文件，或先用 OCR 软件识别为文字后再导入")
    return Document("\n".join(lines), name, where, kind="pdf")


# --- HTML ---------------------------------------------------------------------------------------------------

_NOISE_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "iframe", "form", "button", "select",
               "svg", "canvas", "template", "head", "aside", "object", "embed")
_NOISE_ATTR = re.compile(r"(?:^|[\s_-])(?:nav|navbar|menu|header|footer|foot|breadcrumbs?|crumbs?|share|sidebar|"
                         r"side|copyright|toolbar|topbar|banner|search|login|links?|friend|weizhi|position|dqwz|"
                         r"print|related|hidden|fenxiang|bottom)(?:$|[\s_-])", re.I)
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "blockquote",
               "pre", "dd", "dt", "ul", "ol", "center", "body", "main", "table", "caption", "hr"}


def _noise(el) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag.lower() in _NOISE_TAGS:
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    ident = f"{el.get('id') or ''} {el.get('class') or ''}"
    return bool(ident.strip()) and bool(_NOISE_ATTR.search(ident)) and tag.lower() not in ("table", "td", "tr")


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


def html_document(data: bytes, name: str = "") -> Document:
    from lxml import etree, html

    m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", data[:4096], re.I)
    text: str
    if m:
        try:
            text = data.decode(m.group(1).decode("ascii"), errors="replace")
        except LookupError:
            text = decode_text(data)
    else:
        text = decode_text(data)
    try:
        parser = html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=False)
        root = html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ValueError(f"无法解析网页文件（{type(exc).__name__}）") from exc
    body = root.find("body")
    if body is None:
        body = root
    lines: list[str] = []
    where: list[Where] = []
    buf: list[str] = []
    table_no = 0

    def flush() -> None:
        line = re.sub(r"[ \t\u00a0\u3000]+", " ", "".join(buf)).strip()
        buf.clear()
        if line:
            lines.append(line)
            where.append(Where(line=len(lines)))

    def walk(el) -> None:
        nonlocal table_no
        if not isinstance(el.tag, str) or _noise(el):
            if el.tail:
                buf.append(el.tail)
            return
        tag = el.tag.lower()
        if tag == "table":
            flush()
            table_no += 1
            lines.append("")
            where.append(Where())
            r_no = 0
            for tr in el.iter("tr"):
                if tr.getparent() is not None and _closest_table(tr) is not el:
                    continue  # a nested table's row: read with the nested table's cell text
                cells = [_cell(td.text_content()) for td in tr if isinstance(td.tag, str)
                         and td.tag.lower() in ("td", "th")]
                line = _row_line(cells)
                if line:
                    r_no += 1
                    lines.append(line)
                    where.append(Where(table=table_no, row=r_no))
            lines.append("")
            where.append(Where())
        else:
            block = tag in _BLOCK_TAGS
            if block:
                flush()
            if el.text:
                buf.append(el.text)
            for child in el:
                walk(child)
            if block:
                flush()
        if el.tail:
            buf.append(el.tail)

    walk(body)
    flush()
    return Document("\n".join(lines), name, where, kind="html")


def _closest_table(el):
    p = el.getparent()
    while p is not None and (not isinstance(p.tag, str) or p.tag.lower() != "table"):
        p = p.getparent()
    return p


# --- .docx within bounds ------------------------------------------------------------------------------------

# --- traditional characters ---------------------------------------------------------------------------------

def to_simplified(text: str, at_least: int = 3) -> str | None:
    """The text with traditional characters converted, line by line keeping each line's length; None when the text
    is not in traditional characters (fewer than ``at_least`` characters change)."""
    try:
        from zhconv import convert
    except ImportError:  # pragma: no cover - zhconv is a requirement
        return None
    out = []
    changed = 0
    for line in text.split("\n"):
        conv = convert(line, "zh-cn") if line else line
        if len(conv) != len(line):
            conv = "".join(convert(ch, "zh-cn") if len(convert(ch, "zh-cn")) == 1 else ch for ch in line)
        changed += sum(1 for a, b in zip(line, conv, strict=True) if a != b)
        out.append(conv)
    return "\n".join(out) if changed >= at_least else None


def simplified(doc: Document) -> Document:
    conv = to_simplified(doc.text)
    if conv is None:
        return doc
    return Document(conv, doc.name, doc.where, original=doc.text, kind=doc.kind)


def read_path_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValueError(f"无法读取文件：{path}") from exc
    check_size(size, path.name)
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_REPORT_BYTES + 1)
    except OSError as exc:
        raise ValueError(f"无法读取文件：{path}") from exc
    check_size(len(data), path.name)
    return data
