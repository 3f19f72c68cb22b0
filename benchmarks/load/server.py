"""The app server of a load run: ``streamlit run serve.py`` through ``load_server.py`` (which times every script run),
on 127.0.0.1 with its own database; its process tree, output and script-run timings."""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.load.procs import process_tree
from tests import serving

ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT_S = 90.0


class Server:
    """``streamlit run serve.py`` (the app as ``make run`` and scripts/cluster.sh serve it: password sign-in needs
    its cookie route) through ``load_server.py`` (which times every script run), on 127.0.0.1. Its store holds the
    seed evaluation only (``EVALBOARD_SAMPLES=seed``), so that 总览 opens on it rather than on the portfolio."""

    def __init__(self, workdir: Path, auth: str, profile_dir: Path | None) -> None:
        self.workdir = workdir
        self.port = serving.free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.timings = workdir / "script_runs.jsonl"
        self.log_path = workdir / "server.log"
        self.env = {k: v for k, v in os.environ.items() if k not in ("EVALBOARD_DATABASE_URL",)}
        self.env.update({"EVALBOARD_DB_PATH": str(workdir / "evalboard.db"), "EVALBOARD_AUTH": auth,
                         "EVALBOARD_LOAD_TIMINGS": str(self.timings), "PYTHONUNBUFFERED": "1",
                         "EVALBOARD_SAMPLES": "seed"})
        if profile_dir is not None:
            self.env["EVALBOARD_LOAD_PROFILE"] = str(profile_dir)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "benchmarks.load_server", "run", "serve.py",
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
