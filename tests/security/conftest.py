"""Fixtures for the attack tests: a store on SQLite (always) and on PostgreSQL (when EVALBOARD_TEST_POSTGRES_URL
names a role that may create databases), like the store tests in tests/unit."""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

import evalcore.store as store_module
from evalcore.store import Store

PG_ENV = "EVALBOARD_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sa.URL.create("sqlite", database=str(tmp_path / "store.db")).render_as_string()
        return
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        if os.environ.get("EVALBOARD_CI"):  # CI (.ci/run) starts PostgreSQL: a missing URL is a broken run
            pytest.fail(f"EVALBOARD_CI is set but {PG_ENV} is not: the PostgreSQL security tests must run there")
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    admin_url = store_module._normalise_url(admin_url)
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"evalboard_sec_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def open_store(db_url: str) -> Iterator[Callable[[], Store]]:
    opened: list[Store] = []

    def make() -> Store:
        s = Store(db_url)
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.dispose()


@pytest.fixture
def store(open_store: Callable[[], Store]) -> Store:
    return open_store()


# --- a running server (password mode) for the wire-protocol attacks -------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Mi-Ma-2025-abc"


def _free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server(str):
    """A server's base URL, with the path of its SQLite store as ``.db``."""

    db: Path
    log: Path


@pytest.fixture(scope="module")
def password_server(tmp_path_factory) -> Iterator[str]:
    """``streamlit run serve.py`` (the app with its cookie route) in password mode, accounts wang (viewer) and li
    (evaluator); its base URL."""
    import subprocess
    import sys
    import time
    import urllib.request

    from evalcore.auth import Actor

    folder = tmp_path_factory.mktemp("server")
    db = folder / "evalboard.db"
    s = Store.sqlite(db)
    for name, role in (("wang", "viewer"), ("li", "evaluator"), ("zhao", "evaluator")):
        s.add_user(name, role, PASSWORD, by=Actor("测试@命令行", "admin", "cli"))
    s.dispose()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "EVALBOARD_DATABASE_URL"}
    env.update(EVALBOARD_AUTH="password", EVALBOARD_DB_PATH=str(db))
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
                                "--server.address", "127.0.0.1", "--server.headless", "true",
                                "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = Server(f"http://127.0.0.1:{port}")
    base.db = db
    base.log = folder / "server.log"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("streamlit did not start:\n" + (folder / "server.log").read_text(errors="replace"))
            time.sleep(0.25)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
