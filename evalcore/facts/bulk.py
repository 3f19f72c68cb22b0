"""Inserting a version's fact and roll-up rows in few statements (issue 23: publish pays little for its facts).

SQLite: one executemany per table (a prepared statement run in the driver, in process: no round trips).
PostgreSQL: **one statement for every table**: each table's rows become ``INSERT … SELECT … FROM unnest(array,
array, …)`` (one array parameter per column, so the statement and its plan have the same small size whatever the
number of rows), all but the last as data-modifying CTEs of the last (``WITH w0 AS (INSERT …), w1 AS (INSERT …)
INSERT …``): one round trip, one parse. SQLAlchemy Core throughout.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

Rows = Sequence[Mapping[str, Any]]


def _element_type(col: sa.Column) -> sa.types.TypeEngine:
    t = col.type
    return t.impl_instance if isinstance(t, sa.types.TypeDecorator) else t


def _unnest_insert(table: sa.Table, rows: Rows, tag: str, skip_existing: bool, dialect: sa.Dialect) -> Any:
    names = list(rows[0])
    arrays = []
    for n in names:
        col_type = table.c[n].type
        values = [r[n] for r in rows]
        if isinstance(col_type, sa.types.TypeDecorator):  # its own conversion, as a plain insert would do
            values = [col_type.process_bind_param(v, dialect) for v in values]
        array = ARRAY(_element_type(table.c[n]))
        arrays.append(sa.cast(sa.bindparam(f"{tag}_{n}", values, type_=array), array))
    src = sa.func.unnest(*arrays).table_valued(*names, name=f"{tag}_rows").render_derived()
    select = sa.select(*(src.c[n] for n in names))
    if skip_existing:
        pk = [c.name for c in table.primary_key.columns]
        return postgresql_insert(table).from_select(names, select).on_conflict_do_nothing(index_elements=pk)
    return sa.insert(table).from_select(names, select)


def insert_all(conn: Connection, parts: Sequence[tuple[sa.Table, Rows]], skip_existing: Sequence[sa.Table] = ()
               ) -> None:
    """Insert each table's rows (every row of a table with the same keys); rows of a table in ``skip_existing``
    whose primary key is already there are left alone (``ON CONFLICT DO NOTHING``)."""
    parts = [(t, rows) for t, rows in parts if rows]
    if not parts:
        return
    if conn.dialect.name != "postgresql":
        for table, rows in parts:
            stmt = sqlite_insert(table).on_conflict_do_nothing() if table in skip_existing else sa.insert(table)
            conn.execute(stmt, list(rows))
        return
    statements = [_unnest_insert(t, rows, f"w{i}", t in skip_existing, conn.dialect)
                  for i, (t, rows) in enumerate(parts)]
    last = statements.pop()
    if statements:
        last = last.add_cte(*(s.cte(f"w{i}") for i, s in enumerate(statements)))
    conn.execute(last)


__all__ = ["insert_all"]
