"""A published report's text parsed into a workbook: the import, what the parser found and the report-source
viewer (the text with every taken figure highlighted). Report text is hostile input: HTML-escaped."""
from __future__ import annotations

import html
from typing import Literal

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
            f'<div style="max-height:{SOURCE_BOX_PX}px;overflow:auto;border:1px solid #e5e7eb;border-radius:4px;'
            f'padding:6px;font-size:0.9em;line-height:1.6">{"".join(rows)}</div></div>')


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
    # narrow: the key columns first, the long sentence last in the width left (never a column cut off after it)
    return pd.DataFrame(rows, columns=["项目", "数值", "行号", "单位", "待核对", "出处"])


# 原文 and 取到的数值 side by side while their block is wide enough for both (a projector, a wide laptop), one above
# the other when it is not (the sentence each figure came from is then readable, never cut to its first words); a
# container query on the block itself, so an open or closed sidebar counts too. Our constant CSS, no report text.
PAIR_KEY = "evb_parsed_pair"
PAIR_MIN_PX = 1400  # below this the block stacks: a half of 690 px holds every column of the figures in full
SOURCE_BOX_PX = 560  # the source viewer's height; the figures beside it scroll within the same height
PAIR_CSS = f"""<style>
.st-key-{PAIR_KEY} {{ container-type: inline-size; }}
@container (max-width: {PAIR_MIN_PX - 1}px) {{
  .st-key-{PAIR_KEY} [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap; }}
  .st-key-{PAIR_KEY} [data-testid="stColumn"] {{ flex: 1 1 100% !important; width: 100% !important;
                                                min-width: 100% !important; }}
}}
</style>"""
LEGEND_PX = 26  # the colour legend above the source viewer
ROW_PX, HEADER_PX = 35, 38  # st.dataframe's row and header height
LIST_ROWS = 10  # a list longer than this scrolls inside a box of this many rows
BESIDE_SOURCE_ROWS = (SOURCE_BOX_PX + LEGEND_PX - HEADER_PX) // ROW_PX  # the rows that fit beside the source


# st.dataframe never narrows a column below its width (a table wider than its box is cut at the right edge and
# scrolls) and shares out the room left over in proportion: these add up to the half of PAIR_MIN_PX.
FIGURE_COLUMNS = {"项目": st.column_config.TextColumn(width=76), "数值": st.column_config.TextColumn(width=84),
                  "行号": st.column_config.TextColumn(width=44), "单位": st.column_config.TextColumn(width=120),
                  "待核对": st.column_config.TextColumn(width=90), "出处": st.column_config.TextColumn(width=276)}


def list_height(rows: int, most: int = LIST_ROWS, box: int | None = None) -> int | Literal["auto"]:
    """The height of a read-only table: every row while there are few ("auto"), else a box of ``most`` rows (or of
    ``box`` px) that scrolls: a list of 1,000 units never pushes what follows it screens down."""
    if rows <= most:
        return "auto"
    return box if box is not None else HEADER_PX + ROW_PX * most + 2


def units_table(ev) -> pd.DataFrame:
    """One row per budget line with its unit's stated score and grade, then the units with a result and no budget
    line: what the text gives each unit, in one table (never two lists of the same units side by side)."""
    results = {r.unit: r for r in ev.results}
    rows, seen = [], set()
    for b in ev.budget_lines:
        r = results.get(b.unit) if b.unit not in seen else None
        seen.add(b.unit)
        rows.append({U["unit"]: shown(b.unit), U["budget"]: fmt2(b.budget), U["executed"]: fmt2(b.executed),
                     STATED_RATE: fmt2(b.stated_rate), U["stated_score"]: fmt2(r.stated_score) if r else "",
                     U["stated_grade"]: shown(r.stated_grade or "") if r else ""})
    for r in ev.results:
        if r.unit not in seen:
            seen.add(r.unit)
            rows.append({U["unit"]: shown(r.unit), U["budget"]: "", U["executed"]: "", STATED_RATE: "",
                         U["stated_score"]: fmt2(r.stated_score), U["stated_grade"]: shown(r.stated_grade or "")})
    columns = [U["unit"], U["budget"], U["executed"], STATED_RATE, U["stated_score"], U["stated_grade"]]
    return pd.DataFrame(rows, columns=columns)


def show_parsed(parsed) -> None:
    """What the parser found, where each figure came from (the text with the taken figures highlighted next to the
    list of figures, both the same height), what each unit was given, what it assumed and every line it could not
    place (nothing is guessed). Every list scrolls inside its own box past ``LIST_ROWS`` rows."""
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
    st.html(PAIR_CSS)
    table = figures_table(parsed)
    with st.container(key=PAIR_KEY):
        left, right = st.columns(2)
        with left:
            st.markdown("**原文**（取到的数值和条目已标出，悬停可见对应的单位和项目）")
            st.html(source_html(parsed))
        with right:
            st.markdown(f"**取到的数值及出处**（{(table['项目'] != '未找到').sum()} 个）")
            if table.empty:
                st.text("报告中没有找到预算、执行、执行率、得分或等次。")
            else:
                st.dataframe(table, hide_index=True, width="stretch", key="parsed_figures",
                             height=list_height(len(table), BESIDE_SOURCE_ROWS, SOURCE_BOX_PX + LEGEND_PX),
                             column_config=FIGURE_COLUMNS)
    units = units_table(ev)
    if not units.empty:
        st.markdown(f"**各单位的数值**（{len(units)} 行）")
        st.dataframe(units, hide_index=True, width="stretch", key="parsed_units", height=list_height(len(units)))
    for note in parsed.notes:
        st.caption(plain(note))
    if parsed.unplaced:
        st.warning(f"有 {len(parsed.unplaced)} 行未能识别，未写入数据，请核对：")
        # 行号 pinned: st.dataframe gives every other column an equal share of a wide screen's room, which would
        # make a column of line numbers as wide as the sentences
        st.dataframe(pd.DataFrame([{"行号": u.line_no, "原因": shown(u.reason), "原文": shown(u.text)}
                                   for u in parsed.unplaced]),
                     hide_index=True, width="stretch", key="parsed_unplaced", height=list_height(len(parsed.unplaced)),
                     column_config={"行号": st.column_config.NumberColumn(width=56, alignment="left", pinned=True),
                                    "原因": st.column_config.TextColumn(width=320),
                                    "原文": st.column_config.TextColumn(width=560)})
