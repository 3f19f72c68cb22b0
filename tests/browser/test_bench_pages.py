"""The page benchmark (benchmarks/bench_pages.py) stays runnable: a tiny run on two pages, checked for its report.

No timing assertion: the figures depend on the machine and on whatever else runs on it (docs/benchmarks.md has the
real run at 1,000 units).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = "benchmarks.bench_pages"  # run as a module from the repository root (cwd=ROOT), as its docstring says


def test_tiny_page_benchmark_run_reports_every_page_of_both_stores(tmp_path):
    out = tmp_path / "bench.json"
    command = [sys.executable, "-m", SCRIPT, "--units", "12", "--problems", "20", "--quick", "--warm", "1",
               "--pages", "/problems", "/present", "--nav-timeout", "120", "--workdir", str(tmp_path / "work"),
               "--json", str(out)]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    output = f"exit {proc.returncode}\n--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
    assert proc.returncode == 0, output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [r["page"] for r in report["summary"]] == ["/problems", "/present"], output
    for row in report["summary"]:
        assert not row["errors"], output
        for key in ("seed_warm", "large_warm", "seed_cold", "large_cold", "ratio_warm", "ratio_cold"):
            assert row[key] is not None and row[key] > 0, (key, output)
    stores = report["stores"]
    assert stores["large"]["units"] == 12 and stores["large"]["problems"] == 20
    assert all(s["peak_rss_mb"] > 50 for s in stores.values())  # read from /proc, not a placeholder
    assert {ld["kind"] for s in stores.values() for ld in s["loads"]} == {"cold", "warm"}
    assert "| `/problems` |" in proc.stdout and "server peak RSS" in proc.stdout
