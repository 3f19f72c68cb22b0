"""Small display pieces: grade badges, unit cards, the illustrative-data label.

Grades are data (an evaluation names its own bands), so a grade badge goes through ``text.badge``."""
from __future__ import annotations

import streamlit as st

from evalcore.model import Evaluation

from . import text, theme

ILLUSTRATIVE_TEXT = {
    "scores": "示例数据：报告只公布了总得分和等次，指标明细为示意，合计等于报告得分。",
    "rectification": "示例数据：报告未公布整改进度，以下整改事项、期限和状态为示意。",
}


DERIVED_SUFFIX = "（按分数段推算）"  # a grade the report does not state


def grade_badge(grade: str | None, derived: bool = False) -> None:
    """The grade as a badge; one the report does not state (read off the score bands) says so."""
    if grade and isinstance(grade, str):  # never NaN ("nan") from a DataFrame's missing cell
        text.badge(f"等次：{grade}" + (DERIVED_SUFFIX if derived else ""), color=theme.GRADE_BADGE.get(grade, "gray"))
    else:
        st.badge("未评等次", color="gray")


def illustrative(ev: Evaluation, section: str) -> bool:
    """Label a section as illustrative when the evaluation flags it so; returns whether it did."""
    if not ev.is_illustrative(section):
        return False
    st.badge("示例数据", icon=":material/info:", color="violet")  # the accent, not 中's amber
    st.caption(ILLUSTRATIVE_TEXT[section])
    return True
