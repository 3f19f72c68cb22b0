"""Fixtures and helpers for the browser tests: one shared Streamlit server per session, plus a fresh ("cold")
server for each test that needs one. The session's Chromium (``browser``) is in tests/conftest.py, shared with the
cluster tests.

The app is started from the repository root (or from ``EVALBOARD_APP_DIR`` when set) on a free port.

Test modules get the helpers below through the ``ui`` fixture (``ui.open_and_settle(page, url)``,
``ui.assert_no_errors(page)``, ...) rather than ``from conftest import ...``, which is ambiguous when
several test folders each have a conftest.py.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests import serving

REPO_ROOT = Path(__file__).resolve().parents[2]
APP_DIR = Path(os.environ.get("EVALBOARD_APP_DIR") or REPO_ROOT).resolve()

SERVER_START_TIMEOUT_S = 60.0
LOAD_TIMEOUT_MS = 30_000
# How long the app must stay idle, every element drawn, before it counts as settled: a rerun (or a chart drawing)
# that starts just after a script run ends shows within this time.
STEADY_MS = 400

ARTIFACTS_DIR = REPO_ROOT / "test-results"

# Selectors of Streamlit's own front end (checked against the 1.67 build).
APP_VIEW = "[data-testid='stAppViewContainer']"
APP_IDLE = "[data-testid='stApp'][data-test-connection-state='CONNECTED'][data-test-script-state='notRunning']"
STATUS_WIDGET = "[data-testid='stStatusWidget']"
ERROR_SELECTORS = ("[data-testid='stException']", "[data-testid='stAlertContentError']")
# Placeholders Streamlit draws while an element's code (a chart, a component such as a grid) is still loading; a
# script run can end before they are replaced (seen with 29 of them on a first page load, gone a few seconds later).
PLACEHOLDERS = "[data-testid='stSkeleton'], [data-testid='stAppSkeleton']"
# True once the app has been idle (connected, no script run, no running indicator, no loading placeholder) for
# ``ms`` without a break, as seen by Playwright's polling in the page: any busy poll restarts the count.
# ``wait`` tells one wait from the next, so a count never carries over from an earlier wait.
APP_STEADY = """([idle, status, placeholders, ms, wait]) => {
  const now = performance.now();
  const quiet = document.querySelector(idle) && !document.querySelector(status)
    && !document.querySelector(placeholders);
  if (!quiet || !window.__ebQuiet || window.__ebQuiet.wait !== wait) window.__ebQuiet = {wait, since: now};
  if (!quiet) return false;
  return now - window.__ebQuiet.since >= ms;
}"""
_waits = itertools.count()
# The rendered text of the app's main area and of every frame inside (AG Grid tables), the same as page_text()
# reads from Python; true once every one of ``texts`` is in it.
TEXTS_SHOWN = """(texts) => {
  const parts = [];
  const walk = (doc, top) => {
    if (!doc || !doc.body) return;
    parts.push(((top && doc.querySelector("[data-testid='stMain']")) || doc.body).innerText);
    for (const frame of doc.querySelectorAll("iframe")) {
      try { walk(frame.contentDocument, false); } catch (e) { /* a frame of another origin: not ours */ }
    }
  };
  walk(document, true);
  const text = parts.join("\\n");
  return texts.every((t) => text.includes(t));
}"""
PAGE_NOT_FOUND = "Page not found"


# ---------------------------------------------------------------- helpers


def wait_for_app(page, timeout_ms: int = LOAD_TIMEOUT_MS) -> None:
    """Wait until the app is connected, its script run has finished, the running indicator is gone and every element
    is drawn (no loading placeholder left), and has stayed so for ``STEADY_MS`` (late work, such as a rerun or a
    chart drawing, shows within that time and restarts the count)."""
    expect(page.locator(APP_VIEW)).to_be_visible(timeout=timeout_ms)
    page.wait_for_function(APP_STEADY, arg=[APP_IDLE, STATUS_WIDGET, PLACEHOLDERS, STEADY_MS, next(_waits)],
                           timeout=timeout_ms, polling=100)


def wait_until(target, predicate: str, arg: object = None, timeout_ms: int = 15_000) -> bool:
    """Poll the JavaScript ``predicate(arg)`` in ``target`` (a page or a frame) until it is true: True, or False
    once ``timeout_ms`` has passed. For a condition no locator expresses (a size, a scroll position, text across
    frames); the caller then asserts the condition itself, with a message saying what was seen."""
    try:
        target.wait_for_function(predicate, arg=arg, timeout=timeout_ms, polling=100)
    except PlaywrightError:  # the time ran out (a TimeoutError) or the page navigated meanwhile
        return False
    return True


def open_and_settle(page, url: str, timeout_ms: int = LOAD_TIMEOUT_MS) -> None:
    """Go to ``url`` and wait until Streamlit has finished rendering it."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    wait_for_app(page, timeout_ms)


