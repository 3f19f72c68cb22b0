"""Backup and restore of the whole store (``python -m evalcore backup OUT`` / ``restore IN [--force]``).

One portable format for both backends: a backup is a SQLite database file holding every table of the store's
schema (:data:`evalcore.store.METADATA`: evaluations, versions with their workbook bytes, the 整改 change log,
accounts, sign-in throttling, the audit log, and whatever tables later migrations add), plus a manifest table
``evalboard_backup`` with the schema version and, for every table, its row count and a SHA-256 digest of its
rows. So a PostgreSQL store can be restored into SQLite and back, and every step is checked table by table.

- SQLite store: copied with SQLite's online backup API (:meth:`sqlite3.Connection.backup`), safe while the app
  runs (the database is in WAL mode; writers go on while the copy is taken).
- PostgreSQL store: every table read inside one ``REPEATABLE READ READ ONLY`` transaction (one consistent
  snapshot while the app runs) and written into the file. ``pg_dump`` is not used: its output restores only into
  PostgreSQL, and only with a client at least as new as the server; an administrator may of course run it
  as well (docs/deploy.md).

The backup file is created with mode 0600 (it holds password hashes and the audit log). It is written under a
temporary name, checked against the source, and only then given its name; an existing file is never replaced.

Restore checks the file's own digests first, refuses a store that already holds data unless ``force`` is given
(then every row of every table is replaced), copies every table in one transaction, checks every table of the
result against the manifest (and every version's bytes against its recorded SHA-256), and commits only when all
of it matches. On PostgreSQL the id sequences are moved past the restored ids.

Digests do not depend on the backend or on row order: each row is reduced to a canonical JSON text (times as
UTC ISO strings, bytes by their SHA-256), hashed, and the sorted row hashes are hashed again.

Signed backups (issue 27). Digests alone prove nothing: whoever crafts a file can recompute them. So every store
has a signing key of its own, generated once by migration 9 and kept in its ``store_settings`` table, which is
never exported (:data:`NEVER_EXPORTED`; in a SQLite page copy the table is dropped with ``secure_delete`` on, so
the key's bytes do not survive in free pages either). The manifest carries the key's id and an HMAC-SHA256 of
the manifest (which holds every table's digest) under that key. Restore accepts without question only a backup
whose signature verifies with the target store's own key; any other file (another store's, an unsigned one of
format 1, a changed one) is refused unless ``trust`` (``--trust``) is given, and is then checked table by table:
accounts must have a known role and an argon2 hash, every stored workbook must pass the current reader. Sign-in
sessions (``web_sessions``) are never backed up and never restored (:data:`NEVER_RESTORED`): a restore ends every
session of the target, and a session planted in a file is ignored. A damaged file (truncated, corrupted pages,
not a database at all) gives a Chinese message, never a traceback.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from . import clock
from .auth import ROLES
from .store import METADATA, SCHEMA_VERSION, T_USER, T_VER, T_VERSION, T_WEB, Store, StoreError
from .tables import T_SETTINGS
from .workbook import read_workbook

FORMAT = "evalboard-backup"
FORMAT_VERSION = 2  # 2: signed (1: unsigned, read as a backup from elsewhere)
READABLE_FORMATS = (1, 2)
NEVER_EXPORTED = (T_SETTINGS.name,)  # the store's own settings: its backup signing key
NEVER_RESTORED = (T_WEB.name,)  # sign-in sessions: never in a backup, never restored from one
BACKUP_TABLES: list[sa.Table] = [t for t in METADATA.sorted_tables if t.name not in NEVER_EXPORTED + NEVER_RESTORED]
KEY_SETTING = "backup_key"
MANIFEST = "evalboard_backup"
BATCH = 200  # rows per insert (versions hold whole workbooks: fewer of those, see _batch)

# Chinese names of the tables, for messages.
TABLE_LABELS: dict[str, str] = {
    "schema_version": "结构版本",
    "evaluations": "评价",
    "versions": "版本",
    "changes": "整改修改记录",
    "users": "账户",
    "sign_in_failures": "登录失败计数",
    "audit_log": "审计记录",
    "web_sessions": "浏览器会话",
    "unit_aliases": "单位别名",
    "fact_versions": "版本事实状态",
    "fact_evaluations": "评价事实",
    "fact_units": "单位事实",
    "fact_unit_dimensions": "单位维度得分",
    "fact_dimension_sets": "单位维度得分（按版本）",
    "fact_problems": "问题事实",
    "fact_recommendations": "建议事实",
    "fact_rectifications": "整改事实",
    "fact_rect_changes": "整改状态变化",
}

_MANIFEST_TABLE = sa.Table(
    MANIFEST, sa.MetaData(),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


class BackupError(StoreError):
    """A refused or failed backup or restore; the message is Chinese and can be shown as is."""


@dataclass(frozen=True)
class TableSum:
    rows: int
    sha256: str


@dataclass
class Report:
    """What a backup or restore did: the file, the source's backend and schema version, and per table its
    row count (in :data:`evalcore.store.METADATA` order)."""

    path: Path
    backend: str
    schema_version: int
    created_at: str
    tables: dict[str, TableSum] = field(default_factory=dict)
    signed_here: bool = True  # restore: the file's signature verified with this store's key (else --trust)
    skipped: dict[str, int] = field(default_factory=dict)  # restore: rows in the file never restored

    def lines(self) -> list[str]:
        out = [f"  {TABLE_LABELS.get(name, name)}（{name}）：{s.rows} 行" for name, s in self.tables.items()]
        out += [f"  未恢复 {TABLE_LABELS.get(name, name)}（{name}）：{n} 行（从不恢复）"
                for name, n in self.skipped.items() if n]
        return out


# --- digests ----------------------------------------------------------------------------------------------


def _canonical(value: object) -> list:
    if value is None:
        return ["n"]
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", str(value)]
    if isinstance(value, str):
        return ["s", value]
    if isinstance(value, bytes | bytearray | memoryview):
        return ["x", hashlib.sha256(bytes(value)).hexdigest()]
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise BackupError(f"无时区的时间值 {value!r}：存储中只应有 UTC 时间")
        return ["t", value.astimezone(dt.UTC).isoformat()]
    if isinstance(value, dt.date):
        return ["d", value.isoformat()]
    if isinstance(value, Decimal | float):
        return ["r", str(value)]
    raise BackupError(f"无法核对的取值类型 {type(value).__name__}")


def _row_hash(table: sa.Table, row: sa.Row) -> bytes:
    text = json.dumps([[c.name, _canonical(row._mapping[c.name])] for c in table.columns],
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).digest()


def _combine(hashes: list[bytes]) -> TableSum:
    total = hashlib.sha256()
    for h in sorted(hashes):
        total.update(h)
    return TableSum(len(hashes), total.hexdigest())


def _batch(table: sa.Table) -> int:
    return 20 if table is T_VER else BATCH


def _rows(conn: Connection, table: sa.Table) -> Iterator[sa.Row]:
    """Every row of a table, in primary-key order, fetched in batches (versions carry whole workbooks)."""
    query = sa.select(table).order_by(*table.primary_key.columns).execution_options(yield_per=_batch(table))
    yield from conn.execute(query)


def table_sums(conn: Connection, tables: Iterable[sa.Table] | None = None) -> dict[str, TableSum]:
    """Row count and digest of every table (every table a backup holds, :data:`BACKUP_TABLES`, by default), as
    seen by ``conn``."""
    return {t.name: _combine([_row_hash(t, r) for r in _rows(conn, t)])
            for t in (BACKUP_TABLES if tables is None else tables)}


# --- the signing key --------------------------------------------------------------------------------------


def _store_key(store: Store) -> bytes:
    """This store's backup signing key (made by migration 9; made here, once, if the row was removed)."""
    with store.engine.begin() as conn:
        value = conn.scalar(sa.select(T_SETTINGS.c.value).where(T_SETTINGS.c.key == KEY_SETTING))
        if value is None:
            conn.execute(sa.insert(T_SETTINGS).values(key=KEY_SETTING, value=secrets.token_hex(32)))
            value = conn.scalar(sa.select(T_SETTINGS.c.value).where(T_SETTINGS.c.key == KEY_SETTING))
    return bytes.fromhex(str(value))


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"evalboard backup key id\0" + key).hexdigest()[:16]


