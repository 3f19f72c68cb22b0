"""The deck: ``export_pptx(ev, as_of) -> bytes``, a 16:9 PowerPoint file of ``slide_plan``'s slides.

Charts are native PowerPoint charts (bar, column, radar, doughnut, line) whose data is embedded, so 编辑数据 (Edit
Data) works in PowerPoint and WPS. Every run of text, in the slides, the charts and the notes, gets a Latin and an
East Asian typeface (``<a:latin>`` and ``<a:ea>``: python-pptx's ``font.name`` sets only the Latin one), so
Chinese renders in PowerPoint, WPS and LibreOffice; the theme's fonts are set the same way, for text typed later.
Numbers are shown as in the report: 2 decimals, 万元, %.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.chart.datalabel import DataLabels
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_DATA_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from ..figures import theme
from ..model import Evaluation
from ..numbers import round2, to_float
from .slides import ILLUSTRATIVE_LABEL, Chart, Slide, slide_plan

LATIN_FONT = "Arial"
EA_FONT = "Microsoft YaHei"  # 微软雅黑: on every Windows PC; WPS and LibreOffice substitute a CJK sans where absent

SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
MARGIN = 0.6
CONTENT_TOP = 1.35
FOOTER_TOP = 7.0

# Number formats of data labels and of the embedded workbook's cells.
FMT_AMOUNT = "#,##0.00"
FMT_RATE = '0.00"%"'
FMT_COUNT = "0"


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


PRIMARY, ACCENT, INK, MUTED = (_rgb(c) for c in (theme.PRIMARY, theme.ACCENT, theme.INK, theme.MUTED))
PANEL = _rgb("#f2f5fa")
WHITE = _rgb("#ffffff")


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


def _theme_typefaces(prs) -> None:
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

def _em(text: str) -> float:
    """Width in em: CJK and full-width characters are 1 em, others about half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def text_height(paragraphs: list[str], width_in: float, size_pt: float, spacing: float = 1.3,
                gap_pt: float = 0.0) -> float:
    """Estimated height (inches) of paragraphs wrapped in a box ``width_in`` wide."""
    per_line = max(1.0, width_in * 72 / size_pt)
    lines = sum(max(1, math.ceil(_em(p) / per_line)) for p in paragraphs)
    return (lines * size_pt * spacing + gap_pt * max(0, len(paragraphs) - 1)) / 72


def fit_size(paragraphs: list[str], width_in: float, height_in: float, sizes=(20, 18, 16, 15, 14, 13, 12, 11),
             gap_pt: float = 6.0) -> int:
    for size in sizes:
        if text_height(paragraphs, width_in - 0.2, size, gap_pt=gap_pt) <= height_in - 0.1:
            return size
    return sizes[-1]


# --- shapes -------------------------------------------------------------------------------------------------

def _box(slide, x, y, w, h, paragraphs, size, color=INK, bold=False, align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP,
         gap_pt: float = 0.0, name: str = ""):
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


def _panel(slide, x, y, w, h, fill=PANEL, shape_type=MSO_SHAPE.ROUNDED_RECTANGLE):
    shape = slide.shapes.add_shape(shape_type, Inches(x), Inches(y), Inches(w), Inches(h))
    shape.fill.solid()
    shape.fill.fore_color.rgb = fill
    shape.line.fill.background()
    shape.shadow.inherit = False
    if shape_type == MSO_SHAPE.ROUNDED_RECTANGLE:
        shape.adjustments[0] = 0.08
    return shape


