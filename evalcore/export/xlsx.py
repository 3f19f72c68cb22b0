"""结果工作簿: an evaluation's results as an .xlsx for readers (not the input template).

Sheets: 概览, 预算执行, 评分, 问题, 建议, 整改, 整改记录. Every figure comes from evalcore's own tables
(``budget.budget_table``, ``scoring.results_table`` / ``indicator_table`` / ``dimension_table``, ``findings.*``);
nothing is recomputed here.

Numbers are written as numbers, rounded half-up to 2 decimals (:func:`evalcore.numbers.round2`) so the stored
value is the published one. Money and scores use the number format ``0.00``; rates are stored as the
percentage value (82.69, as the report and ``summary --json`` state it) with the format ``0.00"%"``, so a cell
shows 82.69% and holds 82.69.

Text is never a formula: every text cell is written as a string, and text that a spreadsheet could take for a
formula (beginning with = + - @, also after leading whitespace, their full-width forms, or a tab or carriage
return) gets a leading apostrophe (:func:`neutralise`) and the cell's quotePrefix style.
"""
from __future__ import annotations

import datetime as dt
import io
import math
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .. import application, budget, findings, rectification, scoring
from ..application import RULES_NOTE, RuleSet, default_rules
from ..model import Evaluation
from ..numbers import fmt_amount, round2
from ..workbook.unit_columns import UNIT_COLUMNS as U

NUM = "0.00"
PCT = '0.00"%"'
INT = "0"
DATE = "yyyy-mm-dd"

_FORMULA_START = frozenset("=+-@＝＋－＠")
_CONTROL_START = frozenset("\t\r")

_HEAD_FONT = Font(bold=True, color="FFFFFF")
_HEAD_FILL = PatternFill("solid", fgColor="1F4E9C")
_BOLD = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=16)
_SECTION_FONT = Font(bold=True, size=12, color="1F4E9C")
_BANNER_FONT = Font(bold=True, color="9C3D00")
_BANNER_FILL = PatternFill("solid", fgColor="FFF2CC")
TOTAL_FILL = PatternFill("solid", fgColor="E8EEF8")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_ILLUSTRATIVE_TAB = "ED7D31"


def neutralise(text: str) -> str:
    """Text that cannot be taken for a formula: a leading apostrophe where it could be.

    Prefixed: text beginning with = + - @ or their full-width forms ＝＋－＠ (also after leading whitespace,
    including the ideographic space), and text beginning with a tab or a carriage return. Anything else is
    returned unchanged.
    """
    if not text:
        return text
    if text[0] in _CONTROL_START or text.lstrip()[:1] in _FORMULA_START:
        return "'" + text
    return text


# --- cells ------------------------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    """A DataFrame cell as a plain Python value; NaN / NA / NaT become None."""
    if value is None or isinstance(value, (str, Decimal, bool, dt.date)):
        return value
    if hasattr(value, "item") and not isinstance(value, (int, float)):
        value = value.item()  # numpy scalars
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return value


def _put(ws: Worksheet, row: int, col: int, value: Any, fmt: str | None = None):
    """Write one value: Decimal -> 2-decimal number, date -> date, bool -> 是/否, text -> neutralised string."""
    cell = ws.cell(row=row, column=col)
    value = _plain(value)
    if value is None:
        return cell
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, str):
        clean = ILLEGAL_CHARACTERS_RE.sub("", value)
        text = neutralise(clean)
        cell.value = text
        cell.data_type = "s"  # never "f" (formula) or "e" (error), whatever the text
        if text is not clean:
            cell.quotePrefix = True
        return cell
    if isinstance(value, Decimal):
        cell.value = float(round2(value))
        cell.number_format = fmt or NUM
    elif isinstance(value, dt.datetime):
        cell.value = value
        cell.number_format = fmt or "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = fmt or DATE
    elif isinstance(value, int):
        cell.value = value
        cell.number_format = fmt or INT
    elif isinstance(value, float):
        if not math.isfinite(value):
            return cell
        cell.value = float(round2(Decimal(repr(float(value)))))  # float(): numpy's repr is "np.float64(…)"
        cell.number_format = fmt or NUM
    else:
        return _put(ws, row, col, str(value), fmt)
    return cell


