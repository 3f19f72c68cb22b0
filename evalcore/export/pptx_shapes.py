"""The pieces a slide of the deck is made of: typefaces, text, boxes, panels, tables and headed lists.

Owns the deck's colours and fonts (every run gets a Latin and an East Asian typeface: ``<a:latin>`` and ``<a:ea>``,
since python-pptx's ``font.name`` sets only the Latin one), the estimate of how tall wrapped text is (PowerPoint does
not reflow on open, so sizes are chosen here), and the shapes :mod:`.pptx` lays out and :mod:`.pptx_charts` styles.
"""
from __future__ import annotations

import math
import unicodedata
from typing import TYPE_CHECKING

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from ..figures import style

if TYPE_CHECKING:  # the slide plan's types only (the plan imports the chart registry, which imports these shapes)
    from .slides import Block, Table

LATIN_FONT = "Arial"
EA_FONT = "Microsoft YaHei"  # 微软雅黑: on every Windows PC; WPS and LibreOffice substitute a CJK sans where absent


def rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


PRIMARY, ACCENT, INK, MUTED = (rgb(c) for c in (style.PRIMARY, style.ACCENT, style.INK, style.MUTED))
PANEL = rgb("#f2f5fa")
WHITE = rgb("#ffffff")


_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def clean(text: object) -> str:
    """Text as XML can hold it: control characters (other than tab and newlines) dropped."""
    return str(text).translate(_CONTROL)


# --- fonts --------------------------------------------------------------------------------------------------

_RPR_TAGS = (qn("a:rPr"), qn("a:defRPr"), qn("a:endParaRPr"))


def set_typefaces(rpr, latin: str = LATIN_FONT, ea: str = EA_FONT) -> None:
    """Give one ``a:rPr``/``a:defRPr``/``a:endParaRPr`` a Latin and an East Asian typeface, in schema order."""
    latin_el = rpr.find(qn("a:latin"))
    if latin_el is None:
        latin_el = rpr.get_or_add_latin() if hasattr(rpr, "get_or_add_latin") else None
    if latin_el is None:  # an element python-pptx did not give its custom class (should not happen)
        latin_el = etree.SubElement(rpr, qn("a:latin"))
    latin_el.set("typeface", latin)
    ea_el = rpr.find(qn("a:ea"))
    if ea_el is None:
        ea_el = etree.Element(qn("a:ea"))
        latin_el.addnext(ea_el)
    ea_el.set("typeface", ea)
    if rpr.tag != qn("a:defRPr"):
        rpr.set("lang", "zh-CN")
        rpr.set("altLang", "en-US")


def apply_typefaces(root) -> int:
    """Every run of text under an XML element (a slide, a chart, notes) gets both typefaces; returns how many."""
    for run in root.iter(qn("a:r")):
        run.get_or_add_rPr()
    n = 0
    for el in list(root.iter(*_RPR_TAGS)):
        set_typefaces(el)
        n += 1
    return n


def theme_typefaces(prs) -> None:
    """The theme's major and minor fonts: Latin and East Asian, so text added later in PowerPoint is right too."""
    theme_part = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme_part.blob)
    for kind in ("a:majorFont", "a:minorFont"):
        for font in root.iter(qn(kind)):
            font.find(qn("a:latin")).set("typeface", LATIN_FONT)
            font.find(qn("a:ea")).set("typeface", EA_FONT)
            for script in font.findall(qn("a:font")):
                if script.get("script") in ("Hans", "Hant"):
                    script.set("typeface", EA_FONT)
    theme_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- text measurement (for choosing a size that fits; PowerPoint does not reflow on open) ------------------

