"""Starting and stopping Streamlit servers for tests and benchmarks: one copy of the free-port, health and stop logic,
and of bringing a cluster (``scripts/cluster.sh``: instances behind nginx) up and down.

Used by the browser tests (``tests/browser/conftest.py``, ``test_plain_text.py``; the OIDC tests go through the
conftest's ``serve_app``), the security tests' server, the cluster tests, and ``benchmarks/load_sessions.py``,
``bench_pages.py`` and ``load_cluster.py``. Plain functions, no pytest: a caller turns :class:`ServerError` into
``pytest.fail`` or into its own message. Ports are always free ones picked at run time, so parallel test
workers (pytest-xdist) never collide.
"""
from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Debian's Chromium (never one downloaded by ``playwright install``) and the flags every headless run here uses:
# the browser tests, the cluster tests and the page and load benchmarks.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CLUSTER_SCRIPT = ROOT / "scripts" / "cluster.sh"


class ServerError(RuntimeError):
    """The server exited or did not become healthy in time (the message includes its output)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports(count: int) -> int:
    """A port ``p`` with ``p .. p+count-1`` all free on 127.0.0.1 right now (a cluster's instances take consecutive
    ports)."""
    for _ in range(50):
        base = free_port()
        if base + count > 65535:
            continue
        try:
            for port in range(base, base + count):
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise ServerError(f"no {count} consecutive free ports on 127.0.0.1")


def health_ok(base_url: str) -> bool:
    """Whether Streamlit answers "ok" on ``/_stcore/health``."""
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError):
        return False


def streamlit_options(port: int) -> list[str]:
    """The options every test or benchmark server runs with: loopback only, headless, no file watcher."""
    return [
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip


def wait_until_healthy(process: subprocess.Popen, base_url: str, timeout_s: float,
                       output: Callable[[], str] = lambda: "") -> None:
    """Poll the health endpoint until it answers; raise :class:`ServerError` if the process exits or time runs out."""
    deadline = time.monotonic() + timeout_s
    while not health_ok(base_url):
        if process.poll() is not None:
            raise ServerError(f"streamlit exited with code {process.returncode} before it was healthy\n{output()}")
        if time.monotonic() > deadline:
            raise ServerError(f"streamlit not healthy at {base_url} after {timeout_s:.0f} s\n{output()}")
        time.sleep(0.25)


def launch(start: Callable[[int], subprocess.Popen], timeout_s: float, output: Callable[[], str] = lambda: "",
           attempts: int = 3) -> tuple[subprocess.Popen, str]:
    """``start(port)`` on a free port, then wait until it is healthy: (the process, its base URL).

    A port is free when :func:`free_port` picks it, not necessarily when the server binds it a few seconds later
    (another test worker's server, or a client connection, may take it in between): Streamlit then exits with
    "Port N is not available", and the server is started again on another port, up to ``attempts`` times.
    """
    for attempt in range(1, attempts + 1):
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        process = start(port)
        try:
            wait_until_healthy(process, base_url, timeout_s, output)
            return process, base_url
        except ServerError:
            stop(process)
            if attempt < attempts and process.returncode is not None and f"Port {port} is not available" in output():
                continue
            raise
        except BaseException:  # e.g. Ctrl-C while waiting: never leave the server running
            stop(process)
            raise
    raise AssertionError("unreachable")


def stop(process: subprocess.Popen, timeout_s: float = 10.0) -> None:
    """SIGTERM (Streamlit shuts down cleanly on it), then SIGKILL if it has not exited after ``timeout_s``."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# --- a cluster: N instances on one database behind nginx (scripts/cluster.sh) ---------------------------------


def cluster_env(base: Mapping[str, str], database_url: str, instances: int, base_port: int, proxy_port: int,
                run_dir: Path, **settings: str) -> dict[str, str]:
    """The environment for ``scripts/cluster.sh``: ``base`` without a SQLite path (the instances share
    ``database_url``), the ports and run directory, and any further ``EVALBOARD_*`` ``settings``."""
    env = {k: v for k, v in base.items() if k != "EVALBOARD_DB_PATH"}
    env.update(EVALBOARD_DATABASE_URL=database_url, EVALBOARD_INSTANCES=str(instances),
               EVALBOARD_BASE_PORT=str(base_port), EVALBOARD_PROXY_PORT=str(proxy_port),
               EVALBOARD_RUN_DIR=str(run_dir), **settings)
    return env


def cluster(command: str, env: Mapping[str, str], timeout_s: float = 180,
            check: bool = False) -> subprocess.CompletedProcess[str]:
    """``scripts/cluster.sh up|down|status`` with ``env``, its output captured."""
    return subprocess.run(["bash", str(CLUSTER_SCRIPT), command], env=dict(env), cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout_s, check=check)
