"""Reading an upload: the template, the uploader, the size limit, the validation messages."""
from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from evalcore.auth import Actor
from evalcore.numbers import fmt_size
from evalcore.template import template_bytes
from evalcore.workbook import MAX_FILE_BYTES, Message, ReadResult, build_evaluation, read_raw

from .. import evaluator
from ..text import plain, shown
from .preview import publish_panel


def check_upload(content: bytes) -> ReadResult:
    """Read and validate with a visible progress indicator (big workbooks take a few seconds)."""
    bar = st.progress(0, text="正在读取文件…")
    try:
        raw = read_raw(content)
    except ValueError as exc:  # evalcore.workbook.WorkbookError: refused before any sheet is read
        bar.empty()
        msg = Message(getattr(exc, "sheet", None) or "（文件）", None, "", getattr(exc, "value", "") or "", str(exc))
        return ReadResult(None, [msg], [])
    rows = sum(len(r) for r in raw.values())
    bar.progress(50, text=f"正在校验 {len(raw)} 个工作表、{rows:,} 行…")
    result = build_evaluation(raw)
    bar.progress(100, text="校验完成")
    bar.empty()
    return result


def messages_frame(result: ReadResult) -> pd.DataFrame:
    rows = [{"级别": "错误" if m in result.errors else "警告", "工作表": shown(m.sheet),
             "行": "" if m.row is None else str(m.row), "列": shown(m.column), "填写的值": shown(m.value),
             "说明": shown(m.message)}
            for m in [*result.errors, *result.warnings]]
    return pd.DataFrame(rows, columns=["级别", "工作表", "行", "列", "填写的值", "说明"])


def show_messages(result: ReadResult) -> None:
    n_err, n_warn = len(result.errors), len(result.warnings)
    if n_err:
        st.error(f"发现 {n_err} 个错误、{n_warn} 个警告：有错误的文件不能发布。请按下表逐项修改后重新上传。")
    elif n_warn:
        st.warning(f"校验通过，但有 {n_warn} 个警告：不影响发布，请核实。")
    else:
        st.success("校验通过：没有错误和警告。")
    if n_err or n_warn:
        frame = messages_frame(result)
        if len(frame) <= 30:  # a static table wraps the long 说明 text; a long list scrolls in a grid instead
            st.table(frame.map(plain).set_index("级别"))  # st.table renders its cells as Markdown
        else:
            st.dataframe(frame, hide_index=True, width="stretch", key="messages_table",
                         column_config={"说明": st.column_config.TextColumn(width="large")})


UPLOAD_LIMIT_MB = MAX_FILE_BYTES // (1024 * 1024)
# What the upload keeps, as the reader enforces it (evalcore.workbook.guard and .sheets): shown under the uploader.
STORED_AS_IS = (f"工作簿不超过 {UPLOAD_LIMIT_MB} MB。发布后原样保存，其他人可在“版本记录”和“导出”中再次下载，"
                "因此含公式（任何工作表、任何单元格）、外部链接、宏（VBA）、ActiveX 控件、嵌入对象或图片的文件一律"
                "不予接受并说明原因：请删除这些内容（公式请“选择性粘贴 → 数值”）后另存为 .xlsx 再上传。")


def too_big(size: int) -> Message | None:
    """The app's own size limit, in Chinese (the same limit as Streamlit's server.maxUploadSize and nginx's, all
    from MAX_FILE_BYTES: docs/security-attacks.md), for a file that reached the page some other way."""
    if size <= MAX_FILE_BYTES:
        return None
    return Message("（文件）", None, "", f"{size / 1024 / 1024:,.1f} MB",
                   f"文件过大（{size / 1024 / 1024:,.1f} MB，上限 {UPLOAD_LIMIT_MB} MB），未读取。"
                   "正常的评价工作簿只有几 MB；请删除图片、多余的工作表和空行后另存为 .xlsx 再上传")


def upload_section(who: Actor | None) -> None:
    """The template, the upload, its validation messages, then the preview and publish panel."""
    st.markdown("按模板填写工作簿，上传后系统逐项校验；没有错误才能发布。每次发布都是一个新版本，旧版本不会丢失。")
    st.download_button("下载填报模板", data=template_bytes, file_name="绩效评价填报模板.xlsx",
                       on_click="ignore", icon=":material/download:", key="template_download")
    upload = st.file_uploader("上传填好的工作簿（.xlsx）", type=["xlsx", "xlsm", "xls", "csv"], key="upload_file")
    st.caption(STORED_AS_IS)
    if upload is None:
        return
    refused = too_big(upload.size)
    if refused is not None:  # not even read into memory
        st.caption(plain(f"文件：{upload.name}"))
        show_messages(ReadResult(None, [refused], []))
        return
    content = upload.getvalue()
    if evaluator.already_published(content):  # a clean page after publishing: no live 发布 for the same file
        return
    digest = hashlib.sha256(content).hexdigest()
    cache = st.session_state.setdefault("_checked", {})
    if digest not in cache:  # validate once per file, not on every rerun
        cache.clear()
        cache[digest] = check_upload(content)
    result = cache[digest]
    st.caption(plain(f"文件：{upload.name}（{fmt_size(len(content))}）"))
    show_messages(result)
    evaluator.marked_download(content, result, upload.name, key="upload")
    publish_panel(content, upload.name, result, who, key="upload")
