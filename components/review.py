"""A person's review of a report text before it is published (issue 24), on the 数据管理 page.

:func:`review_panel` comes after the parsed text is shown (``manage.show_parsed``: the text with every taken figure
highlighted, and the list of figures with the sentence or cells each came from). It lists what is uncertain, and
gives the evaluator the figures as an editable table: a value can be corrected, a unit named (for "本项目"), a row
removed or one added for a figure the parser missed; below it the problems and recommendations, to correct, remove or
add the same way (:mod:`components.review_items`). Publishing applies exactly those tables
(:func:`evalcore.reporttext.review.apply_review`, :func:`evalcore.reporttext.items_review.review_items`); the
version's note lists every correction, removal and addition,
and the store's audit entry records who published.

:func:`pending_section` lists the texts that ``python -m evalcore import`` (or the 批量导入 tab) kept for review
(待复核) and opens one in the same review; discarding one is recorded too.
"""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from evalcore.auth import Actor, PermissionDenied
from evalcore.model import Evaluation
from evalcore.reporttext import ParseResult, parse_report_file
from evalcore.reporttext.items_review import review_items
from evalcore.reporttext.result import LABELS, SYNTHETIC_UNIT
from evalcore.reporttext.review import KIND_OF_LABEL, apply_review, doubts, figure_rows, subject_choices
from evalcore.store import PublishError, StoreError
from evalcore.workbook import read_workbook, workbook_bytes

from . import cache, flash, layout
from .review_items import items_editor
from .text import blank_cell, plain, shown

COLUMNS = ["单位", "项目", "数值", "出处位置", "待核对", "原单位", "原文"]  # the long text last: the rest stays in view
NEED_OPERATOR = "请先在上方填写操作人。"
OTHER_NAME = "其他名称（在下方填写）"


def _frame(parsed: ParseResult) -> pd.DataFrame:
    rows = [{"单位": r.unit, "项目": LABELS[r.kind], "数值": r.value, "出处位置": r.where, "原文": shown(r.text),
             "待核对": ("⚠ " + r.uncertain) if r.uncertain else "", "原单位": r.unit} for r in figure_rows(parsed)]
    return pd.DataFrame(rows, columns=COLUMNS)


def edited_rows(edited: pd.DataFrame) -> list[dict]:
    out = []
    for rec in edited.to_dict("records"):
        unit, kind, value = rec.get("单位"), rec.get("项目"), rec.get("数值")
        if all(blank_cell(x) for x in (unit, kind, value)):
            continue  # an empty row the editor added
        orig = rec.get("原单位")
        out.append({"unit": "" if unit is None else str(unit), "kind": "" if kind is None else str(kind),
                    "value": None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value),
                    "orig_unit": None if orig is None or (isinstance(orig, float) and pd.isna(orig)) else str(orig)})
    return out


def subject_name(parsed: ParseResult, *, key: str) -> str | None:
    """When figures went to 本项目 (the text gave them no unit), the name they are published under: one the text
    gives what it is about (the title's project first) or one the evaluator types. "" when there is no 本项目; None
    (after saying so) while none is chosen: a nameless 本项目 would join every other one of its region across
    evaluations."""
    if SYNTHETIC_UNIT not in parsed.stated.get("units", {}):
        return ""
    choices = subject_choices(parsed)
    where = dict(choices)
    label = f"报告未点名单位的数值（表中的“{SYNTHETIC_UNIT}”）属于哪个单位或项目"
    helptext = ("发布后以此名称显示在各页面和历年对比中。选项取自报告标题、“项目名称”“单位名称”行、网页的发布机构"
                "和正文提到的单位。")
    chosen: str | None = OTHER_NAME
    if choices:
        chosen = st.selectbox(label, options=[*where, OTHER_NAME], key=f"{key}_subject", help=helptext,
                              format_func=lambda n: f"{n}（{where[n]}）" if n in where else n)
    if chosen == OTHER_NAME:
        chosen = st.text_input(label if not choices else "名称", key=f"{key}_subject_typed", help=helptext,
                               placeholder="报告中该项目或单位的名称，如“某县农村公路养护工程”")
    name = (chosen or "").strip()
    if not name or name == SYNTHETIC_UNIT:
        st.caption(f"“{SYNTHETIC_UNIT}”不能作为名称：发布后它会与本地区其他评价中的“{SYNTHETIC_UNIT}”混为一个单位。")
        return None
    return name