def _signature(key: bytes, manifest_text: str) -> str:
    return hmac.new(key, manifest_text.encode("utf-8"), hashlib.sha256).hexdigest()


# --- files ------------------------------------------------------------------------------------------------


def _new_private_file(path: Path) -> None:
    """Create an empty file readable and writable by its owner only (0600), failing if it exists."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def _file_engine(path: Path, *, readonly: bool = False) -> Engine:
    uri = f"{path.resolve().as_uri()}?mode={'ro' if readonly else 'rw'}"
    return sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True),
                            poolclass=sa.pool.NullPool)


@contextmanager
def _engine(path: Path, *, readonly: bool = False) -> Iterator[Engine]:
    engine = _file_engine(path, readonly=readonly)
    try:
        yield engine
    finally:
        engine.dispose()


def _cleanup(path: Path) -> None:
    for p in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)


def _schema_version(conn: Connection) -> int:
    return conn.scalar(sa.select(sa.func.max(T_VERSION.c.version))) or 0


# --- backup -----------------------------------------------------------------------------------------------


def backup(store: Store, out: Path | str) -> Report:
    """Write the whole store to a new file ``out`` (mode 0600). Refuses an existing ``out``."""
    out = Path(out).expanduser()
    if out.exists():
        raise BackupError(f"备份文件 {out} 已存在：为免覆盖旧备份，请换一个文件名")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.partial")
    _cleanup(tmp)
    _new_private_file(tmp)
    created_at = clock.utc_now().isoformat(timespec="seconds")
    try:
        copied: dict[str, TableSum] | None = None
        if store.backend == "sqlite":
            _copy_sqlite(store, tmp)  # a page-level copy: the digests are read from it below
        else:
            copied = _copy_tables(store, tmp)
        key = _store_key(store)
        with _engine(tmp) as engine, engine.begin() as conn:
            found = table_sums(conn)
            if copied is not None and found != copied:
                bad = [n for n in found if found[n] != copied.get(n)]
                raise BackupError(f"备份文件与数据库不一致（{'、'.join(bad)}），备份未完成")
            version = _schema_version(conn)
            manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_version": version,
                        "backend": store.backend, "source": store.url, "created_at": created_at,
                        "key_id": _key_id(key),
                        "tables": {n: {"rows": s.rows, "sha256": s.sha256} for n, s in found.items()}}
            text = json.dumps(manifest, ensure_ascii=False)
            _MANIFEST_TABLE.create(conn)
            conn.execute(sa.insert(_MANIFEST_TABLE), [{"key": "manifest", "value": text},
                                                      {"key": "signature", "value": _signature(key, text)}])
        with sqlite3.connect(tmp) as raw:  # a single self-contained file: no -wal next to it
            raw.execute("PRAGMA journal_mode=DELETE")
        raw.close()
        os.chmod(tmp, 0o600)
        if out.exists():
            raise BackupError(f"备份文件 {out} 已存在：为免覆盖旧备份，请换一个文件名")
        os.replace(tmp, out)
    except BaseException:
        _cleanup(tmp)
        raise
    return Report(out, store.backend, version, created_at, found)


def _copy_sqlite(store: Store, tmp: Path) -> None:
    """SQLite's online backup API: a consistent copy while other connections read and write."""
    source_path = store.engine.url.database
    if not source_path or source_path == ":memory:":
        raise BackupError("内存数据库无法备份")
    src = sqlite3.connect(source_path, timeout=30)
    dst = sqlite3.connect(tmp)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file
        dst.execute("PRAGMA secure_delete=ON")  # freed pages zeroed: nothing of the key left in the file
        for name in NEVER_EXPORTED + NEVER_RESTORED:
            dst.execute(f'DROP TABLE IF EXISTS "{name}"')
        dst.commit()
    finally:
        dst.close()
        src.close()


