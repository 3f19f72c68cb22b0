"""结果应用 (issue 26): evaluation grades applied to next year's budget, and 自评偏差 (self-evaluations against
the bureau's own evaluation of the same unit and year).

Pure functions, no I/O. The rules (per 评价类型 and 等次: keep, cut by a percentage, stop, support by a
percentage) are data: :data:`DEFAULT_RULES` is the documented default (docs/results.md), which the bureau changes
on the 管理 page (stored by :mod:`evalcore.application_store`). Money is ``Decimal`` in 万元; a change is rounded
half-up to 2 decimals (:func:`evalcore.numbers.round2`), and the suggested budget is the budget plus that change.

The input is one row per (evaluation, unit) — :class:`UnitRow`: evaluation id, year, kind, unit, grade (stated in
the report or derived from the bands, and which), budget — so the same totals can be fed from loaded evaluations
(:func:`rows_from_evaluation`), from the portfolio's unit table (:func:`rows_from_frame`) or from SQL fact tables.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from . import budget, scoring
from .model import KINDS, Evaluation
from .numbers import HUNDRED, ZERO, fmt2, round2, to_decimal
from .portfolio import NO_GRADE, NO_KIND, kind_of

GRADES: tuple[str, ...] = ("优", "良", "中", "差")
GRADE_RANK: dict[str, int] = {"优": 4, "良": 3, "中": 2, "差": 1}
# Every kind a rule can be set for: the four 评价类型 and 未注明 (a workbook that states none and whose title says
# nothing either); a kind outside these takes the 未注明 rule.
RULE_KINDS: tuple[str, ...] = (*KINDS, NO_KIND)
SELF_KIND = "自评"

ACTIONS: dict[str, str] = {"keep": "保持", "cut": "调减", "stop": "取消", "support": "增加"}
WITH_PERCENT = ("cut", "support")
PERCENT_MAX = Decimal(100)

DECISION_STATUSES: dict[str, str] = {"adopted": "采纳建议", "changed": "调整后决定"}
GRADE_STATED = "报告所列"
GRADE_DERIVED = "按得分推算"


class RuleError(ValueError):
    """A rule or decision that cannot be kept; the message is Chinese and names what is wrong."""


@dataclass(frozen=True)
class Rule:
    """What a grade of a kind of evaluation means for next year's budget."""

    kind: str
    grade: str
    action: str  # keep | cut | stop | support
    percent: Decimal | None = None  # with cut and support: 0 < percent <= 100
    note: str = ""
    rule_id: int | None = None  # the stored row; None: the default
    set_by: str = ""
    set_at: dt.datetime | None = None

    @property
    def label(self) -> str:
        """"调减 10%", "保持", "取消", "增加 5%"."""
        word = ACTIONS.get(self.action, self.action)
        if self.action in WITH_PERCENT and self.percent is not None:
            return f"{word} {_pct(self.percent)}%"
        return word

    @property
    def is_default(self) -> bool:
        return self.rule_id is None

    def as_dict(self) -> dict:
        return {"kind": self.kind, "grade": self.grade, "action": self.action,
                "percent": fmt2(self.percent) or None, "note": self.note, "label": self.label}


def _pct(value: Decimal) -> str:
    text = f"{round2(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def check_rule(kind: str, grade: str, action: str, percent: object = None, note: str = "") -> Rule:
    """A valid :class:`Rule`, or :class:`RuleError` naming the kind, grade and what is wrong."""
    where = f"{kind or '（空）'} · {grade or '（空）'}"
    if kind not in RULE_KINDS:
        raise RuleError(f"{where}：评价类型应为 {'、'.join(RULE_KINDS)} 之一")
    if grade not in GRADES:
        raise RuleError(f"{where}：等次应为 优、良、中、差 之一")
    if action not in ACTIONS:
        raise RuleError(f"{where}：处理方式应为 {'、'.join(ACTIONS.values())} 之一")
    pct: Decimal | None = None
    if action in WITH_PERCENT:
        if percent is None or (isinstance(percent, str) and not percent.strip()):
            raise RuleError(f"{where}：{ACTIONS[action]}须填写比例（%）")
        try:
            pct = to_decimal(percent)
        except ValueError as exc:
            raise RuleError(f"{where}：比例“{percent}”不是数值") from exc
        if not ZERO < pct <= PERCENT_MAX:
            raise RuleError(f"{where}：比例应大于 0 且不超过 100（%），现为 {percent}")
        if round2(pct) != pct:
            raise RuleError(f"{where}：比例最多两位小数，现为 {percent}")
    return Rule(kind, grade, action, pct, (note or "").strip())


