"""The deck, opened again with python-pptx: 16:9, the plan's slides, native charts whose embedded data are evalcore's
figures, East Asian typefaces on every run, notes, and the illustrative label. Rendered with LibreOffice when it is
installed (scripts/check_deck.sh)."""
import datetime as dt
import io
import re
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml.ns import qn
from pptx.util import Inches

from evalcore.export.pptx import EA_FONT, LATIN_FONT, export_pptx
from evalcore.export.slides import ILLUSTRATIVE_LABEL, slide_plan
from evalcore.model import Evaluation, Meta, Problem, Recommendation, Unit

AS_OF = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def data(ev) -> bytes:
    return export_pptx(ev, AS_OF)


@pytest.fixture(scope="module")
def prs(data):
    return Presentation(io.BytesIO(data))


def charts_of(slide):
    return [sh.chart for sh in slide.shapes if sh.has_chart]


def all_charts(prs):
    return [c for s in prs.slides for c in charts_of(s)]


def slide_text(slide) -> str:
    parts = []
    for sh in slide.shapes:
        if sh.has_text_frame:
            parts.append(sh.text_frame.text)
        if sh.has_table:
            parts.extend(c.text for row in sh.table.rows for c in row.cells)
    return "\n".join(parts)


def series_values(chart) -> dict[str, list]:
    return {s.name: list(s.values) for s in chart.plots[0].series}


def test_16_9_and_the_plans_slides(prs, ev):
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.001
    plan = slide_plan(ev, AS_OF)
    assert len(prs.slides) == len(plan) >= 7
    for slide, item in zip(prs.slides, plan, strict=True):
        assert item.title in slide_text(slide)
    assert "1 / 10" in slide_text(prs.slides[0]) and "10 / 10" in slide_text(prs.slides[9])


def test_native_charts_of_every_kind(prs):
    charts = all_charts(prs)
    assert len(charts) >= 4
    # python-pptx reads a line chart with one marker-less series (the dashed total) as LINE
    assert {c.chart_type for c in charts} == {
        XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.COLUMN_CLUSTERED, XL_CHART_TYPE.RADAR_MARKERS,
        XL_CHART_TYPE.DOUGHNUT, XL_CHART_TYPE.LINE}
    plots = {x.tag.split("}")[1] for c in charts for x in c._chartSpace.plotArea.iter_xCharts()}
    assert plots == {"barChart", "radarChart", "doughnutChart", "lineChart"}
    # no chart is a picture: there is no image on any slide
    assert not [sh for s in prs.slides for sh in s.shapes if sh.shape_type == 13]


def test_budget_and_rates_series(prs):
    budget, rates = charts_of(prs.slides[2])
    assert budget.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert list(budget.plots[0].categories) == ["市数据局", "市数据中心"]
    assert series_values(budget) == {"预算": [3400.06, 10931.32], "实际执行": [2811.47, 10752.13]}
    assert rates.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    assert series_values(rates) == {"预算执行率": [82.69, 98.36]}
    assert rates.plots[0].data_labels.number_format == '0.00"%"'
    assert budget.plots[0].data_labels.number_format == "#,##0.00"
    assert "目标 90.00%" in rates.chart_title.text_frame.text


def test_dimension_radar_series(prs):
    (radar,) = charts_of(prs.slides[3])
    assert radar.chart_type == XL_CHART_TYPE.RADAR_MARKERS
    assert list(radar.plots[0].categories) == ["决策", "过程", "产出", "效益"]
    values = series_values(radar)
    assert values["市数据局"] == [90.0, 79.72, 89.0, 89.5]  # 13.50/15, 19.93/25, 26.70/30, 26.85/30 as %
    assert values["市数据中心"] == [80.0, 85.68, 88.0, 88.53]


def test_problem_and_recommendation_counts(prs):
    (problems,) = charts_of(prs.slides[5])
    assert series_values(problems) == {"问题数量": [2, 3, 5, 5, 3, 1]}
    assert list(problems.plots[0].categories)[0] == "（一）资金使用管理效率有待提高"
    (recs,) = charts_of(prs.slides[6])
    assert series_values(recs) == {"建议数量": [3, 3, 3, 4, 2, 3]}


