"""数据管理 building blocks: validation messages, the change preview, publishing, 整改 updates, versions.

Every write goes through ``evalcore.store``; the widgets here only collect input and show results.
Text from a workbook is shown through tables and ``st.text``/``st.code`` only, never as markdown or HTML.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
from decimal import Decimal

import pandas as pd
import streamlit as st

from evalcore import clock
from evalcore import diff as evdiff
from evalcore.auth import Actor, PermissionDenied
from evalcore.model import Evaluation, RectificationItem
from evalcore.numbers import fmt2, fmt_size
from evalcore.reporttext import found_nothing, parse_to_workbook, provenance
from evalcore.reporttext.provenance import marks
from evalcore.store import ConflictError, PublishError, StoreError
from evalcore.template import template_bytes
from evalcore.textutil import shorten
from evalcore.workbook import MAX_FILE_BYTES, Message, ReadResult, build_evaluation, read_raw, read_workbook

from . import auth, cache, evaluator, layout, review
from .text import file_stem, plain, shown

NEED_OPERATOR = "请先在上方填写操作人。"


def when(at: dt.datetime) -> str:
    return clock.format_time(at, seconds=True)


def operator() -> Actor | None:
    """Who is making changes, recorded with every publish, rollback and 整改 update: the signed-in person, or
    with sign-in off the 操作人 typed here. None until there is a name."""
    auth.operator_input("发布、回滚和整改更新都会记录操作人和时间。")
    return auth.named_actor()


def _refused(exc: PermissionDenied) -> None:
    st.error(plain(f"{exc}。如需此权限，请联系管理员。"))


# --- reading an upload ------------------------------------------------------------------------------------


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


def report_text_section(who: Actor | None) -> None:
    """A published report's text (pasted, or .md/.txt/.docx) parsed into a workbook: preview, then publish."""
    st.markdown("把已发布的绩效评价结果（正文文本、.md、.txt、.docx、.pdf 或网页 .html）转为数据："
                "先预览，核对后再发布。"
                "未能识别的内容会逐行列出，不会被猜测补全。")
    review.pending_section(who, show_parsed=show_parsed, show_diff=show_diff)
    st.subheader("导入一份报告")
    pasted = st.text_area("粘贴报告正文", height=200, key="report_text")
    report_file = st.file_uploader("或上传报告文件", type=["md", "txt", "docx", "pdf", "html", "htm"],
                                   key="report_file", help=f"文件不超过 {UPLOAD_LIMIT_MB} MB")
    source = None
    if report_file is not None:
        refused = too_big(report_file.size)
        if refused is not None:
            show_messages(ReadResult(None, [refused], []))
            return
        source = (report_file.getvalue(), report_file.name)
    elif pasted.strip():
        source = (pasted.encode("utf-8"), "粘贴的文本.txt")
    if source is None:
        return
    try:
        wb, parsed = parse_to_workbook(*source)
    except ValueError as exc:
        st.error(plain(f"无法解析：{exc}"))
        return
    if found_nothing(parsed):
        st.error("这段文本中没有找到任何单位、金额、得分、等次或问题建议，没有可发布的内容。"
                 "请确认粘贴或上传的是绩效评价报告的正文。")
        return
    show_parsed(parsed)
    result = read_workbook(wb)
    show_messages(result)
    name = source[1].rsplit(".", 1)[0] + ".xlsx"
    st.download_button("下载转换后的工作簿", data=wb, file_name=name, on_click="ignore", key="parsed_download")
    if result.ok:  # a person confirms, corrects, removes or adds figures before publishing (issue 24)
        review.review_panel(parsed, source[1], who, key="parsed", show_diff=show_diff)


# --- what changes -----------------------------------------------------------------------------------------


def matching(new: Evaluation):
    """The stored evaluation this one would become a new version of (same region, year and title)."""
    for info in cache.evaluations():
        if (info.region, info.year, info.title) == (new.meta.region, new.meta.year, new.meta.title):
            return info
    return None