DOUBTS_LISTED = 8  # more reasons than this: the figures' ones counted (each is marked ⚠ in the table), the rest listed
DOUBTS_BOX_PX = 320


def show_doubts(parsed: ParseResult, reasons: list[str]) -> None:
    """Why the text must be checked, in a box that stays one screen at any size: every reason while there are few;
    past ``DOUBTS_LISTED``, the reasons no table shows (item counts, totals, the parser's warnings) in full, the
    figures' own ones (each also marked ⚠ in its row of the table below) counted, and every reason in a scrolling
    list under an expander. :func:`evalcore.reporttext.review.doubts` lists the figures' reasons first."""
    head = f"有 {len(reasons)} 处需要人工核对（下表中标 ⚠ 的数值和条目）："
    if len(reasons) <= DOUBTS_LISTED:
        st.warning(plain(head + "\n" + "\n".join(f"· {r}" for r in reasons)))
        return
    marked = sum(1 for r in figure_rows(parsed) if r.uncertain)
    others = reasons[marked:]
    units = len({r.unit for r in figure_rows(parsed) if r.uncertain})
    lines = [f"· {marked} 个数值（{units} 个单位）标 ⚠：见下表“待核对”列，原因逐条列在下方"] if marked else []
    lines += [f"· {r}" for r in others[:DOUBTS_LISTED]]
    if len(others) > DOUBTS_LISTED:
        lines.append(f"· ……另有 {len(others) - DOUBTS_LISTED} 处，见下方列表")
    st.warning(plain(head + "\n" + "\n".join(lines)))
    with st.expander(f"逐条查看需要核对的 {len(reasons)} 处"):
        with st.container(height=DOUBTS_BOX_PX, border=False):
            st.text("\n".join(shown(r) for r in reasons))


