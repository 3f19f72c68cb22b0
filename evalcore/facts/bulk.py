"""Inserting a version's fact and roll-up rows in few statements (issue 23: publish pays little for its facts).

SQLite: one executemany per table (a prepared statement run in the driver, in process: no round trips), the
statement compiled once per table and columns and each row a tuple of values already through the columns' bind
processors (what SQLAlchemy's own executemany does per row, cost more than the insert).
PostgreSQL: **one statement for every table**: each table's rows become ``INSERT … SELECT CAST(value ->> 0 AS
type), … FROM jsonb_array_elements(CAST(%(w0)s AS JSONB)) AS w0_rows`` (one JSON parameter per table, each row a
JSON array in the columns' order, encoded by the C ``json`` module: psycopg adapting one array per column in Python
cost more than the insert; rows as JSON objects, read by ``jsonb_to_recordset``, were twice the bytes and twice
the encoding time, every key repeated on every row), all but the last as
data-modifying CTEs of the last (``WITH w0 AS (INSERT …), w1 AS (INSERT …) INSERT …``): one round trip, one
parse. The statement is built with SQLAlchemy Core and compiled once per shape (which tables, which columns: a
handful; a bounded cache), then run with its parameters.
"""
from __future__ import annotations

import datetime as dt
import json
import operator
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ..tables import ExactDecimal

Rows = Sequence[Mapping[str, Any]]


def _element_type(col: sa.Column) -> sa.types.TypeEngine:
    t = col.type
    return t.impl_instance if isinstance(t, sa.types.TypeDecorator) else t


def _json_value(value: Any) -> Any:
    """A bound value as JSON: exact decimal text, ISO dates (PostgreSQL reads them back with the column's type)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


def _jsonable(value: Any) -> Any:
    return value if value is None or isinstance(value, str | int | float | bool) else _json_value(value)


def _decimal_text(value: Any) -> str | None:
    """What ``ExactDecimal``'s conversion then :func:`_json_value` give, in one call."""
    return None if value is None else format(Decimal(value), "f")