@dataclass(frozen=True)
class SheetColumn:
    """One column of a table sheet of the results workbook: its header, width (characters), number format and
    whether its text wraps. (The on-screen tables' column is ``components.table.GridColumn``.)"""

    header: str
    width: int = 12
    fmt: str | None = None
    wrap: bool = False


@dataclass(frozen=True)
class Row:
    values: tuple[Any, ...]
    bold: bool = False
    fill: PatternFill | None = None
    indent: dict[int, int] | None = None  # column index (0-based) -> indent level


def _header(ws: Worksheet, row: int, cols: list[SheetColumn]) -> None:
    for i, c in enumerate(cols, start=1):
        cell = _put(ws, row, i, c.header)
        cell.font = _HEAD_FONT
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _body(ws: Worksheet, row: int, cols: list[SheetColumn], rows: list[Row]) -> int:
    """Write rows from ``row``; returns the next free row.

    Styling a cell through openpyxl's descriptors hashes each style object on every assignment, which dominates
    the time for large tables. Each combination is therefore styled once and its resulting style array (openpyxl's
    ``cell._style``, a small array of indices into the workbook's style tables) copied to the cells that share it.
    """
    cache: dict[tuple, Any] = {}
    for r in rows:
        for i, (c, v) in enumerate(zip(cols, r.values, strict=True), start=1):
            cell = _put(ws, row, i, v, c.fmt)
            indent = (r.indent or {}).get(i - 1, 0)
            base = getattr(cell, "_style", None)
            key = (tuple(base) if base is not None else (), c.wrap, indent, r.bold, id(r.fill))
            done = cache.get(key)
            if done is not None:
                cell._style = copy(done)
                continue
            if c.wrap or indent:
                cell.alignment = Alignment(wrap_text=c.wrap, vertical="top", indent=indent)
            else:
                cell.alignment = _TOP
            if r.bold:
                cell.font = _BOLD
            if r.fill is not None:
                cell.fill = r.fill
            cache[key] = copy(cell._style)
        row += 1
    return row


def _widths(ws: Worksheet, cols: list[SheetColumn]) -> None:
    for i, c in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(i)].width = c.width


def _merged_text(ws: Worksheet, row: int, last_col: int, text: str, font: Font, fill: PatternFill | None = None,
                 chars_per_line: int | None = None) -> None:
    """One line of text across the first ``last_col`` columns, with a row height that fits it."""
    cell = _put(ws, row, 1, text)
    cell.font = font
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    if fill is not None:
        cell.fill = fill
    if last_col > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    if chars_per_line:
        # East Asian glyphs are about two width units wide.
        lines = max(1, math.ceil(_display_width(text) / max(1, chars_per_line)))
        ws.row_dimensions[row].height = max(font.size or 11, 11) * 1.45 * lines + 4


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _span_width(cols: list[SheetColumn]) -> int:
    return sum(c.width for c in cols)


def _banner(ev: Evaluation, section: str, what: str) -> str | None:
    """The 示例数据 line for an illustrative section, or None."""
    if not ev.is_illustrative(section):
        return None
    note = ev.meta.illustrative_note.strip()
    return f"示例数据：本表的{what}并非报告公布的数据，仅作示意。" + (note if note else "")


def _table_sheet(wb: Workbook, title: str, cols: list[SheetColumn], rows: list[Row], banner: str | None = None,
                 empty: str = "（无数据）") -> Worksheet:
    """A sheet that is one table: optional banner line, a frozen Chinese header, filters, print setup."""
    ws = wb.create_sheet(title)
    top = 1
    if banner:
        _merged_text(ws, 1, len(cols), banner, _BANNER_FONT, _BANNER_FILL, chars_per_line=_span_width(cols))
        ws.sheet_properties.tabColor = _ILLUSTRATIVE_TAB
        top = 2
    _header(ws, top, cols)
    if rows:
        end = _body(ws, top + 1, cols, rows)
        ws.auto_filter.ref = f"A{top}:{get_column_letter(len(cols))}{end - 1}"
    else:
        _put(ws, top + 1, 1, empty)
    ws.freeze_panes = f"A{top + 1}"
    _widths(ws, cols)
    _print_setup(ws, top)
    return ws


