"""The evaluator's loop on 数据管理 (issue 28, item 9), called from ``components.manage`` in a few lines:

- the uploaded workbook back with the cells the validator complained about filled and commented
  (``evalcore.workbook.annotate``), to fix the file where it is wrong;
- before a first publish, a summary of the new evaluation (units, funds, grades, findings), as a leader will see it;
- after publishing, a clean page: the same file is not offered for publishing again (it says which version it
  became), until another file is uploaded.
"""
from __future__ import annotations

import hashlib

import streamlit as st

from evalcore import budget, ranking
from evalcore.model import Evaluation
from evalcore.numbers import fmt_amount, fmt_rate
from evalcore.workbook import ReadResult
from evalcore.workbook.annotate import annotate

from .text import file_stem, plain

_PUBLISHED = "_published_files"  # session state: sha256 of a file published in this session -> what it became


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def marked_download(content: bytes, result: ReadResult, file_name: str, key: str) -> None:
    """A download of the workbook with its bad cells marked, when some message names a cell."""
    if not any(m.row is not None for m in [*result.errors, *result.warnings]):
        return
    stem = file_stem(file_name.rsplit(".", 1)[0], "工作簿")
    st.download_button("下载标注了问题单元格的工作簿", data=lambda: annotate(content, result.errors, result.warnings),
                       file_name=f"{stem}_校验标注.xlsx", on_click="ignore", icon=":material/download:",
                       key=f"{key}_marked", help="出错的单元格标红、有警告的标黄，批注中写明问题和改法；改好后重新上传")


def first_publish_summary(ev: Evaluation) -> None:
    """What a new evaluation will show once published: its units, funds, grades and findings."""
    overall = budget.overall(ev)
    grades = ranking.grade_distribution(ev)
    graded = "、".join(f"{g} {n} 个" for g, n in zip(grades["grade"], grades["units"], strict=True) if n)
    st.markdown("**发布前概览（发布后看板显示的主要数字）**")
    cols = st.columns(4)
    cols[0].metric("单位", f"{len(ev.units)} 个", border=True)
    funds = overall.budget if overall.budget is not None else ev.meta.stated_total_budget
    cols[1].metric("资金", fmt_amount(funds) if funds is not None else "未列", border=True)
    cols[2].metric("预算执行率", fmt_rate(overall.rate) if overall.rate is not None else "无法计算", border=True)
    cols[3].metric("问题 / 建议 / 整改", f"{len(ev.problems)} / {len(ev.recommendations)} / {len(ev.rectification)}",
                   border=True)
    st.caption(plain(f"等次：{graded or '未评等次'}"))


def remember_published(content: bytes, text: str) -> None:
    st.session_state.setdefault(_PUBLISHED, {})[digest(content)] = text


def already_published(content: bytes) -> bool:
    """The file was published in this session: say what it became instead of offering 发布 again."""
    text = st.session_state.get(_PUBLISHED, {}).get(digest(content))
    if text is None:
        return False
    st.success(plain(text) + "　如需修改，请改好工作簿后上传新的文件。", icon=":material/check_circle:")
    return True