def _copy_tables(store: Store, tmp: Path) -> dict[str, TableSum]:
    """Every table of the store into the file, read in one snapshot; returns the digests of what was read."""
    sums: dict[str, TableSum] = {}
    with _engine(tmp) as target, store.engine.connect() as src:
        with src.begin():
            if store.backend == "postgresql":
                src.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            with target.begin() as dst:
                METADATA.create_all(dst, tables=BACKUP_TABLES)
                for table in BACKUP_TABLES:
                    hashes: list[bytes] = []
                    batch: list[dict] = []
                    for row in _rows(src, table):
                        hashes.append(_row_hash(table, row))
                        batch.append(dict(row._mapping))
                        if len(batch) >= _batch(table):
                            dst.execute(sa.insert(table), batch)
                            batch = []
                    if batch:
                        dst.execute(sa.insert(table), batch)
                    sums[table.name] = _combine(hashes)
    return sums


# --- restore ----------------------------------------------------------------------------------------------


def _damaged(path: Path, exc: BaseException | None = None) -> BackupError:
    why = f"（{type(exc).__name__}）" if exc is not None else ""
    return BackupError(f"备份文件 {path} 已损坏，无法读取{why}：文件可能被截断、传输出错或被改动。"
                       "请改用另一份备份（例如上一次的备份），或从原处重新复制该文件")


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Any failure to read the file (a truncated file, corrupted pages, not a database) as a Chinese message."""
    try:
        yield
    except BackupError:
        raise
    except (sa.exc.DBAPIError, sqlite3.Error, OSError, ValueError, KeyError, TypeError) as exc:
        raise _damaged(path, exc) from exc


def _read_file_manifest(path: Path) -> tuple[dict, str, str]:
    """(manifest, its stored text, its signature or "") of a backup file, after SQLite's integrity check."""
    if not path.is_file():
        raise BackupError(f"找不到备份文件：{path}")
    try:
        with _engine(path, readonly=True) as engine, engine.connect() as conn:
            checked = conn.exec_driver_sql("PRAGMA integrity_check").scalars().all()
            stored = dict(conn.execute(sa.select(_MANIFEST_TABLE.c.key, _MANIFEST_TABLE.c.value)).all())
    except sa.exc.DatabaseError as exc:
        text = str(exc.orig) if exc.orig is not None else ""
        if "no such table" in text or "not a database" in text or "file is not a database" in text:
            raise BackupError(f"{path} 不是 EvalBoard 备份文件（无法作为 SQLite 数据库读取清单）") from exc
        raise _damaged(path, exc) from exc
    if checked != ["ok"]:
        raise _damaged(path)
    value = stored.get("manifest") or ""
    try:
        manifest = json.loads(value)
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} 不是 EvalBoard 备份文件（没有备份清单）")
    if manifest.get("format_version") not in READABLE_FORMATS:
        raise BackupError(f"备份格式版本 {manifest.get('format_version')} 不受本程序支持（支持 {FORMAT_VERSION}）")
    if not isinstance(manifest.get("tables"), dict):
        raise _damaged(path)
    return manifest, value, str(stored.get("signature") or "")


