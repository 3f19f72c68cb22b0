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
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import StaticPool

from .model import Evaluation, RectificationItem
from .rectify import FIELD_LABELS, apply_update, find_item, item_changes
from .workbook import Message, read_workbook, workbook_bytes

UTC = dt.UTC
CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "北京时间")
SQLITE_TIMEOUT = 30.0  # seconds a writer waits for another writer's transaction before giving up

KINDS: dict[str, str] = {"publish": "发布", "rectification": "整改更新", "rollback": "回滚", "sample": "示例数据"}
ANONYMOUS = "未署名"
SYSTEM = "系统"

# PostgreSQL advisory lock keys (any two distinct bigints): schema upgrades, and the first-run sample.
_LOCK_MIGRATE = 4_152_023_001
_LOCK_SAMPLE = 4_152_023_002


def format_time(at: dt.datetime) -> str:
    """A stored UTC time as Beijing time for messages: "2025-03-01 14:05"."""
    return at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def today_in_china() -> dt.date:
    return dt.datetime.now(CHINA_TZ).date()


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


class StoreError(Exception):
    """A refusal or a failure of the store; the message is Chinese and can be shown as is."""


class UpdateError(StoreError, ValueError):
    """A 整改 update refused by :func:`evalcore.rectify.apply_update` (unknown status, no change, ...)."""


class PublishError(StoreError):
    """The workbook did not pass validation; nothing was written."""

    def __init__(self, messages: list[Message]):
        self.messages = list(messages)
        first = f"第一处：{self.messages[0]}" if self.messages else ""
        super().__init__(f"工作簿未通过校验（{len(self.messages)} 处错误），未发布。{first}")


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


def _migrate_001(conn: Connection) -> None:
    md = sa.MetaData()
    _tables_v1(md)
    md.create_all(conn)


# (version, description, step): append only, never edit a released step.
MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (1, "评价、版本、整改修改记录", _migrate_001),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]

# The current schema, for queries (the result of running every migration; a test compares the two).
METADATA = sa.MetaData()
_tables_v1(METADATA)
T_VERSION = METADATA.tables["schema_version"]
T_EVAL = METADATA.tables["evaluations"]
T_VER = METADATA.tables["versions"]
T_CHANGE = METADATA.tables["changes"]

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


def _who(by: str) -> str:
    return (by or "").strip() or ANONYMOUS


class Store:
    """The evaluations, their versions and the 整改 change log, in one database.

    One ``Store`` per process is enough (it is thread safe: each call uses its own pooled connection).
    """

    def __init__(self, url: str | URL):
        self._url = _normalise_url(url)
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
        path.parent.mkdir(parents=True, exist_ok=True)
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
                              versions=row.n, updated_at=row.updated_at)

    def evaluations(self) -> list[EvaluationInfo]:
        """Every evaluation: newest year first (no year last), then region, then title."""
        with self._read() as conn:
            rows = conn.execute(self._eval_query()).all()
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

    def publish(self, data: bytes, *, file_name: str, by: str, note: str = "", kind: str = "publish") -> VersionInfo:
        """Validate and store a workbook as a new version of its evaluation, which it makes active.

        The evaluation is the one with the workbook's (地区, 年度, 评价标题); a new one is created if there is
        none. Raises :class:`PublishError` for an invalid workbook and :class:`StoreError` when the bytes are
        those of the active version. One transaction: nothing is written unless everything is.
        """
        if kind not in ("publish", "sample"):
            raise ValueError(f"publish kind must be 'publish' or 'sample', not {kind!r}")
        ev = _validate(data)
        with self._write() as conn:
            return self._publish(conn, data, ev, file_name=file_name, by=by, note=note, kind=kind)

    def _publish(self, conn: Connection, data: bytes, ev: Evaluation, *, file_name: str, by: str, note: str,
                 kind: str) -> VersionInfo:
        now = _now()
        evaluation_id = self._lock_or_create(conn, ev, now)
        active = self._active(conn, evaluation_id)
        digest = _sha256(data)
        if active is not None and (active.file_hash == digest
                                   or _parse(self._data(conn, active.id), active.id) == ev):
            # the same bytes, or a re-saved file (Excel stamps the save time) holding the same data
            raise StoreError("与当前版本内容相同，无需重复发布")
        return self._add_version(conn, evaluation_id, data, kind=kind, file_name=file_name, by=by, note=note,
                                 source_version_id=None, now=now)

    def rollback(self, evaluation_id: int, version_id: int, *, by: str, note: str = "") -> VersionInfo:
        """Make an earlier version current again by copying its bytes into a NEW version (kind rollback)."""
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
            return self._add_version(conn, evaluation_id, bytes(source.data), kind="rollback",
                                     file_name=source.file_name, by=by,
                                     note=note or f"回滚到第 {source.number} 版", source_version_id=version_id,
                                     now=_now())

    def update_rectification(self, evaluation_id: int, item_id: str, *, base_version_id: int, status: str,
                             progress: Decimal | None, note: str, evidence: str, by: str,
                             on: dt.date | None = None) -> VersionInfo:
        """Save an editor's change to one 整改 item as a new version, with one change-log row per field.

        ``base_version_id`` is the version the editor saw. If the item has changed since then (someone else
        saved first), raises :class:`ConflictError` and writes nothing; changes to other items since the base
        are kept and the edit is applied on top of them. ``on`` defaults to today's date in Beijing time.
        """
        on = on or today_in_china()
        by = _who(by)
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
                                      evidence=evidence, by=by, on=on)
            except ValueError as exc:
                raise UpdateError(str(exc)) from exc
            updated = find_item(new_ev, item_id)
            assert updated is not None
            changed = item_changes(current, updated)
            if current.status != updated.status:
                summary = f"{current.status} → {updated.status}"
            else:
                summary = "、".join(label for label, _, _ in changed)
            now = _now()
            version = self._add_version(conn, evaluation_id, workbook_bytes(new_ev), kind="rectification",
                                        file_name=active.file_name, by=by, note=f"整改更新 {item_id}：{summary}",
                                        source_version_id=None, now=now)
            conn.execute(sa.insert(T_CHANGE), [
                {"evaluation_id": evaluation_id, "version_id": version.id, "item_id": item_id, "field": label,
                 "old_value": old, "new_value": new, "changed_by": by, "changed_at": now}
                for label, old, new in changed
            ])
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
            return self._publish(conn, data, ev, file_name=path.name, by=SYSTEM, note="首次启动时载入的示例评价",
                                 kind="sample")

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

    def _add_version(self, conn: Connection, evaluation_id: int, data: bytes, *, kind: str, file_name: str, by: str,
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
    "CHINA_TZ", "FIELD_LABELS", "KINDS", "MIGRATIONS", "SCHEMA_VERSION", "ChangeInfo", "ConflictError",
    "EvaluationInfo", "PublishError", "Store", "StoreError", "UpdateError", "VersionInfo", "format_time",
]
