"""The audit log in the database: who did what, when, to which evaluation or account.

Writing an entry inside the caller's transaction (:meth:`AuditStore._audit`), so an action and its entry are
kept together or not at all; refusing an action the actor's role does not allow, with an entry of the refusal
(:meth:`AuditStore._require`); and reading entries back, filtered and paged in SQL. Turning entries into
tables and files is :mod:`evalcore.audit`.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .. import auth
from ..auth import Actor, PermissionDenied
from ..clock import utc_now as _now  # the one UTC-now (evalcore.clock)
from ..facts.bulk import Native, Positional, bound, direct, in_pipeline, native, positional, run_direct, run_native
from ..tables import T_AUDIT
from .connection import StoreBase, actor_name, to_json
from .records import AUDIT_ACTIONS, AuditEntry

# Refusals of one person on one target within this window are one audit entry with a count (record_refusal).
REFUSAL_WINDOW = dt.timedelta(minutes=10)


_AUDIT_COLUMNS = ("at", "actor", "role", "via", "action", "summary", "evaluation_id", "version_id", "target", "before",
                  "after")  # those _audit writes


@lru_cache(maxsize=2)
def _audit_insert(dialect: sa.Dialect) -> Native:
    """PostgreSQL: an audit entry's insert, to be run in a pipeline (:func:`evalcore.facts.bulk.pipelined`)."""
    return native(sa.insert(T_AUDIT).values({n: sa.bindparam(n, type_=T_AUDIT.c[n].type) for n in _AUDIT_COLUMNS})
                  .compile(dialect=dialect))


@lru_cache(maxsize=2)
def _audit_insert_sqlite(dialect: sa.Dialect) -> Positional:
    """SQLite: an audit entry's insert, run on the driver's cursor (:func:`evalcore.facts.bulk.run_direct`)."""
    return positional(sa.insert(T_AUDIT).values({n: sa.bindparam(n, type_=T_AUDIT.c[n].type) for n in _AUDIT_COLUMNS})
                      .compile(dialect=dialect))


def _entry(r: sa.Row) -> AuditEntry:
    return AuditEntry(id=r.id, at=r.at, actor=r.actor, role=r.role, via=r.via, action=r.action, summary=r.summary,
                      evaluation_id=r.evaluation_id, version_id=r.version_id, target=r.target,
                      before=json.loads(r.before) if r.before else None,
                      after=json.loads(r.after) if r.after else None)


