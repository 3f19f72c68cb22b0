"""结果应用台账 (issue 26): the suggested and decided budgets per unit as an Excel workbook and a Word document,
and the 结果应用 sheet of an evaluation's results workbook.

Input: the table :func:`evalcore.application.with_decisions` makes (one row per unit, Decimal amounts in 万元,
None where there is no amount) and its totals. No I/O: the bytes are returned.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from openpyxl import Workbook

from .. import application as app
from ..clock import format_time
from ..model import Evaluation
from ..numbers import fmt_amount

RULES_NOTE = ("建议金额按结果应用规则测算（各评价类型、等次对应保持、调减、取消或增加），规则由财政部门在“管理”页设定；"
              "默认规则的依据和比例见 docs/results.md，比例并非国家文件规定的固定数字。"
              "等次注明“按得分推算”的，是按该评价的等次划分由得分推算，报告本身未列等次。")

ILLUSTRATIVE = "示例数据：台账中标题注明“示例数据”的评价为虚构的演示数据，不代表实际情况。"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int = 12
    amount: bool = False
    wrap: bool = False


LEDGER: tuple[Column, ...] = (
    Column("source", "评价", 30, wrap=True),
    Column("year", "年度", 7),
    Column("kind", "评价类型", 10),
    Column("name", "单位", 22, wrap=True),
    Column("grade", "等次", 7),
    Column("grade_source", "等次来源", 11),
    Column("rule", "适用规则", 11),
    Column("budget", "预算（万元）", 14, amount=True),
    Column("change", "建议调整（万元）", 14, amount=True),
    Column("suggested", "建议下年度预算（万元）", 16, amount=True),
    Column("decision", "决定", 11),
    Column("decided", "决定预算（万元）", 14, amount=True),
    Column("difference", "决定−建议（万元）", 14, amount=True),
    Column("decided_rule", "决定时规则", 11),
    Column("notes", "说明", 36, wrap=True),
)
DOCX_KEYS = ("name", "grade", "rule", "budget", "change", "suggested", "decision", "decided", "notes")


def _notes(r: dict) -> str:
    parts = [r.get("reason") or "", r.get("decision_reason") or ""]
    if r.get("decided_by"):
        at = r.get("decided_at")
        parts.append(f"{r['decided_by']} 记录" + (f"于 {format_time(at)}" if at is not None and at == at else ""))
    return "；".join(p for p in parts if p)


def ledger_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The ledger's rows: every column of :data:`LEDGER`, amounts Decimal or None."""
    out = []
    for r in table.to_dict("records"):
        rec = {**r, "source": r.get("title") or f"评价 {r.get('evaluation_id')}", "notes": _notes(r)}
        for c in LEDGER:
            v = rec.get(c.key)
            rec[c.key] = None if v is None or (not isinstance(v, str) and pd.isna(v)) else v
        if rec.get("decision") is None:
            rec["decision"] = "未记录"
        out.append(rec)
    return out


def _illustrative(records: Sequence[dict]) -> bool:
    return any("示例" in str(r.get("source") or "") for r in records)


def _total_line(totals: app.Totals) -> str:
    line = (f"合计：{totals.with_amount} 个单位可测算，预算 {fmt_amount(totals.budget)}，据评价结果调减预算 "
            f"{fmt_amount(totals.cut)}，增加 {fmt_amount(totals.added)}，建议下年度预算 {fmt_amount(totals.suggested)}")
    if totals.without_amount:
        line += f"；{totals.without_amount} 个单位无预算或无等次，未测算金额"
    return line