def review_panel(parsed: ParseResult, source_name: str, who: Actor | None, *, key: str,
                 pending_id: int | None = None, show_diff: Callable[[Evaluation], None] | None = None) -> None:
    """The figures to confirm, correct, remove or add, then publish (never without the evaluator's confirmation)."""
    st.subheader("核对数值后发布")
    reasons = doubts(parsed)
    if reasons:
        show_doubts(parsed, reasons)
    else:
        st.info("解析器对以下数值没有疑问；发布前仍请对照上方原文核对。")
    subject = subject_name(parsed, key=key)
    st.caption("可直接修改数值或单位，删除错取的行（选中行后删除，或清空数值），"
               "或在表末添加报告中有而未识别的数值。金额单位为万元，执行率为%，等次填 优、良、中、差。")
    # The columns' widths add up to less than a 1280-px laptop's table (about 800 px), so every column is on screen
    # there and a wider screen shares its room out in proportion (no pinned columns: Streamlit draws them faded,
    # as if 单位 and 项目 could not be edited).
    edited = st.data_editor(
        _frame(parsed), key=f"{key}_review_table", num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            "单位": st.column_config.TextColumn(width=120),
            "项目": st.column_config.SelectboxColumn(options=list(KIND_OF_LABEL), required=True, width=72),
            "数值": st.column_config.TextColumn(required=True, width=84),
            "出处位置": st.column_config.TextColumn(disabled=True, width=72),
            "待核对": st.column_config.TextColumn(disabled=True, width=110,
                                                  help="⚠ 需要核对的原因（全文见上方提示）"),
            "原单位": st.column_config.TextColumn(disabled=True, width=84, help="解析时的单位（用于记录更正）"),
            "原文": st.column_config.TextColumn(disabled=True, width=230),
        })
    items = items_editor(parsed, key=key)
    if subject is None:
        st.warning(f"请先在上方为“{SYNTHETIC_UNIT}”选择或填写名称，再核对发布。")
        return
    try:
        reviewed = review_items(apply_review(parsed, edited_rows(edited), subject=subject or None), items)
    except ValueError as exc:
        st.error(plain(f"表中有无法使用的内容：{exc}"))
        return
    wb = workbook_bytes(reviewed.evaluation)
    result = read_workbook(wb)
    if not result.ok or result.evaluation is None:
        st.error(plain("核对后的数据无法通过校验：" + "；".join(str(m) for m in result.errors[:3])))
        return
    if reviewed.changes:
        st.markdown("**将记入版本说明的更正**")
        st.text("\n".join(shown(c) for c in reviewed.changes))
    if show_diff is not None:
        show_diff(result.evaluation)
    label = (f"我已对照原文核对以上数值和问题、建议（含标为待核对的 {len(reasons)} 处），确认发布" if reasons
             else "我已对照原文核对以上数值和问题、建议，确认发布")
    confirm = st.checkbox(label, key=f"{key}_review_confirm")
    if who is None:
        st.caption(NEED_OPERATOR)
    if st.button("核对完毕，发布", type="primary", disabled=not (confirm and who), key=f"{key}_review_publish") \
            and who is not None:
        name = source_name.rsplit(".", 1)[0] + ".xlsx"
        try:
            version = cache.store().publish_reviewed(pending_id, wb, file_name=name, by=who,
                                                     note=reviewed.note(source_name))
        except PermissionDenied as exc:
            st.error(plain(str(exc)))
            return
        except (PublishError, StoreError) as exc:
            st.error(plain(f"发布失败：{exc}"))
            return
        layout.select(version.evaluation_id)
        flash.leave(f"已发布第 {version.number} 版（{name}），版本说明记录了核对结果。")
        st.rerun()


def pending_section(who: Actor | None, *, show_parsed: Callable[[ParseResult], None],
                    show_diff: Callable[[Evaluation], None] | None = None) -> None:
    """The texts waiting for review (待复核); one opened in the review."""
    waiting = cache.store().pending_reports()
    st.subheader(f"待复核的报告（{len(waiting)}）")
    if not waiting:
        st.caption("没有待复核的报告。批量导入或命令行导入时，含有待核对数值的报告文本会列在这里，核对后才发布。")
        return
    st.dataframe(pd.DataFrame([{"编号": p.id, "文件": shown(p.file_name), "提交人": shown(p.submitted_by),
                                "提交时间": p.submitted_at.strftime("%Y-%m-%d %H:%M"),
                                "待核对": shown("；".join(p.reasons[:3]) + ("……" if len(p.reasons) > 3 else ""))}
                               for p in waiting]), hide_index=True, width="stretch", key="pending_table")
    labels = {p.id: f"{p.id}　{p.file_name}" for p in waiting}
    chosen = st.selectbox("复核哪一份", options=[None, *labels], format_func=lambda i: "请选择" if i is None
                          else labels[i], key="pending_choice")
    if chosen is None:
        return
    item = next(p for p in waiting if p.id == chosen)
    try:
        parsed = parse_report_file(cache.store().pending_data(item.id), item.file_name)
    except (ValueError, StoreError) as exc:
        st.error(plain(f"无法读取：{exc}"))
        return
    show_parsed(parsed)
    review_panel(parsed, item.file_name, who, key=f"pending_{item.id}", pending_id=item.id, show_diff=show_diff)
    with st.expander("不发布这份报告"):
        reason = st.text_input("原因", key=f"pending_{item.id}_discard_reason")
        if st.button("放弃（记录在审计日志中）", disabled=who is None, key=f"pending_{item.id}_discard") \
                and who is not None:
            try:
                cache.store().discard_pending(item.id, by=who, reason=reason)
            except (PermissionDenied, StoreError) as exc:
                st.error(plain(str(exc)))
                return
            flash.leave(f"已放弃待复核的报告“{item.file_name}”。")
            st.rerun()
