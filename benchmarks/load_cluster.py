"""benchmarks/load_sessions.py through nginx: one instance, then two, on one PostgreSQL, side by side.

Each configuration is a full run of load_sessions.py (same options, passed through) whose server is replaced by
``scripts/cluster.sh`` (N instances of ``load_server.py run serve.py`` on a fresh PostgreSQL database, nginx in
front); the browsers talk to nginx only. At the end, one table compares the two runs, with the share of
sessions each instance served (from nginx's access log).

    .venv/bin/python -m benchmarks.load_cluster --sessions 4 --seconds 60 --think 5 --ramp 5
    .venv/bin/python -m benchmarks.load_cluster --instances 1 2 --sticky cookie -- --sessions 4 --seconds 60

Needs nginx, /usr/bin/chromium and EVALBOARD_TEST_POSTGRES_URL (a role with CREATEDB; each run gets its own
database, dropped afterwards). Database and cluster start-up come from ``tests/pg.py`` and ``tests/serving.py``,
as for ``tests/cluster``. ``--sticky cookie`` (default here): all browsers of a load test share the address
127.0.0.1, so ``ip_hash`` (the deployment's default) would send every session to one instance; a route cookie set
by nginx spreads them as different client addresses would. ``--sticky ip_hash`` shows that.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from benchmarks import load_sessions
from benchmarks.load.procs import process_tree
from benchmarks.load.server import Server
from benchmarks.load.summary import fmt, mib
from tests import pg, serving  # the database and cluster start-up code the cluster tests use

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def make_server_class(instances: int, sticky: str, admin_url: str, record: dict[str, Any],
                      base_port: int | None, proxy_port: int | None, run_dir: Path) -> type[Server]:
    class ClusterServer(Server):
        """benchmarks.load.server.Server's interface, backed by scripts/cluster.sh (instances + nginx)."""

        def __init__(self, workdir: Path, auth: str, profile_dir: Path | None) -> None:
            super().__init__(workdir, auth, profile_dir)
            self.admin = pg.admin_engine(admin_url)
            self.database, url = pg.create_database(self.admin, "evalboard_load")
            base = base_port or serving.free_ports(instances)
            self.ports = [base + i for i in range(instances)]
            self.port = proxy_port or serving.free_ports(1)
            self.base_url = f"http://127.0.0.1:{self.port}"
            self.run_dir = run_dir
            self.env = serving.cluster_env(self.env, url, instances, base, self.port, self.run_dir,
                                           EVALBOARD_STICKY=sticky,
                                           EVALBOARD_STREAMLIT=f"{sys.executable} -m benchmarks.load_server")
            self.stopped = False

        def start(self) -> None:
            done = serving.cluster("up", self.env, timeout_s=300)
            if done.returncode != 0:
                raise RuntimeError(f"cluster.sh up failed:\n{done.stdout}\n{done.stderr}")

        def pids(self) -> list[int]:
            out = []
            for port in self.ports:
                path = self.run_dir / f"instance-{port}.pid"
                if path.exists():
                    out.append(int(path.read_text()))
            return out

        @property
        def pid(self) -> int:
            return self.pids()[0]

        def tree(self) -> list[int]:  # the instances' processes (nginx is negligible)
            return [p for pid in self.pids() for p in process_tree(pid)]

        def output(self) -> str:
            return "\n".join(p.read_text(errors="replace")[-2000:] for p in sorted(self.run_dir.glob("*.log")))

        def stop(self) -> None:
            if self.stopped:
                return
            self.stopped = True
            record["sessions_by_instance"] = self.sessions_by_instance()
            serving.cluster("down", self.env, timeout_s=120)
            pg.drop_database(self.admin, self.database)
            self.admin.dispose()

        def sessions_by_instance(self) -> dict[str, int]:
            """WebSocket connections (sessions) per instance, from nginx's access log."""
            counts = {str(p): 0 for p in self.ports}
            log = self.run_dir / "nginx" / "access.log"
            if log.exists():
                for line in log.read_text().splitlines():
                    found = re.search(r'"GET /_stcore/stream [^"]*" 101 .*upstream=(?:.*, )?127\.0\.0\.1:(\d+)', line)
                    if found:
                        counts[found.group(1)] = counts.get(found.group(1), 0) + 1
            return counts

    return ClusterServer


