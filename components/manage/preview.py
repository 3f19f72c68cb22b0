"""What changes: the stored evaluation a new workbook would update, the difference, the gaps, and publishing."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from evalcore import diff as evdiff
from evalcore.auth import Actor, PermissionDenied
from evalcore.model import Evaluation
from evalcore.store import PublishError, StoreError
from evalcore.workbook import ReadResult

from .. import cache, evaluator, flash, layout
from ..text import plain
from .common import NEED_OPERATOR, refused


def existing_evaluation(new: Evaluation):
    """The stored evaluation this one would become a new version of (same region, year and title)."""
    for info in cache.evaluations():
        if info.identity == new.meta.identity:
            return info
    return None


def show_diff(new: Evaluation) -> None:
    info = existing_evaluation(new)
    if info is None:
        st.info(plain(f"这是一个新的评价（{new.meta.label}），"
                      f"发布后将作为第 1 版。"))
        evaluator.first_publish_summary(new)
        return
    old = cache.load(info.active_version_id)
    changes = evdiff.diff(old, new)
    c = evdiff.counts(changes)
    st.info(plain(f"将成为“{info.label}”的第 {info.active_number + 1} 版。与当前第 {info.active_number} 版相比："
                  f"新增 {c[evdiff.ADDED]} 项，删除 {c[evdiff.REMOVED]} 项，修改 {c[evdiff.CHANGED]} 处。"))
    if changes:
        frame = pd.DataFrame([{"部分": x.section, "对象": x.key, "字段": x.field, "变化": x.kind,
                               "原值": x.old, "新值": x.new} for x in changes])
        # widths that add up to a 1280-px laptop's table: 原值 and 新值 both in view (never 新值 cut off at the right
        # edge), a wider screen sharing its room out in proportion; a long list scrolls in its own box
        st.dataframe(frame, hide_index=True, width="stretch", key="diff_table",
                     height="auto" if len(frame) <= 12 else 460,
                     column_config={"部分": st.column_config.TextColumn(width=72),
                                    "对象": st.column_config.TextColumn(width=150),
                                    "字段": st.column_config.TextColumn(width=100),
                                    "变化": st.column_config.TextColumn(width=52),
                                    "原值": st.column_config.TextColumn(width=200),
                                    "新值": st.column_config.TextColumn(width=200)})


def show_gaps(result: ReadResult) -> None:
    """Before publishing: the parts of the evaluation that are missing and the stated figures nothing can check
    (the warnings the validator flags as gaps), said once more next to the publish button."""
    gaps = [m for m in result.warnings if m.gap]
    if not gaps:
        return
    lines = [f"{m.sheet}{f' 第{m.row}行' if m.row else ''}：{m.message}" for m in gaps]
    st.warning(plain("发布前请注意，以下部分缺失或无法核对，发布后看板上相应内容为空或只按报告数字显示：\n"
                     + "\n".join(f"· {line}" for line in lines)))


def publish_panel(content: bytes, file_name: str, result: ReadResult, who: Actor | None, key: str) -> None:
    """Preview and publish a validated workbook; a file with errors never reaches the button."""
    if not result.ok or result.evaluation is None:
        return
    show_gaps(result)
    st.subheader("与当前版本比较")
    show_diff(result.evaluation)
    confirm = st.checkbox("我已核对以上内容，确认发布", key=f"{key}_confirm")
    if who is None:
        st.caption(NEED_OPERATOR)
    if st.button("发布", type="primary", disabled=not (confirm and who), key=f"{key}_publish") and who is not None:
        try:
            version = cache.store().publish(content, file_name=file_name, by=who)
        except PermissionDenied as exc:
            refused(exc)
            return
        except PublishError as exc:
            st.error(plain(f"发布失败：{exc}"))
            return
        except StoreError as exc:
            st.error(plain(str(exc)))
            return
        layout.select(version.evaluation_id)
        evaluator.remember_published(content, f"{file_name} 已发布为第 {version.number} 版。")
        flash.leave(f"已发布第 {version.number} 版（{file_name}）。各页面现在显示该版本。")
        st.rerun()


