"""Many users at once: N Chromium sessions browse the dashboard while an evaluator publishes a new version.

The script starts its own Streamlit server on 127.0.0.1 (a free port) with its own temporary database (seeded
with the sample evaluation on first start), opens ``--sessions`` browser sessions in one headless system
Chromium (/usr/bin/chromium, one browser context per session) and lets them cycle through the six pages for
``--seconds``. Meanwhile, at ``--publish-at`` of the phase, one more session signs in as an evaluator (or fills
in 操作人), uploads a changed copy of the sample workbook on 数据管理 and publishes it; every viewer must then
see the new version. Loopback only: the server listens on 127.0.0.1 and every browser request for another host
is refused.

It reports the time from navigation to a rendered page (p50/p95/max per page and per kind of navigation),
the errors (must be zero), how long the publish took, the server's script runs (wall and CPU time per page,
measured inside the server by ``load_server.py``), its memory (RSS before, during and after) and where the
machine's CPU went. It always ends: a hard deadline stops everything, and the server is stopped on Ctrl-C and
errors too.

    .venv/bin/python -m benchmarks.load_sessions                         # 20 sessions, 180 s
    .venv/bin/python -m benchmarks.load_sessions --sessions 2 --seconds 20 --think 1 --ramp 2 --json /tmp/l.json
    .venv/bin/python -m benchmarks.load_sessions --repeat 2              # a second phase: does memory flatten?
    .venv/bin/python -m benchmarks.load_sessions --sessions 1 --no-publish --think 3   # CPU of each page view
    .venv/bin/python -m benchmarks.load_sessions --profile --sessions 3 --seconds 90 --think 2   # cProfile per page

At most ``--max-rendering`` viewers (default: the number of cores) navigate at the same time; the others wait
their turn, as if reading a little longer. All sessions stay connected. Without that limit, on a small machine the
browsers starve each other (and the server) and the times measure the load generator (see docs/load.md).

"Rendered" (checked in the page every 100 ms): the app is connected, its script run has finished (no running
indicator, no stale elements left from the previous page), the URL path and the tab title are the page's, every
Plotly chart on the page has drawn its SVG (and at least the page's known number of charts is there), every
AG Grid table has its grid and its rows (or its "no rows" overlay), the page's metrics and own elements are
there, and the sidebar names the version shown ("当前第 N 版"). See benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import io
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from playwright.async_api import async_playwright

from tests import serving  # free port, health check, stop: shared with the browser tests (never the other way)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CHROMIUM = serving.CHROMIUM
CHROMIUM_ARGS = [
    *serving.CHROMIUM_ARGS,
    # Every session is a user looking at their page: no throttling of pages Chromium considers hidden.
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
]
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
# Any request for another host is aborted in the browser (the material-symbol favicon on fonts.gstatic.com).
NOT_LOOPBACK = re.compile(r"^(?:https?|wss?)://(?!(?:127\.0\.0\.1|localhost|\[::1\])(?:[:/]|$))")
SERVER_START_TIMEOUT_S = 90.0
NAV_LINK = "[data-testid='stSidebar'] a[data-testid='stPageLink-NavLink']"
EXPAND_SIDEBAR = "[data-testid='stExpandSidebarButton']"
KINDS = ("first", "load", "click")
KIND_LABEL = {"first": "first load (new session)", "load": "full page load", "click": "sidebar link"}


@dataclasses.dataclass(frozen=True)
class PageSpec:
    """A page and what must be on it before it counts as rendered (minimum counts, for the sample data)."""

    path: str
    label: str  # sidebar label; the tab title starts with it
    source: str  # the page file, as the server reports its script runs
    charts: int = 0
    metrics: int = 0
    grids: int = 0
    selectors: tuple[str, ...] = ()

    def js(self) -> dict[str, Any]:
        return {"path": self.path, "title": f"{self.label} · ", "charts": self.charts, "metrics": self.metrics,
                "grids": self.grids, "selectors": list(self.selectors)}


PAGES = [
    PageSpec("/", "总览", "app.py", charts=3, metrics=3),
    PageSpec("/units", "单位对比", "pages/1_units.py", charts=5, grids=2),
    PageSpec("/problems", "问题分析", "pages/2_problems.py", charts=3, grids=1),
    PageSpec("/rectification", "建议与整改", "pages/3_rectification.py", charts=4, metrics=4, grids=4),
    PageSpec("/present", "演示", "pages/4_present.py", selectors=(".eb-counter", "h1.eb-slide-title, .eb-cover h1")),
    # Viewers get 版本记录 and 导出 only; evaluators and admins also the upload (checked by the publisher).
    PageSpec("/data", "数据管理", "pages/5_data.py", selectors=("[data-testid='stTabs']",)),
]
BY_PATH = {p.path: p for p in PAGES}
DATA_PAGE = BY_PATH["/data"]

# The readiness check, run in the page every 100 ms. null: not yet; {state: ok | error | signin, ...}.
READY_JS = r"""(spec) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return null;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return null;
  if (document.querySelector('[data-testid="stElementContainer"][data-stale="true"]')) return null;
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const boxes = [...document.querySelectorAll('[data-testid="stException"], [data-testid="stAlertContentError"]')]
    .filter((el, _, all) => !all.some(o => o !== el && o.contains(el)));
  if (boxes.length) {
    return {state: 'error', path,
            detail: boxes.map(e => e.getAttribute('data-testid') + ': ' + e.innerText.trim().slice(0, 300))
                         .join(' | ')};
  }
  if ([...document.querySelectorAll('[role="dialog"]')].some(d => d.innerText.includes('Page not found'))) {
    return {state: 'error', path, detail: 'Streamlit dialog "Page not found"'};
  }
  if (document.querySelector('input[aria-label="用户名"]') && document.querySelector('input[aria-label="密码"]')) {
    return {state: 'signin', path};
  }
  if (spec === null) return {state: 'idle', path};
  if (path !== spec.path || !document.title.startsWith(spec.title)) return null;
  // The page's script run has finished and its elements have arrived: the server's part is done.
  if (window.__ebIdle === undefined) window.__ebIdle = performance.now();
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  if (charts.length < spec.charts) return null;
  for (const c of charts) if (!c.querySelector('.js-plotly-plot .main-svg')) return null;
  if (document.querySelectorAll('[data-testid="stMetricValue"]').length < spec.metrics) return null;
  const grids = [...document.querySelectorAll('iframe')]
    .filter(f => (f.getAttribute('src') || '').toLowerCase().includes('aggrid'));
  if (grids.length < spec.grids) return null;
  for (const f of grids) {
    let doc = null;
    try { doc = f.contentDocument; } catch (e) { return null; }
    if (!doc || !doc.querySelector('.ag-root')) return null;
    if (!doc.querySelector('.ag-row, .ag-overlay-no-rows-wrapper, .ag-overlay-no-rows-center')) return null;
  }
  for (const s of spec.selectors) if (!document.querySelector(s)) return null;
  const side = document.querySelector('[data-testid="stSidebar"]');
  const m = side && side.textContent.match(/当前第\s*(\d+)\s*版/);
  if (!m) return null;
  const t0 = window.__ebT0 || 0;  // a sidebar click sets it; a full load starts a new document (time origin 0)
  return {state: 'ok', path, version: parseInt(m[1], 10), script_done_ms: window.__ebIdle - t0,
          drawn_ms: performance.now() - t0};
}"""

# The sidebar: open (fully on screen), collapsed, or moving.
SIDEBAR_JS = r"""() => {
  const s = document.querySelector('[data-testid="stSidebar"]');
  if (!s) return 'missing';
  if (s.getAttribute('data-collapsed') === 'true') return 'collapsed';
  return s.getBoundingClientRect().left >= 0 ? 'open' : 'moving';
}"""

# What the page looks like when a wait timed out: for the error report.
DESCRIBE_JS = r"""() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return {path: location.pathname, title: document.title,
          connection: app && app.getAttribute('data-test-connection-state'),
          script: app && app.getAttribute('data-test-script-state'),
          running_indicator: !!document.querySelector('[data-testid="stStatusWidget"]'),
          stale: document.querySelectorAll('[data-stale="true"]').length,
          charts: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
          charts_drawn: document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg').length,
          metrics: document.querySelectorAll('[data-testid="stMetricValue"]').length,
          iframes: document.querySelectorAll('iframe').length};
}"""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- numbers ------------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default)."""
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * q
    lo = math.floor(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def stats(values: Iterable[float | None]) -> dict[str, Any]:
    """Count, median, 95th percentile, maximum and mean of the values measured (None: not measured, left out)."""
    xs = [v for v in values if v is not None]
    p50, p95 = percentile(xs, 0.5), percentile(xs, 0.95)
    if p50 is None or p95 is None:
        return {"n": 0, "p50": None, "p95": None, "max": None, "mean": None}
    return {"n": len(xs), "p50": round(p50, 3), "p95": round(p95, 3), "max": round(max(xs), 3),
            "mean": round(sum(xs) / len(xs), 3)}


def fmt(v: float | None, digits: int = 2) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def mib(kib: float | None) -> str:
    return "—" if kib is None else f"{kib / 1024:.0f}"


# --- processes (Linux /proc) ------------------------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rfind(")") + 2:].split()  # fields from the 3rd (state) on; the name may contain spaces


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants that are alive now."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields:
                children[int(fields[1])].append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def _status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_kib(pids: list[int]) -> int:
    return sum(_status_kib(p, "VmRSS") for p in pids)


def pss_kib(pids: list[int]) -> int:
    """Proportional set size: shared pages (Chromium's many processes) counted once in all."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            total += _status_kib(pid, "VmRSS")
    return total


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of the processes, plus that of their children that have exited and been reaped."""
    ticks = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields:
            ticks += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return ticks / CLK_TCK


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine() -> str:
    cpu = platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = _status_kib_file("/proc/meminfo", "MemTotal")
    from importlib.metadata import PackageNotFoundError, version

    def ver(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "?"

    chromium = "?"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=20).stdout.strip()
    return (f"{os.cpu_count()} cores ({cpu}), {mem / 1024 / 1024:.1f} GiB RAM; {platform.system()} "
            f"{platform.release()}; Python {platform.python_version()}; streamlit {ver('streamlit')}, "
            f"playwright {ver('playwright')}; {chromium}")


def _status_kib_file(path: str, key: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(path).read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


# --- the server ---------------------------------------------------------------------------------------------


class Server:
    """``streamlit run app.py`` through ``load_server.py`` (which times every script run), on 127.0.0.1."""

    def __init__(self, workdir: Path, auth: str, profile_dir: Path | None) -> None:
        self.workdir = workdir
        self.port = serving.free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.timings = workdir / "script_runs.jsonl"
        self.log_path = workdir / "server.log"
        self.env = {k: v for k, v in os.environ.items() if k not in ("EVALBOARD_DATABASE_URL",)}
        self.env.update({"EVALBOARD_DB_PATH": str(workdir / "evalboard.db"), "EVALBOARD_AUTH": auth,
                         "EVALBOARD_LOAD_TIMINGS": str(self.timings), "PYTHONUNBUFFERED": "1"})
        if profile_dir is not None:
            self.env["EVALBOARD_LOAD_PROFILE"] = str(profile_dir)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "benchmarks.load_server", "run", "app.py",
                   *serving.streamlit_options(self.port)]
        with self.log_path.open("wb") as out:
            # A session of its own: a Ctrl-C in the terminal reaches this script, which then stops the server.
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        serving.wait_until_healthy(self.process, self.base_url, SERVER_START_TIMEOUT_S, self.output)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def tree(self) -> list[int]:
        return process_tree(self.pid) if self.process is not None and self.process.poll() is None else []

    def output(self) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-4000:]
        return ""

    def stop(self) -> None:
        if self.process is not None:  # SIGTERM: Streamlit shuts down cleanly (and load_server.py writes its files)
            serving.stop(self.process, timeout_s=15)

    def script_runs(self) -> list[dict[str, Any]]:
        runs = []
        with contextlib.suppress(OSError):
            for line in self.timings.read_text(encoding="utf-8").splitlines():
                with contextlib.suppress(ValueError):
                    runs.append(json.loads(line))
        return runs


