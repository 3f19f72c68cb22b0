"""Accessibility basics (issue 28, item 10), added to every page by ``layout``:

- every chart has a short text alternative (``evalcore.figures.describe.alt_text``: what it shows and its key
  figure), written next to the chart for screen readers (visually hidden, read in place of the drawing);
- keyboard focus is visible: a 3 px outline in the primary colour on whatever has focus;
- captions are dark enough to read (at least 4.5:1 on white: #1d2433 at 78 % gives about 6:1);
- nothing leaves the server: the favicon is a local PNG (Streamlit's ``:material/…:`` page icon was fetched from
  fonts.gstatic.com), fonts are Streamlit's bundled ones and the system's CJK font.
"""
from __future__ import annotations

from html import escape
from pathlib import Path

import streamlit as st

from evalcore.figures.describe import alt_text

FAVICON = str(Path(__file__).resolve().parent / "assets" / "favicon.png")

CSS = """
<style>
  .eb-sr-only { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
                clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
  /* no room at all: the block's gap before it cancelled too (a slide must still fit 1920x1080) */
  [data-testid="stElementContainer"]:has(> [data-testid="stHtml"] .eb-sr-only) { margin: 0 0 -1rem 0; height: 0; }
  /* captions at 4.5:1 or better on white (Streamlit draws them at about 4.2:1) */
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: rgba(29, 36, 51, .78); }
  a:focus-visible, button:focus-visible, [role="tab"]:focus-visible, [role="button"]:focus-visible,
  input:focus-visible, textarea:focus-visible, summary:focus-visible, [tabindex]:focus-visible,
  [data-baseweb="select"]:focus-within {
    outline: 3px solid #1f4e9c !important; outline-offset: 2px !important; border-radius: 4px; }
</style>
"""


def inject() -> None:
    st.html(CSS)


def describe(fig) -> None:
    """The chart's text alternative, for screen readers, just before the chart."""
    st.html(f'<p class="eb-sr-only" role="note">图表说明：{escape(alt_text(fig))}</p>')
