"""Native PowerPoint charts of the deck: one :class:`~.chart_kinds.Chart` of the slide plan as a chart whose data
is embedded (bar, column, radar, doughnut, line), so 编辑数据 (Edit Data) works in PowerPoint and WPS.

One renderer per chart kind (``budget``, ``rates``, ...: ``renderer(shapes, chart, at) -> frame``), registered
with its kind in :data:`.chart_kinds.KINDS`; :func:`add_chart` is the entry point the deck calls. Owns the
charts' number formats, styling (title, legend, axes, data labels, the style's colours) and the choice of an axis
maximum.
"""
from __future__ import annotations

import datetime as dt
import math

from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.chart.datalabel import DataLabels
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_DATA_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.oxml.ns import qn
from pptx.shapes.graphfrm import GraphicFrame
from pptx.util import Inches, Pt

from ..figures import style
from ..figures.charts import nice_step
from ..figures.findings_scale import bar_colors
from ..numbers import round2, to_float
from .chart_kinds import ILLUSTRATIVE_LABEL, KINDS, Chart, alt_text, renderer
from .pptx_shapes import INK, MUTED, WHITE, apply_typefaces, clean, rgb

# Number formats of data labels and of the embedded workbook's cells.
FMT_AMOUNT = "#,##0.00"
FMT_RATE = '0.00"%"'
FMT_COUNT = "0"
LABEL_PT = 13  # data labels, unless a renderer chooses otherwise (never below 12 pt)


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
    cat.format.line.color.rgb = rgb(style.GRID)
    if reverse:
        cat.reverse_order = True
    val.tick_labels.font.size = Pt(12)
    val.tick_labels.font.color.rgb = MUTED
    val.tick_labels.number_format = value_format
    val.tick_labels.number_format_is_linked = False
    val.has_major_gridlines = True
    val.major_gridlines.format.line.color.rgb = rgb(style.GRID)
    val.format.line.fill.background()
    val.minimum_scale = 0
    if maximum is not None:
        val.maximum_scale = maximum
    if labelled:
        val.visible = False
        val.has_major_gridlines = False


def _count_axis(chart, top: int, room: float) -> None:
    """A count axis: whole steps (about five), the labels stopping at the largest value (``room`` above it for the
    data labels), as on the dashboard (``evalcore.figures.charts.value_axis``)."""
    _axes(chart, "0", maximum=top * room)
    chart.value_axis.major_unit = nice_step(top, whole=True)


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
    fmt.fill.fore_color.rgb = rgb(color)


def _nice_max(value: float) -> float:
    """An axis maximum a little above ``value``, on a round number."""
    if value <= 0:
        return 1
    step = 10 ** math.floor(math.log10(value))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * step >= value * 1.18:
            return m * step
    return 10 * step


def budget(shapes, chart: Chart, at: tuple[int, int, int, int]) -> GraphicFrame:
    """预算 and 实际执行 per unit: clustered bars, labelled, the value axis hidden."""
    df = chart.data
    data = CategoryChartData(number_format=FMT_AMOUNT)
    data.categories = [clean(u) for u in df["unit"]]
    data.add_series("预算", [_num(v) for v in df["budget"]])
    data.add_series("实际执行", [_num(v) for v in df["executed"]])
    frame = shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, *at, data)
    c = frame.chart
    _style_chart(c, chart.title, legend=True)
    top = max(v for v in (_num(b) for b in list(df["budget"]) + list(df["executed"])) if v is not None)
    _axes(c, "#,##0", reverse=True, maximum=_nice_max(top), labelled=True)
    plot = c.plots[0]
    plot.gap_width, plot.overlap = 60, -5
    _fill(plot.series[0].format, style.BUDGET_COLOR)
    _fill(plot.series[1].format, style.EXECUTED_COLOR)
    _labels(plot, FMT_AMOUNT, XL_DATA_LABEL_POSITION.OUTSIDE_END, size=13 if len(df) <= 4 else 12)
    return frame


def rates(shapes, chart: Chart, at: tuple[int, int, int, int]) -> GraphicFrame:
    """预算执行率 per unit: columns, those below the target in the attention colour."""
    df = chart.data
    target = chart.options.get("target")
    data = CategoryChartData(number_format=FMT_RATE)
    data.categories = [clean(u) for u in df["unit"]]
    data.add_series("预算执行率", [_num(v) for v in df["rate"]])
    frame = shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, *at, data)
    c = frame.chart
    _style_chart(c, chart.title, legend=False)
    top = max(v for v in (_num(r) for r in df["rate"]) if v is not None)  # the plan charts rated units only
    _axes(c, '0"%"', maximum=100 if top <= 100 else _nice_max(top))
    c.value_axis.major_unit = 20
    plot = c.plots[0]
    plot.gap_width = 90
    series = plot.series[0]
    _fill(series.format, style.PRIMARY)
    for i, rate in enumerate(df["rate"]):
        if target is not None and rate < target:
            _fill(series.points[i].format, style.ATTENTION)
    _labels(plot, FMT_RATE, XL_DATA_LABEL_POSITION.INSIDE_END, size=16 if len(df) <= 4 else 12, color=WHITE)
    plot.data_labels.font.bold = True
    return frame


