"""Persistence: every published workbook is a version of its evaluation, kept forever.

SQLite by default (a file under ``.evalboard/``), PostgreSQL by URL (``EVALBOARD_DATABASE_URL``). SQLAlchemy Core
only. The workbook bytes are the source of truth: a version holds exactly the bytes that were published (or that
a 整改 update wrote), and :meth:`Store.load` reads them with :func:`evalcore.workbook.read_workbook`.

Writes are serialised per evaluation: on PostgreSQL by ``SELECT ... FOR UPDATE`` on the evaluation row, on
SQLite by ``BEGIN IMMEDIATE`` (the whole database has one writer at a time; others wait up to
``SQLITE_TIMEOUT`` seconds rather than fail). Nothing is ever deleted: a rollback is a new version.

The schema is created and upgraded by :data:`MIGRATIONS`, an ordered list recorded in ``schema_version``;
creating a database from nothing is running them all.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import StaticPool

from . import auth, clock
from .auth import SYSTEM_ACTOR, Actor, PermissionDenied
from .clock import CHINA_TZ, format_time
from .model import Evaluation, RectificationItem
from .rectification import FIELD_LABELS, apply_update, change_summary, find_item, item_changes
from .workbook import Message, read_workbook, workbook_bytes

UTC = dt.UTC
SQLITE_TIMEOUT = 30.0  # seconds a writer waits for another writer's transaction before giving up

KINDS: dict[str, str] = {"publish": "发布", "rectification": "整改更新", "rollback": "回滚", "sample": "示例数据"}
ANONYMOUS = "未署名"
SYSTEM = "系统"

# PostgreSQL advisory lock keys (any two distinct bigints): schema upgrades, and the first-run sample.
_LOCK_MIGRATE = 4_152_023_001
_LOCK_SAMPLE = 4_152_023_002
_LOCK_USERS = 4_152_023_003


# --- results ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationInfo:
    id: int
    region: str
    year: int | None
    title: str
    active_version_id: int
    active_number: int
    versions: int
    updated_at: dt.datetime
    archived: bool = False

    @property
    def label(self) -> str:
        """"长沙市 · 2023 · <title>" (empty parts left out)."""
        parts = [self.region, str(self.year) if self.year is not None else "", self.title]
        return " · ".join(p for p in parts if p)


@dataclass(frozen=True)
class VersionInfo:
    id: int
    evaluation_id: int
    number: int
    kind: str
    file_name: str
    file_hash: str
    size: int
    by: str
    at: dt.datetime
    note: str
    source_version_id: int | None
    active: bool

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class ChangeInfo:
    id: int
    evaluation_id: int
    version_id: int
    item_id: str
    field: str
    old: str
    new: str
    by: str
    at: dt.datetime


@dataclass(frozen=True)
class UserInfo:
    """A local account (password mode). The hash never leaves the store."""

    id: int
    name: str
    role: str
    created_at: dt.datetime
    updated_at: dt.datetime
    created_by: str

    @property
    def role_label(self) -> str:
        return auth.role_label(self.role)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    actor: str
    role: str
    via: str
    action: str
    summary: str
    evaluation_id: int | None
    version_id: int | None
    target: str
    before: dict | None
    after: dict | None

    @property
    def action_label(self) -> str:
        return AUDIT_ACTIONS.get(self.action, self.action)


# Every kind of audit entry, with its Chinese label (the audit page filters by these).
AUDIT_ACTIONS: dict[str, str] = {
    "sign_in": "登录",
    "sign_in_failed": "登录失败",
    "sign_out": "退出登录",
    "publish": "发布",
    "sample": "载入示例",
    "rollback": "回滚",
    "rectify": "整改更新",
    "evaluation_archive": "归档评价",
    "evaluation_restore": "恢复评价",
    "user_add": "新增账户",
    "user_remove": "删除账户",
    "user_password": "修改密码",
    "user_role": "修改角色",
    "user_unlock": "解除登录锁定",
    "denied": "越权操作被拒绝",
    "audit_export": "导出审计日志",
    "alias_set": "设置单位别名",  # evalcore.catalog (issue 18)
    "alias_retire": "停用单位别名",
}


class StoreError(Exception):
    """A refusal or a failure of the store; the message is Chinese and can be shown as is."""


class UpdateError(StoreError, ValueError):
    """A 整改 update refused by :func:`evalcore.rectification.apply_update` (unknown status, no change, ...)."""


class PublishError(StoreError):
    """The workbook did not pass validation; nothing was written."""

    def __init__(self, messages: list[Message]):
        self.messages = list(messages)
        first = f"第一处：{self.messages[0]}" if self.messages else ""
        super().__init__(f"工作簿未通过校验（{len(self.messages)} 处错误），未发布。{first}")


class SignInError(StoreError):
    """A refused sign-in. ``retry_after`` is the number of seconds the name stays locked (0: try again now)."""

    def __init__(self, message: str, retry_after: float = 0.0):
        super().__init__(message)
        self.retry_after = retry_after


class ConflictError(StoreError):
    """Someone else changed the item since the editor loaded it; the edit was not saved."""

    def __init__(self, item_id: str, current: RectificationItem | None, changed_by: str, changed_at: dt.datetime):
        self.item_id = item_id
        self.current = current
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(f"整改事项 {item_id} 已被 {changed_by} 于 {format_time(changed_at)} 修改，"
                         "你的修改未保存，请核对后重新提交")


# --- schema -----------------------------------------------------------------------------------------------


class UTCDateTime(sa.TypeDecorator):
    """Aware UTC datetimes on both backends (SQLite stores naive UTC text; PostgreSQL timestamptz)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the store keeps aware UTC times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _tables_v1(md: sa.MetaData) -> None:
    """Schema version 1. Frozen: a later migration changes the schema with its own statements."""
    sa.Table(
        "schema_version", md,
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("applied_at", UTCDateTime, nullable=False),
    )
    sa.Table(
        "evaluations", md,
        sa.Column("id", sa.Integer, primary_key=True),
        # json [region, year, title]: identifies the evaluation (a plain unique constraint would let NULL
        # years repeat on PostgreSQL)
        sa.Column("natural_key", sa.Text, nullable=False, unique=True),
        sa.Column("region", sa.Text, nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("title", sa.Text, nullable=False),
        # no foreign key: versions already points here, and SQLite cannot add one afterwards
        sa.Column("active_version_id", sa.Integer),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    sa.Table(
        "versions", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), nullable=False, index=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("file_hash", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("source_version_id", sa.Integer, sa.ForeignKey("versions.id")),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.UniqueConstraint("evaluation_id", "number", name="uq_versions_evaluation_number"),
    )
    sa.Table(
        "changes", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), nullable=False),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
        sa.Column("item_id", sa.Text, nullable=False),
        sa.Column("field", sa.Text, nullable=False),
        sa.Column("old_value", sa.Text, nullable=False),
        sa.Column("new_value", sa.Text, nullable=False),
        sa.Column("changed_by", sa.Text, nullable=False),
        sa.Column("changed_at", UTCDateTime, nullable=False),
        sa.Index("ix_changes_evaluation_item", "evaluation_id", "item_id"),
    )