def read_manifest(path: Path | str) -> dict:
    """The manifest of a backup file; :class:`BackupError` when the file is not an EvalBoard backup."""
    return _read_file_manifest(Path(path).expanduser())[0]


def _expected(manifest: dict) -> dict[str, TableSum]:
    """What the manifest says of the tables a restore copies (a table never restored is left out)."""
    return {n: TableSum(int(s["rows"]), str(s["sha256"])) for n, s in manifest["tables"].items()
            if n not in NEVER_EXPORTED + NEVER_RESTORED}


def _mismatches(found: dict[str, TableSum], expected: dict[str, TableSum]) -> list[str]:
    return [f"{TABLE_LABELS.get(n, n)}（应为 {e.rows} 行，实为 {found[n].rows if n in found else 0} 行"
            f"{'，内容不同' if n in found and found[n].rows == e.rows else ''}）"
            for n, e in expected.items() if found.get(n) != e]


def check(path: Path | str) -> dict:
    """Check a backup file against its own manifest, table by table; returns the manifest. This proves the file
    is whole, not where it comes from: :func:`restore` checks the signature."""
    return _check(Path(path).expanduser())[0]


def _check(path: Path) -> tuple[dict, str, str]:
    """:func:`check`, returning what :func:`_read_file_manifest` read as well."""
    manifest, text, signature = _read_file_manifest(path)
    with _reading(path):
        version = manifest.get("schema_version")
        if version != SCHEMA_VERSION:
            raise BackupError(f"备份的数据库结构版本为 {version}，本程序为 {SCHEMA_VERSION}："
                              "请用与备份时相同版本的 EvalBoard 恢复")
        expected = _expected(manifest)
        if set(expected) != {t.name for t in BACKUP_TABLES}:
            raise BackupError("备份清单中的表与本程序的数据库结构不一致，无法恢复")
        with _engine(path, readonly=True) as engine, engine.connect() as conn:
            bad = _mismatches(table_sums(conn), expected)
        if bad:
            raise BackupError(f"备份文件已损坏或被改动：{'；'.join(bad)}")
    return manifest, text, signature


