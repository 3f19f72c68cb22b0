"""read_workbook of this tree against another (main), side by side in one run (not a timed test).

    .venv/bin/python -m benchmarks.bench_read --base /work/wt/i27w-main               # 5 rounds
    .venv/bin/python -m benchmarks.bench_read --base /work/wt/i27w-main --rounds 3 --no-big
    .venv/bin/python -m benchmarks.bench_read --base /work/wt/i27w-main --publish /work/wt/i27w-2f0 --rounds 3

The workbooks: five 50-unit and one 1,000-unit synthetic workbook (:mod:`benchmarks.portfolio_synth`, written by
:func:`evalcore.workbook.workbook_bytes` of this tree) and the seed, ``sample_data/changsha_2023.xlsx``. Two worker
processes, one importing ``evalcore`` from this tree and one from ``--base`` (each started in its tree by ``python
-c``, whose first import path is the working directory; checked by the imported package's file path), are asked in
turn, round after round: each times ``read_workbook`` on every workbook of a set (the median of ``--repeats`` calls
per workbook, the garbage collector as the app has it) and returns the time and a digest of what was read (the
evaluation, every error and warning, the unit scores), so the run also shows that both read the same. Printed per
round and set: base ms, this tree's ms, the ratio this ÷ base.

``--publish TREE ...``: the publish instead, of ``--count`` 50-unit workbooks (written by this tree) into a new
store per tree, backend and round (SQLite: a file; PostgreSQL: a new database from ``EVALBOARD_TEST_POSTGRES_URL``),
with each tree's own code, its facts included where it writes them (a tree from before issue 23 writes none): the
median ms per publish, and this tree's ratio to each other tree.
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
        request = json.loads(line)
        if isinstance(request, dict):  # a publish round
            print(json.dumps(_publish(request["url"], request["paths"])), flush=True)
            continue
        paths, repeats = request
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


def _publish(url: str, paths: list[str]) -> dict[str, object]:
    """Publish every workbook into the (new) store at ``url`` with the code of this process's tree, facts included
    where the tree writes them: the median ms of ``Store.publish``."""
    from evalcore.auth import Actor
    from evalcore.store import Store

    actor = Actor("基准测试", "admin", "cli")
    store = Store(url)
    times = []
    try:
        for i, p in enumerate(paths):
            data = Path(p).read_bytes()
            t = time.perf_counter()
            store.publish(data, file_name=f"bench_{i}.xlsx", by=actor)
            times.append(time.perf_counter() - t)
    finally:
        dispose = getattr(store, "dispose", None)
        if dispose is not None:
            dispose()
    return {"ms": statistics.median(times) * 1000, "digest": ""}


class _Worker:
    def __init__(self, tree: Path) -> None:
        # one hash seed for both: a frozenset's repr (Meta.illustrative) follows the string hashes, so the digests
        # of two processes agree only when their seeds do
        env = dict(os.environ, PYTHONHASHSEED="0")
        # ``python -c`` imports first from its working directory (the tree), and runs this file's worker there
        start = (f"import runpy, sys; sys.argv = [{str(Path(__file__).resolve())!r}, '--worker']; "
                 f"runpy.run_path(sys.argv[0], run_name='__main__')")
        self.proc = subprocess.Popen([sys.executable, "-c", start], cwd=str(tree),
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

    def publish(self, url: str, paths: list[Path]) -> float:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"url": url, "paths": [str(p) for p in paths]}) + "\n")
        self.proc.stdin.flush()
        return float(json.loads(self._read())["ms"])

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


def publish_rounds(trees: list[Path], rounds: int, count: int, backends: list[str]) -> int:
    """The publish of ``count`` 50-unit workbooks (written by this tree) into a new store, per tree, backend and
    round: the median ms per publish, each tree in its own worker, the trees' order turned each round."""
    from benchmarks.portfolio_synth import synthetic_portfolio
    from evalcore.workbook import workbook_bytes
    from tests import pg

    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        work = Path(tmp)
        paths = []
        for i, ev in enumerate(synthetic_portfolio(count, 50)):
            path = work / f"publish_{i}.xlsx"
            path.write_bytes(workbook_bytes(ev))
            paths.append(path)
        workers = [_Worker(t) for t in trees]
        for w in workers:
            print(f"tree: {w.evalcore}")
        print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        found: dict[tuple[str, int], list[float]] = {}
        try:
            for r in range(rounds):
                for backend in backends:
                    turn = r % len(workers)
                    for k in [*range(turn, len(workers)), *range(turn)]:
                        w = workers[k]
                        if backend == "sqlite":
                            ms = w.publish(f"sqlite:///{work / f'store_{r}_{k}.db'}", paths)
                        else:
                            with pg.new_database(pg.admin_url_or_skip("bench_read"), "bench_publish") as url:
                                ms = w.publish(url, paths)
                        found.setdefault((backend, k), []).append(ms)
                        print(f"round {r + 1} {backend:>10} {trees[k].name:>12}: {ms:.2f} ms per publish", flush=True)
        finally:
            for w in workers:
                w.close()
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        last = len(workers) - 1
        for backend in backends:
            mine = found[(backend, last)]
            for k, tree in enumerate(trees[:-1]):
                theirs = found[(backend, k)]
                ratios = sorted(m / t for m, t in zip(mine, theirs, strict=True))
                print(f"{backend}: {tree.name} {', '.join(f'{x:.1f}' for x in theirs)} ms; this "
                      f"{', '.join(f'{x:.1f}' for x in mine)} ms; this ÷ {tree.name} "
                      f"×{ratios[0]:.2f}–×{ratios[-1]:.2f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=Path, required=False, help="the tree to compare with (a worktree of main)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--no-big", action="store_true", help="leave out the 1,000-unit workbook")
    ap.add_argument("--publish", nargs="*", type=Path, default=None, metavar="TREE",
                    help="instead: Store.publish of --count 50-unit workbooks into a new store per tree and round, "
                         "facts included where the tree writes them, for --base, these trees (e.g. a worktree of "
                         "2f0aafd) and this one, alternating, on --backends")
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        worker()
        return 0
    if a.base is None:
        ap.error("--base is required")
    if a.publish is not None:
        return publish_rounds([*a.publish, a.base, ROOT], a.rounds, a.count, a.backends.split(","))
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
    if "--worker" in sys.argv:  # the workers, started in their tree (see _Worker)
        worker()
    else:
        sys.exit(main())
