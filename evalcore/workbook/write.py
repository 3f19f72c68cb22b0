"""Writing an evaluation as a workbook in the spec's format (:func:`write_workbook`, :func:`workbook_bytes`), and
the sheet builder that :mod:`evalcore.template` shares with it (:func:`add_spec_sheet`, :func:`column_note`,
:func:`new_book`, :func:`save_book`): one look, one set of drop-downs for the sample, the exports and the blank
template. openpyxl is imported only when writing.
"""
from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from .. import scoring
from ..model import DEFAULT_STATUSES, ILLUSTRATIVE_SECTIONS, Evaluation
from .cells import plain_number
from .spec import MAX_NUMBER, SPEC, UNITS, ColumnSpec, SheetSpec

KIND_LABELS = {"text": "文本", "int": "整数", "decimal": "数值", "date": "日期（如 2024-06-30）",
               "list": "文本，可填多个，用分号分隔"}
HEAD_FILL = "1F4E9C"
EXAMPLE_FONT = "808080"
UNIT_LIST_ROWS = 1000  # the 单位 drop-down lists 单位!A2:A1001 (or more when the workbook has more units)
LAST_ROW = 1048576


def _rows(ev: Evaluation, spec: SheetSpec) -> list[dict[str, Any]]:
    m = ev.meta
    if spec.key == "meta":
        inverse = {v: k for k, v in ILLUSTRATIVE_SECTIONS.items()}
        return [{
            "title": m.title, "year": m.year, "region": m.region, "evaluator": m.evaluator, "project": m.project,
            "kind": m.kind,
            "conclusion": m.conclusion, "grade_bands": scoring.format_bands(m.grade_bands),
            "expert_method": scoring.EXPERT_METHODS[m.expert_method], "rate_target": m.rate_target,
            "statuses": "；".join(m.statuses), "closed_statuses": "；".join(m.closed_statuses),
            "illustrative": "；".join(inverse[s] for s in ("scores", "rectification") if s in m.illustrative),
            "illustrative_note": m.illustrative_note, "source": m.source,
            "stated_total_budget": m.stated_total_budget, "stated_total_executed": m.stated_total_executed,
        }]
    if spec.key == "units":
        return [{"key": u.key, "name": u.name, "role": u.role, "note": u.note} for u in ev.units]
    if spec.key == "budget":
        return [{"unit": b.unit, "project": b.project, "kind": b.kind, "budget": b.budget, "executed": b.executed,
                 "stated_rate": b.stated_rate, "note": b.note} for b in ev.budget_lines]
    if spec.key == "indicators":
        return [{"id": i.id, "parent": i.parent, "level": i.level, "name": i.name, "points": i.points,
                 "method": scoring.METHODS[i.method], "params": i.params, "note": i.note} for i in ev.indicators]
    if spec.key == "scores":
        return [{"unit": s.unit, "indicator": s.indicator, "expert": s.expert, "score": s.score, "note": s.note}
                for s in ev.scores]
    if spec.key == "results":
        return [{"unit": r.unit, "stated_score": r.stated_score, "stated_grade": r.stated_grade, "note": r.note}
                for r in ev.results]
    if spec.key == "achievements":
        return [{"area_no": a.area_no, "area": a.area, "seq": a.seq, "text": a.text} for a in ev.achievements]
    if spec.key == "problems":
        return [{"id": p.id, "category_no": p.category_no, "category": p.category, "seq": p.seq, "text": p.text,
                 "unit": p.unit} for p in ev.problems]
    if spec.key == "recommendations":
        return [{"id": r.id, "category_no": r.category_no, "category": r.category, "seq": r.seq, "text": r.text,
                 "answers": "；".join(r.answers)} for r in ev.recommendations]
    if spec.key == "rectification":
        return [{"id": i.id, "problem": i.problem, "task": i.task, "unit": i.unit, "deadline": i.deadline,
                 "status": i.status, "progress": i.progress, "note": i.note, "evidence": i.evidence}
                for i in ev.rectification]
    if spec.key == "history":
        return [{"item": c.item, "date": c.date, "old_status": c.old_status, "new_status": c.new_status,
                 "progress": c.progress, "note": c.note, "by": c.by}
                for i in ev.rectification for c in i.history]
    raise KeyError(spec.key)  # pragma: no cover


