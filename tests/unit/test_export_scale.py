"""The exports of a 1,000-unit evaluation: a deck with no chart of more than ~40 categories (distributions and
top/bottom rankings instead of one bar per unit), an HTML report drawn from the same plan, and an xlsx workbook that
keeps every unit."""
import datetime as dt
import io
import json
import re

import openpyxl
import pytest
from pptx import Presentation

from evalcore.export.html import export_html
from evalcore.export.pptx import export_pptx
from evalcore.export.slides import slide_plan
from evalcore.export.xlsx import export_xlsx
from sample_data.synth import synthetic_evaluation

AS_OF = dt.date(2025, 1, 1)
UNITS = 1000
MAX_CATEGORIES = 40


@pytest.fixture(scope="module")
def big():
    return synthetic_evaluation(units=UNITS, projects_per_unit=1, indicators=8, experts=1, problems=240, seed=11)


def test_the_deck_has_no_chart_with_more_than_40_categories(big):
    prs = Presentation(io.BytesIO(export_pptx(big, AS_OF)))
    charts = [sh.chart for s in prs.slides for sh in s.shapes if sh.has_chart]
    assert charts
    for c in charts:
        for plot in c.plots:
            assert len(plot.categories) <= MAX_CATEGORIES, (c.chart_title.text_frame.text, len(plot.categories))
    titles = [c.chart_title.text_frame.text for c in charts]
    assert any("预算执行率分布" in t for t in titles)
    assert any("得分最低的10个单位" in t for t in titles)
    assert len(prs.slides) == len(slide_plan(big, AS_OF))
    for s in prs.slides:  # no table with a column (or row) per unit either
        for sh in s.shapes:
            if sh.has_table:
                assert len(sh.table.columns) <= 8 and len(sh.table.rows) <= 20


def test_the_html_report_draws_the_summary_charts(big):
    text = export_html(big, AS_OF).decode("utf-8")
    assert text.count('<section class="slide') == len(slide_plan(big, AS_OF))
    assert "单位排名：评价得分" in text and "预算执行率分布" in text
    # every figure's data: no trace with more than 40 points
    figures = re.findall(r'<script type="application/json" class="eb-figure"[^>]*>(.*?)</script>', text, re.S)
    assert len(figures) == sum(len(s.charts) for s in slide_plan(big, AS_OF))
    for data in figures:
        for trace in json.loads(data)["data"]:
            for key in ("x", "y", "values"):
                assert len(trace.get(key) or ()) <= MAX_CATEGORIES


def test_the_workbook_keeps_every_unit(big):
    wb = openpyxl.load_workbook(io.BytesIO(export_xlsx(big, AS_OF)), read_only=True)
    names = {u.key for u in big.units}
    for sheet in ("概览",):
        seen = {row[0] for row in wb[sheet].iter_rows(values_only=True) if row and row[0] in names}
        assert seen == names, (sheet, len(seen))
