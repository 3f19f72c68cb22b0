"""evalcore.backup: backup and restore of the whole store, on SQLite and PostgreSQL and across the two.

A store filled with every kind of record (two evaluations, publishes, 整改 updates, a rollback, an archive,
accounts, a locked sign-in name, audit entries) is backed up, restored into an empty database of either backend,
and compared record by record through the Store API: evaluations, versions (byte-identical workbooks, same
SHA-256), the 整改 change log, accounts (their passwords still sign in), the audit log.
"""
from __future__ import annotations

import datetime as dt
import io
import shutil
import sqlite3
import stat
import threading
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

import evalcore.store as store_module
import sample_data
from evalcore.auth import Actor
from evalcore.backup import BACKUP_TABLES, BackupError, backup, check, read_manifest, restore, table_sums
from evalcore.cli import main
from evalcore.store import METADATA, SignInError, Store
from evalcore.workbook import read_workbook
from tests import pg

SAMPLE = sample_data.WORKBOOK
GROUP = Actor("评价组", "evaluator")
ZHANG = Actor("张三", "evaluator")
WANG = Actor("王五", "admin")
PASSWORD = "长沙评价-2023!"


def variant(**meta: object) -> bytes:
    wb = openpyxl.load_workbook(SAMPLE)
    rows = {row[0].value: row[1] for row in wb["评价信息"].iter_rows(min_row=2)}
    for label, value in meta.items():
        rows[label].value = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def new_database(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """``new_database("sqlite" | "postgresql")``: the URL of a new empty database (PostgreSQL ones are dropped
    after the test; ``tests/pg.py``)."""
    created: list[str] = []
    admin: sa.Engine | None = None

    def make(backend: str) -> str:
        nonlocal admin
        if backend == "sqlite":
            return sa.URL.create("sqlite", database=str(tmp_path / f"{uuid.uuid4().hex[:8]}.db")).render_as_string()
        if admin is None:
            admin = pg.admin_engine(pg.admin_url_or_skip("PostgreSQL backup tests"))
        name, url = pg.create_database(admin, "evalboard_test_bk")
        created.append(name)
        return url

    yield make
    if admin is not None:
        for name in created:
            pg.drop_database(admin, name)
        admin.dispose()


def fill(s: Store) -> None:
    """Every kind of record the store keeps."""
    v1 = s.publish(SAMPLE.read_bytes(), file_name="长沙2023.xlsx", by=GROUP, note="首次发布")
    eid = v1.evaluation_id
    v2 = s.update_rectification(eid, "Z05", base_version_id=v1.id, status="已整改", progress=Decimal(100),
                                note="已印发", evidence="长数据〔2025〕3号", by=ZHANG, on=dt.date(2025, 7, 1))
    v3 = s.update_rectification(eid, "Z12", base_version_id=v2.id, status="整改中", progress=Decimal("62.5"),
                                note="推进中", evidence="", by=ZHANG, on=dt.date(2025, 7, 2))
    s.rollback(eid, v2.id, by=WANG, note="撤回 Z12")
    s.publish(variant(数据来源="修订稿"), file_name="长沙2023-修订.xlsx", by=GROUP)
    del v3
    other = s.publish(variant(年度=2024), file_name="长沙2024.xlsx", by=GROUP)
    s.set_archived(other.evaluation_id, True, by=WANG)
    s.add_user("李四", "evaluator", PASSWORD, by=WANG)
    s.add_user("admin", "admin", PASSWORD + "x", by=WANG)
    s.sign_in("李四", PASSWORD)
    for _ in range(6):  # enough failures to lock the name: the throttling row is part of the store too
        with pytest.raises(SignInError):
            s.sign_in("陌生人", "wrong-password")
    s.record(WANG, "audit_export", "导出审计日志", target="csv")


@pytest.fixture(scope="module")
def filled_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store filled once for the module (filling takes seconds: workbooks, argon2 hashes)."""
    path = tmp_path_factory.mktemp("filled") / "filled.db"
    s = Store.sqlite(path)
    try:
        fill(s)
    finally:
        s.dispose()
    with sqlite3.connect(path) as raw:  # one self-contained file that can be copied
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    return path


@pytest.fixture
def filled(filled_file: Path, tmp_path: Path, stores) -> Store:
    """A filled SQLite store of the test's own (a copy of the module's)."""
    path = tmp_path / "source.db"
    shutil.copyfile(filled_file, path)
    return stores(sa.URL.create("sqlite", database=str(path)).render_as_string())


def snapshot(s: Store) -> dict:
    """Everything a user can see of the store, through its API."""
    evaluations = s.evaluations(include_archived=True)
    versions = {e.id: s.versions(e.id) for e in evaluations}
    return {
        "evaluations": evaluations,
        "versions": versions,
        "workbooks": {v.id: s.workbook(v.id) for vs in versions.values() for v in vs},
        "changes": {e.id: s.changes(e.id) for e in evaluations},
        "users": s.users(),
        "audit": s.audit_log(limit=None),
        "schema": s.schema_version(),
    }


@pytest.mark.parametrize("source", ["sqlite", "postgresql"])
@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_round_trip_gives_back_everything(source: str, target: str, new_database, stores, tmp_path: Path) -> None:
    src = stores(new_database(source))
    fill(src)
    before = snapshot(src)
    out = tmp_path / "evalboard.backup"
    report = backup(src, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert report.tables["versions"].rows == 6 and report.tables["users"].rows == 2
    assert report.tables["changes"].rows == sum(len(c) for c in before["changes"].values()) > 0
    assert read_manifest(out)["backend"] == source

    dst = stores(new_database(target))
    with pytest.raises(BackupError, match="不是本数据库生成的备份.*--trust"):  # another store's key (issue 27)
        restore(dst, out)
    restored = restore(dst, out, trust=True)
    assert restored.tables == report.tables and not restored.signed_here
    after = snapshot(dst)
    assert after == before
    for vid, data in after["workbooks"].items():  # byte-identical workbooks, the same hashes, still readable
        info = dst.version(vid)
        assert store_module.sha256_hex(data) == info.file_hash and len(data) == info.size
    assert all(read_workbook(after["workbooks"][e.active_version_id]).ok for e in before["evaluations"])
    with src.engine.connect() as a, dst.engine.connect() as b:
        assert table_sums(a) == table_sums(b)  # every table, the sign-in throttling included
    # the accounts' passwords still work, the locked name is still locked
    assert dst.sign_in("李四", PASSWORD).role == "evaluator"
    with pytest.raises(SignInError, match="失败次数过多"):
        dst.sign_in("陌生人", "wrong-password")
    # new ids continue after the restored ones (PostgreSQL sequences moved on)
    eid = next(e.id for e in before["evaluations"] if e.year == 2023)
    newest = dst.publish(variant(数据来源="恢复后"), file_name="after.xlsx", by=GROUP)
    assert newest.evaluation_id == eid and newest.id > max(after["workbooks"])
    assert dst.audit_log(limit=1)[0].id > max(a.id for a in after["audit"])


def test_restore_refuses_a_store_with_data_unless_forced(filled: Store, new_database, stores, tmp_path: Path) -> None:
    src = filled
    out = tmp_path / "b.backup"
    backup(src, out)
    dst = stores(new_database("sqlite"))
    dst.publish(variant(年度=2030), file_name="其他.xlsx", by=GROUP)
    kept = snapshot(dst)
    with pytest.raises(BackupError, match="不是空的.*--force"):
        restore(dst, out, trust=True)
    assert snapshot(dst) == kept
    restore(dst, out, force=True, trust=True)
    assert snapshot(dst) == snapshot(src)
    # an account alone makes a store non-empty too
    third = stores(new_database("sqlite"))
    third.add_user("甲", "viewer", PASSWORD, by=WANG)
    with pytest.raises(BackupError, match="账户 1 行"):
        restore(third, out, trust=True)


def test_backup_never_replaces_a_file_and_restore_refuses_other_files(filled: Store, stores, new_database,
                                                                      tmp_path: Path) -> None:
    src = filled
    out = tmp_path / "b.backup"
    out.write_bytes(b"an older backup")
    with pytest.raises(BackupError, match="已存在"):
        backup(src, out)
    assert out.read_bytes() == b"an older backup"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    dst = stores(new_database("sqlite"))
    with pytest.raises(BackupError, match="不是 EvalBoard 备份文件"):
        restore(dst, out)
    with pytest.raises(BackupError, match="不是 EvalBoard 备份文件"):
        restore(dst, Path(src.engine.url.database))  # a store's own database file has no manifest
    with pytest.raises(BackupError, match="找不到"):
        restore(dst, tmp_path / "missing.backup")
    assert dst.evaluations(include_archived=True) == []


def test_a_changed_backup_is_refused_and_nothing_is_written(filled: Store, stores, new_database,
                                                             tmp_path: Path) -> None:
    src = filled
    out = tmp_path / "b.backup"
    backup(src, out)
    check(out)
    with sqlite3.connect(out) as raw:  # one audit summary altered after the backup was taken
        raw.execute("UPDATE audit_log SET summary = summary || '（改）' WHERE id = 1")
    raw.close()
    dst = stores(new_database("sqlite"))
    with pytest.raises(BackupError, match="已损坏或被改动：审计记录（应为 .* 行，实为 .* 行，内容不同）"):
        restore(dst, out)
    assert dst.evaluations(include_archived=True) == [] and dst.audit_log() == []


def test_a_backup_of_a_newer_schema_is_refused(filled: Store, tmp_path: Path, monkeypatch) -> None:
    src = filled
    out = tmp_path / "b.backup"
    backup(src, out)
    monkeypatch.setattr("evalcore.backup.SCHEMA_VERSION", store_module.SCHEMA_VERSION + 1)
    with pytest.raises(BackupError, match="结构版本"):
        check(out)


def test_sqlite_backup_while_another_process_keeps_writing(filled: Store, stores, new_database,
                                                            tmp_path: Path) -> None:
    """The online backup API copies a consistent state while writers go on: the copy passes its own check and
    restores into a store whose versions are all readable, with every audit entry of the versions it holds."""
    src = filled
    writer = stores(src.engine.url.render_as_string())  # a second Store, as a second app instance would have
    eid = src.evaluations()[0].id
    stop = threading.Event()
    written: list[int] = []

    def keep_writing() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            v = writer.publish(variant(数据来源=f"第{n}稿"), file_name=f"{n}.xlsx", by=GROUP)
            written.append(v.id)

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        while len(written) < 2:
            stop.wait(0.05)
        out = tmp_path / "live.backup"
        backup(src, out)
    finally:
        stop.set()
        thread.join(timeout=60)
    check(out)
    dst = stores(new_database("sqlite"))
    restore(dst, out, trust=True)
    versions = dst.versions(eid)
    assert len(versions) >= 5 and versions[0].active
    published = {a.version_id for a in dst.audit_log(limit=None) if a.action == "publish"}
    assert {v.id for v in versions if v.kind == "publish"} == published & {v.id for v in versions}
    assert read_workbook(dst.workbook(versions[0].id)).ok


def test_cli_backup_and_restore(filled_file: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    source_db = tmp_path / "live.db"
    shutil.copyfile(filled_file, source_db)
    s = Store.sqlite(source_db)
    try:
        expected = snapshot(s)
    finally:
        s.dispose()
    out = tmp_path / "backups" / "nightly.evalboard"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(source_db))
    assert main(["backup", str(out)]) == 0
    said = capsys.readouterr().out
    assert "逐表核对一致" in said and "版本（versions）：6 行" in said
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert main(["backup", str(out)]) == 1
    assert "已存在" in capsys.readouterr().err

    monkeypatch.setenv("EVALBOARD_DB_PATH", str(tmp_path / "new.db"))
    assert main(["restore", str(out)]) == 1  # a new store has a key of its own: the file is from elsewhere
    assert "--trust" in capsys.readouterr().err
    assert main(["restore", "--trust", str(out)]) == 0
    said = capsys.readouterr().out
    assert "审计记录（audit_log）" in said and "不是本数据库签名的" in said
    assert main(["restore", "--trust", str(out)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["restore", "--force", "--trust", str(out)]) == 0
    restored = Store.sqlite(tmp_path / "new.db")
    try:
        assert snapshot(restored) == expected
    finally:
        restored.dispose()
    assert {t.name for t in BACKUP_TABLES} == set(read_manifest(out)["tables"])
    assert {t.name for t in METADATA.sorted_tables} - set(read_manifest(out)["tables"]) == {"store_settings",
                                                                                            "web_sessions"}


# --- issue 27: signed backups, sessions never restored, damaged files ---------------------------------------


def _key(s: Store) -> str:
    with s.engine.connect() as conn:
        return conn.scalar(sa.text("SELECT value FROM store_settings WHERE key = 'backup_key'"))


def test_a_stores_own_backup_restores_as_before_and_never_holds_its_key(filled: Store, tmp_path: Path) -> None:
    before = snapshot(filled)
    out = tmp_path / "own.backup"
    backup(filled, out)
    key = _key(filled)
    raw = out.read_bytes()
    assert len(key) == 64 and key.encode() not in raw and bytes.fromhex(key) not in raw
    with sqlite3.connect(out) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert "store_settings" not in tables and "web_sessions" not in tables
    filled.publish(variant(年度=2031), file_name="之后.xlsx", by=GROUP)
    report = restore(filled, out, force=True)  # its own signature: no --trust needed
    assert report.signed_here
    assert snapshot(filled) == before
    assert _key(filled) == key  # the store keeps its key through a restore


def _plant(path: Path, token: str) -> None:
    """What an attacker does to a backup file: an admin account with a known password and a live sign-in session
    whose cookie value is known, then the manifest's digests recomputed (the key is not in the file)."""
    import json

    from evalcore.auth import hash_password
    from evalcore.store import T_WEB
    from evalcore.store.connection import sha256_hex
    now = dt.datetime.now(dt.UTC)
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO users (name, role, password_hash, created_at, updated_at, created_by, "
                                 "sessions_valid_after) VALUES ('mallory', 'admin', :h, :t, :t, 'x', :t)"),
                         {"h": hash_password("mallory-pass-1"), "t": now.replace(tzinfo=None)})
            T_WEB.create(conn)
            conn.execute(sa.insert(T_WEB).values(token_hash=sha256_hex(token.encode()), name="mallory",
                                                 signed_in_at=now, last_seen=now))
            manifest = json.loads(conn.scalar(sa.text("SELECT value FROM evalboard_backup WHERE key='manifest'")))
            sums = table_sums(conn, list(BACKUP_TABLES) + [T_WEB])
            manifest["tables"] = {n: {"rows": v.rows, "sha256": v.sha256} for n, v in sums.items()}
            conn.execute(sa.text("UPDATE evalboard_backup SET value = :v WHERE key = 'manifest'"),
                         {"v": json.dumps(manifest, ensure_ascii=False)})
    finally:
        engine.dispose()