_XML_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell(value: Any) -> Any:
    """Decimals are written as numbers: exact for the 2-decimal figures this format holds. Text is written so
    that it reads back the same: "_x0041_" is escaped (readers decode it to "A"), control characters that XML
    cannot hold are dropped."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str):
        return _XML_ESCAPE.sub("_x005F_", _XML_ILLEGAL.sub("", value))
    return value


def _keep_text(ws: Any) -> None:
    """Text stays text: openpyxl writes "=..." as a formula and "#N/A" as an error value."""
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.data_type != "s":
                cell.data_type = "s"


def column_note(col: ColumnSpec) -> str:
    """The note on a column's header (and the 说明 of the template's instructions): generated from the spec."""
    parts = ["必填" if col.required else "选填"]
    if col.kind != "text":
        parts.append(KIND_LABELS[col.kind])
    if "万元" in col.header:
        parts.append("单位：万元，只填数字")
    elif "%" in col.header:
        parts.append("单位：%，只填数字，如 82.69")
    if col.minimum is not None and col.maximum is not None:
        parts.append(f"范围 {col.minimum}～{col.maximum}")
    elif col.minimum is not None:
        parts.append("不能为负数" if col.minimum == 0 else f"不小于 {col.minimum}")
    if isinstance(col.choices, tuple) and col.choices:
        parts.append("可选：" + "、".join(col.choices))
    elif col.choices == "units":
        parts.append("填“单位”工作表中的单位简称（可从下拉列表选择）")
    elif col.choices == "statuses":
        parts.append("填“评价信息”中列出的整改状态（可从下拉列表选择）")
    if col.default not in (None, ""):
        parts.append(f"不填时为“{col.default}”")
    if col.note:
        parts.append(col.note.rstrip("。"))
    return "；".join(parts) + "。"


def new_book() -> Any:
    """An empty openpyxl workbook (openpyxl is imported only when writing)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    return wb


def save_book(wb: Any, target: str | Path | BinaryIO) -> None:
    wb.save(str(target) if isinstance(target, (str, Path)) else target)