def em_width(text: str) -> float:
    """Width in em: CJK and full-width characters are 1 em, others about half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def text_height(paragraphs: list[str], width_in: float, size_pt: float, spacing: float = 1.3,
                gap_pt: float = 0.0) -> float:
    """Estimated height (inches) of paragraphs wrapped in a box ``width_in`` wide."""
    per_line = max(1.0, width_in * 72 / size_pt)
    lines = sum(max(1, math.ceil(em_width(p) / per_line)) for p in paragraphs)
    return (lines * size_pt * spacing + gap_pt * max(0, len(paragraphs) - 1)) / 72


def fit_size(paragraphs: list[str], width_in: float, height_in: float, sizes=(20, 18, 16, 15, 14, 13, 12, 11),
             gap_pt: float = 6.0) -> int:
    for size in sizes:
        if text_height(paragraphs, width_in - 0.2, size, gap_pt=gap_pt) <= height_in - 0.1:
            return size
    return sizes[-1]


# --- shapes -------------------------------------------------------------------------------------------------

def text_box(slide, x, y, w, h, paragraphs, size, color=INK, bold=False, align=PP_ALIGN.LEFT,
             anchor=MSO_ANCHOR.TOP, gap_pt: float = 0.0, name: str = ""):
    """A text box; each item of ``paragraphs`` is a string or (string, size, color, bold)."""
    shape = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    if name:
        shape.name = name
    tf = shape.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.vertical_anchor = anchor
    tf.margin_left = tf.margin_right = Inches(0.08)
    tf.margin_top = tf.margin_bottom = Inches(0.04)
    for i, item in enumerate(paragraphs):
        text, psize, pcolor, pbold = item if isinstance(item, tuple) else (item, size, color, bold)
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = align
        if i and gap_pt:
            p.space_before = Pt(gap_pt)
        run = p.add_run()
        run.text = text
        run.font.size = Pt(psize)
        run.font.bold = pbold
        run.font.color.rgb = pcolor
    return shape


def panel(slide, x, y, w, h, fill=PANEL, shape_type=MSO_SHAPE.ROUNDED_RECTANGLE):
    shape = slide.shapes.add_shape(shape_type, Inches(x), Inches(y), Inches(w), Inches(h))
    shape.fill.solid()
    shape.fill.fore_color.rgb = fill
    shape.line.fill.background()
    shape.shadow.inherit = False
    if shape_type == MSO_SHAPE.ROUNDED_RECTANGLE:
        shape.adjustments[0] = 0.08
    return shape


# --- tables and lists ---------------------------------------------------------------------------------------

def table_layout(table: Table, w: float, max_h: float) -> tuple[int, list[float], list[float]]:
    """Font size, column widths and row heights (inches) of a table that fits ``w`` x ``max_h``."""
    cols = len(table.header)
    raw = [max(em_width(str(r[i])) for r in (table.header, *table.rows)) + 1.5 for i in range(cols)]
    total = sum(raw)
    col_w = [w * r / total for r in raw]
    for size in (18, 17, 16, 15, 14, 13, 12, 11):
        heights = []
        for row in (table.header, *table.rows):
            lines = max(max(1, math.ceil(em_width(str(v)) * size / 72 / max(0.3, col_w[i] - 0.2)))
                        for i, v in enumerate(row))
            heights.append(lines * size * 1.2 / 72 + 0.18)
        if sum(heights) <= max_h:
            break
    return size, col_w, heights


def add_table(slide, table: Table, x: float, y: float, w: float, h: float):
    """A native table, vertically centred in the box, with the largest font size that fits."""
    size, col_w, heights = table_layout(table, w, h)
    rows, cols = len(table.rows) + 1, len(table.header)
    top = y + max(0.0, (h - sum(heights)) / 2)
    frame = slide.shapes.add_table(rows, cols, Inches(x), Inches(top), Inches(w), Inches(sum(heights)))
    frame.name = "表格"
    t = frame.table
    for i in range(cols):
        t.columns[i].width = Inches(col_w[i])
    for r in range(rows):
        t.rows[r].height = Inches(heights[r])
        values = table.header if r == 0 else table.rows[r - 1]
        for i, value in enumerate(values):
            cell = t.cell(r, i)
            cell.text = str(value)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            cell.margin_left = cell.margin_right = Inches(0.08)
            cell.margin_top = cell.margin_bottom = Inches(0.04)
            p = cell.text_frame.paragraphs[0]
            p.alignment = PP_ALIGN.LEFT if i == 0 else PP_ALIGN.CENTER
            font = p.runs[0].font
            font.size = Pt(size)
            font.bold = r == 0
            font.color.rgb = WHITE if r == 0 else INK
            cell.fill.solid()
            cell.fill.fore_color.rgb = PRIMARY if r == 0 else (PANEL if r % 2 == 0 else WHITE)
    return frame


def _split(heights: list[float], k: int) -> list[list[int]]:
    """Split items (in order) into at most k contiguous columns, minimising the tallest column."""
    n = len(heights)
    k = max(1, min(k, n))
    best: tuple[float, list[list[int]]] | None = None

    def go(start: int, cols_left: int, acc: list[list[int]]):
        nonlocal best
        if cols_left == 1:
            cols = [*acc, list(range(start, n))]
            worst = max(sum(heights[i] for i in c) for c in cols)
            if best is None or worst < best[0]:
                best = (worst, cols)
            return
        for end in range(start + 1, n - cols_left + 2):
            go(end, cols_left - 1, [*acc, list(range(start, end))])

    go(0, k, [])
    assert best is not None
    return best[1]


def add_blocks(slide, blocks: tuple[Block, ...], x: float, y: float, w: float, h: float) -> None:
    """Headed lists in up to three columns; one font size for all, the largest that fits."""
    k = 3 if len(blocks) >= 5 else min(2, len(blocks))
    gap = 0.25
    col_w = (w - gap * (k - 1)) / k

    def paragraphs(block: Block) -> list[str]:
        lines = [f"{i}. {t}" if len(block.lines) > 1 else t for i, t in enumerate(block.lines, 1)]
        return [block.heading, *lines]

    for size in (18, 17, 16, 15, 14, 13, 12, 11):
        heights = [text_height(paragraphs(b), col_w - 0.45, size, gap_pt=4) + 0.35 for b in blocks]
        cols = _split(heights, k)
        if max(sum(heights[i] for i in c) for c in cols) <= h:
            break
    for ci, col in enumerate(cols):
        cy = y
        for i in col:
            block = blocks[i]
            bh = heights[i] - 0.12
            panel(slide, x + ci * (col_w + gap), cy, col_w, bh)
            paras = [(block.heading, size + 1, PRIMARY, True)] + [(t, size, INK, False)
                                                                 for t in paragraphs(block)[1:]]
            text_box(slide, x + ci * (col_w + gap) + 0.1, cy + 0.06, col_w - 0.2, bh - 0.1, paras, size, gap_pt=4,
                     name=f"列表：{block.heading}")
            cy += heights[i]