# --- sign-in ------------------------------------------------------------------------------------------------


def password_auth_available() -> bool:
    """Whether this tree has password sign-in: ``python -m evalcore user add`` exists."""
    try:
        proc = subprocess.run([sys.executable, "-m", "evalcore", "user", "add", "--help"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0 and "--password-stdin" in proc.stdout


@dataclasses.dataclass(frozen=True)
class Account:
    name: str
    password: str
    role: str


def create_accounts(env: dict[str, str], viewers: int, shared: bool) -> tuple[list[Account], Account]:
    """Accounts in the run's own database, through the CLI (the password on stdin, never on the command line)."""
    names = ["loadviewer"] if shared else [f"loadviewer{i + 1:02d}" for i in range(viewers)]
    accounts = [Account(n, secrets.token_urlsafe(12), "viewer") for n in names]
    evaluator = Account("loadevaluator", secrets.token_urlsafe(12), "evaluator")

    def add(account: Account) -> None:
        proc = subprocess.run(
            [sys.executable, "-m", "evalcore", "user", "add", account.name, "--role", account.role,
             "--password-stdin"],
            input=account.password + "\n", cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise RuntimeError(f"evalcore user add {account.name} failed ({proc.returncode}): "
                               f"{(proc.stderr or proc.stdout).strip()[-800:]}")

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(add, [*accounts, evaluator]))
    return ([accounts[0]] * viewers if shared else accounts), evaluator


# --- the changed workbook the evaluator publishes ----------------------------------------------------------

CHANGED_UNIT = "市数据局"


def changed_workbook(version: int, directory: Path) -> tuple[Path, str]:
    """The sample workbook with 市数据局's 实际执行金额 raised (and its stated rate to match) for ``version``.

    Version 2: 2,811.47 → 2,900.00 万元 (85.29%); each later version another 88.53 万元. Edited with openpyxl,
    as a person would in Excel. Returns the file and the new rate as the overview shows it.
    """
    import openpyxl

    from sample_data import WORKBOOK

    wb = openpyxl.load_workbook(WORKBOOK)
    ws = wb["预算执行"]
    header = [c.value for c in ws[1]]
    col_unit, col_budget = header.index("单位") + 1, header.index("预算金额（万元）") + 1
    col_exec, col_rate = header.index("实际执行金额（万元）") + 1, header.index("报告执行率（%）") + 1
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, col_unit).value == CHANGED_UNIT:
            break
    else:
        raise RuntimeError(f"no {CHANGED_UNIT} row in 预算执行 of {WORKBOOK}")
    budget = Decimal(str(ws.cell(row, col_budget).value))
    executed = Decimal(str(ws.cell(row, col_exec).value)) + Decimal("88.53") * (version - 1)
    rate = (executed / budget * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    ws.cell(row, col_exec).value = float(executed)
    ws.cell(row, col_rate).value = float(rate)
    path = directory / f"长沙2023_修订第{version}版.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    return path, f"{rate}%"


# --- one run ------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Nav:
    session: str
    page: str
    kind: str  # first | load | click
    phase: int
    start: float  # seconds since the run started
    seconds: float | None = None
    ok: bool = False
    version: int | None = None
    signed_in: bool = False
    signin_s: float | None = None  # of ``seconds``: from the sign-in form shown to the form gone
    script_done_s: float | None = None  # measured in the page: until the script run had finished and arrived
    queued_s: float = 0.0  # waited for a rendering slot (--max-rendering) before starting: not in ``seconds``
    server_cpu_s: float | None = None  # with one session only: CPU of the server from this page to the next
    client_cpu_s: float | None = None  # ... and of the load generator (Chromium drawing the page, mostly)
    error: str | None = None


@dataclasses.dataclass
class Problem:
    session: str
    page: str
    t: float
    category: str
    detail: str


class Session:
    def __init__(self, name: str, account: Account | None) -> None:
        self.name = name
        self.account = account
        self.page: Any = None
        self.context: Any = None
        self.current: Nav | None = None  # the navigation under way or the last one
        self.problems: list[Problem] = []


class Run:
    def __init__(self, args: argparse.Namespace, server: Server, workdir: Path) -> None:
        self.args = args
        self.server = server
        self.workdir = workdir
        self.base_url = server.base_url
        self.t0 = time.monotonic()
        self.navs: list[Nav] = []
        self.problems: list[Problem] = []
        self.ignored: dict[str, int] = defaultdict(int)
        self.ignored_examples: dict[str, str] = {}
        self.publishes: list[dict[str, Any]] = []
        self.samples: list[dict[str, Any]] = []
        self.phase = 0
        self.phase_end = 0.0
        self.browser: Any = None
        self.screenshots = 0
        self.viewer_accounts: list[Account] = []
        self.evaluator: Account | None = None
        self.publish_done: asyncio.Event | None = None  # set when the phase's publish has succeeded or failed
        # One session and nothing else of ours running: the CPU each page costs can be attributed to it.
        self.cpu_per_nav = args.sessions == 1 and args.publish_at is None
        # At most this many viewers navigate at once (the others wait their turn, as if reading a little longer):
        # on a small machine the browsers would otherwise starve each other, and the server with them.
        self.render_slots = asyncio.Semaphore(args.max_rendering) if args.max_rendering > 0 else None
        width, height = (int(x) for x in args.viewport.lower().split("x"))
        self.viewport = {"width": width, "height": height}

    def now(self) -> float:
        return time.monotonic() - self.t0

    # -- browser plumbing

    async def new_session(self, name: str, account: Account | None) -> Session:
        sess = Session(name, account)
        sess.context = await self.browser.new_context(viewport=self.viewport, locale="zh-CN")
        sess.context.set_default_timeout(self.args.nav_timeout * 1000)
        await sess.context.route(NOT_LOOPBACK, lambda route: route.abort())
        sess.page = await sess.context.new_page()
        page = sess.page
        page.on("console", lambda msg: self._on_console(sess, msg))
        page.on("pageerror", lambda exc: self._problem(sess, "javascript", str(exc)[:500]))
        page.on("crash", lambda _page: self._problem(sess, "crash", "the page crashed"))
        # (an HTTP error response shows in the console as "Failed to load resource: ... status of 500")
        return sess

    def _problem(self, sess: Session, category: str, detail: str) -> None:
        nav = sess.current
        p = Problem(sess.name, nav.page if nav else "?", round(self.now(), 2), category, detail)
        sess.problems.append(p)
        self.problems.append(p)
        if nav is not None:
            nav.ok = False
            nav.error = nav.error or f"{category}: {detail}"

    def _ignore(self, reason: str, example: str) -> None:
        self.ignored[reason] += 1
        self.ignored_examples.setdefault(reason, example)

    def _on_console(self, sess: Session, msg: Any) -> None:
        if msg.type != "error":
            return
        text = msg.text
        url = (msg.location or {}).get("url", "") or ""
        if text.startswith("Failed to load resource"):
            if NOT_LOOPBACK.match(url):
                self._ignore("request for another host, refused by the load script (loopback only)", url)
                return
            if re.search(r"/[^/]+/_stcore/(health|host-config)$", url) and "404" in text:
                # Streamlit's front end on a deep link first tries /<page>/_stcore/... (a base-path probe).
                self._ignore("Streamlit's base-path probe on a deep link (404, then /_stcore/... succeeds)", url)
                return
        self._problem(sess, "console", f"{text[:400]} ({url})")

    async def screenshot(self, sess: Session, label: str) -> str | None:
        if self.screenshots >= 10 or sess.page is None:
            return None
        self.screenshots += 1
        out = ROOT / "test-results" / "load_sessions"
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"{sess.name}-{self.screenshots:02d}-{re.sub(r'[^A-Za-z0-9]+', '_', label)}.png"
        with contextlib.suppress(Exception):
            await asyncio.wait_for(sess.page.screenshot(path=str(path), full_page=True), 15)
            return str(path)
        return None

    async def describe(self, page: Any) -> str:
        try:
            return json.dumps(await asyncio.wait_for(page.evaluate(DESCRIBE_JS), 5), ensure_ascii=False)
        except Exception as exc:  # the page may be gone
            return f"(page not readable: {type(exc).__name__})"

    async def wait_ready(self, page: Any, spec: PageSpec | None, timeout_s: float) -> dict[str, Any]:
        handle = await page.wait_for_function(READY_JS, arg=spec.js() if spec else None, polling=100,
                                              timeout=max(1.0, timeout_s) * 1000)
        try:
            return await handle.json_value()
        finally:
            with contextlib.suppress(Exception):
                await handle.dispose()

    async def sign_in(self, sess: Session, timeout_s: float) -> None:
        if sess.account is None:
            raise RuntimeError("the sign-in form is shown, but this run has no accounts (--auth none)")
        page = sess.page
        await page.get_by_label("用户名", exact=True).fill(sess.account.name)
        await page.get_by_label("密码", exact=True).fill(sess.account.password)
        await page.get_by_role("button", name="登录", exact=True).click()
        # Wait until the form is gone (or an error is shown), whatever page comes next.
        await page.wait_for_function(
            "() => !document.querySelector('input[aria-label=\"密码\"]') "
            "|| document.querySelector('[data-testid=\"stAlertContentError\"]')",
            polling=100, timeout=max(1.0, timeout_s) * 1000)

    async def show_link(self, page: Any, spec: PageSpec) -> None:
        """Make sure the sidebar is open: 演示 starts with it collapsed (its links are then in the DOM, "visible"
        to Playwright, but off screen), so click the expand button first (not timed), as a person would."""
        for _ in range(3):
            state = await page.evaluate(SIDEBAR_JS)
            if state == "open":
                return
            if state == "collapsed":
                expand = page.locator(EXPAND_SIDEBAR)
                if await expand.is_visible():
                    await expand.click(timeout=10_000)
            with contextlib.suppress(PlaywrightTimeoutError):
                await page.wait_for_function(f"() => ({SIDEBAR_JS})() === 'open'", polling=100, timeout=5_000)
        raise RuntimeError(f"the sidebar does not open to show the link {spec.label}")

    async def open_page(self, sess: Session, spec: PageSpec, kind: str) -> dict[str, Any]:
        """Navigate (full load or sidebar click) and wait until rendered; sign in on the way when asked to."""
        page = sess.page
        deadline = time.monotonic() + self.args.nav_timeout
        if kind == "click":
            link = page.locator(NAV_LINK).filter(has_text=spec.label).first
            await page.evaluate("() => { window.__ebT0 = performance.now(); window.__ebIdle = undefined; }")
            try:
                await link.click(timeout=10_000)
            except PlaywrightTimeoutError:  # the sidebar closed again under the pointer: open it and click again
                await self.show_link(page, spec)
                await link.click(timeout=10_000)
        else:
            await page.goto(self.base_url + spec.path, wait_until="commit", timeout=self.args.nav_timeout * 1000)
        for _ in range(3):
            result = await self.wait_ready(page, spec, deadline - time.monotonic())
            if result["state"] != "signin":
                return result
            nav = sess.current
            if nav is None:
                raise RuntimeError("a sign-in outside a navigation")  # open_page runs inside navigate's record
            nav.signed_in = True
            t0 = time.perf_counter()
            await self.sign_in(sess, deadline - time.monotonic())
            nav.signin_s = round((nav.signin_s or 0) + time.perf_counter() - t0, 4)
            path = await page.evaluate("() => location.pathname.replace(/\\/+$/, '') || '/'")
            if path != spec.path:  # the app went elsewhere after signing in: open the page again
                await page.goto(self.base_url + spec.path, wait_until="commit",
                                timeout=max(1.0, deadline - time.monotonic()) * 1000)
        raise RuntimeError("still asked to sign in after signing in twice")

    async def navigate(self, sess: Session, spec: PageSpec, kind: str) -> Nav:
        nav = Nav(sess.name, spec.path, kind, self.phase, round(self.now(), 3))
        sess.current = nav
        self.navs.append(nav)
        page = sess.page
        try:
            if kind == "click":
                await self.show_link(page, spec)
            nav.ok = True  # until a problem says otherwise (the listeners may clear it during the wait)
            t0 = time.perf_counter()
            result = await self.open_page(sess, spec, kind)
            nav.seconds = round(time.perf_counter() - t0, 4)
            if result["state"] == "error":
                self._problem(sess, "on-page", result.get("detail", "?"))
            elif result["state"] == "ok":
                nav.version = result.get("version")
                if result.get("script_done_ms") is not None and not nav.signed_in:
                    nav.script_done_s = round(result["script_done_ms"] / 1000, 4)
        except (TimeoutError, PlaywrightError, RuntimeError) as exc:
            lines = [x.strip() for x in str(exc).strip().splitlines() if x.strip()] or [type(exc).__name__]
            category = "timeout" if "Timeout" in type(exc).__name__ or "Timeout" in lines[0] else "navigation"
            log_tail = " / ".join(x[:200] for x in lines[1:][-2:])  # the last lines of Playwright's call log
            detail = f"{lines[0][:300]}{f' ({log_tail})' if log_tail else ''}; page: {await self.describe(page)}"
            self._problem(sess, category, detail)
        if not nav.ok:
            shot = await self.screenshot(sess, f"{spec.path}-{kind}")
            if shot:
                nav.error = f"{nav.error} [screenshot {shot}]"
        return nav

    # -- the actors

    def keep_browsing(self, last_start: float) -> bool:
        """Until the phase ends; past it, until this viewer has opened a page after the phase's publish (so every
        viewer's view of the new version is checked), for at most 3 × --nav-timeout more."""
        now = time.monotonic()
        if now < self.phase_end:
            return True
        if self.publish_done is None or now > self.phase_end + 3 * self.args.nav_timeout:
            return False
        if not self.publish_done.is_set():
            return True
        record = self.publishes[-1] if self.publishes else {}
        return bool(record.get("ok")) and last_start < record["done_at"]

    async def viewer(self, index: int, count: int) -> None:
        rng = random.Random(self.args.seed * 1009 + index * 7 + self.phase)
        account = self.viewer_accounts[index] if self.viewer_accounts else None
        name = f"p{self.phase}-viewer{index + 1:02d}"
        await asyncio.sleep(self.args.ramp * index / max(1, count))  # staggered arrivals
        if time.monotonic() >= self.phase_end:
            return
        sess = await self.new_session(name, account)
        try:
            order = PAGES[index % len(PAGES):] + PAGES[:index % len(PAGES)]
            step, reload_next, last_start = 0, False, -1.0
            while self.keep_browsing(last_start):
                last_start = self.now()
                spec = order[step % len(order)]
                if step == 0:
                    kind = "first"
                elif reload_next or (self.args.full_every and step % self.args.full_every == 0):
                    kind = "load"
                else:
                    kind = "click"
                cpu_before = self.cpu_snapshot() if self.cpu_per_nav else None
                queued = time.perf_counter()
                async with self.render_slots or contextlib.nullcontext():
                    queued = time.perf_counter() - queued
                    if time.monotonic() > self.phase_end + 3 * self.args.nav_timeout:
                        break  # the turn came too late: the phase (and its stretch for the publish) is over
                    nav = await self.navigate(sess, spec, kind)
                nav.queued_s = round(queued, 3)
                reload_next = not nav.ok  # after an error, start the next page from a full load
                step += 1
                pause = rng.uniform(0.5, 1.5) * self.args.think
                left = self.phase_end - time.monotonic()
                await asyncio.sleep(max(0.0, min(pause, left) if left > 0 else pause))
                if cpu_before is not None:  # what this page cost, including work finished during the pause
                    server, client = self.cpu_snapshot()
                    nav.server_cpu_s = round(server - cpu_before[0], 3)
                    nav.client_cpu_s = round(client - cpu_before[1], 3)
        finally:
            sess.current = None
            with contextlib.suppress(Exception):
                await sess.context.close()

    def cpu_snapshot(self) -> tuple[float, float]:
        """CPU seconds used so far by the server and by the load generator (Chromium, Playwright, this script)."""
        server = self.server.tree()
        generator = [p for p in process_tree(os.getpid()) if p not in set(server)]
        return cpu_seconds(server), cpu_seconds(generator)

    async def settle(self, page: Any) -> None:
        """After an action: give its rerun time to start, then wait until the app is idle (the publisher only)."""
        await page.wait_for_timeout(400)
        await self.wait_ready(page, None, self.args.nav_timeout)

    async def fill_operator(self, page: Any) -> None:
        """With sign-in off, who publishes is typed into 操作人; make sure the app has it (up to 3 tries)."""
        name = "负载测试评价员"
        box = page.get_by_role("textbox", name="操作人")
        for _ in range(3):
            if not await box.count():
                return  # signed in: the account is the 操作人
            if await box.input_value() == name and not await page.get_by_text("请先在上方填写操作人").count():
                return
            await box.fill(name)
            await box.press("Enter")
            await self.settle(page)
        raise RuntimeError("操作人 does not keep the name typed into it")

    async def publisher(self, version: int) -> None:
        """The evaluator: 数据管理 → upload the changed workbook → check the preview → confirm → 发布."""
        await asyncio.sleep(max(0.0, self.args.publish_at * self.args.seconds))
        record: dict[str, Any] = {"phase": self.phase, "version": version, "ok": False, "at": round(self.now(), 2)}
        self.publishes.append(record)
        path, rate = changed_workbook(version, self.workdir)
        record.update(file=path.name, expected_rate=rate)
        sess = await self.new_session(f"p{self.phase}-evaluator", self.evaluator)
        page = sess.page
        try:
            t_start = time.perf_counter()
            nav = await self.navigate(sess, DATA_PAGE, "first")
            if not nav.ok:
                raise RuntimeError(f"数据管理 did not render: {nav.error}")
            record["open_s"] = nav.seconds
            record["step"] = "操作人"
            await self.fill_operator(page)
            record["step"] = "upload"
            t = time.perf_counter()
            await page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(str(path))
            await page.wait_for_function(
                "() => { const t = document.querySelector('[data-testid=\"stMain\"]')?.innerText || '';"
                " return t.includes('与当前版本比较') && t.includes('将成为'); }",
                polling=100, timeout=self.args.nav_timeout * 1000)
            ready = await self.wait_ready(page, None, self.args.nav_timeout)
            if ready["state"] == "error":
                raise RuntimeError(f"the upload shows an error: {ready.get('detail')}")
            record["upload_to_preview_s"] = round(time.perf_counter() - t, 3)
            preview = await page.locator("[data-testid='stMain']").inner_text()
            m = re.search(r"将成为.{0,80}?第 (\d+) 版", preview)
            if not m or int(m.group(1)) != version:
                raise RuntimeError(f"the preview does not announce version {version}: {preview[:400]!r}")
            record["step"] = "confirm"
            await page.get_by_text("我已核对以上内容，确认发布").click()
            await self.settle(page)
            await self.fill_operator(page)  # in case a rerun raced with the typing: the button needs a name
            button = page.get_by_role("button", name="发布", exact=True)
            await button.wait_for(state="visible")
            await page.wait_for_function(
                "() => [...document.querySelectorAll('button')]"
                ".some(b => b.innerText.trim() === '发布' && !b.disabled)",
                polling=100, timeout=self.args.nav_timeout * 1000)
            record["step"] = "发布"
            t = time.perf_counter()
            await button.click()
            done = f"已发布第 {version} 版"
            await page.wait_for_function(
                "(done) => (document.querySelector('[data-testid=\"stMain\"]')?.innerText || '').includes(done)",
                arg=done, polling=100, timeout=self.args.nav_timeout * 1000)
            record["publish_s"] = round(time.perf_counter() - t, 3)
            record["done_at"] = round(self.now(), 3)
            ready = await self.wait_ready(page, DATA_PAGE, self.args.nav_timeout)
            record["sidebar_version"] = ready.get("version")
            if ready.get("version") != version:
                raise RuntimeError(f"after publishing the sidebar shows version {ready.get('version')}, not {version}")
            record["total_s"] = round(time.perf_counter() - t_start, 3)
            record["ok"] = True
            record.pop("step", None)
            log(f"  t={self.now():6.1f}s  published version {version} ({path.name}): preview "
                f"{record['upload_to_preview_s']:.2f} s, 发布 {record['publish_s']:.2f} s")
        except (TimeoutError, PlaywrightError, RuntimeError) as exc:
            detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:400]
            record["error"] = f"step {record.get('step', 'open')}: {detail}; page: {await self.describe(page)}"
            self._problem(sess, "publish", record["error"])
            await self.screenshot(sess, "publish")
            log(f"  t={self.now():6.1f}s  PUBLISH FAILED: {record['error']}")
        finally:
            if self.publish_done is not None:
                self.publish_done.set()
            sess.current = None
            with contextlib.suppress(Exception):
                await sess.context.close()

    async def sampler(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.sample("during")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), self.args.sample_every)

    def sample(self, label: str) -> dict[str, Any]:
        server = self.server.tree()
        generator = [p for p in process_tree(os.getpid()) if p not in set(server)]
        s = {"t": round(self.now(), 2), "label": label, "phase": self.phase, "server_rss_kib": rss_kib(server),
             "server_processes": len(server), "server_cpu_s": round(cpu_seconds(server), 2),
             "generator_pss_kib": pss_kib(generator), "generator_cpu_s": round(cpu_seconds(generator), 2),
             "loadavg": loadavg()}
        self.samples.append(s)
        return s

    async def warm_up(self) -> list[Nav]:
        """One session opens every page once (imports, caches): the state "before" is measured after it."""
        sess = await self.new_session("warm-up", self.viewer_accounts[0] if self.viewer_accounts else None)
        navs = []
        try:
            for spec in PAGES:
                nav = await self.navigate(sess, spec, "load")
                navs.append(nav)
                if not nav.ok:
                    raise RuntimeError(f"warm-up: {spec.path} did not render: {nav.error}")
        finally:
            sess.current = None
            await sess.context.close()
        return navs

    async def run_phase(self, phase: int, publish_version: int | None) -> dict[str, Any]:
        self.phase = phase
        start = self.now()
        self.phase_end = time.monotonic() + self.args.seconds
        log(f"phase {phase}: {self.args.sessions} sessions for {self.args.seconds:.0f} s"
            + (f", publishing version {publish_version} at t+{self.args.publish_at * self.args.seconds:.0f} s"
               if publish_version else ""))
        unix_start = time.time()
        self.publish_done = asyncio.Event() if publish_version is not None else None
        tasks = [asyncio.create_task(self.viewer(i, self.args.sessions)) for i in range(self.args.sessions)]
        if publish_version is not None:
            tasks.append(asyncio.create_task(self.publisher(publish_version)))
        results = await asyncio.gather(*tasks, return_exceptions=True)
        for r in results:
            if isinstance(r, BaseException):
                self.problems.append(Problem(f"phase{phase}", "?", round(self.now(), 2), "script",
                                             f"{type(r).__name__}: {r}"[:500]))
        end_sample = self.sample(f"end of phase {phase} (sessions closed)")
        return {"phase": phase, "start": round(start, 2), "end": round(self.now(), 2), "unix_start": unix_start,
                "unix_end": time.time(), "end_rss_kib": end_sample["server_rss_kib"]}


