"""Opening a store and running its transactions: the engine (SQLite file or PostgreSQL URL), read and write
transactions, the global advisory locks, running the migrations, and the small helpers every part shares.

Writes are serialised: on PostgreSQL by row locks and transaction-scoped advisory locks, on SQLite by
``BEGIN IMMEDIATE`` (the whole database has one writer at a time; others wait up to ``SQLITE_TIMEOUT`` seconds
rather than fail). :class:`StoreBase` is the root of the mixins :class:`evalcore.store.Store` is made of.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, Connection, CursorResult, Engine, make_url
from sqlalchemy.pool import StaticPool

from ..auth import Actor
from ..clock import utc_now as _now  # the one UTC-now (evalcore.clock); every store module imports it so
from ..tables import T_VERSION
from . import schema
from .records import ANONYMOUS, StoreError

UTC = dt.UTC
# The checkout this package is in (installed editable: ``pip install -e .``): the default store is under it, so the
# app and ``python -m evalcore`` run from any folder open the same one.
REPO_ROOT = Path(__file__).resolve().parents[2]
SQLITE_TIMEOUT = 30.0  # seconds a writer waits for another writer's transaction before giving up


# PostgreSQL advisory lock keys (any two distinct bigints): schema upgrades, and the first-run sample.
_LOCK_MIGRATE = 4_152_023_001
LOCK_SAMPLE = 4_152_023_002
LOCK_USERS = 4_152_023_003

# A row of any select (what ``Result.first()`` and ``.all()`` give back).
AnyRow = sa.Row[*tuple[Any, ...]]


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """Put a SQLite file in write-ahead-log mode (readers then never wait for the writer; the mode is
    persistent). Switching can fail at once with "database is locked" while another connection is opening the
    same new file, without waiting for the busy timeout, so retry for a while."""
    deadline = time.monotonic() + SQLITE_TIMEOUT
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class _DecimalSum:
    """SQLite aggregate ``dsum``: the exact sum of decimal texts (:class:`evalcore.tables.ExactDecimal`),
    as text; NULL when every value is NULL, like SUM."""

    def __init__(self) -> None:
        self.total: Decimal | None = None

    def step(self, value: object) -> None:
        if value is not None:
            self.total = (self.total or Decimal(0)) + Decimal(str(value))

    def finalize(self) -> str | None:
        return None if self.total is None else format(self.total, "f")


def _decimal_negate(value: object) -> str | None:
    """SQLite function ``dneg``: minus a decimal text (NULL stays NULL)."""
    return None if value is None else format(-Decimal(str(value)), "f")


def _decimal_add(a: object, b: object) -> str | None:
    """SQLite function ``dadd``: the exact sum of two decimal texts, a NULL counting as nothing (NULL when both
    are), like adding to a SUM."""
    if a is None and b is None:
        return None
    return format(Decimal(str(a if a is not None else 0)) + Decimal(str(b if b is not None else 0)), "f")


def _private_file(path: Path) -> None:
    """Make ``path`` a file only its owner may read or write (0600), creating it (and a 0700 parent folder) when
    missing. SQLite gives its -wal and -shm files the database file's mode, so those follow."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            try:
                if p.stat().st_mode & 0o077:
                    os.chmod(p, 0o600)  # a database created world-readable by an older version
            except (FileNotFoundError, PermissionError):
                pass
    else:
        os.close(fd)


def normalise_url(url: str | URL) -> URL:
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):  # psycopg 3 is the driver this project installs
        u = u.set(drivername="postgresql+psycopg")
    return u


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def actor_name(by: Actor | str) -> str:
    name = by.name if isinstance(by, Actor) else by
    return (name or "").strip() or ANONYMOUS


def to_json(value: dict | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str, sort_keys=False)


def new_id(result: CursorResult[Any]) -> int:
    """The primary key of the row a single-row INSERT just wrote."""
    key = result.inserted_primary_key
    if key is None:  # every table here has an integer key the database assigns
        raise StoreError("数据库未返回新记录的编号")
    return int(key[0])