def _print_setup(ws: Worksheet, header_row: int | None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_row:
        ws.print_title_rows = f"1:{header_row}"


# --- sheets -----------------------------------------------------------------------------------------------

def _score_source(ev: Evaluation, rec: dict[str, Any] | None) -> str:
    if rec is None or _plain(rec["score"]) is None:
        return ""
    if _plain(rec["stated"]) is not None:
        return "报告公布"
    return "按指标得分计算" + ("（示例数据）" if ev.is_illustrative("scores") else "")


OVERVIEW_COLUMNS = [SheetColumn(U["unit"], 16), SheetColumn(U["name"], 24), SheetColumn(U["role"], 14),
                    SheetColumn(U["budget"], 14, NUM), SheetColumn(U["executed"], 14, NUM),
                    SheetColumn(U["rate"], 12, PCT), SheetColumn(U["score"], 10, NUM), SheetColumn(U["grade"], 8),
                    SheetColumn("得分来源", 16), SheetColumn(U["note"], 30, wrap=True)]


def _overview(wb: Workbook, ev: Evaluation, as_of: dt.date, results: list[dict[str, Any]]) -> None:
    """The 概览 sheet: the evaluation's facts, then one section after another, each starting on the row the
    previous one left free (one blank row between them)."""
    ws = wb.create_sheet("概览")
    cols = OVERVIEW_COLUMNS
    _widths(ws, cols)
    row = _overview_facts(ws, ev, as_of, cols)
    row = _overview_units(ws, ev, results, cols, row + 1)
    row = _overview_findings(ws, ev, row + 1)
    _overview_rectification(ws, ev, as_of, row + 1)
    ws.freeze_panes = "A2"
    _print_setup(ws, None)


def _overview_facts(ws: Worksheet, ev: Evaluation, as_of: dt.date, cols: list[SheetColumn]) -> int:
    """The title, the 示例数据 banner, the stated facts (年度, 地区, ...; those given) and the 评价结论, from row 1;
    returns the first free row."""
    m = ev.meta
    span = len(cols)
    row = 1
    _merged_text(ws, row, span, m.title or "绩效评价结果", _TITLE_FONT, chars_per_line=_span_width(cols))
    row += 1
    parts = [label for key, label in (("scores", "指标得分明细"), ("rectification", "整改进度"))
             if ev.is_illustrative(key)]
    if parts:
        note = m.illustrative_note.strip()
        text = f"示例数据：{'、'.join(parts)}并非报告公布的数据，仅作示意。" + note
        _merged_text(ws, row, span, text, _BANNER_FONT, _BANNER_FILL, chars_per_line=_span_width(cols))
        row += 1

    fields: list[tuple[str, Any, str | None]] = [
        ("年度", m.year, "0"), ("地区", m.region, None), ("评价机构", m.evaluator, None),
        ("评价项目", m.project, None), ("数据来源", m.source, None),
    ]
    if m.stated_total_budget is not None:
        fields.append(("报告资金总额（万元）", m.stated_total_budget, NUM))
    if m.stated_total_executed is not None:
        fields.append(("报告实际执行总额（万元）", m.stated_total_executed, NUM))
    fields.append(("整改统计截至", as_of, DATE))
    for label, value, fmt in fields:
        if value in (None, ""):
            continue
        _put(ws, row, 1, label).font = _BOLD
        cell = _put(ws, row, 2, value, fmt)
        cell.alignment = Alignment(horizontal="left", vertical="top")
        row += 1
    if m.conclusion:
        _put(ws, row, 1, "评价结论").font = _BOLD
        cell = _put(ws, row, 2, m.conclusion)
        cell.alignment = _WRAP
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=span)
        width = _span_width(cols) - cols[0].width
        ws.row_dimensions[row].height = 16 * max(1, math.ceil(_display_width(m.conclusion) / width)) + 4
        row += 1
    return row