def _origin(store: Store, manifest: dict, text: str, signature: str) -> str | None:
    """None when the file's signature verifies with this store's key, else why it is a backup from elsewhere."""
    key = _store_key(store)
    if signature and hmac.compare_digest(signature, _signature(key, text)):
        return None
    if not signature:
        return "没有签名（较早版本的 EvalBoard 或其他程序生成）"
    if manifest.get("key_id") != _key_id(key):
        return "由另一个数据库生成（签名密钥不同）"
    return "签名不符：文件在备份后被改动过"


def _check_foreign(src: Connection) -> list[str]:
    """A backup from elsewhere, table by table: what would be refused in this store (the accounts' roles and
    password hashes, every stored workbook read again by the current reader)."""
    problems: list[str] = []
    for row in src.execute(sa.select(T_USER.c.name, T_USER.c.role, T_USER.c.password_hash)):
        if row.role not in ROLES:
            problems.append(f"账户“{row.name}”的角色“{row.role}”无效")
        elif not str(row.password_hash).startswith("$argon2"):
            problems.append(f"账户“{row.name}”的密码不是本程序保存的格式")
    for vid, data in src.execute(sa.select(T_VER.c.id, T_VER.c.data).execution_options(yield_per=20)):
        result = read_workbook(bytes(data))
        if not result.ok:
            first = result.errors[0] if result.errors else None
            problems.append(f"版本 {vid} 的工作簿未通过当前的检查（{first.message[:80] if first else '无法读取'}）")
        if len(problems) >= 10:
            break
    return problems


