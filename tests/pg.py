"""PostgreSQL databases for tests and benchmarks: one copy of the create/drop code.

The server is named by ``EVALBOARD_TEST_POSTGRES_URL`` (a role with CREATEDB). Every database made here has a
random name under a caller's prefix, so parallel test workers (pytest-xdist) and concurrent runs never create or
drop the same one; each is dropped ``WITH (FORCE)`` afterwards. Used by the store, security and backup tests
(``tests/conftest.py``, ``tests/unit/test_backup.py``), the cluster tests and ``benchmarks/load_cluster.py``.
Plain functions, no pytest, except :func:`admin_url_or_skip`.
"""
from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Iterator

import sqlalchemy as sa

from evalcore.store import normalise_url

PG_ENV = "EVALBOARD_TEST_POSTGRES_URL"
NEED = (f"PostgreSQL tests need {PG_ENV}=postgresql+psycopg://user:pass@host:port/db "
        "(a role with CREATEDB); see docs/postgresql.md")


def admin_url() -> str | None:
    """The server's URL from the environment (a plain ``postgresql://`` means psycopg 3 here too), or None."""
    url = os.environ.get(PG_ENV)
    return normalise_url(url).render_as_string(hide_password=False) if url else None


def admin_url_or_skip(what: str = "PostgreSQL tests") -> str:
    """The server's URL; without one, the test is skipped on a developer's machine and fails in CI
    (``EVALBOARD_CI=1``: ``.ci/run`` starts PostgreSQL, so a missing URL is a broken run)."""
    import pytest

    url = admin_url()
    if url:
        return url
    if os.environ.get("EVALBOARD_CI"):
        pytest.fail(f"EVALBOARD_CI is set but {PG_ENV} is not: the {what} must run there. {NEED}")
    pytest.skip(NEED)


def admin_engine(url: str) -> sa.Engine:
    """An engine on the server's maintenance database, in autocommit (CREATE/DROP DATABASE need it)."""
    return sa.create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")


def create_database(admin: sa.Engine, prefix: str) -> tuple[str, str]:
    """A new empty database ``<prefix>_<worker>_<random>``: (its name, its URL with the password). The worker is
    pytest-xdist's (``gw0``, ``gw1``, ...; ``main`` without xdist), so a database left behind says who made it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER") or "main"
    name = f"{prefix}_{worker}_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return name, admin.url.set(database=name).render_as_string(hide_password=False)


def drop_database(admin: sa.Engine, name: str, attempts: int = 10) -> None:
    """Drop it, connections and all; retried for a moment, as an autovacuum worker (another role, which FORCE
    does not end) may be connected."""
    for attempt in range(attempts):
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except sa.exc.ProgrammingError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)


@contextlib.contextmanager
def new_database(url: str, prefix: str) -> Iterator[str]:
    """The URL of a new empty database on the server at ``url``, dropped on exit."""
    admin = admin_engine(url)
    try:
        name, db_url = create_database(admin, prefix)
        try:
            yield db_url
        finally:
            drop_database(admin, name)
    finally:
        admin.dispose()
