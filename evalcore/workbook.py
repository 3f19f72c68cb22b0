"""The workbook format: one spec of sheets and columns that the reader, the validator and the writer derive from.

Errors and warnings are :class:`Message` (sheet, row, column, value, message in Chinese). Row numbers are the
row numbers Excel shows (the header is row 1).
"""
from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from . import scoring
from .model import (
    DEFAULT_BANDS,
    DEFAULT_CLOSED,
    DEFAULT_STATUSES,
    ILLUSTRATIVE_SECTIONS,
    Achievement,
    BudgetLine,
    Evaluation,
    Indicator,
    Meta,
    Problem,
    Recommendation,
    RectificationItem,
    Score,
    StatusChange,
    Unit,
    UnitResult,
)
from .numbers import HUNDRED, ZERO, round2, to_decimal

# --- the spec ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | int | decimal | date | list
    required: bool = False
    choices: tuple[str, ...] | str = ()  # fixed values, or "units" / "statuses" for values from the workbook
    note: str = ""
    example: Any = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    default: Any = None
    width: int = 14


@dataclass(frozen=True)
class SheetSpec:
    key: str
    name: str
    columns: tuple[Column, ...]
    required: bool = False
    layout: str = "table"  # table: a header row then records; fields: 字段 | 内容 rows
    note: str = ""
    unique: tuple[str, ...] = ()  # column keys whose values must be unique together

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


NONNEG = Decimal(0)
EXPERT_LABELS = tuple(scoring.EXPERT_METHODS.values())
METHOD_LABELS = tuple(scoring.METHODS.values())

META = SheetSpec("meta", "评价信息", layout="fields", required=True, note="评价的基本信息，每行一个字段。", columns=(
    Column("title", "评价标题", required=True, example="2023年度××市信息化建设和运维项目绩效评价结果", width=60),
    Column("year", "年度", kind="int", example=2023, minimum=Decimal(1990), maximum=Decimal(2100)),
    Column("region", "地区", example="××市"),
    Column("evaluator", "评价机构", example="××市财政局绩效评价工作组"),
    Column("project", "评价项目", example="信息化建设和运维项目"),
    Column("conclusion", "评价结论", note="报告“评价结论”一节的原文。"),
    Column("grade_bands", "等次划分", default="优:90;良:80;中:60;差:0",
           note="等次:下限（含），用分号分隔；默认按财预〔2020〕10号。"),
    Column("expert_method", "专家得分合成方式", choices=EXPERT_LABELS, default=EXPERT_LABELS[0]),
    Column("rate_target", "执行率目标（%）", kind="decimal", default="90", minimum=NONNEG, maximum=HUNDRED,
           note="图表中预算执行率的目标线。"),
    Column("statuses", "整改状态", default="；".join(DEFAULT_STATUSES), note="可选的整改状态，用分号分隔。"),
    Column("closed_statuses", "视为完成的状态", default="；".join(DEFAULT_CLOSED), note="计入整改率的状态。"),
    Column("illustrative", "示例数据", note="报告未公布、仅作示意的部分：指标得分、整改（用分号分隔）。"),
    Column("illustrative_note", "示例数据说明"),
    Column("source", "数据来源"),
    Column("stated_total_budget", "报告资金总额（万元）", kind="decimal", minimum=NONNEG,
           note="报告正文所列的资金（预算）总额；与各单位预算之和不一致时给出警告。"),
    Column("stated_total_executed", "报告实际执行总额（万元）", kind="decimal", minimum=NONNEG,
           note="报告正文所列的实际执行总额（如有）。"),
))

UNITS = SheetSpec("units", "单位", required=True, unique=("key",), note="被评价单位及相关单位，每行一个。", columns=(
    Column("key", "单位简称", required=True, example="市数据局", note="其他工作表用简称引用单位。"),
    Column("name", "单位全称", example="××市数据局", width=24),
    Column("role", "单位类型", example="项目主管单位"),
    Column("note", "备注", width=30),
))

