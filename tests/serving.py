"""Starting and stopping Streamlit servers for tests and benchmarks: one copy of the free-port, health and stop logic.

Used by the browser tests (``tests/browser/conftest.py``, ``test_plain_text.py``; the OIDC tests go through the
conftest's ``serve_app``) and by ``benchmarks/load_sessions.py``. Plain functions, no pytest: a caller turns
:class:`ServerError` into ``pytest.fail`` or into its own message.
"""
from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable


class ServerError(RuntimeError):
    """The server exited or did not become healthy in time (the message includes its output)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