def assert_no_errors(page) -> None:
    """Fail on any exception or error box on the page, and on Streamlit's "Page not found" dialog."""
    # An exception is drawn inside an error alert: report each box once, the outermost one.
    boxes = page.locator(", ".join(ERROR_SELECTORS)).evaluate_all(
        """els => els
            .filter(el => !els.some(other => other !== el && other.contains(el)))
            .map(el => `${el.getAttribute('data-testid')}: ${el.innerText.trim().slice(0, 500)}`)""",
    )
    problems = list(boxes)
    not_found = page.get_by_text(PAGE_NOT_FOUND)
    if any(not_found.nth(i).is_visible() for i in range(not_found.count())):
        problems.append(f"{PAGE_NOT_FOUND!r} is shown")
    assert not problems, f"errors on {page.url}:\n" + "\n".join(problems)


def page_text(page) -> str:
    """The rendered text of the app's main area and of every embedded frame (e.g. AgGrid tables)."""
    parts = []
    main = page.locator("[data-testid='stMain']")
    parts.append(main.first.inner_text() if main.count() else page.inner_text("body"))
    for frame in page.frames:
        if frame is page.main_frame:
            continue
        try:
            parts.append(frame.inner_text("body", timeout=2_000))
        except Exception:  # a frame may be detached or still empty; skip it
            continue
    return "\n".join(parts)


def wait_for_texts(page, texts: list[str], timeout_ms: int = 15_000) -> None:
    """Wait until every one of ``texts`` is rendered on the page (its main area or a frame in it); fail listing
    the missing ones."""
    wait_until(page, TEXTS_SHOWN, texts, timeout_ms)
    content = page_text(page)
    missing = [t for t in texts if t not in content]
    excerpt = re.sub(r"\s+", " ", content)[:1500]
    assert not missing, f"not shown on {page.url}: {missing}\nrendered text: {excerpt}"


@pytest.fixture(scope="session")
def ui() -> SimpleNamespace:
    """The page helpers of this module, for test modules."""
    return SimpleNamespace(
        wait_for_app=wait_for_app,
        open_and_settle=open_and_settle,
        assert_no_errors=assert_no_errors,
        page_text=page_text,
        wait_for_texts=wait_for_texts,
        wait_until=wait_until,
        serve_app=serve_app,
    )


# ---------------------------------------------------------------- server


@contextlib.contextmanager
def serve_app(log_dir: Path, env: dict[str, str] | None = None, script: str = "app.py") -> Iterator[str]:
    """Run ``streamlit run app.py`` in ``APP_DIR`` on a free port; yield its base URL once it is healthy.

    Each server has its own SQLite store in ``log_dir / "evalboard.db"`` (seeded with the sample on start), so a
    test that publishes never changes what another server shows. ``env``: extra environment for the server
    (e.g. ``EVALBOARD_AUTH``).
    """
    if not (APP_DIR / "app.py").is_file():
        pytest.fail(f"no app.py in {APP_DIR} (set EVALBOARD_APP_DIR to test another app directory)")
    stdout_path, stderr_path = log_dir / "stdout.log", log_dir / "stderr.log"
    server_env = {k: v for k, v in os.environ.items() if k not in ("EVALBOARD_DATABASE_URL", "EVALBOARD_AUTH")}
    server_env["EVALBOARD_DB_PATH"] = str(log_dir / "evalboard.db")
    server_env.update(env or {})
    command: list[str] = []

    def start(port: int) -> subprocess.Popen:
        command[:] = [sys.executable, "-m", "streamlit", "run", script, *serving.streamlit_options(port)]
        with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
            return subprocess.Popen(command, cwd=APP_DIR, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                    env=server_env)

    def server_output() -> str:
        return (
            f"command: {' '.join(command)} (cwd {APP_DIR})\n"
            f"--- stderr ---\n{stderr_path.read_text(errors='replace')[-5000:]}\n"
            f"--- stdout ---\n{stdout_path.read_text(errors='replace')[-2000:]}"
        )

    try:
        process, base_url = serving.launch(start, SERVER_START_TIMEOUT_S, server_output)
    except serving.ServerError as exc:
        pytest.fail(str(exc))
    try:
        yield base_url
    finally:
        serving.stop(process)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> Iterator[str]:
    """Base URL of one app server shared by the whole session."""
    with serve_app(tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture
def cold_app_url(tmp_path) -> Iterator[str]:
    """Base URL of a server of its own, that no page has been opened on yet.

    Some behaviour only shows on a server's first page load: with ``st.navigation`` in app.py next to a
    physical ``pages/`` folder, a page URL opened first runs that page file on its own (no navigation,
    or "Page not found"), while the same URL works once "/" has been opened. Deep-link tests use this.
    """
    with serve_app(tmp_path) as url:
        yield url


# ---------------------------------------------------------------- browser


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_page(browser, request) -> Iterator[Callable[..., object]]:
    """Factory: ``new_page(width, height)`` opens a page in a fresh context with that viewport.

    The contexts are closed after the test; when the test failed, a screenshot of each page is kept
    in ``test-results/``.
    """
    contexts = []

    def make(width: int = 1920, height: int = 1080):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        context.set_default_timeout(LOAD_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make

    report = getattr(request.node, "report_call", None)
    failed = report is not None and report.failed
    for n, context in enumerate(contexts):
        if failed:
            ARTIFACTS_DIR.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
            for m, page in enumerate(context.pages):
                try:
                    page.screenshot(path=str(ARTIFACTS_DIR / f"{name}-{n}-{m}.png"), full_page=True)
                except Exception:  # a screenshot is a debugging aid, never a new failure
                    pass
        context.close()
