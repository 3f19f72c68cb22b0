"""The blank workbook evaluators fill in (``python -m evalcore template OUT.xlsx``, the app's download button).

Everything comes from :data:`evalcore.workbook.SPEC`: the 填写说明 sheet (workflow, every sheet and column with
required or not, kind, unit, allowed values, notes and examples, the validation rules and the limits), and every
data sheet as :func:`evalcore.workbook.write_workbook` writes it (bold frozen headers, a note on every column,
drop-downs and number/date checks), with one example row built from the columns' ``example`` values. The
examples of all sheets form one valid evaluation, so the template itself passes ``read_workbook``.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any, BinaryIO

from .model import DEFAULT_STATUSES
from .workbook import (
    INSTRUCTIONS_SHEET,
    KIND_LABELS,
    MAX_DATA_ROWS,
    MAX_FILE_BYTES,
    MAX_UNCOMPRESSED_BYTES,
    MESSAGES_PER_RULE,
    SPEC,
    UNITS,
    VALIDATION_RULES,
    ColumnSpec,
    SheetSpec,
    add_spec_sheet,
    column_note,
    convert,
    new_book,
    save_book,
)
from .workbook.spec import EXAMPLE_MARK

TITLE = "EvalBoard 绩效评价数据模板 · 填写说明"
HEADERS = ("工作表 / 列名", "是否必填", "类型", "单位", "可选值或范围", "说明", "示例")
WIDTHS = (26, 10, 14, 8, 36, 62, 30)

WORKFLOW = (
    f"先填“评价信息”（评价的基本信息）和“{UNITS.name}”（被评价单位及相关单位）；其他工作表用单位简称引用单位，"
    "可从下拉列表选择。",
    "再按需要填写其余工作表；没有的内容可以留空，但请保留第1行的列标题。",
    "各工作表第2行（灰色斜体）和“评价信息”第二列中的内容是示例，请直接改写或删除；"
    f"仍含“{EXAMPLE_MARK}”的示例行不能发布。",
    "金额单位为万元，执行率、进度单位为 %，只填数字（如 3400.06、82.69），不要带“万元”“%”等文字。",
    "把鼠标移到列标题（“评价信息”为字段名）上可查看填写说明；有下拉箭头的列请从列表中选择。",
    "不要改动工作表名称、列名和字段名，不要合并单元格；可以增加行，不必删除空行。",
    "保存为 Excel 工作簿（.xlsx）后在看板中上传；也可在命令行运行 python -m evalcore validate 文件.xlsx。",
    "校验结果分“错误”和“警告”：有错误不能发布，警告不阻止发布但请核实。每条提示都写明工作表、行、列、"
    "现在填写的值和改正方法，按提示修改后重新上传即可。",
)


def _typed(col: ColumnSpec, value: Any) -> Any:
    """A spec value (often a string such as "3400.06") as the cell should hold it: a number, a date, text."""
    if value is None:
        return None
    converted, problem = convert(col, value)
    if problem:  # pragma: no cover - a spec bug; test_template checks every example converts
        raise ValueError(f"{col.header}: example {value!r}: {problem}")
    if isinstance(converted, tuple):
        return "；".join(converted)
    return converted


def example_record(spec: SheetSpec) -> dict[str, Any]:
    """The template's example row of a sheet (for 评价信息: every field's example, else its default)."""
    return {c.key: _typed(c, c.example if c.example is not None else c.default) for c in spec.columns}


def _choices_text(col: ColumnSpec) -> str:
    if isinstance(col.choices, tuple) and col.choices:
        return "、".join(col.choices)
    if col.choices == "units":
        return f"“{UNITS.name}”工作表中的单位简称"
    if col.choices == "statuses":
        return f"“评价信息”中的整改状态（默认：{'、'.join(DEFAULT_STATUSES)}）"
    if col.minimum is not None and col.maximum is not None:
        return f"{col.minimum}～{col.maximum}"
    if col.minimum is not None:
        return "不能为负数" if col.minimum == 0 else f"不小于 {col.minimum}"
    return ""


def _unit_text(col: ColumnSpec) -> str:
    if "万元" in col.header:
        return "万元"
    if "%" in col.header:
        return "%"
    return ""


def _example_text(col: ColumnSpec) -> str:
    value = _typed(col, col.example if col.example is not None else col.default)
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _instructions(wb: Any) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(INSTRUCTIONS_SHEET, 0)
    bold = Font(bold=True)
    section = Font(bold=True, size=12, color="1F4E9C")
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="1F4E9C")
    sheet_fill = PatternFill("solid", fgColor="DDE6F4")
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width

    ws.append([TITLE])
    ws["A1"].font = Font(bold=True, size=16)
    ws.append(["本模板由系统按工作簿规格自动生成；请在后面的各工作表中填写，本说明页上传时会被忽略。"])
    ws.append([])
    ws.append(["一、填写流程"])
    ws.cell(row=ws.max_row, column=1).font = section
    for n, text in enumerate(WORKFLOW, start=1):
        ws.append([f"{n}. {text}"])
    ws.append([])
    ws.append(["二、各工作表和列"])
    ws.cell(row=ws.max_row, column=1).font = section
    for spec in SPEC:
        layout = ("每行一个字段：第一列是字段名，第二列填内容。" if spec.layout == "fields"
                  else "第1行是列标题，每行一条记录。")
        ws.append([spec.name, "必填工作表" if spec.required else "可选工作表", "", "", "", spec.note + layout])
        for cell in ws[ws.max_row]:
            cell.fill = sheet_fill
            cell.font = bold
        ws.cell(row=ws.max_row, column=6).alignment = wrap
        ws.append(list(HEADERS))
        for cell in ws[ws.max_row]:
            cell.font = head_font
            cell.fill = head_fill
        for col in spec.columns:
            ws.append([col.header, "必填" if col.required else "选填", KIND_LABELS[col.kind].split("，")[0],
                       _unit_text(col), _choices_text(col), column_note(col), _example_text(col)])
            for c in (5, 6, 7):
                ws.cell(row=ws.max_row, column=c).alignment = wrap
        ws.append([])
    ws.append(["三、校验规则（错误：不能发布，须改正；警告：可以发布，请核实）"])
    ws.cell(row=ws.max_row, column=1).font = section
    for level, text in VALIDATION_RULES:
        ws.append([level, "", "", "", "", text])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, color="C00000" if level == "错误" else "B7791F")
    ws.append([])
    ws.append(["四、限制"])
    ws.cell(row=ws.max_row, column=1).font = section
    mb = 1024 * 1024
    for text in (
        f"文件大小不超过 {MAX_FILE_BYTES // mb} MB，解压后不超过 {MAX_UNCOMPRESSED_BYTES // mb} MB。",
        f"每个工作表最多读取 {MAX_DATA_ROWS:,} 行数据（足够 1,000 个单位 × 30 个指标 × 3 位专家的评分）。",
        "只接受 Excel 工作簿（.xlsx）：旧版 .xls、含宏的 .xlsm、CSV、网页导出的表格请先另存为 .xlsx。",
        f"同一类问题最多逐条列出 {MESSAGES_PER_RULE} 处，其余合并为一条“另有 N 处同类……”的提示。",
    ):
        ws.append([text])


def build_template() -> Any:
    """The template as an openpyxl Workbook: 填写说明 first, then every sheet of the spec with its example."""
    wb = new_book()
    for spec in SPEC:
        add_spec_sheet(wb, spec, [example_record(spec)], statuses=DEFAULT_STATUSES, example=True)
    _instructions(wb)
    wb.active = 0
    return wb


def write_template(target: str | Path | BinaryIO) -> None:
    save_book(build_template(), target)


def template_bytes() -> bytes:
    buf = io.BytesIO()
    write_template(buf)
    return buf.getvalue()