def _defaults() -> dict[tuple[str, str], Rule]:
    """The default table (docs/results.md): a default the bureau sets, not figures the national rules fix.

    财预〔2020〕10号 and the 2018 意见 say results are tied to the next budget — 优/良 kept or given priority, 中/差
    cut, and projects that are 差 stopped — but give no percentages."""
    project = {
        "优": ("keep", None, "优先保障：评价结果为优，原则上保持预算，可优先安排"),
        "良": ("keep", None, "保持：评价结果为良，原则上保持预算"),
        "中": ("cut", Decimal(10), "调减：评价结果为中，按默认比例调减下年度预算"),
        "差": ("stop", None, "取消：评价结果为差，原则上不再安排或暂停该项资金"),
    }
    whole = {  # 部门整体: a department's whole budget is never stopped, only cut
        "优": ("keep", None, "优先保障：部门整体评价为优，原则上保持预算"),
        "良": ("keep", None, "保持：部门整体评价为良，原则上保持预算"),
        "中": ("cut", Decimal(5), "调减：部门整体评价为中，按默认比例压减项目支出"),
        "差": ("cut", Decimal(10), "调减：部门整体评价为差，按默认比例压减项目支出"),
    }
    self_eval = {  # 自评: the unit's own score; cut, not stopped, until the bureau re-evaluates
        "优": ("keep", None, "保持：自评结果为优"),
        "良": ("keep", None, "保持：自评结果为良"),
        "中": ("cut", Decimal(5), "调减：自评结果为中，按默认比例调减"),
        "差": ("cut", Decimal(10), "调减：自评结果为差，按默认比例调减，并列入重点评价"),
    }
    table = {"重点项目": project, "专项资金": project, "部门整体": whole, "自评": self_eval, NO_KIND: project}
    return {(k, g): Rule(k, g, a, p, n) for k, per in table.items() for g, (a, p, n) in per.items()}


DEFAULT_RULES: Mapping[tuple[str, str], Rule] = _defaults()


@dataclass(frozen=True)
class RuleSet:
    """The rules in force: one per (kind, grade) of :data:`RULE_KINDS` × :data:`GRADES`."""

    rules: Mapping[tuple[str, str], Rule] = field(default_factory=lambda: dict(DEFAULT_RULES))

    def rule(self, kind: str, grade: str | None) -> Rule | None:
        """The rule for a kind and grade (a kind outside :data:`RULE_KINDS` takes the 未注明 one); None without a
        grade."""
        if grade not in GRADE_RANK:
            return None
        k = kind if kind in RULE_KINDS else NO_KIND
        return self.rules.get((k, grade)) or DEFAULT_RULES[(k, grade)]

    def table(self) -> list[Rule]:
        return [self.rule(k, g) for k in RULE_KINDS for g in GRADES]  # type: ignore[misc]

    def with_rule(self, rule: Rule) -> RuleSet:
        return RuleSet({**self.rules, (rule.kind, rule.grade): rule})

    @property
    def is_default(self) -> bool:
        """Every rule in force does what the documented default does (same action and percentage)."""
        return all((r.action, r.percent) == (DEFAULT_RULES[(r.kind, r.grade)].action,
                                              DEFAULT_RULES[(r.kind, r.grade)].percent) for r in self.table())

    @property
    def words(self) -> str:
        """What the exports call the rules in force."""
        return "默认结果应用规则" if self.is_default else "财政部门设定的结果应用规则"

    def key(self) -> tuple:
        """What tells two rule sets apart (a cache key): each rule in force, by kind and grade."""
        return tuple((r.kind, r.grade, r.action, str(r.percent), r.note, r.rule_id) for r in self.table())


# Under every table of suggestions the exports draw (results workbook, ledger): where the rules come from.
RULES_NOTE = ("建议金额按结果应用规则测算（各评价类型、等次对应保持、调减、取消或增加），规则由财政部门在“管理”页设定；"
              "默认规则的依据和比例见 docs/results.md，比例并非国家文件规定的固定数字。"
              "等次注明“按得分推算”的，是按该评价的等次划分由得分推算，报告本身未列等次。")


