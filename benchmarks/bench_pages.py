"""How long every page takes to be ready in a real browser, on the seed and on a 1,000-unit evaluation.

    .venv/bin/python -m benchmarks.bench_pages                       # 1,000 units, 240 problems, 3 warm loads
    .venv/bin/python -m benchmarks.bench_pages --quick               # 1,000 units, 1 warm load, fewer indicators
    .venv/bin/python -m benchmarks.bench_pages --units 20 --problems 30 --warm 1 --json out.json   # a smoke run

Two stores are published side by side in one run: **seed** (the sample evaluation, Changsha 2023, 2 units) and
**large** (``sample_data/synth.py``: ``--units`` units, ``--problems`` problems, each with a 整改 item). For each
store and each page, a fresh server is started (``tests/serving.py``: free port, health check, stop) and the page
is loaded in system Chromium (Playwright, ``/usr/bin/chromium``, never a downloaded browser):

- **cold**: the first load after the server started (nothing loaded or cached: the store is opened, the version read,
  the aggregates computed);
- **warm**: ``--warm`` further loads of the same page, each in a new browser context (a new Streamlit session; the
  server's caches of the version and its aggregates are warm). The median is reported.

A load is timed from the navigation until the page is ready: Streamlit is connected, its script run has finished
(``data-test-script-state="notRunning"``, no running indicator, no stale element), the document title is the
page's, and every Plotly chart on the page has drawn its SVG. The time at which the script had finished (before
the charts drew) is reported too. An exception or error box on the page counts as a failure.

The server's peak RSS is its ``VmHWM`` (the kernel's high-water mark of resident memory), read before it stops;
the report gives the largest over the servers of a store.

Targets (issue 11): every page on the large evaluation within **2x** its seed time warm, within **3x** cold, and
server RSS under **600 MB**. The script prints a table and a verdict per page; ``--json`` writes every measurement.
No assertion here: the browser test ``tests/browser/test_bench_pages.py`` only checks that a tiny run completes.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from evalcore.auth import Actor
from evalcore.store import Store
from sample_data import WORKBOOK
from sample_data.synth import synthetic_workbook
from tests import serving  # the test servers' start/stop code (benchmarks may use the tests' helpers, never back)

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM, CHROMIUM_ARGS = serving.CHROMIUM, serving.CHROMIUM_ARGS
WARM_TARGET, COLD_TARGET, RSS_TARGET_MB = 2.0, 3.0, 600


@dataclass(frozen=True)
class PageSpec:
    path: str  # URL path (the unit page gets ?unit=KEY added)
    title: str  # the start of document.title (layout.page sets "标题 · EvalBoard 绩效评价看板")
    file: str


PAGES = [
    PageSpec("/", "总览", "app.py"),
    PageSpec("/units", "单位对比", "pages/1_units.py"),
    PageSpec("/problems", "问题分析", "pages/2_problems.py"),
    PageSpec("/rectification", "建议与整改", "pages/3_rectification.py"),
    PageSpec("/present", "演示", "pages/4_present.py"),
    PageSpec("/data", "数据管理", "pages/5_data.py"),
    PageSpec("/admin", "管理", "pages/6_admin.py"),
    PageSpec("/unit", "", "pages/8_unit.py"),  # 单位详情, when this tree has it (any title)
]

# Run in the page every 100 ms: null until ready; then {state, script_ms, charts} or {state: "error", detail}.
READY_JS = r"""(title) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return null;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return null;
  if (document.querySelector('[data-testid="stElementContainer"][data-stale="true"]')) return null;
  const boxes = document.querySelectorAll('[data-testid="stException"], [data-testid="stAlertContentError"]');
  if (boxes.length) return {state: 'error', detail: [...boxes].map(b => b.innerText.trim().slice(0, 300)).join(' | ')};
  if (title && !document.title.startsWith(title)) return null;
  if (window.__ebScript === undefined) window.__ebScript = performance.now();
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  for (const c of charts) if (!c.querySelector('.js-plotly-plot .main-svg')) return null;
  return {state: 'ok', script_ms: window.__ebScript, charts: charts.length};
}"""


@dataclass
class Load:
    store: str
    page: str
    kind: str  # cold | warm
    seconds: float | None
    script_seconds: float | None = None
    charts: int = 0
    error: str = ""


@dataclass
class StoreRun:
    name: str
    units: int
    problems: int
    loads: list[Load] = field(default_factory=list)
    peak_rss_mb: float = 0.0


def log(msg: str) -> None:
    print(f"[{dt.datetime.now().strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def peak_rss_mb(pid: int) -> float:
    """The process's VmHWM (peak resident set) in MiB; 0 when it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def make_store(directory: Path, large: bool, args: argparse.Namespace) -> tuple[int, int]:
    """A store with one evaluation: the sample, or a synthetic one. Returns (units, problems)."""
    directory.mkdir(parents=True, exist_ok=True)
    db = directory / "evalboard.db"
    if db.exists():
        db.unlink()
    store = Store(f"sqlite:///{db}")
    if not large:
        store.ensure_sample(WORKBOOK)
    else:
        data = synthetic_workbook(args.units, args.projects, args.indicators, args.experts, args.problems, args.seed)
        store.publish(data, file_name=f"synthetic-{args.units}.xlsx", by=Actor("基准测试", "evaluator"))
    info = store.evaluations()[0]
    ev = store.load(info.active_version_id)
    return len(ev.units), len(ev.problems)


