"""The portfolio's figures summed over the evaluations it shows (schema version 12), kept by difference.

An evaluation is shown when it is not archived and its active version's facts are readable; ``fact_shown`` holds
the version whose facts it adds (``fact_versions.facts_of``). When that changes (a publish, a 整改 update, a
rollback, archiving or bringing back), :func:`sync` subtracts the old version's per-version rows and adds the new
one's, in the caller's transaction, one ``INSERT … SELECT … ON CONFLICT DO UPDATE`` per table: nothing is
recomputed for the other evaluations, nothing depends on the date, and the tables grow with the distinct
(year, region, kind, evaluator) groups, themes, titles and (unit, deadline) pairs, not with the versions stored.

- ``fact_group_totals``: per (year, region, kind, evaluator): evaluations, the KPI sums of ``fact_evaluations``,
  the histogram bins of ``fact_rollups``, 整改 items and those closed now;
- ``fact_group_grades``: per group and 等次 (``fact_eval_grades``);
- ``fact_group_themes`` / ``fact_group_theme_titles``: per group and problem theme (and category title):
  evaluations raising it, categories, items;
- ``fact_total_deadlines``: 整改 items open now with a deadline, per (responsible unit, deadline), over every
  shown evaluation; ``fact_total_rect_units``: per responsible unit, the evaluations naming it;
  ``fact_total_names``: per normalised 全称, the counted units of the shown evaluations that have it.

Rows whose counts fall to 0 stay (the queries skip them). Money is exact: NUMERIC arithmetic on PostgreSQL; on
SQLite the decimal text through the store's ``dsum``, ``dneg`` and ``dadd`` functions.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import array as postgresql_array
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ..tables import (
    T_EVAL,
    T_FACT_EVAL,
    T_FACT_GRADE,
    T_FACT_PROBLEM,
    T_FACT_RECT,
    T_FACT_ROLLUP,
    T_FACT_ROLLUP_RECT_UNIT,
    T_FACT_ROLLUP_THEME,
    T_FACT_SHOWN,
    T_FACT_UNIT,
    T_FACT_VER,
    T_GROUP_GRADE,
    T_GROUP_THEME,
    T_GROUP_TITLE,
    T_GROUP_TOTAL,
    T_TOTAL_DEADLINE,
    T_TOTAL_NAME,
    T_TOTAL_RECT_UNIT,
    ExactDecimal,
)
from .bulk import Native, direct, native, run_prepared
from .rollup import RATE_COLUMNS, SCORE_COLUMNS

E, FV, FE, FG, FP, FR = T_EVAL, T_FACT_VER, T_FACT_EVAL, T_FACT_GRADE, T_FACT_PROBLEM, T_FACT_RECT
RU, RT, RRU, SHOWN = T_FACT_ROLLUP, T_FACT_ROLLUP_THEME, T_FACT_ROLLUP_RECT_UNIT, T_FACT_SHOWN
GROUP_KEY = ("year", "region", "kind", "evaluator")
TABLES = (T_GROUP_TOTAL, T_GROUP_GRADE, T_GROUP_THEME, T_GROUP_TITLE, T_TOTAL_DEADLINE, T_TOTAL_RECT_UNIT,
          T_TOTAL_NAME)
_MONEY = ("funded_budget", "units_executed", "complete_budget", "complete_executed")


class _Sign:
    """How a version's rows count: +1 for the version now shown, -1 for the one it replaces (or +1 for all)."""

    def __init__(self, backend: str, all_added: bool = False, new: Any = None) -> None:
        self.backend, self.all_added = backend, all_added
        self.new = sa.bindparam("new", type_=sa.Integer) if new is None else new  # the version added

    def of(self, vid: Any) -> Any:
        if self.all_added:
            return sa.literal(1)
        return sa.case((vid == self.new, 1), else_=-1)

    def count(self, vid: Any) -> Any:
        return sa.func.sum(self.of(vid))

    def total(self, vid: Any, col: Any) -> Any:
        return sa.func.sum(self.of(vid) * col)

    def money(self, vid: Any, col: Any) -> Any:
        if self.backend == "sqlite":
            signed = col if self.all_added else sa.case((self.of(vid) == 1, col), else_=sa.func.dneg(col))
            return sa.func.dsum(signed, type_=ExactDecimal())
        return sa.func.sum(self.of(vid) * col, type_=ExactDecimal())