def child(n: int, args: argparse.Namespace, rest: list[str], admin_url: str) -> int:
    """One configuration, in a process of its own (load_sessions.main's watchdog ends its process)."""
    record: dict[str, Any] = {"instances": n, "sticky": args.sticky}
    server_class = make_server_class(n, args.sticky, admin_url, record, args.base_port, args.proxy_port,
                                     args.run_dir)
    json_path = args.record.with_suffix(".report.json")
    code = load_sessions.main([*rest, "--json", str(json_path)], server_class)
    record["exit"] = code
    if json_path.exists():
        record["report"] = json.loads(json_path.read_text())
    args.record.write_text(json.dumps(record, ensure_ascii=False, default=str))
    return code


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--instances", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--sticky", choices=("cookie", "ip_hash"), default="cookie")
    ap.add_argument("--base-port", type=int, default=None, help="first instance's port (default: free ports)")
    ap.add_argument("--proxy-port", type=int, default=None, help="nginx's port (default: a free port)")
    ap.add_argument("--out", type=Path, default=None, help="write the comparison (JSON) here too")
    ap.add_argument("--record", type=Path, default=None, help=argparse.SUPPRESS)  # internal: one configuration
    ap.add_argument("--run-dir", type=Path, default=None, help=argparse.SUPPRESS)
    args, rest = ap.parse_known_args()
    rest = [a for a in rest if a != "--"]
    admin_url = os.environ.get("EVALBOARD_TEST_POSTGRES_URL")
    if not admin_url:
        print("EVALBOARD_TEST_POSTGRES_URL is needed (a PostgreSQL role with CREATEDB)", file=sys.stderr)
        return 2
    if args.record is not None:
        return child(args.instances[0], args, rest, admin_url)
    results = []
    for n in args.instances:
        print(f"\n===== {n} instance(s) behind nginx ({args.sticky}) =====", flush=True)
        record_path = Path(f"/tmp/evalboard-load-cluster-{n}-{os.getpid()}.json")
        run_dir = Path(f"/tmp/evalboard-load-cluster-{uuid.uuid4().hex[:8]}")  # reachable by nginx's workers
        command = [sys.executable, "-m", "benchmarks.load_cluster", "--instances", str(n), "--sticky", args.sticky,
                   "--record", str(record_path), "--run-dir", str(run_dir)]
        for flag, value in (("--base-port", args.base_port), ("--proxy-port", args.proxy_port)):
            if value:
                command += [flag, str(value)]
        code = subprocess.run([*command, "--", *rest], cwd=ROOT).returncode
        if run_dir.exists():  # a run stopped by its hard deadline leaves the cluster up: stop it
            serving.cluster("down", {**os.environ, "EVALBOARD_RUN_DIR": str(run_dir)}, timeout_s=120)
        record = json.loads(record_path.read_text()) if record_path.exists() else {"instances": n, "exit": code}
        record["exit"] = code
        results.append(record)
    print("\n===== side by side =====")
    print("| instances | navigations | rendered | errors | p50 s | p95 s | sessions per instance (WebSockets) | "
          "server RSS peak MiB | CPU s: server / load generator / available | load average start → max |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        rep = r.get("report") or {}
        phases = rep.get("phases") or []
        navs = sum(p.get("navigations", 0) for p in phases)
        rendered = sum(p.get("rendered", 0) for p in phases)
        times = (phases[-1].get("time") or {}) if phases else {}
        peak = max((p.get("peak_rss_kib", 0) for p in phases), default=0)
        cpu = rep.get("cpu") or {}
        load = rep.get("loadavg") or {}
        print(f"| {r['instances']} | {navs} | {rendered} | {rep.get('error_count', '?')} | "
              f"{fmt(times.get('p50'))} | {fmt(times.get('p95'))} | "
              f"{r.get('sessions_by_instance')} | {mib(peak)} | "
              f"{cpu.get('server_s')} / {cpu.get('load_generator_s')} / {cpu.get('available_s')} | "
              f"{(load.get('start') or ['?'])[0]} → {load.get('max_1min_during')} |")
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    return max((r["exit"] or 0) for r in results)


if __name__ == "__main__":
    sys.exit(main())