def test_rectification_charts(prs):
    donut, line = charts_of(prs.slides[7])
    assert donut.chart_type == XL_CHART_TYPE.DOUGHNUT
    assert dict(zip(donut.plots[0].categories, series_values(donut)["整改事项"], strict=True)) == {
        "未开始": 1, "整改中": 4, "已整改": 13, "未整改": 1}
    assert "整改率 68.42%" in donut.chart_title.text_frame.text
    assert line.chart_type in (XL_CHART_TYPE.LINE, XL_CHART_TYPE.LINE_MARKERS)
    done = series_values(line)["累计完成"]
    assert done[-1] == 13 and done == sorted(done)
    assert list(line.plots[0].categories)[0] == "2024-04-30"


def test_chart_data_is_embedded_for_edit_data(prs):
    """Each chart carries its own workbook (Edit Data in PowerPoint/WPS), holding the plotted figures."""
    for chart in all_charts(prs):
        blob = chart.part.chart_workbook.xlsx_part.blob
        ws = openpyxl.load_workbook(io.BytesIO(blob)).active
        cells = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
        for series in chart.plots[0].series:
            assert series.name in cells
            for v in series.values:
                assert v in cells
    budget = charts_of(prs.slides[2])[0]
    ws = openpyxl.load_workbook(io.BytesIO(budget.part.chart_workbook.xlsx_part.blob)).active
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        [None, "预算", "实际执行"], ["市数据局", 3400.06, 2811.47], ["市数据中心", 10931.32, 10752.13]]


def _rpr_elements(root):
    return list(root.iter(qn("a:rPr"), qn("a:defRPr"), qn("a:endParaRPr")))


def test_every_run_has_latin_and_east_asian_typefaces(prs):
    roots = []
    for slide in prs.slides:
        roots.append(slide.shapes._spTree)
        roots.append(slide.notes_slide.notes_text_frame._txBody)
        roots.extend(c._chartSpace for c in charts_of(slide))
    checked = 0
    for root in roots:
        for run in root.iter(qn("a:r")):
            assert run.find(qn("a:rPr")) is not None, "a run without run properties"
        for rpr in _rpr_elements(root):
            ea, latin = rpr.find(qn("a:ea")), rpr.find(qn("a:latin"))
            assert ea is not None and ea.get("typeface") == EA_FONT
            assert latin is not None and latin.get("typeface") == LATIN_FONT
            # schema order: a:latin comes right before a:ea
            assert latin.getnext() is ea
            checked += 1
    assert checked > 200


def test_chart_text_has_an_east_asian_typeface(prs):
    """Chart title, axis labels, data labels and legend each carry text properties with <a:ea>."""
    for chart in all_charts(prs):
        space = chart._chartSpace
        assert space.find(qn("c:txPr")) is not None  # the chart-wide default
        for tag in ("c:title", "c:legend", "c:dLbls"):
            for el in space.iter(qn(tag)):
                eas = [e.get("typeface") for e in el.iter(qn("a:ea"))]
                assert eas and set(eas) == {EA_FONT}, (chart.chart_title.text_frame.text, tag)
        for axis in (*space.iter(qn("c:catAx")), *space.iter(qn("c:valAx"))):
            if axis.find(qn("c:delete")) is not None and axis.find(qn("c:delete")).get("val") == "1":
                continue
            assert [e.get("typeface") for e in axis.iter(qn("a:ea"))] == [EA_FONT]


def test_theme_fonts_are_set(prs):
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    theme = etree.fromstring(prs.slide_master.part.part_related_by(RT.THEME).blob)
    for kind in ("a:majorFont", "a:minorFont"):
        font = theme.find(f".//{qn(kind)}")
        assert font.find(qn("a:latin")).get("typeface") == LATIN_FONT
        assert font.find(qn("a:ea")).get("typeface") == EA_FONT


def test_seed_figures_on_the_slides(prs):
    text = "\n".join(slide_text(s) for s in prs.slides)
    for figure in ("14,331.38 万元", "13,563.60 万元", "94.64%", "86.98", "86.38", "19 项", "18 条", "68.42%",
                   "市数据局实际执行项目资金预算2811.47万元，项目预算执行率为82.69%。",
                   "市数据中心实际执行项目资金预算10752.13万元，项目预算执行率为98.36%。",
                   "资金总额为14331.38万元", "13.50 / 15.00"):
        assert figure in text, figure