def _key(fe: Any = FE) -> list[Any]:
    # a literal 0, not a parameter: PostgreSQL must see the same expression in the SELECT and the GROUP BY
    return [sa.func.coalesce(fe.c.year, sa.literal_column("0")).label("year"), fe.c.region, fe.c.kind,
            fe.c.evaluator]


def _contributions(versions: Any, sign: _Sign) -> list[tuple[sa.Table, sa.Select]]:
    """Per totals table, the rows the versions matching ``versions`` (a condition on a version id column) add,
    signed and grouped by the table's key."""
    s = sign
    v = FE.c.version_id
    totals = (sa.select(*_key(), s.count(v).label("evaluations"), s.total(v, FE.c.units).label("units"),
                        s.total(v, FE.c.funded_units).label("funded_units"),
                        *(s.money(v, FE.c[c]).label(c) for c in _MONEY),
                        s.total(v, FE.c.complete_units).label("complete_units"),
                        s.total(v, FE.c.grades_derived).label("grades_derived"),
                        s.total(v, sa.case((sa.and_(FE.c.rect_illustrative.is_(True), FE.c.rect_items > 0), 1),
                                           else_=0)).label("rect_illustrative"),
                        s.total(v, sa.case((FE.c.rect_items > 0, 1), else_=0)).label("rect_evaluations"),
                        s.total(v, FE.c.rect_items).label("rect_items"),
                        s.total(v, FE.c.rect_closed).label("rect_closed"),
                        *(s.total(v, sa.func.coalesce(RU.c[c], 0)).label(c) for c in (*RATE_COLUMNS, *SCORE_COLUMNS)))
              .select_from(FE.outerjoin(RU, RU.c.version_id == FE.c.version_id))
              .where(versions(FE.c.version_id)).group_by(*_key()))
    grades = (sa.select(*_key(), FG.c.grade, s.count(v).label("evaluations"), s.total(v, FG.c.units).label("units"),
                        s.total(v, FG.c.funded_units).label("funded_units"),
                        s.money(v, FG.c.funded_budget).label("funded_budget"))
              .select_from(FG.join(FE, FE.c.version_id == FG.c.version_id))
              .where(versions(FG.c.version_id)).group_by(*_key(), FG.c.grade))
    themes = (sa.select(*_key(), RT.c.theme, s.count(v).label("evaluations"),
                        s.total(v, RT.c.categories).label("categories"), s.total(v, RT.c["items"]).label("items"))
              .select_from(RT.join(FE, FE.c.version_id == RT.c.version_id))
              .where(versions(RT.c.version_id)).group_by(*_key(), RT.c.theme))
    pairs = (sa.select(FP.c.version_id, FP.c.theme, FP.c.category).distinct()
             .where(versions(FP.c.version_id)).subquery("pairs"))
    titles = (sa.select(*_key(), pairs.c.theme, pairs.c.category.label("title"), s.count(v).label("evaluations"))
              .select_from(pairs.join(FE, FE.c.version_id == pairs.c.version_id))
              .group_by(*_key(), pairs.c.theme, pairs.c.category))
    unit = sa.func.coalesce(FR.c.unit, "")
    deadlines = (sa.select(unit.label("unit"), FR.c.deadline, s.count(FR.c.version_id).label("open_items"))
                 .where(versions(FR.c.version_id), FR.c.closed.is_(False), FR.c.deadline.is_not(None))
                 .group_by(unit, FR.c.deadline))
    rect_units = (sa.select(RRU.c.unit, s.count(RRU.c.version_id).label("evaluations"))
                  .where(versions(RRU.c.version_id)).group_by(RRU.c.unit))
    FU = T_FACT_UNIT
    names = (sa.select(FU.c.name_key, s.count(FU.c.version_id).label("units"))
             .where(versions(FU.c.version_id), FU.c.counted.is_(True), FU.c.name_key != "").group_by(FU.c.name_key))
    return [(T_GROUP_TOTAL, totals), (T_GROUP_GRADE, grades), (T_GROUP_THEME, themes), (T_GROUP_TITLE, titles),
            (T_TOTAL_DEADLINE, deadlines), (T_TOTAL_RECT_UNIT, rect_units), (T_TOTAL_NAME, names)]