async def run_load(args: argparse.Namespace, server: Server, workdir: Path, run: Run) -> dict[str, Any]:
    async with async_playwright() as pw:
        run.browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            run.sample("server started, no session yet")
            log("warm-up: one session opens every page")
            warm = await run.warm_up()
            await asyncio.sleep(2)
            before = run.sample("before (after the warm-up session)")
            stop = asyncio.Event()
            sampler = asyncio.create_task(run.sampler(stop))
            phases = []
            try:
                for phase in range(1, args.repeat + 1):
                    version = phase + 1 if args.publish_at is not None else None
                    phases.append(await run.run_phase(phase, version))
                    log(f"  end of phase {phase}: server RSS {mib(phases[-1]['end_rss_kib'])} MiB, "
                        f"{sum(1 for n in run.navs if n.phase == phase)} navigations, "
                        f"{len(run.problems)} errors so far")
            finally:
                stop.set()
                await sampler
            await asyncio.sleep(args.settle)
            after = run.sample(f"after (all sessions closed, {args.settle:.0f} s idle)")
        finally:
            with contextlib.suppress(Exception):
                await run.browser.close()
    return {"warm_up": warm, "before": before, "after": after, "phases": phases}


# --- the report ---------------------------------------------------------------------------------------------


def build_report(args: argparse.Namespace, run: Run, server: Server, outcome: dict[str, Any],
                 started: str, load_start: list[float], auth: str) -> dict[str, Any]:
    navs = [n for n in run.navs if n.phase >= 1]
    timed = [n for n in navs if n.ok and n.seconds is not None]
    by_page: dict[str, Any] = {}
    for spec in PAGES:
        row = {"all": stats([n.seconds for n in timed if n.page == spec.path])}
        for kind in KINDS:
            row[kind] = stats([n.seconds for n in timed if n.page == spec.path and n.kind == kind])
            row[f"{kind}_script_done"] = stats([n.script_done_s for n in timed if n.page == spec.path
                                                and n.kind == kind and n.script_done_s is not None])
        row["all_script_done"] = stats([n.script_done_s for n in timed if n.page == spec.path
                                        and n.script_done_s is not None])
        by_page[spec.path] = row
    overall = {"all": stats([n.seconds for n in timed]),
               "all_script_done": stats([n.script_done_s for n in timed if n.script_done_s is not None])}
    for kind in KINDS:
        overall[kind] = stats([n.seconds for n in timed if n.kind == kind])
        overall[f"{kind}_script_done"] = stats([n.script_done_s for n in timed
                                                if n.kind == kind and n.script_done_s is not None])

    cpu_per_page = []
    for spec in PAGES:
        for kind in KINDS:
            ns = [n for n in timed if n.page == spec.path and n.kind == kind and n.client_cpu_s is not None]
            if ns:
                cpu_per_page.append({"page": spec.path, "kind": kind, "n": len(ns),
                                     "client_cpu": stats([n.client_cpu_s for n in ns]),
                                     "server_cpu": stats([n.server_cpu_s for n in ns])})
    phases = outcome.get("phases", [])
    runs = server.script_runs()
    server_exceptions = [r for r in runs if r.get("exception")]
    for r in server_exceptions:
        run.problems.append(Problem("server", r.get("page", "?"), 0.0, "server-exception", r["exception"]))
    in_phase = [r for r in runs if any(p["unix_start"] <= r["t"] <= p["unix_end"] for p in phases)]
    script = {}
    for spec in PAGES:
        rs = [r for r in in_phase if r["page"] == spec.source and not r.get("rerun") and not r.get("stopped")]
        script[spec.source] = {"runs": len(rs), "wall": stats([r["wall"] for r in rs]),
                               "cpu": stats([r["cpu"] for r in rs]), "cpu_total_s": round(sum(r["cpu"] for r in rs), 2)}
    sources = {s.source for s in PAGES}
    for label, rs in (
        ("runs ended by st.rerun (sign-in, publish) or a newer request", [r for r in in_phase if r.get("rerun")]),
        ("runs stopped early by st.stop (the sign-in form)",
         [r for r in in_phase if r.get("stopped") and not r.get("rerun")]),
        ("other pages", [r for r in in_phase if r["page"] not in sources and not r.get("rerun")
                         and not r.get("stopped")]),
    ):
        script[label] = {"runs": len(rs), "wall": stats([r["wall"] for r in rs]), "cpu": stats([r["cpu"] for r in rs]),
                         "cpu_total_s": round(sum(r["cpu"] for r in rs), 2)}

    # What the viewers saw after each publish.
    for rec in run.publishes:
        if not rec.get("ok"):
            continue
        seen_after = [n for n in navs if n.phase == rec["phase"] and n.ok and n.start >= rec["done_at"]
                      and "evaluator" not in n.session]
        stale = [n for n in seen_after if (n.version or 0) < rec["version"]]
        for n in stale:
            run.problems.append(Problem(n.session, n.page, n.start, "stale-version",
                                        f"started {n.start - rec['done_at']:.1f} s after version {rec['version']} "
                                        f"was published, showed version {n.version}"))
        first_seen: dict[str, float] = {}
        for n in sorted(seen_after, key=lambda n: n.start):
            if (n.version or 0) >= rec["version"] and n.session not in first_seen:
                first_seen[n.session] = n.start + (n.seconds or 0) - rec["done_at"]
        rec["viewers_after"] = len({n.session for n in seen_after})
        rec["viewers_saw_new"] = len(first_seen)
        rec["navigations_after"] = len(seen_after)
        rec["stale_after"] = len(stale)
        rec["seen_within_s"] = stats(list(first_seen.values()))

    per_phase = []
    for p in phases:
        ns = [n for n in navs if n.phase == p["phase"]]
        ok = [n.seconds for n in ns if n.ok and n.seconds is not None]
        per_phase.append({"phase": p["phase"], "navigations": len(ns), "rendered": len(ok), "time": stats(ok),
                          "errors": sum(1 for e in run.problems if e.session.startswith(f"p{p['phase']}-")),
                          "end_rss_kib": p["end_rss_kib"],
                          "peak_rss_kib": max((s["server_rss_kib"] for s in run.samples if s["phase"] == p["phase"]),
                                              default=None)})
    samples = run.samples
    before, after = outcome.get("before"), outcome.get("after")
    phase_samples = [s for s in samples if s["phase"] >= 1]
    peak = max((s["server_rss_kib"] for s in phase_samples), default=None)
    cpu = {}
    if before and after:
        wall = after["t"] - before["t"]
        cpu = {"window_s": round(wall, 1),
               "server_s": round(after["server_cpu_s"] - before["server_cpu_s"], 1),
               "load_generator_s": round(after["generator_cpu_s"] - before["generator_cpu_s"], 1),
               "available_s": round(wall * (os.cpu_count() or 1), 1)}
    load1 = [s["loadavg"][0] for s in phase_samples if s["loadavg"]]
    problems = [dataclasses.asdict(p) for p in run.problems]
    publish_ok = all(r.get("ok") for r in run.publishes) if args.publish_at is not None else None
    return {
        "started": started,
        "config": {"sessions": args.sessions, "seconds": args.seconds, "repeat": args.repeat, "think_s": args.think,
                   "full_every": args.full_every, "ramp_s": args.ramp, "publish_at": args.publish_at,
                   "auth": auth, "nav_timeout_s": args.nav_timeout, "browser_nice": args.browser_nice,
                   "max_rendering": args.max_rendering,
                   "seed": args.seed, "profile": args.profile,
                   "viewport": run.viewport},
        "machine": machine(),
        "loadavg": {"start": load_start, "end": loadavg(), "max_1min_during": max(load1, default=None)},
        "navigations": {"count": len(navs), "ok": len(timed),
                        "queued_s": stats([n.queued_s for n in navs if "viewer" in n.session]),
                        "by_kind_count": {k: sum(1 for n in navs if n.kind == k) for k in KINDS},
                        "signed_in": sum(1 for n in navs if n.signed_in),
                        "signed_in_by_kind": {k: sum(1 for n in navs if n.signed_in and n.kind == k) for k in KINDS},
                        "signin_s": stats([n.signin_s for n in navs if n.signin_s is not None]),
                        "overall": overall, "by_page": by_page},
        "phases": per_phase,
        "cpu_per_navigation": cpu_per_page,
        "warm_up": [{"page": n.page, "seconds": n.seconds, "ok": n.ok} for n in outcome.get("warm_up", [])],
        "errors": problems,
        "error_count": len(problems),
        "ignored_console": [{"reason": k, "count": v, "example": run.ignored_examples[k]}
                            for k, v in run.ignored.items()],
        "publish": run.publishes,
        "publish_ok": publish_ok,
        "server_script_runs": script,
        "server_exceptions": len(server_exceptions),
        "memory": {
            "at_start_kib": next((s["server_rss_kib"] for s in samples if s["label"].startswith("server started")),
                                 None),
            "before_kib": before["server_rss_kib"] if before else None,
            "peak_kib": peak,
            "end_of_phase_kib": [p["end_rss_kib"] for p in phases],
            "after_kib": after["server_rss_kib"] if after else None,
            "growth_kib": (after["server_rss_kib"] - before["server_rss_kib"]) if before and after else None,
            "load_generator_peak_pss_kib": max((s["generator_pss_kib"] for s in phase_samples), default=None),
            "samples": [{k: s[k] for k in ("t", "label", "phase", "server_rss_kib", "generator_pss_kib", "loadavg")}
                        for s in samples],
        },
        "cpu": cpu,
    }


