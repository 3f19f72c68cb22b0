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
