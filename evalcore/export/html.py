"""The HTML report: ``export_html(ev, as_of) -> bytes``, one self-contained UTF-8 file of ``slide_plan``'s slides.

plotly.js is inlined once and every chart is drawn by the dashboard's own builders (``.chart_figures``, through
the registry of chart kinds ``.chart_kinds``; they import Plotly and pandas but never Streamlit), so the file opens
offline, makes no network request and its charts stay interactive. A print stylesheet lays it out on A4, one section
per page. Every piece of text from the workbook is HTML-escaped; chart data travels as JSON in
which Plotly escapes ``</``.
"""
from __future__ import annotations

import datetime as dt
import json
from html import escape

import plotly.io as pio
from plotly.offline import get_plotlyjs

from .. import clock
from ..application import RuleSet
from ..figures import style
from ..model import Evaluation
from ..textutil import shorten
from . import chart_figures, chart_kinds, slide_html
from .slides import Slide, slide_plan

CHART_HEIGHT = 420
# Plotly's toolbar speaks English unless a locale is registered, and the plotly package ships no locale files
# (plotly.js's zh-cn dictionary is a separate download that the file could not carry offline): no toolbar. The
# charts keep their hover labels (Chinese, from the figure builders); ``responsive`` redraws them with the window.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "displayModeBar": False,
    "locale": "zh-CN",
}

# The shared slide markup (evalcore.export.slide_html) without a class prefix: this is a document of its own.
PREFIX = ""

_CSS_VARS = (f":root {{ --primary: {style.PRIMARY}; --accent: {style.ACCENT}; --ink: {style.INK}; "
             f"--muted: {style.MUTED}; --grid: {style.GRID}; --panel: {style.PANEL}; --font: {style.FONT_FAMILY}; "
             f"--on-primary-muted: {style.ON_PRIMARY_MUTED}; "
             f"--chart-height: {CHART_HEIGHT}px; }}")
