"""How long the 评价总览 page takes with many evaluations, against the sample store (not a timed test).

    .venv/bin/python -m benchmarks.portfolio_bench                       # 100 evaluations x 50 units vs samples
    .venv/bin/python -m benchmarks.portfolio_bench --evaluations 20 --units 20 --repeats 3   # quicker

Each store is opened by the app as in production (``EVALBOARD_DB_PATH``); the page is run with Streamlit's
AppTest from app.py (it lands on the portfolio when the store holds more than one evaluation). The first run
is cold (every version read and the portfolio built, once); the following runs are warm (a new session each time,
as a new visitor: the portfolio comes from the cache keyed by the set of versions). Target (issue 18): warm time
with 100 x 50 within 2x the warm time with the sample store.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _time_page(db: Path, samples: str, repeats: int) -> tuple[float, list[float], str]:
    from streamlit.testing.v1 import AppTest
    os.environ["EVALBOARD_DB_PATH"] = str(db)
    os.environ["EVALBOARD_SAMPLES"] = samples
    os.environ.pop("EVALBOARD_DATABASE_URL", None)

    def once() -> tuple[float, str]:
        start = time.perf_counter()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600).run()
        took = time.perf_counter() - start
        if at.exception:
            raise SystemExit(f"the page failed: {[e.value for e in at.exception]}")
        metrics = {m.label: m.value for m in at.metric}
        return took, metrics.get("评价", "?")

    cold, shown = once()
    warm = [once()[0] for _ in range(repeats)]
    return cold, warm, shown


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--evaluations", type=int, default=100)
    ap.add_argument("--units", type=int, default=50)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--workdir", type=Path, default=None)
    a = ap.parse_args(argv)
    work = a.workdir or Path(tempfile.mkdtemp(prefix="pf-bench-"))
    work.mkdir(parents=True, exist_ok=True)

    from benchmarks.portfolio_synth import publish_portfolio
    from evalcore.store import Store

    big = work / f"portfolio_{a.evaluations}x{a.units}.db"
    if not big.exists():
        print(f"generating {a.evaluations} evaluations x {a.units} units into {big} ...")
        store = Store.sqlite(big)
        try:
            publish_portfolio(store, a.evaluations, a.units)
        finally:
            store.dispose()
    sample = work / "samples.db"
    if sample.exists():
        sample.unlink()

    s_cold, s_warm, s_shown = _time_page(sample, "all", a.repeats)
    b_cold, b_warm, b_shown = _time_page(big, "none", a.repeats)
    s_med, b_med = statistics.median(s_warm), statistics.median(b_warm)
    print()
    print("| store | evaluations shown | cold (s) | warm median (s) | warm runs (s) |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| samples | {s_shown} | {s_cold:.2f} | {s_med:.2f} | {', '.join(f'{t:.2f}' for t in s_warm)} |")
    print(f"| {a.evaluations} x {a.units} | {b_shown} | {b_cold:.2f} | {b_med:.2f} | "
          f"{', '.join(f'{t:.2f}' for t in b_warm)} |")
    ratio = b_med / s_med
    print(f"\nwarm ratio {ratio:.2f}x (target <= 2x): {'met' if ratio <= 2 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