def restore(store: Store, path: Path | str, *, force: bool = False, trust: bool = False) -> Report:
    """Restore a backup file into ``store``: checked first, all or nothing, checked again before commit.

    A file this store signed is restored as it is (sessions aside). Any other file is refused unless ``trust``;
    with ``trust`` it is checked table by table (:func:`_check_foreign`) and its accounts are restored too.
    Sign-in sessions are never restored, and every session of ``store`` ends.

    A store holding any row (an evaluation, an account, an audit entry, ...) is refused unless ``force``;
    with ``force`` everything in it is replaced by the backup. Stop the app instances before a forced restore:
    they keep parsed versions in memory by version id, and the ids are the backup's after it.
    """
    path = Path(path).expanduser()
    manifest, text, signature = _check(path)
    elsewhere = _origin(store, manifest, text, signature)
    if elsewhere is not None and not trust:
        raise BackupError(f"备份文件 {path} 不是本数据库生成的备份：{elsewhere}。来自其他地方的备份会带入其中的"
                          "账户（包括管理员）、审计记录和工作簿，只在确认文件来源可信时才应恢复；确需恢复，请加 "
                          "--trust 重新执行（将逐表检查，浏览器会话从不恢复）")
    expected = _expected(manifest)
    with _reading(path), store.engine.connect() as conn:
        if store.backend == "sqlite":
            conn.execution_options(evalboard_begin="IMMEDIATE")
        with conn.begin():
            if store.backend == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(4_152_023_001)))  # no migration meanwhile
            present = {n: c for n, c in _data_counts(conn).items() if c}
            if present and not force:
                what = "、".join(f"{TABLE_LABELS.get(n, n)} {c} 行" for n, c in present.items())
                raise BackupError(f"目标数据库 {store.url} 不是空的（{what}）：恢复会替换其中全部数据。"
                                  "确需如此，请先停止所有实例，再加 --force 重新执行")
            with _engine(path, readonly=True) as engine, engine.connect() as src:
                if elsewhere is not None:
                    problems = _check_foreign(src)
                    if problems:
                        raise BackupError(f"备份文件 {path} 来自其他地方，逐表检查未通过，未恢复："
                                          f"{'；'.join(problems)}")
                conn.execute(sa.delete(T_WEB))  # every sign-in of this store ends; none comes from the file
                for table in reversed(BACKUP_TABLES):
                    conn.execute(sa.delete(table))
                for table in BACKUP_TABLES:
                    batch: list[dict] = []
                    for row in _rows(src, table):
                        batch.append(dict(row._mapping))
                        if len(batch) >= _batch(table):
                            conn.execute(sa.insert(table), batch)
                            batch = []
                    if batch:
                        conn.execute(sa.insert(table), batch)
                skipped = {name: _count_in_file(src, name) for name in NEVER_RESTORED + NEVER_EXPORTED}
            if store.backend == "postgresql":
                _reset_sequences(conn)
            bad = _mismatches(table_sums(conn), expected)
            if bad:
                raise BackupError(f"恢复后的数据与备份不一致，已撤销：{'；'.join(bad)}")
            for vid, digest, data in conn.execute(sa.select(T_VER.c.id, T_VER.c.file_hash, T_VER.c.data)):
                if hashlib.sha256(bytes(data)).hexdigest() != digest:
                    raise BackupError(f"版本 {vid} 的工作簿与其记录的 SHA-256 不符，已撤销恢复")
    return Report(path, manifest.get("backend", ""), manifest["schema_version"], manifest.get("created_at", ""),
                  expected, signed_here=elsewhere is None, skipped=skipped)


def _count_in_file(src: Connection, name: str) -> int:
    """Rows of a table never restored that the file holds anyway (a crafted or an old backup)."""
    if not sa.inspect(src).has_table(name):
        return 0
    return src.scalar(sa.select(sa.func.count()).select_from(sa.table(name))) or 0


def _data_counts(conn: Connection) -> dict[str, int]:
    return {t.name: conn.scalar(sa.select(sa.func.count()).select_from(t)) or 0
            for t in BACKUP_TABLES if t is not T_VERSION}


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL: move each serial id's sequence past the largest restored id."""
    for table in BACKUP_TABLES:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer) or pk[0].autoincrement is False:
            continue
        name, column = table.name, pk[0].name
        sequence = conn.scalar(sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": name, "c": column})
        if sequence is None:
            continue
        conn.execute(sa.text(f'SELECT setval(:s, COALESCE((SELECT MAX("{column}") FROM "{name}"), 1), '
                             f'(SELECT MAX("{column}") FROM "{name}") IS NOT NULL)'), {"s": sequence})


__all__ = ["BACKUP_TABLES", "BackupError", "FORMAT", "Report", "TableSum", "backup", "check", "read_manifest",
           "restore", "table_sums"]
