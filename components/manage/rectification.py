"""整改 updates: one item edited with a conflict check against what someone else saved meanwhile."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from evalcore.auth import Actor, PermissionDenied
from evalcore.model import Evaluation, RectificationItem
from evalcore.numbers import fmt2
from evalcore.store import ConflictError, StoreError
from evalcore.textutil import shorten

from .. import cache, flash, layout
from ..text import plain
from .common import NEED_OPERATOR, refused, when


def item_label(item: RectificationItem) -> str:
    """The item in the picker: its id and task, not its status (the picker's text is not redrawn after a save,
    so a status in it went stale; the status is shown below the picker, from the saved version)."""
    task = shorten(item.task, 36)
    return f"{item.id}　{task}"


def version_labels(evaluation_id: int) -> dict[int, str]:
    """Version id -> the version as the user knows it ("第 9 版"), never its database id (issue 28)."""
    return {v.id: f"第 {v.number} 版" for v in cache.store().versions(evaluation_id)}


def rebase(evaluation_id: int, item_id: str) -> None:
    """Accept what is stored now as the starting point of this editor's next save."""
    latest = cache.store().evaluation(evaluation_id).active_version_id
    st.session_state.setdefault("_rect_base", {})[(evaluation_id, item_id)] = latest


def rectification_editor(ev: Evaluation, who: Actor | None) -> None:
    info = layout.current_info()
    if not ev.rectification:
        st.info("该评价还没有整改事项。可在工作簿的“整改”工作表中填写后重新发布。")
        return
    items = {i.id: i for i in ev.rectification}
    item_id = st.selectbox("整改事项", list(items), format_func=lambda i: item_label(items[i]), key="rect_item")
    item = items[item_id]
    # The version this editor started from: a later change by someone else to the same item is a conflict.
    bases = st.session_state.setdefault("_rect_base", {})
    bases.setdefault((info.id, item_id), info.active_version_id)
    base = bases[(info.id, item_id)]

    st.text(f"整改事项：{item.task}")
    st.text(f"当前状态：{item.status}　责任单位：{item.unit or '—'}　整改期限：{item.deadline or '—'}　"
            f"对应问题：{item.problem or '—'}")
    prefix = f"rect_{info.id}_{item_id}"
    with st.form(key=f"{prefix}_form"):
        cols = st.columns(2)
        status = cols[0].selectbox("整改状态", list(ev.meta.statuses),
                                   index=list(ev.meta.statuses).index(item.status), key=f"{prefix}_status")
        progress = cols[1].number_input("整改进度（%）", min_value=0.0, max_value=100.0, step=5.0,
                                        value=float(item.progress) if item.progress is not None else 0.0,
                                        key=f"{prefix}_progress")
        note = st.text_area("备注", value=item.note, key=f"{prefix}_note", height=80)
        evidence = st.text_input("佐证材料", value=item.evidence, key=f"{prefix}_evidence",
                                 placeholder="文件名称、文号或链接")
        submitted = st.form_submit_button("保存整改更新", type="primary", disabled=not who)
    if who is None:
        st.caption(NEED_OPERATOR)
    if submitted and who is not None:
        try:
            version = cache.store().update_rectification(
                info.id, item_id, base_version_id=base, status=status,
                progress=Decimal(str(progress)).quantize(Decimal("0.01")), note=note.strip(),
                evidence=evidence.strip(), by=who)
        except PermissionDenied as exc:
            refused(exc)
        except ConflictError as exc:
            st.error(plain(str(exc)))
            cur = exc.current
            if cur is not None:
                st.text(f"对方保存的内容：状态 {cur.status}，进度 {fmt2(cur.progress) or '—'}%，"
                        f"备注 {cur.note or '—'}，佐证材料 {cur.evidence or '—'}")
            st.caption("你填写的内容仍保留在上面的表单中。核对后点击“以最新版本为准”，再重新保存。")
            st.button("以最新版本为准", key=f"{prefix}rebase", on_click=rebase, args=(info.id, item_id))
        except (StoreError, ValueError) as exc:
            st.error(plain(str(exc)))
        else:
            bases[(info.id, item_id)] = version.id
            flash.leave(f"已保存 {item_id} 的整改更新（第 {version.number} 版）。")
            st.rerun()

    changes = cache.store().changes(info.id, item_id)
    st.markdown("**修改记录**")
    if changes:
        labels = version_labels(info.id)
        st.dataframe(pd.DataFrame([{"时间（北京时间）": when(c.at), "操作人": c.by, "字段": c.field,
                                    "原值": c.old, "新值": c.new, "版本": labels.get(c.version_id, "—")}
                                   for c in changes]),
                     hide_index=True, width="stretch", key=f"{prefix}_changes")
    else:
        st.caption("在本系统中还没有修改记录。")
    if item.history:
        st.markdown("**整改状态变化（工作簿“整改记录”）**")
        st.dataframe(pd.DataFrame([{"日期": c.date.isoformat(), "原状态": c.old_status, "新状态": c.new_status,
                                    "进度（%）": fmt2(c.progress), "说明": c.note, "记录人": c.by}
                                   for c in reversed(item.history)]),
                     hide_index=True, width="stretch", key=f"{prefix}_history")