def _overview_units(ws: Worksheet, ev: Evaluation, results: list[dict[str, Any]], cols: list[SheetColumn],
                    row: int) -> int:
    """预算执行与评价结果: budget and results per unit, then the total; from ``row``, returns the first free row."""
    _put(ws, row, 1, "预算执行与评价结果").font = _SECTION_FONT
    row += 1
    _header(ws, row, cols)
    row += 1
    scores = {r["unit"]: r for r in results}
    rows = []
    for rec in budget.budget_table(ev).to_dict("records"):
        sc = scores.get(rec["unit"])
        rows.append(Row((rec["unit"], rec["name"], rec["role"], rec["budget"], rec["executed"], rec["rate"],
                         sc["score"] if sc else None, sc["grade"] if sc else None, _score_source(ev, sc),
                         rec["reason"])))
    total = budget.overall(ev)
    rows.append(Row(("合计", "", "", total.budget, total.executed, total.rate, None, None, "", total.reason),
                    bold=True, fill=TOTAL_FILL))
    return _body(ws, row, cols, rows)


def _overview_findings(ws: Worksheet, ev: Evaluation, row: int) -> int:
    """问题与建议: the count of problems and of recommendations in each category, side by side, then the totals;
    from ``row``, returns the first free row."""
    _put(ws, row, 1, "问题与建议").font = _SECTION_FONT
    row += 1
    pcount = findings.counts_by_category(findings.problems_table(ev)).to_dict("records")
    rcount = findings.counts_by_category(findings.recommendations_table(ev)).to_dict("records")
    pmap = {int(r["category_no"]): r for r in pcount}
    rmap = {int(r["category_no"]): r for r in rcount}
    pr_cols = [SheetColumn("问题类别"), SheetColumn("问题条数", fmt=INT), SheetColumn("建议类别"),
               SheetColumn("建议条数", fmt=INT)]
    for i, c in enumerate(pr_cols):
        cell = _put(ws, row, [1, 4, 5, 7][i], c.header)
        cell.font = _HEAD_FONT
        cell.fill = _HEAD_FILL
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    ws.merge_cells(start_row=row, start_column=5, end_row=row, end_column=6)
    row += 1
    for no in sorted(set(pmap) | set(rmap)):
        p, r = pmap.get(no), rmap.get(no)
        _put(ws, row, 1, p["category_label"] if p else "")
        _put(ws, row, 4, int(p["count"]) if p else None)
        _put(ws, row, 5, r["category_label"] if r else "")
        _put(ws, row, 7, int(r["count"]) if r else None)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        ws.merge_cells(start_row=row, start_column=5, end_row=row, end_column=6)
        row += 1
    for col, value in ((1, f"合计（{len(pmap)} 类）"), (4, len(ev.problems)), (5, f"合计（{len(rmap)} 类）"),
                       (7, len(ev.recommendations))):
        cell = _put(ws, row, col, value)
        cell.font = _BOLD
        cell.fill = TOTAL_FILL
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    ws.merge_cells(start_row=row, start_column=5, end_row=row, end_column=6)
    return row + 1


def _overview_rectification(ws: Worksheet, ev: Evaluation, as_of: dt.date, row: int) -> None:
    """整改情况 as of the date: items, closed, 整改率, overdue and the count in each status, from ``row``."""
    rs = rectification.rectification_summary(ev, as_of)
    title = f"整改情况（截至 {as_of.isoformat()}）"
    if ev.is_illustrative("rectification"):
        title += "（示例数据）"
    _put(ws, row, 1, title).font = _SECTION_FONT
    row += 1
    statuses = list(rs.by_status)
    rect_cols = [SheetColumn("整改事项"), SheetColumn("已整改"), SheetColumn("整改率"),
                 SheetColumn("逾期未整改")] + [SheetColumn(s) for s in statuses]
    for i, c in enumerate(rect_cols, start=1):
        cell = _put(ws, row, i, c.header)
        cell.font = _HEAD_FONT
        cell.fill = _HEAD_FILL
    row += 1
    values: list[tuple[Any, str]] = [(rs.total, INT), (rs.closed, INT), (rs.rate, PCT), (rs.overdue, INT)]
    values += [(rs.by_status[s], INT) for s in statuses]
    for i, (v, fmt) in enumerate(values, start=1):
        _put(ws, row, i, v, fmt)
    if rs.rate is None:
        _put(ws, row + 1, 1, "无整改事项，无法计算整改率")


