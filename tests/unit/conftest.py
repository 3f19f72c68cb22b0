"""Shared fixtures for the evalcore unit tests.

The oracle is the published report (the seed, ``tests/data/seed/000_66e64902f2a5a998.txt``, source in ``SOURCE.md``)
and the committed sample workbook ``sample_data/changsha_2023.xlsx`` built from it.

Fixtures rather than importable helpers: several test folders have a ``conftest.py``, so ``from conftest import``
would be ambiguous.
"""
from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

import evalcore.store as store_module
import sample_data
from evalcore.model import Evaluation
from evalcore.store import Store
from evalcore.workbook import ReadResult, read_workbook

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_NAME = "000_66e64902f2a5a998.txt"
SEED_PATH = REPO_ROOT / "tests" / "data" / "seed" / SEED_NAME
CJK = re.compile(r"[\u4e00-\u9fff]")


def find_seed() -> Path | None:
    """The seed report: $EVALBOARD_SEED if set (to test against another copy), else the repository's own copy
    ``tests/data/seed/<name>`` (kept with its source in ``SOURCE.md``), which every clone has."""
    env = os.environ.get("EVALBOARD_SEED")
    if env:
        path = Path(env)
        return path if path.is_file() else None
    path = SEED_PATH
    return path if path.is_file() else None


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def seed_text() -> str:
    path = find_seed()
    if path is None:  # the copy is part of the repository: missing means a broken checkout, never a silent skip
        pytest.fail(f"seed report not found: {os.environ.get('EVALBOARD_SEED') or SEED_PATH}")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def sample_result() -> ReadResult:
    return read_workbook(sample_data.WORKBOOK)


@pytest.fixture(scope="session")
def ev(sample_result: ReadResult) -> Evaluation:
    assert sample_result.evaluation is not None, [str(m) for m in sample_result.errors]
    return sample_result.evaluation


@pytest.fixture(scope="session")
def source_ev() -> Evaluation:
    from sample_data.build import load_source

    return load_source()


@pytest.fixture
def make_workbook(tmp_path: Path) -> Callable[..., Path]:
    """``make_workbook(mutate, name="bad.xlsx")``: a copy of the sample workbook changed by ``mutate(wb)``."""
    counter = iter(range(1000))

    def make(mutate: Callable[[openpyxl.Workbook], object], name: str | None = None) -> Path:
        wb = openpyxl.load_workbook(sample_data.WORKBOOK)
        mutate(wb)
        path = tmp_path / (name or f"case_{next(counter)}.xlsx")
        wb.save(path)
        return path

    return make


# --- store backends (test_store.py, test_store_auth.py) ------------------------------------------------------

PG_ENV = "EVALBOARD_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file in tmp_path, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield sa.URL.create("sqlite", database=str(tmp_path / "store.db")).render_as_string()
        return
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        need = (f"PostgreSQL tests need {PG_ENV}=postgresql+psycopg://user:pass@host:port/db "
                "(a role with CREATEDB); see docs/postgresql.md")
        if os.environ.get("EVALBOARD_CI"):  # CI (.ci/run) starts PostgreSQL: a missing URL is a broken run
            pytest.fail(f"EVALBOARD_CI is set but {PG_ENV} is not. {need}")
        pytest.skip(need)
    admin_url = store_module._normalise_url(admin_url)  # a plain postgresql:// URL means psycopg 3 here too
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"evalboard_test_{uuid.uuid4().hex[:12]}"
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
    """``open_store()``: a new Store on the test's database (several may be open at once, like processes)."""
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