def ledger_xlsx(table: pd.DataFrame, totals: app.Totals, title: str = "结果应用台账") -> bytes:
    from .xlsx import _TOTAL_FILL, NUM, Row, SheetColumn
    records = ledger_records(table)
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = title
    wb.properties.creator = "EvalBoard 绩效评价看板"
    cols = [SheetColumn(c.header, c.width, NUM if c.amount else None, c.wrap) for c in LEDGER]
    rows = [Row(tuple(r[c.key] for c in LEDGER)) for r in records]
    rows.append(Row(tuple(["合计", *[None] * 6, totals.budget, totals.change, totals.suggested,
                           *[None] * 5]), bold=True, fill=_TOTAL_FILL))
    banner = ILLUSTRATIVE if _illustrative(records) else None
    _notes_after(wb, "结果应用台账", cols, rows, banner, [_total_line(totals), RULES_NOTE])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _notes_after(wb: Workbook, title: str, cols: list, rows: list, banner: str | None, notes: list[str]) -> None:
    """A table sheet (with the 示例数据 banner when given) and lines of notes under the table."""
    from .xlsx import _BANNER_FILL, _BANNER_FONT, _BOLD, _merged_text, _span_width, _table_sheet
    ws = _table_sheet(wb, title, cols, rows, banner, empty="没有可应用结果的单位")
    end = ws.max_row + 2
    for i, text in enumerate(notes):
        _merged_text(ws, end + i, len(cols), text, _BOLD if i == 0 else _BANNER_FONT,
                     None if i == 0 else _BANNER_FILL, chars_per_line=_span_width(cols))


def _cell_text(value: Any, amount: bool) -> str:
    if value is None:
        return "—"
    return fmt_amount(value, "") if amount else str(value)


def ledger_docx(table: pd.DataFrame, totals: app.Totals, title: str = "结果应用台账") -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    from ..reporttext.write import BODY_FONT, HEADING_FONT, _set_fonts

    records = ledger_records(table)
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    heading = document.add_heading("", level=0)
    _set_fonts(heading.add_run(title), HEADING_FONT)

    def para(text: str, size: int = 11, bold: bool = False) -> None:
        run = document.add_paragraph().add_run(text)
        run.font.size, run.bold = Pt(size), bold
        _set_fonts(run, BODY_FONT)

    if _illustrative(records):
        para(ILLUSTRATIVE, bold=True)
    para(_total_line(totals), bold=True)
    by = {c.key: c for c in LEDGER}
    sources = list(dict.fromkeys(r["source"] for r in records))
    for source in sources:
        part = [r for r in records if r["source"] == source]
        h = document.add_heading("", level=2)
        _set_fonts(h.add_run(str(source)), HEADING_FONT)
        grid = document.add_table(rows=1, cols=len(DOCX_KEYS))
        grid.style = "Table Grid"
        for cell, key in zip(grid.rows[0].cells, DOCX_KEYS, strict=True):
            run = cell.paragraphs[0].add_run(by[key].header)
            run.bold, run.font.size = True, Pt(9)
            _set_fonts(run, HEADING_FONT)
        for r in part:
            cells = grid.add_row().cells
            for cell, key in zip(cells, DOCX_KEYS, strict=True):
                text = _cell_text(r[key], by[key].amount)
                if key == "grade" and r.get("grade_source") == app.GRADE_DERIVED:
                    text += "（按得分推算）"
                run = cell.paragraphs[0].add_run(text)
                run.font.size = Pt(9)
                _set_fonts(run, BODY_FONT)
    if not records:
        para("没有可应用结果的单位。")
    para(RULES_NOTE, size=9)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _rules_words(rules: app.RuleSet) -> str:
    return "默认结果应用规则" if rules.is_default else "财政部门设定的结果应用规则"


def application_sheet(wb: Workbook, ev: Evaluation, rules: app.RuleSet | None = None) -> None:
    """The 结果应用 sheet of an evaluation's results workbook: each unit's grade, the rule and the suggested budget.
    ``rules``: the bureau's rules in force (the app's download); without them (``evalcore export`` of a file, no
    store) the default rules, and the sheet says which."""
    from .xlsx import NUM, Row, SheetColumn
    rules = rules or app.default_rules()
    suggestions = app.suggest_all(app.rows_from_evaluation(ev), rules)
    frame = app.suggestion_frame(suggestions)
    keys = ("name", "grade", "grade_source", "rule", "rule_note", "budget", "change", "suggested", "reason")
    heads = ("单位", "等次", "等次来源", "默认规则" if rules.is_default else "规则", "规则说明", "预算（万元）",
             "建议调整（万元）", "建议下年度预算（万元）", "说明")
    widths = (22, 7, 11, 11, 40, 14, 14, 16, 30)
    cols = [SheetColumn(h, w, NUM if k in ("budget", "change", "suggested") else None, k in ("rule_note", "reason"))
            for k, h, w in zip(keys, heads, widths, strict=True)]
    rows = [Row(tuple(None if (v := r[k]) is None or (not isinstance(v, str) and pd.isna(v)) else v for k in keys))
            for r in frame.to_dict("records")]
    t = app.totals(suggestions)
    if suggestions:
        rows.append(Row(("合计", None, None, None, None, t.budget, t.change, t.suggested, None), bold=True))
    words = _rules_words(rules)
    _notes_after(wb, "结果应用", cols, rows, None, [
        f"按{words}，据评价结果调减预算 {fmt_amount(t.cut)}，建议下年度预算 {fmt_amount(t.suggested)}。",
        ("本表按默认结果应用规则测算：财政部门尚未在看板中设定规则，或本表由命令行从工作簿导出；"
         if rules.is_default else "本表按导出时看板中财政部门设定的结果应用规则测算；")
        + "以看板“结果应用”和结果应用台账为准。" + RULES_NOTE])