def test_speaker_notes_carry_the_key_sentences(prs, ev):
    for slide, item in zip(prs.slides, slide_plan(ev, AS_OF), strict=True):
        notes = slide.notes_slide.notes_text_frame.text
        assert notes == item.notes
        for sentence in item.sentences:
            assert sentence in notes
    assert "市数据局实际执行项目资金预算2811.47万元，项目预算执行率为82.69%。" in \
        prs.slides[2].notes_slide.notes_text_frame.text


def test_illustrative_slides_carry_the_label_and_the_note(prs, ev):
    flagged = []
    for n, slide in enumerate(prs.slides):
        tags = [sh for sh in slide.shapes if sh.name == ILLUSTRATIVE_LABEL]
        if tags:
            flagged.append(n)
            assert tags[0].text_frame.text == ILLUSTRATIVE_LABEL
            assert f"{ILLUSTRATIVE_LABEL}：{ev.meta.illustrative_note}" in slide_text(slide)
    assert flagged == [3, 7]  # scores, 整改


def test_hostile_text_is_stored_as_text():
    """Markup-like text stays text; control characters (which XML cannot hold) are dropped, not fatal."""
    ev = Evaluation(
        meta=Meta(title='<b>标题</b> & "引号"\x0b换行', year=2024, evaluator="评价组</a:t>"),
        units=(Unit("甲单位"),),
        problems=(Problem("P1-1", 1, "类别<script>\x01", 1, "问题 & <i>文字</i>"),),
        recommendations=(Recommendation("R1-1", 1, "建议]]>", 1, "文字"),),
    )
    prs = Presentation(io.BytesIO(export_pptx(ev, AS_OF)))
    text = "\n".join(slide_text(s) for s in prs.slides)
    assert '<b>标题</b> & "引号"' in text and "评价组</a:t>" in text
    (chart,) = charts_of(prs.slides[5])
    assert list(chart.plots[0].categories) == ["（一）类别<script>"]


def test_a_sparse_evaluation_exports():
    from test_slides import sparse

    prs = Presentation(io.BytesIO(export_pptx(sparse(), AS_OF)))
    assert len(prs.slides) == 10
    assert series_values(charts_of(prs.slides[2])[1]) == {"预算执行率": [80.0]}
    assert not any(sh.name == ILLUSTRATIVE_LABEL for s in prs.slides for sh in s.shapes)


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")),
                    reason="LibreOffice (soffice) and poppler-utils are not installed")
def test_libreoffice_renders_every_slide(data, tmp_path, repo_root):
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(data)
    out = tmp_path / "pages"
    run = subprocess.run([str(repo_root / "scripts" / "check_deck.sh"), str(out), str(deck)], capture_output=True,
                         text=True, timeout=240)
    assert run.returncode == 0, run.stdout + run.stderr
    assert len(list(out.glob("page-*.png"))) == 9
    if shutil.which("pdffonts"):  # the Chinese text is set in an embedded CJK font, not left without glyphs
        fonts = subprocess.run(["pdffonts", str(out / "deck.pdf")], capture_output=True, text=True).stdout
        assert re.search(r"CJK|YaHei|Hei|Song|Han", fonts), fonts


def test_decimal_figures_are_rounded_half_up_in_the_chart_data():
    from test_slides import sparse

    ev = sparse()
    ev = Evaluation(meta=ev.meta, units=ev.units[:1], budget_lines=(
        ev.budget_lines[0].__class__("县农业局", Decimal("200"), Decimal("165.37")),))  # 82.685% -> 82.69
    prs = Presentation(io.BytesIO(export_pptx(ev, AS_OF)))
    assert series_values(charts_of(prs.slides[2])[1]) == {"预算执行率": [82.69]}


def test_many_units_fit_on_their_slides():
    from test_slides import many_units

    prs = Presentation(io.BytesIO(export_pptx(many_units(10), AS_OF)))
    budget, rates = charts_of(prs.slides[2])
    assert len(list(budget.plots[0].categories)) == 10
    for slide in prs.slides:  # nothing is placed below the slide
        for sh in slide.shapes:
            assert sh.top + sh.height <= prs.slide_height, (slide.shapes.title, sh.name)
