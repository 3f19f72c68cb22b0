"""One slide of ``evalcore.export.slides.slide_plan`` in Streamlit, sized for a projector (1920x1080), and the
exports the 演示 page offers for download.

The slide's pieces are drawn by ``evalcore.export.slide_html`` (the renderer the HTML export uses too; auto-escaped,
then sanitised again by ``st.html``), so workbook text can never become markup; charts come from
``evalcore.export.chart_figures.figure`` (by the registry of chart kinds the HTML report and the deck draw from too,
with the builders the dashboard pages use). Colours come from the theme.
"""
from __future__ import annotations

import datetime as dt
import math
from functools import partial
from typing import Any

import streamlit as st

from evalcore.export import chart_figures, slide_html
from evalcore.export.slides import Slide, Table
from evalcore.model import Evaluation

from . import cache, layout, theme
from .text import file_stem

# Type that reads from the back of a room at 1920x1080 and still fits a laptop (clamp by viewport width).
_VARS = (f":root {{ --eb-primary: {theme.PRIMARY}; --eb-accent: {theme.ACCENT}; --eb-ink: {theme.INK}; "
         f"--eb-muted: {theme.MUTED}; --eb-grid: {theme.GRID}; --eb-panel: {theme.PANEL}; "
         f"--eb-accent-text: {theme.ACCENT_TEXT}; --eb-on-primary-muted: {theme.ON_PRIMARY_MUTED}; }}")
_CSS = "<style>\n  " + _VARS + """
  .eb-slide-title { font-size: clamp(30px, 2.6vw, 52px) !important; font-weight: 700 !important;
                    color: var(--eb-primary); line-height: 1.25; margin: 0; padding: 0 !important; }
  .eb-head { display: flex; align-items: center; justify-content: space-between; gap: 1rem; }
  .eb-subtitle { font-size: clamp(16px, 1.1vw, 22px); color: var(--eb-muted); margin: .2rem 0 0; }
  .eb-tag { background: var(--eb-accent); color: #fff; font-weight: 700; border-radius: 8px; white-space: nowrap;
            padding: .25em .8em; font-size: clamp(18px, 1.3vw, 26px); }
  .eb-tag.small { font-size: clamp(13px, .8vw, 16px); padding: .1em .5em; margin-left: .5em; }
  .eb-tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 16px; }
  .eb-tile { background: var(--eb-panel); border-radius: 12px; padding: 12px 22px;
             border-left: 6px solid var(--eb-primary); }
  .eb-tile .label { color: var(--eb-muted); font-size: clamp(16px, 1.15vw, 24px); }
  .eb-tile .value { color: var(--eb-primary); font-weight: 700; font-size: clamp(30px, 2.7vw, 56px); line-height: 1.2;
                    font-variant-numeric: tabular-nums; white-space: nowrap; }
  .eb-tile .note { font-size: clamp(16px, 1.15vw, 24px); }
  .eb-sentences p { font-size: clamp(19px, 1.45vw, 30px); line-height: 1.5; margin: .15em 0; }
  .eb-sentences.large p { font-size: clamp(22px, 1.75vw, 36px); line-height: 1.6; }
  .eb-chart-title { font-size: clamp(18px, 1.25vw, 26px); font-weight: 600; margin: 0; }
  .eb-table table { border-collapse: collapse; width: 100%; font-size: clamp(16px, 1.15vw, 24px); }
  .eb-table th { background: var(--eb-primary); color: #fff; font-weight: 600; }
  .eb-table th, .eb-table td { padding: .35em .6em; text-align: center; border-bottom: 1px solid var(--eb-grid); }
  .eb-table th:first-child, .eb-table td:first-child { text-align: left; }
  .eb-table tbody tr:nth-child(even) { background: var(--eb-panel); }
  .eb-blocks { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 16px; align-items: start; }
  .eb-block { background: var(--eb-panel); border-radius: 12px; padding: 12px 20px; }
  .eb-block h3 { color: var(--eb-primary); font-size: clamp(18px, 1.2vw, 25px); margin: 0 0 .3em; padding: 0;
                 line-height: 1.35; }
  .eb-block ol { margin: 0; padding-left: 1.4em; }
  .eb-block p, .eb-block li { font-size: clamp(15px, 1.05vw, 21px); line-height: 1.5; margin: 0; }
  .eb-foot p { font-size: clamp(14px, .95vw, 19px); color: var(--eb-muted); margin: .1em 0; }
  .eb-foot p.illustrative { color: var(--eb-accent-text); }
  .eb-cover { background: var(--eb-primary); color: #fff; border-radius: 16px; padding: clamp(40px, 7vh, 120px) 6%;
              min-height: 70vh; display: flex; flex-direction: column; justify-content: center; }
  .eb-cover h1 { color: #fff !important; font-size: clamp(34px, 3.1vw, 62px) !important; line-height: 1.3;
                 margin: 0; padding: 0; text-wrap: balance; }
  .eb-cover .bar { width: 8rem; height: .45rem; background: var(--eb-accent); margin: 1.4rem 0; }
  .eb-cover p { font-size: clamp(22px, 1.8vw, 36px); margin: .15em 0; }
  .eb-cover p.small { font-size: clamp(14px, .95vw, 19px); color: var(--eb-on-primary-muted); margin-top: 1.6rem; }
  .eb-counter { font-size: clamp(18px, 1.2vw, 24px); font-weight: 600; color: var(--eb-ink);
                font-variant-numeric: tabular-nums; white-space: nowrap; }
  /* workbook text (a unit, a category, a title) may be one very long word: it wraps, never widens the page */
  .eb-head, .eb-head > div, .eb-tile, .eb-sentences, .eb-table, .eb-blocks, .eb-block, .eb-foot, .eb-cover,
  .eb-chart-title { overflow-wrap: anywhere; min-width: 0; }
  .stMainBlockContainer, .block-container { padding-top: 4.3rem !important; }
  .st-key-present_controls { align-items: center; }
  .st-key-present_slide { min-height: 78vh; }
</style>
"""