def _date_text(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _json_conversion(col_type: sa.types.TypeEngine, dialect: sa.Dialect) -> Any:
    """How a value of a column becomes a JSON value (None: as it is): through the column type's own
    conversion first (as a plain insert would do), then as :func:`_json_value` encodes it."""
    if isinstance(col_type, ExactDecimal):
        return _decimal_text
    if isinstance(col_type, sa.types.TypeDecorator):
        process = col_type.process_bind_param
        return lambda value: _jsonable(process(value, dialect))
    if isinstance(col_type, sa.Date | sa.DateTime):
        return _date_text
    return None


@lru_cache(maxsize=64)
def _json_plan(table: sa.Table, names: tuple[str, ...], dialect: sa.Dialect
               ) -> tuple[Any, tuple[tuple[int, Any], ...]]:
    """(a function giving a row's values in the order of ``names``, ((position, conversion), …) of the
    columns whose values need one)."""
    getter = operator.itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    conversions = ((i, _json_conversion(table.c[n].type, dialect)) for i, n in enumerate(names))
    return getter, tuple((i, f) for i, f in conversions if f is not None)


def _rows_json(table: sa.Table, names: tuple[str, ...], rows: Rows, dialect: sa.Dialect) -> str:
    """The rows as one JSON array of arrays (values in the order of ``names``), each value through its column
    type's own conversion first (as a plain insert would do): the values taken out by ``itemgetter`` and only
    the columns that need it converted (Decimals as exact text, dates ISO), so the C encoder calls back into
    Python for nothing."""
    getter, conversions = _json_plan(table, names, dialect)
    if not conversions:
        out: list[Any] = [getter(r) for r in rows]
    else:
        out = []
        for r in rows:
            values = list(getter(r))
            for i, f in conversions:
                values[i] = f(values[i])
            out.append(values)
    return json.dumps(out, ensure_ascii=False, default=_json_value)


def _recordset_insert(table: sa.Table, names: tuple[str, ...], tag: str, skip_existing: bool,
                      same: tuple[str, ...] = ()) -> Any:
    src = (sa.func.jsonb_array_elements(sa.cast(sa.bindparam(tag, type_=sa.Text), JSONB))
           .table_valued("value").render_derived(name=f"{tag}_rows"))
    select = sa.select(*(sa.cast(src.c.value.op("->>", return_type=sa.Text)(sa.literal_column(str(i))),
                                 _element_type(table.c[n])).label(n) for i, n in enumerate(names)),
                       *(sa.bindparam(f"same_{n}", type_=_element_type(table.c[n])).label(n) for n in same))
    columns = (*names, *same)
    if skip_existing:
        pk = [c.name for c in table.primary_key.columns]
        return postgresql_insert(table).from_select(columns, select).on_conflict_do_nothing(index_elements=pk)
    return sa.insert(table).from_select(columns, select)


@lru_cache(maxsize=32)
def _postgresql_statement(shape: tuple[tuple[sa.Table, tuple[str, ...], bool, tuple[str, ...]], ...],
                          dialect: sa.Dialect) -> Native:
    """The one statement for tables and columns of this shape, compiled (parameters ``w0``, ``w1``, …, and
    ``same_<column>`` for the columns every row has the same value in)."""
    statements = [_recordset_insert(t, names, f"w{i}", skip, same) for i, (t, names, skip, same) in enumerate(shape)]
    last = statements.pop()
    if statements:
        last = last.add_cte(*(s.cte(f"w{i}") for i, s in enumerate(statements)))
    return native(last.compile(dialect=dialect))


@lru_cache(maxsize=64)
def _positional_insert(table: sa.Table, names: tuple[str, ...], skip_existing: bool, dialect: sa.Dialect
                       ) -> tuple[str, tuple[tuple[str, Any], ...]]:
    """(SQL, ((name, bind processor or None), …) in placeholder order) of a positional ``INSERT`` (SQLite)."""
    stmt = sqlite_insert(table).on_conflict_do_nothing() if skip_existing else sa.insert(table)
    compiled = stmt.compile(dialect=dialect, column_keys=list(names))
    order = compiled.positiontup
    assert order is not None and sorted(order) == sorted(names), (order, names)
    # the type conversions a plain execute applies (SQLAlchemy's own lookup, through its public API)
    processors = {n: table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names}
    return str(compiled), tuple((n, processors[n]) for n in order)


@lru_cache(maxsize=64)
def _positional_plan(table: sa.Table, names: tuple[str, ...], skip_existing: bool, dialect: sa.Dialect
                     ) -> tuple[str, Any, tuple[tuple[int, Any], ...]]:
    """(SQL, a function giving a row's values in placeholder order, ((position, bind processor), …) of the columns
    that have one) of :func:`_positional_insert`: the values taken out by ``itemgetter`` and only those columns
    converted, as :func:`_json_plan` does for PostgreSQL."""
    sql, order = _positional_insert(table, names, skip_existing, dialect)
    keys = [n for n, _ in order]
    getter = operator.itemgetter(*keys) if len(keys) > 1 else (lambda row: (row[keys[0]],))
    # ExactDecimal's conversion on SQLite (Decimal(value), then its exact text) in one call, not through
    # SQLAlchemy's wrapper of the TypeDecorator
    fast = {n: _decimal_text for n, _ in order if isinstance(table.c[n].type, ExactDecimal)}
    return sql, getter, tuple((i, fast.get(n, p)) for i, (n, p) in enumerate(order) if p is not None)


def _positional_rows(rows: Rows, getter: Any, conversions: tuple[tuple[int, Any], ...]) -> list[Sequence[Any]]:
    """Each row's values in placeholder order, through the columns' bind processors (:func:`_positional_plan`):
    what ``tuple(r[n] if p is None else p(r[n]) for n, p in order)`` gives."""
    if not conversions:
        return [getter(r) for r in rows]
    out: list[Sequence[Any]] = []
    for r in rows:
        values = list(getter(r))
        for i, p in conversions:
            values[i] = p(values[i])
        out.append(values)
    return out


@dataclass(frozen=True)
class Native:
    """A compiled PostgreSQL statement with the server's own placeholders: ``sql`` (UTF-8, ``$1``, ``$2``, …),
    ``names`` (the parameter of each placeholder, in order); the statement's own constants are in the text."""

    sql: bytes
    names: tuple[str, ...]


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value) if value >= 0 else f"({value})"  # never "--" (a comment) after a minus
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no literal for {type(value).__name__}")


