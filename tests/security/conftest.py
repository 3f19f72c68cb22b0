"""Fixtures for the attack tests. The store on SQLite and on PostgreSQL (``db_url``, ``open_store``, ``store``) comes
from tests/conftest.py, as for the store tests in tests/unit; here, a running server in password mode."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from evalcore.store import Store
from tests import serving

# --- a running server (password mode) for the wire-protocol attacks -------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Mi-Ma-2025-abc"


class Server(str):
    """A server's base URL, with the path of its SQLite store as ``.db``."""

    db: Path
    log: Path


@pytest.fixture(scope="module")
def password_server(tmp_path_factory) -> Iterator[str]:
    """``streamlit run serve.py`` (the app with its cookie route) in password mode, accounts wang (viewer), li
    (evaluator); its base URL."""
    import subprocess
    import sys

    from evalcore.auth import Actor

    folder = tmp_path_factory.mktemp("server")
    db = folder / "evalboard.db"
    s = Store.sqlite(db)
    for name, role in (("wang", "viewer"), ("li", "evaluator"), ("zhao", "evaluator")):
        s.add_user(name, role, PASSWORD, by=Actor("测试@命令行", "admin", "cli"))
    s.add_user("zhou", "unit", PASSWORD, by=Actor("测试@命令行", "admin", "cli"), units=("长沙市数据局",))
    s.dispose()
    env = {k: v for k, v in os.environ.items() if k != "EVALBOARD_DATABASE_URL"}
    env.update(EVALBOARD_AUTH="password", EVALBOARD_DB_PATH=str(db))
    log_path = folder / "server.log"

    def start(port: int) -> subprocess.Popen:
        with log_path.open("wb") as log:
            return subprocess.Popen([sys.executable, "-m", "streamlit", "run", "serve.py",
                                     *serving.streamlit_options(port)],
                                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    try:
        process, url = serving.launch(start, 90, lambda: log_path.read_text(errors="replace"))
    except serving.ServerError as exc:
        pytest.fail(f"streamlit did not start: {exc}")
    base = Server(url)
    base.db = db
    base.log = log_path
    try:
        yield base
    finally:
        serving.stop(process)