def show_diff(new: Evaluation) -> None:
    info = matching(new)
    if info is None:
        st.info(plain(f"这是一个新的评价（{new.meta.region} · {new.meta.year or '—'} · {new.meta.title}），"
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
        st.dataframe(frame, hide_index=True, width="stretch", key="diff_table")


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
            _refused(exc)
            return
        except PublishError as exc:
            st.error(plain(f"发布失败：{exc}"))
            return
        except StoreError as exc:
            st.error(plain(str(exc)))
            return
        layout.select(version.evaluation_id)
        evaluator.remember_published(content, f"{file_name} 已发布为第 {version.number} 版。")
        st.session_state["_flash"] = plain(f"已发布第 {version.number} 版（{file_name}）。各页面现在显示该版本。")
        st.rerun()


def flash() -> None:
    """A message left by the previous run (already escaped where it holds workbook text)."""
    message = st.session_state.pop("_flash", None)
    if message:
        st.success(message)


# --- 整改 updates ------------------------------------------------------------------------------------------


def _item_label(item: RectificationItem) -> str:
    """The item in the picker: its id and task, not its status (the picker's text is not redrawn after a save,
    so a status in it went stale; the status is shown below the picker, from the saved version)."""
    task = shorten(item.task, 36)
    return f"{item.id}　{task}"


def version_labels(evaluation_id: int) -> dict[int, str]:
    """Version id -> the version as the user knows it ("第 9 版"), never its database id (issue 28)."""
    return {v.id: f"第 {v.number} 版" for v in cache.store().versions(evaluation_id)}


def _rebase(evaluation_id: int, item_id: str) -> None:
    """Accept what is stored now as the starting point of this editor's next save."""
    latest = cache.store().evaluation(evaluation_id).active_version_id
    st.session_state.setdefault("_rect_base", {})[(evaluation_id, item_id)] = latest


def rectification_editor(ev: Evaluation, who: Actor | None) -> None:
    info = layout.current_info()
    if not ev.rectification:
        st.info("该评价还没有整改事项。可在工作簿的“整改”工作表中填写后重新发布。")
        return
    items = {i.id: i for i in ev.rectification}
    item_id = st.selectbox("整改事项", list(items), format_func=lambda i: _item_label(items[i]), key="rect_item")
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
            _refused(exc)
        except ConflictError as exc:
            st.error(plain(str(exc)))
            cur = exc.current
            if cur is not None:
                st.text(f"对方保存的内容：状态 {cur.status}，进度 {fmt2(cur.progress) or '—'}%，"
                        f"备注 {cur.note or '—'}，佐证材料 {cur.evidence or '—'}")
            st.caption("你填写的内容仍保留在上面的表单中。核对后点击“以最新版本为准”，再重新保存。")
            st.button("以最新版本为准", key=f"{prefix}_rebase", on_click=_rebase, args=(info.id, item_id))
        except (StoreError, ValueError) as exc:
            st.error(plain(str(exc)))
        else:
            bases[(info.id, item_id)] = version.id
            st.session_state["_flash"] = plain(f"已保存 {item_id} 的整改更新（第 {version.number} 版）。")
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


# --- versions ---------------------------------------------------------------------------------------------


def versions_panel(who: Actor | None) -> None:
    """The versions of the current evaluation; downloads for everyone, rollback for admins."""
    info = layout.current_info()
    store = cache.store()
    versions = store.versions(info.id)
    st.dataframe(pd.DataFrame([{
        "版本": f"第 {v.number} 版" + ("（当前）" if v.active else ""), "类型": v.kind_label,
        "操作人": v.by, "时间（北京时间）": when(v.at), "文件": v.file_name, "说明": v.note,
        "SHA-256": v.file_hash[:12], "大小": fmt_size(v.size),
    } for v in versions]), hide_index=True, width="stretch", key="versions_table")

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
        from evalcore.rollback import rollback_to
        try:  # refuses a version the current reader cannot read either (issue 27)
            version = rollback_to(store, info.id, chosen.number, by=who).version
        except PermissionDenied as exc:
            _refused(exc)
        except StoreError as exc:
            st.error(plain(str(exc)))
        else:
            st.session_state["_flash"] = f"已回滚：第 {version.number} 版的内容与第 {chosen.number} 版相同。"
            st.rerun()


# --- a parsed report --------------------------------------------------------------------------------------


MARK_COLOURS = {"budget": "#fde68a", "executed": "#bbf7d0", "rate": "#bfdbfe", "score": "#fbcfe8", "grade": "#ddd6fe",
                "problem": "#fed7aa", "recommendation": "#e5e7eb"}
MARK_NAMES = {"budget": "预算", "executed": "实际执行", "rate": "执行率", "score": "得分", "grade": "等次",
              "problem": "问题", "recommendation": "建议"}
SOURCE_LINES_SHOWN = 3000  # a longer text is cut in the preview (the figures list below names every line)


def source_html(parsed) -> str:
    """The parsed text, line by line with its numbers, the spans each taken figure and item came from highlighted
    (a tooltip names the unit and the figure). Every piece of report text is HTML-escaped: a report is hostile
    input, and ``st.html`` renders markup (sanitised by DOMPurify, but nothing here relies on that)."""
    lines = parsed.source_text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    by_line: dict[int, list] = {}
    for m in marks(parsed):
        by_line.setdefault(m.line, []).append(m)
    rows = []
    for no, text in enumerate(lines[:SOURCE_LINES_SHOWN], start=1):
        parts, pos = [], 0
        for m in by_line.get(no, []):
            colour = MARK_COLOURS.get(m.kind, "#fde68a")
            parts.append(html.escape(text[pos:m.start]))
            parts.append(f'<mark data-kind="{m.kind}" title="{html.escape(m.label)}" style="background:{colour};'
                         f'padding:0 1px;border-radius:2px">{html.escape(text[m.start:m.end])}</mark>')
            pos = m.end
        parts.append(html.escape(text[pos:]))
        weight = "background:#fffbeb;" if no in by_line else ""
        rows.append(f'<div data-line="{no}" style="{weight}white-space:pre-wrap;word-break:break-all">'
                    f'<span style="color:#9ca3af;display:inline-block;min-width:3em;user-select:none">{no}</span>'
                    f'{"".join(parts)}</div>')
    if len(lines) > SOURCE_LINES_SHOWN:
        rows.append(f'<div style="color:#6b7280">……（共 {len(lines)} 行，此处只显示前 {SOURCE_LINES_SHOWN} 行）</div>')
    legend = " ".join(f'<mark style="background:{c};padding:0 4px">{MARK_NAMES[k]}</mark>'
                      for k, c in MARK_COLOURS.items())
    return (f'<div data-testid="evbReportSource"><div style="margin-bottom:4px;font-size:0.85em">{legend}</div>'
            f'<div style="max-height:560px;overflow:auto;border:1px solid #e5e7eb;border-radius:4px;padding:6px;'
            f'font-size:0.9em;line-height:1.6">{"".join(rows)}</div></div>')


def figures_table(parsed) -> pd.DataFrame:
    """Every figure taken with the line and sentence (or form / table cells) it came from, and what was not found."""
    rows = []
    for u in provenance(parsed)["units"]:
        for kind, f in u["figures"].items():
            rows.append({"单位": u["unit"], "项目": MARK_NAMES[kind], "数值": f["value"], "行号": f["line"],
                         "出处": f["text"], "待核对": f["uncertain"] or ""})
        if u["not_found"] and u["figures"]:
            rows.append({"单位": u["unit"], "项目": "未找到", "数值": "、".join(MARK_NAMES[k] for k in u["not_found"]),
                         "行号": None, "出处": "报告未写明，未填入", "待核对": ""})
    return pd.DataFrame(rows, columns=["项目", "数值", "行号", "单位", "出处", "待核对"])  # narrow: key columns first


def show_parsed(parsed) -> None:
    """What the parser found, where each figure came from (the text with the taken figures highlighted next to the
    list of figures), what it assumed and every line it could not place (nothing is guessed)."""
    ev = parsed.evaluation
    st.subheader("识别结果")
    cols = st.columns(4)
    cols[0].metric("单位", len(ev.units))
    cols[1].metric("预算执行", f"{len(ev.budget_lines)} 条")
    cols[2].metric("问题", f"{len(ev.problems)} 项")
    cols[3].metric("建议", f"{len(ev.recommendations)} 条")
    st.text(f"标题：{shown(ev.meta.title)}　年度：{ev.meta.year or '—'}　地区：{shown(ev.meta.region) or '—'}")
    for w in parsed.warnings:
        st.warning(plain(f"第{w['line']}行：{w['message']}。原文：{w['text']}"))
    left, right = st.columns([3, 2])
    with left:
        st.markdown("**原文**（取到的数值和条目已标出，悬停可见对应的单位和项目）")
        st.html(source_html(parsed))
    with right:
        st.markdown("**取到的数值及出处**")
        table = figures_table(parsed)
        if table.empty:
            st.text("报告中没有找到预算、执行、执行率、得分或等次。")
        else:
            st.dataframe(table, hide_index=True, width="stretch", key="parsed_figures")
        if ev.budget_lines:
            st.dataframe(pd.DataFrame([{"单位": shown(b.unit), "预算（万元）": fmt2(b.budget),
                                        "实际执行（万元）": fmt2(b.executed), "报告执行率（%）": fmt2(b.stated_rate)}
                                       for b in ev.budget_lines]),
                         hide_index=True, width="stretch", key="parsed_budget")
        if ev.results:
            st.dataframe(pd.DataFrame([{"单位": shown(r.unit), "报告得分": fmt2(r.stated_score),
                                        "报告等次": shown(r.stated_grade or "")} for r in ev.results]),
                         hide_index=True, width="stretch", key="parsed_results")
    for note in parsed.notes:
        st.caption(plain(note))
    if parsed.unplaced:
        st.warning(f"有 {len(parsed.unplaced)} 行未能识别，未写入数据，请核对：")
        st.dataframe(pd.DataFrame([{"行号": u.line_no, "原文": shown(u.text), "原因": shown(u.reason)}
                                   for u in parsed.unplaced]),
                     hide_index=True, width="stretch", key="parsed_unplaced")


# --- 批量导入 and 单位别名 (issue 18) ---------------------------------------------------------------------------


def bulk_import_section(who: Actor | None) -> None:
    """Several workbooks and report texts at once: each validated and, when valid and new, published (one
    transaction per file: a refused file writes nothing), then one result row per file."""
    from evalcore.importer import REFUSED, STATUS_LABELS, Outcome, batch_refusal, import_bytes, too_big, totals

    st.markdown("一次选择多个工作簿（.xlsx）或已发布的报告（.md、.txt、.docx、.pdf、.html）：逐个校验，通过的发布为新版本，"
                "与已有版本内容相同的跳过，未通过的列出前几条错误。命令行同样可以："
                "`python -m evalcore import 文件夹`。")
    files = st.file_uploader("选择文件（可多选）", type=["xlsx", "md", "txt", "docx", "pdf", "html", "htm"],
                             accept_multiple_files=True,
                             key="bulk_files")
    if who is None:
        st.caption(NEED_OPERATOR)
    if files and st.button(f"校验并发布这 {len(files)} 个文件", type="primary", disabled=who is None,
                           key="bulk_import") and who is not None:
        whole = batch_refusal([f.size for f in files])  # sizes first: nothing is read before they pass
        if whole:
            st.error(whole)
            st.session_state["_bulk_outcomes"] = []
            return
        bar = st.progress(0.0, text="正在导入…")
        outcomes: list[Outcome] = []
        for i, f in enumerate(files):
            refused = too_big(f.size)
            if refused:
                outcomes.append(Outcome(f.name, REFUSED, (refused,)))
                continue
            bar.progress(i / len(files), text=f"正在导入 {i + 1}/{len(files)}：{f.name}")
            outcomes.append(import_bytes(cache.store(), f.getvalue(), f.name, by=who))
        bar.empty()
        st.session_state["_bulk_outcomes"] = outcomes
    shown: list[Outcome] | None = st.session_state.get("_bulk_outcomes")
    if not shown:
        return
    n = totals(shown)
    summary = f"已发布 {n['published']} 个，重复跳过 {n['duplicate']} 个，未发布 {n['refused']} 个。"
    if n["pending"]:
        summary += f"待复核 {n['pending']} 个：请在“报告文本导入”下方的“待复核的报告”中核对后发布。"
    (st.success if not n["refused"] and not n["pending"] else st.warning)(summary)
    frame = pd.DataFrame([{
        "文件": o.name, "结果": STATUS_LABELS[o.status], "类型": o.source,
        "评价": o.label, "版本": f"第 {o.version_number} 版" if o.version_number else "",
        "说明": "；".join(o.messages) if o.messages else ("与该版本内容相同" if o.status == "duplicate" else ""),
    } for o in shown])
    st.dataframe(frame, hide_index=True, width="stretch", key="bulk_table",
                 column_config={"说明": st.column_config.TextColumn(width="large")})


def aliases_section(who: Actor | None) -> None:
    """The unit alias table: other or old names of a unit (renamed departments, merged bureaus), used to match a
    unit across years (单位对比 › 跨年度趋势). Every change is kept: an edit retires the old row."""
    from evalcore import catalog

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
            _refused(exc)
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
