"""Messages: one located problem (:class:`Message`), the result of a read (:class:`ReadResult`), and the
collector that caps them (:data:`~.spec.MESSAGES_PER_RULE` per sheet, column and rule, then one "另有 N 处同类…").

Errors and warnings are :class:`Message` (sheet, row, column, value, message in Chinese; every message says what
to do). Row numbers are the row numbers Excel shows (the header is row 1). Errors block publishing, warnings do
not.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..consistency import Discrepancy
from ..model import Evaluation
from ..scoring import UnitScore
from .spec import FILE_SHEET, MESSAGES_PER_RULE, MESSAGES_PER_SHEET, SPEC, stated_place


@dataclass(frozen=True)
class Message:
    sheet: str
    row: int | None
    column: str
    value: str
    message: str
    level: str = "error"  # error | warning
    # a part of the evaluation that is missing or a stated figure that cannot be checked: the upload preview
    # lists these before publishing (not part of the JSON form, not compared)
    gap: bool = field(default=False, compare=False)

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


def discrepancy_message(d: Discrepancy) -> Message:
    """A stated figure that disagrees with the computed one (:func:`evalcore.consistency.check`) as a validation
    warning on the sheet and column holding it (no row: :mod:`.validate`, which knows the rows, places it)."""
    sheet, column = stated_place(d.record, d.field)
    return Message(sheet, None, column, d.stated, d.message, "warning")


@dataclass
class ReadResult:
    evaluation: Evaluation | None
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    # scoring.all_unit_scores(evaluation) as validation computed them (None when it did not get that far): the
    # publish writes its facts from them instead of scoring every unit again
    unit_scores: dict[str, UnitScore] | None = None

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


class Collector:
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
        self._gap: dict[tuple[str, str, str, str], bool] = {}
        self.unit_scores: dict[str, UnitScore] | None = None  # set by the cross checks (see ReadResult)

    def error(self, sheet: str, row: int | None, column: str, value: Any, message: str) -> None:
        self._add("error", sheet, row, column, value, message)

    def warn(self, sheet: str, row: int | None, column: str, value: Any, message: str, gap: bool = False) -> None:
        self._add("warning", sheet, row, column, value, message, gap)

    def _add(self, level: str, sheet: str, row: int | None, column: str, value: Any, message: str,
             gap: bool = False) -> None:
        rule = (level, sheet, column, _rule_of(message))
        self._rules[rule] += 1
        self._first.setdefault(rule, message)
        if gap:
            self._gap[rule] = True
        if self._rules[rule] > self._per_rule:
            return
        if self._sheets[(level, sheet)] >= self._per_sheet:
            self._dropped[(level, sheet)] += 1
            return
        self._sheets[(level, sheet)] += 1
        target = self.errors if level == "error" else self.warnings
        target.append(Message(sheet, row, column, show(value), message, level, gap))

    def finish(self) -> None:
        """Append one summary message per rule that was cut off."""
        for rule, n in self._rules.items():
            if n > self._per_rule:
                level, sheet, column, _ = rule
                kind = "错误" if level == "error" else "警告"
                text = (f"另有 {n - self._per_rule} 处同类{kind}未逐条列出（{self._first[rule]}）；"
                        "请按上面列出的各处同样改正后重新上传")
                target = self.errors if level == "error" else self.warnings
                target.append(Message(sheet, None, column, "", text, level, self._gap.get(rule, False)))
        for (level, sheet), n in self._dropped.items():
            kind = "错误" if level == "error" else "警告"
            target = self.errors if level == "error" else self.warnings
            target.append(Message(sheet, None, "", "", f"本工作表{kind}过多，另有 {n} 条未列出；"
                                  "请先改正上面列出的问题，再重新上传查看其余问题", level))
        self._rules.clear()
        self._dropped.clear()
        # ordered by sheet (the file first, then the workbook's order) and row, as the evaluator works through them;
        # a summary without a row comes last in its sheet (stable: the order found within one row is kept)
        self.errors.sort(key=_position)
        self.warnings.sort(key=_position)


_SHEET_ORDER = {FILE_SHEET: -1, **{s.name: i for i, s in enumerate(SPEC)}}


def _position(m: Message) -> tuple[int, int]:
    return _SHEET_ORDER.get(m.sheet, len(_SHEET_ORDER)), m.row if m.row is not None else 1 << 60


def show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text if len(text) <= 80 else text[:77] + "…"
