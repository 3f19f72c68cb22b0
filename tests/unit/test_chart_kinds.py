"""The one registry of slide chart kinds (evalcore.export.chart_kinds): every kind is registered once with its title,
columns, Plotly builder, python-pptx renderer and text alternative, and every kind is drawn by the 演示 page's
builder, the HTML report and the PPTX deck (the seed evaluation and one of many units between them use every kind).
The 演示 page itself is walked in tests/apptest/test_present.py and, at scale, tests/components/test_slide_kinds.py.
"""
import datetime as dt
import io
import re

import plotly.graph_objects as go
import pytest
from pptx import Presentation

from evalcore.export import chart_figures, chart_kinds, pptx_charts
from evalcore.export.html import export_html
from evalcore.export.pptx import export_pptx
from evalcore.export.slides import slide_plan
from sample_data.synth import synthetic_evaluation

AS_OF = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def big():
    return synthetic_evaluation(units=40, projects_per_unit=1, indicators=8, experts=1, problems=60, seed=3)


@pytest.fixture(scope="module")
def every_chart(ev, big):
    """Every chart of the seed's and the 40-unit evaluation's slide plans, with the evaluation it belongs to."""
    return [(e, c) for e in (ev, big) for s in slide_plan(e, AS_OF) for c in s.charts]


def test_each_kind_is_registered_once_with_all_its_parts():
    for name, kind in chart_kinds.KINDS.items():
        assert kind.name == name and kind.title and kind.columns
        assert callable(chart_kinds.renderer(kind.plotly)), name
        assert callable(chart_kinds.renderer(kind.pptx)), name
        assert callable(kind.alt), name
    # no dispatch on kind names outside the registry: the old if/elif chains are gone
    for module in (chart_figures, pptx_charts):
        source = open(module.__file__, encoding="utf-8").read()
        assert not re.search(r'(el)?if [^\n]*kind == "', source), module.__name__


def test_the_two_plans_use_every_kind(every_chart):
    assert {c.kind for _, c in every_chart} == set(chart_kinds.KINDS)
    for _, c in every_chart:
        assert set(chart_kinds.KINDS[c.kind].columns) <= set(c.data.columns), c.kind


def test_every_kind_is_drawn_by_the_page_builder_with_its_text_alternative(every_chart):
    for _, c in every_chart:
        fig = chart_figures.figure(c, height=480, font_size=18)
        assert isinstance(fig, go.Figure) and fig.data, c.kind
        assert fig.layout.height == 480 and fig.layout.clickmode == "none"
        alt = chart_kinds.alt_text(c)
        assert alt.startswith(c.title + "：") and len(alt) > len(c.title) + 4, alt


def test_every_kind_is_in_the_html_report_with_its_text_alternative(ev, big):
    drawn = set()
    for e in (ev, big):
        page = export_html(e, AS_OF).decode("utf-8")
        drawn |= set(re.findall(r'<figure class="chart" data-kind="([a-z_]+)"', page))
        charts = [c for s in slide_plan(e, AS_OF) for c in s.charts]
        assert page.count('class="sr-only" id="chart-') == len(charts)
    assert drawn == set(chart_kinds.KINDS)


def test_every_kind_is_a_native_chart_of_the_deck_with_its_text_alternative(ev, big):
    kinds = set()
    for e in (ev, big):
        prs = Presentation(io.BytesIO(export_pptx(e, AS_OF)))
        frames = [sh for slide in prs.slides for sh in slide.shapes if sh.has_chart]
        charts = [c for s in slide_plan(e, AS_OF) for c in s.charts]
        assert len(frames) == len(charts)
        for frame, c in zip(frames, charts, strict=True):
            assert frame.name.endswith("：" + c.title)
            descr = frame._element.nvGraphicFramePr.cNvPr.get("descr")
            assert descr == chart_kinds.alt_text(c)
            kinds.add(c.kind)
    assert kinds == set(chart_kinds.KINDS)


def test_the_seed_alternatives_state_the_key_figures(ev):
    alts = {c.kind: chart_kinds.alt_text(c) for s in slide_plan(ev, AS_OF) for c in s.charts}
    assert "预算最大为市数据中心 10,931.32 万元" in alts["budget"]
    assert "最低市数据局 82.69%" in alts["rates"] and "1 个单位低于目标" in alts["rates"]
    assert "整改事项共 19 项" in alts["status"] and "整改率 68.42%" in alts["status"]
    assert "累计完成整改 13 项，整改事项共 19 项" in alts["closed"]


def test_an_unknown_kind_is_refused():
    import pandas as pd

    with pytest.raises(ValueError, match="未知的图表类型"):
        chart_kinds.Chart("pie3d", "饼图", pd.DataFrame())



def test_deck_chart_text_is_at_least_12pt_and_count_axes_step_whole(ev, big):
    for e in (ev, big):
        prs = Presentation(io.BytesIO(export_pptx(e, AS_OF)))
        for frame in (sh for slide in prs.slides for sh in slide.shapes if sh.has_chart):
            xml = frame.chart._chartSpace.xml
            sizes = [int(s) for s in re.findall(r'<a:(?:def)?rPr[^>]* sz="(\d+)"', xml)]
            assert sizes and min(sizes) >= 1200, (frame.name, sorted(set(sizes)))
            unit = re.search(r'<c:majorUnit val="([\d.]+)"/>', xml)
            if unit and ("单位" in frame.name or "累计" in frame.name):  # counts of units or items
                assert float(unit.group(1)).is_integer(), frame.name


def test_grades_keep_their_colours_on_the_page_and_in_the_deck(big):
    from evalcore.figures import style

    grades = next(c for s in slide_plan(big, AS_OF) for c in s.charts if c.title == "各等次单位数（个）")
    fig = chart_figures.figure(grades)
    assert list(fig.data[0].marker.color) == [style.GRADE_COLORS[g] for g in grades.data["label"]]
    prs = Presentation(io.BytesIO(export_pptx(big, AS_OF)))
    frame = next(sh for slide in prs.slides for sh in slide.shapes if sh.has_chart and "各等次" in sh.name)
    fills = re.findall(r'<c:dPt>.*?<a:srgbClr val="([0-9A-F]{6})"/>', frame.chart._chartSpace.xml, re.S)
    assert {f"#{f.lower()}" for f in fills} == {style.GRADE_COLORS[g] for g in grades.data["label"]}