BUDGET = SheetSpec("budget", "预算执行", note="每个单位（或单位下每个项目）一行，金额单位为万元。", columns=(
    Column("unit", "单位", required=True, choices="units", example="市数据局"),
    Column("project", "项目名称", example="信息化建设和运维项目", width=24),
    Column("kind", "项目类型", example="建设", note="如 建设、运维。"),
    Column("budget", "预算金额（万元）", kind="decimal", required=True, minimum=NONNEG, example="3400.06"),
    Column("executed", "实际执行金额（万元）", kind="decimal", required=True, minimum=NONNEG, example="2811.47"),
    Column("stated_rate", "报告执行率（%）", kind="decimal", minimum=NONNEG, example="82.69",
           note="报告中写明的执行率，用于核对；可不填。"),
    Column("note", "说明", width=30),
))

INDICATORS = SheetSpec("indicators", "指标体系", unique=("id",),
                       note="一级/二级/三级指标，每行一个；同一层级分值合计为 100，下级分值合计等于上级分值。",
                       columns=(
    Column("id", "指标编号", required=True, example="B11"),
    Column("parent", "上级编号", example="B1", note="一级指标不填。"),
    Column("level", "层级", kind="int", required=True, minimum=Decimal(1), maximum=Decimal(3), example=3),
    Column("name", "指标名称", required=True, example="预算执行率", width=22),
    Column("points", "分值", kind="decimal", required=True, minimum=NONNEG, example="5"),
    Column("method", "评分方式", choices=METHOD_LABELS, default=METHOD_LABELS[0]),
    Column("params", "评分参数", note="分档计分填 执行率下限:得分比例，如 95:100;90:80;0:0。"),
    Column("note", "指标说明", width=30),
))

SCORES = SheetSpec("scores", "指标评分", unique=("unit", "indicator", "expert"),
                   note="每位专家对每个单位每个末级指标的得分；按规则计分的指标（如预算执行率）不必填写。",
                   columns=(
    Column("unit", "单位", required=True, choices="units", example="市数据局"),
    Column("indicator", "指标编号", required=True, example="A11"),
    Column("expert", "专家", default="评价组", example="专家1"),
    Column("score", "得分", kind="decimal", minimum=NONNEG, example="1.8", note="填得分或扣分其中之一。"),
    Column("deduction", "扣分", kind="decimal", minimum=NONNEG, note="扣分制指标可填扣分，得分 = 分值 − 扣分。"),
    Column("note", "扣分说明", width=30),
))

RESULTS = SheetSpec("results", "评价结果", unique=("unit",), note="报告公布的总得分和等次（以报告为准）。", columns=(
    Column("unit", "单位", required=True, choices="units", example="市数据局"),
    Column("stated_score", "报告得分", kind="decimal", minimum=NONNEG, maximum=HUNDRED, example="86.98"),
    Column("stated_grade", "报告等次", example="良"),
    Column("note", "说明", width=30),
))

ACHIEVEMENTS = SheetSpec("achievements", "产出成效", note="产出成果及效益，按领域分组，顺序即报告顺序。", columns=(
    Column("area_no", "领域序号", kind="int", required=True, minimum=Decimal(1), example=1),
    Column("area", "成效领域", required=True, example="不断打造样板标杆，持续发展数字经济", width=30),
    Column("seq", "序号", kind="int", minimum=Decimal(1), example=1),
    Column("text", "内容", required=True, width=60),
))

PROBLEMS = SheetSpec("problems", "问题", unique=("id",), note="存在的主要问题，按类别分组，措辞和顺序与报告一致。",
                     columns=(
    Column("id", "问题编号", required=True, example="P1-1"),
    Column("category_no", "类别序号", kind="int", required=True, minimum=Decimal(1), example=1),
    Column("category", "问题类别", required=True, example="资金使用管理效率有待提高", width=28),
    Column("seq", "序号", kind="int", required=True, minimum=Decimal(1), example=1),
    Column("text", "问题内容", required=True, width=60),
    Column("unit", "涉及单位", choices="units"),
))

RECOMMENDATIONS = SheetSpec("recommendations", "建议", unique=("id",),
                            note="建议，按类别分组；对应问题填问题编号或问题类别（如 P1）。", columns=(
    Column("id", "建议编号", required=True, example="R1-1"),
    Column("category_no", "类别序号", kind="int", required=True, minimum=Decimal(1), example=1),
    Column("category", "建议类别", required=True, example="进一步提高资金预算管理效率", width=28),
    Column("seq", "序号", kind="int", required=True, minimum=Decimal(1), example=1),
    Column("text", "建议内容", required=True, width=60),
    Column("answers", "对应问题", kind="list", example="P1", note="问题编号或问题类别，多个用分号分隔。"),
))

