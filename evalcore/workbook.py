"""The workbook format: one spec of sheets and columns that the reader, the validator and the writer derive from.

Errors and warnings are :class:`Message` (sheet, row, column, value, message in Chinese; every message says what
to do). Row numbers are the row numbers Excel shows (the header is row 1). Errors block publishing, warnings do
not; :data:`VALIDATION_RULES` lists both (the template's instructions show it).

Reading is defensive: an uploaded file is checked before python-calamine sees it (see :func:`read_raw`), so a
broken or hostile file gives a Chinese message instead of an exception, a hang, a process abort or an exhausted
memory. python-calamine allocates rows x columns for a sheet and reserves what a shared-strings table declares,
so a single value in cell XFD1048576, or a declared count of 4 billion strings, would abort the process: the
extent of every sheet and the declared count are checked first. The limits below are chosen so that a large real
evaluation still fits: 1,000 units x 30 indicators x 3 experts is about 90,000 rows on 指标评分, under
:data:`MAX_DATA_ROWS` (150,000); a file of that size is a few MB, far under :data:`MAX_FILE_BYTES`.

Decisions:

- Only what the person uploading can see and check is published: a hidden or very hidden sheet (of the spec or
  not) is an error naming it, and so is any formula in a data cell (its saved result may be stale or come from
  another file): the message says to paste values.
- "Empty category" warnings: a row that holds only a category (number and/or name) and no item is ignored with a
  warning (a heading row copied from the report), and category numbers with a gap (1, 2, 4) warn that category 3
  has no item. A category row with an item id but no text is an error (the item's text is required).
- A number written with 万/万元 in a 万元 column ("3400.06万元"), or with full-width digits ("３４００．０６"), is an
  error that gives the number to type; 元, 千元 and 亿元 are refused with the converted figure in the message.
- A unit reference with leading, trailing or full-width spaces is an error naming the listed unit to use.
  Referring to a unit by its full name (单位全称) is accepted silently.
- Error values (#DIV/0!, #REF!, #N/A, ...) are errors naming the cell, and so is a formula without a saved result.
  Text that merely looks like "#N/A" or "=SUM(...)" is text.
- Messages are capped: :data:`MESSAGES_PER_RULE` per sheet, column and rule, then one "另有 N 处同类…" summary.
"""
from __future__ import annotations

import bisect
import datetime as dt
import gc
import io
import re
import threading
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
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
from .numbers import HUNDRED, ZERO, fmt2, to_decimal

# --- the spec ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | int | decimal | date | list
    required: bool = False
    choices: tuple[str, ...] | str = ()  # fixed values, or "units" / "statuses" for values from the workbook
    note: str = ""
    example: Any = None  # the template's example row; the examples of all sheets form one valid evaluation
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    default: Any = None
    width: int = 14
    # The column must be in the sheet (a missing header is an error, as for a required column) though its cells
    # may be blank; a formula without a saved result in it is an error (its value is unknown, not "not stated").
    column_required: bool = False


@dataclass(frozen=True)
class SheetSpec:
    key: str
    name: str
    columns: tuple[Column, ...]
    required: bool = False
    layout: str = "table"  # table: a header row then records; fields: 字段 | 内容 rows
    note: str = ""
    unique: tuple[str, ...] = ()  # column keys whose values must be unique together
    group: tuple[str, str] | None = None  # (number key, name key) of the category the rows are grouped in

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


NONNEG = Decimal(0)
MAX_SEQ = Decimal(9999)  # category / area / item numbers: far above any report, and bounded
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
    Column("stated_total_budget", "报告资金总额（万元）", kind="decimal", minimum=NONNEG, example="3400.06",
           note="报告正文所列的资金（预算）总额；与各单位预算之和不一致时给出警告。"),
    Column("stated_total_executed", "报告实际执行总额（万元）", kind="decimal", minimum=NONNEG, example="2811.47",
           note="报告正文所列的实际执行总额（如有）；与各单位实际执行之和不一致时给出警告。"),
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
    Column("budget", "预算金额（万元）", kind="decimal", column_required=True, minimum=NONNEG, example="3400.06",
           note="报告未列明预算金额时可不填（该单位的执行率显示为“无法计算”）；预算金额、实际执行金额、"
                "报告执行率至少填一项。"),
    Column("executed", "实际执行金额（万元）", kind="decimal", column_required=True, minimum=NONNEG, example="2811.47",
           note="报告未列明实际执行金额时可不填（该单位的执行率显示为“无法计算”）。"),
    Column("stated_rate", "报告执行率（%）", kind="decimal", minimum=NONNEG, example="82.69",
           note="报告中写明的执行率，用于核对；可不填。"),
    Column("note", "说明", width=30),
))

INDICATORS = SheetSpec("indicators", "指标体系", unique=("id",),
                       note="一级/二级/三级指标，每行一个；同一层级分值合计为 100，下级分值合计等于上级分值。",
                       columns=(
    Column("id", "指标编号", required=True, example="A", note="如 A、A1、A11。"),
    Column("parent", "上级编号", note="一级指标不填；二级、三级指标填上级指标的编号，如 A1。"),
    Column("level", "层级", kind="int", required=True, minimum=Decimal(1), maximum=Decimal(3), example=1),
    Column("name", "指标名称", required=True, example="综合绩效", width=22),
    Column("points", "分值", kind="decimal", required=True, minimum=NONNEG, example="100"),
    Column("method", "评分方式", choices=METHOD_LABELS, default=METHOD_LABELS[0]),
    Column("params", "评分参数", note="分档计分填 执行率下限:得分比例，如 95:100;90:80;0:0。"),
    Column("note", "指标说明", width=30),
))

SCORES = SheetSpec("scores", "指标评分", unique=("unit", "indicator", "expert"),
                   note="每位专家对每个单位每个末级指标的得分；按规则计分的指标（如预算执行率）不必填写。",
                   columns=(
    Column("unit", "单位", required=True, choices="units", example="市数据局"),
    Column("indicator", "指标编号", required=True, example="A", note="末级指标的编号。"),
    Column("expert", "专家", default="评价组", example="专家1"),
    Column("score", "得分", kind="decimal", minimum=NONNEG, example="86.98", note="填得分或扣分其中之一。"),
    Column("deduction", "扣分", kind="decimal", minimum=NONNEG, note="扣分制指标可填扣分，得分 = 分值 − 扣分。"),
    Column("note", "扣分说明", width=30),
))

RESULTS = SheetSpec("results", "评价结果", unique=("unit",), note="报告公布的总得分和等次（以报告为准）。", columns=(
    Column("unit", "单位", required=True, choices="units", example="市数据局"),
    Column("stated_score", "报告得分", kind="decimal", minimum=NONNEG, maximum=HUNDRED, example="86.98"),
    Column("stated_grade", "报告等次", example="良", note="须是“评价信息”等次划分中的等次。"),
    Column("note", "说明", width=30),
))

ACHIEVEMENTS = SheetSpec("achievements", "产出成效", group=("area_no", "area"),
                         note="产出成果及效益，按领域分组，顺序即报告顺序。", columns=(
    Column("area_no", "领域序号", kind="int", required=True, minimum=Decimal(1), maximum=MAX_SEQ, example=1),
    Column("area", "成效领域", required=True, example="不断打造样板标杆，持续发展数字经济", width=30),
    Column("seq", "序号", kind="int", minimum=Decimal(1), maximum=MAX_SEQ, example=1),
    Column("text", "内容", required=True, width=60, example="建成统一的政务数据共享平台（示例）"),
))

PROBLEMS = SheetSpec("problems", "问题", unique=("id",), group=("category_no", "category"),
                     note="存在的主要问题，按类别分组，措辞和顺序与报告一致。", columns=(
    Column("id", "问题编号", required=True, example="P1-1"),
    Column("category_no", "类别序号", kind="int", required=True, minimum=Decimal(1), maximum=MAX_SEQ, example=1),
    Column("category", "问题类别", required=True, example="资金使用管理效率有待提高", width=28),
    Column("seq", "序号", kind="int", required=True, minimum=Decimal(1), maximum=MAX_SEQ, example=1),
    Column("text", "问题内容", required=True, width=60, example="部分项目预算执行率偏低（示例）"),
    Column("unit", "涉及单位", choices="units"),
))

RECOMMENDATIONS = SheetSpec("recommendations", "建议", unique=("id",), group=("category_no", "category"),
                            note="建议，按类别分组；对应问题填问题编号或问题类别（如 P1）。", columns=(
    Column("id", "建议编号", required=True, example="R1-1"),
    Column("category_no", "类别序号", kind="int", required=True, minimum=Decimal(1), maximum=MAX_SEQ, example=1),
    Column("category", "建议类别", required=True, example="进一步提高资金预算管理效率", width=28),
    Column("seq", "序号", kind="int", required=True, minimum=Decimal(1), maximum=MAX_SEQ, example=1),
    Column("text", "建议内容", required=True, width=60, example="加强预算执行进度监控（示例）"),
    Column("answers", "对应问题", kind="list", example="P1", note="问题编号或问题类别，多个用分号分隔。"),
))