_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def native(compiled: Any, runtime: Sequence[str] = ()) -> Native:
    """A statement compiled by SQLAlchemy for psycopg (``%(name)s`` placeholders) with PostgreSQL's own
    placeholders instead, done once: psycopg parses the text of every statement longer than 4,096 characters
    or with more than 50 parameters again on each run (it caches only shorter ones), and these are 20–50 KB;
    run with a ``RawCursor`` (:func:`run_all_prepared`), the text is sent as it is. Parameters that have a value
    in the compiled statement (its own constants: 1, -1, 0, '') and are not ``runtime`` become literals (a generic
    plan then sees them as a custom one would); the others are bound on each run."""
    constants = {k: v for k, v in compiled.params.items() if v is not None and k not in runtime}
    names: list[str] = []

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name is None:
            return "%"
        if name in constants:
            return _literal(constants[name])
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"
    return Native(_PLACEHOLDER.sub(sub, str(compiled)).encode(), tuple(names))


def run_prepared(conn: Connection, statement: Native, params: Mapping[str, Any]) -> None:
    """PostgreSQL: run one of the publish's fixed statements prepared with a generic plan
    (:func:`run_all_prepared`)."""
    run_all_prepared(conn, [(statement, params)])


def run_all_prepared(conn: Connection, statements: Sequence[tuple[Native, Mapping[str, Any]]]) -> None:
    """PostgreSQL: run the publish's fixed statements (the facts' insert, the totals' shift) prepared on the
    connection, with a generic plan, in order, in **one round trip** (psycopg's pipeline mode: each statement
    sees the writes of those before it, as when run one by one; an error raises here, the transaction then
    fails as usual), their text sent as it is (:func:`native`).

    Their text is fixed (compiled once per shape) and their parameters (JSON documents, version and evaluation
    ids) do not change the best plan; left to the defaults, the server plans them on every run (psycopg prepares
    a statement from its fifth run on a connection, and the server makes five custom plans before it considers a
    generic one), and planning these many-CTE statements is a good part of their cost. Prepared on the first run
    on each pooled connection (``prepare=True``) with ``plan_cache_mode = force_generic_plan`` for the rest of
    the transaction (``SET LOCAL``: it ends with the transaction and matters only to prepared statements; the
    others psycopg prepares in a publish, from their fifth run, are single-row writes and lookups by key), they
    are planned once per connection (measured: publish with facts ×1.35–1.43 → ×1.25–1.31 of the publish
    without, the benchmark's five publishes on a fresh store). The ``SET LOCAL``, the insert and the shift were
    five round trips with the totals' query before the shift (the shift now reads it in its own statement)."""
    with pipelined(conn):  # inside the publish's own pipeline (store.evaluations), sent without waiting
        for cur in _sent(conn, [(_SET_GENERIC, {})]) + _sent(conn, statements, prepare=True):
            cur.close()


_SET_GENERIC = Native(b"SET LOCAL plan_cache_mode = force_generic_plan", ())


_IN_PIPELINE = "evalboard_pipelined"


def in_pipeline(conn: Connection) -> bool:
    """Whether ``conn`` is inside :func:`pipelined` (PostgreSQL): statements must then go through
    :func:`run_native` / :func:`fetch_native` (SQLAlchemy's own execute cannot run in psycopg's pipeline mode)."""
    return bool(conn.info.get(_IN_PIPELINE))