def _comment(text: str) -> Any:
    from openpyxl.comments import Comment

    lines = max(2, -(-len(text) // 18))
    return Comment(text, "EvalBoard", height=24 + 16 * lines, width=260)


def _validation(col: ColumnSpec, statuses: tuple[str, ...], unit_rows: int) -> Any | None:
    """The drop-down or number/date check of a column (openpyxl DataValidation), or None for free text."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if isinstance(col.choices, tuple) and col.choices:
        return DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"', allow_blank=True,
                              showErrorMessage=True, errorStyle="stop", errorTitle="请从列表中选择",
                              error=f"“{col.header}”只能是：{'、'.join(col.choices)}。")
    if col.choices == "units":
        return DataValidation(type="list", formula1=f"{unit_list_ref(unit_rows)}", allow_blank=True,
                              showErrorMessage=True, errorStyle="warning", errorTitle="单位不在列表中",
                              error="请选择“单位”工作表中已列出的单位简称；新单位请先添加到“单位”工作表。")
    if col.choices == "statuses":
        formula = '"' + ",".join(statuses) + '"'
        if len(formula) > 255 or any("," in s or '"' in s for s in statuses):
            return None
        return DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                              errorStyle="warning", errorTitle="未知的整改状态",
                              error="请从列表中选择整改状态；如需其他状态，请先在“评价信息”的“整改状态”中添加。")
    if col.kind in ("decimal", "int"):
        low = col.minimum if col.minimum is not None else -MAX_NUMBER
        high = col.maximum if col.maximum is not None else MAX_NUMBER
        what = "整数" if col.kind == "int" else "数值"
        unit = "（单位万元，不要带“万元”等文字）" if "万元" in col.header else (
            "（不要带百分号）" if "%" in col.header else "")
        rng = (f"，范围 {low}～{high}" if col.maximum is not None
               else "，不能为负数" if low == 0 else f"，不小于 {low}")
        return DataValidation(type="whole" if col.kind == "int" else "decimal", operator="between",
                              formula1=plain_number(Decimal(low)), formula2=plain_number(Decimal(high)),
                              allow_blank=True,
                              showErrorMessage=True, errorStyle="stop", errorTitle=f"请填写{what}",
                              error=f"“{col.header}”应为{what}{unit}{rng}。")
    if col.kind == "date":
        return DataValidation(type="date", operator="between", formula1="DATE(1990,1,1)",
                              formula2="DATE(2100,12,31)", allow_blank=True, showErrorMessage=True,
                              errorStyle="stop", errorTitle="请填写日期",
                              error=f"“{col.header}”应为日期，例如 2024-06-30。")
    return None


def unit_list_ref(unit_rows: int = UNIT_LIST_ROWS) -> str:
    """The range of 单位简称 the 单位 drop-downs list: '单位'!$A$2:$A$1001 (quoted: a Chinese sheet name)."""
    from openpyxl.utils import quote_sheetname

    return f"{quote_sheetname(UNITS.name)}!$A$2:$A${unit_rows + 1}"


def add_spec_sheet(wb: Any, spec: SheetSpec, records: list[dict[str, Any]], *,
                   statuses: tuple[str, ...] = DEFAULT_STATUSES, unit_rows: int = UNIT_LIST_ROWS,
                   example: bool = False) -> Any:
    """One sheet of the spec: bold frozen Chinese headers, a note on every column (every field of 评价信息),
    widths, date formats, and a drop-down or a number/date check on every column that has one. ``records``
    are the rows (one dict for a 字段 | 内容 sheet); ``example`` styles them as the template's example."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(spec.name)
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor=HEAD_FILL)
    example_font = Font(italic=True, color=EXAMPLE_FONT)
    wrap = Alignment(wrap_text=True, vertical="top")
    validations: dict[int, Any] = {}

    def validate(col: ColumnSpec, ref: str) -> None:
        dv = _validation(col, statuses, unit_rows)
        if dv is None:
            return
        key = id(col)
        if key not in validations:
            validations[key] = dv
            ws.add_data_validation(dv)
        validations[key].add(ref)

    if spec.layout == "fields":
        ws.append(["字段", "内容"])
        values = records[0] if records else {}
        for row, col in enumerate(spec.columns, start=2):
            ws.append([col.header, _cell(values.get(col.key))])
            ws.cell(row=row, column=1).comment = _comment(column_note(col))
            ws.cell(row=row, column=1).font = Font(bold=True)
            ws.cell(row=row, column=2).alignment = wrap
            if example:
                ws.cell(row=row, column=2).font = example_font
            validate(col, f"B{row}")
        ws.column_dimensions["A"].width = 22
        ws.column_dimensions["B"].width = 90
        ws.cell(row=1, column=1).comment = _comment("字段名，须与模板一致；不要改动这一列。")
        ws.cell(row=1, column=2).comment = _comment(spec.note + "把鼠标移到各字段名上可查看填写说明。")
    else:
        ws.append([c.header for c in spec.columns])
        for rec in records:
            ws.append([_cell(rec.get(c.key)) for c in spec.columns])
        last = ws.max_row
        for idx, col in enumerate(spec.columns, start=1):
            letter = get_column_letter(idx)
            ws.column_dimensions[letter].width = col.width
            ws.cell(row=1, column=idx).comment = _comment(column_note(col))
            if col.kind == "date":
                for r in range(2, last + 1):
                    ws.cell(row=r, column=idx).number_format = "yyyy-mm-dd"
            if example:
                for r in range(2, last + 1):
                    ws.cell(row=r, column=idx).font = example_font
            validate(col, f"{letter}2:{letter}{LAST_ROW}")
    _keep_text(ws)
    for cell in ws[1]:
        cell.font = head_font
        cell.fill = head_fill
    ws.freeze_panes = "A2"
    return ws


def write_workbook(ev: Evaluation, target: str | Path | BinaryIO) -> None:
    """Write an evaluation in the spec's format (frozen Chinese headers, notes, drop-downs)."""
    wb = new_book()
    unit_rows = max(UNIT_LIST_ROWS, len(ev.units))
    for spec in SPEC:
        add_spec_sheet(wb, spec, _rows(ev, spec), statuses=ev.meta.statuses, unit_rows=unit_rows)
    save_book(wb, target)


def workbook_bytes(ev: Evaluation) -> bytes:
    buf = io.BytesIO()
    write_workbook(ev, buf)
    return buf.getvalue()