def _tables_v2(md: sa.MetaData) -> None:
    """Tables added by schema version 2 (accounts, sign-in throttling, the audit log). Frozen."""
    sa.Table(
        "users", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        # sessions signed in before this time end (password or role changed)
        sa.Column("sessions_valid_after", UTCDateTime, nullable=False),
    )
    sa.Table(
        "sign_in_failures", md,
        # by the name typed (lower case), whether or not such an account exists
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failed_at", UTCDateTime, nullable=False),
        sa.Column("locked_until", UTCDateTime),
    )
    sa.Table(
        "audit_log", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UTCDateTime, nullable=False, index=True),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("via", sa.String(20), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("evaluation_id", sa.Integer),
        sa.Column("version_id", sa.Integer),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("before", sa.Text),  # json
        sa.Column("after", sa.Text),  # json
    )


def _migrate_001(conn: Connection) -> None:
    md = sa.MetaData()
    _tables_v1(md)
    md.create_all(conn)


def _migrate_002(conn: Connection) -> None:
    md = sa.MetaData()
    _tables_v2(md)
    md.create_all(conn)
    column_type = UTCDateTime().compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE evaluations ADD COLUMN archived_at {column_type}")


def _tables_v3(md: sa.MetaData) -> None:
    """Tables added by schema version 3 (browser-bound sign-in sessions). Frozen."""
    sa.Table(
        "web_sessions", md,
        sa.Column("id", sa.Integer, primary_key=True),
        # sha256 of the browser's cookie secret (set once the one-time handoff is redeemed)
        sa.Column("token_hash", sa.String(64), unique=True),
        # sha256 of the one-time handoff code, while it is unredeemed
        sa.Column("handoff_hash", sa.String(64), unique=True),
        sa.Column("handoff_expires", UTCDateTime),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("signed_in_at", UTCDateTime, nullable=False),
        sa.Column("last_seen", UTCDateTime, nullable=False),
        sa.Column("ended_at", UTCDateTime),
    )


def _migrate_003(conn: Connection) -> None:
    """Throttle keys instead of typed names; no typed text of a failed sign-in kept; audit log indexes.

    ``sign_in_failures.name`` now holds a key (see :meth:`Store.sign_in`); the old rows were keyed by whatever was
    typed as the name (a password typed there by mistake among them) and are dropped (they only throttle). Failed
    sign-ins recorded under a name that is no account are rewritten to "未知用户名", without the text."""
    conn.execute(sa.text("DELETE FROM sign_in_failures"))
    conn.execute(sa.text(
        "UPDATE audit_log SET actor = :unknown, target = '', summary = :summary, after = NULL "
        "WHERE action = 'sign_in_failed' AND actor NOT IN (SELECT name FROM users)"),
        {"unknown": auth.UNKNOWN_NAME, "summary": f"{auth.UNKNOWN_NAME}登录失败"})
    conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_audit_log_actor ON audit_log (actor)"))
    conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_audit_log_action ON audit_log (action)"))
    conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_audit_log_evaluation ON audit_log (evaluation_id)"))
    conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_audit_log_at_id ON audit_log (at, id)"))
    md = sa.MetaData()
    _tables_v3(md)
    md.create_all(conn)


def _tables_v4(md: sa.MetaData) -> None:
    """Tables added by schema version 4 (issue 18): the unit alias table, with history. Frozen.

    A row is never changed except to retire it: editing an alias retires its row and adds a new one, so the
    table is its own history (who set which name when, who retired it when). Read by :mod:`evalcore.catalog`."""
    sa.Table(
        "unit_aliases", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("alias_key", sa.Text, nullable=False, index=True),  # the alias, normalised (matching.normalise)
        sa.Column("alias", sa.Text, nullable=False),  # as typed
        sa.Column("canonical", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("retired_by", sa.Text),
        sa.Column("retired_at", UTCDateTime),
    )


def _migrate_004(conn: Connection) -> None:
    md = sa.MetaData()
    _tables_v4(md)
    md.create_all(conn)


# (version, description, step): append only, never edit a released step.
MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (1, "评价、版本、整改修改记录", _migrate_001),
    (2, "账户、登录限流、审计日志；评价可归档", _migrate_002),
    (3, "登录限流按账户、地址计数；失败登录不记录所输入的用户名；审计日志索引；浏览器会话", _migrate_003),
    (4, "单位别名表（含历史）", _migrate_004),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]

# The current schema, for queries (the result of running every migration; a test compares the two).
METADATA = sa.MetaData()
_tables_v1(METADATA)
METADATA.tables["evaluations"].append_column(sa.Column("archived_at", UTCDateTime))  # migration 2
_tables_v2(METADATA)
sa.Index("ix_audit_log_actor", METADATA.tables["audit_log"].c.actor)  # migration 3
sa.Index("ix_audit_log_action", METADATA.tables["audit_log"].c.action)
sa.Index("ix_audit_log_evaluation", METADATA.tables["audit_log"].c.evaluation_id)
sa.Index("ix_audit_log_at_id", METADATA.tables["audit_log"].c.at, METADATA.tables["audit_log"].c.id)
_tables_v3(METADATA)
_tables_v4(METADATA)
T_VERSION = METADATA.tables["schema_version"]
T_EVAL = METADATA.tables["evaluations"]
T_VER = METADATA.tables["versions"]
T_CHANGE = METADATA.tables["changes"]
T_USER = METADATA.tables["users"]
T_FAIL = METADATA.tables["sign_in_failures"]
T_AUDIT = METADATA.tables["audit_log"]
T_WEB = METADATA.tables["web_sessions"]
HANDOFF_SECONDS = 60  # a sign-in's one-time handoff code must be redeemed by the browser within this time
T_ALIAS = METADATA.tables["unit_aliases"]

