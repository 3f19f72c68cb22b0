"""Workbook and report text shown as plain text, never as markup.

Streamlit renders ``st.markdown``/``st.caption``/``st.info``/``st.title``/``st.subheader`` bodies and most labels
(``st.metric``, ``st.expander``, ``st.tabs``, ``st.segmented_control`` options, ...) as Markdown: links, emphasis,
raw HTML shown as text, colour and badge directives (``:red[...]``), ``:material/...:`` icons, ``:smile:`` emoji,
LaTeX (``$...$``), GitHub autolinks (``https://...``, ``www.``, e-mail addresses) and typographic arrows (``->``
becomes →). Text that comes from a workbook or a report passes through :func:`plain` before it is put into such
a call, so that it shows exactly as typed (checked in Chromium against Streamlit 1.67, see tests/browser).

How (Streamlit 1.67's markdown pipeline, ``StreamlitMarkdown`` in its front end):

1. Every ASCII punctuation character is backslash-escaped (CommonMark 2.4): this stops everything the Markdown
   parser itself recognises (emphasis, links, headings and list markers at a line start, code, tables, HTML,
   entities such as ``&lt;``, directives, LaTeX, and the emoji plug-in, which is only loaded when the raw source
   holds ``:name:``).
2. Some transformations run later, on the parsed text nodes, where an escape is already undone: GitHub autolinks,
   ``:material_x:`` icons (the front end first rewrites ``:material/`` to ``:material_``), ``:streamlit:`` and the
   arrows. Before the characters that start them (``:``, ``@``, the ``.`` of ``www.``, the second character of
   ``->``, ``<-``, ``--``, ``>=``, ``<=``, ``~=``) an empty ``:small[]`` directive is inserted. It renders as an
   empty ``<span>``: nothing visible, nothing in the copied text, but the text node is split, so none of those
   patterns is found.
3. A line break in the text is a hard line break (a backslash at the end of the line); :func:`plain_inline`
   (headings, labels) joins the lines with a space instead. Spaces at the start of a line are dropped (four would
   make an indented code block; HTML does not show them anyway).

``st.badge`` escapes ``[`` and ``]`` itself, which would show our escapes: use :func:`badge` for data text.

Before any of this, characters that reorder or hide the text after them (a right-to-left override U+202E left
open in a title, other direction controls, control characters) are dropped by
:func:`evalcore.workbook.visible_text`, the one cleaning function the reader, these helpers and :func:`shown` (for
``st.text``, ``st.code`` and table cells) share: otherwise the app's own words after such a text would show
reversed.
"""
from __future__ import annotations

import re

import streamlit as st

from evalcore.workbook import visible_text

# Every ASCII punctuation character: !"#$%&'()*+,-./ :;<=>?@ [\]^_` {|}~
_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")

# An empty directive: an empty <span> in Streamlit's markdown, so it splits a text node without showing anything.
SPLIT = ":small[]"

# Adjacent pairs that Streamlit turns into arrows and symbols (<->, ->, <-, --, >=, <=, ~=).
_ARROW_PAIRS = frozenset({"<-", "->", "--", ">=", "<=", "~="})


def _split_before(text: str, i: int) -> bool:
    ch = text[i]
    if ch in ":@":
        return True
    if ch == "." and i >= 3 and text[i - 3:i].lower() == "www":
        return True
    return i > 0 and text[i - 1:i + 1] in _ARROW_PAIRS


def _line(text: str) -> str:
    out = []
    for i, ch in enumerate(text):
        if _split_before(text, i):
            out.append(SPLIT)
        out.append(_PUNCT.sub(r"\\\1", ch))
    return "".join(out)


def blank_cell(value: object) -> bool:
    """A cell of an editable table left empty: None, NaN (pandas' empty cell) or only whitespace."""
    return value is None or (isinstance(value, float) and value != value) or not str(value).strip()


def shown(text: object) -> str:
    """Text for ``st.text``, ``st.code`` and table cells (which show it literally): only the characters that would
    reorder or hide what follows are dropped."""
    return visible_text("" if text is None else str(text))


def plain(text: object) -> str:
    """``text`` as Markdown that Streamlit renders literally; line breaks in the text stay line breaks."""
    s = shown(text)
    lines = s.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # Leading spaces would make an indented code block; HTML collapses them anyway.
    return "\\\n".join(_line(line.lstrip(" \t")) for line in lines)


def plain_inline(text: object) -> str:
    """Like :func:`plain`, on one line (for headings and labels): line breaks become spaces."""
    s = shown(text)
    return _line(" ".join(part.strip(" \t") for part in s.splitlines() if part.strip(" \t")))


BADGE_COLORS = ("red", "orange", "yellow", "blue", "green", "violet", "gray", "grey", "primary")


def badge(label: object, color: str = "gray", icon: str = "") -> None:
    """``st.badge`` for data text: the label shows literally (``st.badge`` itself would render it as Markdown).

    ``icon`` is one of ours (``:material/...:``), never data.
    """
    if color not in BADGE_COLORS:
        raise ValueError(f"unknown badge colour: {color}")
    prefix = f"{icon} " if icon else ""
    st.markdown(f":{color}-badge[{prefix}{plain_inline(label)}]")


FILE_STEM_LIMIT = 80  # characters: a download name stays far under the 255 bytes that file systems allow


def file_stem(text: object, default: str = "绩效评价结果", limit: int = FILE_STEM_LIMIT) -> str:
    """Workbook text (a title) as the stem of a download's file name: no path or reserved characters, no
    whitespace, at most ``limit`` characters."""
    stem = re.sub(r'[\\/:*?"<>|\s\x00-\x1f]+', "_", shown(text)).strip("_.")
    return stem[:limit].rstrip("_.") or default
