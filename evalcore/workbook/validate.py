"""Validation: reading a workbook (:func:`read_workbook`) and building the evaluation its sheets describe
(:func:`build_evaluation`), one function per sheet, then the checks across sheets.

Errors block publishing, warnings do not (:data:`~.spec.VALIDATION_RULES` lists both). Decisions:

- Category numbers with a gap (1, 2, 4) warn that category 3 has no item; one name per category number.
- A unit reference with leading, trailing or full-width spaces is an error naming the listed unit to use.
  Referring to a unit by its full name (单位全称) is accepted silently.
- Stated figures that disagree with the computed ones (:func:`evalcore.consistency.check`) are warnings placed on the
  row that holds the stated figure; stated figures with nothing to compare to, absent sheets and duplicated rows
  are :mod:`.duplicates_and_gaps` (its docstring gives the decisions).
"""
from __future__ import annotations

import difflib
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from .. import consistency, scoring
from ..model import (
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
from ..numbers import ZERO, fmt2
from . import duplicates_and_gaps, plausibility
from .cells import norm_text, visible_text
from .examples import check_example_rows
from .guard import Raw, SheetInfo, WorkbookError, read_raw
from .messages import Collector, ReadResult, show
from .sheets import Record, read_fields, read_table, sheet_notes
from .spec import (
    ACHIEVEMENTS,
    BUDGET,
    BUDGET_HEADER,
    EXECUTED_HEADER,
    FILE_SHEET,
    HISTORY,
    INDICATORS,
    MESSAGES_PER_RULE,
    META,
    METHOD_LABELS,
    PROBLEMS,
    RECOMMENDATIONS,
    RECTIFICATION,
    RESULTS,
    SCORES,
    SPEC,
    UNITS,
    SheetSpec,
    stated_place,
)


def read_workbook(source: str | Path | bytes | BinaryIO, allow_examples: bool = False) -> ReadResult:
    """Read and validate a workbook. Never raises for bad input: every problem is a Message.

    A row the template marks as its example (:mod:`.examples`) is an error, so it cannot be published;
    ``allow_examples`` reads such a workbook anyway (a version stored before the rule existed still opens).
    The command line's bulk commands call it with the garbage collector paused (:mod:`evalcore.gcpause`); the app
    does not."""
    out = Collector()
    try:
        raw = read_raw(source)
    except WorkbookError as exc:
        out.error(exc.sheet, None, "", exc.value, str(exc))
        return ReadResult(None, out.errors, out.warnings)
    return build_evaluation(raw, out, allow_examples=allow_examples)


def build_evaluation(raw: Raw, out: Collector | None = None, allow_examples: bool = False) -> ReadResult:
    """Validate the cells :func:`read_raw` gave (or any ``{sheet name: rows}``) and build the Evaluation; a row
    still marked as the template's example is an error (see :func:`read_workbook`)."""
    out = out or Collector()
    try:
        ev = _build(raw, out)
        if ev is not None:
            plausibility.plausibility(ev, out)
        if not allow_examples:  # after the other checks, which stop early on errors of their own
            check_example_rows(raw, out)
    except Exception as exc:  # a bug of ours must not take the upload page down: report it in Chinese
        out.error(FILE_SHEET, None, "", type(exc).__name__,
                  "校验时发生内部错误，无法完成校验；请把该文件发给系统管理员处理")
        ev = None
    out.finish()
    if out.errors:
        ev = None
    return ReadResult(ev, out.errors, out.warnings, out.unit_scores if ev is not None else None)


def _build(raw: Raw, out: Collector) -> Evaluation | None:
    """The evaluation the sheets describe, or None when they have errors: each sheet is checked on its own, then
    against the sheets it refers to (units, indicators, problems, statuses, grades), in the order of the spec."""
    infos: dict[str, SheetInfo] = getattr(raw, "sheets", {}) or {}
    info_of = {s.read_as: s for s in infos.values() if s.read_as}
    sheet_notes(raw, out)
    for spec in SPEC:
        if spec.required and spec.name not in raw:
            out.error(spec.name, None, "", "",
                      "缺少必需的工作表；请从模板复制该工作表（工作表名称须与模板完全一致）")
    if out.errors:
        return None
    duplicates_and_gaps.missing_sheets(set(raw), out)

    meta_values, meta_rows = read_fields(META, raw[META.name], out, info_of.get(META.name))
    meta = _build_meta(meta_values, meta_rows, out)
    recs = {spec.key: read_table(spec, raw.get(spec.name, []), out, info_of.get(spec.name))
            for spec in SPEC if spec.layout == "table"}

    units = tuple(Unit(r.values["key"], r.values["name"] or "", r.values["role"] or "", r.values["note"] or "")
                  for r in recs["units"])
    # references to a row that an error of its own rejected are not reported again (one error per mistake)
    refs = _UnitRefs(units, out, _typed_values(raw, UNITS, "key") - {norm_text(u.key) for u in units})
    duplicates_and_gaps.duplicates(recs, refs.key, out)
    budget_lines = _budget_lines(recs["budget"], refs, out)
    indicators = _indicators(recs["indicators"], out)
    scores = _scores(recs["scores"], indicators, refs, out)
    results = _results(recs["results"], meta, refs, out)
    achievements = tuple(Achievement(r.values["area_no"], r.values["area"], r.values["seq"] or i, r.values["text"])
                         for i, r in enumerate(recs["achievements"], start=1))
    _check_categories(ACHIEVEMENTS, recs["achievements"], out)
    problems = _problems(recs["problems"], refs, out)
    rejected = _typed_values(raw, PROBLEMS, "id") - {norm_text(p.id) for p in problems}
    recommendations = _recommendations(recs["recommendations"], problems, out, rejected)
    rejected_items = (_typed_values(raw, RECTIFICATION, "id")
                      - {norm_text(r.values["id"]) for r in recs["rectification"]})
    history = _history(recs["history"], recs["rectification"], meta, out, rejected_items)
    rectification = _rectification(recs["rectification"], history, problems, meta, refs, out, rejected)

    if out.errors:
        return None
    ev = Evaluation(meta, units, tuple(budget_lines), tuple(indicators), tuple(scores), tuple(results),
                    achievements, tuple(problems), tuple(recommendations), tuple(rectification))
    _cross_checks(ev, recs, meta_rows, set(raw), out)
    return ev


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"[;；,，、]+", text or "") if p.strip())