def render(report: dict[str, Any]) -> str:
    c = report["config"]
    nav = report["navigations"]
    lines = [
        f"# EvalBoard load test: {c['sessions']} sessions × {c['seconds']:.0f} s"
        + (f" × {c['repeat']} phases" if c["repeat"] > 1 else "") + f", sign-in: {c['auth']}",
        "",
        f"- started {report['started']}; machine: {report['machine']}",
        f"- load average (1/5/15 min) at start {report['loadavg']['start']}, highest 1-min during the load "
        f"{report['loadavg']['max_1min_during']}, at the end {report['loadavg']['end']}",
        f"- think time {0.5 * c['think_s']:.1f}–{1.5 * c['think_s']:.1f} s between pages; every "
        f"{c['full_every']}th navigation a full page load, the others a click on a sidebar link; sessions arrive "
        f"over {c['ramp_s']:.0f} s; viewport {c['viewport']['width']}×{c['viewport']['height']}; "
        + (f"at most {c['max_rendering']} viewers navigating at once (waiting for a turn: p50 "
           f"{fmt(nav['queued_s']['p50'])} s, p95 {fmt(nav['queued_s']['p95'])} s, not in the times below)"
           if c["max_rendering"] else "no limit on viewers navigating at once")
        + ("; **server profiled with cProfile (times inflated)**" if c["profile"] else ""),
        "",
        f"## Time to a rendered page (s): {nav['count']} navigations, {nav['ok']} rendered"
        + (f", {nav['signed_in']} with a sign-in on the way" if nav["signed_in"] else ""),
        "",
        "| page | all: n | p50 | p95 | max | sidebar link: n | p50 | p95 | full load: n | p50 | p95 "
        "| first load: n | p50 | p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = [(p, report["navigations"]["by_page"][p]) for p in BY_PATH] + [("**all pages**", nav["overall"])]
    for name, row in rows:
        a, k, ld, f = row["all"], row["click"], row["load"], row["first"]
        lines.append(f"| {name} | {a['n']} | {fmt(a['p50'])} | {fmt(a['p95'])} | {fmt(a['max'])} | {k['n']} "
                     f"| {fmt(k['p50'])} | {fmt(k['p95'])} | {ld['n']} | {fmt(ld['p50'])} | {fmt(ld['p95'])} "
                     f"| {f['n']} | {fmt(f['p50'])} | {fmt(f['p95'])} |")
    if nav["signed_in"]:
        by = nav["signed_in_by_kind"]
        si = nav["signin_s"]
        lines += ["", f"Sign-ins on the way (included in the times above): {by['first']} first loads, "
                  f"{by['load']} full loads, {by['click']} sidebar clicks; "
                  f"filling the form → form gone p50 {fmt(si['p50'])} s, p95 {fmt(si['p95'])} s, "
                  f"max {fmt(si['max'])} s."]
    if len(report["phases"]) > 1:
        lines += ["", "| phase | navigations | rendered | p50 | p95 | max | errors | server RSS peak | at the end |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for p in report["phases"]:
            t = p["time"]
            lines.append(f"| {p['phase']} | {p['navigations']} | {p['rendered']} | {fmt(t['p50'])} | {fmt(t['p95'])} "
                         f"| {fmt(t['max'])} | {p['errors']} | {mib(p['peak_rss_kib'])} MiB "
                         f"| {mib(p['end_rss_kib'])} MiB |")
    warm = ", ".join(f"{w['page']} {fmt(w['seconds'])}" for w in report["warm_up"])
    lines += ["", f"Warm-up (one session alone, first visit of each page after the server started): {warm} s", ""]

    lines += ["## Where the time goes (p50, s)", "",
              "Script done: measured in the page, until the page's script run had finished and all its elements "
              "had arrived (before charts and tables are drawn). Drawn: the time to a rendered page above. Server "
              "wall/CPU: the script runs of that page file, timed inside the server.", "",
              "| page | link: script done | link: drawn | full load: script done | full load: drawn "
              "| server wall | server CPU |", "|---|---:|---:|---:|---:|---:|---:|"]
    for spec in PAGES:
        row = report["navigations"]["by_page"][spec.path]
        srv = report["server_script_runs"].get(spec.source, {})
        lines.append(f"| {spec.path} | {fmt(row['click_script_done']['p50'])} | {fmt(row['click']['p50'])} "
                     f"| {fmt(row['load_script_done']['p50'])} | {fmt(row['load']['p50'])} "
                     f"| {fmt(srv.get('wall', {}).get('p50'), 3)} | {fmt(srv.get('cpu', {}).get('p50'), 3)} |")
    lines += [""]
    if report["cpu_per_navigation"]:
        lines += ["## CPU per page view (one session alone: from one navigation to the next, pause included)", "",
                  "| page | kind | n | browser side CPU p50 (s) | server CPU p50 (s) |", "|---|---|---:|---:|---:|"]
        for r in report["cpu_per_navigation"]:
            lines.append(f"| {r['page']} | {KIND_LABEL[r['kind']]} | {r['n']} | {fmt(r['client_cpu']['p50'])} "
                         f"| {fmt(r['server_cpu']['p50'])} |")
        lines += [""]
    lines += ["## Server: script runs during the load (wall and script-thread CPU, s)", "",
              "| page file | runs | wall p50 | wall p95 | wall max | CPU p50 | CPU p95 | CPU total |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, s in report["server_script_runs"].items():
        if s["runs"]:
            lines.append(f"| {name} | {s['runs']} | {fmt(s['wall']['p50'], 3)} | {fmt(s['wall']['p95'], 3)} "
                         f"| {fmt(s['wall']['max'], 3)} | {fmt(s['cpu']['p50'], 3)} | {fmt(s['cpu']['p95'], 3)} "
                         f"| {s['cpu_total_s']:.1f} |")
    cpu = report["cpu"]
    if cpu:
        lines += ["", f"CPU over the {cpu['window_s']:.0f} s from before the first phase to the end "
                  f"({cpu['available_s']:.0f} core-seconds available): server {cpu['server_s']:.0f} s, "
                  f"load generator (Chromium, Playwright, this script) {cpu['load_generator_s']:.0f} s."]
    lines += ["", "## Publishing"]
    if not report["publish"]:
        lines.append("(no publish in this run)")
    for p in report["publish"]:
        if p.get("ok"):
            seen = p.get("seen_within_s") or {}
            lines.append(
                f"- phase {p['phase']}: version {p['version']} ({p['file']}, 市数据局 rate {p['expected_rate']}) "
                f"published at t={p['at']:.0f} s: 数据管理 rendered {fmt(p.get('open_s'))} s, upload → preview "
                f"{fmt(p.get('upload_to_preview_s'))} s, 发布 → 已发布 {fmt(p.get('publish_s'))} s, whole flow "
                f"{fmt(p.get('total_s'))} s. Afterwards {p['viewers_after']} viewers rendered "
                f"{p['navigations_after']} pages, {p['navigations_after'] - p['stale_after']} of them showing "
                f"version {p['version']}; each viewer saw it {fmt(seen.get('p50'), 1)} s (median), at most "
                f"{fmt(seen.get('max'), 1)} s after the publish (its next page).")
        else:
            lines.append(f"- phase {p['phase']}: version {p['version']} **failed**: {p.get('error')}")
    m = report["memory"]
    growth = "—" if m["growth_kib"] is None else f"{m['growth_kib'] / 1024:+.0f}"
    lines += ["", "## Server memory (RSS of the Streamlit process, MiB)", "",
              "| at start | before (after warm-up) | peak during the load | end of each phase | after (idle) "
              "| growth after − before |", "|---:|---:|---:|---:|---:|---:|",
              f"| {mib(m['at_start_kib'])} | {mib(m['before_kib'])} | {mib(m['peak_kib'])} "
              f"| {' / '.join(mib(x) for x in m['end_of_phase_kib'])} | {mib(m['after_kib'])} "
              f"| {growth} |", "",
              f"Load generator (Chromium + Playwright) peak PSS: {mib(m['load_generator_peak_pss_kib'])} MiB.", ""]
    lines.append(f"## Errors: {report['error_count']}")
    for e in report["errors"][:50]:
        lines.append(f"- t={e['t']:.1f}s {e['session']} {e['page']} [{e['category']}] {e['detail']}")
    if report["error_count"] > 50:
        lines.append(f"- … and {report['error_count'] - 50} more (see --json)")
    if report["ignored_console"]:
        lines += ["", "Not counted as errors (the browser console, explained):"]
        for i in report["ignored_console"]:
            lines.append(f"- {i['count']} × {i['reason']}; e.g. {i['example']}")
    return "\n".join(lines)


# pstats' table: (file, line, function) -> (primitive calls, calls, own s, cumulative s, callers)
StatsTable = dict[tuple[str, int, str], tuple[int, int, float, float, dict[Any, Any]]]


def stats_table(path: Path) -> StatsTable:
    """The table of a cProfile dump: ``pstats.Stats.stats``, an attribute pstats documents in its source but
    typeshed does not declare."""
    import pstats

    table: StatsTable = vars(pstats.Stats(str(path)))["stats"]
    return table


def profile_report(profile_dir: Path, runs: dict[str, Any], top: int) -> str:
    """Per page: the functions of this project (and Streamlit's element calls) by cumulative time per run."""
    lines = ["", "## Profile (cProfile in thread CPU time; per script run for the pages)", ""]
    keep = (str(ROOT / "evalcore"), str(ROOT / "components"), str(ROOT / "pages"), str(ROOT / "app.py"),
            "/streamlit/elements/", "/st_aggrid/", "/plotly/io/")
    main_thread = profile_dir / "_main_thread.prof"
    if main_thread.exists():
        table = stats_table(main_thread)
        total = sum(v[2] for v in table.values())
        rows = sorted(((tt, nc, ct, f"{re.sub(r'.*/site-packages/', '', file)}:{line}({func})")
                       for (file, line, func), (_cc, nc, tt, ct, _c) in table.items()), reverse=True)
        lines += [f"### the server's main thread (event loop: HTTP, websockets, sending messages): "
                  f"{total:.1f} s of CPU", "",
                  "| function | calls | own s | cumulative s |", "|---|---:|---:|---:|"]
        for tt, nc, ct, name in rows[:top]:
            lines.append(f"| `{name}` | {nc} | {tt:.2f} | {ct:.2f} |")
        lines.append("")
    for prof in sorted(profile_dir.glob("*.prof")):
        if prof.name == "_main_thread.prof":
            continue
        page = prof.stem.replace("__", "/") + ".py"
        table = stats_table(prof)
        total_runs = max(1, runs.get(page, {}).get("runs", 0) or 1)
        rows = []
        for (file, line, func), (_cc, nc, tt, ct, _callers) in table.items():
            if ".venv" in file and not any(k in file for k in keep[4:]):
                continue
            if not any(k in file for k in keep):
                continue
            if func.startswith("<") and func != "<module>":
                continue
            rel = file.replace(str(ROOT) + "/", "")
            rel = re.sub(r".*/site-packages/", "", rel)
            rows.append((ct, nc, tt, f"{rel}:{line}({func})"))
        rows.sort(reverse=True)
        lines += [f"### {page}: {total_runs} runs profiled", "",
                  "| function | calls per run | cumulative ms per run | own ms per run |", "|---|---:|---:|---:|"]
        for ct, nc, tt, name in rows[:top]:
            lines.append(f"| `{name}` | {nc / total_runs:.2f} | {ct / total_runs * 1000:.1f} "
                         f"| {tt / total_runs * 1000:.1f} |")
        lines.append("")
    return "\n".join(lines)


# --- main ---------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=20, help="concurrent viewer sessions (default 20)")
    ap.add_argument("--seconds", type=float, default=180.0, help="length of each phase in seconds (default 180)")
    ap.add_argument("--repeat", type=int, default=1, help="phases, each with new sessions (default 1)")
    ap.add_argument("--think", type=float, default=30.0,
                    help="mean time a person reads a page before the next, in seconds: uniform in 0.5×–1.5× "
                         "(default 30)")
    ap.add_argument("--full-every", type=int, default=4,
                    help="every Nth navigation is a full page load, the others sidebar clicks (default 4; 0: none)")
    ap.add_argument("--ramp", type=float, default=30.0,
                    help="sessions arrive spread over this many seconds (default 30)")
    ap.add_argument("--publish-at", type=float, default=1 / 3,
                    help="when the evaluator publishes, as a fraction of each phase (default 1/3)")
    ap.add_argument("--no-publish", dest="publish_at", action="store_const", const=None, help="no publishing")
    ap.add_argument("--auth", choices=("auto", "none", "password"), default="auto",
                    help="sign-in mode of the server (EVALBOARD_AUTH); auto: password when this tree has it")
    ap.add_argument("--shared-viewer", action="store_true", help="password mode: one viewer account for all")
    ap.add_argument("--max-rendering", type=int, default=os.cpu_count() or 2,
                    help="at most this many viewers navigate at the same time, the others wait their turn "
                         "(default: the number of cores; 0: no limit)")
    ap.add_argument("--viewport", default="1920x1080", help="browser window size, WIDTHxHEIGHT (default 1920x1080)")
    ap.add_argument("--browser-nice", type=int, default=0,
                    help="run the load generator (Chromium) at this niceness, so the server gets the CPU first")
    ap.add_argument("--nav-timeout", type=float, default=60.0, help="seconds before a navigation is an error")
    ap.add_argument("--sample-every", type=float, default=2.0, help="seconds between memory samples")
    ap.add_argument("--settle", type=float, default=5.0, help="idle seconds before the memory 'after' sample")
    ap.add_argument("--deadline", type=float, default=None,
                    help="hard limit for the whole run in seconds (default: each phase + its ramp, a pause and "
                         "5 navigation timeouts, + 5 minutes)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the think times")
    ap.add_argument("--json", type=Path, default=None, help="also write the report as JSON to this file")
    ap.add_argument("--profile", action="store_true",
                    help="cProfile every script run in the server and print the top functions per page")
    ap.add_argument("--top", type=int, default=25, help="rows per page in the profile")
    ap.add_argument("--keep", type=Path, default=None,
                    help="keep the run's database, server log and script-run timings in this directory")
    args = ap.parse_args(argv)
    if args.sessions < 1 or args.seconds <= 0 or args.repeat < 1:
        ap.error("--sessions, --seconds and --repeat must be positive")
    if not re.fullmatch(r"\d{3,4}x\d{3,4}", args.viewport.lower()):
        ap.error("--viewport is WIDTHxHEIGHT, e.g. 1280x800")
    if args.publish_at is not None and not 0 <= args.publish_at < 1:
        ap.error("--publish-at is a fraction of the phase, in [0, 1)")
    return args


def watchdog(deadline_s: float, server_holder: list[Server]) -> None:
    """The last resort: past the hard deadline, stop the server this script started and exit."""
    def fire() -> None:
        log(f"HARD DEADLINE of {deadline_s:.0f} s reached: stopping the server and exiting")
        for server in server_holder:
            with contextlib.suppress(Exception):
                if server.process is not None and server.process.poll() is None:
                    server.process.kill()
                    server.process.wait(timeout=10)
            shutil.rmtree(server.workdir, ignore_errors=True)
        os._exit(3)

    timer = threading.Timer(deadline_s, fire)
    timer.daemon = True
    timer.start()


def main(argv: list[str] | None = None, server_class: type[Server] = Server) -> int:
    """The load run; ``server_class`` starts the app (load_cluster.py passes one behind nginx)."""
    args = parse_args(argv)
    deadline = args.deadline or (args.repeat * (args.seconds + 5 * args.nav_timeout + args.ramp + 1.5 * args.think)
                                 + 300)
    servers: list[Server] = []
    watchdog(deadline, servers)
    # Ctrl-C and a kill stop the run cleanly (also when started in the background, where SIGINT may be ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    if not os.access(CHROMIUM, os.X_OK):
        log(f"{CHROMIUM} not found: install Debian's chromium (the load test never downloads a browser)")
        return 2

    auth = args.auth
    if auth == "auto":
        auth = "password" if password_auth_available() else "none"
    elif auth == "password" and not password_auth_available():
        log("--auth password: this tree has no `python -m evalcore user add ... --password-stdin`")
        return 2
    started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    load_start = loadavg()
    workdir = Path(tempfile.mkdtemp(prefix="evalboard-load-"))
    profile_dir = workdir / "profile" if args.profile else None
    if profile_dir:
        profile_dir.mkdir()
    server = server_class(workdir, auth, profile_dir)
    servers.append(server)
    log(f"load test: {args.sessions} sessions × {args.seconds:.0f} s × {args.repeat}, sign-in {auth}, "
        f"hard deadline {deadline:.0f} s; work directory {workdir}")
    report: dict[str, Any] | None = None
    try:
        server.start()
        log(f"server {server.base_url} (pid {server.pid}) healthy")
        run = Run(args, server, workdir)
        if auth == "password":
            log(f"creating {'1 shared viewer' if args.shared_viewer else args.sessions} viewer account(s) "
                "and 1 evaluator account")
            run.viewer_accounts, run.evaluator = create_accounts(server.env, args.sessions, args.shared_viewer)
        if args.browser_nice:
            os.nice(args.browser_nice)  # this script, Playwright's driver and Chromium; the server keeps its priority
        outcome = asyncio.run(run_load(args, server, workdir, run))
        server.stop()  # before reading the files it writes when it stops (profiles)
        report = build_report(args, run, server, outcome, started, load_start, auth)
        text = render(report)
        if args.profile and profile_dir is not None:
            text += "\n" + profile_report(profile_dir, report["server_script_runs"], args.top)
        print(text)
    except KeyboardInterrupt:
        log("interrupted: stopping the server")
        return 130
    except Exception as exc:
        log(f"load test failed: {type(exc).__name__}: {exc}")
        if server.process is not None:
            log(f"--- server output ---\n{server.output()}")
        return 2
    finally:
        server.stop()
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for item in workdir.iterdir():
                target = args.keep / item.name
                if item.is_dir():
                    shutil.copytree(item, target, dirs_exist_ok=True)
                else:
                    shutil.copy2(item, target)
        shutil.rmtree(workdir, ignore_errors=True)
        if report is not None and args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if report["error_count"] == 0 and report["publish_ok"] is not False else 1


if __name__ == "__main__":
    sys.exit(main())