@contextmanager
def pipelined(conn: Connection) -> Iterator[None]:
    """PostgreSQL: the statements run inside (by :func:`run_native`, :func:`fetch_native`, :func:`run_all_prepared`)
    are sent as they come and their results awaited once, at the block's end (psycopg's pipeline mode): one round
    trip for all, and the server works on each while Python prepares the next. An error raises at the end (or at a
    fetch inside), and the caller's transaction fails as usual. Inside another ``pipelined`` block, nothing more
    (the outer block's end is the one wait). Other backends: nothing."""
    if conn.dialect.name != "postgresql" or in_pipeline(conn):
        yield
        return
    dbapi: Any = conn.connection.dbapi_connection
    conn.info[_IN_PIPELINE] = True
    try:
        with dbapi.pipeline():
            yield
    finally:
        conn.info.pop(_IN_PIPELINE, None)


def _sent(conn: Connection, statements: Sequence[tuple[Native, Mapping[str, Any]]], prepare: bool | None = None
          ) -> list[Any]:
    import psycopg

    dbapi: Any = conn.connection.dbapi_connection
    cursors = []
    for statement, params in statements:
        cur = psycopg.RawCursor(dbapi)
        cur.execute(statement.sql, [params[n] for n in statement.names], prepare=prepare)
        cursors.append(cur)
    return cursors


def run_native(conn: Connection, statements: Sequence[tuple[Native, Mapping[str, Any]]]) -> None:
    """PostgreSQL: run each ``(statement, params)`` (:func:`native`; psycopg prepares one from its fifth run on a
    connection, as any statement) in order, in one round trip (:func:`pipelined`; inside an outer one, without
    waiting)."""
    with pipelined(conn):
        for cur in _sent(conn, statements):
            cur.close()


def fetch_native(conn: Connection, statements: Sequence[tuple[Native, Mapping[str, Any]]]) -> list[list[tuple]]:
    """:func:`run_native` of statements that return rows (``SELECT``, ``RETURNING``): the rows of each."""
    with pipelined(conn):
        cursors = _sent(conn, statements)
    try:
        return [cur.fetchall() for cur in cursors]  # inside an outer pipeline: waits here for these results
    finally:
        for cur in cursors:
            cur.close()


def bound(table: sa.Table, values: Mapping[str, Any], dialect: sa.Dialect) -> dict[str, Any]:
    """``values`` of ``table``'s columns as a plain execute binds them: through each column type's own bind
    processor (an aware datetime to UTC, say)."""
    out = {}
    for name, value in values.items():
        process = _bind_processor(table.c[name].type, dialect)
        out[name] = value if process is None else process(value)
    return out


def processed(table: sa.Table, names: Sequence[str], row: Sequence[Any], dialect: sa.Dialect) -> dict[str, Any]:
    """A row of ``table``'s columns ``names`` read by :func:`fetch_native`, as a SQLAlchemy query gives it: each
    value through its column type's result processor (an aware datetime in UTC, say)."""
    out = {}
    for name, value in zip(names, row, strict=True):
        process = _result_processor(table.c[name].type if name in table.c else None, dialect)
        out[name] = value if process is None or value is None else process(value)
    return out


@lru_cache(maxsize=128)
def _result_processor(col_type: sa.types.TypeEngine | None, dialect: sa.Dialect) -> Any:
    return None if col_type is None else col_type.dialect_impl(dialect).result_processor(dialect, None)


@lru_cache(maxsize=128)
def _bind_processor(col_type: sa.types.TypeEngine, dialect: sa.Dialect) -> Any:
    return col_type.dialect_impl(dialect).bind_processor(dialect)


