"""Plausibility of the budget lines: a figure that makes no sense, or that the text import was unsure of, is a
warning on its 预算执行 row. :mod:`.validate` calls :func:`plausibility` once the sheets are read; the report
import's preview calls :func:`plausibility_warnings`.

A workbook made from a report text can hold a figure the words did not make clear (the parser notes its doubt in
the line's 说明, starting with ``UNCERTAIN_MARK``), and a workbook typed by hand can hold a slip (a rate of 8269%
for 82.69%, a budget in 元 read as 万元). Never an error: the evaluator confirms or corrects.
"""
from __future__ import annotations

from decimal import Decimal

from ..budget import IMPLAUSIBLE_RATE
from ..model import UNCERTAIN_MARK, Evaluation
from ..numbers import HUNDRED, fmt2, round2
from .messages import Collector, Message
from .spec import BUDGET


def plausibility_warnings(ev: Evaluation) -> list[Message]:
    """Budget lines whose figures make no sense or that the text import marked uncertain, as warnings on the
    预算执行 row (header = row 1, the lines in the order of the sheet), column and value."""
    out: list[Message] = []
    rate, budget, note = (BUDGET.column(k).header for k in ("stated_rate", "budget", "note"))

    def warn(row: int, column: str, value: str, message: str) -> None:
        out.append(Message(BUDGET.name, row, column, value, message, "warning"))

    for row, b in enumerate(ev.budget_lines, start=2):
        if b.stated_rate is not None and b.stated_rate > IMPLAUSIBLE_RATE:
            warn(row, rate, fmt2(b.stated_rate),
                 f"{b.unit} 的报告执行率远高于100%，请核对是否录入有误（例如 82.69 写成了 8269）")
        if b.budget is not None and b.executed is not None and b.budget > 0:
            computed = round2(b.executed / b.budget * HUNDRED)
            if computed > IMPLAUSIBLE_RATE:
                warn(row, budget, fmt2(b.budget),
                     f"{b.unit} 的实际执行金额 {fmt2(b.executed)} 万元是预算的 {computed}%，请核对预算金额"
                     "（是否把分项经费、到位资金当作预算，或金额单位为元）")
        if b.budget is not None and b.budget == Decimal(0) and b.executed:
            warn(row, budget, "0.00", f"{b.unit} 预算为0却有实际执行金额，请核对（自评表的合计行是否未填）")
        if b.note.startswith(UNCERTAIN_MARK):
            warn(row, note, b.note,
                 f"{b.unit} 的金额由文本导入时解析器不能完全确定，请对照原文核对后删去“{UNCERTAIN_MARK}”")
    return out


def plausibility(ev: Evaluation, out: Collector) -> None:
    """:func:`plausibility_warnings` appended to a read's warnings, after the sheet checks."""
    for w in plausibility_warnings(ev):
        out.warn(w.sheet, w.row, w.column, w.value, w.message)
