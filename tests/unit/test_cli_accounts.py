"""``python -m evalcore user ...`` and ``audit``, as an operator runs them, on a database file.

``cli(...)`` calls ``evalcore.cli.main`` in this process (the ``run_cli`` fixture: exit code, standard output and
error, standard input); argparse's refusal goes through a real ``python -m evalcore`` process (exit status 2)."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evalcore.store import SignInError, Store

REPO_ROOT = Path(__file__).resolve().parents[2]
Cli = Callable[..., Any]  # the cli fixture: (*args) -> run_cli's result
SECRET = "Ji-Xiao-Ping-Jia-7"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "accounts.db"


@pytest.fixture
def cli(db: Path, run_cli: Callable[..., Any]) -> Callable[..., Any]:
    """``cli(*args, stdin=None)``: the command on ``db``, in this process."""
    return lambda *args, stdin=None: run_cli(*args, stdin=stdin, db=db)


def run(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m evalcore ARGS`` in a child process on ``db``."""
    env = {k: v for k, v in os.environ.items() if k != "EVALBOARD_DATABASE_URL"}
    env.update(PYTHONIOENCODING="utf-8", EVALBOARD_DB_PATH=str(db))
    return subprocess.run([sys.executable, "-m", "evalcore", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          encoding="utf-8", env=env, input=stdin, timeout=120, check=False)


def test_user_add_list_passwd_role_remove(db: Path, cli: Cli) -> None:
    added = cli("user", "add", "张三", "--role", "evaluator", "--password-stdin", stdin=SECRET + "\n")
    assert added.returncode == 0, added.stderr
    assert "已新增账户“张三”，角色：评价人员" in added.stdout
    cli("user", "add", "chen", "--role", "admin", "--password-stdin", stdin=SECRET + "\n")
    listed = cli("user", "list")
    assert listed.returncode == 0 and "张三\t评价人员（evaluator）" in listed.stdout and "共 2 个账户" in listed.stdout
    store = Store.sqlite(db)
    assert store.sign_in("张三", SECRET).role == "evaluator"
    assert cli("user", "passwd", "张三", "--password-stdin", stdin="Xin-Mi-Ma-2026\n").returncode == 0
    with pytest.raises(SignInError):
        store.sign_in("张三", SECRET)
    assert store.sign_in("张三", "Xin-Mi-Ma-2026").name == "张三"
    assert cli("user", "role", "张三", "--role", "viewer").returncode == 0
    assert store.user("张三").role == "viewer"
    assert cli("user", "remove", "张三").returncode == 0
    assert store.user("张三") is None
    # every change is in the audit log, by the operating-system user "@命令行"
    entries = store.audit_log(actions=["user_add", "user_password", "user_role", "user_remove"])
    assert [e.action for e in entries] == ["user_remove", "user_role", "user_password", "user_add", "user_add"]
    assert all(e.actor.endswith("@命令行") and e.via == "cli" for e in entries)
    store.dispose()


@pytest.mark.parametrize("args,stdin,message", [
    (("user", "add", "li", "--role", "viewer", "--password-stdin"), "short\n", "密码至少 8 个字符"),
    (("user", "add", "li", "--role", "viewer"), "", "请用 --password-stdin"),
    (("user", "add", "a b", "--role", "viewer", "--password-stdin"), SECRET + "\n", "不允许的字符"),
    (("user", "remove", "nobody"), None, "账户“nobody”不存在"),
    (("user", "role", "nobody", "--role", "admin"), None, "账户“nobody”不存在"),
    (("audit", "--since", "2026-13-01"), None, "--since 应为日期"),
    (("audit", "--action", "explode"), None, "--action 应为"),
])
def test_mistakes_are_chinese_messages_with_exit_1(db: Path, cli: Cli, args, stdin, message) -> None:
    result = cli(*args, stdin=stdin)
    assert result.returncode == 1, result
    assert message in result.stderr and "Traceback" not in result.stderr


def test_an_unknown_role_is_refused_by_argparse(db: Path) -> None:
    result = run(db, "user", "add", "li", "--role", "root", "--password-stdin", stdin=SECRET + "\n")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_the_password_never_appears_in_output_or_the_database_file(db: Path, cli: Cli) -> None:
    result = cli("user", "add", "li", "--role", "admin", "--password-stdin", stdin=SECRET + "\n")
    assert SECRET not in result.stdout + result.stderr
    listed = cli("user", "list")
    audit = cli("audit", "--format", "json")
    assert SECRET not in listed.stdout + audit.stdout
    raw = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    assert SECRET.encode() not in raw


def test_audit_export_filters_and_formats(db: Path, cli: Cli, tmp_path: Path) -> None:
    cli("user", "add", "li", "--role", "admin", "--password-stdin", stdin=SECRET + "\n")
    cli("user", "add", "wang", "--role", "viewer", "--password-stdin", stdin=SECRET + "\n")
    store = Store.sqlite(db)
    store.sign_in("wang", SECRET)
    store.dispose()
    out = tmp_path / "audit.csv"
    result = cli("audit", "--out", str(out))
    assert result.returncode == 0 and "已导出 3 条审计记录" in result.stdout
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert [r["操作"] for r in rows] == ["登录", "新增账户", "新增账户"]
    assert rows[0]["操作人"] == "wang" and rows[0]["角色"] == "查看者"
    only = json.loads(cli("audit", "--format", "json", "--action", "sign_in").stdout)
    assert [e["actor"] for e in only] == ["wang"]
    old = cli("audit", "--format", "json", "--since", "2000-01-01", "--until", "2000-01-02")
    assert json.loads(old.stdout) == []
    assert json.loads(cli("audit", "--format", "json", "--actor", "nobody").stdout) == []


def test_every_file_the_command_line_writes_is_private(db: Path, cli: Cli, tmp_path: Path) -> None:
    """``audit --out`` (names, addresses, account changes) and the exports: 0600, also over an existing file."""
    cli("user", "add", "li", "--role", "admin", "--password-stdin", stdin=SECRET + "\n")
    old_umask = os.umask(0o022)
    try:
        for fmt in ("csv", "json", "xlsx"):
            out = tmp_path / f"audit.{fmt}"
            out.write_text("older, world-readable")
            os.chmod(out, 0o644)
            assert cli("audit", "--format", fmt, "--out", str(out)).returncode == 0
            assert out.stat().st_mode & 0o777 == 0o600, fmt
        template = tmp_path / "template.xlsx"
        assert cli("template", str(template)).returncode == 0
        assert template.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old_umask)
