"""An evaluation whose active version the current reader refuses (issue 27): say so in Chinese on its pages, point
an admin to the versions panel, and let the 数据管理 page show that panel anyway.

A stored version is valid when it is published; a rule tightened later (a formula found by parsing, say) can make
the current reader refuse it. Every page of that evaluation then shows :func:`notice` instead of its figures (never
an error id), and 数据管理 shows the versions panel alone (:func:`versions_only`): it reads the version list, not
the active workbook, so an admin can roll back to a version that reads (or run ``python -m evalcore rollback``).
"""
from __future__ import annotations

import streamlit as st

from evalcore.store import EvaluationInfo

from . import nav
from .text import plain


def notice(info: EvaluationInfo, reason: str) -> None:
    """The Chinese message an evaluation's page shows instead of its figures."""
    st.error(plain(f"评价“{info.label}”的当前版本（第 {info.active_number} 版）无法被当前程序读取，"
                   "本页暂时无法显示。这通常是因为该版本在检查规则收紧之前发布。请管理员在“数据管理 → 版本记录”中"
                   "回滚到可以读取的版本（或在服务器上执行 "
                   f"python -m evalcore rollback {info.id} 版本号），也可以重新发布改正后的工作簿。"),
             icon=":material/report:")
    st.caption(plain(f"无法读取的原因：{reason}"))
    st.page_link(nav.DATA, label="打开“数据管理 → 版本记录”", icon=":material/history:")


def versions_only(panel, who) -> None:
    """数据管理 when the active version cannot be read: the versions panel alone (``panel(who)``)."""
    st.subheader("版本记录")
    panel(who)
    st.stop()
