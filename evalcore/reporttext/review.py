"""A person's review of what the parser found, before anything is published (issue 24).

    doubts(result) -> [str]                      why the text needs a person before publishing ([] = nothing uncertain)
    figure_rows(result) -> [FigureRow]           every figure found, with where it came from and its doubt
    apply_review(result, rows) -> Reviewed       the evaluation with the evaluator's figures, and what was changed

A figure is uncertain when the parser says so (a 下达 amount taken as the budget because the stated rate confirms
it, a form's total row left empty …), when a figure was dropped as implausible, when the text gave two different
values for one figure, or when the figures were given to "本项目" because the text names no unit. ``import`` of a
folder publishes a text only when :func:`doubts` is empty; the others wait for review (待复核).

The evaluator's table is the whole truth after review: a row changed is a correction, a row removed a removal, a new
row an addition. :func:`apply_review` applies them to the parsed evaluation (nothing else changes) and describes
them for the version's note; the store's audit entry of the publication records who published it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from ..model import BudgetLine, Evaluation, Unit, UnitResult
from ..numbers import fmt2
from .result import LABELS, SYNTHETIC_UNIT, UNCERTAIN_MARK, ParseResult

KINDS = ("budget", "executed", "rate", "score", "grade")
KIND_OF_LABEL = {v: k for k, v in LABELS.items()}
GRADES = ("优", "良", "中", "差")
CONFLICT_WORDS = ("数值不同", "与前文所列总额不同")


@dataclass(frozen=True)
class FigureRow:
    unit: str
    kind: str  # budget | executed | rate | score | grade
    value: str  # money in 万元 and rates in % with 2 decimals, grades as written
    line: int | None = None  # line of the text read
    where: str = ""  # 第2页第5行 / 第2页表1第3行 / 第5行
    text: str = ""  # the sentence or cells it was read from
    uncertain: str = ""  # why the parser is not sure ("" when it is)


@dataclass(frozen=True)
class Reviewed:
    evaluation: Evaluation
    changes: list[str]  # 更正 / 删除 / 补充, one per figure, in Chinese

    def note(self, source_name: str) -> str:
        base = f"由报告“{source_name}”解析导入，经人工核对"
        if not self.changes:
            return base + "，数值未改动"
        return base + "；" + "；".join(self.changes)


def where_label(where: dict | None, line: int | None) -> str:
    """第2页第5行, 第2页表1第3行, 表1第3行, or 第5行 (the parsed text's line) when the file gave no page."""
    if where:
        page = f"第{where['page']}页" if where.get("page") else ""
        if where.get("table"):
            return f"{page}表{where['table']}第{where['row']}行"
        if where.get("line"):
            return f"{page}第{where['line']}行"
    return f"第{line}行" if line else ""


def figure_rows(result: ParseResult) -> list[FigureRow]:
    stated = result.stated
    sources = stated.get("sources", {})
    synthetic = SYNTHETIC_UNIT in stated.get("units", {})
    rows = []
    for unit, figures in stated.get("units", {}).items():
        for kind in KINDS:
            if kind not in figures:
                continue
            raw = figures[kind]
            value = raw if kind == "grade" else fmt2(Decimal(raw))
            src = sources.get(unit, {}).get(kind, {})
            line = src.get("line")
            where = result.where[line - 1] if line and result.where and line <= len(result.where) else None
            doubt = src.get("uncertain") or ""
            if unit == SYNTHETIC_UNIT and synthetic:
                doubt = "；".join(x for x in (doubt, "报告未写明单位，归于“本项目”，请核对单位") if x)
            rows.append(FigureRow(unit, kind, value, line, where_label(where, line), src.get("text") or "", doubt))
    return rows


def doubts(result: ParseResult) -> list[str]:
    """Why this text must be seen by a person before it is published; empty when nothing in it is uncertain."""
    out = [f"{r.unit} · {LABELS[r.kind]} {r.value}：{r.uncertain}" for r in figure_rows(result) if r.uncertain]
    out += [f"第{w['line']}行：{w['message']}" for w in result.warnings]
    out += [f"第{u.line_no}行：{u.reason}" for u in result.unplaced if any(w in u.reason for w in CONFLICT_WORDS)]
    return out


def _number(text: str, kind: str) -> Decimal:
    try:
        value = Decimal(str(text).strip().rstrip("%").replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"{LABELS[kind]}“{text}”不是数字") from exc
    if not value.is_finite() or value < 0:
        raise ValueError(f"{LABELS[kind]}“{text}”不是有效的数值")
    if kind == "score" and value > 100:
        raise ValueError(f"得分“{text}”超过100分")
    return value


def _clean(value: str | None, kind: str) -> str | None:
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    if kind == "grade":
        if text not in GRADES:
            raise ValueError(f"等次“{text}”应为 优、良、中、差 之一")
        return text
    return fmt2(_number(text, kind))


def apply_review(result: ParseResult, rows: list[dict]) -> Reviewed:
    """The evaluation with the figures of ``rows`` ({"unit", "kind", "value"}, and "orig_unit" for a row that
    started as a parsed figure of that unit; kind as key or Chinese label) in place of the parsed ones. Raises
    ValueError (Chinese) for a value that is not a figure or a unit left empty."""
    before = {(r.unit, r.kind): r.value for r in figure_rows(result)}
    after: dict[tuple[str, str], str] = {}
    origin: dict[tuple[str, str], tuple[str, str]] = {}  # the evaluator's row -> the parsed figure it started as
    for n, row in enumerate(rows, start=1):
        unit = str(row.get("unit") or "").strip()
        kind = KIND_OF_LABEL.get(str(row.get("kind") or "").strip(), str(row.get("kind") or "").strip())
        if kind not in KINDS:
            raise ValueError(f"第{n}行：请选择项目（预算、实际执行、执行率、得分或等次）")
        value = _clean(row.get("value"), kind)
        if not unit:
            raise ValueError(f"第{n}行：请填写单位")
        if value is None:
            continue  # an emptied value is a removal
        if (unit, kind) in after and after[(unit, kind)] != value:
            raise ValueError(f"第{n}行：{unit} 的{LABELS[kind]}填了两个不同的数值")
        after[(unit, kind)] = value
        was = (str(row.get("orig_unit") or unit), kind)
        if was in before and was not in origin.values():
            origin[(unit, kind)] = was
    for key in after:  # a row whose unit and kind were not changed is that figure
        if key in before and key not in origin and key not in origin.values():
            origin[key] = key
    changes = []
    for key, was in origin.items():
        old, new = before[was], after[key]
        renamed = f"{was[0]} → {key[0]}" if was[0] != key[0] else key[0]
        if was[0] != key[0] or old != new:
            changes.append(f"更正 {renamed} {LABELS[key[1]]} {old}" + (f" → {new}" if old != new else ""))
    changes += [f"删除 {u} {LABELS[k]} {v}" for (u, k), v in before.items() if (u, k) not in origin.values()]
    changes += [f"补充 {u} {LABELS[k]} {v}" for (u, k), v in after.items() if (u, k) not in origin]
    ev = result.evaluation
    units = list(ev.units)
    known = {u.key for u in units}
    for unit, _ in after:
        if unit not in known:
            units.append(Unit(unit))
            known.add(unit)
    reviewed_note = "文本导入，经人工核对"
    old_lines = {b.unit: b for b in ev.budget_lines}
    old_results = {r.unit: r for r in ev.results}
    lines, results = [], []
    for u in units:
        money = {k: after.get((u.key, k)) for k in ("budget", "executed", "rate")}
        if any(v is not None for v in money.values()):
            base = old_lines.get(u.key, BudgetLine(u.key, None, None))
            note = reviewed_note if base.note.startswith(UNCERTAIN_MARK) else base.note
            lines.append(replace(base, budget=_dec(money["budget"]), executed=_dec(money["executed"]),
                                 stated_rate=_dec(money["rate"]), note=note))
        score, grade = after.get((u.key, "score")), after.get((u.key, "grade"))
        if score is not None or grade is not None:
            base_r = old_results.get(u.key, UnitResult(u.key))
            results.append(replace(base_r, stated_score=_dec(score), stated_grade=grade))
    used = {b.unit for b in lines} | {r.unit for r in results}
    keep = [u for u in units if u.key != SYNTHETIC_UNIT or u.key in used]  # 本项目 only while it has a figure
    return Reviewed(replace(ev, units=tuple(keep), budget_lines=tuple(lines), results=tuple(results)), changes)


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)