def test_a_crafted_backup_is_refused_and_with_trust_restores_no_session(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "crafted.backup"
    backup(filled, out)
    token = "attacker-knows-this-cookie-value"
    _plant(out, token)
    check(out)  # the digests agree: only the signature tells
    before = snapshot(filled)
    code = filled.open_web_session("李四", dt.datetime.now(dt.UTC))[1]
    own = filled.redeem_handoff(code)
    assert own and filled.web_session(own, idle_minutes=60, max_hours=12) is not None
    with pytest.raises(BackupError, match="签名不符.*--trust"):
        restore(filled, out, force=True)
    assert snapshot(filled) == before and "mallory" not in {u.name for u in filled.users()}
    assert filled.web_session(own, idle_minutes=60, max_hours=12) is not None

    report = restore(filled, out, force=True, trust=True)
    assert not report.signed_here and report.skipped["web_sessions"] == 1
    assert filled.web_session(token, idle_minutes=60, max_hours=12) is None  # the planted session: not restored
    assert filled.web_session(own, idle_minutes=60, max_hours=12) is None  # and every session of the store ended
    with filled.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM web_sessions")) == 0
    assert "mallory" in {u.name for u in filled.users()}  # accounts: restored because --trust was given


def test_a_backup_from_elsewhere_is_checked_table_by_table(filled: Store, tmp_path: Path, stores,
                                                           new_database) -> None:
    out = tmp_path / "odd.backup"
    backup(filled, out)
    engine = sa.create_engine(f"sqlite:///{out}")
    try:
        import json
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE users SET role = 'root' WHERE name = 'admin'"))
            manifest = json.loads(conn.scalar(sa.text("SELECT value FROM evalboard_backup WHERE key='manifest'")))
            manifest["tables"] = {n: {"rows": v.rows, "sha256": v.sha256} for n, v in table_sums(conn).items()}
            conn.execute(sa.text("UPDATE evalboard_backup SET value = :v WHERE key = 'manifest'"),
                         {"v": json.dumps(manifest, ensure_ascii=False)})
    finally:
        engine.dispose()
    dst = stores(new_database("sqlite"))
    with pytest.raises(BackupError, match="逐表检查未通过.*账户“admin”的角色“root”无效"):
        restore(dst, out, trust=True)
    assert dst.users() == [] and dst.evaluations(include_archived=True) == []


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _corrupted_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(2 * page, len(data) - page, 3 * page):  # garbage over every third page after the header
        data[start:start + page] = bytes((i * 37 + 11) % 256 for i in range(page))
    path.write_bytes(bytes(data))


def _a_zip(path: Path) -> None:
    path.write_bytes(sample_data.WORKBOOK.read_bytes())


@pytest.mark.parametrize("damage", [_truncated, _corrupted_pages, _a_zip], ids=["truncated", "corrupted", "zip"])
def test_a_damaged_backup_gives_a_chinese_message(filled: Store, tmp_path: Path, damage, monkeypatch,
                                                  capsys) -> None:
    out = tmp_path / "damaged.backup"
    backup(filled, out)
    damage(out)
    before = snapshot(filled)
    with pytest.raises(BackupError) as info:
        restore(filled, out, force=True, trust=True)
    text = str(info.value)
    assert "已损坏" in text or "不是 EvalBoard 备份文件" in text, text
    assert "Traceback" not in text and "sqlite3" not in text
    assert snapshot(filled) == before
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(filled.engine.url.database))
    assert main(["restore", "--force", "--trust", str(out)]) == 1
    err = capsys.readouterr().err
    assert ("已损坏" in err or "不是 EvalBoard 备份文件" in err) and "Traceback" not in err
