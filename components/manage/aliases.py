"""单位别名 (issue 18): the other or old names of a unit, used to match it across years."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from evalcore import catalog
from evalcore.auth import Actor, PermissionDenied
from evalcore.store import StoreError

from .. import cache
from ..text import plain
from .common import NEED_OPERATOR, refused, when


def aliases_section(who: Actor | None) -> None:
    """The unit alias table: other or old names of a unit (renamed departments, merged bureaus), used to match a
    unit across years (单位对比 › 跨年度趋势). Every change is kept: an edit retires the old row."""
    st.markdown("单位改名、机构合并后，不同年度的报告会用不同名称指同一个单位。在这里登记“别名 → 现用名称”，"
                "跨年度趋势就会把它们当作同一单位（并注明通过别名匹配）。修改和停用都会保留历史。")
    store = cache.store()
    current = catalog.aliases(store)
    if current:
        st.dataframe(pd.DataFrame([{"别名": a.alias, "现用名称": a.canonical, "说明": a.note, "设置人": a.created_by,
                                    "时间": when(a.created_at)} for a in current]),
                     hide_index=True, width="stretch", key="alias_table")
    else:
        st.caption("还没有登记别名。")
    with st.form("alias_form", clear_on_submit=True):
        c1, c2 = st.columns(2)
        alias = c1.text_input("别名（旧名称或其他写法）", key="alias_alias")
        canonical = c2.text_input("现用名称（单位全称）", key="alias_canonical")
        note = st.text_input("说明（例如：2024 年机构改革更名）", key="alias_note")
        submitted = st.form_submit_button("保存别名", disabled=who is None)
    if who is None:
        st.caption(NEED_OPERATOR)
    if submitted and who is not None:
        try:
            saved = catalog.set_alias(store, alias, canonical, by=who, note=note)
        except PermissionDenied as exc:
            refused(exc)
        except StoreError as exc:
            st.error(plain(str(exc)))
        else:
            st.success(plain(f"已保存：{saved.alias} → {saved.canonical}"))
            st.rerun()
    if current:
        c1, c2 = st.columns([3, 1])
        pick = c1.selectbox("停用一个别名", [a.id for a in current], key="alias_retire_pick",
                            format_func=lambda i: next(f"{a.alias} → {a.canonical}" for a in current if a.id == i))
        if c2.button("停用", key="alias_retire", disabled=who is None) and who is not None:
            try:
                catalog.retire_alias(store, pick, by=who)
            except (PermissionDenied, StoreError) as exc:
                st.error(plain(str(exc)))
            else:
                st.rerun()
    history = catalog.aliases(store, history=True)
    if len(history) > len(current):
        with st.expander(f"修改历史（共 {len(history)} 条）"):
            st.dataframe(pd.DataFrame([{
                "别名": a.alias, "现用名称": a.canonical, "说明": a.note, "设置人": a.created_by,
                "设置时间": when(a.created_at), "状态": "使用中" if a.active else "已停用",
                "停用人": a.retired_by or "", "停用时间": when(a.retired_at) if a.retired_at else "",
            } for a in history]), hide_index=True, width="stretch", key="alias_history")