def _added(table: sa.Table, select: sa.Select, backend: str) -> Any:
    """``INSERT … SELECT`` that adds the selected rows to the existing ones (the same key: the sums added)."""
    names = [c.name for c in select.selected_columns]
    keys = [c.name for c in table.primary_key.columns]
    ins = (postgresql_insert if backend == "postgresql" else sqlite_insert)(table)
    stmt = ins.from_select(names, select)
    ex = stmt.excluded

    def add(c: str) -> Any:
        if isinstance(table.c[c].type, ExactDecimal):
            if backend == "sqlite":
                return sa.func.dadd(table.c[c], ex[c], type_=ExactDecimal())
            return sa.func.coalesce(table.c[c] + ex[c], table.c[c], ex[c])
        return table.c[c] + ex[c]
    return stmt.on_conflict_do_update(index_elements=keys, set_={c: add(c) for c in names if c not in keys})


@lru_cache(maxsize=2)
def _sqlite_shift(dialect: sa.Dialect) -> tuple[tuple[str, tuple[str, ...], dict[str, Any]], ...]:
    """SQLite: the upserts that subtract the old version's rows and add the new one's, then the change to
    ``fact_shown`` (parameters ``old`` and ``new``: the versions, -1 for none; ``eid``, ``want``), each compiled
    once: (SQL, its placeholders' names in order, the statement's own constants). Building and compiling these
    expressions costs more than running them, and so does SQLAlchemy's processing of each execution: they run
    as driver SQL with a tuple of values."""
    both = [sa.bindparam("old", type_=sa.Integer), sa.bindparam("new", type_=sa.Integer)]
    statements = [_added(table, select, "sqlite")
                  for table, select in _contributions(lambda col: col.in_(both), _Sign("sqlite"))]
    out = []
    for stmt in (*statements, _shown_upsert("sqlite"), _shown_delete()):
        compiled = stmt.compile(dialect=dialect)
        assert compiled.positiontup is not None
        out.append((str(compiled), tuple(compiled.positiontup), dict(compiled.params)))
    return tuple(out)


@lru_cache(maxsize=2)
def _postgresql_sync(dialect: sa.Dialect) -> Native:
    """PostgreSQL: :func:`sync` as one statement (parameter ``eid``), compiled once: the version the evaluation
    should show and the one it shows read in the statement (a CTE, ``sv``), not by a query before it; every
    upsert a CTE of the change to ``fact_shown`` (an upsert when it shows a version, else a delete); nothing
    changes when the two are the same."""
    eid = sa.bindparam("eid", type_=sa.Integer)
    want, have = _shown_query(eid).scalar_subquery(), (sa.select(SHOWN.c.version_id)
                                                       .where(SHOWN.c.evaluation_id == eid).scalar_subquery())
    sv = sa.select(want.label("want"), have.label("have")).cte("sv")
    new, old = sa.select(sv.c.want).scalar_subquery(), sa.select(sv.c.have).scalar_subquery()
    changed = sa.select(sv.c.want.is_distinct_from(sv.c.have)).scalar_subquery()
    # each value an InitPlan: ``version_id = ANY(ARRAY[new, old])`` is an index condition (an IN over a
    # subquery of the CTE was planned as a hash join over a sequential scan of the table)
    vids = sa.any_(postgresql_array([new, old]))

    def versions(col: Any) -> Any:
        return sa.and_(changed, col == vids)
    upserts = [_added(table, select, "postgresql")
               for table, select in _contributions(versions, _Sign("postgresql", new=new))]
    rows = sa.select(eid, *_shown_columns()).where(changed, FE.c.version_id == new)
    ins = postgresql_insert(SHOWN).from_select(["evaluation_id", *SHOWN_COLUMNS], rows)
    shown = ins.on_conflict_do_update(index_elements=["evaluation_id"],
                                      set_={c: ins.excluded[c] for c in SHOWN_COLUMNS})
    hidden = sa.delete(SHOWN).where(SHOWN.c.evaluation_id == eid, sa.exists().where(sv.c.want.is_(None)))
    last = shown.add_cte(sv, *(u.cte(f"t{i}") for i, u in enumerate(upserts)), hidden.cte("hidden"))
    return native(last.compile(dialect=dialect), runtime=("eid",))