RECTIFICATION = SheetSpec("rectification", "整改", unique=("id",), note="整改事项，每行一个。", columns=(
    Column("id", "整改编号", required=True, example="Z01"),
    Column("problem", "对应问题编号", example="P1-1"),
    Column("task", "整改事项", required=True, width=40, example="提高预算执行率（示例）"),
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

_BUDGET_HEADER = BUDGET.column("budget").header  # looked up once, not on every row
_EXECUTED_HEADER = BUDGET.column("executed").header

SPEC: tuple[SheetSpec, ...] = (META, UNITS, BUDGET, INDICATORS, SCORES, RESULTS, ACHIEVEMENTS, PROBLEMS,
                               RECOMMENDATIONS, RECTIFICATION, HISTORY)
SHEETS = {s.key: s for s in SPEC}
INSTRUCTIONS_SHEET = "填写说明"
FILE_SHEET = "（文件）"  # the "sheet" of messages about the file as a whole

# --- limits (see the module docstring) --------------------------------------------------------------------

MAX_FILE_BYTES = 30 * 1024 * 1024  # the uploaded file; a 100,000-row workbook is 2-4 MB
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # all parts of the workbook once unzipped
MAX_COMPRESSION_RATIO = 400  # per part above RATIO_CHECK_BYTES; real sheets stay under about 50
RATIO_CHECK_BYTES = 1024 * 1024
MAX_ZIP_ENTRIES = 5000
MAX_DATA_ROWS = 150_000  # data rows read per sheet (rows after it: one error); 1,000 x 30 x 3 = 90,000 scores
MAX_SHEET_CELLS = 6_000_000  # rows x columns of a sheet's used area, checked before it is parsed
MAX_BOOK_CELLS = 12_000_000  # the same, summed over the sheets that are read
MAX_MERGED = 10_000  # merged ranges per sheet
MAX_SHARED_STRINGS = 5_000_000  # python-calamine reserves memory for the count a file declares
MESSAGES_PER_RULE = 50  # then one summary message "另有 N 处同类…"
MESSAGES_PER_SHEET = 1000
MAX_NUMBER = Decimal("1e12")  # 万元: far above any budget; keeps Decimal arithmetic exact
MIN_NONZERO = Decimal("1e-6")

# What the validator checks, for the instructions sheet of the template (evalcore.template).
VALIDATION_RULES: tuple[tuple[str, str], ...] = (
    ("错误", "缺少必需的工作表（评价信息、单位）或必填列，列名与模板不一致"),
    ("错误", "单元格类型不对：数值列填了文字，整数列填了小数，日期列填了无法识别的日期"),
    ("错误", "金额、分值、得分为负数，或超出允许范围（如得分超过 100、整改进度超过 100%）"),
    ("错误", "引用了“单位”工作表中没有列出的单位"),
    ("错误", "编号重复（单位简称、指标编号、问题编号、建议编号、整改编号，及同一单位同一指标同一专家的评分）"),
    ("错误", "同一层级的指标分值合计不为 100，或下级指标分值合计不等于上级分值"),
    ("错误", "得分超过该指标分值，或给非末级指标打分"),
    ("错误", "整改期限、记录日期不是日期；整改状态不在“评价信息”列出的状态中"),
    ("错误", "数据单元格是公式（请粘贴为数值），或是公式错误值（#DIV/0!、#REF!、#N/A 等）"),
    ("错误", "数字中有全角字符或带“万元”字样；单位名称前后有空格；工作簿中有隐藏的工作表"),
    ("错误", "预算执行的一行中预算金额、实际执行金额、报告执行率都没有填写"),
    ("错误", "表头有合并单元格；不是 .xlsx 文件、文件损坏、含宏、超出大小或行数限制"),
    ("警告", "实际执行金额超过预算金额；报告执行率与按金额计算的执行率不一致"),
    ("警告", "只填了预算金额、实际执行金额中的一项且没有报告执行率（该单位的执行率无法计算）"),
    ("警告", "报告得分与指标得分合计不一致，报告等次与等次划分不一致（以报告为准）"),
    ("警告", "报告资金总额、实际执行总额与各单位合计不一致"),
    ("警告", "只有类别、没有内容的行（将被忽略）；类别序号不连续"),
    ("警告", "未知的工作表、列或字段（将被忽略）；数据区的合并单元格"),
)


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


_RULE_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_RULE_QUOTED = re.compile(r"“[^”]*”")


_RULES: dict[str, str] = {}


def _rule_of(message: str) -> str:
    """Messages that differ only in numbers or quoted values are one rule (for the cap on messages)."""
    rule = _RULES.get(message)
    if rule is None:
        if len(_RULES) > 10_000:
            _RULES.clear()
        rule = _RULES[message] = _RULE_QUOTED.sub("“”", _RULE_DIGITS.sub("#", message))
    return rule


class _Collector:
    """Errors and warnings, at most MESSAGES_PER_RULE of a kind: 200,000 bad rows give a bounded list."""

    def __init__(self, per_rule: int = MESSAGES_PER_RULE, per_sheet: int = MESSAGES_PER_SHEET) -> None:
        self.errors: list[Message] = []
        self.warnings: list[Message] = []
        self._per_rule = per_rule
        self._per_sheet = per_sheet
        self._rules: Counter[tuple[str, str, str, str]] = Counter()
        self._sheets: Counter[tuple[str, str]] = Counter()
        self._first: dict[tuple[str, str, str, str], str] = {}
        self._dropped: Counter[tuple[str, str]] = Counter()

    def error(self, sheet: str, row: int | None, column: str, value: Any, message: str) -> None:
        self._add("error", sheet, row, column, value, message)

    def warn(self, sheet: str, row: int | None, column: str, value: Any, message: str) -> None:
        self._add("warning", sheet, row, column, value, message)

    def _add(self, level: str, sheet: str, row: int | None, column: str, value: Any, message: str) -> None:
        rule = (level, sheet, column, _rule_of(message))
        self._rules[rule] += 1
        self._first.setdefault(rule, message)
        if self._rules[rule] > self._per_rule:
            return
        if self._sheets[(level, sheet)] >= self._per_sheet:
            self._dropped[(level, sheet)] += 1
            return
        self._sheets[(level, sheet)] += 1
        target = self.errors if level == "error" else self.warnings
        target.append(Message(sheet, row, column, _show(value), message, level))

    def finish(self) -> None:
        """Append one summary message per rule that was cut off."""
        for rule, n in self._rules.items():
            if n > self._per_rule:
                level, sheet, column, _ = rule
                kind = "错误" if level == "error" else "警告"
                text = (f"另有 {n - self._per_rule} 处同类{kind}未逐条列出（{self._first[rule]}）；"
                        "请按上面列出的各处同样改正后重新上传")
                target = self.errors if level == "error" else self.warnings
                target.append(Message(sheet, None, column, "", text, level))
        for (level, sheet), n in self._dropped.items():
            kind = "错误" if level == "error" else "警告"
            target = self.errors if level == "error" else self.warnings
            target.append(Message(sheet, None, "", "", f"本工作表{kind}过多，另有 {n} 条未列出；"
                                  "请先改正上面列出的问题，再重新上传查看其余问题", level))
        self._rules.clear()
        self._dropped.clear()


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _col_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _col_index(letters: str) -> int:
    """Excel letters -> 0-based column index (A -> 0)."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


# --- cell conversion --------------------------------------------------------------------------------------

_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_UNIT_SUFFIX = re.compile(r"(.*?)\s*(万元|万|亿元|亿|千元|元)")
_NUMBER_HINT = "请只填写数字，例如 3400.06"


def _blank(value: Any) -> bool:
    """An empty cell: None, "" (how python-calamine gives empty cells) or only whitespace."""
    return value is None or value == "" or (type(value) is str and not value.strip())


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


def _plain(number: Decimal) -> str:
    """A Decimal as people write it: 3400.06, 0.5, 100 (no exponent, no trailing zeros)."""
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _number_with_unit(col: Column, text: str) -> tuple[Decimal | None, str | None, str | None]:
    """A number written with a money unit ("3400.06万元", "34000600元"): (value, problem, note)."""
    m = _UNIT_SUFFIX.fullmatch(text)
    if not m:
        return None, None, None
    try:
        number = to_decimal(m.group(1))
    except ValueError:
        return None, None, None
    unit = m.group(2)
    in_wan = "万元" in col.header
    if not in_wan:
        return None, f"应为数值，本列不是金额列，请去掉“{unit}”字，{_NUMBER_HINT}", None
    if unit in ("万元", "万"):
        return None, (f"应为数值：列名已注明单位为万元，请只填数字 {_plain(number)}，不要带“{unit}”字"), None
    factor = {"亿元": Decimal(10000), "亿": Decimal(10000), "千元": Decimal("0.1"), "元": Decimal("0.0001")}[unit]
    wan = _plain(number * factor)
    return None, (f"应为数值，且单位为万元：“{text}”以“{unit}”为单位，请换算为万元后只填数字"
                  f"（{_plain(number)} {unit} = {wan} 万元，应填 {wan}）"), None


_FULL_WIDTH_NUMBER = re.compile("[\uff10-\uff19\uff0e\uff0c\uff0b\uff0d\uff05\u3000]")
_TO_HALF_WIDTH = {**{0xFF10 + i: 0x30 + i for i in range(10)}, 0xFF0E: ord("."), 0xFF0C: ord(","), 0xFF0B: ord("+"),
                  0xFF0D: ord("-"), 0xFF05: ord("%"), 0x3000: ord(" ")}


def _convert(col: Column, value: Any) -> tuple[Any, str | None, str | None]:
    """(converted value, problem, note): a problem is an error, a note is a warning about how it was read."""
    if value is None:
        return None, None, None
    if type(value) is str:
        value = value.strip()
        if not value:
            return None, None, None
    if col.kind == "text":
        text = value if type(value) is str else _clean_text(value)
        if isinstance(col.choices, tuple) and col.choices and text not in col.choices:
            return None, f"不是可选的值，请从下拉列表中选择：{'、'.join(col.choices)}", None
        return text, None, None
    if col.kind == "list":
        parts = [p.strip() for p in re.split(r"[;；,，、\s]+", _clean_text(value)) if p.strip()]
        return tuple(parts), None, None
    if col.kind in ("decimal", "int"):
        note = None
        if isinstance(value, bool) or isinstance(value, (dt.date, dt.time, dt.timedelta)):
            return None, f"应为数值，不能是日期、时间或是/否，{_NUMBER_HINT}", None
        if type(value) is str and _FULL_WIDTH_NUMBER.search(value):
            half = re.sub(r"\s*(万元|万)$", "", value.translate(_TO_HALF_WIDTH).strip())
            return None, f"数字中有全角字符，请改为半角数字（应填 {half}），或把单元格设为数值格式后重新输入", None
        try:
            number = to_decimal(value)
        except ValueError:
            text = str(value).strip()
            number, problem, note = _number_with_unit(col, text)
            if problem:
                return None, problem, None
            if number is None:
                if "%" in text or "％" in text:
                    return None, "应为数值，请去掉百分号（本列已按 % 计，例如填 82.69）", None
                return None, f"应为数值，{_NUMBER_HINT}", None
        if abs(number) > MAX_NUMBER:
            return None, f"数值过大（超过 {MAX_NUMBER:,.0f}），请检查是否填错或单位是否为万元", None
        if number != 0 and abs(number) < MIN_NONZERO:
            return None, "数值过小（接近 0 但不为 0），请检查是否填错", None
        if col.kind == "int":
            if number != number.to_integral_value():
                return None, "应为整数，请去掉小数部分，例如填 1", None
            number = int(number)
        if col.minimum is not None and number < col.minimum:
            if col.minimum == 0:
                return None, "不能为负数，请填写 0 或正数", None
            return None, f"不能小于 {col.minimum}，{_range_hint(col)}", None
        if col.maximum is not None and number > col.maximum:
            return None, f"不能大于 {col.maximum}，{_range_hint(col)}", None
        return number, None, note
    if col.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date(), None, None
        if isinstance(value, dt.date):
            return value, None, None
        m = _DATE_RE.fullmatch(str(value).strip())
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), None, None
            except ValueError:
                return None, "不是有效的日期（该月没有这一天或月份超出 1～12），请改正，例如 2024-06-30", None
        return None, "应为日期，请填写如 2024-06-30 的日期（年-月-日），或把单元格设为日期格式", None
    raise ValueError(f"unknown column kind {col.kind}")  # pragma: no cover - a spec bug


def _range_hint(col: Column) -> str:
    if col.minimum is not None and col.maximum is not None:
        return f"请填写 {col.minimum} 到 {col.maximum} 之间的数"
    if col.minimum is not None:
        return f"请填写不小于 {col.minimum} 的数"
    return f"请填写不大于 {col.maximum} 的数"


_INF = float("inf")


def _converter(col: Column) -> Any:
    """A function ``cell -> (value, problem, note)`` equal to ``_convert(col, cell)`` for every cell, with a fast
    path for the cells that are almost all of a big sheet (text in a free-text column, a plain number in a number
    column that is in range); anything else, including every cell that has a problem, goes through
    :func:`_convert` itself, so the messages are the same.
    """
    if col.kind == "text" and not (isinstance(col.choices, tuple) and col.choices):
        def text(cell: Any) -> tuple[Any, str | None, str | None]:
            if type(cell) is str:
                cell = cell.strip()
                return (cell or None), None, None
            return _convert(col, cell)
        return text
    if col.kind in ("decimal", "int"):
        is_int, low, high = col.kind == "int", col.minimum, col.maximum

        def number(cell: Any) -> tuple[Any, str | None, str | None]:
            t = type(cell)
            if t is float:
                if cell != cell or cell == _INF or cell == -_INF:
                    return _convert(col, cell)
                value = Decimal(repr(cell))
            elif t is int:
                value = Decimal(cell)
            else:
                return _convert(col, cell)
            size = abs(value)
            if size > MAX_NUMBER or (value and size < MIN_NONZERO):
                return _convert(col, cell)
            if is_int:
                if value != value.to_integral_value():
                    return _convert(col, cell)
                value = int(value)
            if (low is not None and value < low) or (high is not None and value > high):
                return _convert(col, cell)
            return value, None, None
        return number
    return lambda cell: _convert(col, cell)


def convert(col: Column, value: Any) -> tuple[Any, str | None]:
    """(converted value, None) or (None, Chinese message). Empty cells convert to None."""
    value, problem, _ = _convert(col, value)
    return value, problem


# --- opening a file safely --------------------------------------------------------------------------------


class WorkbookError(ValueError):
    """A file that cannot be read at all. The text is Chinese and says what to do; ``sheet`` names the sheet
    when the problem is in one (otherwise :data:`FILE_SHEET`)."""

    def __init__(self, message: str, sheet: str = FILE_SHEET, value: str = "") -> None:
        super().__init__(message)
        self.sheet = sheet
        self.value = value


@dataclass
class SheetInfo:
    """What the reader knows about one sheet of the file besides its cell values."""

    name: str
    state: str = "visible"  # visible | hidden | veryHidden
    kind: str = "worksheet"  # worksheet | chartsheet | other
    part: str = ""  # the zip entry of the sheet, e.g. xl/worksheets/sheet1.xml
    read_as: str = ""  # the spec sheet it is read as ("" when it is not read)
    merged: tuple[tuple[int, int, int, int], ...] = ()  # 0-based first row, first column, last row, last column
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)  # (Excel row, 0-based col) -> "#N/A"
    empty_formulas: set[tuple[int, int]] = field(default_factory=set)  # formulas without a saved result
    formulas: set[tuple[int, int]] = field(default_factory=set)  # every formula cell (saved result or not)
    height: int = 0  # an upper bound of the used rows, from the sheet's XML
    width: int = 0  # an upper bound of the used columns
    merge_index: dict[int, list[tuple[int, int, int, int]]] | None = None


class RawWorkbook(dict):
    """sheet name -> rows of cell values (row 0 = Excel row 1), for the sheets of the spec that the file has;
    ``sheets`` describes every sheet of the file (hidden state, merged and error cells, ...)."""

    def __init__(self, rows: dict[str, list[list[Any]]] | None = None,
                 sheets: dict[str, SheetInfo] | None = None) -> None:
        super().__init__(rows or {})
        self.sheets: dict[str, SheetInfo] = dict(sheets or {})


Raw = dict[str, list[list[Any]]]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = "请在 Excel 或 WPS 中打开它，“另存为”Excel 工作簿（*.xlsx）后再上传"
_UNSAFE = "如果文件来源不明，请不要打开它"
_SKIP_SCAN = (".png", ".jpg", ".jpeg", ".jfif", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".wdp",
              ".ico", ".bin", ".mp3", ".mp4", ".wav")
_STRUCTURE_LIMIT = 4 * 1024 * 1024  # [Content_Types].xml, xl/workbook.xml and its relationships
_CHUNK = 1024 * 1024
_TAIL = 4096


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def _load_bytes(source: str | Path | bytes | BinaryIO) -> bytes:
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            if not path.is_file():
                raise WorkbookError(f"找不到文件“{path.name}”，请检查文件名和路径后重试")
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise _too_big(size)
            return path.read_bytes()
        except OSError as exc:
            raise WorkbookError(f"无法打开文件“{path.name}”（{exc.strerror or type(exc).__name__}），"
                                "请检查文件是否存在、是否有读取权限") from exc
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        try:
            data = source.read(MAX_FILE_BYTES + 1)
        except Exception as exc:  # any stream: a Streamlit upload, an open file, a socket
            raise WorkbookError("无法读取上传的文件，请重新上传") from exc
        if isinstance(data, str):
            raise WorkbookError("文件是以文本方式打开的，无法作为 Excel 工作簿读取；请以二进制方式打开 .xlsx 文件")
        data = bytes(data or b"")
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(len(data))
    return data


def _too_big(size: int) -> WorkbookError:
    return WorkbookError(f"文件过大（{_mb(size)}，上限 {_mb(MAX_FILE_BYTES)}）。正常的评价工作簿只有几 MB；"
                         "请删除图片、多余的工作表和空行后另存为 .xlsx 再上传", value=_mb(size))


def _as_text(head: bytes) -> str | None:
    """The start of the file as text if it looks like text (UTF-8, UTF-16 with BOM, or GB18030), else None."""
    candidates: list[str] = []
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            candidates.append(head[: len(head) // 2 * 2].decode("utf-16"))
        except UnicodeDecodeError:
            pass
    for cut in range(4):
        try:
            candidates.append(head[: len(head) - cut].decode("utf-8-sig"))
            break
        except UnicodeDecodeError:
            continue
    if not candidates:
        for cut in range(4):
            try:
                candidates.append(head[: len(head) - cut].decode("gb18030"))
                break
            except UnicodeDecodeError:
                continue
    for text in candidates:
        if text and not any(ord(ch) < 32 and ch not in "\t\r\n\f" for ch in text):
            return text
    return None


def _sniff(data: bytes) -> None:
    """Raise a WorkbookError naming what the file is, unless it starts like a zip (an .xlsx is a zip)."""
    if not data:
        raise WorkbookError("文件是空的（0 字节）。请下载模板填写后另存为 .xlsx，再上传")
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return
    head = data[:4096]
    if data.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise WorkbookError("文件设置了打开密码（已加密），无法读取。请在 Excel 中取消密码"
                                "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码），另存为 .xlsx 后再上传")
        if "WordDocument".encode("utf-16-le") in data:
            raise WorkbookError("这是 Word 文档（.doc），不是 Excel 工作簿。请上传按模板填写的 Excel 工作簿（.xlsx）")
        if "PowerPoint Document".encode("utf-16-le") in data:
            raise WorkbookError("这是 PowerPoint 演示文稿（.ppt），不是 Excel 工作簿。请上传按模板填写的 .xlsx 文件")
        raise WorkbookError(f"这是旧版 Excel 97-2003 工作簿（.xls），不能直接读取。{_SAVE_AS}")
    if head.startswith(b"%PDF"):
        raise WorkbookError("这是 PDF 文件，不是 Excel 工作簿。请上传按模板填写的 Excel 工作簿（.xlsx）")
    if head.startswith(b"{\\rtf"):
        raise WorkbookError("这是 RTF 文档，不是 Excel 工作簿。请上传按模板填写的 Excel 工作簿（.xlsx）")
    if head[:2] == b"\x1f\x8b" or head.startswith((b"Rar!", b"7z\xbc\xaf\x27\x1c", b"BZh")):
        raise WorkbookError("这是压缩包（gzip、RAR、7z 等），不是 Excel 工作簿。请先解压，再上传其中的 .xlsx 文件")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")):
        raise WorkbookError("这是图片文件，不是 Excel 工作簿。请上传按模板填写的 Excel 工作簿（.xlsx）")
    text = _as_text(head)
    if text is not None:
        low = text.lstrip("\ufeff \t\r\n").lower()
        if low.startswith("<"):
            if "urn:schemas-microsoft-com:office:spreadsheet" in low or "excel.sheet" in low:
                raise WorkbookError(f"这是 Excel 2003 XML 表格，不是 .xlsx 工作簿。{_SAVE_AS}")
            if any(tag in low for tag in ("<html", "<!doctype html", "<table", "<meta", "<body", "<head")):
                raise WorkbookError("这是网页（HTML）文件，不是 Excel 工作簿；有些系统导出的“.xls”其实是网页。"
                                    f"{_SAVE_AS}")
            raise WorkbookError("这是 XML 文本文件，不是 Excel 工作簿（.xlsx）。请下载模板填写后另存为 .xlsx 再上传")
        if any(sep in text for sep in (",", "\t", "，", ";")):
            raise WorkbookError("这是 CSV 文本文件（用逗号或制表符分隔的文字），不是 Excel 工作簿。"
                                "请用模板：把数据粘贴到模板对应的工作表中，另存为 .xlsx 后再上传")
        raise WorkbookError("这是纯文本文件，不是 Excel 工作簿。请下载模板填写后另存为 .xlsx 再上传")
    raise WorkbookError("无法识别的文件格式：既不是 Excel 工作簿（.xlsx），也不是常见的文本或办公文档。"
                        "请确认上传的是按模板填写、另存为 .xlsx 的文件")


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception as exc:  # BadZipFile, an absurd directory (ValueError, OverflowError, ...)
        raise WorkbookError("文件不完整或已损坏（无法读取其 ZIP 结构），可能是下载或上传中断。"
                            "请在 Excel 中重新打开原文件，另存为 .xlsx 后再上传") from exc
    if len(infos) > MAX_ZIP_ENTRIES:
        raise WorkbookError(f"文件内部有 {len(infos):,} 个部件，远超正常的 Excel 工作簿（上限 {MAX_ZIP_ENTRIES:,}），"
                            f"已拒绝读取。请用 Excel 重新保存为 .xlsx；{_UNSAFE}")
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        if "xl/workbook.bin" in names:
            raise WorkbookError(f"这是 Excel 二进制工作簿（.xlsb），不能直接读取。{_SAVE_AS}")
        if "mimetype" in names:
            raise WorkbookError(f"这是 OpenDocument 文件（如 WPS/LibreOffice 的 .ods），不是 .xlsx 工作簿。{_SAVE_AS}")
        if "word/document.xml" in names:
            raise WorkbookError("这是 Word 文档（.docx），不是 Excel 工作簿。请上传按模板填写的 Excel 工作簿（.xlsx）")
        if "ppt/presentation.xml" in names:
            raise WorkbookError("这是 PowerPoint 演示文稿（.pptx），不是 Excel 工作簿。请上传按模板填写的 .xlsx 文件")
        raise WorkbookError("这是一个 ZIP 压缩包，不是 Excel 工作簿（缺少 xl/workbook.xml）。"
                            "如果压缩包里有 .xlsx 文件，请解压后上传该文件")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _macro()
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise WorkbookError("文件内部的部件被加密，无法读取。请取消加密，用 Excel 另存为 .xlsx 后再上传")
        total += info.file_size
        if (info.file_size > RATIO_CHECK_BYTES
                and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)):
            ratio = info.file_size // max(info.compress_size, 1)
            raise WorkbookError(f"文件中的“{info.filename}”压缩比异常（约 {ratio:,} 倍，正常不超过几十倍），"
                                f"疑似“压缩炸弹”，已拒绝读取。请用 Excel 重新保存为 .xlsx；{_UNSAFE}",
                                value=info.filename)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookError(f"文件解压后过大（约 {_mb(total)}，上限 {_mb(MAX_UNCOMPRESSED_BYTES)}），已拒绝读取。"
                            "正常的评价工作簿解压后只有几 MB；请删除多余的工作表、图片和空行后重新保存，"
                            f"{_UNSAFE}", value=_mb(total))
    return zf


def _macro() -> WorkbookError:
    return WorkbookError("这是含宏（VBA）的工作簿（.xlsm），出于安全原因不能上传。请在 Excel 中“另存为”"
                         "Excel 工作簿（*.xlsx，不含宏）后再上传")


_DOCTYPE = (b"<!DOCTYPE", b"<!ENTITY")


def _unsafe_xml(part: str, sheet: str) -> WorkbookError:
    return WorkbookError(f"文件中的“{part}”含有 DOCTYPE/ENTITY 声明（Excel 保存的文件不会有），可能是恶意构造的文件"
                         f"（如“十亿笑声”实体膨胀攻击），已拒绝读取。请用 Excel 重新保存为 .xlsx；{_UNSAFE}",
                         sheet=sheet, value=part)


def _check_encoding(part: str, first: bytes, sheet: str) -> None:
    if first[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in first[:4]:
        raise WorkbookError(f"文件中的“{part}”编码异常（不是 UTF-8），Excel 保存的文件不会这样。"
                            "请用 Excel 重新保存为 .xlsx 后再上传", sheet=sheet, value=part)


def _read_structure(zf: zipfile.ZipFile, name: str) -> bytes:
    """A small structural part, read whole (bounded) and checked for DOCTYPE."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return b""
    if info.file_size > _STRUCTURE_LIMIT:
        raise WorkbookError(f"文件中的“{name}”大小异常（{_mb(info.file_size)}），不是正常的 Excel 工作簿。"
                            f"请用 Excel 重新保存为 .xlsx；{_UNSAFE}", value=name)
    with zf.open(info) as f:
        data = f.read(_STRUCTURE_LIMIT + 1)
    _check_encoding(name, data, FILE_SHEET)
    if any(p in data for p in _DOCTYPE):
        raise _unsafe_xml(name, FILE_SHEET)
    return data


def _xml_root(data: bytes, name: str) -> Any:
    try:
        from defusedxml.ElementTree import fromstring
    except ImportError:  # pragma: no cover - defusedxml is a requirement; DOCTYPE is refused before anyway
        from xml.etree.ElementTree import fromstring
    try:
        return fromstring(data)
    except Exception as exc:
        raise WorkbookError(f"文件中的“{name}”不是有效的 XML，文件已损坏。请用 Excel 重新保存为 .xlsx 后再上传",
                            value=name) from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheets_of(zf: zipfile.ZipFile) -> list[SheetInfo]:
    """The sheets listed in xl/workbook.xml, in order, with their state and zip entry."""
    types = _read_structure(zf, "[Content_Types].xml")
    if b"macroenabled" in types.lower():
        raise _macro()
    targets: dict[str, tuple[str, str]] = {}
    names = set(zf.namelist())
    rels = _read_structure(zf, "xl/_rels/workbook.xml.rels")
    if rels:
        for el in _xml_root(rels, "xl/_rels/workbook.xml.rels").iter():
            if _local(el.tag) == "Relationship":
                target = el.get("Target", "")
                candidates = [target] if target.startswith("/") else ["xl/" + target, target]
                found = [p for p in map(_normpath, candidates) if p in names]
                kind = el.get("Type", "").rsplit("/", 1)[-1]
                targets[el.get("Id", "")] = (found[0] if found else "", kind)
    sheets = []
    for el in _xml_root(_read_structure(zf, "xl/workbook.xml"), "xl/workbook.xml").iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
        part, kind = targets.get(rid, ("", ""))
        if kind not in ("worksheet", "chartsheet"):
            kind = "worksheet" if part.startswith("xl/worksheets/") else "other"
        sheets.append(SheetInfo(name=el.get("name", ""), state=el.get("state", "visible") or "visible",
                                kind=kind, part=part))
    return sheets


def _normpath(path: str) -> str:
    parts: list[str] = []
    for p in path.split("/"):
        if p == "..":
            if parts:
                parts.pop()
        elif p not in ("", "."):
            parts.append(p)
    return "/".join(parts)


_SST_COUNT = re.compile(rb'<sst\b[^>]*?\suniqueCount="(\d{1,20})"')
_BIG_ROW = re.compile(rb'<c r="[A-Z]{1,3}(\d{6,9})"')
_WIDE_COL = re.compile(rb'<c r="([A-Z]{2,3})\d')
_ROW_TAG = re.compile(rb'<row r="(\d{1,9})"')
_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*?\st="e"[^>]*(?<!/)>(.{0,4000}?)</c>', re.S)
_ERROR_VALUE = re.compile(rb"<v>([^<]{0,40})</v>")
_EMPTY_FORMULA = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*(?<!/)>\s*<f\b[^>]*?(?:/>|>[^<]{0,8000}</f>)\s*'
                            rb"(?:<v\s*/>|<v>\s*</v>)?\s*</c>")
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*(?<!/)>\s*<f\b')
_LETTERS = [bytes([c]) for c in range(ord("Z"), ord("A") - 1, -1)]
_BEYOND = [re.compile(rb'<c r="[' + bytes([65 + n]) + rb"-Z]") for n in range(26)]  # column > n (1-based)
_REFLESS = re.compile(rb'<c(?:>| (?!r=")|\t|\n)|<row(?:>| (?!r="))')
_RECORDED = 2000  # error cells / empty formulas remembered per sheet


class _PartScan:
    """A bounded streaming look at one part: DOCTYPE/ENTITY anywhere; for a worksheet, also the extent of its
    cells (so that python-calamine, which allocates rows x columns, is never handed an absurd sheet), its
    error cells (#N/A: calamine reads them as empty) and its formulas without a saved result."""

    def __init__(self, part: str, sheet: SheetInfo | None, size: int = 0) -> None:
        self.part = part
        self.sheet = sheet
        self.size = size
        self.tail = b""
        self.first = True
        self.max_row_tag = 0
        self.big_row = 0
        self.max_col = 0
        self.counts: Counter[bytes] = Counter()
        self.refless = False

    def _count(self, buf: bytes, pattern: bytes) -> None:
        self.counts[pattern] += buf.count(pattern) - self.tail.count(pattern)

    def feed(self, chunk: bytes) -> None:
        where = self.sheet.name if self.sheet else FILE_SHEET
        if self.first:
            _check_encoding(self.part, chunk, where)
            self.first = False
            m = _SST_COUNT.search(chunk, 0, 4096)
            if m and int(m.group(1)) > min(MAX_SHARED_STRINGS, self.size // 5 + 16):
                raise WorkbookError(f"文件中的“{self.part}”声明了 {int(m.group(1)):,} 个文本，与其大小不符，"
                                    f"不是 Excel 保存的正常文件，已拒绝读取。请用 Excel 重新保存为 .xlsx；{_UNSAFE}",
                                    value=self.part)
        buf = self.tail + chunk
        if any(p in buf for p in _DOCTYPE):
            raise _unsafe_xml(self.part, where)
        if self.sheet is not None:
            self._sheet(buf)
        self.tail = buf[-_TAIL:]

    def _sheet(self, buf: bytes) -> None:
        if self.refless or _REFLESS.search(buf):  # cells or rows without a reference: count them
            self.refless = True
            for pattern in (b"<c ", b"<c>", b'<c r="', b"<row ", b"<row>", b'<row r="'):
                self._count(buf, pattern)
        rows = _ROW_TAG.findall(buf)
        if rows:
            self.max_row_tag = max(self.max_row_tag, max(map(int, rows)))
        big = _BIG_ROW.findall(buf)  # every cell, also one with only a style: a safe over-estimate
        if big:
            self.big_row = max(self.big_row, max(map(int, big)))
        wide = _WIDE_COL.findall(buf)
        if wide:
            self.max_col = max(self.max_col, max(_col_index(w.decode()) + 1 for w in set(wide)))
        if self.max_col < 26 and _BEYOND[self.max_col].search(buf):  # a one-letter column right of max_col
            self.max_col = next(26 - i for i, letter in enumerate(_LETTERS) if b'<c r="' + letter in buf)
        info = self.sheet
        assert info is not None
        if b't="e"' in buf and len(info.error_cells) < _RECORDED:
            for m in _ERROR_CELL.finditer(buf):
                v = _ERROR_VALUE.search(m.group(3))
                code = v.group(1).decode("utf-8", "replace") if v else "#错误"
                info.error_cells[(int(m.group(2)), _col_index(m.group(1).decode()))] = code or "#错误"
        if b"<f" in buf and len(info.empty_formulas) < _RECORDED:
            for m in _EMPTY_FORMULA.finditer(buf):
                info.empty_formulas.add((int(m.group(2)), _col_index(m.group(1).decode())))
        if b"<f" in buf and len(info.formulas) < _RECORDED:
            for m in _FORMULA_CELL.finditer(buf):
                info.formulas.add((int(m.group(2)), _col_index(m.group(1).decode())))

    def finish(self) -> None:
        if self.sheet is None:
            return
        c = self.counts
        refless_cells = max(0, c[b"<c "] + c[b"<c>"] - c[b'<c r="'])
        refless_rows = max(0, c[b"<row "] + c[b"<row>"] - c[b'<row r="'])
        if refless_cells or refless_rows:  # positions follow from counting: bound them generously
            height = max(self.max_row_tag, self.big_row) + refless_rows
            width = self.max_col + refless_cells
        else:
            height = self.big_row or min(self.max_row_tag, 99_999)
            width = self.max_col
        self.sheet.height, self.sheet.width = height, width


def _scan(zf: zipfile.ZipFile, sheets: list[SheetInfo]) -> None:
    by_part = {s.part: s for s in sheets if s.part}
    total = 0
    for info in zf.infolist():
        if info.is_dir():
            continue
        sheet = by_part.get(info.filename)
        if sheet is None and info.filename.lower().endswith(_SKIP_SCAN):
            continue  # images and other binary parts: python-calamine never reads them
        scan = _PartScan(info.filename, sheet, info.file_size)
        try:
            with zf.open(info) as f:
                while True:
                    chunk = f.read(_CHUNK)
                    if not chunk:
                        break
                    total += len(chunk)
                    if total > MAX_UNCOMPRESSED_BYTES:
                        raise WorkbookError(
                            f"文件解压后超过 {_mb(MAX_UNCOMPRESSED_BYTES)}（与文件头中登记的大小不符），"
                            f"疑似“压缩炸弹”，已拒绝读取。请用 Excel 重新保存为 .xlsx；{_UNSAFE}")
                    scan.feed(chunk)
        except WorkbookError:
            raise
        except Exception as exc:  # bad CRC, a size that does not match the directory, an unknown compression
            raise WorkbookError(f"文件已损坏：内部部件“{info.filename}”无法解压或校验失败。"
                                "请在 Excel 中重新打开原文件，另存为 .xlsx 后再上传",
                                sheet=sheet.name if sheet else FILE_SHEET, value=info.filename) from exc
        scan.finish()


def _spec_name(name: str) -> str | None:
    """The spec sheet a sheet of the file is read as: its exact name, or its name without stray spaces."""
    if name in _SPEC_NAMES:
        return name
    squeezed = _norm(name)
    return squeezed if squeezed in _SPEC_NAMES else None


_SPEC_NAMES = {s.name for s in SPEC}


def read_raw(source: str | Path | bytes | BinaryIO) -> RawWorkbook:
    """The cells of the spec's sheets (python-calamine), row 0 = Excel row 1, after the file has been checked:
    its size, that it is an .xlsx (not .xls, CSV, HTML, a macro workbook, ...), the unzipped size and the
    compression ratios (zip bombs), no DOCTYPE/ENTITY in any XML part (billion laughs), and each sheet's extent.

    Raises only :class:`WorkbookError` (a ``ValueError``) with a Chinese message saying what to do.
    """
    try:
        return _read_raw(source)
    except WorkbookError:
        raise
    except MemoryError as exc:
        raise WorkbookError("文件内容过多，超出可读取的范围。请删除多余的行、列和工作表后另存为 .xlsx 再上传") from exc
    except Exception as exc:  # calamine and zipfile raise several types for a damaged file
        raise WorkbookError(f"无法读取该文件：不是有效的 Excel 工作簿（.xlsx），或文件已损坏（{type(exc).__name__}）。"
                            "请在 Excel 中打开后另存为 .xlsx 再上传") from exc


def _read_raw(source: str | Path | bytes | BinaryIO) -> RawWorkbook:
    import python_calamine

    data = _load_bytes(source)
    _sniff(data)
    zf = _open_zip(data)
    sheets = _sheets_of(zf)
    _scan(zf, sheets)
    chosen: dict[str, SheetInfo] = {}
    for s in sheets:
        spec_name = _spec_name(s.name)
        if spec_name and (spec_name not in chosen or s.name == spec_name):
            chosen[spec_name] = s
    cells = 0
    for spec_name, s in chosen.items():
        if s.kind != "worksheet":
            raise WorkbookError(f"“{s.name}”是图表或其他类型的工作表，不是数据表。请按模板使用普通工作表",
                                sheet=s.name)
        if not s.part:  # not found, so not checked: python-calamine must not read it unchecked
            raise WorkbookError(f"文件中找不到工作表“{s.name}”的内容，文件已损坏。"
                                "请用 Excel 重新保存为 .xlsx 后再上传", sheet=s.name)
        area = s.height * s.width
        cells += area
        if area > MAX_SHEET_CELLS:
            raise WorkbookError(f"工作表“{s.name}”的使用区域过大（约 {s.height:,} 行 × {s.width:,} 列），"
                                f"超出可读取的范围（{MAX_SHEET_CELLS:,} 个单元格）。通常是远处的行或列误填了内容；"
                                "请删除数据区以外的行和列后另存为 .xlsx 再上传", sheet=s.name,
                                value=f"{s.height}×{s.width}")
        s.read_as = spec_name
    if cells > MAX_BOOK_CELLS:
        raise WorkbookError(f"各工作表的使用区域合计约 {cells:,} 个单元格，超出可读取的范围（{MAX_BOOK_CELLS:,}）。"
                            "请删除数据区以外的行和列，或把数据拆分到多个评价后再上传")
    wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows: dict[str, list[list[Any]]] = {}
    for spec_name, s in chosen.items():
        try:
            sheet = wb.get_sheet_by_name(s.name)
            rows[spec_name] = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
        except Exception as exc:
            raise WorkbookError(f"无法读取工作表“{s.name}”的内容（{type(exc).__name__}），文件可能已损坏。"
                                "请用 Excel 重新保存为 .xlsx 后再上传", sheet=s.name) from exc
        if len(merged) > MAX_MERGED:
            raise WorkbookError(f"工作表“{s.name}”有 {len(merged):,} 个合并单元格（上限 {MAX_MERGED:,}），"
                                "无法逐行读取。请全选该工作表并取消合并单元格，在每一行填写完整后再上传",
                                sheet=s.name, value=f"{len(merged):,}")
        s.merged = tuple((a[0], a[1], b[0], b[1]) for a, b in merged)
    return RawWorkbook(rows, {s.name: s for s in sheets})


# --- reading the sheets -----------------------------------------------------------------------------------


@dataclass
class _Record:
    row: int
    values: dict[str, Any]
    raw: dict[str, Any]


_ERROR_CODES = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA", "#SPILL!",
                "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!")


def _range_ref(r0: int, c0: int, r1: int, c1: int) -> str:
    return f"{_col_letter(c0)}{r0 + 1}:{_col_letter(c1)}{r1 + 1}"


def _merged_at(info: SheetInfo | None, row: int, col: int) -> str | None:
    """The merged range (as A5:A8) that holds Excel row ``row``, 0-based column ``col``, if any."""
    if info is None or not info.merged:
        return None
    if info.merge_index is None:  # per column, the ranges by first row (ranges never overlap)
        index: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
        for r0, c0, r1, c1 in info.merged:
            for c in range(c0, min(c1, c0 + 64) + 1):
                index[c].append((r0, c0, r1, c1))
        info.merge_index = {c: sorted(ranges) for c, ranges in index.items()}
    ranges = info.merge_index.get(col, [])
    at = bisect.bisect_right(ranges, (row - 1, _BIG, _BIG, _BIG)) - 1
    if at >= 0 and ranges[at][0] <= row - 1 <= ranges[at][2]:
        return _range_ref(*ranges[at])
    return None


_BIG = 1 << 40


def _cell_problem(spec: SheetSpec, info: SheetInfo | None, row: int, idx: int, value: Any) -> str | None:
    """An error value in the cell (#DIV/0!, #REF!, ...): calamine reads them as empty, the scan saw them."""
    if info is not None:  # a file: error cells are typed (t="e"); text such as "#N/A" is text
        code = info.error_cells.get((row, idx))
    else:  # cells from elsewhere (a plain {sheet: rows}): an error value can only be recognised by its text
        code = value.strip().upper() if isinstance(value, str) and value.strip().upper() in _ERROR_CODES else None
    if code is None:
        return None
    return (f"单元格 {_col_letter(idx)}{row} 是错误值 {code}（公式计算出错或引用失效），"
            "请改正公式，或直接填写正确的值")


def _empty_hint(info: SheetInfo | None, row: int, idx: int) -> str:
    if info is not None and (row, idx) in info.empty_formulas:
        return (f"单元格 {_col_letter(idx)}{row} 是公式但没有保存计算结果（常见于程序生成的文件），按空白处理；"
                "请在 Excel 中打开并保存一次，或直接填写数值")
    merged = _merged_at(info, row, idx)
    if merged:
        return f"该单元格在合并单元格 {merged} 中，合并后只有第一个单元格有值；请取消合并，在每一行填写完整"
    return ""


def _unknown_formula(idx: int, row: int) -> str:
    return (f"单元格 {_col_letter(idx)}{row} 是公式但没有保存计算结果（常见于程序生成的文件），无法知道其数值；"
            "请在 Excel 中打开并保存一次，或直接填写数值；报告未列明该金额时请清空该单元格")


def _header_map(spec: SheetSpec, header: list[Any], out: _Collector,
                info: SheetInfo | None = None) -> dict[str, int] | None:
    by_header: dict[str, int] = {}
    for idx, cell in enumerate(header):
        text = _clean_text(cell)
        if text:
            by_header.setdefault(text, idx)
    squeezed = {_norm(text): idx for text, idx in by_header.items()}
    mapping: dict[str, int] = {}
    missing = False
    used: set[str] = set()
    for col in spec.columns:
        if col.header in by_header:
            mapping[col.key] = by_header[col.header]
            used.add(col.header)
            continue
        idx = squeezed.get(_norm(col.header))
        if idx is not None:  # "预算金额（万元） " or "单位 简称": the column, with a warning
            found = _clean_text(header[idx])
            mapping[col.key] = idx
            used.add(found)
            out.warn(spec.name, 1, col.header, found,
                     f"列名含多余空格，已按“{col.header}”读取；请删除列名中的空格")
        elif col.required or col.column_required:
            out.error(spec.name, 1, col.header, "",
                      "缺少必填列，请按模板在第1行恢复该列标题（列名须与模板完全一致）")
            missing = True
    for text, idx in by_header.items():
        if text not in used and text not in {c.header for c in spec.columns}:
            out.warn(spec.name, 1, text, "", f"未知列（第{idx + 1}列，{_col_letter(idx)}列）将被忽略；"
                     "如果它是模板中的列，请把列名改成与模板完全一致")
    return None if missing else mapping


def _check_merged(spec: SheetSpec, info: SheetInfo | None, out: _Collector) -> None:
    if info is None:
        return
    for r0, c0, r1, c1 in info.merged:
        ref = _range_ref(r0, c0, r1, c1)
        if r0 == 0 and spec.layout == "table":
            out.error(spec.name, 1, "", ref, f"表头有合并单元格 {ref}，合并后只保留第一个列名，其余列无法识别；"
                      "请取消合并，并按模板在每一列填写列名")
        else:
            out.warn(spec.name, r0 + 1, "", ref, f"合并单元格 {ref} 只有左上角单元格有值，其余单元格按空白读取；"
                     "请取消合并，并在每一行、每一列填写完整")


def _read_table(spec: SheetSpec, rows: list[list[Any]], out: _Collector,
                info: SheetInfo | None = None) -> list[_Record]:
    if not rows:
        if spec.required:
            out.error(spec.name, None, "", "", "工作表为空：请从模板复制第1行的列标题，再逐行填写")
        return []
    _check_merged(spec, info, out)
    mapping = _header_map(spec, rows[0], out, info)
    if mapping is None:
        return []
    data = rows[1:MAX_DATA_ROWS + 1]
    beyond = sum(1 for cells in rows[MAX_DATA_ROWS + 1:] if not all(_blank(v) for v in cells))
    if beyond:
        out.error(spec.name, MAX_DATA_ROWS + 2, "", f"{beyond:,} 行",
                  f"数据行超过上限：每个工作表最多读取 {MAX_DATA_ROWS:,} 行数据（第 2～{MAX_DATA_ROWS + 1:,} 行），"
                  f"其后还有 {beyond:,} 行有内容，未读取；请删除多余的行，或把数据拆分到多个评价")
    records = []
    group = set(spec.group or ())
    errors = info.error_cells if info is not None else {}
    formulas = info.empty_formulas if info is not None else set()
    plan = [(col, mapping[col.key]) for col in spec.columns if col.key in mapping]
    steps = [(col.key, col, idx, _converter(col)) for col, idx in plan]  # per column: converter looked up once
    defaults = {col.key: col.default for col in spec.columns if col.key not in mapping}
    check_text = info is None  # cells not from a file: an error value can only be recognised by its text
    for i, cells in enumerate(data, start=2):
        n = len(cells)
        raw = {key: (cells[idx] if idx < n else None) for key, _, idx, _ in steps}
        if group:
            filled = {k for k, v in raw.items()
                      if v is not None and v != "" and not (type(v) is str and v.isspace())}
            any_filled = bool(filled)
        else:
            filled = set()
            any_filled = False
            for v in raw.values():
                if v is not None and v != "" and not (type(v) is str and v.isspace()):
                    any_filled = True
                    break
        problems = {}
        if errors or (check_text and any(type(v) is str and v.startswith("#") for v in raw.values())):
            problems = {col.key: p for col, idx in plan
                        if (p := _cell_problem(spec, info, i, idx, raw[col.key])) is not None}
            if problems:
                filled |= set(problems)
                any_filled = True
        if not any_filled:
            continue
        if group and not problems and filled <= group:
            name_key, no_key = spec.group[1], spec.group[0]  # type: ignore[index]
            out.warn(spec.name, i, spec.column(name_key).header, raw.get(name_key) or raw.get(no_key),
                     "这一行只有类别、没有内容，将被忽略；类别名称请填在该类别每一条的行上，"
                     "并在同一行填写编号、序号和内容")
            continue
        values: dict[str, Any] = dict(defaults)
        bad = False
        for key, col, idx, conv in steps:
            cell = raw[key]
            if problems and key in problems:
                out.error(spec.name, i, col.header, errors.get((i, idx), cell), problems[key])
                bad = True
                values[key] = None
                continue
            if cell is None or cell == "":  # an empty cell: what _convert gives for it, without the call
                value = problem = note = None
            else:
                value, problem, note = conv(cell)
            if problem:
                out.error(spec.name, i, col.header, cell, problem)
                bad = True
            elif value is None:
                if col.required:
                    hint = _empty_hint(info, i, idx)
                    out.error(spec.name, i, col.header, "", f"必填项为空：{hint}" if hint else
                              f"必填项为空，请填写{col.header}")
                    bad = True
                elif formulas and (i, idx) in formulas:
                    if col.column_required:
                        out.error(spec.name, i, col.header, "", _unknown_formula(idx, i))
                        bad = True
                    else:
                        out.error(spec.name, i, col.header, "", _empty_hint(info, i, idx))
                        bad = True
            if note:
                out.warn(spec.name, i, col.header, cell, note)
            values[key] = value if value is not None else col.default
        if not bad:
            records.append(_Record(i, values, raw))
    if spec.unique:
        seen: dict[tuple, int] = {}
        keep = []
        get = itemgetter(*spec.unique)  # every record has every column's key
        several = len(spec.unique) > 1
        for rec in records:
            key = get(rec.values) if several else (get(rec.values),)
            if key in seen:
                headers = "、".join(spec.column(k).header for k in spec.unique)
                out.error(spec.name, rec.row, spec.column(spec.unique[-1]).header, "／".join(map(_show, key)),
                          f"{headers}重复（与第{seen[key]}行相同），请删除或改正其中一行")
            else:
                seen[key] = rec.row
                keep.append(rec)
        records = keep
    return records


def _read_fields(spec: SheetSpec, rows: list[list[Any]], out: _Collector,
                 info: SheetInfo | None = None) -> tuple[dict[str, Any], dict[str, int]]:
    _check_merged(spec, info, out)
    by_label: dict[str, tuple[int, Any]] = {}
    for i, cells in enumerate(rows[:MAX_DATA_ROWS + 1], start=1):
        label = _clean_text(cells[0]) if cells else ""
        if not label or label in ("字段", "项目"):
            continue
        by_label.setdefault(label, (i, cells[1] if len(cells) > 1 else None))
    values: dict[str, Any] = {}
    field_rows: dict[str, int] = {}
    known = {c.header for c in spec.columns}
    squeezed = {_norm(label): label for label in by_label}
    for col in spec.columns:  # a label with stray spaces is read as the field, with a warning
        if col.header not in by_label and _norm(col.header) in squeezed:
            label = squeezed[_norm(col.header)]
            by_label[col.header] = by_label.pop(label)
            out.warn(spec.name, by_label[col.header][0], "字段", label,
                     f"字段名含多余空格，已按“{col.header}”读取；请删除字段名中的空格")
    for label, (i, _) in by_label.items():
        if label not in known:
            out.warn(spec.name, i, "字段", label, "未知字段将被忽略；如果它是模板中的字段，请把名称改成与模板完全一致")
    for col in spec.columns:
        row, raw = by_label.get(col.header, (None, None))
        if row is not None:
            field_rows[col.key] = row
        problem = _cell_problem(spec, info, row, 1, raw) if row is not None else None
        note = None
        if problem:
            value = None
            raw = info.error_cells.get((row, 1), raw) if info and row is not None else raw
        else:
            value, problem, note = _convert(col, raw)
        if problem:
            out.error(spec.name, row, col.header, raw, problem)
            value = None
        elif value is None and col.required:
            hint = _empty_hint(info, row, 1) if row is not None else ""
            text = f"必填项为空：{hint}" if hint else f"必填项为空，请填写{col.header}"
            out.error(spec.name, row, col.header, "",
                      text if row else "缺少该字段：请按模板在第一列添加这一字段，并在第二列填写内容")
        elif value is None and row is not None and info is not None and (row, 1) in info.empty_formulas:
            out.error(spec.name, row, col.header, "", _empty_hint(info, row, 1))
        if note:
            out.warn(spec.name, row, col.header, raw, note)
        values[col.key] = value if value is not None else col.default
    return values, field_rows


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"[;；,，、]+", text or "") if p.strip())


