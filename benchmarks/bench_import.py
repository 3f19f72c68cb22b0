"""Import benchmark: evalcore's import+validate against a raw calamine parse and pandas+openpyxl.

For each size (number of units) a synthetic workbook is generated (``sample_data/synth.py``), then three ways of
reading it are measured side by side, interleaved, each measurement in a fresh Python subprocess:

- calamine   python-calamine, every sheet to Python lists (what ``evalcore.workbook.read_raw`` does): the floor
- import     ``evalcore.workbook.read_workbook``: the calamine parse plus conversion, validation, the model
- pandas     ``pandas.read_excel(path, sheet_name=None, engine="openpyxl")``

Time: wall time (``time.perf_counter``) of the call alone, inside the child, after its imports; the median of
``--repeats`` runs is reported (the minimum in brackets). Memory: the child's peak resident set size
(``VmHWM`` in ``/proc/self/status``), which includes the interpreter and the imported libraries; the
peak of a child that only does the imports is printed as the baseline, and the difference as Δ.

Targets (from the issue): import <= 1.5x the raw calamine parse, and pandas+openpyxl >= 3x slower than import.

    .venv/bin/python -m benchmarks.bench_import                     # 100 and 1,000 units, 5 repeats
    .venv/bin/python -m benchmarks.bench_import --quick             # 100 units, 2 repeats
    .venv/bin/python -m benchmarks.bench_import --units 100 1000 5000 --repeats 3 --workdir /tmp/bench
    .venv/bin/python -m benchmarks.bench_import --profile 1000      # cProfile of read_workbook at 1,000 units
    .venv/bin/python -m benchmarks.bench_import --stages 1000       # CPU time by stage of read_workbook
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

METHODS = ("calamine", "import", "pandas")
IMPORT_TARGET = 1.5  # import / calamine at most
PANDAS_TARGET = 3.0  # pandas / import at least


# --- the child: one measurement ---------------------------------------------------------------------------

def _child(method: str, path: str, import_only: bool) -> None:
    if method == "calamine":
        import python_calamine

        def run() -> int:
            wb = python_calamine.CalamineWorkbook.from_path(path)
            sheets = {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}
            return sum(len(rows) for rows in sheets.values())
    elif method == "import":
        import python_calamine  # noqa: F401  (imported lazily by read_raw; loaded here so it is not timed)

        from evalcore import gcpause
        from evalcore.workbook import read_workbook

        def run() -> int:
            with gcpause.paused():  # as the command line reads (validate, publish, import): the collector paused
                result = read_workbook(path)
            if result.errors:
                raise SystemExit(f"the synthetic workbook did not validate: {result.errors[0]}")
            ev = result.evaluation
            if ev is None:
                raise SystemExit("the synthetic workbook gave no evaluation")
            return len(ev.scores) + len(ev.budget_lines) + len(ev.indicators)
    elif method == "pandas":
        import openpyxl  # noqa: F401
        import pandas as pd

        def run() -> int:
            frames = pd.read_excel(path, sheet_name=None, engine="openpyxl")
            return sum(len(df) for df in frames.values())
    else:
        raise SystemExit(f"unknown method {method}")
    seconds, cpu, count = 0.0, 0.0, 0
    if not import_only:
        t0, c0 = time.perf_counter(), time.process_time()
        count = run()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_kib": _peak_rss_kib(), "count": count}))


def _peak_rss_kib() -> int:
    """This process's peak RSS in KiB: VmHWM from /proc (its own address space only).

    Not ``getrusage(RUSAGE_SELF).ru_maxrss``: Linux carries the high-water mark of the address space replaced by
    ``exec`` into it, so a child would report at least the parent's size at fork time.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # elsewhere: the best available




def measure(method: str, path: Path, import_only: bool = False) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.bench_import", "--child", method, str(path)]
    if import_only:
        cmd.append("--import-only")
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{method} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- the parent: files, runs, table -------------------------------------------------------------------------

