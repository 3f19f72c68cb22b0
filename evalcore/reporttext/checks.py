"""Warnings for ``validate`` about figures that make no sense or that the text import was unsure of.

A workbook made from a report text can hold a figure the words did not make clear (the parser notes its doubt in
the budget line's 说明, starting with ``UNCERTAIN_MARK``), and a workbook typed by hand can hold a slip (a rate of
8269% for 82.69%, a budget in 元 read as 万元). ``plausibility_warnings(ev)`` lists both, as warnings that point at
the sheet, row and column, never as errors: the evaluator confirms or corrects.

``evalcore.workbook.validate`` appends them to a read's warnings (``Message(**w.fields())``), after the sheet
checks, with the workbook's row order kept.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from ..model import Evaluation
from ..numbers import HUNDRED, fmt2, round2
from .result import IMPLAUSIBLE_RATE, UNCERTAIN_MARK

SHEET = "预算执行"
COLUMNS = {"budget": "预算金额（万元）", "executed": "实际执行金额（万元）", "rate": "报告执行率（%）", "note": "说明"}


@dataclass(frozen=True)
class Check:
    sheet: str
    row: int | None  # the row Excel shows (header = row 1), budget lines in the order of the sheet
    column: str
    value: str
    message: str
    level: str = "warning"

    def fields(self) -> dict:
        return asdict(self)


def plausibility_warnings(ev: Evaluation) -> list[Check]:
    out: list[Check] = []
    for row, b in enumerate(ev.budget_lines, start=2):
        if b.stated_rate is not None and b.stated_rate > IMPLAUSIBLE_RATE:
            out.append(Check(SHEET, row, COLUMNS["rate"], fmt2(b.stated_rate),
                             f"{b.unit} 的报告执行率远高于100%，请核对是否录入有误（例如 82.69 写成了 8269）"))
        if b.budget is not None and b.executed is not None and b.budget > 0:
            computed = round2(b.executed / b.budget * HUNDRED)
            if computed > IMPLAUSIBLE_RATE:
                out.append(Check(SHEET, row, COLUMNS["budget"], fmt2(b.budget),
                                 f"{b.unit} 的实际执行金额 {fmt2(b.executed)} 万元是预算的 {computed}%，请核对预算金额"
                                 "（是否把分项经费、到位资金当作预算，或金额单位为元）"))
        if b.budget is not None and b.budget == Decimal(0) and b.executed:
            out.append(Check(SHEET, row, COLUMNS["budget"], "0.00",
                             f"{b.unit} 预算为0却有实际执行金额，请核对（自评表的合计行是否未填）"))
        if b.note.startswith(UNCERTAIN_MARK):
            out.append(Check(SHEET, row, COLUMNS["note"], b.note,
                             f"{b.unit} 的金额由文本导入时解析器不能完全确定，请对照原文核对后删去“{UNCERTAIN_MARK}”"))
    return out
