"""The workbook's spec: every sheet and column (:class:`SheetSpec`, :class:`ColumnSpec`), the limits a file must
stay within, and the list of rules the validator applies (:data:`VALIDATION_RULES`, shown in the template).

The reader (:mod:`.sheets`), the validator (:mod:`.validate`) and the writer (:mod:`.write`) all derive from it.
The limits are chosen so that a large real evaluation still fits: 1,000 units x 30 indicators x 3 experts is
about 90,000 rows on 指标评分, under :data:`MAX_DATA_ROWS` (150,000); a file of that size is a few MB, far under
:data:`MAX_FILE_BYTES`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .. import scoring
from ..model import DEFAULT_CLOSED, DEFAULT_STATUSES, KINDS
from ..numbers import HUNDRED


@dataclass(frozen=True)
class ColumnSpec:
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
    columns: tuple[ColumnSpec, ...]
    required: bool = False
    layout: str = "table"  # table: a header row then records; fields: 字段 | 内容 rows
    note: str = ""
    unique: tuple[str, ...] = ()  # column keys whose values must be unique together
    group: tuple[str, str] | None = None  # (number key, name key) of the category the rows are grouped in

    def column(self, key: str) -> ColumnSpec:
        return next(c for c in self.columns if c.key == key)


NONNEG = Decimal(0)
# The mark of the template's example rows (evalcore.workbook.examples refuses a row still holding it); every example
# row carries it in a text cell, the sheets without free text in their note column.
EXAMPLE_MARK = "（模板示例）"
EXAMPLE_ROW_NOTE = f"本行是模板示例，请改写或删除{EXAMPLE_MARK}"
MAX_SEQ = Decimal(9999)  # category / area / item numbers: far above any report, and bounded
EXPERT_LABELS = tuple(scoring.EXPERT_METHODS.values())
METHOD_LABELS = tuple(scoring.METHODS.values())

META = SheetSpec("meta", "评价信息", layout="fields", required=True, note="评价的基本信息，每行一个字段。", columns=(
    ColumnSpec("title", "评价标题", required=True, width=60,
               example=f"2023年度××市信息化建设和运维项目绩效评价结果{EXAMPLE_MARK}"),
    ColumnSpec("year", "年度", kind="int", example=2023, minimum=Decimal(1990), maximum=Decimal(2100)),
    ColumnSpec("region", "地区", example="××市"),
    ColumnSpec("evaluator", "评价机构", example="××市财政局绩效评价工作组"),
    ColumnSpec("project", "评价项目", example="信息化建设和运维项目"),
    ColumnSpec("conclusion", "评价结论", note="报告“评价结论”一节的原文。"),
    ColumnSpec("grade_bands", "等次划分", default="优:90;良:80;中:60;差:0",
               note="等次:下限（含），用分号分隔；默认按财预〔2020〕10号。"),
    ColumnSpec("expert_method", "专家得分合成方式", choices=EXPERT_LABELS, default=EXPERT_LABELS[0]),
    ColumnSpec("rate_target", "执行率目标（%）", kind="decimal", default="90", minimum=NONNEG, maximum=HUNDRED,
               note="图表中预算执行率的目标线。"),
    ColumnSpec("statuses", "整改状态", default="；".join(DEFAULT_STATUSES), note="可选的整改状态，用分号分隔。"),
    ColumnSpec("closed_statuses", "视为完成的状态", default="；".join(DEFAULT_CLOSED), note="计入整改率的状态。"),
    ColumnSpec("illustrative", "示例数据", note="报告未公布、仅作示意的部分：指标得分、整改（用分号分隔）。"),
    ColumnSpec("illustrative_note", "示例数据说明"),
    ColumnSpec("source", "数据来源"),
    ColumnSpec("stated_total_budget", "报告资金总额（万元）", kind="decimal", minimum=NONNEG, example="3400.06",
               note="报告正文所列的资金（预算）总额；与各单位预算之和不一致时给出警告。"),
    ColumnSpec("stated_total_executed", "报告实际执行总额（万元）", kind="decimal", minimum=NONNEG, example="2811.47",
               note="报告正文所列的实际执行总额（如有）；与各单位实际执行之和不一致时给出警告。"),
    # added last, so the rows of the fields above stay where earlier workbooks and messages have them
    ColumnSpec("kind", "评价类型", choices=KINDS, note="重点项目、部门整体、专项资金、自评之一；不填时按标题推断。"),
))

UNITS = SheetSpec("units", "单位", required=True, unique=("key",), note="被评价单位及相关单位，每行一个。", columns=(
    ColumnSpec("key", "单位简称", required=True, example="市数据局", note="其他工作表用简称引用单位。"),
    ColumnSpec("name", "单位全称", example="××市数据局", width=24),
    ColumnSpec("role", "单位类型", example="项目主管单位"),
    ColumnSpec("note", "备注", width=30, example=EXAMPLE_ROW_NOTE),
))

BUDGET = SheetSpec("budget", "预算执行", note="每个单位（或单位下每个项目）一行，金额单位为万元。", columns=(
    ColumnSpec("unit", "单位", required=True, choices="units", example="市数据局"),
    ColumnSpec("project", "项目名称", example="信息化建设和运维项目", width=24),
    ColumnSpec("kind", "项目类型", example="建设", note="如 建设、运维。"),
    ColumnSpec("budget", "预算金额（万元）", kind="decimal", column_required=True, minimum=NONNEG, example="3400.06",
               note="报告未列明预算金额时可不填（该单位的执行率显示为“无法计算”）；预算金额、实际执行金额、"
                    "报告执行率至少填一项。"),
    ColumnSpec("executed", "实际执行金额（万元）", kind="decimal", column_required=True, minimum=NONNEG,
               example="2811.47",
               note="报告未列明实际执行金额时可不填（该单位的执行率显示为“无法计算”）。"),
    ColumnSpec("stated_rate", "报告执行率（%）", kind="decimal", minimum=NONNEG, example="82.69",
               note="报告中写明的执行率，用于核对；可不填。"),
    ColumnSpec("note", "说明", width=30, example=EXAMPLE_ROW_NOTE),
))

INDICATORS = SheetSpec("indicators", "指标体系", unique=("id",),
                       note="一级/二级/三级指标，每行一个；同一层级分值合计为 100，下级分值合计等于上级分值。",
                       columns=(
    ColumnSpec("id", "指标编号", required=True, example="A", note="如 A、A1、A11。"),
    ColumnSpec("parent", "上级编号", note="一级指标不填；二级、三级指标填上级指标的编号，如 A1。"),
    ColumnSpec("level", "层级", kind="int", required=True, minimum=Decimal(1), maximum=Decimal(3), example=1),
    ColumnSpec("name", "指标名称", required=True, example="综合绩效", width=22),
    ColumnSpec("points", "分值", kind="decimal", required=True, minimum=NONNEG, example="100"),
    ColumnSpec("method", "评分方式", choices=METHOD_LABELS, default=METHOD_LABELS[0]),
    ColumnSpec("params", "评分参数", note="分档计分填 执行率下限:得分比例，如 95:100;90:80;0:0。"),
    ColumnSpec("note", "指标说明", width=30, example=EXAMPLE_ROW_NOTE),
))

SCORES = SheetSpec("scores", "指标评分", unique=("unit", "indicator", "expert"),
                   note="每位专家对每个单位每个末级指标的得分；按规则计分的指标（如预算执行率）不必填写。",
                   columns=(
    ColumnSpec("unit", "单位", required=True, choices="units", example="市数据局"),
    ColumnSpec("indicator", "指标编号", required=True, example="A", note="末级指标的编号。"),
    ColumnSpec("expert", "专家", default="评价组", example="专家1"),
    ColumnSpec("score", "得分", kind="decimal", minimum=NONNEG, example="86.98", note="填得分或扣分其中之一。"),
    ColumnSpec("deduction", "扣分", kind="decimal", minimum=NONNEG, note="扣分制指标可填扣分，得分 = 分值 − 扣分。"),
    ColumnSpec("note", "扣分说明", width=30, example=EXAMPLE_ROW_NOTE),
))

RESULTS = SheetSpec("results", "评价结果", unique=("unit",), note="报告公布的总得分和等次（以报告为准）。", columns=(
    ColumnSpec("unit", "单位", required=True, choices="units", example="市数据局"),
    ColumnSpec("stated_score", "报告得分", kind="decimal", minimum=NONNEG, maximum=HUNDRED, example="86.98"),
    ColumnSpec("stated_grade", "报告等次", example="良", note="须是“评价信息”等次划分中的等次。"),
    ColumnSpec("note", "说明", width=30, example=EXAMPLE_ROW_NOTE),
))

ACHIEVEMENTS = SheetSpec("achievements", "产出成效", group=("area_no", "area"),
                         note="产出成果及效益，按领域分组，顺序即报告顺序。", columns=(
    ColumnSpec("area_no", "领域序号", kind="int", required=True, minimum=Decimal(1), maximum=MAX_SEQ, example=1),
    ColumnSpec("area", "成效领域", required=True, example="不断打造样板标杆，持续发展数字经济", width=30),
    ColumnSpec("seq", "序号", kind="int", minimum=Decimal(1), maximum=MAX_SEQ, example=1),
    ColumnSpec("text", "内容", required=True, width=60, example="建成统一的政务数据共享平台（模板示例）"),
))

PROBLEMS = SheetSpec("problems", "问题", unique=("id",), group=("category_no", "category"),
                     note="存在的主要问题，按类别分组，措辞和顺序与报告一致。", columns=(
    ColumnSpec("id", "问题编号", required=True, example="P1-1"),
    ColumnSpec("category_no", "类别序号", kind="int", required=True, minimum=Decimal(1), maximum=MAX_SEQ, example=1),
    ColumnSpec("category", "问题类别", required=True, example="资金使用管理效率有待提高", width=28),
    ColumnSpec("seq", "序号", kind="int", required=True, minimum=Decimal(1), maximum=MAX_SEQ, example=1),
    ColumnSpec("text", "问题内容", required=True, width=60, example="部分项目预算执行率偏低（模板示例）"),
    ColumnSpec("unit", "涉及单位", choices="units"),
))

RECOMMENDATIONS = SheetSpec("recommendations", "建议", unique=("id",), group=("category_no", "category"),
                            note="建议，按类别分组；对应问题填问题编号或问题类别（如 P1）。", columns=(
    ColumnSpec("id", "建议编号", required=True, example="R1-1"),
    ColumnSpec("category_no", "类别序号", kind="int", required=True, minimum=Decimal(1), maximum=MAX_SEQ, example=1),
    ColumnSpec("category", "建议类别", required=True, example="进一步提高资金预算管理效率", width=28),
    ColumnSpec("seq", "序号", kind="int", required=True, minimum=Decimal(1), maximum=MAX_SEQ, example=1),
    ColumnSpec("text", "建议内容", required=True, width=60, example="加强预算执行进度监控（模板示例）"),
    ColumnSpec("answers", "对应问题", kind="list", example="P1", note="问题编号或问题类别，多个用分号分隔。"),
))

RECTIFICATION = SheetSpec("rectification", "整改", unique=("id",), note="整改事项，每行一个。", columns=(
    ColumnSpec("id", "整改编号", required=True, example="Z01"),
    ColumnSpec("problem", "对应问题编号", example="P1-1"),
    ColumnSpec("task", "整改事项", required=True, width=40, example="提高预算执行率（模板示例）"),
    ColumnSpec("unit", "责任单位", choices="units", example="市数据局"),
    ColumnSpec("deadline", "整改期限", kind="date", example=dt.date(2024, 12, 31)),
    ColumnSpec("status", "整改状态", required=True, choices="statuses", example="整改中"),
    ColumnSpec("progress", "整改进度（%）", kind="decimal", minimum=NONNEG, maximum=HUNDRED, example="50"),
    ColumnSpec("note", "备注", width=30),
    ColumnSpec("evidence", "佐证材料", width=30, note="证明已整改的材料，如文件名称、文号或链接。"),
))

HISTORY = SheetSpec("history", "整改记录", note="整改状态的每次变化，按日期记录。", columns=(
    ColumnSpec("item", "整改编号", required=True, example="Z01"),
    ColumnSpec("date", "日期", kind="date", required=True, example=dt.date(2024, 6, 30)),
    ColumnSpec("old_status", "原状态", choices="statuses", example="未开始"),
    ColumnSpec("new_status", "新状态", required=True, choices="statuses", example="整改中"),
    ColumnSpec("progress", "整改进度（%）", kind="decimal", minimum=NONNEG, maximum=HUNDRED),
    ColumnSpec("note", "说明", width=30, example=EXAMPLE_ROW_NOTE),
    ColumnSpec("by", "记录人"),
))

BUDGET_HEADER = BUDGET.column("budget").header  # looked up once, not on every row
EXECUTED_HEADER = BUDGET.column("executed").header

SPEC: tuple[SheetSpec, ...] = (META, UNITS, BUDGET, INDICATORS, SCORES, RESULTS, ACHIEVEMENTS, PROBLEMS,
                               RECOMMENDATIONS, RECTIFICATION, HISTORY)
SHEETS = {s.key: s for s in SPEC}
# Where a figure a report states sits in the workbook: the model's record (evalcore.consistency.Record) -> its
# sheet; the column's key is the record's field (stated_rate, stated_total_budget, stated_score, ...).
STATED_SHEETS = {"budget_line": BUDGET, "meta": META, "result": RESULTS}


def stated_place(record: str, field: str) -> tuple[str, str]:
    """The sheet and the column (in 评价信息: the field) holding a stated figure of a record of the model."""
    sheet = STATED_SHEETS[record]
    return sheet.name, sheet.column(field).header


INSTRUCTIONS_SHEET = "填写说明"
FILE_SHEET = "（文件）"  # the "sheet" of messages about the file as a whole
SPEC_NAMES = {s.name for s in SPEC}

# --- limits (see the module docstring) --------------------------------------------------------------------

MAX_FILE_BYTES = 30 * 1024 * 1024  # the uploaded file; a 100,000-row workbook is 2-4 MB
# what one browser session may hold in uploaded files at once (the server's guard) and so one 批量导入 batch
MAX_PENDING_UPLOAD_BYTES = 2 * MAX_FILE_BYTES
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
    ("错误", f"模板的示例行（含“{EXAMPLE_MARK}”）没有改写或删除"),
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
    ("错误", "任何工作表（包括模板以外的工作表和列）中有公式；含图片、外部链接、宏、ActiveX 控件或嵌入对象"),
    ("错误", "重复的行：同一单位同一项目、金额也相同的预算行；同一类别中内容相同的问题、建议，同一问题和责任单位的"
             "相同整改事项"),
    ("警告", "实际执行金额超过预算金额；报告执行率与按金额计算的执行率不一致"),
    ("警告", "同一单位同一项目的预算行金额不同（两行都计入合计）"),
    ("警告", "缺少模板中的工作表；报告资金总额没有预算行可核对，报告得分没有指标得分可核对"),
    ("警告", "文字中含看不见的控制字符或格式字符（如改变文字方向的字符、零宽空格），读取时已删除"),
    ("警告", "只填了预算金额、实际执行金额中的一项且没有报告执行率（该单位的执行率无法计算）"),
    ("警告", "报告得分与指标得分合计不一致，报告等次与等次划分不一致（以报告为准）"),
    ("警告", "报告资金总额、实际执行总额与各单位合计不一致"),
    ("警告", "只有类别、没有内容的行（将被忽略）；类别序号不连续"),
    ("警告", "未知的工作表、列或字段（将被忽略）；数据区的合并单元格"),
)
