"""我的整改 (issue 25): a unit account's own 整改 items, their history and the report form with evidence; and the
evidence downloads both this page and the bureau's review use.

Every item, step and file is read through the store with the signed-in actor (``Store.loop_items``,
``loop_item``, ``evidence_file``), which refuses another unit's item whatever the URL or a widget says: the item
shown is looked up again by the store on every run, never taken from the page's own list.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from evalcore import clock, evidence
from evalcore.auth import Actor, PermissionDenied
from evalcore.store import StoreError
from evalcore.verification import OPEN, PENDING, RETURNED, LoopItem, LoopStep, parse_key

from . import cache, flash, layout, nav
from .text import plain, plain_inline

ITEM_PARAM = "item"  # ?item=EVALUATION_ID:ITEM_ID names the item shown
_PICK = "my_item"


def _date(d: dt.date | None) -> str:
    return d.isoformat() if d else "未规定"


def items_table(items: list[LoopItem], as_of: dt.date) -> pd.DataFrame:
    return pd.DataFrame([{
        "评价": i.evaluation, "编号": i.item_id, "整改事项": i.task, "责任单位": i.unit,
        "整改期限": _date(i.deadline), "整改状态": i.status, "审核状态": i.state,
        "逾期": "是" if i.overdue(as_of) else "", "财政部门意见": i.bureau_said,
    } for i in items], columns=["评价", "编号", "整改事项", "责任单位", "整改期限", "整改状态", "审核状态", "逾期",
                                "财政部门意见"])


def evidence_downloads(who: Actor, step: LoopStep, key: str) -> None:
    """A download button per evidence file of a step (attachments only: never shown inline)."""
    for f in step.files:
        try:
            info, data = cache.store().evidence_file(who, f.id)
        except (PermissionDenied, StoreError) as exc:
            st.error(plain(str(exc)))
            continue
        label = plain_inline(f"下载 {info.file_name}（{info.size / 1024:,.0f} KB）")
        st.download_button(label, data, file_name=info.file_name,
                           mime="application/octet-stream", key=f"{key}_file_{f.id}", icon=":material/download:",
                           help=f"sha256：{info.sha256}")


def history(who: Actor, item: LoopItem, key: str) -> None:
    if not item.steps:
        st.caption("还没有报送或审核记录。")
        return
    for s in item.steps:
        st.markdown(plain(f"**{clock.format_time(s.at)}　{s.label}**　{s.actor}"))
        if s.text:
            st.caption(plain(s.text))
        evidence_downloads(who, s, f"{key}_{s.id}")


def render(who: Actor) -> None:
    store = cache.store()
    if who.role != "unit":
        st.info("此页供被评价单位的填报账户使用；财政部门请在“建议与整改”页审核单位报送的整改情况。")
        st.page_link(nav.RECTIFICATION, label="建议与整改", icon=":material/task_alt:")
        return
    account = store.user(who.name) if who.via != "oidc" else None
    units = account.units if account is not None else who.units
    st.caption(plain("本账户负责的单位：" + ("、".join(units) if units else "（未绑定单位，请联系管理员）")))
    items = store.loop_items(who)
    as_of = clock.today()
    if not items:
        st.info("现有评价中没有本单位的整改事项。")
        return
    c = st.columns(4)
    c[0].metric("整改事项", f"{len(items)} 项", border=True)
    c[1].metric("待审核", f"{sum(i.state == PENDING for i in items)} 项", border=True)
    c[2].metric("被退回", f"{sum(i.state == RETURNED for i in items)} 项", border=True)
    c[3].metric("逾期未完成", f"{sum(i.overdue(as_of) for i in items)} 项", border=True)
    st.dataframe(items_table(items, as_of), hide_index=True, width="stretch", key="my_items_table")

    keys = [i.key for i in items]
    wanted = layout.url_get(ITEM_PARAM)
    forged = st.session_state.get(_PICK)
    if forged is not None and forged not in keys:  # a widget value the page never offered
        st.session_state.pop(_PICK)
    else:
        forged = None
    probe = forged or (wanted if wanted and wanted not in keys else None)
    if probe is not None:
        _refuse_or_none(who, str(probe))
    elif wanted in keys and _PICK not in st.session_state:
        st.session_state[_PICK] = wanted
    labels = {i.key: f"{i.item_id}　{i.task[:40]}（{i.state}）" for i in items}
    chosen = st.selectbox("选择整改事项", keys, key=_PICK, format_func=lambda k: labels.get(k, k))
    parsed = parse_key(chosen)
    try:
        if parsed is None:
            raise PermissionDenied(who, "report")
        item = store.loop_item(who, *parsed)  # the store decides, whatever the page was given
    except PermissionDenied:
        st.error("无权查看该整改事项，或该事项不存在。")
        return
    layout.url_set(ITEM_PARAM, item.key)
    st.subheader(plain(f"{item.item_id}　{item.task}"))
    st.caption(plain(f"{item.evaluation}　·　责任单位：{item.unit}　·　整改期限：{_date(item.deadline)}"
                     f"　·　整改状态：{item.status}　·　审核状态：{item.state}"))
    if item.state == RETURNED:
        st.warning(plain(f"财政部门退回了上次报送：{item.bureau_said}"))
    with st.expander("报送与审核记录", expanded=True):
        history(who, item, f"my_{item.evaluation_id}_{item.item_id}")
    if item.state not in (OPEN, RETURNED):
        st.info("该事项已报送、正在等待财政部门审核。" if item.state == PENDING else "该事项已销号。")
        return
    report_form(who, item)


def _refuse_or_none(who: Actor, key: str) -> None:
    """An item named by a link or a forged widget value: the store checks it (and logs a refusal); the page then
    shows the account's own first item."""
    parsed = parse_key(key)
    try:
        if parsed is None:
            raise PermissionDenied(who, "report")
        cache.store().loop_item(who, *parsed)
    except PermissionDenied:
        st.error("无权查看该整改事项，或该事项不存在。")
        layout.url_set(ITEM_PARAM, None)


def report_form(who: Actor, item: LoopItem) -> None:
    with st.form("my_report_form", clear_on_submit=False):
        st.markdown("**报送整改情况**")
        text = st.text_area("整改情况说明", key="my_report_text", max_chars=2000,
                            placeholder="写明已采取的整改措施、完成情况和佐证材料的内容")
        files = st.file_uploader(
            f"佐证材料（PDF、JPG、PNG、Word .docx、Excel .xlsx；每个文件不超过 {evidence.MAX_FILE_BYTES // 2**20} MB，"
            f"最多 {evidence.MAX_FILES} 个）", type=["pdf", "jpg", "jpeg", "png", "docx", "xlsx"],
            accept_multiple_files=True, key="my_report_files")
        submitted = st.form_submit_button("报送", type="primary")
    if not submitted:
        return
    try:
        cache.store().report_progress(who, item.evaluation_id, item.item_id, text,
                                      [(f.name, f.getvalue()) for f in files or []])
    except evidence.EvidenceError as exc:
        st.error(plain(f"{exc}。本次报送未保存。"))
        return
    except (PermissionDenied, StoreError) as exc:
        st.error(plain(str(exc)))
        return
    flash.leave(f"已报送整改事项 {item.item_id}，等待财政部门审核")
    st.rerun()