def _build_meta(values: dict[str, Any], field_rows: dict[str, int], out: _Collector) -> Meta:
    sheet = META.name
    try:
        bands = scoring.parse_bands(values["grade_bands"] or "")
    except ValueError as exc:
        out.error(sheet, field_rows.get("grade_bands"), "等次划分", values["grade_bands"],
                  f"{exc}；请按“优:90;良:80;中:60;差:0”的格式填写")
        bands = DEFAULT_BANDS
    statuses = _split(values["statuses"]) or DEFAULT_STATUSES
    closed = _split(values["closed_statuses"]) or DEFAULT_CLOSED
    for s in closed:
        if s not in statuses:
            out.error(sheet, field_rows.get("closed_statuses"), "视为完成的状态", s,
                      f"不在整改状态（{'、'.join(statuses)}）之中；请改为其中之一，或先把它加到“整改状态”")
    illustrative = set()
    for part in _split(values["illustrative"]):
        if part in ILLUSTRATIVE_SECTIONS:
            illustrative.add(ILLUSTRATIVE_SECTIONS[part])
        else:
            out.error(sheet, field_rows.get("illustrative"), "示例数据", part,
                      f"只能填 {'、'.join(ILLUSTRATIVE_SECTIONS)}（可填多个，用分号分隔），请改正或删除")
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


