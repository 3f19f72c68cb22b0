"""Filling the facts of versions stored before the fact tables existed (schema version 5), and the list of
versions that need attention.

Run when a store is opened (a no-op query when nothing is missing) and by ``python -m evalcore upgrade``, with a
progress bar on a terminal (tqdm, on stderr). Every stored version is read once with the current reader: a
version the reader refuses is never dropped; it stays in the store, gets no facts, and is marked ``unreadable``
with the reader's message, so the 数据管理 page lists it (:func:`attention`) and the portfolio leaves it out
with a note. Rollback versions point at the facts of the version they copy.
"""
from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..clock import utc_now
from ..model import evaluation_label
from ..tables import T_EVAL, T_FACT_VER, T_VER
from ..workbook import read_workbook
from . import rollup, totals
from .write import ROW_TABLES, UNREADABLE, mark_unreadable, point_facts, write_facts


class Transactions(Protocol):
    """What filling asks of the store: its transactions (:class:`evalcore.store.Store` is one). A protocol, not
    an import: the store calls this module when it opens, so this module stays below it (docs/architecture.md)."""

    def reading(self) -> AbstractContextManager[Connection]: ...

    def writing(self) -> AbstractContextManager[Connection]: ...


BATCH = 25  # versions written per transaction


@dataclass(frozen=True)
class Attention:
    """A stored version the current reader refuses."""

    version_id: int
    evaluation_id: int
    number: int
    label: str  # 地区 · 年度 · 标题
    file_name: str
    active: bool  # the evaluation's current version: the portfolio leaves the evaluation out
    note: str  # the reader's message
    checked_at: dt.datetime


@dataclass
class FillReport:
    filled: int = 0
    pointed: int = 0
    unreadable: list[int] = field(default_factory=list)  # version ids

    @property
    def total(self) -> int:
        return self.filled + self.pointed + len(self.unreadable)


def missing(store: Transactions) -> list[tuple[int, int, int | None]]:
    """(version id, evaluation id, rollback source) of every version without facts, oldest first."""
    query = (sa.select(T_VER.c.id, T_VER.c.evaluation_id, T_VER.c.source_version_id)
             .outerjoin(T_FACT_VER, T_FACT_VER.c.version_id == T_VER.c.id)
             .where(T_FACT_VER.c.version_id.is_(None)).order_by(T_VER.c.id))
    with store.reading() as conn:
        return [(r.id, r.evaluation_id, r.source_version_id) for r in conn.execute(query)]


def fill(store: Transactions, *, refresh: bool = False, progress: bool | None = None) -> FillReport:
    """Write the facts of every version that has none (with ``refresh``: of every version, after deleting all
    facts, e.g. after the theme rules changed). ``progress``: a tqdm bar (None: only on a terminal)."""
    if refresh:
        with store.writing() as conn:
            for table in (*ROW_TABLES, T_FACT_VER):
                conn.execute(sa.delete(table))
            rollup.delete_rollups(conn)
            totals.rebuild(conn)
    todo = missing(store)
    report = FillReport()
    if not todo:
        fill_rollups(store, progress=progress)
        return report
    from tqdm import tqdm
    bar = tqdm(total=len(todo), desc="写入评价事实表", unit="版本", disable=None if progress is None else not progress)
    try:
        for start in range(0, len(todo), BATCH):
            chunk = todo[start:start + BATCH]
            parsed = {}
            with store.reading() as conn:
                for vid, _, _ in chunk:
                    data = conn.scalar(sa.select(T_VER.c.data).where(T_VER.c.id == vid))
                    parsed[vid] = read_workbook(bytes(data or b""))
            with store.writing() as conn:
                for vid, eid, source in chunk:
                    if conn.scalar(sa.select(T_FACT_VER.c.version_id).where(T_FACT_VER.c.version_id == vid)):
                        continue  # another process filled it meanwhile
                    now = utc_now()
                    result = parsed[vid]
                    if source is not None and point_facts(conn, eid, vid, source, now):
                        report.pointed += 1
                    elif result.ok and result.evaluation is not None:
                        write_facts(conn, eid, vid, result.evaluation, now)
                        report.filled += 1
                    else:
                        message = str(result.errors[0]) if result.errors else "工作簿无法读取"
                        mark_unreadable(conn, eid, vid, message, now)
                        report.unreadable.append(vid)
            bar.update(len(chunk))
    finally:
        bar.close()
    fill_rollups(store, progress=progress)
    with store.writing() as conn:
        totals.rebuild(conn)
    return report


def fill_rollups(store: Transactions, *, progress: bool | None = None) -> int:
    """Write the roll-ups (schema version 11) of every version that has fact rows and none (migration 11 fills
    them; this catches the rest, e.g. a backup taken before it), from the stored fact rows, ``BATCH`` × 20
    versions per transaction. One query when nothing is missing. Returns how many were written."""
    with store.reading() as conn:
        todo = rollup.missing(conn)
    if not todo:
        return 0
    from tqdm import tqdm
    step = BATCH * 20
    bar = tqdm(total=len(todo), desc="写入评价汇总表", unit="版本", disable=None if progress is None else not progress)
    try:
        for start in range(0, len(todo), step):
            chunk = todo[start:start + step]
            with store.writing() as conn:
                known = {v for v, _ in rollup.missing(conn)}  # another process may have filled some meanwhile
                rollup.fill_from_rows(conn, [t for t in chunk if t[0] in known])
            bar.update(len(chunk))
    finally:
        bar.close()
    with store.writing() as conn:
        totals.rebuild(conn)
    return len(todo)


def attention(store: Transactions) -> list[Attention]:
    """Every stored version the current reader refuses, newest first."""
    query = (sa.select(T_FACT_VER.c.version_id, T_FACT_VER.c.evaluation_id, T_FACT_VER.c.note,
                       T_FACT_VER.c.checked_at, T_VER.c.number, T_VER.c.file_name, T_EVAL.c.region, T_EVAL.c.year,
                       T_EVAL.c.title, T_EVAL.c.active_version_id)
             .join(T_VER, T_VER.c.id == T_FACT_VER.c.version_id)
             .join(T_EVAL, T_EVAL.c.id == T_FACT_VER.c.evaluation_id)
             .where(T_FACT_VER.c.state == UNREADABLE).order_by(T_FACT_VER.c.version_id.desc()))
    with store.reading() as conn:
        rows = conn.execute(query).all()
    return [Attention(version_id=r.version_id, evaluation_id=r.evaluation_id, number=r.number,
                      label=evaluation_label(r.region, r.year, r.title),
                      file_name=r.file_name, active=r.active_version_id == r.version_id, note=r.note,
                      checked_at=r.checked_at) for r in rows]


__all__ = ["Attention", "FillReport", "attention", "fill", "fill_rollups", "missing"]