def dimensions(shapes, chart: Chart, at: tuple[int, int, int, int]) -> GraphicFrame:
    """一级指标 得分率 per unit: a radar, each unit in its stable colour."""
    df = chart.data
    data = CategoryChartData(number_format="0.00")
    keys = df["id"] if "id" in df.columns else df["name"]  # by id: two dimensions may share a name
    names = dict(zip(keys, df["name"], strict=True))
    data.categories = [clean(n) for n in names.values()]
    for unit, sub in df.assign(key=list(keys)).groupby("unit", sort=False):
        by_key = {k: (s / p * 100 if p else None) for k, s, p in zip(sub["key"], sub["score"], sub["points"],
                                                                      strict=True)}
        data.add_series(clean(unit), [_num(by_key.get(k)) for k in names])
    frame = shapes.add_chart(XL_CHART_TYPE.RADAR_MARKERS, *at, data)
    c = frame.chart
    _style_chart(c, chart.title, legend=True)
    val = c.value_axis
    val.minimum_scale, val.maximum_scale, val.major_unit = 50, 100, 10
    val.tick_labels.number_format = '0"%"'
    val.tick_labels.number_format_is_linked = False
    val.tick_labels.font.size = Pt(12)
    val.tick_labels.font.color.rgb = MUTED
    c.category_axis.tick_labels.font.size = Pt(16)
    _plot_area(c, 0.12, 0.22, 0.76, 0.6)  # LibreOffice otherwise draws a radar far smaller than its frame
    unit_colors = style.stable_colors(list(dict.fromkeys(df["unit"])))  # as on the dashboard's radar
    for unit, series in zip(dict.fromkeys(df["unit"]), c.plots[0].series, strict=False):
        color = unit_colors[unit]
        series.format.line.color.rgb = rgb(color)
        series.format.line.width = Pt(2.5)
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = rgb(color)
        series.marker.format.line.color.rgb = rgb(color)
        series.smooth = False
    return frame


def _categories(shapes, chart: Chart, at: tuple[int, int, int, int], series: str, color: str) -> GraphicFrame:
    """Problems or recommendations per category: bars, labelled with their count."""
    df = chart.data
    unit = chart.options.get("unit", "项")
    data = CategoryChartData(number_format=FMT_COUNT)
    data.categories = [clean(c) for c in df["category_label"]]
    data.add_series(series, [int(n) for n in df["count"]])
    frame = shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, *at, data)
    c = frame.chart
    _style_chart(c, chart.title, legend=False)
    _axes(c, "0", reverse=True, maximum=_nice_max(max(int(n) for n in df["count"])), labelled=True)
    c.category_axis.tick_labels.font.size = Pt(13)
    plot = c.plots[0]
    plot.gap_width = 50
    _fill(plot.series[0].format, color)
    _labels(plot, f'0"{unit}"', XL_DATA_LABEL_POSITION.OUTSIDE_END, size=14)
    return frame



def problem_categories(shapes, chart: Chart, at: tuple[int, int, int, int]) -> GraphicFrame:
    return _categories(shapes, chart, at, "问题数量", style.PRIMARY)


def recommendation_categories(shapes, chart: Chart, at: tuple[int, int, int, int]) -> GraphicFrame:
    return _categories(shapes, chart, at, "建议数量", style.PRIMARY)


def status(shapes, chart: Chart, at: tuple[int, int, int, int]) -> GraphicFrame:
    """整改 items by status: a doughnut in the status colours (thin slices named by the legend only)."""
    df = chart.data
    present = [(s, int(n)) for s, n in zip(df["status"], df["count"], strict=True) if int(n)]
    data = CategoryChartData(number_format=FMT_COUNT)
    data.categories = [clean(s) for s, _ in present]
    data.add_series("整改事项", [n for _, n in present])
    frame = shapes.add_chart(XL_CHART_TYPE.DOUGHNUT, *at, data)
    c = frame.chart
    rate = chart.options.get("rate_label")
    _style_chart(c, f"{chart.title}　整改率 {rate}" if rate else chart.title, legend=True)
    c.legend.position = XL_LEGEND_POSITION.RIGHT
    plot = c.plots[0]
    plot.vary_by_categories = True
    for i, (s, _) in enumerate(present):
        _fill(plot.series[0].points[i].format, style.STATUS_COLORS.get(s, style.SERIES[i % len(style.SERIES)]))
    series = plot.series[0]
    dl = series.data_labels
    dl.number_format, dl.number_format_is_linked, dl.show_value = '0"项"', False, True
    dl.font.size, dl.font.bold, dl.font.color.rgb = Pt(14), True, WHITE
    for i, (s, _) in enumerate(present):  # dark text on a light slice (未开始): 4.5:1 at least
        fill = style.STATUS_COLORS.get(s, style.SERIES[i % len(style.SERIES)])
        if style.text_on(fill) != "#ffffff":
            label = series.points[i].data_label
            label.font.size, label.font.bold, label.font.color.rgb = Pt(14), True, rgb(style.text_on(fill))
            fmt = etree.Element(qn("c:numFmt"), formatCode='0"项"', sourceLinked="0")
            label._get_or_add_dLbl().insert(1, fmt)
    count = sum(n for _, n in present)
    _hide_labels(series, [i for i, (_, n) in enumerate(present) if n / count < 0.08])  # the legend names them
    return frame