class Server:
    def __init__(self, db: Path, log_path: Path) -> None:
        self.port = serving.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k != "EVALBOARD_DATABASE_URL"}
        env.update({"EVALBOARD_DB_PATH": str(db), "EVALBOARD_AUTH": "none", "PYTHONUNBUFFERED": "1"})
        self.log_path = log_path
        with log_path.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", *serving.streamlit_options(self.port)],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        serving.wait_until_healthy(self.process, self.url, 120, lambda: log_path.read_text(errors="replace")[-3000:])

    def stop(self) -> float:
        rss = peak_rss_mb(self.process.pid)
        serving.stop(self.process, timeout_s=15)
        return rss


def time_load(browser, url: str, spec: PageSpec, timeout_s: float, size: tuple[int, int]) -> Load:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="zh-CN")
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        handle = page.wait_for_function(READY_JS, arg=spec.title, polling=100, timeout=timeout_s * 1000)
        seconds = time.perf_counter() - start
        result = handle.json_value()
        if result["state"] != "ok":
            return Load("", spec.path, "", seconds, error=result.get("detail", "error"))
        # script_ms is measured from the document's time origin (the navigation start)
        script = result["script_ms"] / 1000 if result.get("script_ms") is not None else None
        return Load("", spec.path, "", seconds, script, int(result.get("charts", 0)))
    except PlaywrightError as exc:
        return Load("", spec.path, "", None, error=str(exc).splitlines()[0][:300])
    finally:
        context.close()


def run_store(name: str, large: bool, args: argparse.Namespace, workdir: Path, browser, pages: list[PageSpec]
              ) -> StoreRun:
    directory = workdir / name
    log(f"{name}: publishing the store")
    units, problems = make_store(directory, large, args)
    unit_key = Store(f"sqlite:///{directory / 'evalboard.db'}").load(
        Store(f"sqlite:///{directory / 'evalboard.db'}").evaluations()[0].active_version_id).units[0].key
    run = StoreRun(name, units, problems)
    for spec in pages:
        url_path = spec.path + (f"?unit={unit_key}" if spec.path == "/unit" else "")
        server = Server(directory / "evalboard.db", directory / "server.log")
        try:
            for i in range(1 + args.warm):
                kind = "cold" if i == 0 else "warm"
                load = time_load(browser, server.url + url_path, spec, args.nav_timeout, args.size)
                load.store, load.kind = name, kind
                run.loads.append(load)
                shown = f"{load.seconds:.2f} s" if load.seconds is not None else "failed"
                log(f"{name} {spec.path} {kind}: {shown} {load.error}")
        finally:
            run.peak_rss_mb = max(run.peak_rss_mb, server.stop())
    return run