def _build_meta(values: dict[str, Any], field_rows: dict[str, int], out: Collector) -> Meta:
    """评价信息: grade bands, 整改 statuses (the closed ones among them) and the illustrative sections."""
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
        kind=values["kind"] or "",
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


def _typed_values(raw: Raw, spec: SheetSpec, key: str) -> set[str]:
    """Every value typed in a column of a sheet, whether its row passed or not: a reference to a row that an
    earlier error already rejected is explained by that error, and is not reported again (one error per mistake)."""
    rows = raw.get(spec.name) or []
    if not rows:
        return set()
    header = spec.column(key).header
    idx = next((i for i, cell in enumerate(rows[0]) if isinstance(cell, str) and cell.strip() == header), None)
    if idx is None:
        return set()
    return {norm_text(str(r[idx])) for r in rows[1:] if idx < len(r) and r[idx] is not None and str(r[idx]).strip()}


def suggestion(value: object, known: list[str]) -> str:
    """"（是否为“区实验小学”？）" for the closest known name (difflib), or ""."""
    if not isinstance(value, str) or not known:
        return ""
    close = difflib.get_close_matches(value.strip(), known, n=1, cutoff=0.5)
    return f"（是否为“{close[0]}”？）" if close else ""


class _UnitRefs:
    """Unit references of the other sheets, resolved to the 单位简称 of the 单位 sheet (a 单位全称 is accepted).

    The same few references repeat on every row (90,000 score rows name 1,000 units): each distinct value is
    normalised once, and a column's header is looked up only to report a problem.
    """

    def __init__(self, units: tuple[Unit, ...], out: Collector, explained: set[str] | None = None) -> None:
        self._lookup = _unit_lookup(units)
        self._normalised: dict[str, str] = {}
        self._out = out
        self._names = [u.key for u in units] + [u.name for u in units if u.name and u.name != u.key]
        self._explained = explained or set()  # units typed on 单位 whose row has an error of its own

    def norm_text(self, value: str) -> str:
        text = self._normalised.get(value)
        if text is None:
            text = self._normalised[value] = norm_text(value)
        return text

    def key(self, value: Any) -> str | None:
        """The unit's key for a reference, or None; silent (:meth:`resolve` reports)."""
        return None if value is None else self._lookup.get(self.norm_text(value))

    def resolve(self, spec: SheetSpec, rec: Record, key: str = "unit") -> str | None:
        """The unit's key, or None (with an error) when the 单位 sheet does not list it. A reference that differs
        from the listed unit only in spaces is an error naming the unit to use (the unit is still returned)."""
        value = rec.values.get(key)
        if value is None:
            return None
        found = self._lookup.get(self.norm_text(value))
        if found is None:
            if self.norm_text(value) in self._explained:  # its row on 单位 has an error already: one error per mistake
                return None
            self._out.error(spec.name, rec.row, spec.column(key).header, value,
                            "单位未在“单位”工作表中列出" + suggestion(value, self._names)
                            + "；请先在“单位”工作表添加该单位，或改用已列出的单位简称")
        else:
            typed = rec.raw.get(key)
            if isinstance(typed, str) and typed != found and self.norm_text(typed) == self.norm_text(found) \
                    and visible_text(typed) != found:  # controls alone: dropped, with their own warning
                self._out.error(spec.name, rec.row, spec.column(key).header, typed,
                                f"单位名称含多余的空格（或全角空格），与“单位”工作表中的“{found}”不完全一致；"
                                f"请删除多余的空格，改为“{found}”")
        return found