@dataclass
class Case:
    units: int
    path: Path
    size: int
    rows: int
    score_rows: int
    generate_s: float
    times: dict[str, list[float]] = field(default_factory=lambda: {m: [] for m in METHODS})
    cpu: dict[str, list[float]] = field(default_factory=lambda: {m: [] for m in METHODS})
    peaks: dict[str, list[int]] = field(default_factory=lambda: {m: [] for m in METHODS})
    baseline: dict[str, int] = field(default_factory=dict)

    def median(self, m: str) -> float:
        return statistics.median(self.times[m])

    def best(self, m: str) -> float:
        return min(self.times[m])

    def cpu_median(self, m: str) -> float:
        return statistics.median(self.cpu[m])

    def peak_mib(self, m: str) -> float:
        return max(self.peaks[m]) / 1024


def problems_for(units: int, problems: int | None) -> int:
    return problems if problems is not None else max(19, units // 5)


def build_file(units: int, args: argparse.Namespace, workdir: Path) -> Case:
    import python_calamine

    from sample_data.synth import synthetic_workbook

    problems = problems_for(units, args.problems)
    name = (f"synth_u{units}_p{args.projects}_i{args.indicators}_e{args.experts}_pr{problems}_s{args.seed}.xlsx")
    path = workdir / name
    t0 = time.perf_counter()
    if not path.exists():
        data = synthetic_workbook(units, args.projects, args.indicators, args.experts, problems, args.seed)
        path.write_bytes(data)
    generate_s = time.perf_counter() - t0
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    counts = {n: len(wb.get_sheet_by_name(n).to_python(skip_empty_area=False)) - 1 for n in wb.sheet_names}
    return Case(units, path, path.stat().st_size, sum(counts.values()), counts.get("指标评分", 0), generate_s)


def run_cases(cases: list[Case], repeats: int, log) -> None:
    for case in cases:
        for m in METHODS:
            case.baseline[m] = measure(m, case.path, import_only=True)["peak_kib"]
        for rep in range(repeats):
            order = METHODS[rep % len(METHODS):] + METHODS[:rep % len(METHODS)]  # rotate: no method always first
            for m in order:
                r = measure(m, case.path)
                case.times[m].append(r["seconds"])
                case.cpu[m].append(r["cpu"])
                case.peaks[m].append(r["peak_kib"])
                log(f"  {case.units:>6} units  run {rep + 1}/{repeats}  {m:<8} {r['seconds']:8.3f} s  "
                    f"(cpu {r['cpu']:.3f} s)  peak {r['peak_kib'] / 1024:7.1f} MiB")


def _fmt_s(case: Case, m: str) -> str:
    return f"{case.median(m):.3f} ({case.best(m):.3f}) · cpu {case.cpu_median(m):.3f}"


def table(cases: list[Case], repeats: int) -> str:
    lines = [
        "| units | rows (all sheets) | 指标评分 rows | file | calamine s | import+validate s | pandas+openpyxl s "
        "| import ÷ calamine | pandas ÷ import | import ≤ 1.5× calamine | pandas ≥ 3× import |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|:---:|",
    ]
    for c in cases:
        r1 = c.median("import") / c.median("calamine")
        r2 = c.median("pandas") / c.median("import")
        c1 = c.cpu_median("import") / c.cpu_median("calamine")
        c2 = c.cpu_median("pandas") / c.cpu_median("import")
        lines.append(
            f"| {c.units:,} | {c.rows:,} | {c.score_rows:,} | {c.size / 1024 / 1024:.1f} MiB | {_fmt_s(c, 'calamine')} "
            f"| {_fmt_s(c, 'import')} | {_fmt_s(c, 'pandas')} | {r1:.2f}× (cpu {c1:.2f}×) | {r2:.2f}× (cpu {c2:.2f}×) "
            f"| {'PASS' if r1 <= IMPORT_TARGET else 'MISS'} | {'PASS' if r2 >= PANDAS_TARGET else 'MISS'} |")
    lines += [
        "",
        "| units | peak RSS calamine | peak RSS import+validate | peak RSS pandas+openpyxl "
        "| baseline after imports (calamine / import / pandas) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for c in cases:
        cells = []
        for m in METHODS:
            base = c.baseline[m] / 1024
            cells.append(f"{c.peak_mib(m):.0f} MiB (Δ {c.peak_mib(m) - base:.0f})")
        bases = " / ".join(f"{c.baseline[m] / 1024:.0f}" for m in METHODS)
        lines.append(f"| {c.units:,} | {' | '.join(cells)} | {bases} MiB |")
    lines += [
        "",
        f"Times: median of {repeats} runs (fastest in brackets), seconds of wall time for the call alone, measured "
        "inside a fresh subprocess per run after its imports; the three methods interleaved, in rotating order. "
        "cpu: the median CPU time (time.process_time) of the same runs, less sensitive to other load on the machine. "
        "PASS/MISS and the first ratio of each pair use the wall-time medians.",
        "Peak RSS: VmHWM of that subprocess (interpreter and imported libraries included; Δ = above the peak of "
        "a subprocess that only does the same imports). evalcore imports pandas itself, hence its baseline.",
    ]
    return "\n".join(lines)


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "?"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f", {int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
                break
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    def ver(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:  # pragma: no cover
            return "?"

    return (f"{os.cpu_count()} cores ({cpu}){mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; python-calamine {ver('python-calamine')}, "
            f"pandas {ver('pandas')}, openpyxl {ver('openpyxl')}")


def profile(units: int, args: argparse.Namespace, workdir: Path, top: int) -> None:
    import cProfile
    import pstats

    from evalcore.workbook import read_workbook

    case = build_file(units, args, workdir)
    read_workbook(case.path)  # warm the imports
    prof = cProfile.Profile()
    prof.enable()
    result = read_workbook(case.path)
    prof.disable()
    print(f"read_workbook on {case.path.name}: {len(result.errors)} errors, {len(result.warnings)} warnings")
    stats = pstats.Stats(prof)
    for key in ("tottime", "cumulative"):
        print(f"\n--- top {top} by {key} ---")
        stats.sort_stats(key).print_stats(top)


def stages(units: int, args: argparse.Namespace, workdir: Path) -> None:
    """CPU time by stage of ``read_workbook`` (median of ``--repeats`` calls in this process), and two floors:
    the raw calamine parse and building the 指标评分 ``Score`` objects from its rows with no checks at all."""
    import gc
    from decimal import Decimal

    import python_calamine

    from evalcore import consistency
    from evalcore import workbook as W
    from evalcore.model import Score
    from evalcore.workbook import guard, validate

    case = build_file(units, args, workdir)
    path = str(case.path)
    acc: dict[str, float] = {}

    def wrap(module: object, name: str, key: str) -> None:
        real = getattr(module, name)

        def timed(*a: object, **k: object) -> object:
            t0 = time.process_time()
            try:
                return real(*a, **k)
            finally:
                acc[key] = acc.get(key, 0.0) + time.process_time() - t0
        setattr(module, name, timed)

    # each function is wrapped in the module that calls it
    wrap(validate, "read_raw", "raw")
    wrap(guard, "scan_parts", "scan")
    wrap(validate, "read_table", "table")
    wrap(validate, "_cross_checks", "cross")
    wrap(consistency, "_rates", "consistency_rates")
    wrap(validate, "build_evaluation", "build")
    W.read_workbook(path)  # warm
    runs: dict[str, list[float]] = {}
    for _ in range(args.repeats):
        acc.clear()
        t0 = time.process_time()
        result = W.read_workbook(path)
        acc["total"] = time.process_time() - t0
        if result.errors:
            raise SystemExit(f"the synthetic workbook did not validate: {result.errors[0]}")
        for k, v in acc.items():
            runs.setdefault(k, []).append(v)
    m = {k: statistics.median(v) for k, v in runs.items()}
    rows = [
        ("read_raw: calamine parse and zip/structure checks", m["raw"] - m["scan"]),
        ("read_raw: safety scan of the sheets' XML (_scan)", m["scan"]),
        ("_read_table: cell conversion and checks", m["table"]),
        ("_build: unit references, model objects, tree and cross-sheet checks",
         m["build"] - m["table"] - m["cross"]),
        (f"_cross_checks (evalcore.consistency; of which consistency._rates {m['consistency_rates']:.2f} s)",
         m["cross"]),
        ("the rest (the collection after the read, ReadResult)", m["total"] - m["raw"] - m["build"]),
    ]
    print(f"read_workbook on {case.path.name}, CPU time, median of {args.repeats} calls in one process\n")
    print("| stage | s | share |\n| --- | ---: | ---: |")
    for name, v in rows:
        print(f"| {name} | {v:.2f} | {v / m['total']:.0%} |")
    print(f"| **total** | **{m['total']:.2f}** | |\n")
    for paused in (False, True):
        if paused:
            gc.disable()
        parse, build = [], []
        for _ in range(args.repeats):
            t0 = time.process_time()
            wb = python_calamine.CalamineWorkbook.from_path(path)
            sheets: dict[str, list[list[Any]]] = {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False)
                                                  for n in wb.sheet_names}
            parse.append(time.process_time() - t0)
            t0 = time.process_time()
            made = [Score(r[0], r[1], r[2], Decimal(repr(r[3])), r[5] or "") for r in sheets["指标评分"][1:]]
            build.append(time.process_time() - t0)
        gc.enable()
        print(f"GC {'paused' if paused else 'on'}: raw calamine parse {statistics.median(parse):.2f} s; "
              f"{len(made):,} Score objects from its rows, no checks, {statistics.median(build):.2f} s")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--units", type=int, nargs="+", default=[100, 1000], help="sizes (units), default 100 1000")
    p.add_argument("--projects", type=int, default=3, help="budget lines (projects) per unit, default 3")
    p.add_argument("--indicators", type=int, default=30, help="leaf indicators, default 30")
    p.add_argument("--experts", type=int, default=3, help="experts scoring each leaf, default 3")
    p.add_argument("--problems", type=int, default=None, help="problems (and 整改 items); default units/5, >= 19")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeats", type=int, default=5, help="runs per method and size, default 5")
    p.add_argument("--quick", action="store_true", help="100 units, 2 repeats")
    p.add_argument("--workdir", type=Path, default=None,
                   help="where the generated workbooks go (kept and reused); default a temporary directory")
    p.add_argument("--profile", type=int, metavar="UNITS", default=None,
                   help="instead of timing, cProfile read_workbook on a workbook of this many units")
    p.add_argument("--top", type=int, default=25, help="rows of profile output, default 25")
    p.add_argument("--stages", type=int, metavar="UNITS", default=None,
                   help="instead of timing: CPU time by stage of read_workbook at this many units (--repeats calls)")
    p.add_argument("--child", nargs=2, metavar=("METHOD", "PATH"), help=argparse.SUPPRESS)
    p.add_argument("--import-only", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child:
        _child(args.child[0], args.child[1], args.import_only)
        return 0
    if args.quick:
        args.units, args.repeats = [100], 2

    with tempfile.TemporaryDirectory(prefix="evalboard-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        if args.profile is not None:
            profile(args.profile, args, workdir, args.top)
            return 0
        if args.stages is not None:
            stages(args.stages, args, workdir)
            return 0

        def log(msg: str) -> None:
            print(msg, file=sys.stderr, flush=True)

        cases = []
        for units in args.units:
            log(f"generating {units} units ...")
            case = build_file(units, args, workdir)
            log(f"  {case.path.name}: {case.rows:,} rows, {case.size / 1024 / 1024:.1f} MiB, "
                f"generated in {case.generate_s:.1f} s")
            cases.append(case)
        load_before = _loadavg()
        run_cases(cases, args.repeats, log)
        load_after = _loadavg()

    cmd = "python -m benchmarks.bench_import " + " ".join(argv if argv is not None else sys.argv[1:])
    print(f"Date: {dt.date.today().isoformat()}")
    print(f"Machine: {machine()}")
    print(f"Command: {cmd.strip()}")
    print(f"Load average (1, 5, 15 min) before: {load_before}; after: {load_after}")
    print(f"Workbooks: {args.projects} projects/unit, {args.indicators} leaf indicators, {args.experts} experts, "
          f"problems {'units/5 (>= 19)' if args.problems is None else args.problems}, seed {args.seed}")
    print()
    print(table(cases, args.repeats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
