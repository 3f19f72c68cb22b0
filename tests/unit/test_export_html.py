"""The HTML report: one self-contained file (no network), the plan's sections, the seed figures, charts drawn by
the dashboard's builders, a print stylesheet for A4, and workbook text escaped."""
import datetime as dt
import json
import re
import subprocess
import sys
from html import escape

import pytest

from evalcore.export.html import export_html
from evalcore.export.slides import slide_plan
from evalcore.model import Evaluation, Meta, Problem, Recommendation, Unit

AS_OF = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def page(ev) -> str:
    data = export_html(ev, AS_OF)
    assert isinstance(data, bytes)
    return data.decode("utf-8")


def tags(page: str, name: str) -> list[str]:
    return re.findall(rf"<{name}\b[^>]*>", page, flags=re.IGNORECASE)


def test_no_external_script_stylesheet_image_or_font(page):
    for name in ("script", "link", "img", "iframe", "source", "video", "audio", "embed", "object"):
        for tag in tags(page, name):
            assert not re.search(r"""(src|href|data)\s*=\s*["']?\s*(https?:)?//""", tag, re.IGNORECASE), tag
    assert not tags(page, "link") and not tags(page, "img")
    for css in re.findall(r"<style\b[^>]*>(.*?)</style>", page, flags=re.DOTALL | re.IGNORECASE):
        assert "@import" not in css
        assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", css, re.IGNORECASE)
    # every script is inline
    assert all("src=" not in t.lower() for t in tags(page, "script"))


def test_plotly_js_is_inlined_once(page):
    assert page.count('class="eb-figure"') >= 7  # one figure per chart, drawn once the page is laid out
    assert page.count("Plotly.newPlot") == 1  # by one drawing script
    assert len(re.findall(r"plotly\.js v\d", page)) == 1  # the library's banner: one copy
    assert len(page) > 3_000_000  # plotly.min.js itself


def test_seed_figures_and_sections(page, ev):
    for figure in ("14,331.38 万元", "13,563.60 万元", "94.64%", "86.98", "86.38", "82.69%", "98.36%", "68.42%",
                   "市数据局实际执行项目资金预算2811.47万元，项目预算执行率为82.69%。",
                   "2023年信息化建设和运维项目资金总额为14331.38万元。", "19 项", "18 条"):
        assert figure in page, figure
    plan = slide_plan(ev, AS_OF)
    assert page.count('<section class="slide') == len(plan)
    for n, item in enumerate(plan, 1):
        assert f'id="slide-{n}"' in page and f"{n} / {len(plan)}" in page
        for sentence in item.sentences:
            assert escape(sentence) in page, sentence


def test_charts_come_from_the_dashboard_builders(page, ev):
    divs = re.findall(r'<div id="(chart-\d+-\d+)"', page)
    assert len(divs) == sum(len(s.charts) for s in slide_plan(ev, AS_OF)) == 7
    assert '"displaylogo": false' in page
    assert '"displayModeBar": false' in page  # the plotly package ships no zh-CN locale: no English toolbar
    assert '"responsive": true' in page
    for data in re.findall(r'<script type="application/json" class="eb-figure"[^>]*>(.*?)</script>', page, re.S):
        layout = json.loads(data)["layout"]
        assert "width" not in layout and layout["autosize"] is True  # sized by its column, not fixed
    assert "MathJax.Hub" not in page.split("Plotly.newPlot")[-1]  # no MathJax configured for the charts


def test_illustrative_sections_are_labelled(page, ev):
    assert page.count('<span class="tag">示例数据</span>') == 2  # scores and 整改 sections
    assert page.count(f"示例数据：{ev.meta.illustrative_note}") == 2


def test_print_stylesheet_for_a4(page):
    css = re.search(r"@media print\s*{(.*)}\s*</style>", page, flags=re.DOTALL).group(1)
    assert re.search(r"@page\s*{[^}]*size:\s*A4", css)
    assert "break-after: page" in css and "page-break-after: always" in css


def test_utf8_and_language(page):
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page and '<html lang="zh-CN">' in page
    assert "<title>2023年度长沙市信息化建设和运维项目绩效评价结果</title>" in page


def test_workbook_text_never_becomes_markup():
    hostile = '<script>alert("x")</script><img src=https://evil.example/x.png>'
    ev = Evaluation(
        meta=Meta(title=f"标题{hostile}", year=2024, evaluator="评价组</title>", conclusion=f"结论{hostile}"),
        units=(Unit("甲单位"),),
        problems=(Problem("P1-1", 1, f"类别{hostile}", 1, "文字"),),
        recommendations=(Recommendation("R1-1", 1, "建议</script>", 1, "文字"),),
    )
    page = export_html(ev, AS_OF).decode("utf-8")
    assert "<script>alert" not in page
    assert "<img" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page  # shown as text
    assert "评价组&lt;/title&gt;" in page
    # inside the chart JSON, Plotly escapes "<" and "/" so "</script>" cannot close the script
    body = page.split("</style>", 1)[1]
    assert "</script><img" not in body
    assert len(tags(page, "script")) == page.lower().count("</script>")


def test_importing_the_html_export_does_not_import_streamlit():
    code = "import sys, evalcore.export.html, evalcore.export.pptx; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