def _unit_lookup(units: tuple[Unit, ...]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for u in units:
        lookup.setdefault(norm_text(u.key), u.key)
    for u in units:
        if u.name:
            lookup.setdefault(norm_text(u.name), u.key)
    return lookup


def _status_ok(spec: SheetSpec, rec: Record, key: str, meta: Meta, out: Collector) -> bool:
    value = rec.values.get(key)
    if value is not None and value not in meta.statuses:
        out.error(spec.name, rec.row, spec.column(key).header, value,
                  f"未知的整改状态，可选：{'、'.join(meta.statuses)}；请改为其中之一，"
                  "或先在“评价信息”的“整改状态”中添加")
        return False
    return True


def _budget_lines(records: list[Record], refs: _UnitRefs, out: Collector) -> list[BudgetLine]:
    """预算执行: one line per record of a listed unit; an over-spent or zero budget is a warning."""
    lines = []
    for r in records:
        v = r.values
        unit = refs.resolve(BUDGET, r)
        if unit is None:
            continue
        lines.append(BudgetLine(unit, v["budget"], v["executed"], v["project"] or "", v["kind"] or "",
                                v["stated_rate"], v["note"] or ""))
        if v["budget"] is not None and v["executed"] is not None and v["executed"] > v["budget"]:
            out.warn(BUDGET.name, r.row, "实际执行金额（万元）", v["executed"],
                     f"超过预算金额 {v['budget']}；请核实金额是否填错，如确属超预算执行，请在“说明”列注明原因")
        if v["budget"] == ZERO:
            out.warn(BUDGET.name, r.row, "预算金额（万元）", "0",
                     "预算为 0，无法计算执行率；如确无预算可保留，否则请填写预算金额")
        _check_amounts(r, out)
    return lines


def _check_amounts(r: Record, out: Collector) -> None:
    """A budget line may lack its budget or its executed amount (a report may state only one of them, or only the
    rate), but a line with none of the three says nothing: an error. One amount without a stated rate: a warning
    that the unit's rate cannot be computed (with a stated rate, the audit already says it cannot be checked)."""
    v = r.values
    budget_header, executed_header = BUDGET_HEADER, EXECUTED_HEADER
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


def _indicators(records: list[Record], out: Collector) -> list[Indicator]:
    """指标体系: each indicator with a known scoring method, then the tree (parents, levels) and the points."""
    indicators = []
    for r in records:
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
    _check_indicator_tree(indicators, {r.values["id"]: r.row for r in records}, out)
    return indicators


def _check_indicator_tree(indicators: list[Indicator], rows: dict[str, int], out: Collector) -> None:
    by_id = {i.id: i for i in indicators}
    for ind in indicators:
        if ind.parent is not None:
            parent = by_id.get(ind.parent)
            if parent is None:
                out.error(INDICATORS.name, rows[ind.id], "上级编号", ind.parent,
                          "上级指标编号不存在；请填写本表中已有的指标编号，一级指标不填")
            elif parent.level != ind.level - 1:
                out.error(INDICATORS.name, rows[ind.id], "层级", ind.level,
                          f"应比上级指标 {parent.id} 的层级（{parent.level}）大 1；"
                          f"请把层级改为 {parent.level + 1}，或改正上级编号")
        elif ind.level != 1:
            out.error(INDICATORS.name, rows[ind.id], "上级编号", "",
                      "非一级指标必须填写上级编号，请填写其上级指标的编号（一级指标的层级填 1）")
    if not _sheet_has_errors(out, INDICATORS.name):  # a broken row would make every sum look wrong
        for p in scoring.check_points(tuple(indicators)):
            row = rows.get(p.indicator) if p.indicator else None
            out.error(INDICATORS.name, row, "分值", p.found,
                      f"{p.message}；请调整各指标的分值，使同一层级合计为 100、下级合计等于上级分值")


def _sheet_has_errors(out: Collector, sheet: str) -> bool:
    return any(m.sheet == sheet for m in out.errors)


def _scores(records: list[Record], indicators: list[Indicator], refs: _UnitRefs, out: Collector) -> list[Score]:
    """指标评分: a score (or a deduction) per unit, leaf indicator and expert, within the indicator's points."""
    ind_by_id = {i.id: i for i in indicators}
    leaf_ids = {i.id for i in scoring.leaves(tuple(indicators))}
    scores = []
    for r in records:
        v = r.values
        unit = refs.resolve(SCORES, r)
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
    return scores


def _results(records: list[Record], meta: Meta, refs: _UnitRefs, out: Collector) -> list[UnitResult]:
    """评价结果: the published score and grade of a unit; the grade is one of the 等次划分."""
    grades = {b.grade for b in meta.grade_bands}
    results = []
    for r in records:
        v = r.values
        unit = refs.resolve(RESULTS, r)
        if v["stated_grade"] is not None and v["stated_grade"] not in grades:
            out.error(RESULTS.name, r.row, "报告等次", v["stated_grade"],
                      f"不在等次划分中，可选：{'、'.join(sorted(grades))}；请改正，或修改“评价信息”中的等次划分")
            continue
        if unit is not None:
            results.append(UnitResult(unit, v["stated_score"], v["stated_grade"], v["note"] or ""))
    return results


def _check_categories(spec: SheetSpec, records: list[Record], out: Collector) -> None:
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


def _problems(records: list[Record], refs: _UnitRefs, out: Collector) -> list[Problem]:
    """问题: grouped in categories; the unit involved, when given, is a listed unit."""
    problems = []
    for r in records:
        v = r.values
        unit = refs.resolve(PROBLEMS, r) if v["unit"] else None
        problems.append(Problem(v["id"], v["category_no"], v["category"], v["seq"], v["text"], unit))
    _check_categories(PROBLEMS, records, out)
    return problems


def _recommendations(records: list[Record], problems: list[Problem], out: Collector,
                     rejected: set[str] = frozenset()) -> list[Recommendation]:  # type: ignore[assignment]
    """建议: each 对应问题 is a problem id (P1-1) or a problem category (P1, stored upper-case). A reference to a
    问题 row rejected by an error of its own is not reported again."""
    problem_ids = {p.id for p in problems}
    problem_cats = {f"P{p.category_no}" for p in problems}
    recommendations = []
    for r in records:
        v = r.values
        answers = tuple(v["answers"] or ())
        for ref in answers:
            if ref not in problem_ids and ref.upper() not in problem_cats and norm_text(ref) not in rejected:
                out.error(RECOMMENDATIONS.name, r.row, "对应问题", ref,
                          "问题编号或问题类别（如 P1）不存在" + suggestion(ref, sorted(problem_ids))
                          + "；请填写“问题”工作表中的问题编号（如 P1-1）或类别（P 加类别序号，如 P1），多个用分号分隔")
        recommendations.append(Recommendation(v["id"], v["category_no"], v["category"], v["seq"], v["text"],
                                              tuple(a.upper() if a.upper() in problem_cats else a for a in answers)))
    _check_categories(RECOMMENDATIONS, records, out)
    return recommendations


def _history(records: list[Record], items: list[Record], meta: Meta, out: Collector,
             rejected: set[str] = frozenset()) -> dict[str, list[StatusChange]]:  # type: ignore[assignment]
    """整改记录: the status changes of each 整改 item (by 整改编号), with known statuses."""
    history: dict[str, list[StatusChange]] = defaultdict(list)
    item_ids = {r.values["id"] for r in items}
    for r in records:
        v = r.values
        if v["item"] not in item_ids and norm_text(str(v["item"])) in rejected:
            continue  # its 整改 row has an error of its own
        if v["item"] not in item_ids:
            out.error(HISTORY.name, r.row, "整改编号", v["item"],
                      "整改编号不在“整改”工作表中；请先在“整改”中添加该事项，或改正编号")
            continue
        old_ok = _status_ok(HISTORY, r, "old_status", meta, out)  # both checked: both problems reported at once
        if _status_ok(HISTORY, r, "new_status", meta, out) and old_ok:
            history[v["item"]].append(StatusChange(v["item"], v["date"], v["old_status"] or "", v["new_status"],
                                                   v["progress"], v["note"] or "", v["by"] or ""))
    return history


def _rectification(records: list[Record], history: dict[str, list[StatusChange]], problems: list[Problem],
                   meta: Meta, refs: _UnitRefs, out: Collector,
                   rejected: set[str] = frozenset()) -> list[RectificationItem]:  # type: ignore[assignment]
    """整改: each item with its history in date order; its status should be the last change's."""
    problem_ids = {p.id for p in problems}
    rectification = []
    for r in records:
        v = r.values
        unit = refs.resolve(RECTIFICATION, r) if v["unit"] else None
        if v["problem"] and v["problem"] not in problem_ids and norm_text(str(v["problem"])) not in rejected:
            out.error(RECTIFICATION.name, r.row, "对应问题编号", v["problem"],
                      "问题编号不在“问题”工作表中" + suggestion(v["problem"], sorted(problem_ids))
                      + "；请填写已有的问题编号（如 P1-1），或留空")
        if not _status_ok(RECTIFICATION, r, "status", meta, out):
            continue
        changes = tuple(sorted(history.get(v["id"], []), key=lambda c: c.date))
        if changes and changes[-1].new_status != v["status"]:
            out.warn(RECTIFICATION.name, r.row, "整改状态", v["status"],
                     f"与整改记录中最后一次变化（{changes[-1].date.isoformat()} → {changes[-1].new_status}）不一致；"
                     "请核对并使两者一致")
        rectification.append(RectificationItem(v["id"], v["problem"], v["task"], unit, v["deadline"], v["status"],
                                               v["progress"], v["note"] or "", changes, v["evidence"] or ""))
    return rectification


def _cross_checks(ev: Evaluation, recs: dict[str, list[Record]], meta_rows: dict[str, int],
                  present: set[str], out: Collector) -> None:
    """Warnings that do not block: stated figures that disagree with computed ones.

    The checks themselves are :func:`evalcore.consistency.check` (one implementation for validate, the app and the
    parsed reports); here each finding is placed on the Excel row that holds the stated figure.
    """
    # with no errors, every record became one line / result, in order: the records give the rows
    result_rows: dict[str | None, Record] = {res.unit: r for r, res in zip(recs["results"], ev.results,
                                                                             strict=False)}
    budget_rows: dict[tuple[str | None, str], list[Record | None]] = defaultdict(list)
    for r, line in zip(recs["budget"], ev.budget_lines, strict=False):
        if line.stated_rate is not None:
            budget_rows[(line.unit, fmt2(line.stated_rate))].append(r)
    duplicates_and_gaps.unchecked_figures(ev, {u: r.row for u, r in result_rows.items() if u is not None}, meta_rows,
                            present, out)
    out.unit_scores = scoring.all_unit_scores(ev)
    for f in consistency.check(ev, out.unit_scores):
        rec: Record | None = None
        row: int | None = None
        if f.record == "budget_line":
            found = budget_rows.get((f.unit, f.stated)) or [None]  # popped: the next finding gets the next row
            rec = found.pop(0) if len(found) > 1 else found[0]
        elif f.record == "result":
            rec = result_rows.get(f.unit)
        elif f.record == "meta":
            row = meta_rows.get(f.field)
        value = show(rec.raw.get(f.field)) if rec is not None else f.stated  # the value as the cell holds it
        where, column = stated_place(f.record, f.field)
        out.warn(where, rec.row if rec is not None else row, column, value or f.stated,
                 f"{f.message}；请核对后修改其中一方")
