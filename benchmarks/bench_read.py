"""read_workbook of this tree against another (main), side by side in one run (not a timed test).

    .venv/bin/python -m benchmarks.bench_read --base /work/wt/i27w-main               # 5 rounds
    .venv/bin/python -m benchmarks.bench_read --base /work/wt/i27w-main --rounds 3 --no-big

The workbooks: five 50-unit and one 1,000-unit synthetic workbook (:mod:`benchmarks.portfolio_synth`, written by
:func:`evalcore.workbook.workbook_bytes` of this tree) and the seed, ``sample_data/changsha_2023.xlsx``. Two
worker processes, one importing ``evalcore`` from this tree and one from ``--base`` (``PYTHONPATH``, checked by
the imported package's file path), are asked in turn, round after round: each times ``read_workbook`` on every
workbook of a set (the median of ``--repeats`` calls per workbook, the garbage collector as the app has it) and
returns the time and a digest of what was read (the evaluation, every error and warning, the unit scores), so the
run also shows that both read the same. Printed per round and set: base ms, this tree's ms, the ratio this ÷ base.
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "sample_data" / "changsha_2023.xlsx"


def _digest(result: object) -> str:
    ev, errors, warnings = (getattr(result, k) for k in ("evaluation", "errors", "warnings"))
    scores = getattr(result, "unit_scores", None)
    text = repr((ev, errors, warnings, sorted(scores.items()) if scores else scores))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def worker() -> None:
    """Answer ``[paths, repeats]`` lines on stdin with ``{"ms": median per workbook, summed, "digest": ...}``."""
    import evalcore
    from evalcore.workbook import read_workbook

    print(json.dumps({"evalcore": evalcore.__file__}), flush=True)
    for line in sys.stdin:
        paths, repeats = json.loads(line)
        books = [Path(p).read_bytes() for p in paths]
        for data in books:  # warm: imports, caches
            read_workbook(data)
        total = 0.0
        digests = []
        gc.collect()
        for data in books:
            times = []
            for _ in range(repeats):
                t = time.perf_counter()
                result = read_workbook(data)
                times.append(time.perf_counter() - t)
            total += statistics.median(times)
            digests.append(_digest(result))
        print(json.dumps({"ms": total * 1000, "digest": hashlib.sha256("".join(digests).encode()).hexdigest()[:16]}),
              flush=True)


class _Worker:
    def __init__(self, tree: Path) -> None:
        env = dict(os.environ, PYTHONPATH=str(tree))
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker"], cwd=str(tree),
                                     env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        hello = json.loads(self._read())
        self.evalcore = hello["evalcore"]
        if not Path(self.evalcore).resolve().is_relative_to(tree.resolve()):
            raise SystemExit(f"the worker for {tree} imported {self.evalcore}")

    def _read(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit("a worker stopped")
        return line

    def ask(self, paths: list[Path], repeats: int) -> dict[str, object]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps([[str(p) for p in paths], repeats]) + "\n")
        self.proc.stdin.flush()
        return dict(json.loads(self._read()))

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def workbooks(work: Path, big: bool) -> dict[str, tuple[list[Path], int]]:
    """The sets: name -> (files, calls per file)."""
    from benchmarks.portfolio_synth import synthetic_portfolio
    from evalcore.workbook import workbook_bytes

    sets: dict[str, tuple[list[Path], int]] = {"seed": ([SEED], 15)}
    files = []
    for i, ev in enumerate(synthetic_portfolio(5, 50)):
        path = work / f"synthetic_50_{i}.xlsx"
        path.write_bytes(workbook_bytes(ev))
        files.append(path)
    sets["50 units (5 workbooks)"] = (files, 7)
    if big:
        path = work / "synthetic_1000.xlsx"
        path.write_bytes(workbook_bytes(next(iter(synthetic_portfolio(1, 1000)))))
        sets["1,000 units"] = ([path], 3)
    return sets


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=Path, required=False, help="the tree to compare with (a worktree of main)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--no-big", action="store_true", help="leave out the 1,000-unit workbook")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        worker()
        return 0
    if a.base is None:
        ap.error("--base is required")
    with tempfile.TemporaryDirectory(prefix="bench-read-") as tmp:
        sets = workbooks(Path(tmp), not a.no_big)
        base, new = _Worker(a.base), _Worker(ROOT)
        print(f"base: {base.evalcore}\nthis: {new.evalcore}")
        print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        ratios: dict[str, list[tuple[float, float]]] = {name: [] for name in sets}
        try:
            for r in range(a.rounds):
                for name, (paths, repeats) in sets.items():
                    order = (base, new) if r % 2 == 0 else (new, base)  # alternating which goes first
                    answers = {id(w): w.ask(paths, repeats) for w in order}
                    b, n = answers[id(base)], answers[id(new)]
                    same = "same" if b["digest"] == n["digest"] else "DIFFERENT RESULTS"
                    bm, nm = float(str(b["ms"])), float(str(n["ms"]))
                    ratios[name].append((bm, nm))
                    print(f"round {r + 1} {name:>22}: base {bm:8.2f} ms  this {nm:8.2f} ms  ×{nm / bm:.3f}  ({same})",
                          flush=True)
        finally:
            base.close()
            new.close()
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for name, pairs in ratios.items():
            per = [len(sets[name][0])] * len(pairs)
            bms = [b / k for (b, _), k in zip(pairs, per, strict=True)]
            nms = [n / k for (_, n), k in zip(pairs, per, strict=True)]
            rs = sorted(n / b for b, n in pairs)
            print(f"{name}: per workbook, median base {statistics.median(bms):.2f} ms → this "
                  f"{statistics.median(nms):.2f} ms; ratio this ÷ base {rs[0]:.3f}–{rs[-1]:.3f} "
                  f"(median {statistics.median(rs):.3f})")
    return 0


if __name__ == "__main__":
    if "--worker" in sys.argv:  # run as a script by the workers: the tree given by PYTHONPATH
        worker()
    else:
        sys.exit(main())