def _frame(slide, plan: Slide, number: int, total: int, ev: Evaluation) -> float:
    """Title, footer, page number and the 示例数据 label; returns the top of the content area."""
    _panel(slide, 0, 0, SLIDE_W, 0.12, fill=PRIMARY, shape_type=MSO_SHAPE.RECTANGLE)
    title_w = SLIDE_W - 2 * MARGIN - (1.9 if plan.illustrative else 0)
    _box(slide, MARGIN, 0.35, title_w, 0.75, [plan.title], 30, PRIMARY, bold=True, anchor=MSO_ANCHOR.MIDDLE,
         name="标题")
    if plan.subtitle:
        _box(slide, MARGIN, 1.02, title_w, 0.35, [plan.subtitle], 14, MUTED)
    if plan.illustrative:
        tag = _panel(slide, SLIDE_W - MARGIN - 1.7, 0.48, 1.7, 0.5, fill=ACCENT)
        tag.name = ILLUSTRATIVE_LABEL
        tf = tag.text_frame
        tf.text = ILLUSTRATIVE_LABEL
        p = tf.paragraphs[0]
        p.alignment = PP_ALIGN.CENTER
        p.runs[0].font.size = Pt(18)
        p.runs[0].font.bold = True
        p.runs[0].font.color.rgb = WHITE
    footer = "　·　".join(p for p in (ev.meta.title, ev.meta.evaluator) if p)
    _box(slide, MARGIN, FOOTER_TOP, 10.0, 0.35, [footer], 11, MUTED, anchor=MSO_ANCHOR.MIDDLE)
    _box(slide, SLIDE_W - MARGIN - 1.6, FOOTER_TOP, 1.6, 0.35, [f"{number} / {total}"], 12, MUTED,
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
        _panel(slide, x, y, tile_w, tile_h)
        value_size = 30 if _em(tile.value) * 30 / 72 < tile_w - 0.3 else 24
        paras = [(tile.label, 14, MUTED, False), (tile.value, value_size, PRIMARY, True)]
        if tile.note:
            paras.append((tile.note, 13, INK, False))
        _box(slide, x + 0.1, y + 0.06, tile_w - 0.2, tile_h - 0.1, paras, 14, anchor=MSO_ANCHOR.MIDDLE,
             name=f"数字：{tile.label}")
    rows = math.ceil(len(tiles) / per_row)
    return top + rows * tile_h + (rows - 1) * 0.2 + 0.25


def _sentences(slide, plan: Slide, top: float, size: int, width: float | None = None) -> float:
    if not plan.sentences:
        return top
    width = width or SLIDE_W - 2 * MARGIN
    height = text_height(list(plan.sentences), width - 0.2, size, gap_pt=6) + 0.15
    _box(slide, MARGIN, top, width, height, list(plan.sentences), size, INK, gap_pt=6, name="要点")
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
        _box(slide, MARGIN, bottom, SLIDE_W - 2 * MARGIN, height, paras, 12, name="注")
    return bottom - 0.05


# --- native charts ------------------------------------------------------------------------------------------

def _num(value) -> float | None:
    return None if value is None else to_float(round2(value))


def _style_chart(chart, title: str, legend: bool) -> None:
    chart.has_title = True
    chart.chart_title.text_frame.text = clean(title)
    for p in chart.chart_title.text_frame.paragraphs:
        for r in p.runs:
            r.font.size = Pt(16)
            r.font.bold = True
            r.font.color.rgb = INK
    chart.font.size = Pt(13)
    chart.font.color.rgb = INK
    chart.has_legend = legend
    if legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(13)


def _axes(chart, value_format: str, reverse: bool = False, maximum: float | None = None,
          labelled: bool = False) -> None:
    """Axes in the theme's colours; ``labelled`` bars carry their values, so the value axis is hidden."""
    cat, val = chart.category_axis, chart.value_axis
    cat.tick_labels.font.size = Pt(13)
    cat.has_major_gridlines = False
    cat.format.line.color.rgb = _rgb(theme.GRID)
    if reverse:
        cat.reverse_order = True
    val.tick_labels.font.size = Pt(12)
    val.tick_labels.font.color.rgb = MUTED
    val.tick_labels.number_format = value_format
    val.tick_labels.number_format_is_linked = False
    val.has_major_gridlines = True
    val.major_gridlines.format.line.color.rgb = _rgb(theme.GRID)
    val.format.line.fill.background()
    val.minimum_scale = 0
    if maximum is not None:
        val.maximum_scale = maximum
    if labelled:
        val.visible = False
        val.has_major_gridlines = False


def _labels(plot, number_format: str, position=None, size: int = 13, color: RGBColor = INK) -> None:
    plot.has_data_labels = True
    dl = plot.data_labels
    dl.number_format = number_format
    dl.number_format_is_linked = False
    dl.show_value = True
    if position is not None:
        dl.position = position
    dl.font.size = Pt(size)
    dl.font.color.rgb = color


def _hide_labels(series, indexes: list[int]) -> None:
    """No data label on these points of a series (slices too thin for one)."""
    dlbls = series._element.get_or_add_dLbls()
    for idx in indexes:
        dlbl = dlbls.get_or_add_dLbl_for_point(idx)
        for child in list(dlbl)[1:]:
            dlbl.remove(child)
        etree.SubElement(dlbl, qn("c:delete")).set("val", "1")


def _plot_area(chart, x: float, y: float, w: float, h: float) -> None:
    """Place the plot area by hand (fractions of the chart frame), as PowerPoint writes a moved plot area."""
    layout = chart._chartSpace.plotArea.find(qn("c:layout"))
    if layout is None:
        layout = etree.Element(qn("c:layout"))
        chart._chartSpace.plotArea.insert(0, layout)
    for child in list(layout):
        layout.remove(child)
    manual = etree.SubElement(layout, qn("c:manualLayout"))
    etree.SubElement(manual, qn("c:layoutTarget")).set("val", "inner")
    etree.SubElement(manual, qn("c:xMode")).set("val", "edge")
    etree.SubElement(manual, qn("c:yMode")).set("val", "edge")
    for tag, value in (("c:x", x), ("c:y", y), ("c:w", w), ("c:h", h)):
        etree.SubElement(manual, qn(tag)).set("val", f"{value:.3f}")


def _fill(fmt, color: str) -> None:
    fmt.fill.solid()
    fmt.fill.fore_color.rgb = _rgb(color)


def _nice_max(value: float) -> float:
    """An axis maximum a little above ``value``, on a round number."""
    if value <= 0:
        return 1
    step = 10 ** math.floor(math.log10(value))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * step >= value * 1.18:
            return m * step
    return 10 * step


def add_chart(slide, chart: Chart, x: float, y: float, w: float, h: float):
    """One slide chart as a native PowerPoint chart; returns the graphic frame."""
    df, kind = chart.data, chart.kind
    at = (Inches(x), Inches(y), Inches(w), Inches(h))
    if kind == "budget":
        data = CategoryChartData(number_format=FMT_AMOUNT)
        data.categories = [clean(u) for u in df["unit"]]
        data.add_series("预算", [_num(v) for v in df["budget"]])
        data.add_series("实际执行", [_num(v) for v in df["executed"]])
        frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, *at, data)
        c = frame.chart
        _style_chart(c, chart.title, legend=True)
        top = max(v for v in (_num(b) for b in list(df["budget"]) + list(df["executed"])) if v is not None)
        _axes(c, "#,##0", reverse=True, maximum=_nice_max(top), labelled=True)
        plot = c.plots[0]
        plot.gap_width, plot.overlap = 60, -5
        _fill(plot.series[0].format, theme.BUDGET_COLOR)
        _fill(plot.series[1].format, theme.EXECUTED_COLOR)
        _labels(plot, FMT_AMOUNT, XL_DATA_LABEL_POSITION.OUTSIDE_END, size=13 if len(df) <= 4 else 10)
    elif kind == "rates":
        target = chart.options.get("target")
        data = CategoryChartData(number_format=FMT_RATE)
        data.categories = [clean(u) for u in df["unit"]]
        data.add_series("预算执行率", [_num(v) for v in df["rate"]])
        frame = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, *at, data)
        c = frame.chart
        _style_chart(c, chart.title, legend=False)
        top = max(_num(v) for v in df["rate"])
        _axes(c, '0"%"', maximum=100 if top <= 100 else _nice_max(top))
        c.value_axis.major_unit = 20
        plot = c.plots[0]
        plot.gap_width = 90
        series = plot.series[0]
        _fill(series.format, theme.PRIMARY)
        for i, rate in enumerate(df["rate"]):
            if target is not None and rate < target:
                _fill(series.points[i].format, theme.ACCENT)
        _labels(plot, FMT_RATE, XL_DATA_LABEL_POSITION.INSIDE_END, size=16 if len(df) <= 4 else 10, color=WHITE)
        plot.data_labels.font.bold = True
    elif kind == "dimensions":
        data = CategoryChartData(number_format="0.00")
        keys = df["id"] if "id" in df.columns else df["name"]  # by id: two dimensions may share a name
        names = dict(zip(keys, df["name"], strict=True))
        data.categories = [clean(n) for n in names.values()]
        for unit, sub in df.assign(key=list(keys)).groupby("unit", sort=False):
            by_key = {k: (s / p * 100 if p else None) for k, s, p in zip(sub["key"], sub["score"], sub["points"],
                                                                          strict=True)}
            data.add_series(clean(unit), [_num(by_key.get(k)) for k in names])
        frame = slide.shapes.add_chart(XL_CHART_TYPE.RADAR_MARKERS, *at, data)
        c = frame.chart
        _style_chart(c, chart.title, legend=True)
        val = c.value_axis
        val.minimum_scale, val.maximum_scale, val.major_unit = 50, 100, 10
        val.tick_labels.number_format = '0"%"'
        val.tick_labels.number_format_is_linked = False
        val.tick_labels.font.size = Pt(11)
        val.tick_labels.font.color.rgb = MUTED
        c.category_axis.tick_labels.font.size = Pt(16)
        _plot_area(c, 0.12, 0.22, 0.76, 0.6)  # LibreOffice otherwise draws a radar far smaller than its frame
        for i, series in enumerate(c.plots[0].series):
            color = theme.SERIES[i % len(theme.SERIES)]
            series.format.line.color.rgb = _rgb(color)
            series.format.line.width = Pt(2.5)
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = _rgb(color)
            series.marker.format.line.color.rgb = _rgb(color)
            series.smooth = False
    elif kind in ("problem_categories", "recommendation_categories"):
        unit = chart.options.get("unit", "项")
        data = CategoryChartData(number_format=FMT_COUNT)
        data.categories = [clean(c) for c in df["category_label"]]
        data.add_series("问题数量" if kind == "problem_categories" else "建议数量", [int(n) for n in df["count"]])
        frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, *at, data)
        c = frame.chart
        _style_chart(c, chart.title, legend=False)
        _axes(c, "0", reverse=True, maximum=_nice_max(max(int(n) for n in df["count"])), labelled=True)
        c.category_axis.tick_labels.font.size = Pt(13)
        plot = c.plots[0]
        plot.gap_width = 50
        _fill(plot.series[0].format, theme.PRIMARY if kind == "problem_categories" else theme.SERIES[2])
        _labels(plot, f'0"{unit}"', XL_DATA_LABEL_POSITION.OUTSIDE_END, size=14)
    elif kind == "status":
        present = [(s, int(n)) for s, n in zip(df["status"], df["count"], strict=True) if int(n)]
        data = CategoryChartData(number_format=FMT_COUNT)
        data.categories = [clean(s) for s, _ in present]
        data.add_series("整改事项", [n for _, n in present])
        frame = slide.shapes.add_chart(XL_CHART_TYPE.DOUGHNUT, *at, data)
        c = frame.chart
        rate = chart.options.get("rate_label")
        _style_chart(c, f"{chart.title}　整改率 {rate}" if rate else chart.title, legend=True)
        c.legend.position = XL_LEGEND_POSITION.RIGHT
        plot = c.plots[0]
        plot.vary_by_categories = True
        for i, (s, _) in enumerate(present):
            _fill(plot.series[0].points[i].format, theme.STATUS_COLORS.get(s, theme.SERIES[i % len(theme.SERIES)]))
        series = plot.series[0]
        dl = series.data_labels
        dl.number_format, dl.number_format_is_linked, dl.show_value = '0"项"', False, True
        dl.font.size, dl.font.bold, dl.font.color.rgb = Pt(14), True, WHITE
        count = sum(n for _, n in present)
        _hide_labels(series, [i for i, (_, n) in enumerate(present) if n / count < 0.08])  # the legend names them
    elif kind == "closed":
        total = int(chart.options.get("total", 0))
        data = CategoryChartData(number_format=FMT_COUNT)
        data.categories = [d.isoformat() if isinstance(d, dt.date) else str(d) for d in df["date"]]
        data.add_series("累计完成", [int(n) for n in df["cumulative"]])
        data.add_series(f"整改事项共 {total} 项", [total] * len(df))
        frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, *at, data)
        c = frame.chart
        _style_chart(c, chart.title, legend=True)
        _axes(c, "0", maximum=_nice_max(total))
        c.category_axis.tick_labels.font.size = Pt(11)
        plot = c.plots[0]
        done, all_items = plot.series
        done.format.line.color.rgb = _rgb(theme.STATUS_COLORS["已整改"])
        done.format.line.width = Pt(3)
        done.smooth = False
        done.marker.format.fill.solid()
        done.marker.format.fill.fore_color.rgb = _rgb(theme.STATUS_COLORS["已整改"])
        all_items.format.line.color.rgb = MUTED
        all_items.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        all_items.format.line.width = Pt(1.5)
        all_items.marker.style = XL_MARKER_STYLE.NONE
        all_items.smooth = False
        done.data_labels.show_value = True
        done.data_labels.number_format = FMT_COUNT
        done.data_labels.number_format_is_linked = False
        done.data_labels.position = XL_DATA_LABEL_POSITION.ABOVE
        done.data_labels.font.size = Pt(12)
    elif kind == "distribution":
        unit = chart.options.get("unit", "个")
        data = CategoryChartData(number_format=FMT_COUNT)
        data.categories = [clean(lbl) for lbl in df["label"]]
        data.add_series("单位数", [int(n) for n in df["count"]])
        frame = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, *at, data)
        c = frame.chart
        _style_chart(c, chart.title, legend=False)
        _axes(c, "0", maximum=_nice_max(max([int(n) for n in df["count"]] + [1])))
        plot = c.plots[0]
        plot.gap_width = 50
        series = plot.series[0]
        _fill(series.format, theme.PRIMARY)
        for i, high in enumerate(df["highlight"] if "highlight" in df.columns else []):
            if high:
                _fill(series.points[i].format, theme.ACCENT)
        _labels(plot, f'0"{unit}"', XL_DATA_LABEL_POSITION.OUTSIDE_END, size=13)
    elif kind == "ranking":
        is_rate = chart.options.get("format") == "rate"
        target = chart.options.get("target")
        number_format = FMT_RATE if is_rate else "0.00"
        data = CategoryChartData(number_format=number_format)
        data.categories = [clean(u) for u in df["unit"]]
        data.add_series("预算执行率" if is_rate else "得分", [_num(v) for v in df["value"]])
        frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, *at, data)
        c = frame.chart
        _style_chart(c, chart.title, legend=False)
        top = max(v for v in (_num(x) for x in df["value"]) if v is not None)
        _axes(c, '0"%"' if is_rate else "0", reverse=True, maximum=_nice_max(top), labelled=True)
        plot = c.plots[0]
        plot.gap_width = 50
        series = plot.series[0]
        _fill(series.format, theme.PRIMARY)
        for i, value in enumerate(df["value"]):
            if is_rate and target is not None and value is not None and value < target:
                _fill(series.points[i].format, theme.ACCENT)
        _labels(plot, number_format, XL_DATA_LABEL_POSITION.OUTSIDE_END, size=12)
    else:
        raise ValueError(f"未知的图表类型：{kind}")
    if chart.illustrative:
        frame.name = f"图表（{ILLUSTRATIVE_LABEL}）：{chart.title}"
    else:
        frame.name = f"图表：{chart.title}"
    for dlbls in list(frame.chart._chartSpace.iter(qn("c:dLbls"))):  # every label group gets text properties
        if dlbls.find(qn("c:txPr")) is None:
            DataLabels(dlbls).font.size = Pt(13)
    apply_typefaces(frame.chart._chartSpace)
    return frame


