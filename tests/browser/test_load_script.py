"""The many-users load script (benchmarks/load_sessions.py) stays runnable: a small run, checked for its report.

Two viewer sessions for about 20 seconds while the evaluator publishes version 2, in the tree's default sign-in
mode (password when ``python -m evalcore user add`` exists). No timing assertions: the figures depend on the
machine and on whatever else runs on it; docs/load.md has the real run (20 sessions, 3 minutes).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = "benchmarks.load_sessions"  # run as a module from the repository root (cwd=ROOT), as its docstring says


def test_small_load_run_has_no_errors_and_publishes(tmp_path):
    out = tmp_path / "load.json"
    command = [
        sys.executable, "-m", SCRIPT,
        "--sessions", "2", "--seconds", "20", "--ramp", "2", "--think", "1",
        "--full-every", "2",  # both kinds of navigation: sidebar links and full page loads
        "--publish-at", "0.2",
        "--nav-timeout", "90",
        "--deadline", "540",  # the script's own hard limit, below this test's
        "--json", str(out),
    ]  # fmt: skip
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    output = f"exit {proc.returncode}\n--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
    assert out.is_file(), f"no JSON report\n{output}"
    report = json.loads(out.read_text(encoding="utf-8"))

    assert report["error_count"] == 0, f"{report['errors']}\n{output}"
    nav = report["navigations"]
    assert nav["count"] > 0 and nav["ok"] == nav["count"], output
    assert nav["by_kind_count"]["click"] > 0 and nav["by_kind_count"]["load"] + nav["by_kind_count"]["first"] > 0

    assert report["publish_ok"] is True, output
    (publish,) = report["publish"]
    assert publish["ok"] and publish["version"] == 2 and publish["sidebar_version"] == 2
    assert publish["publish_s"] > 0 and publish["upload_to_preview_s"] > 0
    # every viewer opened a page after the publish, and every such page showed version 2
    assert publish["viewers_after"] == 2 and publish["stale_after"] == 0, publish

    memory = report["memory"]
    for key in ("at_start_kib", "before_kib", "peak_kib", "after_kib"):
        assert memory[key] and memory[key] > 0, (key, memory)
    assert memory["growth_kib"] == memory["after_kib"] - memory["before_kib"]
    assert len(memory["end_of_phase_kib"]) == 1
    assert any(s["runs"] > 0 for s in report["server_script_runs"].values())  # the server timed its script runs
    assert proc.returncode == 0, output