def default_rules() -> RuleSet:
    return RuleSet(dict(DEFAULT_RULES))


# --- suggestions ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    """One unit of one evaluation, as the rules need it."""

    evaluation_id: int
    year: int | None
    kind: str
    unit: str
    grade: str | None  # None: no grade (none stated, no score to derive one from)
    grade_stated: bool  # False: derived from the score by the evaluation's bands (never shown as stated)
    budget: Decimal | None  # 万元; None: the report gives none
    title: str = ""
    name: str = ""
    identity: str = ""  # the unit across evaluations (evalcore.matching), when known

    @property
    def grade_source(self) -> str:
        if not self.grade:
            return ""
        return GRADE_STATED if self.grade_stated else GRADE_DERIVED


@dataclass(frozen=True)
class Suggestion:
    row: UnitRow
    rule: Rule | None
    change: Decimal | None  # 万元, negative for a cut; None: no amount (see reason)
    suggested: Decimal | None  # next year's suggested budget (万元)
    reason: str = ""  # why there is no amount

    @property
    def has_amount(self) -> bool:
        return self.change is not None


def change_for(amount: Decimal, rule: Rule) -> Decimal:
    """The change a rule makes to a budget (万元), half-up to 2 decimals: negative for cut and stop."""
    if rule.action == "keep":
        return round2(ZERO)
    if rule.action == "stop":
        return round2(-amount)
    pct = rule.percent or ZERO
    change = round2(amount * pct / HUNDRED)
    return -change if rule.action == "cut" else change


def suggest(row: UnitRow, rules: RuleSet) -> Suggestion:
    """The suggestion for one unit: its rule and, when the unit has a budget, the change and the new budget."""
    rule = rules.rule(row.kind, row.grade)
    if rule is None:
        return Suggestion(row, None, None, None, "无等次（报告未列等次，也无得分可推算），不适用规则")
    if row.budget is None:
        return Suggestion(row, rule, None, None, "报告未列该单位预算，无法测算金额")
    budget_amount = round2(row.budget)
    change = change_for(budget_amount, rule)
    return Suggestion(row, rule, change, budget_amount + change)


def suggest_all(rows: Iterable[UnitRow], rules: RuleSet) -> list[Suggestion]:
    return [suggest(r, rules) for r in rows]


@dataclass(frozen=True)
class Totals:
    units: int  # units with a rule (graded)
    with_amount: int  # of those, units with a budget
    without_amount: int  # units listed without an amount (no budget, or no grade)
    budget: Decimal  # Σ budgets of the units with an amount
    cut: Decimal  # Σ cuts (a positive number: 据评价结果调减预算)
    added: Decimal  # Σ increases
    change: Decimal  # net change (added − cut)
    suggested: Decimal  # Σ suggested budgets

    def as_dict(self) -> dict:
        return {"units": self.units, "with_amount": self.with_amount, "without_amount": self.without_amount,
                "budget": fmt2(self.budget), "cut": fmt2(self.cut), "added": fmt2(self.added),
                "change": fmt2(self.change), "suggested_budget": fmt2(self.suggested)}


def totals(suggestions: Iterable[Suggestion]) -> Totals:
    items = list(suggestions)
    priced = [s for s in items if s.change is not None]
    cut = sum((-s.change for s in priced if s.change is not None and s.change < 0), ZERO)
    added = sum((s.change for s in priced if s.change is not None and s.change > 0), ZERO)
    return Totals(
        units=sum(1 for s in items if s.rule is not None),
        with_amount=len(priced),
        without_amount=len(items) - len(priced),
        budget=round2(sum((s.row.budget for s in priced if s.row.budget is not None), ZERO)),
        cut=round2(cut), added=round2(added), change=round2(added - cut),
        suggested=round2(sum((s.suggested for s in priced if s.suggested is not None), ZERO)),
    )


def totals_by(suggestions: Iterable[Suggestion], by: str) -> list[tuple[object, Totals]]:
    """Totals per ``evaluation`` (id) or per ``year`` (None last), in key order."""
    if by not in ("evaluation", "year"):
        raise ValueError(f"unknown grouping {by!r}")
    groups: dict[object, list[Suggestion]] = {}
    for s in suggestions:
        key = s.row.evaluation_id if by == "evaluation" else s.row.year
        groups.setdefault(key, []).append(s)
    order = sorted(groups, key=lambda k: (k is None, k if k is not None else 0))
    return [(k, totals(groups[k])) for k in order]