class StoreBase:
    """The engine, the transactions and the schema; the other parts of :class:`~evalcore.store.Store` build on it.

    Thread safe: each call uses its own pooled connection.
    """

    def __init__(self, url: str | URL):
        self._url = normalise_url(url)
        if self._url.get_backend_name() == "sqlite" and self._url.database not in (None, "", ":memory:"):
            try:
                _private_file(Path(self._url.database).expanduser())
            except OSError:
                pass  # an unwritable place: SQLite's own error below names it
        self.engine: Engine = self._make_engine(self._url)
        try:
            self._migrate()
        except sa.exc.OperationalError as exc:  # server down, wrong password, unwritable file, ...
            self.engine.dispose()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            raise StoreError(f"无法打开数据库 {self.url}：{reason}") from exc

    # -- construction --

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ, root: Path | None = None) -> Self:
        """The store the app and the command line open, the same from any folder: ``EVALBOARD_DATABASE_URL`` if
        set, else SQLite at ``EVALBOARD_DB_PATH`` if set, else ``<root>/.evalboard/evalboard.db`` with ``root`` the
        checkout (:data:`REPO_ROOT`) unless a test gives another."""
        url = (environ.get("EVALBOARD_DATABASE_URL") or "").strip()
        if url:
            return cls(url)
        path_text = (environ.get("EVALBOARD_DB_PATH") or "").strip()
        path = Path(path_text) if path_text else (root or REPO_ROOT) / ".evalboard" / "evalboard.db"
        return cls.sqlite(path)

    @classmethod
    def sqlite(cls, path: Path | str) -> Self:
        path = Path(path).expanduser().resolve()
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        return cls(URL.create("sqlite", database=str(path)))

    @staticmethod
    def _make_engine(url: URL) -> Engine:
        if url.get_backend_name() != "sqlite":
            return sa.create_engine(url, pool_pre_ping=True)
        memory = url.database in (None, "", ":memory:")
        kwargs: dict = {"connect_args": {"timeout": SQLITE_TIMEOUT, "check_same_thread": False}}
        if memory:  # one shared in-memory database for every thread
            kwargs["poolclass"] = StaticPool
        engine = sa.create_engine(url, **kwargs)

        # The documented recipe (SQLAlchemy "Transactions with SQLite and the sqlite3 driver"): stop the
        # driver's own BEGIN handling and emit BEGIN ourselves, IMMEDIATE for writers so that a writer takes
        # the write lock at the start (waiting for another writer up to the timeout) instead of failing
        # with "database is locked" when a read transaction tries to upgrade.
        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
            dbapi_connection.isolation_level = None
            # exact sums of decimal text (issue 23)
            dbapi_connection.create_aggregate("dsum", 1, _DecimalSum)  # type: ignore[arg-type]
            dbapi_connection.create_function("dneg", 1, _decimal_negate, deterministic=True)
            dbapi_connection.create_function("dadd", 2, _decimal_add, deterministic=True)
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if not memory:
                _use_wal(cursor)
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            mode = conn.get_execution_options().get("evalboard_begin", "")
            conn.exec_driver_sql(f"BEGIN {mode}".strip())

        return engine

    @property
    def url(self) -> str:
        """The database URL with any password masked (safe to show)."""
        return self._url.render_as_string(hide_password=True)

    @property
    def backend(self) -> str:
        """"sqlite" or "postgresql"."""
        return self._url.get_backend_name()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def dispose(self) -> None:
        """Close every pooled connection (tests; shutting down)."""
        self.engine.dispose()

    # -- transactions --

    # The public way in for the modules that keep tables of their own in this database (evalcore.catalog,
    # evalcore.application_store, evalcore.archive): the same transactions the store's own methods use.

    def reading(self) -> AbstractContextManager[Connection]:
        """A read transaction on a pooled connection: ``with store.reading() as conn: conn.execute(query)``."""
        return self._read()

    def writing(self) -> AbstractContextManager[Connection]:
        """A write transaction, committed when the block ends and rolled back if it raises (on SQLite a BEGIN
        IMMEDIATE: writers wait for each other instead of failing)."""
        return self._write()

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            if self.backend == "sqlite":
                conn.execution_options(evalboard_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    def _lock_global(self, conn: Connection, key: int) -> None:
        """PostgreSQL: a transaction-scoped advisory lock. SQLite: BEGIN IMMEDIATE already serialises writers."""
        if self.backend == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))

    def _insert_new(self, conn: Connection, table: sa.Table, values: Mapping[str, Any] | Sequence[Mapping[str, Any]],
                    key: str) -> None:
        """``INSERT ... ON CONFLICT (key) DO NOTHING`` of one row or several, in the backend's dialect: rows
        already there are left as they are (and a concurrent insert of the same key waits, then skips)."""
        if self.backend == "postgresql":
            conn.execute(postgresql_insert(table).values(values).on_conflict_do_nothing(index_elements=[key]))
        else:
            conn.execute(sqlite_insert(table).values(values).on_conflict_do_nothing(index_elements=[key]))

    # -- schema --

    def _migrate(self) -> None:
        migrations = schema.MIGRATIONS  # read at each opening (a test appends a step)
        known = max(v for v, _, _ in migrations)
        with self._write() as conn:
            self._lock_global(conn, _LOCK_MIGRATE)
            current = 0
            if sa.inspect(conn).has_table("schema_version"):
                current = conn.scalar(sa.select(sa.func.max(T_VERSION.c.version))) or 0
            if current > known:
                raise StoreError(f"数据库结构版本为 {current}，高于本程序支持的版本 {known}，请升级 EvalBoard")
            for version, description, step in migrations:
                if version > current:
                    step(conn)
                    conn.execute(sa.insert(T_VERSION).values(version=version, description=description,
                                                             applied_at=_now()))

    def schema_version(self) -> int:
        with self._read() as conn:
            return conn.scalar(sa.select(sa.func.max(T_VERSION.c.version))) or 0