_gc_lock = threading.Lock()
_gc_readers = 0
_gc_was_enabled = False


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a workbook is read.

    A big read allocates hundreds of thousands of containers (calamine's rows, a dict per record, the model's
    objects) and makes almost no cyclic garbage; meanwhile every full collection re-walks all of them, which
    cost about a fifth of a 1,000-unit import. Reference counting still frees everything as usual. Nested and
    concurrent reads (threads of the app) share one pause: the collector is re-enabled, if it was enabled, when
    the last of them ends; it then collects whatever cycles accumulated.
    """
    global _gc_readers, _gc_was_enabled
    with _gc_lock:
        if _gc_readers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_readers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_readers -= 1
            if _gc_readers == 0 and _gc_was_enabled:
                gc.enable()


def read_workbook(source: str | Path | bytes | BinaryIO) -> ReadResult:
    """Read and validate a workbook. Never raises for bad input: every problem is a Message."""
    out = _Collector()
    with _gc_paused():
        try:
            raw = read_raw(source)
        except WorkbookError as exc:
            out.error(exc.sheet, None, "", exc.value, str(exc))
            return ReadResult(None, out.errors, out.warnings)
        return build_evaluation(raw, out)


def build_evaluation(raw: Raw, out: _Collector | None = None) -> ReadResult:
    """Validate the cells :func:`read_raw` gave (or any ``{sheet name: rows}``) and build the Evaluation."""
    out = out or _Collector()
    try:
        ev = _build(raw, out)
    except Exception as exc:  # a bug of ours must not take the upload page down: report it in Chinese
        out.error(FILE_SHEET, None, "", type(exc).__name__,
                  "校验时发生内部错误，无法完成校验；请把该文件发给系统管理员处理")
        ev = None
    out.finish()
    if out.errors:
        ev = None
    return ReadResult(ev, out.errors, out.warnings)


def _sheet_notes(raw: Raw, out: _Collector) -> None:
    infos: dict[str, SheetInfo] = getattr(raw, "sheets", {}) or {}
    names = list(infos) if infos else list(raw)
    for name in names:
        info = infos.get(name)
        spec_name = info.read_as if info else (name if name in _SPEC_NAMES else "")
        hidden = info is not None and info.state in ("hidden", "veryHidden")
        if spec_name and spec_name != name:
            out.warn(name, None, "", name,
                     f"工作表名称含多余空格，已按“{spec_name}”读取；请把工作表改名为“{spec_name}”")
        # formulas: each other formula problem (no saved result, an error value) has its own message already
        computed = info.formulas - info.empty_formulas - set(info.error_cells) if info is not None else set()
        if spec_name and computed:
            rows = raw.get(spec_name) or raw.get(name) or []
            header = rows[0] if rows else []
            for row, idx in sorted(computed)[:50]:
                column = _clean_text(header[idx]) if idx < len(header) and row > 1 else ""
                cells = rows[row - 1] if 0 < row <= len(rows) else []
                shown = cells[idx] if idx < len(cells) and cells[idx] not in (None, "") else f"{_col_letter(idx)}{row}"
                out.error(spec_name, row, column, shown,
                          f"单元格 {_col_letter(idx)}{row} 是公式：上传的数据须是直接填写的值，公式的结果可能未更新"
                          "或引用了其他文件；请复制该列后“选择性粘贴 → 数值”，再重新上传")
        if hidden:  # nothing is published that the person uploading cannot see
            out.error(name, None, "", "隐藏" if info.state == "hidden" else "深度隐藏",
                      "工作簿中有隐藏的工作表，隐藏的内容未经核对不能发布；请在 Excel 中右键工作表标签选择"
                      "“取消隐藏”并核对其中数据，或删除该工作表后重新上传")
        elif not spec_name and name != INSTRUCTIONS_SHEET and not (info and _spec_name(name)):
            out.warn(name, None, "", "", "未知工作表将被忽略"
                     "；如果其中是要上传的数据，请把数据移到模板中对应的工作表，否则可删除该工作表")


def _build(raw: Raw, out: _Collector) -> Evaluation | None:
    infos: dict[str, SheetInfo] = getattr(raw, "sheets", {}) or {}
    info_of = {s.read_as: s for s in infos.values() if s.read_as}
    _sheet_notes(raw, out)
    for spec in SPEC:
        if spec.required and spec.name not in raw:
            out.error(spec.name, None, "", "",
                      "缺少必需的工作表；请从模板复制该工作表（工作表名称须与模板完全一致）")
    if out.errors:
        return None

    meta_values, meta_rows = _read_fields(META, raw[META.name], out, info_of.get(META.name))
    meta = _build_meta(meta_values, meta_rows, out)
    recs = {spec.key: _read_table(spec, raw.get(spec.name, []), out, info_of.get(spec.name))
            for spec in SPEC if spec.layout == "table"}

    units = tuple(Unit(r.values["key"], r.values["name"] or "", r.values["role"] or "", r.values["note"] or "")
                  for r in recs["units"])
    lookup = _unit_lookup(units)
    # The same few unit references repeat on every row (90,000 score rows name 1,000 units): normalise each
    # distinct value once, and look a column's header up only to report a problem.
    normalised: dict[str, str] = {}

    def norm(value: str) -> str:
        text = normalised.get(value)
        if text is None:
            text = normalised[value] = _norm(value)
        return text

    def unit_ref(spec: SheetSpec, rec: _Record, key: str = "unit") -> str | None:
        value = rec.values.get(key)
        if value is None:
            return None
        found = lookup.get(norm(value))
        if found is None:
            out.error(spec.name, rec.row, spec.column(key).header, value,
                      "单位未在“单位”工作表中列出；请先在“单位”工作表添加该单位，或改用已列出的单位简称")
        else:
            typed = rec.raw.get(key)
            if isinstance(typed, str) and typed != found and norm(typed) == norm(found):
                out.error(spec.name, rec.row, spec.column(key).header, typed,
                          f"单位名称含多余的空格（或全角空格），与“单位”工作表中的“{found}”不完全一致；"
                          f"请删除多余的空格，改为“{found}”")
        return found

    def status_ok(spec: SheetSpec, rec: _Record, key: str) -> bool:
        value = rec.values.get(key)
        if value is not None and value not in meta.statuses:
            out.error(spec.name, rec.row, spec.column(key).header, value,
                      f"未知的整改状态，可选：{'、'.join(meta.statuses)}；请改为其中之一，"
                      "或先在“评价信息”的“整改状态”中添加")
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
            out.warn(BUDGET.name, r.row, "实际执行金额（万元）", v["executed"],
                     f"超过预算金额 {v['budget']}；请核实金额是否填错，如确属超预算执行，请在“说明”列注明原因")
        if v["budget"] == ZERO:
            out.warn(BUDGET.name, r.row, "预算金额（万元）", "0",
                     "预算为 0，无法计算执行率；如确无预算可保留，否则请填写预算金额")
        _check_amounts(r, out)

    indicators = []
    for r in recs["indicators"]:
        v = r.values
        method = scoring.METHOD_BY_LABEL.get(v["method"] or "", None)
        if method is None:
            out.error(INDICATORS.name, r.row, "评分方式", v["method"],
                      f"不是可选的值，请从下拉列表中选择：{'、'.join(METHOD_LABELS)}")
            continue
        if method == "banded":
            try:
                scoring.parse_banded(v["params"] or "")
            except ValueError as exc:
                out.error(INDICATORS.name, r.row, "评分参数", v["params"], f"{exc}；请按此格式改正")
                continue
        indicators.append(Indicator(v["id"], v["name"], v["points"], v["level"], v["parent"] or None, method,
                                    v["params"] or "", v["note"] or ""))
    ind_by_id = {i.id: i for i in indicators}
    ind_rows = {r.values["id"]: r.row for r in recs["indicators"]}
    for ind in indicators:
        if ind.parent is not None:
            parent = ind_by_id.get(ind.parent)
            if parent is None:
                out.error(INDICATORS.name, ind_rows[ind.id], "上级编号", ind.parent,
                          "上级指标编号不存在；请填写本表中已有的指标编号，一级指标不填")
            elif parent.level != ind.level - 1:
                out.error(INDICATORS.name, ind_rows[ind.id], "层级", ind.level,
                          f"应比上级指标 {parent.id} 的层级（{parent.level}）大 1；"
                          f"请把层级改为 {parent.level + 1}，或改正上级编号")
        elif ind.level != 1:
            out.error(INDICATORS.name, ind_rows[ind.id], "上级编号", "",
                      "非一级指标必须填写上级编号，请填写其上级指标的编号（一级指标的层级填 1）")
    if not _sheet_has_errors(out, INDICATORS.name):  # a broken row would make every sum look wrong
        for p in scoring.check_points(tuple(indicators)):
            row = ind_rows.get(p.indicator) if p.indicator else None
            out.error(INDICATORS.name, row, "分值", p.found,
                      f"{p.message}；请调整各指标的分值，使同一层级合计为 100、下级合计等于上级分值")
    leaf_ids = {i.id for i in scoring.leaves(tuple(indicators))}

    scores = []
    for r in recs["scores"]:
        v = r.values
        unit = unit_ref(SCORES, r)
        ind = ind_by_id.get(v["indicator"])
        if ind is None:
            out.error(SCORES.name, r.row, "指标编号", v["indicator"],
                      "指标编号不在“指标体系”中；请填写“指标体系”中末级指标的编号")
            continue
        if ind.id not in leaf_ids:
            out.error(SCORES.name, r.row, "指标编号", v["indicator"],
                      "只能给末级指标打分，上级指标得分自动汇总；请改为该指标下的末级指标编号")
            continue
        if v["score"] is None and v["deduction"] is None:
            out.error(SCORES.name, r.row, "得分", "", "得分和扣分至少填一项，请填写其中之一")
            continue
        if v["score"] is not None and v["deduction"] is not None and v["score"] + v["deduction"] != ind.points:
            out.error(SCORES.name, r.row, "扣分", v["deduction"],
                      f"得分 + 扣分应等于分值 {ind.points}；请只填其中一项，或改正使两者相加等于分值")
            continue
        score = v["score"] if v["score"] is not None else ind.points - v["deduction"]
        if score > ind.points:
            out.error(SCORES.name, r.row, "得分", v["score"],
                      f"超过该指标分值 {ind.points}；请填写 0 到 {ind.points} 之间的得分")
            continue
        if score < ZERO:
            out.error(SCORES.name, r.row, "扣分", v["deduction"],
                      f"超过该指标分值 {ind.points}；扣分请填写 0 到 {ind.points} 之间的数")
            continue
        if unit is not None:
            scores.append(Score(unit, ind.id, v["expert"] or "评价组", score, v["note"] or ""))

    grades = {b.grade for b in meta.grade_bands}
    results = []
    for r in recs["results"]:
        v = r.values
        unit = unit_ref(RESULTS, r)
        if v["stated_grade"] is not None and v["stated_grade"] not in grades:
            out.error(RESULTS.name, r.row, "报告等次", v["stated_grade"],
                      f"不在等次划分中，可选：{'、'.join(sorted(grades))}；请改正，或修改“评价信息”中的等次划分")
            continue
        if unit is not None:
            results.append(UnitResult(unit, v["stated_score"], v["stated_grade"], v["note"] or ""))

    achievements = tuple(Achievement(r.values["area_no"], r.values["area"], r.values["seq"] or i, r.values["text"])
                         for i, r in enumerate(recs["achievements"], start=1))
    _check_categories(ACHIEVEMENTS, recs["achievements"], out)

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
                out.error(RECOMMENDATIONS.name, r.row, "对应问题", ref,
                          "问题编号或问题类别（如 P1）不存在；请填写“问题”工作表中的问题编号（如 P1-1）"
                          "或类别（P 加类别序号，如 P1），多个用分号分隔")
        recommendations.append(Recommendation(v["id"], v["category_no"], v["category"], v["seq"], v["text"],
                                              tuple(a.upper() if a.upper() in problem_cats else a for a in answers)))
    _check_categories(RECOMMENDATIONS, recs["recommendations"], out)

    history: dict[str, list[StatusChange]] = defaultdict(list)
    item_ids = {r.values["id"] for r in recs["rectification"]}
    for r in recs["history"]:
        v = r.values
        if v["item"] not in item_ids:
            out.error(HISTORY.name, r.row, "整改编号", v["item"],
                      "整改编号不在“整改”工作表中；请先在“整改”中添加该事项，或改正编号")
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
            out.error(RECTIFICATION.name, r.row, "对应问题编号", v["problem"],
                      "问题编号不在“问题”工作表中；请填写已有的问题编号（如 P1-1），或留空")
        if not status_ok(RECTIFICATION, r, "status"):
            continue
        changes = tuple(sorted(history.get(v["id"], []), key=lambda c: c.date))
        if changes and changes[-1].new_status != v["status"]:
            out.warn(RECTIFICATION.name, r.row, "整改状态", v["status"],
                     f"与整改记录中最后一次变化（{changes[-1].date.isoformat()} → {changes[-1].new_status}）不一致；"
                     "请核对并使两者一致")
        rectification.append(RectificationItem(v["id"], v["problem"], v["task"], unit, v["deadline"], v["status"],
                                               v["progress"], v["note"] or "", changes, v["evidence"] or ""))

    if out.errors:
        return None
    ev = Evaluation(meta, units, tuple(budget_lines), tuple(indicators), tuple(scores), tuple(results),
                    achievements, tuple(problems), tuple(recommendations), tuple(rectification))
    _cross_checks(ev, recs, meta_rows, out)
    return ev


def _check_amounts(r: _Record, out: _Collector) -> None:
    """A budget line may lack its budget or its executed amount (a report may state only one of them, or only the
    rate), but a line with none of the three says nothing: an error. One amount without a stated rate: a warning
    that the unit's rate cannot be computed (with a stated rate, the audit already says it cannot be checked)."""
    v = r.values
    budget_header, executed_header = _BUDGET_HEADER, _EXECUTED_HEADER
    if v["budget"] is None and v["executed"] is None:
        if v["stated_rate"] is None:
            out.error(BUDGET.name, r.row, budget_header, "",
                      f"{budget_header}、{executed_header}和报告执行率都没有填写，这一行没有任何金额；"
                      "请按报告填写已列明的金额（报告只列明执行率时可只填“报告执行率（%）”），"
                      "报告没有列明该单位任何金额时请删除这一行")
        return
    if v["stated_rate"] is not None:
        return
    for key, header in (("budget", budget_header), ("executed", executed_header)):
        if v[key] is None:
            out.warn(BUDGET.name, r.row, header, "",
                     f"未填{header}，该单位的预算执行率将显示为“无法计算”；报告列明了该金额的请补填，"
                     "报告确未列明的可保留空白")