# Vertical room for a slide's charts at 1920x1080 after the header, the controls and the title (px).
_ROOM = 740
CHART_FONT = 18


def style() -> None:
    st.html(_CSS)


def _lines(texts, per_line: int) -> int:
    return sum(max(1, math.ceil(len(t) / per_line)) for t in texts)


def chart_height(slide: Slide) -> int:
    """Height of the slide's charts so that the slide fits a 1920x1080 screen."""
    room = _ROOM
    if slide.tiles:
        room -= 150 * math.ceil(len(slide.tiles) / 4)
    room -= 46 * _lines(slide.sentences, 62)
    room -= 36 * (len(slide.footnotes) + (1 if slide.illustrative else 0))
    if slide.subtitle:
        room -= 30
    return max(340, min(room, 640))


PREFIX = "eb-"  # the page's classes live among Streamlit's: every one starts with eb-


def table_html(table: Table) -> str:
    return slide_html.table(table, PREFIX)


def _cover(slide: Slide, ev: Evaluation) -> None:
    lines = slide_html.cover_lines(ev.meta.year, ev.meta.evaluator)
    st.html(f'<div class="eb-cover">{slide_html.cover(slide.title, lines, slide.footnotes)}</div>')


def render(slide: Slide, ev: Evaluation, key: str) -> None:
    """Draw one slide. ``key`` makes the chart keys unique (one slide is shown at a time)."""
    if slide.kind == "cover":
        _cover(slide, ev)
        return
    st.html(slide_html.head(slide, PREFIX))
    if slide.tiles:
        st.html(slide_html.tiles(slide.tiles, PREFIX))
    body: list[tuple[str, Any]] = [("chart", c) for c in slide.charts]
    if slide.table is not None:
        body.append(("table", slide.table))
    if slide.sentences:
        st.html(slide_html.sentences(slide.sentences, PREFIX, large=not (body or slide.blocks)))
    if body:
        height = chart_height(slide)
        weights = [1.2 if kind == "table" and len(item.header) > 2 and not slide.charts[1:] else 1.0
                   for kind, item in body]
        columns = st.columns(weights, gap="large", vertical_alignment="center")
        for i, (col, (kind, item)) in enumerate(zip(columns, body, strict=True)):
            with col:
                if kind == "chart":
                    st.html(slide_html.chart_title(item, PREFIX))
                    fig = chart_figures.figure(item, height=height, font_size=CHART_FONT)
                    layout.chart(fig, key=f"{key}_{i}")
                else:
                    st.html(slide_html.table(item, PREFIX))
    if slide.blocks:
        st.html(slide_html.blocks(slide.blocks, PREFIX))
    foot = slide_html.footnotes(slide, PREFIX)
    if foot:
        st.html(foot)


# --- exports (generated on the click, once per version, date and format: components.cache.export) ----------

MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "html": "text/html",
}


def file_name(ev: Evaluation, suffix: str) -> str:
    return f"{file_stem(ev.meta.title)}.{suffix}"


def download_buttons(ev: Evaluation, version_id: int, as_of: dt.date) -> None:
    """Download buttons for the deck and the report; each file is generated when its button is clicked."""
    st.download_button("下载 PPTX", data=partial(cache.export, version_id, "pptx", as_of),
                       file_name=file_name(ev, "pptx"),
                       mime=MIME["pptx"], icon=":material/slideshow:", key="present_download_pptx",
                       on_click="ignore", help="16:9 演示文稿，图表为可编辑的原生图表")
    st.download_button("下载 HTML", data=partial(cache.export, version_id, "html", as_of),
                       file_name=file_name(ev, "html"),
                       mime=MIME["html"], icon=":material/description:", key="present_download_html",
                       on_click="ignore", help="单个 HTML 文件：离线可打开，图表可交互，可按 A4 打印")