_CSS = """
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; font-family: var(--font); color: var(--ink); background: #e9edf3; line-height: 1.6; }
a { color: var(--primary); }
nav.toc { position: sticky; top: 0; z-index: 10; background: #fff; border-bottom: 1px solid var(--grid);
          padding: .5rem 1.5rem; display: flex; flex-wrap: wrap; gap: .25rem 1.1rem; font-size: .92rem; }
nav.toc strong { color: var(--primary); margin-right: .5rem; min-width: 0; overflow-wrap: anywhere; }
nav.toc a { text-decoration: none; white-space: nowrap; }
main { max-width: 1280px; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
section.slide { background: #fff; border-radius: 10px; box-shadow: 0 1px 4px rgba(20,40,80,.12);
                margin: 0 0 1.6rem; padding: 1.6rem 2.2rem 1.2rem; position: relative;
                border-top: 6px solid var(--primary); overflow-wrap: anywhere; }
.head > div { min-width: 0; }
.head { display: flex; align-items: flex-start; justify-content: space-between; gap: 1rem; }
h1, h2 { color: var(--primary); margin: 0 0 .3rem; line-height: 1.3; }
h2 { font-size: 1.9rem; }
.subtitle { color: var(--muted); margin: 0 0 .6rem; }
.tag { background: var(--accent); color: #fff; font-weight: 700; border-radius: 6px; padding: .25rem .8rem;
       white-space: nowrap; font-size: 1.05rem; }
.tag.small { font-size: .8rem; padding: .1rem .5rem; margin-left: .4rem; vertical-align: middle; }
figure.chart { margin: 0; }
.body > *, .plot, .plot > div { min-width: 0; max-width: 100%; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(240px, 100%), 1fr)); gap: .9rem;
         margin: .8rem 0 1rem; }
.tile { background: var(--panel); border-radius: 8px; padding: .7rem 1rem; }
.tile .label { color: var(--muted); font-size: .95rem; }
.tile .value { color: var(--primary); font-size: 1.85rem; font-weight: 700; line-height: 1.25;
               font-variant-numeric: tabular-nums; }
.tile .note { font-size: .95rem; }
.sentences p { font-size: 1.15rem; margin: .35rem 0; }
.body { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(420px, 100%), 1fr)); gap: 1rem 1.6rem;
        margin-top: .8rem; align-items: start; }
.chart-title { font-size: 1.05rem; font-weight: 700; margin: 0 0 .2rem; color: var(--ink); }
.chart .plot { width: 100%; min-height: var(--chart-height); }
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0, 0, 0, 0);
           white-space: nowrap; border: 0; padding: 0; }
table { border-collapse: collapse; width: 100%; font-size: 1rem; }
th { background: var(--primary); color: #fff; font-weight: 600; }
th, td { padding: .45rem .6rem; text-align: center; border-bottom: 1px solid var(--grid); }
th:first-child, td:first-child { text-align: left; }
tbody tr:nth-child(even) { background: var(--panel); }
.blocks { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(300px, 100%), 1fr)); gap: .9rem;
          margin-top: .6rem; }
.block { background: var(--panel); border-radius: 8px; padding: .8rem 1rem; }
.block h3 { color: var(--primary); font-size: 1.08rem; margin: 0 0 .3rem; }
.block ol, .block ul { margin: 0; padding-left: 1.4rem; }
.block p { margin: 0; }
.foot { color: var(--muted); font-size: .92rem; margin: .6rem 0 0; }
.foot p { margin: .1rem 0; }
.foot p.illustrative { color: var(--accent); margin-top: .6rem; }
.page-no { position: absolute; right: 1.2rem; bottom: .5rem; color: var(--muted); font-size: .85rem; }
section.cover { background: var(--primary); color: #fff; border-top-color: var(--accent); padding: 4rem 3rem 3rem; }
section.cover h1 { color: #fff; font-size: 2.6rem; }
section.cover .bar { width: 7rem; height: .4rem; background: var(--accent); margin: 1rem 0 1.2rem; }
section.cover p { font-size: 1.4rem; margin: .2rem 0; }
section.cover p.small { font-size: .92rem; margin: .1rem 0; }
section.cover p:not(.small) + p.small, section.cover .bar + p.small { margin-top: .7rem; }
section.cover p.small, section.cover .page-no { color: var(--on-primary-muted); }
footer { text-align: center; color: var(--muted); font-size: .85rem; padding: 0 0 2rem; }
.table { overflow-x: auto; max-width: 100%; }
@media (max-width: 600px) {
  main { padding: 1rem .5rem 2rem; }
  section.slide { padding: 1rem .9rem .9rem; }
  section.cover { padding: 2.2rem 1.2rem 2rem; }
  section.cover h1 { font-size: 1.8rem; }
  h2 { font-size: 1.45rem; }
  .head { flex-wrap: wrap; }
  nav.toc { position: static; padding: .5rem .8rem; }
  nav.toc a { white-space: normal; }
  th, td { padding: .35rem .4rem; }
}

@media print {
  @page { size: A4 landscape; margin: 10mm 12mm; }
  html { font-size: 12px; }
  body { background: #fff; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  nav.toc, footer, .modebar-container { display: none !important; }
  main { max-width: none; padding: 0; }
  section.slide { box-shadow: none; border-radius: 0; margin: 0; padding: 0 0 1.2rem; border-top-width: 4px;
                  break-after: page; page-break-after: always; break-inside: avoid; page-break-inside: avoid; }
  section.slide:last-of-type { break-after: auto; page-break-after: auto; }
  section.cover { padding: 6rem 3rem; min-height: 180mm; }
  .body { grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); }
  .chart, .block, .tile, table { break-inside: avoid; page-break-inside: avoid; }
  .page-no { bottom: 0; }
}
"""