_VERSION_COLUMNS = [c for c in T_VER.c if c.name != "data"]


# --- the store --------------------------------------------------------------------------------------------


def _use_wal(cursor) -> None:
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


def _normalise_url(url: str | URL) -> URL:
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):  # psycopg 3 is the driver this project installs
        u = u.set(drivername="postgresql+psycopg")
    return u


def _now() -> dt.datetime:
    return dt.datetime.now(UTC)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _natural_key(ev: Evaluation) -> str:
    return json.dumps([ev.meta.region, ev.meta.year, ev.meta.title], ensure_ascii=False)


def _who(by: Actor | str) -> str:
    name = by.name if isinstance(by, Actor) else by
    return (name or "").strip() or ANONYMOUS


def _json(value: dict | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str, sort_keys=False)


class Store:
    """The evaluations, their versions and the 整改 change log, in one database.

    One ``Store`` per process is enough (it is thread safe: each call uses its own pooled connection).
    """

    def __init__(self, url: str | URL):
        self._url = _normalise_url(url)
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
    def from_env(cls, environ: Mapping[str, str] = os.environ, root: Path | None = None) -> Store:
        """``EVALBOARD_DATABASE_URL`` if set, else SQLite at ``EVALBOARD_DB_PATH`` if set, else
        ``<root or cwd>/.evalboard/evalboard.db``."""
        url = (environ.get("EVALBOARD_DATABASE_URL") or "").strip()
        if url:
            return cls(url)
        path_text = (environ.get("EVALBOARD_DB_PATH") or "").strip()
        path = Path(path_text) if path_text else (root or Path.cwd()) / ".evalboard" / "evalboard.db"
        return cls.sqlite(path)

    @classmethod
    def sqlite(cls, path: Path | str) -> Store:
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
        def _on_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if not memory:
                _use_wal(cursor)
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn):
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

    # -- schema --

    def _migrate(self) -> None:
        known = max(v for v, _, _ in MIGRATIONS)
        with self._write() as conn:
            self._lock_global(conn, _LOCK_MIGRATE)
            current = 0
            if sa.inspect(conn).has_table("schema_version"):
                current = conn.scalar(sa.select(sa.func.max(T_VERSION.c.version))) or 0
            if current > known:
                raise StoreError(f"数据库结构版本为 {current}，高于本程序支持的版本 {known}，请升级 EvalBoard")
            for version, description, step in MIGRATIONS:
                if version > current:
                    step(conn)
                    conn.execute(sa.insert(T_VERSION).values(version=version, description=description,
                                                             applied_at=_now()))

    def schema_version(self) -> int:
        with self._read() as conn:
            return conn.scalar(sa.select(sa.func.max(T_VERSION.c.version))) or 0

    # -- reading --

    def _eval_query(self) -> sa.Select:
        counts = (sa.select(T_VER.c.evaluation_id, sa.func.count().label("n"))
                  .group_by(T_VER.c.evaluation_id).subquery())
        return (sa.select(T_EVAL, T_VER.c.number.label("active_number"), counts.c.n)
                .join(T_VER, T_VER.c.id == T_EVAL.c.active_version_id)
                .join(counts, counts.c.evaluation_id == T_EVAL.c.id))

    @staticmethod
    def _eval_info(row) -> EvaluationInfo:
        return EvaluationInfo(id=row.id, region=row.region, year=row.year, title=row.title,
                              active_version_id=row.active_version_id, active_number=row.active_number,
                              versions=row.n, updated_at=row.updated_at, archived=row.archived_at is not None)

    def evaluations(self, include_archived: bool = False) -> list[EvaluationInfo]:
        """The evaluations (archived ones only when asked): newest year first (no year last), then region,
        then title."""
        query = self._eval_query()
        if not include_archived:
            query = query.where(T_EVAL.c.archived_at.is_(None))
        with self._read() as conn:
            rows = conn.execute(query).all()
        infos = [self._eval_info(r) for r in rows]
        return sorted(infos, key=lambda e: (e.year is None, -(e.year or 0), e.region, e.title, e.id))

    def evaluation(self, evaluation_id: int) -> EvaluationInfo:
        with self._read() as conn:
            row = conn.execute(self._eval_query().where(T_EVAL.c.id == evaluation_id)).first()
        if row is None:
            raise StoreError(f"评价不存在（编号 {evaluation_id}）")
        return self._eval_info(row)

    def _version_query(self) -> sa.Select:
        return (sa.select(*_VERSION_COLUMNS, T_EVAL.c.active_version_id)
                .join(T_EVAL, T_EVAL.c.id == T_VER.c.evaluation_id))

    @staticmethod
    def _version_info(row) -> VersionInfo:
        return VersionInfo(id=row.id, evaluation_id=row.evaluation_id, number=row.number, kind=row.kind,
                           file_name=row.file_name, file_hash=row.file_hash, size=row.size, by=row.created_by,
                           at=row.created_at, note=row.note, source_version_id=row.source_version_id,
                           active=row.id == row.active_version_id)

    def versions(self, evaluation_id: int) -> list[VersionInfo]:
        """Every version of the evaluation, newest first."""
        with self._read() as conn:
            rows = conn.execute(self._version_query().where(T_VER.c.evaluation_id == evaluation_id)
                                .order_by(T_VER.c.number.desc())).all()
        if not rows:
            self.evaluation(evaluation_id)  # raises for an unknown evaluation
        return [self._version_info(r) for r in rows]

    def version(self, version_id: int) -> VersionInfo:
        with self._read() as conn:
            row = conn.execute(self._version_query().where(T_VER.c.id == version_id)).first()
        if row is None:
            raise StoreError(f"版本不存在（编号 {version_id}）")
        return self._version_info(row)

    def workbook(self, version_id: int) -> bytes:
        """The stored workbook bytes of a version, exactly as published or written."""
        with self._read() as conn:
            data = conn.scalar(sa.select(T_VER.c.data).where(T_VER.c.id == version_id))
        if data is None:
            raise StoreError(f"版本不存在（编号 {version_id}）")
        return bytes(data)

    def load(self, version_id: int) -> Evaluation:
        return _parse(self.workbook(version_id), version_id)

    def changes(self, evaluation_id: int, item_id: str | None = None) -> list[ChangeInfo]:
        """The 整改 change log of an evaluation (or of one item): newest save first; within one save, in field
        order (整改状态, 整改进度, 备注, 佐证材料)."""
        query = sa.select(T_CHANGE).where(T_CHANGE.c.evaluation_id == evaluation_id)
        if item_id is not None:
            query = query.where(T_CHANGE.c.item_id == item_id)
        with self._read() as conn:
            rows = conn.execute(query.order_by(T_CHANGE.c.version_id.desc(), T_CHANGE.c.id)).all()
        return [ChangeInfo(id=r.id, evaluation_id=r.evaluation_id, version_id=r.version_id, item_id=r.item_id,
                           field=r.field, old=r.old_value, new=r.new_value, by=r.changed_by, at=r.changed_at)
                for r in rows]

    # -- writing --

    def publish(self, data: bytes, *, file_name: str, by: Actor, note: str = "") -> VersionInfo:
        """Validate and store a workbook as a new version of its evaluation, which it makes active.

        ``by`` must be allowed to publish (evaluator or admin), else :class:`~evalcore.auth.PermissionDenied`
        (and an audit entry of the refusal). The evaluation is the one with the workbook's (地区, 年度, 评价标题);
        a new one is created if there is none. Raises :class:`PublishError` for an invalid workbook and
        :class:`StoreError` when the bytes are those of the active version. One transaction: the version and
        its audit entry are written together or not at all.
        """
        self._require(by, "publish", target=Path(file_name or "").name)
        ev = _validate(data)
        with self._write() as conn:
            return self._publish(conn, data, ev, file_name=file_name, by=by, note=note, kind="publish")

    def _publish(self, conn: Connection, data: bytes, ev: Evaluation, *, file_name: str, by: Actor, note: str,
                 kind: str) -> VersionInfo:
        now = _now()
        evaluation_id = self._lock_or_create(conn, ev, now)
        active = self._active(conn, evaluation_id)
        digest = _sha256(data)
        if active is not None and (active.file_hash == digest
                                   or _parse(self._data(conn, active.id), active.id) == ev):
            # the same bytes, or a re-saved file (Excel stamps the save time) holding the same data
            raise StoreError("与当前版本内容相同，无需重复发布")
        version = self._add_version(conn, evaluation_id, data, kind=kind, file_name=file_name, by=by, note=note,
                                    source_version_id=None, now=now)
        label = " · ".join(p for p in (ev.meta.region, str(ev.meta.year or ""), ev.meta.title) if p)
        self._audit(conn, by, kind, f"发布“{label}”第 {version.number} 版（{version.file_name}）",
                    evaluation_id=evaluation_id, version_id=version.id, target=version.file_name, now=now,
                    before=None if active is None else {"当前版本": active.number, "sha256": active.file_hash},
                    after={"当前版本": version.number, "sha256": version.file_hash, "文件": version.file_name,
                           "大小（字节）": version.size, "说明": version.note})
        return version

    def rollback(self, evaluation_id: int, version_id: int, *, by: Actor, note: str = "") -> VersionInfo:
        """Make an earlier version current again by copying its bytes into a NEW version (kind rollback).
        Admins only."""
        self._require(by, "rollback", evaluation_id=evaluation_id, target=f"版本 {version_id}")
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            source = conn.execute(sa.select(T_VER.c.evaluation_id, T_VER.c.number, T_VER.c.file_name,
                                            T_VER.c.file_hash, T_VER.c.data)
                                  .where(T_VER.c.id == version_id)).first()
            if source is None or source.evaluation_id != evaluation_id:
                raise StoreError(f"该评价没有这个版本（编号 {version_id}）")
            active = self._active(conn, evaluation_id)
            if active is not None and active.id == version_id:
                raise StoreError("该版本已是当前版本，无需回滚")
            if active is not None and active.file_hash == source.file_hash:
                raise StoreError("该版本与当前版本内容相同，无需回滚")
            now = _now()
            version = self._add_version(conn, evaluation_id, bytes(source.data), kind="rollback",
                                        file_name=source.file_name, by=by,
                                        note=note or f"回滚到第 {source.number} 版", source_version_id=version_id,
                                        now=now)
            self._audit(conn, by, "rollback",
                        f"回滚到第 {source.number} 版，成为第 {version.number} 版", evaluation_id=evaluation_id,
                        version_id=version.id, target=f"第 {source.number} 版", now=now,
                        before=None if active is None else {"当前版本": active.number},
                        after={"当前版本": version.number, "内容来自": source.number, "说明": version.note})
            return version

    def update_rectification(self, evaluation_id: int, item_id: str, *, base_version_id: int, status: str,
                             progress: Decimal | None, note: str, evidence: str, by: Actor,
                             on: dt.date | None = None) -> VersionInfo:
        """Save an editor's change to one 整改 item as a new version, with one change-log row per field.

        ``base_version_id`` is the version the editor saw. If the item has changed since then (someone else
        saved first), raises :class:`ConflictError` and writes nothing; changes to other items since the base
        are kept and the edit is applied on top of them. ``on`` defaults to today's date in Beijing time.
        """
        self._require(by, "rectify", evaluation_id=evaluation_id, target=item_id)
        on = on or clock.today()
        who = _who(by)
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            active = self._active(conn, evaluation_id)
            if active is None:  # pragma: no cover - an evaluation always has a version
                raise StoreError(f"评价不存在（编号 {evaluation_id}）")
            base_eval_id = conn.scalar(sa.select(T_VER.c.evaluation_id).where(T_VER.c.id == base_version_id))
            if base_eval_id != evaluation_id:
                raise StoreError(f"该评价没有这个版本（编号 {base_version_id}）")
            current_ev = _parse(self._data(conn, active.id), active.id)
            current = find_item(current_ev, item_id)
            if current is None:
                raise UpdateError(f"整改事项 {item_id} 在当前版本中不存在，可能已被删除，请刷新后重试")
            if base_version_id != active.id:
                seen = find_item(_parse(self._data(conn, base_version_id), base_version_id), item_id)
                if seen != current:
                    changed_by, changed_at = self._last_change(conn, evaluation_id, item_id, base_version_id, active)
                    raise ConflictError(item_id, current, changed_by, changed_at)
            try:
                new_ev = apply_update(current_ev, item_id, status=status, progress=progress, note=note,
                                      evidence=evidence, by=who, on=on)
            except ValueError as exc:
                raise UpdateError(str(exc)) from exc
            updated = find_item(new_ev, item_id)
            assert updated is not None
            changed = item_changes(current, updated)
            summary = change_summary(current, updated)
            now = _now()
            version = self._add_version(conn, evaluation_id, workbook_bytes(new_ev), kind="rectification",
                                        file_name=active.file_name, by=by, note=f"整改更新 {item_id}：{summary}",
                                        source_version_id=None, now=now)
            conn.execute(sa.insert(T_CHANGE), [
                {"evaluation_id": evaluation_id, "version_id": version.id, "item_id": item_id, "field": label,
                 "old_value": old, "new_value": new, "changed_by": who, "changed_at": now}
                for label, old, new in changed
            ])
            self._audit(conn, by, "rectify", f"整改事项 {item_id}：{summary}（第 {version.number} 版）",
                        evaluation_id=evaluation_id, version_id=version.id, target=item_id, now=now,
                        before={label: old for label, old, _ in changed},
                        after={label: new for label, _, new in changed})
            return version

    def ensure_sample(self, path: Path) -> VersionInfo | None:
        """Publish the sample workbook (kind "sample", by 系统) if the store holds no evaluation yet.

        Idempotent, and safe when two processes start at once (the check and the publish are one serialised
        transaction). Returns the new version, or None when there was already an evaluation.
        """
        path = Path(path)
        with self._read() as conn:
            if conn.scalar(sa.select(sa.func.count()).select_from(T_EVAL)):
                return None
        data = path.read_bytes()
        ev = _validate(data)
        with self._write() as conn:
            self._lock_global(conn, _LOCK_SAMPLE)
            if conn.scalar(sa.select(sa.func.count()).select_from(T_EVAL)):
                return None
            return self._publish(conn, data, ev, file_name=path.name, by=SYSTEM_ACTOR,
                                 note="首次启动时载入的示例评价", kind="sample")

    # -- evaluations --

    def set_archived(self, evaluation_id: int, archived: bool, *, by: Actor) -> EvaluationInfo:
        """Archive an evaluation (it leaves the pickers; nothing is deleted) or bring it back. Admins only."""
        self._require(by, "manage_evaluations", evaluation_id=evaluation_id)
        now = _now()
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            was = conn.scalar(sa.select(T_EVAL.c.archived_at).where(T_EVAL.c.id == evaluation_id))
            if (was is not None) == archived:
                raise StoreError("该评价已归档" if archived else "该评价未归档，无需恢复")
            conn.execute(sa.update(T_EVAL).where(T_EVAL.c.id == evaluation_id)
                         .values(archived_at=now if archived else None))
            info = self._eval_info(conn.execute(self._eval_query().where(T_EVAL.c.id == evaluation_id)).one())
            self._audit(conn, by, "evaluation_archive" if archived else "evaluation_restore",
                        f"{'归档' if archived else '恢复'}评价“{info.label}”", evaluation_id=evaluation_id,
                        target=info.label, now=now, before={"已归档": not archived}, after={"已归档": archived})
            return info

    # -- accounts (password mode) --

    @staticmethod
    def _user_info(row) -> UserInfo:
        return UserInfo(id=row.id, name=row.name, role=row.role, created_at=row.created_at,
                        updated_at=row.updated_at, created_by=row.created_by)

    def users(self) -> list[UserInfo]:
        with self._read() as conn:
            rows = conn.execute(sa.select(T_USER).order_by(T_USER.c.name)).all()
        return [self._user_info(r) for r in rows]

    def user(self, name: str) -> UserInfo | None:
        with self._read() as conn:
            row = conn.execute(sa.select(T_USER).where(T_USER.c.name == (name or "").strip())).first()
        return self._user_info(row) if row is not None else None

    def add_user(self, name: str, role: str, password: str, *, by: Actor) -> UserInfo:
        """Create a local account. The password is kept only as an argon2id hash."""
        self._require(by, "manage_users", target=name)
        name = auth.check_name(name)
        if role not in auth.ROLES:
            raise ValueError(f"角色应为 {'、'.join(auth.ROLES)} 之一，不是“{role}”")
        auth.check_password(password, name)
        hashed = auth.hash_password(password)
        now = _now()
        with self._write() as conn:
            self._lock_global(conn, _LOCK_USERS)
            if conn.scalar(sa.select(T_USER.c.id).where(T_USER.c.name == name)) is not None:
                raise StoreError(f"账户“{name}”已存在")
            conn.execute(sa.insert(T_USER).values(name=name, role=role, password_hash=hashed, created_at=now,
                                                  updated_at=now, created_by=_who(by), sessions_valid_after=now))
            self._audit(conn, by, "user_add", f"新增账户“{name}”，角色{auth.role_label(role)}", target=name,
                        now=now, after={"账户": name, "角色": auth.role_label(role)})
            row = conn.execute(sa.select(T_USER).where(T_USER.c.name == name)).one()
            return self._user_info(row)

    def _account(self, conn: Connection, name: str):
        row = conn.execute(sa.select(T_USER).where(T_USER.c.name == (name or "").strip()).with_for_update()).first()
        if row is None:
            raise StoreError(f"账户“{name}”不存在")
        return row

    def _other_admins(self, conn: Connection, name: str) -> int:
        return conn.scalar(sa.select(sa.func.count()).select_from(T_USER)
                           .where(T_USER.c.role == "admin", T_USER.c.name != name)) or 0

    def remove_user(self, name: str, *, by: Actor) -> None:
        """Delete an account (its audit entries stay). The last admin cannot be removed."""
        self._require(by, "manage_users", target=name)
        now = _now()
        with self._write() as conn:
            self._lock_global(conn, _LOCK_USERS)
            row = self._account(conn, name)
            if row.role == "admin" and not self._other_admins(conn, row.name):
                raise StoreError(f"“{row.name}”是唯一的管理员，不能删除；请先把另一个账户设为管理员")
            conn.execute(sa.delete(T_USER).where(T_USER.c.id == row.id))
            self._audit(conn, by, "user_remove", f"删除账户“{row.name}”", target=row.name, now=now,
                        before={"账户": row.name, "角色": auth.role_label(row.role)})

    def set_password(self, name: str, password: str, *, by: Actor) -> None:
        """A new password; the account's open sessions end. Admins for anyone; a person for themself."""
        if not (isinstance(by, Actor) and by.name == (name or "").strip() and by.via == "password"):
            self._require(by, "manage_users", target=name)
        now = _now()
        with self._write() as conn:
            row = self._account(conn, name)
            auth.check_password(password, row.name)
            conn.execute(sa.update(T_USER).where(T_USER.c.id == row.id)
                         .values(password_hash=auth.hash_password(password), updated_at=now,
                                 sessions_valid_after=now))
            key = f"user:{row.name.lower()}"
            conn.execute(sa.delete(T_FAIL).where(sa.or_(T_FAIL.c.name == key,
                                                        T_FAIL.c.name.startswith(key + "|", autoescape=True))))
            self._audit(conn, by, "user_password", f"修改账户“{row.name}”的密码", target=row.name, now=now)

    def set_role(self, name: str, role: str, *, by: Actor) -> UserInfo:
        """Change an account's role; its open sessions end. The last admin cannot be demoted."""
        self._require(by, "manage_users", target=name)
        if role not in auth.ROLES:
            raise ValueError(f"角色应为 {'、'.join(auth.ROLES)} 之一，不是“{role}”")
        now = _now()
        with self._write() as conn:
            self._lock_global(conn, _LOCK_USERS)
            row = self._account(conn, name)
            if row.role == role:
                raise StoreError(f"“{row.name}”的角色已是{auth.role_label(role)}")
            if row.role == "admin" and not self._other_admins(conn, row.name):
                raise StoreError(f"“{row.name}”是唯一的管理员，不能改为其他角色；请先把另一个账户设为管理员")
            conn.execute(sa.update(T_USER).where(T_USER.c.id == row.id)
                         .values(role=role, updated_at=now, sessions_valid_after=now))
            self._audit(conn, by, "user_role",
                        f"账户“{row.name}”的角色由{auth.role_label(row.role)}改为{auth.role_label(role)}",
                        target=row.name, now=now, before={"角色": auth.role_label(row.role)},
                        after={"角色": auth.role_label(role)})
            return self._user_info(conn.execute(sa.select(T_USER).where(T_USER.c.id == row.id)).one())

    def sign_in(self, name: str, password: str, *, address: str | None = None,
                now: dt.datetime | None = None) -> Actor:
        """Check a name and password from a client at ``address``. Returns the actor, or raises
        :class:`SignInError`.

        Throttled under three keys (see :mod:`evalcore.auth`): the account from this address, the address, and
        the account from anywhere; a name that is no account counts under one "unknown name" key per address, so
        the answer never tells which names exist and nothing typed is kept. The attempt is counted as a failure
        BEFORE the password is checked, in one transaction that also checks the locks (a row lock on PostgreSQL,
        the writer lock on SQLite), so parallel attempts cannot pass the lock; the check itself runs in the
        bounded hash pool; a right password then takes its own count back. Every checked attempt is an audit
        entry (a refused one, checked or not, never records what was typed); the password is never written.
        """
        now = now or _now()
        name = (name or "").strip()
        if not name or not password:
            raise SignInError("请输入用户名和密码")
        if len(name) > auth.NAME_MAX or len(password) > auth.PASSWORD_MAX:
            raise SignInError("用户名或密码错误")
        where = (address or "").strip()[:64] or auth.LOCAL_ADDRESS
        try:
            with auth.hash_slot():
                return self._sign_in(name, password, where, now)
        except auth.HashPoolBusy as exc:
            raise SignInError(str(exc), retry_after=5) from None

    def _throttle_keys(self, account: str | None, address: str) -> dict[str, int]:
        """The throttle keys of an attempt, each with its number of free failures."""
        keys = {f"addr:{address}": auth.ADDRESS_FREE_FAILURES}
        if account is None:
            keys[f"unknown|{address}"] = auth.FREE_FAILURES
        else:
            keys[f"user:{account}|{address}"] = auth.FREE_FAILURES
            keys[f"user:{account}"] = auth.ACCOUNT_FREE_FAILURES
        return keys

    def _lock_failure_rows(self, conn: Connection, keys: Sequence[str], now: dt.datetime) -> dict[str, object]:
        """The failure rows of ``keys``, created when missing and locked against other sign-ins (PostgreSQL: row
        locks taken in key order; SQLite: the writer lock held by the transaction)."""
        if self.backend == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        ordered = sorted(keys)
        conn.execute(insert(T_FAIL).values([{"name": k, "failures": 0, "last_failed_at": now, "locked_until": None}
                                            for k in ordered]).on_conflict_do_nothing(index_elements=["name"]))
        rows = conn.execute(sa.select(T_FAIL).where(T_FAIL.c.name.in_(ordered)).order_by(T_FAIL.c.name)
                            .with_for_update()).all()
        return {r.name: r for r in rows}

    def _sign_in(self, name: str, password: str, address: str, now: dt.datetime) -> Actor:
        with self._read() as conn:
            row = conn.execute(sa.select(T_USER).where(T_USER.c.name == name)).first()
        account = row.name.lower() if row is not None else None
        keys = self._throttle_keys(account, address)
        # 1. claim: check every lock and count the attempt as a failure, atomically
        with self._write() as conn:
            rows = self._lock_failure_rows(conn, list(keys), now)
            waits = [(r.locked_until - now).total_seconds() for r in rows.values()
                     if r.locked_until is not None and r.locked_until > now]
            if waits:
                wait = max(waits)
                refusal = SignInError(f"登录失败次数过多，请 {auth.wait_text(wait)}后再试", retry_after=wait)
            else:
                refusal = None
                claimed = {}
                for key, free in keys.items():
                    failures = rows[key].failures + 1
                    lock = auth.lock_seconds(failures, free)
                    conn.execute(sa.update(T_FAIL).where(T_FAIL.c.name == key).values(
                        failures=failures, last_failed_at=now,
                        locked_until=now + dt.timedelta(seconds=lock) if lock else None))
                    claimed[key] = failures
        if refusal is not None:
            raise refusal
        # 2. check the password (the caller holds a hash-pool slot)
        ok = row is not None and auth.verify_password(row.password_hash, password)
        if row is None:
            auth.verify_password(None, password)  # the same cost as a wrong password
        # 3. settle
        with self._write() as conn:
            if not ok:
                mine = claimed[f"user:{account}|{address}" if account else f"unknown|{address}"]
                lock = max(auth.lock_seconds(claimed[k], free) for k, free in keys.items())
                if row is not None:
                    who = Actor(row.name, row.role, "password")
                    summary = f"“{row.name}”登录失败（该地址连续第 {mine} 次）"
                else:
                    who = Actor(auth.UNKNOWN_NAME, "viewer", "password")
                    summary = f"{auth.UNKNOWN_NAME}登录失败（该地址连续第 {mine} 次）"
                self._audit(conn, who, "sign_in_failed", summary, target=row.name if row is not None else "",
                            now=now, after={"地址": address, "连续失败次数": mine, "锁定秒数": lock})
                refusal = SignInError("用户名或密码错误" + (f"；失败次数过多，请 {auth.wait_text(lock)}后再试"
                                                           if lock else ""), retry_after=lock)
            else:
                rows = self._lock_failure_rows(conn, list(keys), now)
                for key, free in keys.items():
                    current = rows[key].failures
                    if key.startswith("addr:"):
                        left = current - 1  # a success takes back its own count only
                    else:
                        left = current - claimed[key]  # and forgives the account the failures before it
                    left = max(0, left)
                    if left == 0:
                        conn.execute(sa.delete(T_FAIL).where(T_FAIL.c.name == key))
                    else:
                        lock = auth.lock_seconds(left, free)
                        conn.execute(sa.update(T_FAIL).where(T_FAIL.c.name == key).values(
                            failures=left, locked_until=now + dt.timedelta(seconds=lock) if lock else None))
                if auth.needs_rehash(row.password_hash):
                    conn.execute(sa.update(T_USER).where(T_USER.c.id == row.id)
                                 .values(password_hash=auth.hash_password(password)))
                actor = Actor(row.name, row.role, "password")
                self._audit(conn, actor, "sign_in", f"{actor.label}登录", target=row.name, now=now,
                            after={"地址": address})
        if refusal is not None:  # raised after the commit: the failure count and its audit entry are kept
            raise refusal
        return actor

    def unlock(self, name: str, *, by: Actor) -> int:
        """Lift every sign-in lock of an account (from all addresses). Admins only; returns the rows cleared."""
        self._require(by, "manage_users", target=name)
        now = _now()
        with self._write() as conn:
            row = self._account(conn, name)
            account = row.name.lower()
            cleared = conn.execute(sa.delete(T_FAIL).where(sa.or_(
                T_FAIL.c.name == f"user:{account}",
                T_FAIL.c.name.startswith(f"user:{account}|", autoescape=True)))).rowcount
            self._audit(conn, by, "user_unlock", f"解除账户“{row.name}”的登录锁定", target=row.name, now=now,
                        after={"清除的计数": cleared})
            return cleared

    # -- browser-bound sessions (password mode) --
    #
    # A sign-in opens a web session with a one-time handoff code; the browser redeems the code over plain HTTP
    # and gets the session's secret as an HttpOnly cookie (components/session_cookie.py); every page run then
    # looks the cookie up here. Only sha256 hashes of the code and the secret are stored.

    def open_web_session(self, name: str, signed_in_at: dt.datetime) -> tuple[int, str]:
        """A new web session for ``name``; returns its id and the one-time handoff code."""
        code = secrets.token_urlsafe(32)
        with self._write() as conn:
            result = conn.execute(sa.insert(T_WEB).values(
                handoff_hash=_sha256(code.encode()), name=name, signed_in_at=signed_in_at, last_seen=signed_in_at,
                handoff_expires=signed_in_at + dt.timedelta(seconds=HANDOFF_SECONDS)))
            return result.inserted_primary_key[0], code

    def redeem_handoff(self, code: str, *, now: dt.datetime | None = None) -> str | None:
        """Exchange a handoff code (once, within HANDOFF_SECONDS) for the web session's secret."""
        now = now or _now()
        if not code or len(code) > 100:
            return None
        token = secrets.token_urlsafe(32)
        with self._write() as conn:
            row = conn.execute(sa.select(T_WEB.c.id, T_WEB.c.handoff_expires, T_WEB.c.ended_at)
                               .where(T_WEB.c.handoff_hash == _sha256(code.encode())).with_for_update()).first()
            if row is None:
                return None
            conn.execute(sa.update(T_WEB).where(T_WEB.c.id == row.id).values(
                handoff_hash=None, handoff_expires=None, token_hash=_sha256(token.encode())))
            if row.ended_at is not None or row.handoff_expires is None or row.handoff_expires < now:
                return None
        return token

    def web_session(self, token: str, *, idle_minutes: int, max_hours: int,
                    now: dt.datetime | None = None) -> tuple[int, str, dt.datetime, dt.datetime] | None:
        """(id, name, signed_in_at, last_seen) of the live web session whose secret is ``token``, its last use
        recorded; None for an unknown, ended, idle or too old one (which is then ended)."""
        now = now or _now()
        if not token or len(token) > 100:
            return None
        digest = _sha256(token.encode())
        with self._read() as conn:
            row = conn.execute(sa.select(T_WEB).where(T_WEB.c.token_hash == digest)).first()
        if row is None or row.ended_at is not None:
            return None
        if (now - row.last_seen > dt.timedelta(minutes=idle_minutes)
                or now - row.signed_in_at > dt.timedelta(hours=max_hours)):
            self.end_web_session(row.id, now=now)
            return None
        if now - row.last_seen > dt.timedelta(seconds=30):  # one write a half-minute, not one per page run
            with self._write() as conn:
                conn.execute(sa.update(T_WEB).where(T_WEB.c.id == row.id).values(last_seen=now))
        return row.id, row.name, row.signed_in_at, max(row.last_seen, now)

    def end_web_session(self, web_id: int, *, now: dt.datetime | None = None) -> None:
        with self._write() as conn:
            conn.execute(sa.update(T_WEB).where(T_WEB.c.id == web_id, T_WEB.c.ended_at.is_(None))
                         .values(ended_at=now or _now()))

    def session_actor(self, name: str, signed_in_at: dt.datetime) -> Actor | None:
        """The actor of a password session signed in at ``signed_in_at``, with the account's current role; None
        when the account is gone or its password or role changed since (the session must end)."""
        with self._read() as conn:
            row = conn.execute(sa.select(T_USER).where(T_USER.c.name == name)).first()
        if row is None or row.sessions_valid_after > signed_in_at:
            return None
        return Actor(row.name, row.role, "password")

    # -- the audit log --

    def record(self, actor: Actor, action: str, summary: str, *, target: str = "", evaluation_id: int | None = None,
               version_id: int | None = None, before: dict | None = None, after: dict | None = None) -> None:
        """Write an audit entry of its own (sign-ins through OIDC, sign-outs, audit exports)."""
        if action not in AUDIT_ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        with self._write() as conn:
            self._audit(conn, actor, action, summary, target=target, evaluation_id=evaluation_id,
                        version_id=version_id, before=before, after=after)

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
        return [AuditEntry(id=r.id, at=r.at, actor=r.actor, role=r.role, via=r.via, action=r.action,
                           summary=r.summary, evaluation_id=r.evaluation_id, version_id=r.version_id,
                           target=r.target, before=json.loads(r.before) if r.before else None,
                           after=json.loads(r.after) if r.after else None) for r in rows]

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

    def _require(self, actor: Actor, action: str, *, evaluation_id: int | None = None, target: str = "") -> Actor:
        """:func:`evalcore.auth.require`, leaving an audit entry of a refusal before raising it."""
        try:
            return auth.require(actor, action)
        except PermissionDenied as exc:
            with self._write() as conn:
                self._audit(conn, exc.actor, "denied", str(exc), evaluation_id=evaluation_id,
                            target=target or auth.ACTIONS.get(action, action), after={"操作": action})
            raise

    @staticmethod
    def _audit(conn: Connection, actor: Actor, action: str, summary: str, *, target: str = "",
               evaluation_id: int | None = None, version_id: int | None = None, before: dict | None = None,
               after: dict | None = None, now: dt.datetime | None = None) -> None:
        conn.execute(sa.insert(T_AUDIT).values(
            at=now or _now(), actor=_who(actor), role=actor.role, via=actor.via, action=action, summary=summary,
            evaluation_id=evaluation_id, version_id=version_id, target=target or "", before=_json(before),
            after=_json(after)))

    # -- write helpers (all run inside the caller's transaction) --

    def _lock(self, conn: Connection, evaluation_id: int) -> None:
        """Lock the evaluation row against other writers (PostgreSQL; SQLite's writer lock is already held)."""
        found = conn.scalar(sa.select(T_EVAL.c.id).where(T_EVAL.c.id == evaluation_id).with_for_update())
        if found is None:
            raise StoreError(f"评价不存在（编号 {evaluation_id}）")

    def _lock_or_create(self, conn: Connection, ev: Evaluation, now: dt.datetime) -> int:
        key = _natural_key(ev)
        if self.backend == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        # Concurrent first publishes of the same evaluation: the second waits for the first's row, then skips.
        conn.execute(insert(T_EVAL).values(natural_key=key, region=ev.meta.region, year=ev.meta.year,
                                           title=ev.meta.title, active_version_id=None, created_at=now,
                                           updated_at=now)
                     .on_conflict_do_nothing(index_elements=["natural_key"]))
        return conn.scalar(sa.select(T_EVAL.c.id).where(T_EVAL.c.natural_key == key).with_for_update())

    def _active(self, conn: Connection, evaluation_id: int) -> VersionInfo | None:
        row = conn.execute(self._version_query().where(T_EVAL.c.id == evaluation_id)
                           .where(T_VER.c.id == T_EVAL.c.active_version_id)).first()
        return self._version_info(row) if row is not None else None

    @staticmethod
    def _data(conn: Connection, version_id: int) -> bytes:
        return bytes(conn.scalar(sa.select(T_VER.c.data).where(T_VER.c.id == version_id)))

    def _add_version(self, conn: Connection, evaluation_id: int, data: bytes, *, kind: str, file_name: str,
                     by: Actor,
                     note: str, source_version_id: int | None, now: dt.datetime) -> VersionInfo:
        number = (conn.scalar(sa.select(sa.func.max(T_VER.c.number))
                              .where(T_VER.c.evaluation_id == evaluation_id)) or 0) + 1
        result = conn.execute(sa.insert(T_VER).values(
            evaluation_id=evaluation_id, number=number, kind=kind, file_name=Path(file_name or "").name or "评价.xlsx",
            file_hash=_sha256(data), size=len(data), created_by=_who(by), created_at=now, note=(note or "").strip(),
            source_version_id=source_version_id, data=data,
        ))
        version_id = result.inserted_primary_key[0]
        self._activate(conn, evaluation_id, version_id, now)
        row = conn.execute(self._version_query().where(T_VER.c.id == version_id)).one()
        return self._version_info(row)

    @staticmethod
    def _activate(conn: Connection, evaluation_id: int, version_id: int, now: dt.datetime) -> None:
        conn.execute(sa.update(T_EVAL).where(T_EVAL.c.id == evaluation_id)
                     .values(active_version_id=version_id, updated_at=now))

    def _last_change(self, conn: Connection, evaluation_id: int, item_id: str, base_version_id: int,
                     active: VersionInfo) -> tuple[str, dt.datetime]:
        """Who changed the item after the base version: the newest change-log row, else the active version
        (a publish or rollback that brought different content)."""
        row = conn.execute(sa.select(T_CHANGE.c.changed_by, T_CHANGE.c.changed_at)
                           .where(T_CHANGE.c.evaluation_id == evaluation_id, T_CHANGE.c.item_id == item_id,
                                  T_CHANGE.c.version_id > base_version_id)
                           .order_by(T_CHANGE.c.id.desc()).limit(1)).first()
        if row is not None:
            return row.changed_by, row.changed_at
        return active.by, active.at


def _validate(data: bytes) -> Evaluation:
    result = read_workbook(data)
    if not result.ok:
        raise PublishError(result.errors)
    assert result.evaluation is not None
    return result.evaluation


def _parse(data: bytes, version_id: int) -> Evaluation:
    result = read_workbook(data)
    if not result.ok or result.evaluation is None:  # stored bytes were valid when written
        raise StoreError(f"版本 {version_id} 的工作簿无法读取：{result.errors[0] if result.errors else ''}")
    return result.evaluation


__all__ = [
    "AUDIT_ACTIONS", "CHINA_TZ", "FIELD_LABELS", "KINDS", "MIGRATIONS", "SCHEMA_VERSION", "Actor", "AuditEntry",
    "ChangeInfo", "ConflictError", "EvaluationInfo", "PermissionDenied", "PublishError", "SignInError", "Store",
    "StoreError", "UpdateError", "UserInfo", "VersionInfo", "format_time",
]
