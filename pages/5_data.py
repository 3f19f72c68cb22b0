"""数据管理: download the template, upload and validate a workbook, preview what changes, publish;
import a published report text; update 整改 progress; versions and rollback; exports."""
import datetime as dt
import hashlib
from functools import partial

import streamlit as st

from components import data, layout, manage
from evalcore.reporttext import parse_to_workbook
from evalcore.template import template_bytes
from evalcore.workbook import read_workbook

ev = layout.page("数据管理")
info = layout.current_info()
manage.flash()
who = manage.operator()

upload_tab, text_tab, rect_tab, versions_tab, export_tab = st.tabs(
    ["上传工作簿", "从报告文本导入", "整改更新", "版本记录", "导出"])

with upload_tab:
    st.markdown("按模板填写工作簿，上传后系统逐项校验；没有错误才能发布。每次发布都是一个新版本，旧版本不会丢失。")
    st.download_button("下载填报模板", data=template_bytes, file_name="绩效评价填报模板.xlsx",
                       on_click="ignore", icon=":material/download:", key="template_download")
    upload = st.file_uploader("上传填好的工作簿（.xlsx）", type=["xlsx", "xlsm", "xls", "csv"], key="upload_file")
    if upload is not None:
        content = upload.getvalue()
        digest = hashlib.sha256(content).hexdigest()
        cache = st.session_state.setdefault("_checked", {})
        if digest not in cache:  # validate once per file, not on every rerun
            cache.clear()
            cache[digest] = manage.check_upload(content)
        result = cache[digest]
        st.caption(f"文件：{upload.name}（{len(content) / 1024:.1f} KB）")
        manage.show_messages(result)
        manage.publish_panel(content, upload.name, result, who, key="upload")

with text_tab:
    st.markdown("把已发布的绩效评价结果（正文文本、.md、.txt 或 .docx）转为数据：先预览，核对后再发布。"
                "未能识别的内容会逐行列出，不会被猜测补全。")
    pasted = st.text_area("粘贴报告正文", height=200, key="report_text")
    report_file = st.file_uploader("或上传报告文件", type=["md", "txt", "docx"], key="report_file")
    source = None
    if report_file is not None:
        source = (report_file.getvalue(), report_file.name)
    elif pasted.strip():
        source = (pasted.encode("utf-8"), "粘贴的文本.txt")
    if source is not None:
        try:
            wb, parsed = parse_to_workbook(*source)
        except ValueError as exc:
            st.error(f"无法解析：{exc}")
        else:
            manage.show_parsed(parsed)
            result = read_workbook(wb)
            manage.show_messages(result)
            name = source[1].rsplit(".", 1)[0] + ".xlsx"
            st.download_button("下载转换后的工作簿", data=wb, file_name=name, on_click="ignore", key="parsed_download")
            manage.publish_panel(wb, name, result, who, key="parsed")

with rect_tab:
    manage.rectification_editor(ev, who)

with versions_tab:
    manage.versions_panel(who)

with export_tab:
    as_of = st.date_input("整改统计日期", value=dt.date.today(), key="export_as_of", format="YYYY-MM-DD")
    stem = ev.meta.title or "绩效评价"
    exports = [
        ("结果工作簿", partial(data.export, info.active_version_id, "xlsx", as_of), f"{stem}_结果.xlsx", "xlsx"),
        ("结果文本（Markdown）", partial(data.export, info.active_version_id, "md", as_of), f"{stem}.md", "md"),
        ("结果文本（Word）", partial(data.export, info.active_version_id, "docx", as_of), f"{stem}.docx", "docx"),
        ("当前版本工作簿", partial(data.store().workbook, info.active_version_id), f"{stem}.xlsx", "source"),
    ]
    for col, (label, payload, file_name, key) in zip(st.columns(len(exports)), exports, strict=True):
        col.download_button(label, data=payload, file_name=file_name, on_click="ignore",
                            icon=":material/download:", key=f"export_{key}", width="stretch")
    st.caption("导出的工作簿中，以 = + - @ 开头的文字一律按文本保存，不会被当作公式执行。"
               "演示文稿和 HTML 报告在“演示”页下载。")