RECTIFICATION = SheetSpec("rectification", "整改", unique=("id",), note="整改事项，每行一个。", columns=(
    Column("id", "整改编号", required=True, example="Z01"),
    Column("problem", "对应问题编号", example="P1-1"),
    Column("task", "整改事项", required=True, width=40),
    Column("unit", "责任单位", choices="units", example="市数据局"),
    Column("deadline", "整改期限", kind="date", example=dt.date(2024, 12, 31)),
    Column("status", "整改状态", required=True, choices="statuses", example="整改中"),
    Column("progress", "整改进度（%）", kind="decimal", minimum=NONNEG, maximum=HUNDRED, example="50"),
    Column("note", "备注", width=30),
    Column("evidence", "佐证材料", width=30, note="证明已整改的材料，如文件名称、文号或链接。"),
))

HISTORY = SheetSpec("history", "整改记录", note="整改状态的每次变化，按日期记录。", columns=(
    Column("item", "整改编号", required=True, example="Z01"),
    Column("date", "日期", kind="date", required=True, example=dt.date(2024, 6, 30)),
    Column("old_status", "原状态", choices="statuses", example="未开始"),
    Column("new_status", "新状态", required=True, choices="statuses", example="整改中"),
    Column("progress", "整改进度（%）", kind="decimal", minimum=NONNEG, maximum=HUNDRED),
    Column("note", "说明", width=30),
    Column("by", "记录人"),
))

SPEC: tuple[SheetSpec, ...] = (META, UNITS, BUDGET, INDICATORS, SCORES, RESULTS, ACHIEVEMENTS, PROBLEMS,
                               RECOMMENDATIONS, RECTIFICATION, HISTORY)
SHEETS = {s.key: s for s in SPEC}


# --- messages ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    sheet: str
    row: int | None
    column: str
    value: str
    message: str
    level: str = "error"  # error | warning

    def __str__(self) -> str:
        where = self.sheet
        if self.row:
            where += f" 第{self.row}行"
        if self.column:
            where += f"“{self.column}”列"
        found = f"（现为“{self.value}”）" if self.value != "" else ""
        return f"{where}：{self.message}{found}"

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "sheet": self.sheet, "row": self.row, "column": self.column,
                "value": self.value, "message": self.message}


@dataclass
class ReadResult:
    evaluation: Evaluation | None
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and self.evaluation is not None


class _Collector:
    def __init__(self) -> None:
        self.errors: list[Message] = []
        self.warnings: list[Message] = []

    def error(self, sheet: str, row: int | None, column: str, value: Any, message: str) -> None:
        self.errors.append(Message(sheet, row, column, _show(value), message))

    def warn(self, sheet: str, row: int | None, column: str, value: Any, message: str) -> None:
        self.warnings.append(Message(sheet, row, column, _show(value), message, "warning"))


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text if len(text) <= 80 else text[:77] + "…"


# --- cell conversion --------------------------------------------------------------------------------------

_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def _clean_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def convert(col: Column, value: Any) -> tuple[Any, str | None]:
    """(converted value, None) or (None, Chinese message). Empty cells convert to None."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None, None
    if col.kind == "text":
        return _clean_text(value), None
    if col.kind == "list":
        parts = [p.strip() for p in re.split(r"[;；,，、\s]+", _clean_text(value)) if p.strip()]
        return tuple(parts), None
    if col.kind in ("decimal", "int"):
        if isinstance(value, bool) or isinstance(value, (dt.date, dt.time, dt.timedelta)):
            return None, "应为数值"
        try:
            number = to_decimal(value)
        except ValueError:
            text = str(value)
            if "万" in text or "元" in text:
                return None, "应为数值，单位已在列名中，请去掉“万元”等文字"
            if "%" in text or "％" in text:
                return None, "应为数值，请去掉百分号"
            return None, "应为数值"
        if col.kind == "int":
            if number != number.to_integral_value():
                return None, "应为整数"
            number = int(number)
        if col.minimum is not None and number < col.minimum:
            return None, f"不能小于 {col.minimum}" if col.minimum != 0 else "不能为负数"
        if col.maximum is not None and number > col.maximum:
            return None, f"不能大于 {col.maximum}"
        return number, None
    if col.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date(), None
        if isinstance(value, dt.date):
            return value, None
        m = _DATE_RE.fullmatch(str(value).strip())
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), None
            except ValueError:
                pass
        return None, "应为日期，例如 2024-06-30"
    raise ValueError(f"unknown column kind {col.kind}")  # pragma: no cover - a spec bug


# --- reading ----------------------------------------------------------------------------------------------

Raw = dict[str, list[list[Any]]]


def read_raw(source: str | Path | bytes | BinaryIO) -> Raw:
    """Every sheet's cells as lists of rows (python-calamine), row 0 = Excel row 1. Raises ValueError in Chinese."""
    import python_calamine

    try:
        if isinstance(source, (str, Path)):
            wb = python_calamine.CalamineWorkbook.from_path(str(source))
        else:
            data = source if isinstance(source, bytes) else source.read()
            wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}
    except Exception as exc:  # calamine raises several types for a file that is not a workbook
        raise ValueError(f"无法读取该文件：不是有效的 Excel 工作簿（.xlsx）。{type(exc).__name__}") from exc