def _budget_sheet(wb: Workbook, ev: Evaluation) -> None:
    cols = [SheetColumn(U["unit"], 16), SheetColumn(U["project"], 26, wrap=True), SheetColumn(U["kind"], 10),
            SheetColumn("明细", 10), SheetColumn(U["budget"], 14, NUM),
            SheetColumn(U["executed"], 14, NUM), SheetColumn(U["rate"], 12, PCT),
            SheetColumn(U["unspent"], 14, NUM), SheetColumn(U["stated_rate"], 12, PCT),
            SheetColumn(U["note"], 36, wrap=True)]
    rows = []
    for rec in budget.budget_table(ev).to_dict("records"):
        unit = rec["unit"]
        rows.append(Row((unit, "（全部项目）", "", "单位合计", rec["budget"], rec["executed"], rec["rate"],
                         rec["unspent"], rec["stated_rate"], rec["reason"]), bold=True, fill=TOTAL_FILL))
        for ln in (b for b in ev.budget_lines if b.unit == unit):
            r = budget.combine([ln])  # a line without a budget amount: 缺少预算金额 (not 无预算安排)
            note = "；".join(t for t in (r.reason, ln.note) if t)
            rows.append(Row((unit, ln.project, ln.kind, "项目", ln.budget, ln.executed, r.rate, r.unspent,
                             ln.stated_rate, note), indent={1: 1}))
    total = budget.overall(ev)
    rows.append(Row(("合计", "", "", "全部单位", total.budget, total.executed, total.rate, total.unspent, None,
                     total.reason), bold=True, fill=TOTAL_FILL))
    _table_sheet(wb, "预算执行", cols, rows)


def _tree_order(ev: Evaluation) -> list[str]:
    """Indicator ids depth first (一级, then its 二级, then their 三级), siblings in listed order."""
    kids = scoring.children_of(ev.indicators)
    out: list[str] = []
    seen: set[str] = set()

    def walk(parent: str | None) -> None:
        for ind in kids.get(parent, []):
            if ind.id not in seen:
                seen.add(ind.id)
                out.append(ind.id)
                walk(ind.id)

    walk(None)
    out += [i.id for i in ev.indicators if i.id not in seen]  # orphans (an invalid tree) still shown
    return out


def _scores_sheet(wb: Workbook, ev: Evaluation, results: list[dict[str, Any]]) -> None:
    cols = [SheetColumn("单位", 16), SheetColumn("指标编号", 10), SheetColumn("层级", 6, INT),
            SheetColumn("指标名称", 28, wrap=True), SheetColumn("一级指标", 14), SheetColumn("评分方式", 14),
            SheetColumn("分值", 8, NUM), SheetColumn("得分", 8, NUM), SheetColumn("扣分", 8, NUM),
            SheetColumn("得分率", 10, PCT), SheetColumn("等次", 6), SheetColumn("扣分说明", 44, wrap=True)]
    order = {iid: n for n, iid in enumerate(_tree_order(ev))}
    top_level = min((i.level for i in ev.indicators), default=1)
    ind_rows: dict[str, list[dict[str, Any]]] = {}
    for row in scoring.indicator_table(ev).to_dict("records"):
        ind_rows.setdefault(row["unit"], []).append(row)
    shares = {(r["unit"], r["id"]): r["share"] for r in scoring.dimension_table(ev).to_dict("records")}
    rows: list[Row] = []
    for res in results:
        unit = res["unit"]
        unit_rows = sorted(ind_rows.get(unit, []), key=lambda r: order.get(r["id"], len(order)))
        top_points = [r["points"] for r in unit_rows if r["level"] == top_level]
        for r in unit_rows:
            is_top = r["level"] == top_level
            rows.append(Row((unit, r["id"], r["level"], r["name"], r["dimension"], r["method"], r["points"],
                             r["score"], r["deduction"], shares.get((unit, r["id"])) if is_top else None, None,
                             r["note"]),
                            bold=is_top, indent={3: max(0, int(r["level"]) - top_level)}))
        computed = _plain(res["computed"])
        if unit_rows:
            points = sum(top_points, Decimal(0))
            rows.append(Row((unit, "", None, "合计（按指标得分）", "", "", points, computed,
                             (points - computed) if computed is not None else None, None,
                             scoring.grade_for(computed, ev.meta.grade_bands), ""), bold=True))
        stated = _plain(res["stated"])
        notes = ["以报告公布得分为准" if stated is not None else "按指标得分计算"]
        if not res["breakdown_agrees"]:
            notes.append(f"指标得分合计 {round2(computed)} 与报告得分 {round2(stated)} 不一致，以报告为准")
        stated_grade = _plain(res["stated_grade"])
        if stated_grade and stated_grade != res["grade"]:
            notes.append(f"报告等次为“{stated_grade}”")
        rows.append(Row((unit, "", None, "评价得分", "", "", None, res["score"], None, None, res["grade"],
                         "；".join(notes)), bold=True, fill=TOTAL_FILL))
    _table_sheet(wb, "评分", cols, rows, _banner(ev, "scores", "指标得分明细"), empty="无评分数据")


