"""Chart builders with hostile workbook text (tests/hostile.py): Plotly draws a subset of HTML and evaluates
%{...} in hovertemplates, so every label must arrive escaped, every hovertemplate must be ours, and long labels
must be shortened on the axes (whole in the hover text). Pure functions: the figure dicts are inspected."""
import datetime as dt
import html
import re
from decimal import Decimal

import pandas as pd
import pytest

from components import charts
from evalcore import budget, findings, rectification, scoring
from evalcore.export import chart_figures
from evalcore.export.slides import slide_plan
from tests import hostile

AS_OF = dt.date(2026, 11, 28)

# Placeholders our hovertemplates use; anything else in a template would come from the data.
PLACEHOLDERS = {"%{x}", "%{y}", "%{text}", "%{hovertext}", "%{customdata}", "%{r:.2f}", "%{value}", "%{percent}",
                "%{x|%Y-%m-%d}", "%{source.customdata}", "%{target.customdata}"}
OUR_TAGS = re.compile(r"<br>|</?extra>")
ENTITY = re.compile(r"&(?:amp|lt|gt);")


@pytest.fixture(scope="module")
def ev():
    return hostile.hostile_evaluation()


@pytest.fixture(scope="module")
def figures(ev):
    problems = findings.problems_table(ev)
    summary = rectification.rectification_summary(ev, AS_OF)
    figs = {
        "budget": charts.budget_vs_executed(budget.budget_table(ev)),
        "rates": charts.execution_rates(budget.budget_table(ev), Decimal(90)),
        "radar": charts.dimension_radar(scoring.dimension_table(ev)),
        "dims": charts.dimension_bars(scoring.dimension_table(ev)),
        "deductions": charts.deductions(scoring.indicator_table(ev)),
        "categories": charts.category_counts(findings.counts_by_category(problems), "项"),
        "sunburst": charts.problems_sunburst(problems),
        "units": charts.unit_counts(findings.problems_by_unit(ev)),
        "sankey": charts.links_sankey(findings.recommendation_links(ev)),
        "stacked": charts.status_stacked(rectification.status_by_category(ev, AS_OF), ev.meta.statuses),
        "donut": charts.status_donut(summary.by_status, "68.42%"),
    }
    for slide in slide_plan(ev, AS_OF):
        for i, chart in enumerate(slide.charts):
            figs[f"slide {slide.kind} {i}"] = chart_figures.figure(chart, height=500, font_size=18)
    return figs