# --- tables and lists ---------------------------------------------------------------------------------------

def table_layout(table, w: float, max_h: float) -> tuple[int, list[float], list[float]]:
    """Font size, column widths and row heights (inches) of a table that fits ``w`` x ``max_h``."""
    cols = len(table.header)
    raw = [max(_em(str(r[i])) for r in (table.header, *table.rows)) + 1.5 for i in range(cols)]
    total = sum(raw)
    col_w = [w * r / total for r in raw]
    for size in (18, 17, 16, 15, 14, 13, 12, 11):
        heights = []
        for row in (table.header, *table.rows):
            lines = max(max(1, math.ceil(_em(str(v)) * size / 72 / max(0.3, col_w[i] - 0.2)))
                        for i, v in enumerate(row))
            heights.append(lines * size * 1.2 / 72 + 0.18)
        if sum(heights) <= max_h:
            break
    return size, col_w, heights


def add_table(slide, table, x: float, y: float, w: float, h: float):
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


def add_blocks(slide, blocks, x: float, y: float, w: float, h: float) -> None:
    """Headed lists in up to three columns; one font size for all, the largest that fits."""
    k = 3 if len(blocks) >= 5 else min(2, len(blocks))
    gap = 0.25
    col_w = (w - gap * (k - 1)) / k

    def paragraphs(block) -> list[str]:
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
            _panel(slide, x + ci * (col_w + gap), cy, col_w, bh)
            paras = [(block.heading, size + 1, PRIMARY, True)] + [(t, size, INK, False)
                                                                 for t in paragraphs(block)[1:]]
            _box(slide, x + ci * (col_w + gap) + 0.1, cy + 0.06, col_w - 0.2, bh - 0.1, paras, size, gap_pt=4,
                 name=f"列表：{block.heading}")
            cy += heights[i]


