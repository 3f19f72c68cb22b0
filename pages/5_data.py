"""数据管理: download the template, upload and validate a workbook, preview what changes, publish;
import a published report text; update 整改 progress; versions and rollback; exports.

What a person sees depends on their role (components.auth); the store checks the role again on every write."""
from functools import partial

import streamlit as st

from components import auth, cache, flash, layout, manage, unreadable
from components.archive import attention_section
from components.text import file_stem
from evalcore import clock

ev = layout.page("数据管理", unreadable_ok=True)
info = layout.current_info()
flash.show()
attention_section()  # stored versions the reader refuses (issue 23)
if ev is None:  # the active version cannot be read: the versions panel alone, so that an admin can roll back
    unreadable.versions_only(manage.versions_panel, manage.operator() if auth.can("publish") else None)
writer = auth.can("publish")  # evaluators and admins
if not writer:
    st.info("你的角色是查看者：可以查看版本记录、下载工作簿和导出结果；上传、发布和整改更新需要评价人员账户。",
            icon=":material/visibility:")
    versions_tab, export_tab = st.tabs(["版本记录", "导出"])
    who = None
else:
    who = manage.operator()
    # key + on_change: the tab is remembered, so a save (which reruns the page) leaves the evaluator where they were
    upload_tab, text_tab, bulk_tab, rect_tab, alias_tab, versions_tab, export_tab = st.tabs(
        ["上传工作簿", "从报告文本导入", "批量导入", "整改更新", "单位别名", "版本记录", "导出"], key="data_tab",
        on_change="rerun")
    with upload_tab:
        manage.upload_section(who)
    with text_tab:
        manage.report_text_section(who)
    with bulk_tab:
        manage.bulk_import_section(who)
    with rect_tab:
        manage.rectification_editor(ev, who)
    with alias_tab:
        manage.aliases_section(who)

with versions_tab:
    manage.versions_panel(who)

with export_tab:
    as_of = st.date_input("整改统计日期", value=clock.today(), key="export_as_of", format="YYYY-MM-DD", width=240)
    stem = file_stem(ev.meta.title, "绩效评价")
    exports = [
        ("结果工作簿", partial(cache.export, info.active_version_id, "xlsx", as_of), f"{stem}_结果.xlsx", "xlsx"),
        ("结果文本（Markdown）", partial(cache.export, info.active_version_id, "md", as_of), f"{stem}.md", "md"),
        ("结果文本（Word）", partial(cache.export, info.active_version_id, "docx", as_of), f"{stem}.docx", "docx"),
        ("当前版本工作簿", partial(cache.store().workbook, info.active_version_id), f"{stem}.xlsx", "source"),
    ]
    for col, (label, payload, file_name, key) in zip(st.columns(len(exports)), exports, strict=True):
        col.download_button(label, data=payload, file_name=file_name, on_click="ignore",
                            icon=":material/download:", key=f"export_{key}", width="stretch")
    st.caption("导出的工作簿中，以 = + - @ 开头的文字一律按文本保存，不会被当作公式执行。"
               "演示文稿和 HTML 报告在“演示”页下载。")