# Every chart is drawn after the page is laid out, sized to its column (the figure JSON sits next to its box);
# a box that changes size (window, print, a phone turned) redraws its chart at the new width.
_DRAW_JS = """
(function () {
  var config = %s;
  function resize() {
    document.querySelectorAll('.js-plotly-plot').forEach(function (el) { Plotly.Plots.resize(el); });
  }
  function draw() {
    document.querySelectorAll('script.eb-figure').forEach(function (s) {
      var el = document.getElementById(s.getAttribute('data-for'));
      var fig = JSON.parse(s.textContent);
      Plotly.newPlot(el, fig.data, fig.layout, config);
    });
    if (window.ResizeObserver) {
      var ro = new ResizeObserver(function (entries) {
        entries.forEach(function (e) { if (e.target.data) { Plotly.Plots.resize(e.target); } });
      });
      document.querySelectorAll('.eb-plot').forEach(function (el) { ro.observe(el); });
    }
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', draw); } else { draw(); }
  window.addEventListener('beforeprint', resize);
  window.addEventListener('afterprint', resize);
})();
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _json_in_script(text: str) -> str:
    """JSON safe inside a <script> element: no "</" (which would close it) and no "<!--"."""
    return text.replace("</", "<\\/").replace("<!--", "<\\u0021--")


def _chart(chart, div_id: str) -> str:
    """A chart's box and its figure as JSON: drawn by _DRAW_JS once the whole page is laid out, at the width of its
    column (a chart drawn while the page is still loading takes the width its column has at that moment: the
    first of a pair took the whole row and covered its neighbour). The figure has no width of its own."""
    fig = chart_figures.figure(chart, height=CHART_HEIGHT)
    fig.update_layout(autosize=True, width=None)
    data = _json_in_script(pio.to_json(fig, validate=False))
    plot = (f'<div id="{_e(div_id)}" class="plotly-graph-div eb-plot" style="height:{CHART_HEIGHT}px; width:100%;" '
            f'role="img" aria-label="{_e(chart.title)}" aria-describedby="{_e(div_id)}-alt"></div>'
            f'<p class="sr-only" id="{_e(div_id)}-alt">{_e(chart_kinds.alt_text(chart))}</p>'
            f'<script type="application/json" class="eb-figure" data-for="{_e(div_id)}">{data}</script>')
    return (f'<figure class="chart" data-kind="{_e(chart.kind)}">{slide_html.chart_title(chart, PREFIX)}'
            f'<div class="plot">{plot}</div></figure>')


def _cover(slide: Slide, ev: Evaluation, number: int, total: int, as_of: dt.date) -> str:
    lines = slide_html.cover_lines(ev.meta.year, ev.meta.evaluator)
    small = [*slide.footnotes, f"整改统计日期：{as_of.isoformat()}"]
    return (f'<section class="slide cover" id="slide-{number}" data-kind="cover">'
            f'{slide_html.cover(slide.title, lines, small)}<div class="page-no">{number} / {total}</div></section>')


def _section(slide: Slide, number: int, total: int) -> str:
    parts = [f'<section class="slide" id="slide-{number}" data-kind="{_e(slide.kind)}">',
             slide_html.head(slide, PREFIX, title_tag="h2")]
    if slide.tiles:
        parts.append(slide_html.tiles(slide.tiles, PREFIX))
    if slide.sentences:
        parts.append(slide_html.sentences(slide.sentences, PREFIX))
    body = [_chart(c, f"chart-{number}-{i}") for i, c in enumerate(slide.charts, 1)]
    if slide.table is not None:
        body.append(slide_html.table(slide.table, PREFIX))
    if body:
        parts.append(f'<div class="body">{"".join(body)}</div>')
    if slide.blocks:
        parts.append(slide_html.blocks(slide.blocks, PREFIX))
    parts.append(slide_html.footnotes(slide, PREFIX))
    parts.append(f'<div class="page-no">{number} / {total}</div></section>')
    return "".join(parts)


NAV_TITLE_LIMIT = 60  # characters of the title in the sticky navigation bar (the cover shows it whole)


def export_html(ev: Evaluation, as_of: dt.date, rules: RuleSet | None = None) -> bytes:
    """The report as one self-contained HTML file (UTF-8 bytes): no external script, stylesheet, font or image."""
    style.register()  # the figures below use the dashboard's Plotly template
    plan = slide_plan(ev, as_of, rules)
    total = len(plan)
    toc = "".join(f'<a href="#slide-{i}">{i}. {_e(s.title if s.kind != "cover" else "封面")}</a>'
                  for i, s in enumerate(plan, 1))
    sections = [(_cover(s, ev, i, total, as_of) if s.kind == "cover" else _section(s, i, total))
                for i, s in enumerate(plan, 1)]
    title = ev.meta.title or "绩效评价结果"
    generated = clock.today().isoformat()
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="EvalBoard 绩效评价看板">'
        f"<title>{_e(title)}</title>"
        f"<style>{_CSS_VARS}{_CSS}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script>'
        "</head><body>"
        f'<nav class="toc"><strong>{_e(shorten(title, NAV_TITLE_LIMIT))}</strong>{toc}</nav>'
        f'<main>{"".join(sections)}</main>'
        f"<footer>由 EvalBoard 绩效评价看板生成（{generated}）。本文件可离线打开，打印时按 A4 横向每节一页。</footer>"
        f"<script>{_DRAW_JS % json.dumps(PLOTLY_CONFIG)}</script>"
        "</body></html>\n"
    )
    return page.encode("utf-8")
