"""Page sections shown on more than one page."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from evalcore.model import Evaluation

from . import charts, layout
from .text import plain


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
