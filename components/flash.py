"""A message for the next run: an action saves, leaves a line here and reruns; the rerun shows it once.

The one mechanism every page uses (数据管理, 管理, 结果应用, 整改审核, 我的整改). A message is plain text (workbook text
included): :func:`show` escapes it. ``slot`` keeps a message where its action is when a page has more than one
place that shows messages (管理's own line at the top, the rules section's in the section); a message is shown by
the first :func:`show` of its slot only.
"""
from __future__ import annotations

import streamlit as st

from .text import plain

PAGE = "page"  # the slot shown at the top of a page


def _key(slot: str) -> str:
    return f"_flash_{slot}"


def leave(message: str, slot: str = PAGE) -> None:
    """Keep ``message`` for the next run (call ``st.rerun()`` after it)."""
    st.session_state[_key(slot)] = message


def show(slot: str = PAGE) -> None:
    """The message the previous run left in ``slot``, as a success line; nothing if there is none."""
    message = st.session_state.pop(_key(slot), None)
    if message:
        st.success(plain(message))
