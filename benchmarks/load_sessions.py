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

This file is the command line; the work is in ``benchmarks/load/``, one module per job: ``pages.py`` (the pages
and what "rendered" means), ``server.py`` (the app server), ``accounts.py`` (password sign-in),
``workbook.py`` (the changed workbook), ``sessions.py`` (the viewers, the publisher, the samples), ``procs.py``
(process memory and CPU, through psutil), ``summary.py`` (percentiles and means, through ``statistics``) and
``report.py`` (the figures and the Markdown report).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from benchmarks.load.accounts import create_accounts, password_auth_available
from benchmarks.load.pages import CHROMIUM
from benchmarks.load.procs import loadavg
from benchmarks.load.report import build_report, profile_report, render
from benchmarks.load.server import Server
from benchmarks.load.sessions import Run, log, run_load


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
