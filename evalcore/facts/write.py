"""Writing a version's facts, inside the transaction that stores the version (called by
:meth:`evalcore.store.EvaluationsStore._add_version`, the one place every publish path goes through: upload,
``publish``, ``import``, text import, first-run samples, rollback, 整改 update; a restore copies the fact tables
with the rest of the backup), and filling them for versions stored before they existed.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model import Evaluation
from ..scoring import UnitScore
from ..tables import (
    T_FACT_DIM,
    T_FACT_EVAL,
    T_FACT_GRADE,
    T_FACT_PROBLEM,
    T_FACT_REC,
    T_FACT_RECT,
    T_FACT_RECT_CHANGE,
    T_FACT_UNIT,
    T_FACT_VER,
)
from .bulk import insert_all, postgresql_insert_all, run_all_prepared
from .rollup import delete_rollups, rollup_parts
from .rows import facts_of
from .totals import postgresql_sync, sync

OK = "ok"
UNREADABLE = "unreadable"
ROW_TABLES = (T_FACT_EVAL, T_FACT_GRADE, T_FACT_UNIT, T_FACT_DIM, T_FACT_PROBLEM, T_FACT_REC, T_FACT_RECT,
              T_FACT_RECT_CHANGE)


def write_facts(conn: Connection, evaluation_id: int, version_id: int, ev: Evaluation, now: dt.datetime,
                scores: Mapping[str, UnitScore] | None = None, *, shift_totals: bool = False) -> None:
    """The facts of ``ev`` as those of ``version_id`` and their roll-ups
    (:mod:`evalcore.facts.rollup`), inserted by :func:`evalcore.facts.bulk.insert_all` (one statement per
    table on SQLite, one statement in all on PostgreSQL). ``scores``: the unit scores of ``ev`` when the caller
    has them (:func:`evalcore.facts.rows.facts_of`). ``shift_totals`` (a publish: ``version_id`` was just made
    the evaluation's active version): the totals brought up to date too (:func:`evalcore.facts.totals.sync`),
    on PostgreSQL in the same round trip as the insert (:func:`evalcore.facts.bulk.run_all_prepared`)."""
    f = facts_of(ev, scores)
    ids = {"version_id": version_id, "evaluation_id": evaluation_id}  # every row's: bound once (insert_all)
    parts: list[tuple[sa.Table, Sequence[Mapping[str, Any]]]] = [
        (T_FACT_EVAL, [f.evaluation]), (T_FACT_UNIT, f.units), (T_FACT_DIM, f.dimensions),
        (T_FACT_PROBLEM, f.problems), (T_FACT_REC, f.recommendations), (T_FACT_RECT, f.rectifications),
        (T_FACT_GRADE, f.grades), (T_FACT_RECT_CHANGE, f.rect_changes)]
    parts += rollup_parts(evaluation_id, version_id, f.units, f.rectifications, f.problems)
    parts.append((T_FACT_VER, [{"facts_of": version_id, "state": OK, "note": "", "checked_at": now}]))
    if not shift_totals:
        insert_all(conn, parts, same=ids)
    elif conn.dialect.name == "postgresql":  # the insert and the shift in one round trip
        run_all_prepared(conn, [postgresql_insert_all(conn, parts, same=ids), postgresql_sync(conn, evaluation_id)])
    else:
        insert_all(conn, parts, same=ids)
        sync(conn, evaluation_id)


def point_facts(conn: Connection, evaluation_id: int, version_id: int, source_version_id: int,
                now: dt.datetime) -> bool:
    """A rollback: the new version holds the bytes of ``source_version_id``, so its facts are the source's (one
    pointer row, nothing copied). False when the source has no readable facts (the caller then parses)."""
    src = conn.execute(sa.select(T_FACT_VER.c.facts_of, T_FACT_VER.c.state)
                       .where(T_FACT_VER.c.version_id == source_version_id)).first()
    if src is None or src.state != OK:
        return False
    conn.execute(sa.insert(T_FACT_VER).values(version_id=version_id, evaluation_id=evaluation_id,
                                              facts_of=src.facts_of, state=OK, note="", checked_at=now))
    return True


def mark_unreadable(conn: Connection, evaluation_id: int, version_id: int, message: str, now: dt.datetime) -> None:
    """The current reader refuses the stored workbook: no facts; the version is listed as needing attention."""
    conn.execute(sa.insert(T_FACT_VER).values(version_id=version_id, evaluation_id=evaluation_id,
                                              facts_of=version_id, state=UNREADABLE, note=message[:2000],
                                              checked_at=now))


def delete_facts(conn: Connection, version_id: int) -> None:
    """Remove a version's facts (``upgrade --refresh`` rewrites them)."""
    for table in ROW_TABLES:
        conn.execute(sa.delete(table).where(table.c.version_id == version_id))
    delete_rollups(conn, version_id)
    conn.execute(sa.delete(T_FACT_VER).where(T_FACT_VER.c.version_id == version_id))


__all__ = ["OK", "ROW_TABLES", "UNREADABLE", "delete_facts", "mark_unreadable", "point_facts", "write_facts"]
