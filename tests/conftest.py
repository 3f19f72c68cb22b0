"""Every test session gets its own store: nothing a test publishes reaches the developer's .evalboard/.
Under pytest-xdist every worker is a session of its own, so every worker has its own store too.

In CI (``EVALBOARD_CI=1``, set by ``.ci/run``) hypothesis runs derandomized, so a CI result is repeatable;
on a developer's machine it explores new examples on every run (that is how it found the 类别序号 bug).
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.serving import CHROMIUM, CHROMIUM_ARGS

_SESSION_DB = Path(tempfile.mkdtemp(prefix="evalboard-tests-")) / "evalboard.db"

settings.register_profile("ci", derandomize=True)
if os.environ.get("EVALBOARD_CI"):
    settings.load_profile("ci")


def pytest_configure(config):
    os.environ.pop("EVALBOARD_DATABASE_URL", None)
    os.environ["EVALBOARD_DB_PATH"] = str(_SESSION_DB)
    # A first run loads only the Changsha seed in tests (the page tests check its figures); the portfolio tests
    # set EVALBOARD_SAMPLES=all with a store of their own.
    os.environ.setdefault("EVALBOARD_SAMPLES", "seed")


# --- the session's Chromium (tests/browser, tests/cluster) ------------------------------------------------------



@pytest.fixture(scope="session")
def browser():
    """One headless system Chromium for the whole session (for each pytest-xdist worker: one each).

    Chromium is Debian's at ``/usr/bin/chromium``; a browser downloaded by ``playwright install`` is never used.
    When it is missing the tests fail (they are not skipped): CI installs it with apt. One fixture for every test
    folder, because Playwright's sync API allows one running instance per thread: the browser and cluster tests
    can run in one process.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium fonts-noto-cjk). "
            "Browser tests never use a browser downloaded by `playwright install`."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


# --- store backends (tests/unit/test_store*.py, tests/security) ------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file in tmp_path, or a fresh PostgreSQL database (``tests/pg.py``:
    skipped without EVALBOARD_TEST_POSTGRES_URL on a developer's machine, failed in CI)."""
    import sqlalchemy as sa

    if request.param == "sqlite":
        yield sa.URL.create("sqlite", database=str(tmp_path / "store.db")).render_as_string()
        return
    from tests import pg

    with pg.new_database(pg.admin_url_or_skip("PostgreSQL store tests"), "evalboard_test") as url:
        yield url


@pytest.fixture
def stores() -> Iterator[Callable[[str], object]]:
    """``stores(url)``: a new Store on any database URL, disposed when the test ends."""
    from evalcore.store import Store

    opened: list[Store] = []

    def make(url: str) -> Store:
        s = Store(url)
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.dispose()


@pytest.fixture
def open_store(db_url: str, stores: Callable[[str], object]) -> Callable[[], object]:
    """``open_store()``: a new Store on the test's database (several may be open at once, like processes)."""
    return lambda: stores(db_url)


@pytest.fixture
def store(open_store: Callable[[], object]) -> object:
    return open_store()