def suggestion_frame(suggestions: Sequence[Suggestion]) -> pd.DataFrame:
    """The 结果应用台账 rows: evaluation, year, kind, unit, grade (and whether stated), rule, budget, change,
    suggested budget, note (Decimal amounts; None where there is none)."""
    cols = ["evaluation_id", "year", "kind", "title", "unit", "name", "grade", "grade_source", "rule", "rule_note",
            "rule_default", "budget", "change", "suggested", "reason"]
    rows = [{
        "evaluation_id": s.row.evaluation_id, "year": s.row.year, "kind": s.row.kind, "title": s.row.title,
        "unit": s.row.unit, "name": s.row.name or s.row.unit, "grade": s.row.grade or NO_GRADE,
        "grade_source": s.row.grade_source, "rule": s.rule.label if s.rule else "—",
        "rule_note": s.rule.note if s.rule else "", "rule_default": bool(s.rule and s.rule.is_default),
        "budget": s.row.budget, "change": s.change, "suggested": s.suggested, "reason": s.reason,
    } for s in suggestions]
    return pd.DataFrame(rows, columns=cols)


def as_json(suggestions: Sequence[Suggestion]) -> list[dict]:
    """The ``apply-results --json`` unit objects: numbers as 2-decimal strings, None where there is no amount."""
    return [{
        "evaluation_id": s.row.evaluation_id, "unit": s.row.unit, "grade": s.row.grade,
        "grade_stated": s.row.grade_stated if s.row.grade else None,
        "rule": s.rule.as_dict() if s.rule else None,
        "budget": fmt2(s.row.budget) or None, "change": fmt2(s.change) or None,
        "suggested_budget": fmt2(s.suggested) or None, "reason": s.reason,
    } for s in suggestions]


# --- where the rows come from -----------------------------------------------------------------------------


def rows_from_evaluation(ev: Evaluation, evaluation_id: int = 0) -> list[UnitRow]:
    """The units of one evaluation that are funded or scored (as the portfolio counts them), in listed order.

    The grade is the one the report states, else the one the score falls in by the evaluation's bands
    (``grade_stated=False``)."""
    kind, _ = kind_of(ev.meta)
    rates = budget.unit_rates(ev)
    scores = scoring.all_unit_scores(ev)
    out = []
    for u in ev.units:
        r = rates[u.key]
        us = scores.get(u.key)
        if r.budget is None and r.executed is None and us is None:
            continue
        stated = us.stated_grade if us else None
        grade = stated or scoring.grade_for(us.total if us else None, ev.meta.grade_bands)
        out.append(UnitRow(evaluation_id, ev.meta.year, kind, u.key, grade, bool(stated), r.budget,
                           ev.meta.title, u.name or u.key))
    return out


def _val(v: object) -> object:
    return None if v is None or (not isinstance(v, str | Decimal) and pd.isna(v)) else v


def rows_from_frame(units: pd.DataFrame) -> list[UnitRow]:
    """Rows from a table with the columns evaluation_id, year, kind, unit, grade, grade_stated, budget (and
    optionally title, name): the portfolio's unit table, or the SQL fact table written at publish. A grade of
    无等次 or empty is no grade."""
    out = []
    for rec in units.to_dict("records"):
        grade = _val(rec.get("grade"))
        grade = grade if grade in GRADE_RANK else None
        year = _val(rec.get("year"))
        amount = _val(rec.get("budget"))
        out.append(UnitRow(
            evaluation_id=int(str(rec["evaluation_id"])), year=int(str(year)) if year is not None else None,
            kind=str(_val(rec.get("kind")) or NO_KIND), unit=str(rec["unit"]),
            grade=str(grade) if grade is not None else None,
            grade_stated=bool(rec.get("grade_stated")) and grade is not None,
            budget=to_decimal(amount) if amount is not None else None,
            title=str(_val(rec.get("title")) or ""), name=str(_val(rec.get("name")) or ""),
            identity=str(_val(rec.get("identity")) or "")))
    return out