def closed(shapes, chart: Chart, at: tuple[int, int, int, int]) -> GraphicFrame:
    """Cumulative items closed against the number of items: a line."""
    df = chart.data
    total = int(chart.options.get("total", 0))
    data = CategoryChartData(number_format=FMT_COUNT)
    data.categories = [d.isoformat() if isinstance(d, dt.date) else str(d) for d in df["date"]]
    data.add_series("累计完成", [int(n) for n in df["cumulative"]])
    data.add_series(f"整改事项共 {total} 项", [total] * len(df))
    frame = shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, *at, data)
    c = frame.chart
    _style_chart(c, chart.title, legend=True)
    _count_axis(c, total, room=1.05)
    c.category_axis.tick_labels.font.size = Pt(12)
    plot = c.plots[0]
    done, all_items = plot.series
    done.format.line.color.rgb = rgb(style.STATUS_COLORS["已整改"])
    done.format.line.width = Pt(3)
    done.smooth = False
    done.marker.format.fill.solid()
    done.marker.format.fill.fore_color.rgb = rgb(style.STATUS_COLORS["已整改"])
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
    return frame


def distribution(shapes, chart: Chart, at: tuple[int, int, int, int]) -> GraphicFrame:
    """Units per bin or grade: columns, bins below the target in the attention colour."""
    df = chart.data
    unit = chart.options.get("unit", "个")
    data = CategoryChartData(number_format=FMT_COUNT)
    data.categories = [clean(lbl) for lbl in df["label"]]
    data.add_series("单位数", [int(n) for n in df["count"]])
    frame = shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, *at, data)
    c = frame.chart
    _style_chart(c, chart.title, legend=False)
    _count_axis(c, max([int(n) for n in df["count"]] + [1]), room=1.15)
    plot = c.plots[0]
    plot.gap_width = 50
    series = plot.series[0]
    _fill(series.format, style.PRIMARY)
    for i, color in enumerate(bar_colors(df, bool(chart.options.get("grades")))):  # as on the page
        if color != style.PRIMARY:
            _fill(series.points[i].format, color)
    _labels(plot, f'0"{unit}"', XL_DATA_LABEL_POSITION.OUTSIDE_END, size=13)
    return frame


def ranking(shapes, chart: Chart, at: tuple[int, int, int, int]) -> GraphicFrame:
    """A short ranking of units by score or rate: bars, best (or worst) first."""
    df = chart.data
    is_rate = chart.options.get("format") == "rate"
    target = chart.options.get("target")
    number_format = FMT_RATE if is_rate else "0.00"
    data = CategoryChartData(number_format=number_format)
    data.categories = [clean(u) for u in df["unit"]]
    data.add_series("预算执行率" if is_rate else "得分", [_num(v) for v in df["value"]])
    frame = shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, *at, data)
    c = frame.chart
    _style_chart(c, chart.title, legend=False)
    top = max(v for v in (_num(x) for x in df["value"]) if v is not None)
    _axes(c, '0"%"' if is_rate else "0", reverse=True, maximum=_nice_max(top), labelled=True)
    plot = c.plots[0]
    plot.gap_width = 50
    series = plot.series[0]
    _fill(series.format, style.PRIMARY)
    for i, value in enumerate(df["value"]):
        if is_rate and target is not None and value is not None and value < target:
            _fill(series.points[i].format, style.ATTENTION)
    _labels(plot, number_format, XL_DATA_LABEL_POSITION.OUTSIDE_END, size=12)
    return frame


def add_chart(slide, chart: Chart, x: float, y: float, w: float, h: float) -> GraphicFrame:
    """One slide chart as a native PowerPoint chart at (x, y), w x h inches, drawn by its kind's renderer; returns
    the graphic frame, named after the chart (the selection pane shows it; 示例数据 when illustrative), with its
    text alternative (PowerPoint's 替代文字, read by screen readers) and text properties on every label group."""
    at = (Inches(x), Inches(y), Inches(w), Inches(h))
    frame = renderer(KINDS[chart.kind].pptx)(slide.shapes, chart, at)
    label = f"图表（{ILLUSTRATIVE_LABEL}）" if chart.illustrative else "图表"
    frame.name = f"{label}：{chart.title}"
    frame._element.nvGraphicFramePr.cNvPr.set("descr", clean(alt_text(chart)))
    for dlbls in list(frame.chart._chartSpace.iter(qn("c:dLbls"))):  # every label group gets text properties
        if dlbls.find(qn("c:txPr")) is None:
            DataLabels(dlbls).font.size = Pt(LABEL_PT)
    apply_typefaces(frame.chart._chartSpace)
    return frame
