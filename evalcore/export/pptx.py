"""The deck: ``export_pptx(ev, as_of) -> bytes``, a 16:9 PowerPoint file of ``slide_plan``'s slides.

Charts are native PowerPoint charts (bar, column, radar, doughnut, line) whose data is embedded, so 编辑数据 (Edit
Data) works in PowerPoint and WPS. Every run of text, in the slides, the charts and the notes, gets a Latin and an
East Asian typeface (``<a:latin>`` and ``<a:ea>``: python-pptx's ``font.name`` sets only the Latin one), so
Chinese renders in PowerPoint, WPS and LibreOffice; the theme's fonts are set the same way, for text typed later.
Numbers are shown as in the report: 2 decimals, 万元, %.

This module owns the layout of each slide (title and footer, number tiles, sentences, the body's charts, table and
lists side by side) and the file; the pieces come from :mod:`.pptx_shapes` (typefaces, text, boxes, tables, lists)
and :mod:`.pptx_charts` (each chart kind's native chart, registered in :mod:`.chart_kinds`).
"""
from __future__ import annotations

import datetime as dt
import io
import math

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches, Pt

from ..application import RuleSet
from ..model import Evaluation
from .pptx_charts import add_chart
from .pptx_shapes import (
    ACCENT,
    EA_FONT,
    INK,
    LATIN_FONT,
    MUTED,
    PRIMARY,
    WHITE,
    add_blocks,
    add_table,
    apply_typefaces,
    clean,
    em_width,
    fit_size,
    panel,
    rgb,
    set_typefaces,
    table_layout,
    text_box,
    text_height,
    theme_typefaces,
)
from .slides import ILLUSTRATIVE_LABEL, Block, Chart, Slide, Table, slide_plan

SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
MARGIN = 0.6
CONTENT_TOP = 1.35
FOOTER_TOP = 7.0


# --- the parts of a content slide ---------------------------------------------------------------------------

def _frame(slide, plan: Slide, number: int, total: int, ev: Evaluation) -> float:
    """Title, footer, page number and the 示例数据 label; returns the top of the content area."""
    panel(slide, 0, 0, SLIDE_W, 0.12, fill=PRIMARY, shape_type=MSO_SHAPE.RECTANGLE)
    title_w = SLIDE_W - 2 * MARGIN - (1.9 if plan.illustrative else 0)
    text_box(slide, MARGIN, 0.35, title_w, 0.75, [plan.title], 30, PRIMARY, bold=True, anchor=MSO_ANCHOR.MIDDLE,
              name="标题")
    if plan.subtitle:
        text_box(slide, MARGIN, 1.02, title_w, 0.35, [plan.subtitle], 14, MUTED)
    if plan.illustrative:
        tag = panel(slide, SLIDE_W - MARGIN - 1.7, 0.48, 1.7, 0.5, fill=ACCENT)
        tag.name = ILLUSTRATIVE_LABEL
        tf = tag.text_frame
        tf.text = ILLUSTRATIVE_LABEL
        p = tf.paragraphs[0]
        p.alignment = PP_ALIGN.CENTER
        p.runs[0].font.size = Pt(18)
        p.runs[0].font.bold = True
        p.runs[0].font.color.rgb = WHITE
    footer = "　·　".join(p for p in (ev.meta.title, ev.meta.evaluator) if p)
    text_box(slide, MARGIN, FOOTER_TOP, 10.0, 0.35, [footer], 11, MUTED, anchor=MSO_ANCHOR.MIDDLE)
    text_box(slide, SLIDE_W - MARGIN - 1.6, FOOTER_TOP, 1.6, 0.35, [f"{number} / {total}"], 12, MUTED,
              align=PP_ALIGN.RIGHT, anchor=MSO_ANCHOR.MIDDLE, name="页码")
    return CONTENT_TOP + (0.2 if plan.subtitle else 0)


