"""What a new version changes against the current one: the preview shown before publishing.

``diff(old, new)`` lists units, budget lines, published results, indicator scores, problems, recommendations,
achievements and 整改 items that were added, removed or changed, each with the old and the new value as text.
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
    section: str,
    old: Iterable[R],
    new: Iterable[R],
    key: Callable[[R], Hashable],
    label: Callable[[R], str],
    fields: dict[str, str],
    summary: Callable[[R], str],
) -> list[Change]:
    before = {key(r): r for r in old}
    after = {key(r): r for r in new}
    out: list[Change] = []
    for k, r in after.items():
        if k not in before:
            out.append(Change(section, label(r), "", ADDED, "", summary(r)))
            continue
        o = before[k]
        for attr, name in fields.items():
            a, b = _text(getattr(o, attr)), _text(getattr(r, attr))
            if a != b:
                out.append(Change(section, label(r), name, CHANGED, a, b))
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
    meta_fields = {"title": "评价标题", "year": "年度", "region": "地区", "evaluator": "评价机构",
                   "project": "评价项目", "conclusion": "评价结论", "stated_total_budget": "报告资金总额（万元）"}
    for attr, name in meta_fields.items():
        a, b = _text(getattr(old.meta, attr)), _text(getattr(new.meta, attr))
        if a != b:
            out.append(Change("评价信息", name, name, CHANGED, shorten(a, META_LIMIT), shorten(b, META_LIMIT)))
    out += _records("单位", old.units, new.units, lambda u: u.key, lambda u: u.key,
                    {"name": "单位全称", "role": "单位类型"}, _unit_summary)
    out += _records("预算执行", old.budget_lines, new.budget_lines, lambda b: (b.unit, b.project, b.kind),
                    lambda b: "·".join(x for x in (b.unit, b.project, b.kind) if x),
                    {"budget": "预算金额（万元）", "executed": "实际执行（万元）", "stated_rate": "报告执行率（%）"},
                    lambda b: f"预算 {_text(b.budget)} / 执行 {_text(b.executed)} 万元")
    out += _records("评价结果", old.results, new.results, lambda r: r.unit, lambda r: r.unit,
                    {"stated_score": "报告得分", "stated_grade": "报告等次"},
                    lambda r: f"{_text(r.stated_score)} {r.stated_grade or ''}".strip())
    out += _score_changes(old, new)
    out += _records("问题", old.problems, new.problems, lambda p: p.id, lambda p: p.id,
                    {"category": "问题类别", "text": "问题内容", "unit": "涉及单位"},
                    lambda p: shorten(p.text, SUMMARY_LIMIT))
    out += _records("建议", old.recommendations, new.recommendations, lambda r: r.id, lambda r: r.id,
                    {"category": "建议类别", "text": "建议内容", "answers": "对应问题"},
                    lambda r: shorten(r.text, SUMMARY_LIMIT))
    out += _records("产出成效", old.achievements, new.achievements, lambda a: (a.area_no, a.seq),
                    lambda a: f"{a.area} 第{a.seq}条", {"area": "领域", "text": "内容"},
                    lambda a: shorten(a.text, SUMMARY_LIMIT))
    out += _records("整改", old.rectification, new.rectification, lambda i: i.id, lambda i: i.id,
                    {"task": "整改事项", "unit": "责任单位", "deadline": "整改期限", "status": "整改状态",
                     "progress": "整改进度（%）", "note": "备注", "evidence": "佐证材料"},
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