def summary(runs: dict[str, StoreRun]) -> list[dict]:
    rows = []
    seed, large = runs["seed"], runs["large"]
    paths = list(dict.fromkeys(ld.page for ld in seed.loads + large.loads))

    def pick(run: StoreRun, path: str, kind: str) -> float | None:
        values = [ld.seconds for ld in run.loads if ld.page == path and ld.kind == kind and not ld.error
                  and ld.seconds is not None]
        return statistics.median(values) if values else None

    def script(run: StoreRun, path: str, kind: str) -> float | None:
        values = [ld.script_seconds for ld in run.loads if ld.page == path and ld.kind == kind and not ld.error
                  and ld.script_seconds is not None]
        return statistics.median(values) if values else None

    for path in paths:
        row: dict[str, Any] = {"page": path}
        for kind in ("warm", "cold"):
            s, g = pick(seed, path, kind), pick(large, path, kind)
            row[f"seed_{kind}"], row[f"large_{kind}"] = s, g
            row[f"ratio_{kind}"] = g / s if s and g else None
            row[f"seed_{kind}_script"] = script(seed, path, kind)
            row[f"large_{kind}_script"] = script(large, path, kind)
        row["errors"] = [ld.error for ld in seed.loads + large.loads if ld.page == path and ld.error]
        row["warm_ok"] = row["ratio_warm"] is not None and row["ratio_warm"] <= WARM_TARGET
        row["cold_ok"] = row["ratio_cold"] is not None and row["ratio_cold"] <= COLD_TARGET
        rows.append(row)
    return rows


def fmt(v: float | None, suffix: str = "") -> str:
    return "—" if v is None else f"{v:.2f}{suffix}"


def table(rows: list[dict], runs: dict[str, StoreRun]) -> str:
    lines = ["| page | seed warm | large warm | ×warm (≤2) | seed cold | large cold | ×cold (≤3) | "
             "large warm, script done |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(f"| `{r['page']}` | {fmt(r['seed_warm'], ' s')} | {fmt(r['large_warm'], ' s')} | "
                     f"{fmt(r['ratio_warm'], '×')} {'✓' if r['warm_ok'] else '✗'} | {fmt(r['seed_cold'], ' s')} | "
                     f"{fmt(r['large_cold'], ' s')} | {fmt(r['ratio_cold'], '×')} {'✓' if r['cold_ok'] else '✗'} | "
                     f"{fmt(r['large_warm_script'], ' s')} |")
    lines.append("")
    for name, run in runs.items():
        ok = "✓" if run.peak_rss_mb < RSS_TARGET_MB else "✗"
        lines.append(f"- {name}: {run.units} units, {run.problems} problems; server peak RSS "
                     f"{run.peak_rss_mb:.0f} MiB {ok} (target < {RSS_TARGET_MB} MB)")
    errors = [e for r in rows for e in r["errors"]]
    if errors:
        lines.append(f"- errors: {len(errors)}: " + " | ".join(errors[:5]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--problems", type=int, default=240)
    ap.add_argument("--projects", type=int, default=3)
    ap.add_argument("--indicators", type=int, default=30)
    ap.add_argument("--experts", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--warm", type=int, default=3, help="warm loads per page after the cold one")
    ap.add_argument("--pages", nargs="*", help="URL paths to time (default: every page this tree has)")
    ap.add_argument("--size", default="1280x800", help="browser viewport")
    ap.add_argument("--nav-timeout", type=float, default=180.0, help="seconds a load may take before it fails")
    ap.add_argument("--quick", action="store_true", help="one warm load, 12 indicators, 1 project, 2 experts")
    ap.add_argument("--workdir", type=Path, help="keep the stores and server logs here")
    ap.add_argument("--json", type=Path, help="write every measurement here")
    args = ap.parse_args(argv)
    # SIGTERM (kill, a test's timeout) unwinds like Ctrl-C, so the finally blocks stop the server and the browser
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    if args.quick:
        args.warm, args.indicators, args.projects, args.experts = 1, 12, 1, 2
    args.size = tuple(int(x) for x in args.size.split("x"))
    pages = [p for p in PAGES if (ROOT / p.file).exists() and (not args.pages or p.path in args.pages)]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-pages-"))
    log(f"pages: {', '.join(p.path for p in pages)}; workdir {workdir}")
    started = time.time()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            runs = {"seed": run_store("seed", False, args, workdir, browser, pages),
                    "large": run_store("large", True, args, workdir, browser, pages)}
        finally:
            browser.close()
    rows = summary(runs)
    print(table(rows, runs))
    if args.json:
        report = {"config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
                  "machine": f"{platform.platform()}, {os.cpu_count()} CPUs, load {os.getloadavg()}",
                  "seconds": time.time() - started, "summary": rows,
                  "stores": {k: {**asdict(v)} for k, v in runs.items()}}
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    failed = [e for r in rows for e in r["errors"]]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
