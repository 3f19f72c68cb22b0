"""结果应用台账 (issue 26): the suggested and decided budgets per unit as an Excel workbook and a Word document.
The 结果应用 sheet of an evaluation's results workbook is :func:`evalcore.export.xlsx.application_sheet`, its
slide :func:`evalcore.export.slides.application_slide`.

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
from ..application import RULES_NOTE as RULES_NOTE  # re-exported: the ledger's note
from ..clock import format_time
from ..numbers import fmt_amount
from ..reporttext.write import BODY_FONT, HEADING_FONT, set_fonts
from .xlsx import NUM, TOTAL_FILL, Row, SheetColumn, notes_after

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
    records = ledger_records(table)
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = title
    wb.properties.creator = "EvalBoard 绩效评价看板"
    cols = [SheetColumn(c.header, c.width, NUM if c.amount else None, c.wrap) for c in LEDGER]
    rows = [Row(tuple(r[c.key] for c in LEDGER)) for r in records]
    rows.append(Row(tuple(["合计", *[None] * 6, totals.budget, totals.change, totals.suggested,
                           *[None] * 5]), bold=True, fill=TOTAL_FILL))
    banner = ILLUSTRATIVE if _illustrative(records) else None
    notes_after(wb, "结果应用台账", cols, rows, banner, [_total_line(totals), RULES_NOTE])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell_text(value: Any, amount: bool) -> str:
    if value is None:
        return "—"
    return fmt_amount(value, "") if amount else str(value)


def ledger_docx(table: pd.DataFrame, totals: app.Totals, title: str = "结果应用台账") -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    records = ledger_records(table)
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    heading = document.add_heading("", level=0)
    set_fonts(heading.add_run(title), HEADING_FONT)

    def para(text: str, size: int = 11, bold: bool = False) -> None:
        run = document.add_paragraph().add_run(text)
        run.font.size, run.bold = Pt(size), bold
        set_fonts(run, BODY_FONT)

    if _illustrative(records):
        para(ILLUSTRATIVE, bold=True)
    para(_total_line(totals), bold=True)
    by = {c.key: c for c in LEDGER}
    sources = list(dict.fromkeys(r["source"] for r in records))
    for source in sources:
        part = [r for r in records if r["source"] == source]
        h = document.add_heading("", level=2)
        set_fonts(h.add_run(str(source)), HEADING_FONT)
        grid = document.add_table(rows=1, cols=len(DOCX_KEYS))
        grid.style = "Table Grid"
        for cell, key in zip(grid.rows[0].cells, DOCX_KEYS, strict=True):
            run = cell.paragraphs[0].add_run(by[key].header)
            run.bold, run.font.size = True, Pt(9)
            set_fonts(run, HEADING_FONT)
        for r in part:
            cells = grid.add_row().cells
            for cell, key in zip(cells, DOCX_KEYS, strict=True):
                text = _cell_text(r[key], by[key].amount)
                if key == "grade" and r.get("grade_source") == app.GRADE_DERIVED:
                    text += "（按得分推算）"
                run = cell.paragraphs[0].add_run(text)
                run.font.size = Pt(9)
                set_fonts(run, BODY_FONT)
    if not records:
        para("没有可应用结果的单位。")
    para(RULES_NOTE, size=9)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


__all__ = ["LEDGER", "RULES_NOTE", "ledger_docx", "ledger_records", "ledger_xlsx"]