def _sheet_has_errors(out: _Collector, sheet: str) -> bool:
    return any(m.sheet == sheet for m in out.errors)


_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


def _norm(text: str) -> str:
    return _INVISIBLE.sub("", str(text))


def _unit_lookup(units: tuple[Unit, ...]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for u in units:
        lookup.setdefault(_norm(u.key), u.key)
    for u in units:
        if u.name:
            lookup.setdefault(_norm(u.name), u.key)
    return lookup


def _check_categories(spec: SheetSpec, records: list[_Record], out: _Collector) -> None:
    """One name per category number; category numbers 1, 2, 3, ... without gaps (a gap is a warning)."""
    assert spec.group is not None
    no_key, name_key = spec.group
    no_header, name_header = spec.column(no_key).header, spec.column(name_key).header
    names: dict[int, tuple[str, int]] = {}
    for r in records:
        no, cat = r.values[no_key], r.values[name_key]
        if no in names and names[no][0] != cat:
            out.error(spec.name, r.row, name_header, cat,
                      f"{no_header} {no} 在第{names[no][1]}行的名称为“{names[no][0]}”，同一{no_header}的名称应一致；"
                      f"请统一名称，或改正{no_header}")
        names.setdefault(no, (cat, r.row))
    # the gaps between the numbers used, walked in order: bounded by the rows, never by the numbers' size
    # (a hostile 类别序号 of 10^19 must not make anyone enumerate the numbers below it)
    shown = 0
    used = sorted(names)
    for before, after in zip([0, *used], used, strict=False):
        if after - before <= 1:
            continue
        first, last = before + 1, after - 1
        gap = f"第 {first} 类" if first == last else f"第 {first}～{last} 类"
        out.warn(spec.name, names[after][1], no_header, after,
                 f"{no_header}不连续：没有{gap}的任何条目（空类别）；"
                 f"请核对是否漏填了该类别，或把{no_header}改为连续的 1、2、3……")
        shown += 1
        if shown >= MESSAGES_PER_RULE:
            break


def _cross_checks(ev: Evaluation, recs: dict[str, list[_Record]], meta_rows: dict[str, int],
                  out: _Collector) -> None:
    """Warnings that do not block: stated figures that disagree with computed ones.

    The checks themselves are :func:`evalcore.audit.audit` (one implementation for validate, the app and the
    parsed reports); here each finding is placed on the Excel row that holds the stated figure.
    """
    from .audit import audit  # audit builds on this module's sheet specs

    meta_keys = {c.header: c.key for c in META.columns}
    # with no errors, every record became one line / result, in order: the records give the rows
    result_rows = {res.unit: r for r, res in zip(recs["results"], ev.results, strict=False)}
    budget_rows: dict[tuple[str, str], list[_Record]] = defaultdict(list)
    for r, line in zip(recs["budget"], ev.budget_lines, strict=False):
        if line.stated_rate is not None:
            budget_rows[(line.unit, fmt2(line.stated_rate))].append(r)
    for f in audit(ev):
        rec, row = None, None
        if f.where == BUDGET.name:
            found = budget_rows.get((f.unit, f.stated)) or [None]
            rec = found.pop(0) if len(found) > 1 else found[0]
        elif f.where == RESULTS.name:
            rec = result_rows.get(f.unit)
        elif f.where == META.name:
            row = meta_rows.get(meta_keys.get(f.column, ""))
        key = {"报告执行率（%）": "stated_rate", "报告得分": "stated_score", "报告等次": "stated_grade"}.get(f.column)
        value = _show(rec.raw.get(key)) if rec is not None and key else f.stated  # the value as the cell holds it
        out.warn(f.where, rec.row if rec is not None else row, f.column, value or f.stated,
                 f"{f.message}；请核对后修改其中一方")


# --- writing ----------------------------------------------------------------------------------------------
# write_workbook (the sample, exports) and evalcore.template share this: one look, one set of drop-downs.

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


def column_note(col: Column) -> str:
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


def _validation(col: Column, statuses: tuple[str, ...], unit_rows: int) -> Any | None:
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
                              formula1=_plain(Decimal(low)), formula2=_plain(Decimal(high)), allow_blank=True,
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

    def validate(col: Column, ref: str) -> None:
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