@dataclass
class _Record:
    row: int
    values: dict[str, Any]
    raw: dict[str, Any]


def _header_map(spec: SheetSpec, header: list[Any], out: _Collector) -> dict[str, int] | None:
    by_header = {}
    for idx, cell in enumerate(header):
        text = _clean_text(cell)
        if text:
            by_header.setdefault(text, idx)
    mapping: dict[str, int] = {}
    missing = False
    for col in spec.columns:
        if col.header in by_header:
            mapping[col.key] = by_header[col.header]
        elif col.required:
            out.error(spec.name, 1, col.header, "", "缺少必填列，请按模板恢复该列标题")
            missing = True
    known = {c.header for c in spec.columns}
    for text, idx in by_header.items():
        if text not in known:
            out.warn(spec.name, 1, text, "", f"未知列（第{idx + 1}列）将被忽略")
    return None if missing else mapping


def _read_table(spec: SheetSpec, rows: list[list[Any]], out: _Collector) -> list[_Record]:
    if not rows:
        if spec.required:
            out.error(spec.name, None, "", "", "工作表为空")
        return []
    mapping = _header_map(spec, rows[0], out)
    if mapping is None:
        return []
    records = []
    for i, cells in enumerate(rows[1:], start=2):
        raw = {k: (cells[idx] if idx < len(cells) else None) for k, idx in mapping.items()}
        if all(_clean_text(v) == "" for v in raw.values()):
            continue
        values: dict[str, Any] = {}
        bad = False
        for col in spec.columns:
            if col.key not in mapping:
                values[col.key] = col.default
                continue
            value, problem = convert(col, raw[col.key])
            if problem:
                out.error(spec.name, i, col.header, raw[col.key], problem)
                bad = True
            elif value is None and col.required:
                out.error(spec.name, i, col.header, "", "必填项为空")
                bad = True
            values[col.key] = value if value is not None else col.default
        if not bad:
            records.append(_Record(i, values, raw))
    if spec.unique:
        seen: dict[tuple, int] = {}
        keep = []
        for rec in records:
            key = tuple(rec.values.get(k) for k in spec.unique)
            if key in seen:
                headers = "、".join(spec.column(k).header for k in spec.unique)
                out.error(spec.name, rec.row, spec.column(spec.unique[-1]).header, "／".join(map(_show, key)),
                          f"{headers}重复（与第{seen[key]}行相同），请删除或改正其中一行")
            else:
                seen[key] = rec.row
                keep.append(rec)
        records = keep
    return records


def _read_fields(spec: SheetSpec, rows: list[list[Any]], out: _Collector) -> tuple[dict[str, Any], dict[str, int]]:
    by_label: dict[str, tuple[int, Any]] = {}
    for i, cells in enumerate(rows, start=1):
        label = _clean_text(cells[0]) if cells else ""
        if not label or label in ("字段", "项目"):
            continue
        by_label.setdefault(label, (i, cells[1] if len(cells) > 1 else None))
    values: dict[str, Any] = {}
    field_rows: dict[str, int] = {}
    known = {c.header for c in spec.columns}
    for label, (i, _) in by_label.items():
        if label not in known:
            out.warn(spec.name, i, "字段", label, "未知字段将被忽略")
    for col in spec.columns:
        row, raw = by_label.get(col.header, (None, None))
        if row is not None:
            field_rows[col.key] = row
        value, problem = convert(col, raw)
        if problem:
            out.error(spec.name, row, col.header, raw, problem)
            value = None
        elif value is None and col.required:
            out.error(spec.name, row, col.header, "", "必填项为空" if row else "缺少该字段，请按模板添加")
        values[col.key] = value if value is not None else col.default
    return values, field_rows


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"[;；,，、]+", text or "") if p.strip())


