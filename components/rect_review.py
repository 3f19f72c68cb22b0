"""The bureau's review of what units reported (issue 25), on 建议与整改: how many items wait (待审核), and for an
evaluator or admin each waiting item with its report, evidence and history, to accept (销号) or send back (退回,
with a reason). The store checks the role and the item's state again on every step.
"""
from __future__ import annotations

import streamlit as st

from evalcore import notice, reminders
from evalcore.auth import Actor, PermissionDenied
from evalcore.figures import loop as loop_figures
from evalcore.store import StoreError
from evalcore.verification import PENDING, RETURNED, LoopItem

from . import auth, cache, flash, layout, sections
from .my_rectification import history
from .table import GridColumn, show_table
from .text import plain


def loop_items(evaluation_id: int) -> list[LoopItem]:
    who = auth.actor()
    if who is None:
        return []
    try:
        return cache.store().loop_items(who, evaluation_id)
    except (PermissionDenied, StoreError):
        return []


REVIEW = "review"  # the flash slot of the 待审核 section


def counts(items: list[LoopItem]) -> tuple[int, int]:
    """(waiting for review, sent back and not reported again)."""
    return sum(i.state == PENDING for i in items), sum(i.state == RETURNED for i in items)




def review_section(evaluation_id: int, items: list[LoopItem]) -> None:
    """The 待审核 list with 销号 / 退回 for the bureau (evaluators and admins); a count for viewers. ``items``:
    :func:`loop_items` of the evaluation (read once per page run)."""
    pending = [i for i in items if i.state == PENDING]
    st.subheader(f"单位报送待审核（{len(pending)} 项）")
    flash.show(REVIEW)
    if not pending:
        st.caption("没有等待审核的单位报送。单位填报账户在“我的整改”页报送后，会出现在这里。")
        return
    if not auth.can("review"):
        st.caption("审核（销号、退回）需要评价人员或管理员权限。")
    who = auth.named_actor()
    for item in pending:
        with st.expander(plain(f"{item.item_id}　{item.task[:50]}　·　{item.unit}"), expanded=len(pending) <= 3):
            st.caption(plain(f"整改期限：{item.deadline.isoformat() if item.deadline else '未规定'}"
                             f"　·　整改状态：{item.status}"))
            history(who or Actor("查看者", "viewer", "none"), item, f"review_{item.item_id}")
            if who is not None and auth.can("review"):
                _decide(who, evaluation_id, item)


def _decide(who: Actor, evaluation_id: int, item: LoopItem) -> None:
    key = f"review_{item.item_id}"
    text = st.text_area("审核意见（退回时必填，写明理由）", key=f"{key}_text", max_chars=2000)
    left, right = st.columns(2)
    if left.button("销号（通过）", key=f"{key}_accept", type="primary", icon=":material/check_circle:"):
        _run(cache.store().accept, who, evaluation_id, item.item_id, text,
             done=f"整改事项 {item.item_id} 已销号，整改率已更新")
    if right.button("退回", key=f"{key}_return", icon=":material/undo:"):
        _run(cache.store().send_back, who, evaluation_id, item.item_id, text,
             done=f"整改事项 {item.item_id} 已退回单位")


def _run(action, *args, done: str) -> None:
    try:
        action(*args)
    except (PermissionDenied, StoreError) as exc:
        st.error(plain(str(exc)))
        return
    flash.leave(done, REVIEW)
    st.rerun()


# --- deadlines and the notice (建议与整改) ---------------------------------------------------------------------


def deadlines_section(items: list[LoopItem], ev, as_of) -> None:
    """Items due within N days and overdue, per unit and responsible account; and a unit's 整改通知书."""


    st.subheader("整改期限提醒")
    days = st.number_input("提醒天数（多少天内到期）", min_value=1, max_value=365, value=reminders.DEFAULT_DAYS,
                           key="rect_due_days", width=220)
    try:
        accounts = reminders.account_map(cache.store())
    except StoreError:
        accounts = {}
    table = reminders.deadline_table(items, as_of, int(days), accounts)
    if table.empty:
        st.success(f"没有 {int(days)} 天内到期或已逾期的未销号整改事项。")
    else:
        st.markdown("**按单位和填报账户**")
        show_table(reminders.by_unit(table), [
            GridColumn("unit", "责任单位", width=160), GridColumn("accounts", "填报账户", flex=1),
            GridColumn("overdue", "已逾期", "int", width=90),
            GridColumn("due", f"{int(days)} 天内到期", "int", width=110),
        ], key="rect_due_by_unit")
        show_table(sections.paged(table, "rect_due_items"), [
            GridColumn("item_id", "编号", width=80), GridColumn("task", "整改事项", flex=3, wrap=True),
            GridColumn("unit", "责任单位", width=130), GridColumn("deadline", "整改期限", "date", width=120),
            GridColumn("days_left", "剩余天数", "int", width=100), GridColumn("kind", "类别", width=100),
            GridColumn("state", "审核状态", width=100), GridColumn("accounts", "填报账户", width=140),
        ], key="rect_due_items")
    st.caption("每天的提醒邮件由服务器上的定时任务发送（由系统管理员设置）。")
    units = [u for u in ev.units if notice.unit_items(ev, u)]
    if units:
        cols = st.columns([2, 1])
        chosen = cols[0].selectbox("整改通知书：选择单位", [u.key for u in units], key="rect_notice_unit",
                                   format_func=lambda k: next((u.name or u.key for u in units if u.key == k), k))
        unit = next(u for u in units if u.key == chosen)
        cols[1].download_button("下载整改通知书（.docx）", notice.notice_docx(ev, unit, as_of=as_of),
                                file_name=f"整改通知书_{unit.key}.docx", key="rect_notice_download",
                                mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                icon=":material/description:")


# --- charts that follow the loop ----------------------------------------------------------------------------------


def loop_charts_section(items: list[LoopItem], as_of) -> None:
    """Per unit, items by loop state over time; report-to-decision times; units with most send-backs."""


    if not any(i.steps for i in items):
        return
    st.subheader("单位报送与审核")
    units = sorted({i.unit for i in items})
    unit = st.selectbox("单位", ["全部单位", *units], key="rect_loop_unit")
    chosen = None if unit == "全部单位" else unit
    layout.chart(loop_figures.states_over_time_figure(loop_figures.states_over_time(items, as_of, chosen)),
                 "rect_loop_states")
    left, right = st.columns(2)
    with left:
        st.markdown("**从单位报送到审核决定的天数**")
        layout.chart(loop_figures.decision_time_figure(loop_figures.decision_times(items)), "rect_loop_times")
    with right:
        st.markdown("**被退回最多的单位**")
        layout.chart(loop_figures.returns_figure(loop_figures.returns_by_unit(items)), "rect_loop_returns")
