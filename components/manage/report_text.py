"""A published report's text parsed into a workbook: the import, what the parser found and the report-source
viewer (the text with every taken figure highlighted). Report text is hostile input: HTML-escaped."""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from evalcore.auth import Actor
from evalcore.numbers import fmt2
from evalcore.reporttext import found_nothing, parse_to_workbook, provenance
from evalcore.reporttext.provenance import marks
from evalcore.workbook import ReadResult, read_workbook
from evalcore.workbook.spec import BUDGET
from evalcore.workbook.unit_columns import UNIT_COLUMNS as U

from .. import review
from ..text import plain, shown
from .preview import show_diff
from .upload import UPLOAD_LIMIT_MB, show_messages, too_big


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


MARK_COLOURS = {"budget": "#fde68a", "executed": "#bbf7d0", "rate": "#bfdbfe", "score": "#fbcfe8", "grade": "#ddd6fe",
                "problem": "#fed7aa", "recommendation": "#e5e7eb"}
MARK_NAMES = {"budget": "预算", "executed": "实际执行", "rate": "执行率", "score": "得分", "grade": "等次",
              "problem": "问题", "recommendation": "建议"}
STATED_RATE = BUDGET.column("stated_rate").header  # a bare number here: the sheet's own "（%）" header
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


def _line(line: int | None) -> str:
    """A line number as text, so the row of what was not found shows an empty cell, never “None”."""
    return str(line) if line else ""


def figures_table(parsed) -> pd.DataFrame:
    """Every figure taken with the line and sentence (or form / table cells) it came from, and what was not found."""
    rows = []
    for u in provenance(parsed)["units"]:
        for kind, f in u["figures"].items():
            rows.append({"单位": u["unit"], "项目": MARK_NAMES[kind], "数值": f["value"], "行号": _line(f["line"]),
                         "出处": f["text"], "待核对": f["uncertain"] or ""})
        if u["not_found"] and u["figures"]:
            rows.append({"单位": u["unit"], "项目": "未找到", "数值": "、".join(MARK_NAMES[k] for k in u["not_found"]),
                         "行号": "", "出处": "报告未写明，未填入", "待核对": ""})
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
            st.dataframe(pd.DataFrame([{U["unit"]: shown(b.unit), U["budget"]: fmt2(b.budget),
                                        U["executed"]: fmt2(b.executed), STATED_RATE: fmt2(b.stated_rate)}
                                       for b in ev.budget_lines]),
                         hide_index=True, width="stretch", key="parsed_budget")
        if ev.results:
            st.dataframe(pd.DataFrame([{U["unit"]: shown(r.unit), U["stated_score"]: fmt2(r.stated_score),
                                        U["stated_grade"]: shown(r.stated_grade or "")} for r in ev.results]),
                         hide_index=True, width="stretch", key="parsed_results")
    for note in parsed.notes:
        st.caption(plain(note))
    if parsed.unplaced:
        st.warning(f"有 {len(parsed.unplaced)} 行未能识别，未写入数据，请核对：")
        st.dataframe(pd.DataFrame([{"行号": u.line_no, "原因": shown(u.reason), "原文": shown(u.text)}
                                   for u in parsed.unplaced]),
                     hide_index=True, width="stretch", key="parsed_unplaced",
                     column_config={"行号": st.column_config.NumberColumn(width=60),
                                    "原因": st.column_config.TextColumn(width=360),
                                    "原文": st.column_config.TextColumn(width="large")})