def _build_meta(values: dict[str, Any], field_rows: dict[str, int], out: _Collector) -> Meta:
    sheet = META.name
    try:
        bands = scoring.parse_bands(values["grade_bands"] or "")
    except ValueError as exc:
        out.error(sheet, field_rows.get("grade_bands"), "等次划分", values["grade_bands"], str(exc))
        bands = DEFAULT_BANDS
    statuses = _split(values["statuses"]) or DEFAULT_STATUSES
    closed = _split(values["closed_statuses"]) or DEFAULT_CLOSED
    for s in closed:
        if s not in statuses:
            out.error(sheet, field_rows.get("closed_statuses"), "视为完成的状态", s,
                      f"不在整改状态（{'、'.join(statuses)}）之中")
    illustrative = set()
    for part in _split(values["illustrative"]):
        if part in ILLUSTRATIVE_SECTIONS:
            illustrative.add(ILLUSTRATIVE_SECTIONS[part])
        else:
            out.error(sheet, field_rows.get("illustrative"), "示例数据", part,
                      f"只能填 {'、'.join(ILLUSTRATIVE_SECTIONS)}")
    return Meta(
        title=values["title"] or "",
        year=values["year"],
        region=values["region"] or "",
        evaluator=values["evaluator"] or "",
        project=values["project"] or "",
        conclusion=values["conclusion"] or "",
        grade_bands=bands,
        expert_method=scoring.EXPERT_METHOD_BY_LABEL.get(values["expert_method"] or "", "mean"),
        rate_target=values["rate_target"] if values["rate_target"] is not None else Decimal(90),
        statuses=statuses,
        closed_statuses=closed,
        illustrative=frozenset(illustrative),
        illustrative_note=values["illustrative_note"] or "",
        source=values["source"] or "",
        stated_total_budget=values["stated_total_budget"],
        stated_total_executed=values["stated_total_executed"],
    )


def read_workbook(source: str | Path | bytes | BinaryIO) -> ReadResult:
    """Read and validate a workbook. Never raises for bad input: every problem is a Message."""
    out = _Collector()
    try:
        raw = read_raw(source)
    except ValueError as exc:
        out.error("（文件）", None, "", "", str(exc))
        return ReadResult(None, out.errors, out.warnings)
    return build_evaluation(raw, out)