def postgresql_sync(conn: Connection, evaluation_id: int) -> tuple[Native, dict[str, Any]]:
    """PostgreSQL: (the statement of :func:`sync`, its parameter), for a caller that runs it (prepared)
    with others (:func:`evalcore.facts.bulk.run_all_prepared`)."""
    return _postgresql_sync(conn.dialect), {"eid": evaluation_id}


SHOWN_COLUMNS = ("version_id", "rect_ratio", "year_order", "region", "title")


def _shown_columns() -> list[Any]:
    """``fact_shown``'s columns but the evaluation, from the version's ``fact_evaluations`` row."""
    return [FE.c.version_id, _ratio(), -sa.func.coalesce(FE.c.year, sa.literal_column("0")), FE.c.region, FE.c.title]


def _ratio(fe: Any = FE) -> Any:
    """整改 items closed now ÷ items, as the 整改率 chart orders them (NULL without items)."""
    return sa.case((fe.c.rect_items > 0, sa.cast(fe.c.rect_closed, sa.Float) / fe.c.rect_items))


@lru_cache(maxsize=2)
def _shown_upsert(backend: str) -> Any:
    """``fact_shown`` of evaluation ``eid`` := version ``want`` (parameters), with its 整改 ratio."""
    rows = (sa.select(sa.bindparam("eid", type_=sa.Integer), *_shown_columns())
            .where(FE.c.version_id == sa.bindparam("want", type_=sa.Integer)))
    ins = (postgresql_insert if backend == "postgresql" else sqlite_insert)(SHOWN)
    ins = ins.from_select(["evaluation_id", *SHOWN_COLUMNS], rows)
    return ins.on_conflict_do_update(index_elements=["evaluation_id"],
                                     set_={c: ins.excluded[c] for c in SHOWN_COLUMNS})


@lru_cache(maxsize=1)
def _shown_delete() -> Any:
    return sa.delete(SHOWN).where(SHOWN.c.evaluation_id == sa.bindparam("eid", type_=sa.Integer))


def _shown_query(evaluation_id: Any) -> sa.Select:
    return (sa.select(FV.c.facts_of).select_from(E.join(FV, FV.c.version_id == E.c.active_version_id))
            .where(E.c.id == evaluation_id, E.c.archived_at.is_(None), FV.c.state == "ok"))


def shown_version(conn: Connection, evaluation_id: int) -> int | None:
    """The version whose facts ``evaluation_id`` shows now (None: archived, or its active version unreadable)."""
    found = conn.scalar(_shown_query(evaluation_id))
    return None if found is None else int(found)


@lru_cache(maxsize=2)
def _sync_query(dialect: sa.Dialect) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
    """SQLite: (the version ``eid`` should show, the one it shows) as driver SQL compiled once (parameter ``eid``):
    (SQL, its placeholders' names in order when positional, the statement's own constants)."""
    eid = sa.bindparam("eid", type_=sa.Integer)
    want = (sa.select(FV.c.facts_of).select_from(E.join(FV, FV.c.version_id == E.c.active_version_id))
            .where(E.c.id == eid, E.c.archived_at.is_(None), FV.c.state == "ok"))
    have = sa.select(SHOWN.c.version_id).where(SHOWN.c.evaluation_id == eid)
    compiled = sa.select(want.scalar_subquery(), have.scalar_subquery()).compile(dialect=dialect)
    order = tuple(compiled.positiontup) if compiled.positiontup is not None else None
    return str(compiled), order, dict(compiled.params)


