"""The command line and the app open the same store from any folder, and every command that opens one says which.

The default store is ``.evalboard/evalboard.db`` in the checkout (``Store.from_env``: the one rule, used by
``components.cache``, the sign-in cookie route and ``evalcore.cli``), never in the current directory: ``python -m
evalcore user add`` run from elsewhere once created a second, empty store. Here the checkout is a temporary folder
(``connection.REPO_ROOT`` patched), so no test touches the developer's own store."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from evalcore import cli
from evalcore.store import Store, connection

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in checkout as the default store's home, the variables that would override it unset, and the
    current directory somewhere else."""
    root = tmp_path / "checkout"
    root.mkdir()
    elsewhere = tmp_path / "elsewhere" / "deeper"
    elsewhere.mkdir(parents=True)
    monkeypatch.setattr(connection, "REPO_ROOT", root)
    monkeypatch.delenv("EVALBOARD_DATABASE_URL", raising=False)
    monkeypatch.delenv("EVALBOARD_DB_PATH", raising=False)
    monkeypatch.chdir(elsewhere)
    return root


def test_the_default_store_is_in_the_checkout_not_in_the_current_folder() -> None:
    assert connection.REPO_ROOT == REPO  # the folder that holds app.py, pages/ and evalcore/
    assert (connection.REPO_ROOT / "app.py").is_file()


def run(*args: str, capsys: pytest.CaptureFixture[str], stdin: str = "") -> tuple[int, str, str]:
    """``python -m evalcore ARGS`` in this process, from the current folder: (exit code, stdout, stderr)."""
    capsys.readouterr()
    old, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        code = cli.main(list(args))
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_from_another_folder_opens_the_apps_store(checkout: Path, capsys: pytest.CaptureFixture[str]):
    code, out, err = run("user", "add", "wang", "--role", "viewer", "--password-stdin",
                         stdin="Ji-Xiao-Ping-Jia-7\n", capsys=capsys)
    assert code == 0, err
    db = checkout / ".evalboard" / "evalboard.db"
    assert db.is_file()
    assert not (Path.cwd() / ".evalboard").exists()  # no second, empty store where the command was typed
    assert f"数据库：sqlite:///{db}" in err  # which store, on stderr
    app_store = Store.from_env()  # what components.cache opens (the same call, no root)
    try:
        assert app_store.url == f"sqlite:///{db}"
        assert [u.name for u in app_store.users()] == ["wang"]
    finally:
        app_store.dispose()


def test_every_command_that_opens_a_store_says_which_on_stderr_only(checkout: Path,
                                                                   capsys: pytest.CaptureFixture[str]):
    db = checkout / ".evalboard" / "evalboard.db"
    code, out, err = run("list", "--json", capsys=capsys)
    assert code == 0, err
    assert json.loads(out) == []  # standard output stays the JSON alone
    assert err.strip() == f"数据库：sqlite:///{db}"
    for args in (("user", "list"), ("audit", "--format", "json"), ("backup", str(checkout / "b.evalboard"))):
        code, out, err = run(*args, capsys=capsys)
        assert code == 0, err
        assert f"数据库：sqlite:///{db}" in err, args
    code, out, err = run("audit", "--format", "json", capsys=capsys)
    assert isinstance(json.loads(out), list)


def test_commands_without_a_store_do_not_mention_one(checkout: Path, capsys: pytest.CaptureFixture[str]):
    code, out, err = run("validate", str(REPO / "sample_data" / "changsha_2023.xlsx"), "--json", capsys=capsys)
    assert code == 0, err
    assert "数据库" not in err
    assert not (checkout / ".evalboard").exists()


def test_a_set_path_or_url_still_wins(checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]):
    chosen = tmp_path / "chosen.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(chosen))
    code, _, err = run("list", capsys=capsys)
    assert code == 0, err
    assert f"数据库：sqlite:///{chosen}" in err
    assert chosen.is_file() and not (checkout / ".evalboard").exists()
