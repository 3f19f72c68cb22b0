"""批量导入 (issue 18): several workbooks and report texts at once, one result row per file."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from evalcore.auth import Actor
from evalcore.importer import REFUSED, STATUS_LABELS, Outcome, batch_refusal, import_bytes, totals
from evalcore.importer import too_big as import_too_big

from .. import cache
from .common import NEED_OPERATOR


def bulk_import_section(who: Actor | None) -> None:
    """Several workbooks and report texts at once: each validated and, when valid and new, published (one
    transaction per file: a refused file writes nothing), then one result row per file."""
    st.markdown("一次选择多个工作簿（.xlsx）或已发布的报告（.md、.txt、.docx、.pdf、.html）：逐个校验，通过的发布为新版本，"
                "与已有版本内容相同的跳过，未通过的列出前几条错误。命令行同样可以："
                "`python -m evalcore import 文件夹`。")
    files = st.file_uploader("选择文件（可多选）", type=["xlsx", "md", "txt", "docx", "pdf", "html", "htm"],
                             accept_multiple_files=True,
                             key="bulk_files")
    if who is None:
        st.caption(NEED_OPERATOR)
    if files and st.button(f"校验并发布这 {len(files)} 个文件", type="primary", disabled=who is None,
                           key="bulk_import") and who is not None:
        whole = batch_refusal([f.size for f in files])  # sizes first: nothing is read before they pass
        if whole:
            st.error(whole)
            st.session_state["_bulk_outcomes"] = []
            return
        bar = st.progress(0.0, text="正在导入…")
        outcomes: list[Outcome] = []
        for i, f in enumerate(files):
            refused = import_too_big(f.size)
            if refused:
                outcomes.append(Outcome(f.name, REFUSED, (refused,)))
                continue
            bar.progress(i / len(files), text=f"正在导入 {i + 1}/{len(files)}：{f.name}")
            outcomes.append(import_bytes(cache.store(), f.getvalue(), f.name, by=who))
        bar.empty()
        st.session_state["_bulk_outcomes"] = outcomes
    shown: list[Outcome] | None = st.session_state.get("_bulk_outcomes")
    if not shown:
        return
    n = totals(shown)
    summary = f"已发布 {n['published']} 个，重复跳过 {n['duplicate']} 个，未发布 {n['refused']} 个。"
    if n["pending"]:
        summary += f"待复核 {n['pending']} 个：请在“报告文本导入”下方的“待复核的报告”中核对后发布。"
    (st.success if not n["refused"] and not n["pending"] else st.warning)(summary)
    frame = pd.DataFrame([{
        "文件": o.name, "结果": STATUS_LABELS[o.status], "类型": o.source,
        "评价": o.label, "版本": f"第 {o.version_number} 版" if o.version_number else "",
        "说明": "；".join(o.messages) if o.messages else ("与该版本内容相同" if o.status == "duplicate" else ""),
    } for o in shown])
    st.dataframe(frame, hide_index=True, width="stretch", key="bulk_table",
                 column_config={"说明": st.column_config.TextColumn(width="large")})
