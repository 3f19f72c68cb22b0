"""The versions of the current evaluation: downloads for everyone, rollback for admins."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from evalcore.auth import Actor, PermissionDenied
from evalcore.numbers import fmt_size
from evalcore.rollback import rollback_to
from evalcore.store import StoreError

from .. import auth, cache, flash, layout
from ..text import file_stem, plain
from .common import NEED_OPERATOR, refused, when


def versions_panel(who: Actor | None) -> None:
    """The versions of the current evaluation; downloads for everyone, rollback for admins."""
    info = layout.current_info()
    store = cache.store()
    versions = store.versions(info.id)
    # 说明 (a review's note lists every correction) last, in the width the others leave: at 1280 px every column is
    # in view, 大小 never cut off at the right edge
    st.dataframe(pd.DataFrame([{
        "版本": f"第 {v.number} 版" + ("（当前）" if v.active else ""), "类型": v.kind_label,
        "操作人": v.by, "时间（北京时间）": when(v.at), "文件": v.file_name,
        "SHA-256": v.file_hash[:12], "大小": fmt_size(v.size), "说明": v.note,
    } for v in versions]), hide_index=True, width="stretch", key="versions_table",
        height="auto" if len(versions) <= 10 else 400,
        column_config={"版本": st.column_config.TextColumn(width=110), "类型": st.column_config.TextColumn(width=72),
                       "操作人": st.column_config.TextColumn(width=64),
                       "时间（北京时间）": st.column_config.TextColumn(width=150),
                       "文件": st.column_config.TextColumn(width=130), "SHA-256": st.column_config.TextColumn(width=96),
                       "大小": st.column_config.TextColumn(width=64), "说明": st.column_config.TextColumn(width=140)})

    by_number = {v.number: v for v in versions}
    cols = st.columns([2, 1])
    number = cols[0].selectbox("选择版本", list(by_number), format_func=lambda n: f"第 {n} 版", key="version_pick")
    chosen = by_number[number]
    cols[1].download_button("下载该版本工作簿", data=lambda: store.workbook(chosen.id),
                            file_name=f"{file_stem(info.title)}_第{chosen.number}版.xlsx", on_click="ignore",
                            key="version_download")
    if not auth.can("rollback"):
        st.caption("回滚需要管理员权限。")
        return
    if chosen.active:
        st.caption("这是当前版本。选择其他版本可回滚。")
        return
    st.warning(f"回滚会把第 {chosen.number} 版的内容发布为新的第 {versions[0].number + 1} 版；"
               f"已有版本都会保留，可随时再回滚。")
    confirm = st.checkbox(f"确认回滚到第 {chosen.number} 版", key="rollback_confirm")
    if who is None:
        st.caption(NEED_OPERATOR)
    if st.button("回滚", disabled=not (confirm and who), key="rollback_button") and who is not None:
        try:  # refuses a version the current reader cannot read either (issue 27)
            version = rollback_to(store, info.id, chosen.number, by=who).version
        except PermissionDenied as exc:
            refused(exc)
        except StoreError as exc:
            st.error(plain(str(exc)))
        else:
            flash.leave(f"已回滚：第 {version.number} 版的内容与第 {chosen.number} 版相同。")
            st.rerun()
