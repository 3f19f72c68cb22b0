"""Page sections shown on more than one page."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from evalcore.model import Evaluation

from . import charts, layout
from .table import GridColumn
from .text import plain

# The 整改 history table, the same on 建议与整改 and 单位详情 (and named as in 数据管理 and the results workbook).
RECTIFICATION_HISTORY_COLUMNS = [
    GridColumn("date", "日期", "date", width=120),
    GridColumn("id", "编号", width=80),
    GridColumn("old_status", "原状态", width=100),
    GridColumn("new_status", "新状态", width=100),
    GridColumn("progress", "进度（%）", "score", width=100),
    GridColumn("note", "说明", flex=2, wrap=True),
    GridColumn("by", "记录人", width=130),
]


def budget_and_rates(ev: Evaluation, table: pd.DataFrame, key: str, rate_title: str = "预算执行率") -> None:
    """Budget vs executed and execution rates against the target, side by side."""
    left, right = st.columns(2)
    with left:
        st.subheader("预算与实际执行（万元）")
        layout.chart(charts.budget_vs_executed(table), f"{key}_budget")
    with right:
        st.subheader(rate_title)
        layout.chart(charts.execution_rates(table, ev.meta.rate_target), f"{key}_rates")
        for _, row in table[table["rate"].isna()].iterrows():
            st.caption(f"{plain(row['unit'])}：{plain(row['reason'])}")


# --- long lists (hundreds of problems and 整改 items): a search box and pages of PAGE_SIZE rows --------------

PAGE_SIZE = 50


def matching(df: pd.DataFrame, query: str, columns: list[str]) -> pd.DataFrame:
    """Rows where any of ``columns`` contains ``query`` (literally, case-insensitively); all rows for no query."""
    query = query.strip()
    if not query or df.empty:
        return df
    hit = pd.Series(False, index=df.index)
    for c in columns:
        hit |= df[c].astype(str).str.contains(query, regex=False, case=False, na=False)
    return df[hit]


def paged(df: pd.DataFrame, key: str, noun: str = "项", size: int = PAGE_SIZE) -> pd.DataFrame:
    """One page of ``df`` with a page picker when it has more than ``size`` rows (the grid then holds at most
    ``size`` rows; its own sorting and filters act on the page)."""
    pages = max(1, -(-len(df) // size))
    if pages == 1:
        return df
    state = f"{key}_page"
    if not isinstance(st.session_state.get(state), int) or not 1 <= st.session_state[state] <= pages:
        st.session_state[state] = 1
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        page = int(st.number_input("页码", min_value=1, max_value=pages, step=1, key=state, width=140))
        first = (page - 1) * size
        last = min(first + size, len(df))
        st.caption(f"第 {page} / {pages} 页：第 {first + 1}–{last} {noun}，共 {len(df)} {noun}，每页 {size} {noun}",
                   width="stretch")
    return df.iloc[first:first + size]