def sync(conn: Connection, evaluation_id: int) -> None:
    """Bring the totals up to date with what ``evaluation_id`` shows now (call it after its active version,
    archiving or facts changed, in the same transaction): its old version's rows subtracted, the new one's
    added. Nothing when nothing changed. On PostgreSQL one statement (:func:`_postgresql_sync`)."""
    if conn.dialect.name == "postgresql":
        run_prepared(conn, *postgresql_sync(conn, evaluation_id))
        return
    sql, order, constants = _sync_query(conn.dialect)
    values: dict[str, Any] = {"eid": evaluation_id}
    run = _driver_run(conn)
    found = run(sql, tuple(values[n] if n in values else constants[n] for n in order)
                if order is not None else {**constants, **values}).fetchall()
    (want, have), = ((None if v is None else int(v) for v in row) for row in found)
    if want == have:
        return
    *upserts, shown_upsert, shown_delete = _sqlite_shift(conn.dialect)
    values = {"new": want if want is not None else -1, "old": have if have is not None else -1,
              "eid": evaluation_id, "want": want}
    for sql, order, constants in (*upserts, shown_upsert if want is not None else shown_delete):
        run(sql, tuple(values[n] if n in values else constants[n] for n in order))


def _driver_run(conn: Connection) -> Any:
    """How :func:`sync` runs its driver SQL: on the driver's own cursor when the publish's statements go there
    (:func:`evalcore.facts.bulk.direct`: SQLite), else through SQLAlchemy's ``exec_driver_sql``."""
    if direct(conn):
        return conn.connection.dbapi_connection.cursor().execute  # type: ignore[union-attr]
    return conn.exec_driver_sql

def rebuild(conn: Connection) -> None:
    """Every total again from the stored facts of the shown evaluations (migration 12, and after the upgrade
    filled facts): a few grouped queries, whatever the number of evaluations.

    On PostgreSQL another instance may publish meanwhile. Every change that calls :func:`sync` first writes its
    ``evaluations`` row (the insert or lock of a publish, the active version, ``archived_at``), so the rebuild
    first takes ``evaluations`` in SHARE ROW EXCLUSIVE mode: it waits for those writers to commit (and then reads
    what they wrote), a change that starts later waits for the rebuild at its first write, and two rebuilds run
    one after the other. Without it the rebuild's deletes and a shift's upserts lock the same totals rows in
    different orders, and PostgreSQL ends such a deadlock by aborting one of them, perhaps the publish. (SQLite:
    ``BEGIN IMMEDIATE`` already serialises writers.)"""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"LOCK TABLE {E.name} IN SHARE ROW EXCLUSIVE MODE")
    for table in (*TABLES, SHOWN):
        conn.execute(sa.delete(table))
    shown = (sa.select(E.c.id, *_shown_columns())
             .select_from(E.join(FV, FV.c.version_id == E.c.active_version_id)
                          .join(FE, FE.c.version_id == FV.c.facts_of))
             .where(E.c.archived_at.is_(None), FV.c.state == "ok"))
    conn.execute(sa.insert(SHOWN).from_select(["evaluation_id", *SHOWN_COLUMNS], shown))
    ids = sa.select(SHOWN.c.version_id)
    for table, select in _contributions(lambda col: col.in_(ids), _Sign(conn.dialect.name, all_added=True)):
        conn.execute(sa.insert(table).from_select([c.name for c in select.selected_columns], select))


__all__ = ["GROUP_KEY", "TABLES", "postgresql_sync", "rebuild", "shown_version", "sync"]