def build_evaluation(raw: Raw, out: _Collector | None = None) -> ReadResult:
    out = out or _Collector()
    names = {s.name for s in SPEC}
    for name in raw:
        if name not in names and name != INSTRUCTIONS_SHEET:
            out.warn(name, None, "", "", "未知工作表将被忽略")
    for spec in SPEC:
        if spec.required and spec.name not in raw:
            out.error(spec.name, None, "", "", "缺少必需的工作表，请使用模板")
    if out.errors:
        return ReadResult(None, out.errors, out.warnings)

    meta = _build_meta(*_read_fields(META, raw[META.name], out), out)
    recs = {spec.key: _read_table(spec, raw.get(spec.name, []), out) for spec in SPEC if spec.layout == "table"}

    units = tuple(Unit(r.values["key"], r.values["name"] or "", r.values["role"] or "", r.values["note"] or "")
                  for r in recs["units"])
    lookup = _unit_lookup(units)

    def unit_ref(spec: SheetSpec, rec: _Record, key: str = "unit") -> str | None:
        value = rec.values.get(key)
        if value is None:
            return None
        found = lookup.get(_norm(value))
        if found is None:
            out.error(spec.name, rec.row, spec.column(key).header, value,
                      "单位未在“单位”工作表中列出，请先添加该单位或改用已列出的简称")
        return found

    def status_ok(spec: SheetSpec, rec: _Record, key: str) -> bool:
        value = rec.values.get(key)
        if value is not None and value not in meta.statuses:
            out.error(spec.name, rec.row, spec.column(key).header, value,
                      f"未知的整改状态，可选：{'、'.join(meta.statuses)}")
            return False
        return True

    budget_lines = []
    for r in recs["budget"]:
        v = r.values
        unit = unit_ref(BUDGET, r)
        if unit is None:
            continue
        budget_lines.append(BudgetLine(unit, v["budget"], v["executed"], v["project"] or "", v["kind"] or "",
                                       v["stated_rate"], v["note"] or ""))
        if v["budget"] is not None and v["executed"] is not None and v["executed"] > v["budget"]:
            out.warn(BUDGET.name, r.row, "实际执行金额（万元）", v["executed"], f"超过预算金额 {v['budget']}，请核实")
        if v["budget"] == ZERO:
            out.warn(BUDGET.name, r.row, "预算金额（万元）", "0", "预算为 0，无法计算执行率")

    indicators = []
    for r in recs["indicators"]:
        v = r.values
        method = scoring.METHOD_BY_LABEL.get(v["method"] or "", None)
        if method is None:
            out.error(INDICATORS.name, r.row, "评分方式", v["method"], f"可选：{'、'.join(METHOD_LABELS)}")
            continue
        if method == "banded":
            try:
                scoring.parse_banded(v["params"] or "")
            except ValueError as exc:
                out.error(INDICATORS.name, r.row, "评分参数", v["params"], str(exc))
                continue
        indicators.append(Indicator(v["id"], v["name"], v["points"], v["level"], v["parent"] or None, method,
                                    v["params"] or "", v["note"] or ""))
    ind_by_id = {i.id: i for i in indicators}
    ind_rows = {r.values["id"]: r.row for r in recs["indicators"]}
    for ind in indicators:
        if ind.parent is not None:
            parent = ind_by_id.get(ind.parent)
            if parent is None:
                out.error(INDICATORS.name, ind_rows[ind.id], "上级编号", ind.parent, "上级指标编号不存在")
            elif parent.level != ind.level - 1:
                out.error(INDICATORS.name, ind_rows[ind.id], "层级", ind.level,
                          f"应比上级指标 {parent.id} 的层级（{parent.level}）大 1")
        elif ind.level != 1:
            out.error(INDICATORS.name, ind_rows[ind.id], "上级编号", "", "非一级指标必须填写上级编号")
    if not out.errors:
        for p in scoring.check_points(tuple(indicators)):
            row = ind_rows.get(p.indicator) if p.indicator else None
            out.error(INDICATORS.name, row, "分值", p.found, p.message)
    leaf_ids = {i.id for i in scoring.leaves(tuple(indicators))}

    scores = []
    for r in recs["scores"]:
        v = r.values
        unit = unit_ref(SCORES, r)
        ind = ind_by_id.get(v["indicator"])
        if ind is None:
            out.error(SCORES.name, r.row, "指标编号", v["indicator"], "指标编号不在“指标体系”中")
            continue
        if ind.id not in leaf_ids:
            out.error(SCORES.name, r.row, "指标编号", v["indicator"], "只能给末级指标打分，上级指标得分自动汇总")
            continue
        if v["score"] is None and v["deduction"] is None:
            out.error(SCORES.name, r.row, "得分", "", "得分和扣分至少填一项")
            continue
        if v["score"] is not None and v["deduction"] is not None and v["score"] + v["deduction"] != ind.points:
            out.error(SCORES.name, r.row, "扣分", v["deduction"], f"得分 + 扣分应等于分值 {ind.points}")
            continue
        score = v["score"] if v["score"] is not None else ind.points - v["deduction"]
        if score > ind.points:
            out.error(SCORES.name, r.row, "得分", v["score"], f"超过该指标分值 {ind.points}")
            continue
        if score < ZERO:
            out.error(SCORES.name, r.row, "扣分", v["deduction"], f"超过该指标分值 {ind.points}")
            continue
        if unit is not None:
            scores.append(Score(unit, ind.id, v["expert"] or "评价组", score, v["note"] or ""))

    grades = {b.grade for b in meta.grade_bands}
    results = []
    for r in recs["results"]:
        v = r.values
        unit = unit_ref(RESULTS, r)
        if v["stated_grade"] is not None and v["stated_grade"] not in grades:
            out.error(RESULTS.name, r.row, "报告等次", v["stated_grade"], f"可选：{'、'.join(sorted(grades))}")
            continue
        if unit is not None:
            results.append(UnitResult(unit, v["stated_score"], v["stated_grade"], v["note"] or ""))

    achievements = tuple(Achievement(r.values["area_no"], r.values["area"], r.values["seq"] or i, r.values["text"])
                         for i, r in enumerate(recs["achievements"], start=1))

    problems = []
    for r in recs["problems"]:
        v = r.values
        unit = unit_ref(PROBLEMS, r) if v["unit"] else None
        problems.append(Problem(v["id"], v["category_no"], v["category"], v["seq"], v["text"], unit))
    _check_categories(PROBLEMS, recs["problems"], out)
    problem_ids = {p.id for p in problems}
    problem_cats = {f"P{p.category_no}" for p in problems}

    recommendations = []
    for r in recs["recommendations"]:
        v = r.values
        answers = tuple(v["answers"] or ())
        for ref in answers:
            if ref not in problem_ids and ref.upper() not in problem_cats:
                out.error(RECOMMENDATIONS.name, r.row, "对应问题", ref, "问题编号或问题类别（如 P1）不存在")
        recommendations.append(Recommendation(v["id"], v["category_no"], v["category"], v["seq"], v["text"],
                                              tuple(a.upper() if a.upper() in problem_cats else a for a in answers)))
    _check_categories(RECOMMENDATIONS, recs["recommendations"], out)

    history: dict[str, list[StatusChange]] = defaultdict(list)
    item_ids = {r.values["id"] for r in recs["rectification"]}
    for r in recs["history"]:
        v = r.values
        if v["item"] not in item_ids:
            out.error(HISTORY.name, r.row, "整改编号", v["item"], "整改编号不在“整改”工作表中")
            continue
        old_ok = status_ok(HISTORY, r, "old_status")  # both checked, so both problems are reported at once
        if status_ok(HISTORY, r, "new_status") and old_ok:
            history[v["item"]].append(StatusChange(v["item"], v["date"], v["old_status"] or "", v["new_status"],
                                                   v["progress"], v["note"] or "", v["by"] or ""))
    rectification = []
    for r in recs["rectification"]:
        v = r.values
        unit = unit_ref(RECTIFICATION, r) if v["unit"] else None
        if v["problem"] and v["problem"] not in problem_ids:
            out.error(RECTIFICATION.name, r.row, "对应问题编号", v["problem"], "问题编号不在“问题”工作表中")
        if not status_ok(RECTIFICATION, r, "status"):
            continue
        changes = tuple(sorted(history.get(v["id"], []), key=lambda c: c.date))
        if changes and changes[-1].new_status != v["status"]:
            out.warn(RECTIFICATION.name, r.row, "整改状态", v["status"],
                     f"与整改记录中最后一次变化（{changes[-1].date.isoformat()} → {changes[-1].new_status}）不一致")
        rectification.append(RectificationItem(v["id"], v["problem"], v["task"], unit, v["deadline"], v["status"],
                                               v["progress"], v["note"] or "", changes, v["evidence"] or ""))

    if out.errors:
        return ReadResult(None, out.errors, out.warnings)
    ev = Evaluation(meta, units, tuple(budget_lines), tuple(indicators), tuple(scores), tuple(results),
                    achievements, tuple(problems), tuple(recommendations), tuple(rectification))
    _cross_checks(ev, recs, out)
    return ReadResult(ev, out.errors, out.warnings)


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", str(text))


