"""结果应用 in the store (issue 26): the bureau's rules with their history, and the decisions recorded per unit.

Kept apart from :mod:`evalcore.store` like :mod:`evalcore.catalog`: these functions use a
:class:`~evalcore.store.Store`, its transactions and audit log, and the tables of schema version 7
(``application_rules``, ``application_decisions``). The computations are :mod:`evalcore.application`.

Rules are the admins' to set (the ``manage_evaluations`` permission); decisions are recorded by evaluators and
admins (``publish``). Every change writes an audit entry in the same transaction.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from .application import (
    DEFAULT_RULES,
    Decision,
    Rule,
    RuleSet,
    Suggestion,
    check_rule,
    decide,
)
from .auth import Actor
from .clock import utc_now
from .numbers import fmt2
from .store import T_DECISION, T_EVAL, T_RULE, Store, StoreError, actor_name


def _dec(text: str | None) -> Decimal | None:
    return None if text is None or text == "" else Decimal(text)


def _rule_from_row(r) -> Rule:
    return Rule(r.kind, r.grade, r.action, _dec(r.percent), r.note, rule_id=r.id, set_by=r.created_by,
                set_at=r.created_at)


@dataclass(frozen=True)
class RuleChange:
    """One row of the rules' history: a rule set by someone at a time, retired (replaced or reset) or in force."""

    rule: Rule
    by: str
    at: dt.datetime
    retired_by: str | None
    retired_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.retired_at is None


def rules(store: Store) -> RuleSet:
    """The rules in force: the defaults, overlaid by the rows the bureau set."""
    with store.reading() as conn:
        rows = conn.execute(sa.select(T_RULE).where(T_RULE.c.retired_at.is_(None)).order_by(T_RULE.c.id)).all()
    table = dict(DEFAULT_RULES)
    for r in rows:
        table[(r.kind, r.grade)] = _rule_from_row(r)
    return RuleSet(table)


def rule_history(store: Store) -> list[RuleChange]:
    """Every rule ever set, newest first (who set it when; who replaced or reset it when)."""
    with store.reading() as conn:
        rows = conn.execute(sa.select(T_RULE).order_by(T_RULE.c.id.desc())).all()
    return [RuleChange(_rule_from_row(r), r.created_by, r.created_at, r.retired_by, r.retired_at) for r in rows]


def _described(rule: Rule) -> dict:
    return {"评价类型": rule.kind, "等次": rule.grade, "处理": rule.label, "说明": rule.note}


def set_rule(store: Store, kind: str, grade: str, action: str, percent: object = None, note: str = "", *,
             by: Actor) -> Rule:
    """Set the rule for a kind and grade (admins). The rule it replaces (stored or default) is kept in the history
    and the audit entry; an unchanged rule is refused."""
    store.require(by, "manage_evaluations", target=f"结果应用规则 {kind} · {grade}")
    try:
        new = check_rule(kind, grade, action, percent, note)
    except ValueError as exc:
        raise StoreError(str(exc)) from exc
    now = utc_now()
    with store.writing() as conn:
        old_rows = conn.execute(sa.select(T_RULE).where(T_RULE.c.kind == kind, T_RULE.c.grade == grade,
                                                        T_RULE.c.retired_at.is_(None))).all()
        old = _rule_from_row(old_rows[-1]) if old_rows else DEFAULT_RULES[(kind, grade)]
        if (old.action, old.percent, old.note) == (new.action, new.percent, new.note):
            raise StoreError(f"{kind} · {grade}：规则未改变，未保存")
        for r in old_rows:
            conn.execute(sa.update(T_RULE).where(T_RULE.c.id == r.id).values(retired_by=actor_name(by), retired_at=now))
        result = conn.execute(sa.insert(T_RULE).values(
            kind=kind, grade=grade, action=new.action, percent=fmt2(new.percent) or None, note=new.note,
            created_by=actor_name(by), created_at=now))
        key = result.inserted_primary_key
        assert key is not None  # an INSERT of one row always has its key
        store.record_in(conn, by, "rule_set", f"结果应用规则：{kind} · {grade} {old.label} → {new.label}",
                     target=f"{kind} · {grade}", now=now,
                     before={**_described(old), "默认": old.is_default}, after=_described(new))
        return _rule_from_row(conn.execute(sa.select(T_RULE).where(T_RULE.c.id == key[0])).one())


def reset_rule(store: Store, kind: str, grade: str, *, by: Actor) -> Rule:
    """Go back to the default rule for a kind and grade (admins); the retired row stays in the history."""
    store.require(by, "manage_evaluations", target=f"结果应用规则 {kind} · {grade}")
    if (kind, grade) not in DEFAULT_RULES:
        raise StoreError(f"没有“{kind} · {grade}”这条规则")
    now = utc_now()
    with store.writing() as conn:
        old_rows = conn.execute(sa.select(T_RULE).where(T_RULE.c.kind == kind, T_RULE.c.grade == grade,
                                                        T_RULE.c.retired_at.is_(None))).all()
        if not old_rows:
            raise StoreError(f"{kind} · {grade}：已是默认规则")
        for r in old_rows:
            conn.execute(sa.update(T_RULE).where(T_RULE.c.id == r.id).values(retired_by=actor_name(by), retired_at=now))
        default = DEFAULT_RULES[(kind, grade)]
        old = _rule_from_row(old_rows[-1])
        store.record_in(conn, by, "rule_reset", f"结果应用规则恢复默认：{kind} · {grade} {old.label} → {default.label}",
                     target=f"{kind} · {grade}", now=now, before=_described(old), after=_described(default))
    return default