# --- slides -------------------------------------------------------------------------------------------------

def _cover(slide, plan: Slide, ev: Evaluation, number: int, total: int) -> None:
    _panel(slide, 0, 0, SLIDE_W, SLIDE_H, fill=PRIMARY, shape_type=MSO_SHAPE.RECTANGLE)
    _panel(slide, MARGIN, 3.55, 1.6, 0.08, fill=ACCENT, shape_type=MSO_SHAPE.RECTANGLE)
    size = 40 if _em(plan.title) * 40 / 72 < SLIDE_W - 2 * MARGIN else 34
    _box(slide, MARGIN, 1.4, SLIDE_W - 2 * MARGIN, 2.0, [plan.title], size, WHITE, bold=True,
         anchor=MSO_ANCHOR.BOTTOM, name="标题")
    paras = [(p, 24, WHITE, False) for p in (f"{ev.meta.year} 年度" if ev.meta.year else "", ev.meta.evaluator) if p]
    if paras:
        _box(slide, MARGIN, 3.85, SLIDE_W - 2 * MARGIN, 1.4, paras, 24, WHITE, gap_pt=8, name="副标题")
    small = list(plan.footnotes)
    if small:
        _box(slide, MARGIN, 6.3, SLIDE_W - 2 * MARGIN, 0.5, small, 13, _rgb("#c9d6ee"), name="注")
    _box(slide, SLIDE_W - MARGIN - 1.6, FOOTER_TOP, 1.6, 0.35, [f"{number} / {total}"], 12, _rgb("#c9d6ee"),
         align=PP_ALIGN.RIGHT, anchor=MSO_ANCHOR.MIDDLE, name="页码")