def _unit_lookup(units: tuple[Unit, ...]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for u in units:
        lookup.setdefault(_norm(u.key), u.key)
    for u in units:
        if u.name:
            lookup.setdefault(_norm(u.name), u.key)
    return lookup


def _check_categories(spec: SheetSpec, records: list[_Record], out: _Collector) -> None:
    names: dict[int, tuple[str, int]] = {}
    for r in records:
        no, cat = r.values["category_no"], r.values["category"]
        if no in names and names[no][0] != cat:
            out.error(spec.name, r.row, spec.column("category").header, cat,
                      f"类别序号 {no} 在第{names[no][1]}行的类别名称为“{names[no][0]}”，同一类别名称应一致")
        names.setdefault(no, (cat, r.row))


def _cross_checks(ev: Evaluation, recs: dict[str, list[_Record]], out: _Collector) -> None:
    """Warnings that do not block: stated figures that disagree with computed ones."""
    for r in recs["budget"]:
        stated = r.values["stated_rate"]
        if stated is None:
            continue
        b, e = r.values["budget"], r.values["executed"]
        if b:
            computed = round2(e / b * HUNDRED)
            if computed != round2(stated):
                out.warn(BUDGET.name, r.row, "报告执行率（%）", stated,
                         f"与按金额计算的执行率 {computed}% 不一致（{e} ÷ {b}）")
    scores = scoring.all_unit_scores(ev)
    result_rows = {r.values["unit"]: r.row for r in recs["results"]}
    for unit, us in scores.items():
        row = result_rows.get(unit)
        if us.breakdown_disagrees:
            out.warn(RESULTS.name, row, "报告得分", us.stated_total,
                     f"指标得分合计为 {round2(us.computed_total)}，与报告得分不一致；以报告得分为准")
        if us.stated_grade and us.total is not None:
            grade = scoring.grade_for(us.total, ev.meta.grade_bands)
            if grade != us.stated_grade:
                out.warn(RESULTS.name, row, "报告等次", us.stated_grade,
                         f"按得分 {round2(us.total)} 和等次划分应为“{grade}”")


# --- writing ----------------------------------------------------------------------------------------------

INSTRUCTIONS_SHEET = "填写说明"


def _rows(ev: Evaluation, spec: SheetSpec) -> list[dict[str, Any]]:
    m = ev.meta
    if spec.key == "meta":
        inverse = {v: k for k, v in ILLUSTRATIVE_SECTIONS.items()}
        return [{
            "title": m.title, "year": m.year, "region": m.region, "evaluator": m.evaluator, "project": m.project,
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


def _cell(value: Any) -> Any:
    """Decimals are written as numbers: exact for the 2-decimal figures this format holds."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def write_workbook(ev: Evaluation, target: str | Path | BinaryIO) -> None:
    """Write an evaluation in the spec's format (frozen Chinese headers, notes on each column)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="1F4E9C")
    wrap = Alignment(wrap_text=True, vertical="top")
    for spec in SPEC:
        ws = wb.create_sheet(spec.name)
        rows = _rows(ev, spec)
        if spec.layout == "fields":
            ws.append(["字段", "内容"])
            for col in spec.columns:
                ws.append([col.header, _cell(rows[0][col.key])])
            ws.column_dimensions["A"].width = 20
            ws.column_dimensions["B"].width = 90
            for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
                row[0].alignment = wrap
        else:
            ws.append([c.header for c in spec.columns])
            for rec in rows:
                ws.append([_cell(rec.get(c.key)) for c in spec.columns])
            for idx, col in enumerate(spec.columns, start=1):
                ws.column_dimensions[get_column_letter(idx)].width = col.width
                if col.kind == "date":
                    for cell in ws.iter_cols(min_col=idx, max_col=idx, min_row=2):
                        for c in cell:
                            c.number_format = "yyyy-mm-dd"
                note = _column_note(col)
                if note:
                    ws.cell(row=1, column=idx).comment = Comment(note, "EvalBoard")
        for cell in ws[1]:
            cell.font = head_font
            cell.fill = head_fill
        ws.freeze_panes = "A2"
    if isinstance(target, (str, Path)):
        wb.save(str(target))
    else:
        wb.save(target)


def _column_note(col: Column) -> str:
    parts = ["必填" if col.required else "选填"]
    kinds = {"decimal": "数值", "int": "整数", "date": "日期（如 2024-06-30）", "list": "可填多个，用分号分隔"}
    if col.kind in kinds:
        parts.append(kinds[col.kind])
    if "万元" in col.header:
        parts.append("单位：万元")
    if isinstance(col.choices, tuple) and col.choices:
        parts.append("可选：" + "、".join(col.choices))
    elif col.choices == "units":
        parts.append("填“单位”工作表中的单位简称")
    elif col.choices == "statuses":
        parts.append("填“评价信息”中列出的整改状态")
    if col.note:
        parts.append(col.note)
    return "；".join(parts)


def workbook_bytes(ev: Evaluation) -> bytes:
    buf = io.BytesIO()
    write_workbook(ev, buf)
    return buf.getvalue()