def _same_in(table: sa.Table, names: Sequence[str], same: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(n for n in same if n in table.c and n not in names)


def insert_all(conn: Connection, parts: Sequence[tuple[sa.Table, Rows]], skip_existing: Sequence[sa.Table] = (),
               same: Mapping[str, Any] | None = None) -> None:
    """Insert each table's rows (every row of a table with the same keys); rows of a table in ``skip_existing``
    whose primary key is already there are left alone (``ON CONFLICT DO NOTHING``). ``same``: values of columns
    that every row has (the version and evaluation ids), for the tables that have the column and whose rows do
    not hold it: bound once (PostgreSQL), not repeated in each row's JSON."""
    parts = [(t, rows) for t, rows in parts if rows]
    if not parts:
        return
    same = same or {}
    if conn.dialect.name != "postgresql":
        for table, rows in parts:
            extra = {n: same[n] for n in _same_in(table, tuple(rows[0]), same)}
            if extra:
                rows = [{**r, **extra} for r in rows]
            sql, getter, conversions = _positional_plan(table, tuple(rows[0]), table in skip_existing, conn.dialect)
            values = _positional_rows(rows, getter, conversions)
            if direct(conn):  # on the driver's cursor (below)
                conn.connection.dbapi_connection.cursor().executemany(sql, values)  # type: ignore[union-attr]
            else:
                conn.exec_driver_sql(sql, [tuple(v) for v in values])
        return
    run_prepared(conn, *postgresql_insert_all(conn, parts, skip_existing, same))


def postgresql_insert_all(conn: Connection, parts: Sequence[tuple[sa.Table, Rows]],
                          skip_existing: Sequence[sa.Table] = (), same: Mapping[str, Any] | None = None
                          ) -> tuple[Native, dict[str, Any]]:
    """PostgreSQL: (the one statement of :func:`insert_all`, its parameters: ``w0``, ``w1``, …: each table's
    rows as JSON; ``same_<column>``), for a caller that runs it with others (:func:`run_all_prepared`)."""
    same = same or {}
    parts = [(t, rows) for t, rows in parts if rows]
    shape = tuple((t, tuple(rows[0]), t in skip_existing, _same_in(t, tuple(rows[0]), same)) for t, rows in parts)
    params: dict[str, Any] = {f"same_{n}": v for n, v in same.items()}
    params.update((f"w{i}", _rows_json(t, names, rows, conn.dialect))
                  for i, ((t, names, _, _), (_, rows)) in enumerate(zip(shape, parts, strict=True)))
    return _postgresql_statement(shape, conn.dialect), params


__all__ = ["SQLITE_DIRECT", "Native", "Positional", "bound", "direct", "fetch_native", "in_pipeline", "insert_all",
           "native", "pipelined", "positional", "run_direct",
           "postgresql_insert_all", "processed", "run_all_prepared", "run_native", "run_prepared"]


# SQLite: the publish's fixed statements run on the driver's own cursor (issue 23's publish time). The driver is in
# process, so a statement costs what SQLAlchemy's execution adds to it (building or looking up the compiled form,
# the execution context, the result's processing: 0.05–0.2 ms each, more than SQLite's own work for a single-row
# write); compiled once by SQLAlchemy Core, bound through the columns' own bind processors (:func:`bound`), read
# back through their result processors (:func:`processed`), they run in the caller's transaction as before.
SQLITE_DIRECT = True  # False: every statement through SQLAlchemy, as before (the equivalence tests compare both)


@dataclass(frozen=True)
class Positional:
    """A statement compiled by SQLAlchemy for SQLite: ``sql`` (``?`` placeholders), ``names`` (the parameter of
    each placeholder, in order), ``constants`` (the values of the statement's own constants: 0, 1, '')."""

    sql: str
    names: tuple[str, ...]
    constants: Mapping[str, Any]


def positional(compiled: Any) -> Positional:
    """:class:`Positional` of a statement compiled with the SQLite dialect."""
    assert compiled.positiontup is not None, "a positional (SQLite) compilation"
    names = tuple(compiled.positiontup)
    return Positional(str(compiled), names, {k: v for k, v in compiled.params.items() if v is not None})


def direct(conn: Connection) -> bool:
    """Whether the publish's fixed statements run on the driver's cursor (:func:`run_direct`): SQLite."""
    return SQLITE_DIRECT and conn.dialect.name == "sqlite"


def run_direct(conn: Connection, statement: Positional, params: Mapping[str, Any]) -> Any:
    """SQLite: run ``statement`` with ``params`` (values already bound: :func:`bound`; the statement's constants
    filled in) on the driver's cursor of ``conn``, in its transaction; returns the cursor (``fetchall``,
    ``lastrowid``)."""
    cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    consts = statement.constants
    cur.execute(statement.sql, [params[n] if n in params else consts[n] for n in statement.names])
    return cur