class AuditStore(StoreBase):
    """The audit log part of :class:`~evalcore.store.Store`."""

    def record(self, actor: Actor, action: str, summary: str, *, target: str = "", evaluation_id: int | None = None,
               version_id: int | None = None, before: dict | None = None, after: dict | None = None) -> None:
        """Write an audit entry of its own (sign-ins through OIDC, sign-outs, audit exports)."""
        if action not in AUDIT_ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        with self._write() as conn:
            self._audit(conn, actor, action, summary, target=target, evaluation_id=evaluation_id,
                        version_id=version_id, before=before, after=after)

    def record_refusal(self, actor: Actor, summary: str, *, target: str, evaluation_id: int | None = None,
                       after: dict | None = None, now: dt.datetime | None = None) -> int:
        """A refusal ("denied") of ``actor`` on ``target``, counted: while the entry of the same person's first
        refusal on the same target (and evaluation) is less than :data:`REFUSAL_WINDOW` old, its count (``次数``)
        and the time of the latest (``最近一次``) go up instead of a new entry being written, so reopening a
        refused page in new sessions, or repeating a forged write, adds at most one entry a window (6 an hour)
        however often it is done. Returns the count."""
        with self._write() as conn:
            return self._refusal(conn, actor, summary, target=target, evaluation_id=evaluation_id, after=after,
                                 now=now)

    @classmethod
    def _refusal(cls, conn: Connection, actor: Actor, summary: str, *, target: str, evaluation_id: int | None,
                 after: dict | None, now: dt.datetime | None = None) -> int:
        now = now or _now()
        query = (sa.select(T_AUDIT.c.id, T_AUDIT.c.after).where(
            T_AUDIT.c.at >= now - REFUSAL_WINDOW, T_AUDIT.c.action == "denied", T_AUDIT.c.actor == actor_name(actor),
            T_AUDIT.c.target == (target or ""),
            T_AUDIT.c.evaluation_id.is_(None) if evaluation_id is None else T_AUDIT.c.evaluation_id == evaluation_id)
            .order_by(T_AUDIT.c.at.desc(), T_AUDIT.c.id.desc()).limit(1).with_for_update())
        last = conn.execute(query).first()
        if last is not None:
            values = json.loads(last.after) if last.after else {}
            count = int(values.get("次数", 1)) + 1
            values.update({"次数": count, "最近一次": now.isoformat(timespec="seconds")})
            conn.execute(sa.update(T_AUDIT).where(T_AUDIT.c.id == last.id).values(after=to_json(values)))
            return count
        cls._audit(conn, actor, "denied", summary, target=target, evaluation_id=evaluation_id,
                   after={**(after or {}), "次数": 1}, now=now)
        return 1

    @staticmethod
    def _audit_where(query: sa.Select, since: dt.datetime | None, until: dt.datetime | None, actor: str | None,
                     actions: Sequence[str] | None, evaluation_id: int | None) -> sa.Select:
        if since is not None:
            query = query.where(T_AUDIT.c.at >= since)
        if until is not None:
            query = query.where(T_AUDIT.c.at < until)
        if actor:
            query = query.where(T_AUDIT.c.actor == actor)
        if actions:
            query = query.where(T_AUDIT.c.action.in_(list(actions)))
        if evaluation_id is not None:
            query = query.where(T_AUDIT.c.evaluation_id == evaluation_id)
        return query

    def audit_log(self, *, since: dt.datetime | None = None, until: dt.datetime | None = None,
                  actor: str | None = None, actions: Sequence[str] | None = None, evaluation_id: int | None = None,
                  limit: int | None = 10_000, offset: int = 0) -> list[AuditEntry]:
        """Audit entries, newest first, filtered in SQL by time (``since`` <= at < ``until``), actor name (exact),
        action kinds and evaluation; ``limit`` and ``offset`` page through them (the 管理 page reads one page)."""
        query = self._audit_where(sa.select(T_AUDIT), since, until, actor, actions, evaluation_id)
        # (at, id): the order of the index on ``at`` (which carries the row id), so a page of a time window is
        # read from the index instead of sorting the whole window
        query = query.order_by(T_AUDIT.c.at.desc(), T_AUDIT.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [_entry(r) for r in rows]

    def iter_audit(self, *, since: dt.datetime | None = None, until: dt.datetime | None = None,
                   actor: str | None = None, actions: Sequence[str] | None = None, evaluation_id: int | None = None,
                   limit: int | None = None, batch: int = 2_000) -> Iterator[AuditEntry]:
        """:meth:`audit_log`'s entries (newest first, same filters), read ``batch`` at a time with a keyset on
        (at, id) so that an export of millions holds one batch in memory, never the whole log."""
        after: tuple[dt.datetime, int] | None = None
        left = limit
        while left is None or left > 0:
            size = batch if left is None else min(batch, left)
            query = self._audit_where(sa.select(T_AUDIT), since, until, actor, actions, evaluation_id)
            if after is not None:
                query = query.where(sa.or_(T_AUDIT.c.at < after[0],
                                           sa.and_(T_AUDIT.c.at == after[0], T_AUDIT.c.id < after[1])))
            query = query.order_by(T_AUDIT.c.at.desc(), T_AUDIT.c.id.desc()).limit(size)
            with self._read() as conn:
                rows = conn.execute(query).all()
            for r in rows:
                yield _entry(r)
            if len(rows) < size:
                return
            after = (rows[-1].at, rows[-1].id)
            if left is not None:
                left -= len(rows)

    def audit_count(self, *, since: dt.datetime | None = None, until: dt.datetime | None = None,
                    actor: str | None = None, actions: Sequence[str] | None = None,
                    evaluation_id: int | None = None) -> int:
        """How many audit entries match the filters (counted in SQL)."""
        query = self._audit_where(sa.select(sa.func.count()).select_from(T_AUDIT), since, until, actor, actions,
                                  evaluation_id)
        with self._read() as conn:
            return conn.scalar(query) or 0

    def audit_actors(self) -> list[str]:
        with self._read() as conn:
            return list(conn.scalars(sa.select(T_AUDIT.c.actor).distinct().order_by(T_AUDIT.c.actor)))

    def require(self, actor: Actor, action: str, *, evaluation_id: int | None = None, target: str = "") -> Actor:
        """``actor`` if allowed to do ``action`` (:data:`evalcore.auth.ACTIONS`); else the refusal is written to the
        audit log and :class:`evalcore.auth.PermissionDenied` raised. For the modules outside the store that change
        what it holds (catalog, 结果应用)."""
        return self._require(actor, action, evaluation_id=evaluation_id, target=target)

    def record_in(self, conn: Connection, actor: Actor, action: str, summary: str, *, target: str = "",
                  evaluation_id: int | None = None, version_id: int | None = None, before: dict | None = None,
                  after: dict | None = None, now: dt.datetime | None = None) -> None:
        """An audit entry written in the caller's transaction (``conn`` from :meth:`writing`), so it is kept
        exactly when the change it describes is. ``action``: one of :data:`AUDIT_ACTIONS`."""
        if action not in AUDIT_ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        self._audit(conn, actor, action, summary, target=target, evaluation_id=evaluation_id, version_id=version_id,
                    before=before, after=after, now=now)

    def _require(self, actor: Actor, action: str, *, evaluation_id: int | None = None, target: str = "") -> Actor:
        """:func:`evalcore.auth.require`, leaving an audit entry of a refusal before raising it."""
        try:
            return auth.require(actor, action)
        except PermissionDenied as exc:
            with self._write() as conn:
                self._refusal(conn, exc.actor, str(exc), evaluation_id=evaluation_id,
                              target=target or auth.ACTIONS.get(action, action), after={"操作": action})
            raise

    @staticmethod
    def _audit(conn: Connection, actor: Actor, action: str, summary: str, *, target: str = "",
               evaluation_id: int | None = None, version_id: int | None = None, before: dict | None = None,
               after: dict | None = None, now: dt.datetime | None = None) -> None:
        values = dict(
            at=now or _now(), actor=actor_name(actor), role=actor.role, via=actor.via, action=action, summary=summary,
            evaluation_id=evaluation_id, version_id=version_id, target=target or "", before=to_json(before),
            after=to_json(after))
        if in_pipeline(conn):  # PostgreSQL, a publish: sent with the version's other writes (store.evaluations)
            run_native(conn, [(_audit_insert(conn.dialect), bound(T_AUDIT, values, conn.dialect))])
        elif direct(conn):  # SQLite: on the driver's cursor
            run_direct(conn, _audit_insert_sqlite(conn.dialect), bound(T_AUDIT, values, conn.dialect))
        else:
            conn.execute(sa.insert(T_AUDIT).values(values))
