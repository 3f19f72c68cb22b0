"""Nothing typed at sign-in reaches a log, an export or a message; the database file is the owner's only."""
from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from evalcore import audit, auth
from evalcore.auth import Actor
from evalcore.store import SignInError, Store

ADMIN = Actor("陈管理", "admin", "cli")
PASSWORD = "Qing-Song-Shu-9"
REPO = Path(__file__).resolve().parents[2]


def everything_written(store: Store) -> str:
    with store.engine.connect() as conn:
        return "\n".join(str(row) for table in ("audit_log", "sign_in_failures")
                         for row in conn.execute(sa.text(f"SELECT * FROM {table}")).all())


def test_a_password_typed_as_the_name_is_never_kept(store: Store, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    store.add_user("li", "evaluator", PASSWORD, by=ADMIN)
    slips = [PASSWORD, "li " + PASSWORD, "Another-Secret-7"]
    for slip in slips:  # the password typed into 用户名 (a common slip), with anything in 密码
        with pytest.raises(SignInError) as caught:
            store.sign_in(slip, PASSWORD, address="198.51.100.3")
        assert slip not in str(caught.value)
    with pytest.raises(SignInError):
        store.sign_in("li", "Wrong-Password-3", address="198.51.100.3")  # an account: its name is recorded
    dump = everything_written(store)
    exported = b"".join(audit.audit_bytes(store.audit_log(), fmt) for fmt in ("csv", "json", "xlsx"))
    for slip in (*slips, "Wrong-Password-3"):
        assert slip not in dump
        assert slip.encode() not in exported
        assert slip not in caplog.text
    failed = store.audit_log(actions=["sign_in_failed"])
    assert sorted(e.actor for e in failed) == sorted([auth.UNKNOWN_NAME] * 3 + ["li"])
    assert all(e.target in ("", "li") for e in failed)
    if store.backend == "sqlite":  # the file itself, write-ahead log included
        db = Path(store.engine.url.database)
        raw = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
        for slip in slips:
            assert slip.encode() not in raw


def test_an_old_log_with_typed_names_is_cleaned_on_upgrade(tmp_path: Path) -> None:
    import evalcore.store as store_module
    db = tmp_path / "old.db"
    old = Store.sqlite(db)
    old.add_user("li", "evaluator", PASSWORD, by=ADMIN)
    with old.engine.begin() as conn:  # what version 2 wrote for a password typed as the name
        conn.execute(sa.text("DELETE FROM schema_version WHERE version >= 3"))
        conn.execute(sa.text(
            "INSERT INTO audit_log (at, actor, role, via, action, summary, target, after) VALUES "
            "('2026-01-01 00:00:00', :n, 'viewer', 'password', 'sign_in_failed', :s, :n, '{}')"),
            {"n": PASSWORD, "s": f"“{PASSWORD}”登录失败（连续第 1 次）"})
        conn.execute(sa.text("INSERT INTO sign_in_failures VALUES (:n, 1, '2026-01-01 00:00:00', NULL)"),
                     {"n": PASSWORD.lower()})
    old.dispose()
    upgraded = Store.sqlite(db)
    assert upgraded.schema_version() == store_module.SCHEMA_VERSION
    assert PASSWORD not in everything_written(upgraded)
    assert PASSWORD.lower() not in everything_written(upgraded)
    assert [e.actor for e in upgraded.audit_log(actions=["sign_in_failed"])] == [auth.UNKNOWN_NAME]
    upgraded.dispose()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)  # the usual umask, which made the files 0644
    try:
        db = tmp_path / "data" / "evalboard.db"
        store = Store.sqlite(db)
        store.add_user("li", "evaluator", PASSWORD, by=ADMIN)  # writes, so the -wal and -shm files exist
        files = [p for p in db.parent.iterdir() if p.name.startswith(db.name)]
        assert {p.name for p in files} >= {"evalboard.db", "evalboard.db-wal", "evalboard.db-shm"}
        assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
        assert _mode(db.parent) == 0o700
        store.dispose()
        # a database an older version left world-readable is tightened when opened
        os.chmod(db, 0o644)
        Store.sqlite(db).dispose()
        assert _mode(db) == 0o600
    finally:
        os.umask(old_umask)


def test_the_command_line_creates_a_private_database(tmp_path: Path) -> None:
    db = tmp_path / "cli" / "evalboard.db"
    env = {"EVALBOARD_DB_PATH": str(db), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", "import os, sys; os.umask(0o022); from evalcore.cli import main; "
                           "sys.exit(main(['user', 'list']))"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert _mode(db) == 0o600