def _content(slide, plan: Slide, ev: Evaluation, number: int, total: int) -> None:
    top = _frame(slide, plan, number, total, ev)
    bottom = _bottom(slide, plan)
    if plan.tiles:
        top = _tiles(slide, plan, top)
    body: list[tuple[str, object]] = [("chart", c) for c in plan.charts]
    if plan.table is not None:
        body.append(("table", plan.table))
    if plan.blocks:
        body.append(("blocks", plan.blocks))
    width = SLIDE_W - 2 * MARGIN
    if not body:  # text only: the sentences large
        size = fit_size(list(plan.sentences), width, bottom - top, sizes=(26, 24, 22, 20, 18, 16), gap_pt=10)
        _box(slide, MARGIN, top + 0.1, width, bottom - top - 0.1, list(plan.sentences), size, INK, gap_pt=10,
             name="要点")
        return
    if plan.sentences:  # at most a third of the room, so the charts keep the rest
        size = fit_size(list(plan.sentences), width, (bottom - top) / 3 + 0.25, sizes=(18, 17, 16, 15, 14, 13, 12))
        top = _sentences(slide, plan, top, size)
    height = bottom - top
    if [k for k, _ in body] == ["blocks"]:
        add_blocks(slide, plan.blocks, MARGIN, top, width, height)
        return
    gap = 0.3
    weights = [1.25 if kind == "table" and len(plan.table.header) > 2 else 1.0 for kind, _ in body]
    unit = (width - gap * (len(body) - 1)) / sum(weights)
    x = MARGIN
    for (kind, item), weight in zip(body, weights, strict=True):
        w = unit * weight
        if kind == "chart":
            add_chart(slide, item, x, top, w, height)
        elif kind == "table":
            add_table(slide, item, x, top, w, height)
        else:
            add_blocks(slide, item, x, top, w, height)
        x += w + gap


def build_presentation(ev: Evaluation, as_of: dt.date):
    """The python-pptx ``Presentation`` of the deck (``export_pptx`` saves it)."""
    plan = slide_plan(ev, as_of)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    _theme_typefaces(prs)
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


def export_pptx(ev: Evaluation, as_of: dt.date) -> bytes:
    """The deck as bytes (.pptx): 16:9, the slides of ``slide_plan``, native charts with their data embedded."""
    out = io.BytesIO()
    build_presentation(ev, as_of).save(out)
    return out.getvalue()


__all__ = ["EA_FONT", "LATIN_FONT", "apply_typefaces", "build_presentation", "export_pptx"]
