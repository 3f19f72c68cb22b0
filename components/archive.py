"""The 数据管理 page's list of stored versions that need attention (issue 23): versions the current reader refuses.

They stay in the store (nothing is deleted); they have no facts, so the portfolio leaves them out with a note,
and the evaluation's other versions are unaffected. Listed here once the store has re-checked every stored
version (on opening, or ``python -m evalcore upgrade``).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from evalcore.clock import format_time
from evalcore.facts.upgrade import attention

from . import cache


def attention_section() -> None:
    """An expander listing the versions the reader refuses, when there are any (nothing otherwise)."""
    found = attention(cache.store())
    if not found:
        return
    active = sum(1 for a in found if a.active)
    with st.expander(f"需要处理的版本（{len(found)} 个）", expanded=bool(active), icon=":material/report:"):
        st.warning(f"以下 {len(found)} 个已存储的版本无法被本程序读取（其中 {active} 个是所属评价的当前版本，"
                   "该评价未计入评价总览）。版本仍完整保存在数据库中，未做任何删除；可下载原工作簿修正后重新发布，"
                   "或回滚到可读取的版本。")
        st.dataframe(pd.DataFrame([{
            "评价": a.label, "版本": f"第 {a.number} 版" + ("（当前）" if a.active else ""), "文件": a.file_name,
            "读取时的问题": a.note, "检查时间（北京时间）": format_time(a.checked_at),
        } for a in found]), hide_index=True, width="stretch", key="archive_attention")


__all__ = ["attention_section"]