def _tiles(slide, plan: Slide, top: float) -> float:
    """Big numbers in rows of at most four; returns the new top."""
    tiles = plan.tiles
    per_row = 4 if len(tiles) > 4 else len(tiles)
    width = SLIDE_W - 2 * MARGIN
    gap = 0.25
    tile_w = (width - gap * (per_row - 1)) / per_row
    tile_h = 1.2
    for i, tile in enumerate(tiles):
        row, col = divmod(i, per_row)
        x, y = MARGIN + col * (tile_w + gap), top + row * (tile_h + 0.2)
        panel(slide, x, y, tile_w, tile_h)
        value_size = 30 if em_width(tile.value) * 30 / 72 < tile_w - 0.3 else 24
        paras = [(tile.label, 14, MUTED, False), (tile.value, value_size, PRIMARY, True)]
        if tile.note:
            paras.append((tile.note, 13, INK, False))
        text_box(slide, x + 0.1, y + 0.06, tile_w - 0.2, tile_h - 0.1, paras, 14, anchor=MSO_ANCHOR.MIDDLE,
                  name=f"数字：{tile.label}")
    rows = math.ceil(len(tiles) / per_row)
    return top + rows * tile_h + (rows - 1) * 0.2 + 0.25


def _sentences(slide, plan: Slide, top: float, size: int, width: float | None = None) -> float:
    if not plan.sentences:
        return top
    width = width or SLIDE_W - 2 * MARGIN
    height = text_height(list(plan.sentences), width - 0.2, size, gap_pt=6) + 0.15
    text_box(slide, MARGIN, top, width, height, list(plan.sentences), size, INK, gap_pt=6, name="要点")
    return top + height + 0.1


def _bottom(slide, plan: Slide) -> float:
    """Footnotes and the illustrative note at the bottom of the content area; returns the bottom of the body."""
    bottom = FOOTER_TOP - 0.1
    small = list(plan.footnotes)
    if plan.illustrative:
        small.append(f"{ILLUSTRATIVE_LABEL}：{plan.illustrative_note}")
    if small:
        height = text_height(small, SLIDE_W - 2 * MARGIN - 0.2, 12) + 0.12
        bottom -= height
        paras = [(t, 12, ACCENT if t.startswith(ILLUSTRATIVE_LABEL) else MUTED, False) for t in small]
        text_box(slide, MARGIN, bottom, SLIDE_W - 2 * MARGIN, height, paras, 12, name="注")
    return bottom - 0.05


# --- slides -------------------------------------------------------------------------------------------------

def _cover(slide, plan: Slide, ev: Evaluation, number: int, total: int) -> None:
    panel(slide, 0, 0, SLIDE_W, SLIDE_H, fill=PRIMARY, shape_type=MSO_SHAPE.RECTANGLE)
    panel(slide, MARGIN, 3.55, 1.6, 0.08, fill=ACCENT, shape_type=MSO_SHAPE.RECTANGLE)
    size = 40 if em_width(plan.title) * 40 / 72 < SLIDE_W - 2 * MARGIN else 34
    text_box(slide, MARGIN, 1.4, SLIDE_W - 2 * MARGIN, 2.0, [plan.title], size, WHITE, bold=True,
              anchor=MSO_ANCHOR.BOTTOM, name="标题")
    paras = [(p, 24, WHITE, False) for p in (f"{ev.meta.year} 年度" if ev.meta.year else "", ev.meta.evaluator) if p]
    if paras:
        text_box(slide, MARGIN, 3.85, SLIDE_W - 2 * MARGIN, 1.4, paras, 24, WHITE, gap_pt=8, name="副标题")
    small = list(plan.footnotes)
    if small:
        text_box(slide, MARGIN, 6.3, SLIDE_W - 2 * MARGIN, 0.5, small, 13, rgb("#c9d6ee"), name="注")
    text_box(slide, SLIDE_W - MARGIN - 1.6, FOOTER_TOP, 1.6, 0.35, [f"{number} / {total}"], 12, rgb("#c9d6ee"),
              align=PP_ALIGN.RIGHT, anchor=MSO_ANCHOR.MIDDLE, name="页码")