__all__ = ["LEDGER", "RULES_NOTE", "application_sheet", "ledger_docx", "ledger_records", "ledger_xlsx"]


# --- the 演示 slide -------------------------------------------------------------------------------------------

SLIDE_ROWS = 8  # units listed on the slide; more are summed per grade


def application_slide(ev: Evaluation, rules: app.RuleSet | None = None):
    """The 结果应用 slide of the 演示 (PPTX, HTML): each unit's grade, the rule and the suggested budget (with many
    units: per grade), by the bureau's ``rules`` in force, else the default rules, and it says which."""
    from .slides import Slide, Table
    rules = rules or app.default_rules()
    suggestions = app.suggest_all(app.rows_from_evaluation(ev), rules)
    if not suggestions:
        return Slide("application", "结果应用", sentences=("没有评价等次，无法提出预算安排建议。",))
    t = app.totals(suggestions)
    sentences = [f"按{_rules_words(rules)}，据评价结果调减预算 {fmt_amount(t.cut)}"
                 + (f"、增加 {fmt_amount(t.added)}" if t.added else "")
                 + f"，建议下年度预算合计 {fmt_amount(t.suggested)}（{t.with_amount} 个单位）。"]
    if t.without_amount:
        sentences.append(f"{t.without_amount} 个单位报告未列预算或无等次，未测算金额。")
    derived = sum(1 for s in suggestions if s.row.grade and not s.row.grade_stated)
    footnotes = ["规则由财政部门设定，本页按默认规则测算（比例并非国家文件规定的固定数字）；以看板“结果应用”为准。"
                 if rules.is_default else "本页按财政部门在看板中设定的结果应用规则测算；以看板“结果应用”为准。"]
    if derived:
        footnotes.append(f"{derived} 个单位的等次按得分推算，报告本身未列等次。")
    if len(suggestions) <= SLIDE_ROWS:
        rows = tuple((s.row.name or s.row.unit,
                      (s.row.grade or "—") + ("（推算）" if s.row.grade and not s.row.grade_stated else ""),
                      s.rule.label if s.rule else "—", fmt_amount(s.row.budget, ""),
                      fmt_amount(s.change, ""), fmt_amount(s.suggested, "")) for s in suggestions)
        table = Table(("单位", "等次", "规则", "预算（万元）", "建议调整（万元）", "建议预算（万元）"), rows)
    else:
        rows_list = []
        for g in (*app.GRADES, None):
            part = [s for s in suggestions if s.row.grade == g]
            if not part:
                continue
            pt = app.totals(part)
            labels = "、".join(dict.fromkeys(s.rule.label for s in part if s.rule)) or "—"
            rows_list.append((g or "无等次", f"{len(part)} 个", labels, fmt_amount(pt.budget, ""),
                              fmt_amount(pt.change, ""), fmt_amount(pt.suggested, "")))
        table = Table(("等次", "单位", "规则", "预算（万元）", "建议调整（万元）", "建议预算（万元）"),
                      tuple(rows_list))
    return Slide("application", "结果应用：下年度预算建议", sentences=tuple(sentences), table=table,
                 footnotes=tuple(footnotes))