def _problems_sheet(wb: Workbook, ev: Evaluation) -> None:
    cols = [SheetColumn("问题编号", 10), SheetColumn("类别序号", 8, INT), SheetColumn("问题类别", 30, wrap=True),
            SheetColumn("序号", 6, INT), SheetColumn("问题内容", 70, wrap=True), SheetColumn("涉及单位", 16)]
    rows = [Row((r["id"], r["category_no"], r["category_label"], r["seq"], r["text"], r["unit"]))
            for r in findings.problems_table(ev).to_dict("records")]
    _table_sheet(wb, "问题", cols, rows, empty="无问题")


def _recommendations_sheet(wb: Workbook, ev: Evaluation) -> None:
    cols = [SheetColumn("建议编号", 10), SheetColumn("类别序号", 8, INT), SheetColumn("建议类别", 30, wrap=True),
            SheetColumn("序号", 6, INT), SheetColumn("建议内容", 70, wrap=True), SheetColumn("对应问题", 10),
            SheetColumn("对应问题编号", 18, wrap=True), SheetColumn("对应问题类别", 30, wrap=True)]
    by_id = {r.id: r for r in ev.recommendations}
    rows = []
    for r in findings.recommendations_table(ev).to_dict("records"):
        answered = findings.resolve_answers(ev, by_id[r["id"]].answers)
        cats = {p.category_no: p.category for p in answered}
        rows.append(Row((r["id"], r["category_no"], r["category_label"], r["seq"], r["text"], r["answers"],
                         "、".join(p.id for p in answered),
                         "\n".join(f"（{findings.cn_number(no)}）{name}" for no, name in sorted(cats.items())))))
    _table_sheet(wb, "建议", cols, rows, empty="无建议")


def _rectification_sheet(wb: Workbook, ev: Evaluation, as_of: dt.date) -> None:
    cols = [SheetColumn("整改编号", 10), SheetColumn("对应问题", 10), SheetColumn("问题类别", 26, wrap=True),
            SheetColumn("整改事项", 40, wrap=True), SheetColumn("责任单位", 16), SheetColumn("整改期限", 12, DATE),
            SheetColumn(f"状态（截至 {as_of.isoformat()}）", 14), SheetColumn("已整改", 8), SheetColumn("逾期", 8),
            SheetColumn("逾期天数", 9, INT), SheetColumn("最新状态", 10), SheetColumn("最新进度", 10, PCT),
            SheetColumn("佐证材料", 30, wrap=True), SheetColumn("备注", 30, wrap=True)]
    # Status, closed and overdue are as of the date (from the dated history); 最新状态 and 最新进度 are the
    # item's current values, which can be later than the date.
    items = {it.id: it for it in ev.rectification}
    rows = []
    for r in rectification.rectification_items(ev, as_of).to_dict("records"):
        it = items.get(r["id"])
        rows.append(Row((r["id"], r["problem"], r["category_label"], r["task"], r["unit"], r["deadline"],
                         r["status"], r["closed"], r["overdue"], r["days_overdue"] or None,
                         it.status if it else None, r["progress"], it.evidence if it else "", r["note"])))
    _table_sheet(wb, "整改", cols, rows, _banner(ev, "rectification", "整改状态和进度"), empty="无整改事项")


