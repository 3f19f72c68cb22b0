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
    T_FACT_DIM_SET,
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
from .rows import DIMENSION_KEYS, dimensions_document, facts_of
from .totals import postgresql_sync, sync

OK = "ok"
UNREADABLE = "unreadable"
# T_FACT_DIM: no longer written (schema version 13: T_FACT_DIM_SET), emptied by migration 13; kept here so that
# deleting a version's facts deletes everything a fact table could hold of it
ROW_TABLES = (T_FACT_EVAL, T_FACT_GRADE, T_FACT_UNIT, T_FACT_DIM_SET, T_FACT_DIM, T_FACT_PROBLEM, T_FACT_REC,
              T_FACT_RECT, T_FACT_RECT_CHANGE)


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
        (T_FACT_EVAL, [f.evaluation]), (T_FACT_UNIT, f.units),
        (T_FACT_DIM_SET, [{"dimensions": dimensions_document(f.dimensions)}] if f.dimensions else []),
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


def move_dimension_rows(conn: Connection, chunk: int = 500) -> int:
    """Migration 13: the rows of ``fact_unit_dimensions`` as one ``fact_dimension_sets`` document per version
    (in the rows' order, ``id``: the order they were written in), then that table emptied; versions that already
    have a document are skipped (rerun-safe). Returns the versions moved. Nothing is lost: the document holds
    every column but the row id and the ids the row repeated (version, evaluation), decimals as exact text."""
    FD, DS = T_FACT_DIM, T_FACT_DIM_SET
    todo = [int(v) for v in conn.scalars(sa.select(FD.c.version_id).distinct()
                                         .where(FD.c.version_id.not_in(sa.select(DS.c.version_id)))
                                         .order_by(FD.c.version_id))]
    for start in range(0, len(todo), chunk):
        ids = todo[start:start + chunk]
        sets: dict[int, tuple[int, list[dict]]] = {}
        for r in conn.execute(sa.select(FD.c.version_id, FD.c.evaluation_id, *(FD.c[k] for k in DIMENSION_KEYS))
                              .where(FD.c.version_id.in_(ids)).order_by(FD.c.version_id, FD.c.id)):
            sets.setdefault(r.version_id, (r.evaluation_id, []))[1].append(
                {k: getattr(r, k) for k in DIMENSION_KEYS})
        conn.execute(sa.insert(DS), [{"version_id": vid, "evaluation_id": eid, "dimensions": dimensions_document(rows)}
                                     for vid, (eid, rows) in sets.items()])
    conn.execute(sa.delete(FD))
    return len(todo)


def delete_facts(conn: Connection, version_id: int) -> None:
    """Remove a version's facts (``upgrade --refresh`` rewrites them)."""
    for table in ROW_TABLES:
        conn.execute(sa.delete(table).where(table.c.version_id == version_id))
    delete_rollups(conn, version_id)
    conn.execute(sa.delete(T_FACT_VER).where(T_FACT_VER.c.version_id == version_id))


__all__ = ["OK", "ROW_TABLES", "UNREADABLE", "delete_facts", "mark_unreadable", "move_dimension_rows", "point_facts",
           "write_facts"]
