"""The headers of every per-unit table (the grids of 单位对比, 单位详情 and 评价总览, the Excel export, the parsed
report's preview), in the words of the workbook's own sheets (:mod:`.spec`): the evaluator reads "预算金额（万元）"
on screen because that is what they typed it under, never a second name for it.

Two headers are not a column of the workbook and are named here: the 预算执行率 computed from the amounts (the
term of the reports and of the spec's 执行率目标 note) and the 未执行金额. A rate's header leaves out the spec's
"（%）": every table shows a rate with its "%" sign (82.69%), so the unit is in the cell.
"""
from __future__ import annotations

from .spec import BUDGET, RESULTS, SCORES, UNITS

PERCENT = "（%）"


def _rate(header: str) -> str:
    return header.removesuffix(PERCENT)


UNIT_COLUMNS: dict[str, str] = {
    "unit": BUDGET.column("unit").header,  # 单位
    "name": UNITS.column("name").header,  # 单位全称
    "role": UNITS.column("role").header,  # 单位类型
    "project": BUDGET.column("project").header,  # 项目名称
    "kind": BUDGET.column("kind").header,  # 项目类型
    "budget": BUDGET.column("budget").header,  # 预算金额（万元）
    "executed": BUDGET.column("executed").header,  # 实际执行金额（万元）
    "rate": "预算执行率",  # executed ÷ budget
    "stated_rate": _rate(BUDGET.column("stated_rate").header),  # 报告执行率
    "unspent": "未执行金额（万元）",  # budget − executed
    "score": SCORES.column("score").header,  # 得分
    "grade": "等次",
    "stated_score": RESULTS.column("stated_score").header,  # 报告得分
    "stated_grade": RESULTS.column("stated_grade").header,  # 报告等次
    "note": BUDGET.column("note").header,  # 说明
}


def header(key: str) -> str:
    """The header of a per-unit column (a key of :data:`UNIT_COLUMNS`)."""
    return UNIT_COLUMNS[key]
