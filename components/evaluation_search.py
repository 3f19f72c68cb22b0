"""The sidebar's evaluation picker on a big store (issue 23): a search box above the list, and a bounded list
(the recently published evaluations, the ones the search matches, the one shown), never every evaluation.
A small store (``evalcore.archive.picker.SMALL`` or fewer) keeps the plain list of all of them, no search box.
"""
from __future__ import annotations

import streamlit as st

from evalcore.archive import picker

from . import cache
from .text import plain_inline

SEARCH = "_evaluation_search"


def choices(*must: int | None) -> list:
    """The evaluations the picker lists (``must``: ids that must be among them when they exist: the one shown,
    the one a link names); on a big store, draws the search box and says what the list holds."""
    text = str(st.session_state.get(SEARCH) or "")
    found = picker.choices(cache.store(), text, must)
    if not found.bounded:
        return found.infos
    st.sidebar.text_input("查找评价", key=SEARCH, placeholder="标题、地区或年度，多个词用空格分隔",
                          help=f"共 {found.total:,} 个评价：下拉列表只列出最近发布的 {picker.RECENT} 个、"
                               f"当前查看的评价和与输入文字相符的评价（至多 {picker.MATCHES} 个）。")
    text = text.strip()
    if not text:
        st.sidebar.caption(f"共 {found.total:,} 个评价；列表为最近发布的评价，输入文字可查找其他评价。")
    elif not found.matches:
        st.sidebar.caption(plain_inline(f"没有与“{text}”相符的评价。"))
    else:
        more = f"，列出前 {picker.MATCHES} 个，请输入更多文字缩小范围" if found.more else ""
        st.sidebar.caption(plain_inline(f"与“{text}”相符的评价 {found.matches} 个{more}；请在下面的列表中选择。"))
    return found.infos


__all__ = ["SEARCH", "choices"]
