"""What a new version changes against the current one: the preview shown before publishing.

``diff(old, new)`` lists units, budget lines, published results, indicator scores, problems, recommendations,
achievements and 整改 items that were added, removed or changed, each with the old and the new value as text.
Sections and fields are named by the workbook spec's sheet names and column headers (``evalcore.workbook.spec``),
so the preview says exactly what the evaluator typed into.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from . import scoring
from .model import Evaluation, Unit
from .numbers import fmt2
from .textutil import shorten
from .workbook.spec import (
    ACHIEVEMENTS,
    BUDGET,
    META,
    PROBLEMS,
    RECOMMENDATIONS,
    RECTIFICATION,
    RESULTS,
    UNITS,
    SheetSpec,
)

ADDED, REMOVED, CHANGED = "新增", "删除", "修改"
META_LIMIT = 60  # characters of a changed 评价信息 value shown (the conclusion can be long)
SUMMARY_LIMIT = 40  # characters of a finding or task added or removed

R = TypeVar("R")  # one kind of record: typed, so that mypy checks the lambdas below (u.label() was a bug)


@dataclass(frozen=True)
class Change:
    section: str  # 单位 / 预算执行 / 评价结果 / 指标得分 / 问题 / 建议 / 产出成效 / 整改 / 评价信息
    key: str  # which record, as the user knows it (a unit, a problem id, ...)
    field: str  # which value changed ("" for a whole record added or removed)
    kind: str  # 新增 / 删除 / 修改
    old: str
    new: str


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return fmt2(value)
    if isinstance(value, tuple):
        return "；".join(str(v) for v in value)
    return str(value)


def _records(
    sheet: SheetSpec,
    old: Iterable[R],
    new: Iterable[R],
    key: Callable[[R], Hashable],
    label: Callable[[R], str],
    fields: tuple[str, ...],
    summary: Callable[[R], str],
) -> list[Change]:
    section = sheet.name
    before = {key(r): r for r in old}
    after = {key(r): r for r in new}
    out: list[Change] = []
    for k, r in after.items():
        if k not in before:
            out.append(Change(section, label(r), "", ADDED, "", summary(r)))
            continue
        o = before[k]
        for attr in fields:
            a, b = _text(getattr(o, attr)), _text(getattr(r, attr))
            if a != b:
                out.append(Change(section, label(r), sheet.column(attr).header, CHANGED, a, b))
    for k, r in before.items():
        if k not in after:
            out.append(Change(section, label(r), "", REMOVED, summary(r), ""))
    return out


def _unit_summary(unit: Unit) -> str:
    """A unit added or removed, as the preview shows it: its full name and type, else its label."""
    return "·".join(x for x in (unit.name, unit.role) if x) or unit.label


def diff(old: Evaluation | None, new: Evaluation) -> list[Change]:
    """Every difference a reader would notice; an empty list when the two evaluations show the same."""
    if old is None:
        return []
    out: list[Change] = []
    for attr in ("title", "year", "region", "evaluator", "project", "conclusion", "stated_total_budget"):
        a, b = _text(getattr(old.meta, attr)), _text(getattr(new.meta, attr))
        if a != b:
            name = META.column(attr).header
            out.append(Change(META.name, name, name, CHANGED, shorten(a, META_LIMIT), shorten(b, META_LIMIT)))
    out += _records(UNITS, old.units, new.units, lambda u: u.key, lambda u: u.key,
                    ("name", "role"), _unit_summary)
    out += _records(BUDGET, old.budget_lines, new.budget_lines, lambda b: (b.unit, b.project, b.kind),
                    lambda b: "·".join(x for x in (b.unit, b.project, b.kind) if x),
                    ("budget", "executed", "stated_rate"),
                    lambda b: f"预算 {_text(b.budget)} / 执行 {_text(b.executed)} 万元")
    out += _records(RESULTS, old.results, new.results, lambda r: r.unit, lambda r: r.unit,
                    ("stated_score", "stated_grade"),
                    lambda r: f"{_text(r.stated_score)} {r.stated_grade or ''}".strip())
    out += _score_changes(old, new)
    out += _records(PROBLEMS, old.problems, new.problems, lambda p: p.id, lambda p: p.id,
                    ("category", "text", "unit"),
                    lambda p: shorten(p.text, SUMMARY_LIMIT))
    out += _records(RECOMMENDATIONS, old.recommendations, new.recommendations, lambda r: r.id, lambda r: r.id,
                    ("category", "text", "answers"),
                    lambda r: shorten(r.text, SUMMARY_LIMIT))
    out += _records(ACHIEVEMENTS, old.achievements, new.achievements, lambda a: (a.area_no, a.seq),
                    lambda a: f"{a.area} 第{a.seq}条", ("area", "text"),
                    lambda a: shorten(a.text, SUMMARY_LIMIT))
    out += _records(RECTIFICATION, old.rectification, new.rectification, lambda i: i.id, lambda i: i.id,
                    ("task", "unit", "deadline", "status", "progress", "note", "evidence"),
                    lambda i: shorten(i.task, SUMMARY_LIMIT))
    return out


def _score_changes(old: Evaluation, new: Evaluation) -> list[Change]:
    """Totals per unit as the dashboard shows them (authoritative stated total, else the indicator sum)."""
    a, b = scoring.all_unit_scores(old), scoring.all_unit_scores(new)
    out = []
    for unit in sorted(set(a) | set(b), key=lambda u: (u not in b, u)):
        x = a[unit].total if unit in a else None
        y = b[unit].total if unit in b else None
        if _text(x) != _text(y):
            kind = ADDED if x is None else REMOVED if y is None else CHANGED
            out.append(Change("得分", unit, "总得分", kind, _text(x), _text(y)))
    return out


def counts(changes: list[Change]) -> dict[str, int]:
    """How many changes of each kind (新增 / 删除 / 修改)."""
    out = {ADDED: 0, REMOVED: 0, CHANGED: 0}
    for c in changes:
        out[c.kind] += 1
    return out