# --- decisions --------------------------------------------------------------------------------------------


def _decision_from_row(r) -> Decision:
    rule = None
    if r.rule_action:
        rule = Rule(r.rule_kind or "", r.grade or "", r.rule_action, _dec(r.rule_percent), r.rule_note or "",
                    rule_id=r.rule_id)
    return Decision(r.evaluation_id, r.unit, r.status, r.grade, _dec(r.budget), _dec(r.suggested), _dec(r.decided),
                    r.reason, rule, id=r.id, year=r.year, by=r.created_by, at=r.created_at, retired_at=r.retired_at)


def record_decision(store: Store, suggestion: Suggestion, status: str, decided: object = None, reason: str = "", *,
                    by: Actor) -> Decision:
    """Record what was decided for a unit's next budget (evaluators and admins): ``adopted`` (the suggested budget)
    or ``changed`` (an amount and a reason). The decision keeps a copy of the rule and suggestion it was made
    under; an earlier decision for the same unit is retired (kept in the history)."""
    row = suggestion.row
    store.require(by, "publish", evaluation_id=row.evaluation_id, target=f"结果应用 {row.unit}")
    try:
        d = decide(suggestion, status, decided, reason)
    except ValueError as exc:
        raise StoreError(str(exc)) from exc
    now = utc_now()
    rule = d.rule
    with store.writing() as conn:
        if conn.scalar(sa.select(T_EVAL.c.id).where(T_EVAL.c.id == row.evaluation_id)) is None:
            raise StoreError(f"评价不存在（编号 {row.evaluation_id}）")
        old = conn.execute(sa.select(T_DECISION).where(T_DECISION.c.evaluation_id == row.evaluation_id,
                                                       T_DECISION.c.unit == row.unit,
                                                       T_DECISION.c.retired_at.is_(None))).all()
        for r in old:
            conn.execute(sa.update(T_DECISION).where(T_DECISION.c.id == r.id)
                         .values(retired_by=actor_name(by), retired_at=now))
        result = conn.execute(sa.insert(T_DECISION).values(
            evaluation_id=row.evaluation_id, unit=row.unit, year=row.year, status=d.status, grade=d.grade,
            budget=fmt2(d.budget) or None, suggested=fmt2(d.suggested) or None, decided=fmt2(d.decided) or None,
            reason=d.reason, rule_id=rule.rule_id if rule else None, rule_kind=rule.kind if rule else None,
            rule_action=rule.action if rule else None, rule_percent=fmt2(rule.percent) or None if rule else None,
            rule_note=rule.note if rule else None, created_by=actor_name(by), created_at=now))
        key = result.inserted_primary_key
        assert key is not None
        before = None
        if old:
            prev = _decision_from_row(old[-1])
            before = {"决定": prev.status_label, "决定预算": fmt2(prev.decided), "理由": prev.reason}
        store.record_in(conn, by, "decision_record",
                     f"结果应用决定：{row.unit} {d.status_label}，下年度预算 {fmt2(d.decided)} 万元"
                     f"（建议 {fmt2(d.suggested) or '—'} 万元）",
                     target=row.unit, evaluation_id=row.evaluation_id, now=now, before=before,
                     after={"决定": d.status_label, "决定预算": fmt2(d.decided), "建议预算": fmt2(d.suggested),
                            "规则": rule.label if rule else "", "理由": d.reason})
        return _decision_from_row(conn.execute(sa.select(T_DECISION).where(T_DECISION.c.id == key[0])).one())


def decisions(store: Store, *, evaluation_id: int | None = None, units: list[tuple[int, str]] | None = None,
              history: bool = False) -> list[Decision]:
    """Decisions in force (with ``history`` also the superseded ones), oldest first; of one evaluation, or of the
    given (evaluation id, unit) pairs."""
    query = sa.select(T_DECISION)
    if evaluation_id is not None:
        query = query.where(T_DECISION.c.evaluation_id == evaluation_id)
    if units is not None:
        if not units:
            return []
        query = query.where(sa.tuple_(T_DECISION.c.evaluation_id, T_DECISION.c.unit).in_(units))
    if not history:
        query = query.where(T_DECISION.c.retired_at.is_(None))
    with store.reading() as conn:
        rows = conn.execute(query.order_by(T_DECISION.c.id)).all()
    return [_decision_from_row(r) for r in rows]


__all__ = ["RuleChange", "decisions", "record_decision", "reset_rule", "rule_history", "rules", "set_rule"]