def without_reviewed_self(rows: Sequence[UnitRow]) -> tuple[list[UnitRow], list[UnitRow]]:
    """(rows to total, 自评 rows left out): a unit's 自评 is left out of the totals when the bureau's own evaluation
    of the same unit (identity) and year is among the rows — its result is the one applied, and the unit's budget
    is not counted twice. Rows without an identity are kept."""
    reviewed = {(r.identity, r.year) for r in rows if r.kind != SELF_KIND and r.identity and r.year is not None}
    keep: list[UnitRow] = []
    dropped: list[UnitRow] = []
    for r in rows:
        (dropped if r.kind == SELF_KIND and (r.identity, r.year) in reviewed else keep).append(r)
    return keep, dropped


# --- decisions --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What was actually decided for a unit's budget, with the rule and suggestion it was made under (a rule
    changed later does not change it)."""

    evaluation_id: int
    unit: str
    status: str  # adopted | changed
    grade: str | None
    budget: Decimal | None  # the budget the suggestion started from
    suggested: Decimal | None  # the suggestion at the time
    decided: Decimal | None  # the budget decided (万元)
    reason: str
    rule: Rule | None  # the rule in force when it was decided
    id: int | None = None
    year: int | None = None
    by: str = ""
    at: dt.datetime | None = None
    retired_at: dt.datetime | None = None  # superseded by a later decision for the same unit

    @property
    def status_label(self) -> str:
        return DECISION_STATUSES.get(self.status, self.status)

    @property
    def difference(self) -> Decimal | None:
        """decided − suggested (万元)."""
        if self.decided is None or self.suggested is None:
            return None
        return self.decided - self.suggested


def decide(s: Suggestion, status: str, decided: object = None, reason: str = "") -> Decision:
    """A decision on a suggestion: ``adopted`` takes the suggested budget; ``changed`` needs the decided budget
    (万元, 0 or more) and a reason. Raises :class:`RuleError` with a Chinese message."""
    who = s.row.name or s.row.unit
    if status not in DECISION_STATUSES:
        raise RuleError(f"{who}：决定应为“采纳建议”或“调整后决定”")
    reason = (reason or "").strip()
    if status == "adopted":
        if s.suggested is None:
            raise RuleError(f"{who}：没有建议金额（{s.reason or '无规则'}），请选择“调整后决定”并填写金额和理由")
        amount = s.suggested
    else:
        if decided is None or (isinstance(decided, str) and not decided.strip()):
            raise RuleError(f"{who}：调整后决定须填写决定的下年度预算（万元）")
        try:
            amount = to_decimal(decided)
        except ValueError as exc:
            raise RuleError(f"{who}：决定金额“{decided}”不是数值") from exc
        if amount < ZERO:
            raise RuleError(f"{who}：决定金额不能为负数")
        if round2(amount) != amount:
            raise RuleError(f"{who}：决定金额最多两位小数（万元）")
        if not reason:
            raise RuleError(f"{who}：调整后决定须填写理由")
    return Decision(s.row.evaluation_id, s.row.unit, status, s.row.grade, s.row.budget, s.suggested, amount,
                    reason, s.rule, year=s.row.year)


def with_decisions(suggestions: Sequence[Suggestion], decisions: Iterable[Decision]) -> pd.DataFrame:
    """:func:`suggestion_frame` with the decision in force per unit: status, decided budget, decided − suggested,
    the rule it was made under (which may differ from today's), reason, by, at."""
    frame = suggestion_frame(suggestions)
    current = {(d.evaluation_id, d.unit): d for d in decisions if d.retired_at is None}
    cols: dict[str, list] = {"decision": [], "decided": [], "difference": [], "decided_rule": [], "decision_reason": [],
            "decided_by": [], "decided_at": []}
    for s in suggestions:
        d = current.get((s.row.evaluation_id, s.row.unit))
        cols["decision"].append(d.status_label if d else "未记录")
        cols["decided"].append(d.decided if d else None)
        cols["difference"].append(d.difference if d else None)
        cols["decided_rule"].append(d.rule.label if d and d.rule else "")
        cols["decision_reason"].append(d.reason if d else "")
        cols["decided_by"].append(d.by if d else "")
        cols["decided_at"].append(d.at if d else None)
    return frame.assign(**cols)


# --- 自评偏差 -----------------------------------------------------------------------------------------------

SELF_REVIEW_COLUMNS = ["identity", "display", "year", "self_evaluation_id", "self_title", "self_unit", "self_score",
                       "self_grade", "self_grade_stated", "review_evaluation_id", "review_title", "review_kind",
                       "review_unit", "review_score", "review_grade", "review_grade_stated", "score_diff",
                       "grade_diff", "illustrative"]


def _illustrative(title: object) -> bool:
    return "示例" in str(title or "")


def self_review(units: pd.DataFrame) -> pd.DataFrame:
    """自评偏差: each unit's 自评 against the bureau's evaluation (any other kind: 重点评价/复核) of the same unit
    (matched by identity, as the trends match units) and year; of several, the latest published (highest id).
    score_diff = 自评得分 − 评价得分 (points),
    grade_diff = 自评等次 − 评价等次 in grade steps (优 4 … 差 1; positive: the unit rated itself higher). Most
    over-rated first (by score difference, then grade difference; pairs without both scores last).

    ``units`` has the portfolio unit table's columns: evaluation_id, year, kind, title, unit, identity, display,
    score, grade, grade_stated. ``illustrative``: either side's title says 示例 (示例数据)."""
    if units.empty:
        return pd.DataFrame(columns=SELF_REVIEW_COLUMNS)
    dated = units[units["year"].notna()]
    own = dated[dated["kind"] == SELF_KIND]
    # the bureau's evaluation of a unit and year is the latest one published (the highest evaluation id) when
    # there are several: a 自评 is paired once, so the pairs never outnumber the 自评 rows (an archive where one
    # name recurs in thousands of evaluations a year would otherwise multiply them: 20,000 rows gave 16 GB)
    other = (dated[dated["kind"] != SELF_KIND].sort_values("evaluation_id", kind="stable")
             .drop_duplicates(["identity", "year"], keep="last"))
    pairs = own.merge(other, on=["identity", "year"], suffixes=("_s", "_b"))  # one join, not a scan per unit
    rows = []
    for p in pairs.to_dict("records"):
        ss, bs = _val(p.get("score_s")), _val(p.get("score_b"))
        sg, bg = p.get("grade_s"), p.get("grade_b")
        rows.append({
            "identity": p["identity"], "display": p["display_s"], "year": int(p["year"]),
            "self_evaluation_id": int(p["evaluation_id_s"]), "self_title": p["title_s"], "self_unit": p["unit_s"],
            "self_score": ss, "self_grade": sg if sg in GRADE_RANK else None,
            "self_grade_stated": bool(p.get("grade_stated_s")),
            "review_evaluation_id": int(p["evaluation_id_b"]), "review_title": p["title_b"],
            "review_kind": p["kind_b"], "review_unit": p["unit_b"], "review_score": bs,
            "review_grade": bg if bg in GRADE_RANK else None, "review_grade_stated": bool(p.get("grade_stated_b")),
            "score_diff": (ss - bs) if ss is not None and bs is not None else None,  # type: ignore[operator]
            "grade_diff": (GRADE_RANK[sg] - GRADE_RANK[bg]) if sg in GRADE_RANK and bg in GRADE_RANK else None,
            "illustrative": _illustrative(p["title_s"]) or _illustrative(p["title_b"]),
        })
    if not rows:
        return pd.DataFrame(columns=SELF_REVIEW_COLUMNS)
    rows.sort(key=lambda r: (r["score_diff"] is None, -(r["score_diff"] or ZERO),
                             -(r["grade_diff"] if r["grade_diff"] is not None else -99), r["display"], r["year"]))
    return pd.DataFrame(rows, columns=SELF_REVIEW_COLUMNS)


def grade_diff_label(diff: object) -> str:
    if diff is None or (not isinstance(diff, int) and pd.isna(diff)):
        return "—"
    n = int(diff)  # type: ignore[call-overload]
    return "一致" if n == 0 else (f"自评高 {n} 档" if n > 0 else f"自评低 {-n} 档")


__all__ = ["ACTIONS", "DECISION_STATUSES", "DEFAULT_RULES", "GRADES", "GRADE_RANK", "RULE_KINDS",
           "SELF_REVIEW_COLUMNS", "Decision", "Rule", "RuleError", "RuleSet", "Suggestion", "Totals", "UnitRow",
           "as_json", "change_for", "check_rule", "decide", "default_rules", "grade_diff_label",
           "rows_from_evaluation", "rows_from_frame", "self_review", "suggest", "suggest_all", "suggestion_frame",
           "totals", "totals_by", "with_decisions", "without_reviewed_self"]