def _content(slide, plan: Slide, ev: Evaluation, number: int, total: int) -> None:
    top = _frame(slide, plan, number, total, ev)
    bottom = _bottom(slide, plan)
    if plan.tiles:
        top = _tiles(slide, plan, top)
    body: list[Chart | Table | tuple[Block, ...]] = [*plan.charts]  # side by side: charts, the table, the lists
    if plan.table is not None:
        body.append(plan.table)
    if plan.blocks:
        body.append(plan.blocks)
    width = SLIDE_W - 2 * MARGIN
    if not body:  # text only: the sentences large
        size = fit_size(list(plan.sentences), width, bottom - top, sizes=(26, 24, 22, 20, 18, 16), gap_pt=10)
        text_box(slide, MARGIN, top + 0.1, width, bottom - top - 0.1, list(plan.sentences), size, INK, gap_pt=10,
                  name="要点")
        return
    if plan.sentences:  # at most a third of the room, so the charts keep the rest
        size = fit_size(list(plan.sentences), width, (bottom - top) / 3 + 0.25, sizes=(18, 17, 16, 15, 14, 13, 12))
        top = _sentences(slide, plan, top, size)
    height = bottom - top
    if not plan.charts and plan.table is None:  # lists only: the whole width
        add_blocks(slide, plan.blocks, MARGIN, top, width, height)
        return
    gap = 0.3
    weights = [1.25 if isinstance(item, Table) and len(item.header) > 2 else 1.0 for item in body]
    unit = (width - gap * (len(body) - 1)) / sum(weights)
    x = MARGIN
    for item, weight in zip(body, weights, strict=True):
        w = unit * weight
        if isinstance(item, Chart):
            add_chart(slide, item, x, top, w, height)
        elif isinstance(item, Table):
            add_table(slide, item, x, top, w, height)
        else:
            add_blocks(slide, item, x, top, w, height)
        x += w + gap


def build_presentation(ev: Evaluation, as_of: dt.date, rules: RuleSet | None = None):
    """The python-pptx ``Presentation`` of the deck (``export_pptx`` saves it); ``rules``: 结果应用 rules in force."""
    plan = slide_plan(ev, as_of, rules)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    theme_typefaces(prs)
    blank = prs.slide_layouts[6]
    for number, item in enumerate(plan, 1):
        slide = prs.slides.add_slide(blank)
        if item.kind == "cover":
            _cover(slide, item, ev, number, len(plan))
        else:
            _content(slide, item, ev, number, len(plan))
        notes = slide.notes_slide.notes_text_frame
        notes.text = item.notes
        apply_typefaces(slide.shapes._spTree)
        apply_typefaces(slide.notes_slide.notes_text_frame._txBody)
    props = prs.core_properties
    props.title = clean(ev.meta.title)
    props.author = clean(ev.meta.evaluator) or "EvalBoard"
    props.subject = "绩效评价结果"
    props.keywords = f"绩效评价 {ev.meta.year or ''}".strip()
    props.comments = "由 EvalBoard 绩效评价看板生成"
    return prs


def export_pptx(ev: Evaluation, as_of: dt.date, rules: RuleSet | None = None) -> bytes:
    """The deck as bytes (.pptx): 16:9, the slides of ``slide_plan``, native charts with their data embedded."""
    out = io.BytesIO()
    build_presentation(ev, as_of, rules).save(out)
    return out.getvalue()


# The deck's own names, and the pieces' public names re-exported (they were defined here before the split).
__all__ = [
    "EA_FONT", "LATIN_FONT", "add_blocks", "add_chart", "add_table", "apply_typefaces", "build_presentation", "clean",
    "export_pptx", "fit_size", "set_typefaces", "table_layout", "text_height",
]