def strings(node, path=""):
    """(path, string) for every string in a figure dict."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from strings(v, f"{path}.{k}")
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            yield from strings(v, f"{path}[{i}]")


def figure_strings(fig):
    d = fig.to_plotly_json()
    d["layout"].pop("template", None)
    return list(strings(d))


def test_no_markup_from_the_data_reaches_a_figure(figures):
    for name, fig in figures.items():
        for path, s in figure_strings(fig):
            rest = OUR_TAGS.sub("", s)
            if path.endswith("annotations[0].text") and name in ("donut", "slide rectification 0"):
                rest = rest.replace("<b>", "").replace("</b>", "")  # ours: 整改率<br><b>68.42%</b>
            assert "<" not in rest and ">" not in rest, (name, path, s[:120])
            assert "&" not in ENTITY.sub("", rest), (name, path, s[:120])  # & only as &amp; &lt; &gt;


def test_hovertemplates_are_ours(figures):
    for name, fig in figures.items():
        for path, s in figure_strings(fig):
            if path.endswith("hovertemplate"):
                assert set(re.findall(r"%\{[^}]*\}", s)) <= PLACEHOLDERS, (name, path, s)
                assert "pwned" not in s and "粗体" not in s and "超长" not in s, (name, path, s)


def test_the_hostile_text_is_there_escaped(figures):
    everything = " ".join(s for fig in figures.values() for _, s in figure_strings(fig))
    for text in (hostile.SCRIPT, hostile.IMG, hostile.MD_LINK, hostile.PLOTLY_HTML, hostile.TEMPLATE,
                 "<i>整改中</i>%{x}", hostile.UNIT_KEYS[2]):
        assert html.escape(text, quote=False) in everything, text
    assert hostile.SCRIPT not in everything and hostile.PLOTLY_HTML not in everything


def _visible(label: str) -> list[str]:
    """The lines of a tick label as drawn (entities read)."""
    return [html.unescape(line) for line in label.split("<br>")]


def test_long_labels_are_shortened_on_the_axes_and_whole_in_the_hover(figures):
    long = hostile.LONG
    for name in ("budget", "rates", "units", "categories", "stacked"):
        fig = figures[name]
        axis = fig.layout.yaxis if fig.layout.yaxis.type == "category" else fig.layout.xaxis  # the names
        for tick in axis.ticktext:
            lines = _visible(tick)
            assert len(lines) <= 3 and all(len(line) <= 14 for line in lines), (name, tick)
        shortened = [t for t in axis.ticktext if "…" in t]
        assert shortened, name  # the long unit or category is cut …
        hover = " ".join(str(h) for trace in fig.data for h in (trace.hovertext or ()))
        assert html.escape(long[:charts.HOVER_LIMIT - 10]) in hover.replace("<br>", ""), name
    for trace in figures["dims"].data + figures["radar"].data + figures["stacked"].data:
        assert len(html.unescape(trace.name)) <= charts.LEGEND_LIMIT  # legend entries too


def test_escape_happens_before_wrapping():
    label = charts.wrap_label("<script>&amp;", 4)
    assert label == "&lt;<br>scri<br>pt&gt;&amp;<br>amp;"  # every line escaped on its own: no entity is cut
    assert [html.unescape(x) for x in label.split("<br>")] == ["<", "scri", "pt>&", "amp;"]
    assert charts.wrap_label("（一）资金使用管理效率有待提高", 14) == "（一）资金使用<br>管理效率有待提高"
    assert charts.wrap_label("x" * 50, 10, 2) == "xxxxxxxxxx<br>xxxxxxxxx…"  # 20 characters, the last "…"
    assert charts.hover_label("a" * 1000).count("…") == 1


def test_distinct_long_names_stay_distinct_categories():
    a, b = "单位" + "长" * 100 + "甲", "单位" + "长" * 100 + "乙"
    df = pd.DataFrame({"unit": [a, b], "budget": [Decimal(10), Decimal(20)], "executed": [Decimal(5), Decimal(6)],
                       "rate": [Decimal(50), Decimal(30)]})
    fig = charts.budget_vs_executed(df)
    assert len(set(fig.data[0].y)) == 2
    assert fig.layout.yaxis.ticktext[0] == fig.layout.yaxis.ticktext[1]  # they look alike on the axis, cut …
    assert len(set(charts.execution_rates(df).data[0].x)) == 2


def test_indicators_sharing_a_name_do_not_break_the_charts():
    rows = [{"unit": u, "id": i, "name": "完成及时性", "level": 3, "is_leaf": True, "points": Decimal(5),
             "score": Decimal(s), "deduction": Decimal(5) - Decimal(s)}
            for u in ("甲", "乙") for i, s in (("C31", "4"), ("D13", "3"))]
    fig = charts.deductions(pd.DataFrame(rows))
    assert list(fig.layout.yaxis.categoryarray) == ["C31", "D13"]  # two leaves, not one
    assert list(fig.layout.yaxis.ticktext) == ["完成及时性", "完成及时性"]
    dims = pd.DataFrame([{**r, "level": 1} for r in rows])
    assert len(charts.dimension_bars(dims).layout.yaxis.tickvals) == 2
    assert len(charts.dimension_radar(dims).layout.polar.angularaxis.tickvals) == 2


def test_sankey_targets_are_recommendation_nodes_even_with_equal_names():
    links = pd.DataFrame({"problem_category": ["同名", "乙"], "recommendation_category": ["同名", "丙"],
                          "items": [1, 2]})
    sk = charts.links_sankey(links).data[0]
    assert list(sk.link.source) == [0, 1] and list(sk.link.target) == [2, 3]
