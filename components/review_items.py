"""The problems (存在的问题) and recommendations (建议) of a report text, reviewed before publishing (issue 24).

Shown by :func:`components.review.review_panel` below the figures: an editable table of every item the parser found
(kind, category as found, text, where it came from, ⚠ with the reason when the item or its section's count is
uncertain). The evaluator corrects a text or a category, ticks 删除 (or deletes the row) for a heading or a sentence
taken for an item, moves an item between 问题 and 建议, or adds one the parser missed; the panel applies the table
with :func:`evalcore.reporttext.items_review.review_items`, and the version's note lists each change.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from evalcore.reporttext import ParseResult
from evalcore.reporttext.items_review import ITEM_KINDS, item_rows

from .text import blank_cell, shown

COLUMNS = ["原编号", "删除", "类型", "类别", "待核对", "出处位置", "内容"]  # the long text last, in the width left
TALL = 15  # more items than this: the table gets a fixed height and scrolls inside


def item_frame(parsed: ParseResult) -> pd.DataFrame:
    rows = [{"删除": False, "类型": ITEM_KINDS[r.kind], "类别": shown(r.category), "内容": shown(r.text),
             "出处位置": r.where, "待核对": ("⚠ " + r.uncertain) if r.uncertain else "", "原编号": r.id}
            for r in item_rows(parsed)]
    return pd.DataFrame(rows, columns=COLUMNS)


def edited_item_rows(edited: pd.DataFrame) -> list[dict]:
    """The editor's table as rows for :func:`evalcore.reporttext.items_review.apply_item_review`; a row the editor
    added and left empty is not a row."""
    out = []
    for rec in edited.to_dict("records"):
        if all(blank_cell(rec.get(c)) for c in ("类型", "类别", "内容", "原编号")):
            continue
        out.append({"kind": None if blank_cell(rec.get("类型")) else str(rec["类型"]),
                    "category": "" if blank_cell(rec.get("类别")) else str(rec["类别"]),
                    "text": "" if blank_cell(rec.get("内容")) else str(rec["内容"]),
                    "id": None if blank_cell(rec.get("原编号")) else str(rec["原编号"]),
                    "remove": bool(rec.get("删除")) if not blank_cell(rec.get("删除")) else False})
    return out


def items_editor(parsed: ParseResult, *, key: str) -> list[dict]:
    """The items as an editable table; returns the evaluator's rows."""
    frame = item_frame(parsed)
    marked = int((frame["待核对"] != "").sum())
    counts = {label: int((frame["类型"] == label).sum()) for label in ITEM_KINDS.values()}
    st.markdown(f"**问题与建议**（问题 {counts['问题']} 条，建议 {counts['建议']} 条"
                + (f"，{marked} 条标 ⚠" if marked else "") + "）")
    if frame.empty:
        st.caption("未识别出问题或建议。报告中有的，可在表末添加（类型选 问题 或 建议，填写类别和内容）。")
    st.caption("看板按这些条目统计问题和建议的条数、类别和主题，整改事项据此对应。可修改内容或类别（同名类别合为一类），"
               "勾选“删除”去掉误取的标题或句子，在表末添加漏识别的条目（类别留空则归入上一条的类别）。"
               "单元格内容较长时，双击可查看全文，表格右上角可放大至全屏。标 ⚠ 的条目所在部分条数由解析器推断；"
               "在此核对后发布，即确认了问题和建议的条数。")
    edited = st.data_editor(
        frame, key=f"{key}_items_table", num_rows="dynamic", hide_index=True, width="stretch",
        height=min(35 * (len(frame) + 2), 600) if len(frame) > TALL else "auto",
        column_config={
            "原编号": st.column_config.TextColumn(disabled=True, width=60,
                                                  help="解析时的编号（P 为问题，R 为建议），用于记录更正"),
            "删除": st.column_config.CheckboxColumn(width=64, default=False, help="勾选后该条不导入"),
            "类型": st.column_config.SelectboxColumn(options=list(ITEM_KINDS.values()), required=True, width=72),
            "类别": st.column_config.TextColumn(width=130, help="报告中的类别标题；同名的条目合为一类"),
            "待核对": st.column_config.TextColumn(disabled=True, width=110,
                                                  help="⚠ 该条或其所在部分需要核对的原因（全文见上方提示）"),
            "出处位置": st.column_config.TextColumn(disabled=True, width=75),
            "内容": st.column_config.TextColumn(width="large", required=True),
        })
    return edited_item_rows(edited)