def _history_sheet(wb: Workbook, ev: Evaluation) -> None:
    cols = [SheetColumn("整改编号", 10), SheetColumn("日期", 12, DATE), SheetColumn("原状态", 10),
            SheetColumn("新状态", 10), SheetColumn("整改进度", 10, PCT), SheetColumn("说明", 44, wrap=True),
            SheetColumn("记录人", 16)]
    rows = [Row((r["id"], r["date"], r["old_status"], r["new_status"], r["progress"], r["note"], r["by"]))
            for r in rectification.history_table(ev).to_dict("records")]
    _table_sheet(wb, "整改记录", cols, rows, _banner(ev, "rectification", "整改记录"), empty="无整改记录")


def export_xlsx(ev: Evaluation, as_of: dt.date, rules: RuleSet | None = None) -> bytes:
    """The results workbook of an evaluation, with 整改 figures as of ``as_of`` (``rules``: 结果应用 rules in force,
    else the defaults)."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = ev.meta.title
    wb.properties.creator = "EvalBoard 绩效评价看板"
    results = scoring.results_table(ev).to_dict("records")  # once: every call scores every unit
    _overview(wb, ev, as_of, results)
    _budget_sheet(wb, ev)
    _scores_sheet(wb, ev, results)
    _problems_sheet(wb, ev)
    _recommendations_sheet(wb, ev)
    _rectification_sheet(wb, ev, as_of)
    _history_sheet(wb, ev)
    application_sheet(wb, ev, rules)  # 结果应用 (issue 26)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- 结果应用 (issue 26); the ledger (evalcore/export/ledger.py) draws its sheet the same way ---------------

def notes_after(wb: Workbook, title: str, cols: list, rows: list, banner: str | None, notes: list[str]) -> None:
    """A table sheet (with the 示例数据 banner when given) and lines of notes under the table."""
    ws = _table_sheet(wb, title, cols, rows, banner, empty="没有可应用结果的单位")
    end = ws.max_row + 2
    for i, text in enumerate(notes):
        _merged_text(ws, end + i, len(cols), text, _BOLD if i == 0 else _BANNER_FONT,
                     None if i == 0 else _BANNER_FILL, chars_per_line=_span_width(cols))


def application_sheet(wb: Workbook, ev: Evaluation, rules: application.RuleSet | None = None) -> None:
    """The 结果应用 sheet of an evaluation's results workbook: each unit's grade, the rule and the suggested budget.
    ``rules``: the bureau's rules in force (the app's download); without them (``evalcore export`` of a file, no
    store) the default rules, and the sheet says which."""
    rules = rules or default_rules()
    suggestions = application.suggest_all(application.rows_from_evaluation(ev), rules)
    frame = application.suggestion_frame(suggestions)
    keys = ("name", "grade", "grade_source", "rule", "rule_note", "budget", "change", "suggested", "reason")
    heads = ("单位", "等次", "等次来源", "默认规则" if rules.is_default else "规则", "规则说明", "预算（万元）",
             "建议调整（万元）", "建议下年度预算（万元）", "说明")
    widths = (22, 7, 11, 11, 40, 14, 14, 16, 30)
    cols = [SheetColumn(h, w, NUM if k in ("budget", "change", "suggested") else None, k in ("rule_note", "reason"))
            for k, h, w in zip(keys, heads, widths, strict=True)]
    rows = [Row(tuple(None if (v := r[k]) is None or (not isinstance(v, str) and pd.isna(v)) else v for k in keys))
            for r in frame.to_dict("records")]
    t = application.totals(suggestions)
    if suggestions:
        rows.append(Row(("合计", None, None, None, None, t.budget, t.change, t.suggested, None), bold=True))
    words = rules.words
    notes_after(wb, "结果应用", cols, rows, None, [
        f"按{words}，据评价结果调减预算 {fmt_amount(t.cut)}，建议下年度预算 {fmt_amount(t.suggested)}。",
        ("本表按默认结果应用规则测算：财政部门尚未在看板中设定规则，或本表由命令行从工作簿导出；"
         if rules.is_default else "本表按导出时看板中财政部门设定的结果应用规则测算；")
        + "以看板“结果应用”和结果应用台账为准。" + RULES_NOTE])
