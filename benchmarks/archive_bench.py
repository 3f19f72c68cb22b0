"""The archive at scale (issue 23): the 评价总览 page on big stores against the sample store, SQLite and PostgreSQL,
in one run (not a timed test).

    .venv/bin/python -m benchmarks.archive_bench                                  # 1000x50 and 10000x20, both backends
    .venv/bin/python -m benchmarks.archive_bench --sizes 50x10 --backends sqlite   # quick look
    .venv/bin/python -m benchmarks.archive_bench --explain                         # also EXPLAIN the heaviest queries

PostgreSQL: ``EVALBOARD_TEST_POSTGRES_URL`` (a role that may create databases); each store is a new database,
dropped at the end unless ``--keep``.

For each store a fresh "server" process is started (``--serve``): it opens the store as the app does and runs the
page from app.py with Streamlit's AppTest, in that process, as the server would for a browser session:

- **cold**: the first page load of the fresh process (the store opened, nothing cached);
- **warm**: a new session (new visitor) in the same process: median of ``--repeats``;
- **after publish**: another process publishes one more evaluation (``python -m evalcore publish``) while this one
  runs; then a new session loads the page;
- **filters**: on one session, each filter change in turn (year, region, kind, evaluator, search, table page 2);
- **RSS**: the process's peak resident memory (``ru_maxrss``), and its RSS after each step.

The big stores are built in bulk (``build_store``): evaluations from :mod:`benchmarks.portfolio_synth`, each version
row holding the bytes of one representative synthetic workbook of the same size (the portfolio never reads them)
and the facts and the totals' shift written by the same :func:`evalcore.facts.write.write_facts` (``shift_totals``)
that publish uses, 200 evaluations per transaction. Publishing 10,000 workbooks one by one would take hours on the
shared 2-core machine; the publish cost is measured apart: **publish** is the median time of ``Store.publish`` of
a 50-unit synthetic workbook into the sample store, with the facts and with ``write_facts`` (the facts and the totals'
shift) and the totals' ``sync`` (rollback, unreadable version) replaced by no-ops, alternating: the same code
without its facts.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import AbstractContextManager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PY = sys.executable


# --- building stores --------------------------------------------------------------------------------------


def build_store(url: str, evaluations: int, units: int, log=print) -> float:
    """A store of ``evaluations`` x ``units`` built in bulk (see the module docstring). Returns seconds taken."""
    import sqlalchemy as sa

    from benchmarks.portfolio_synth import synthetic_portfolio
    from evalcore.clock import utc_now
    from evalcore.facts.write import write_facts
    from evalcore.store import T_EVAL, T_VER, Store, natural_key_of, sha256_hex
    from evalcore.workbook import workbook_bytes

    start = time.perf_counter()
    store = Store(url)
    try:
        sample_bytes: bytes | None = None
        batch = 200
        evs = synthetic_portfolio(evaluations, units)
        done = 0
        while done < evaluations:
            chunk = [next(evs) for _ in range(min(batch, evaluations - done))]
            if sample_bytes is None:
                sample_bytes = workbook_bytes(chunk[0])
            digest = sha256_hex(sample_bytes)
            with store.writing() as conn:
                now = utc_now()
                for ev in chunk:
                    inserted = conn.execute(sa.insert(T_EVAL).values(
                        natural_key=natural_key_of(ev), region=ev.meta.region, year=ev.meta.year, title=ev.meta.title,
                        active_version_id=None, created_at=now, updated_at=now)).inserted_primary_key
                    assert inserted is not None
                    eid = inserted[0]
                    vinserted = conn.execute(sa.insert(T_VER).values(
                        evaluation_id=eid, number=1, kind="publish", file_name=f"synthetic_{done + 1}.xlsx",
                        file_hash=digest, size=len(sample_bytes), created_by="基准测试", created_at=now, note="",
                        source_version_id=None, data=sample_bytes)).inserted_primary_key
                    assert vinserted is not None
                    vid = vinserted[0]
                    conn.execute(sa.update(T_EVAL).where(T_EVAL.c.id == eid).values(active_version_id=vid))
                    write_facts(conn, eid, vid, ev, now, shift_totals=True)  # as a publish does
                    done += 1
            log(f"  {done}/{evaluations} ({time.perf_counter() - start:.0f} s)")
    finally:
        store.dispose()
    return time.perf_counter() - start


def sample_store(url: str) -> None:
    """The first-run samples, published the way the app does on first start."""
    os.environ["EVALBOARD_SAMPLES"] = "all"
    from evalcore.catalog import ensure_samples
    from evalcore.store import Store
    from sample_data import first_run

    s = Store(url)
    try:
        ensure_samples(s, first_run())
    finally:
        s.dispose()


# --- the server process -------------------------------------------------------------------------------------


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def serve(url: str, publish_file: Path, repeats: int) -> dict:
    """Runs in the fresh process: the measurements of one store (printed as JSON)."""
    os.environ["EVALBOARD_DATABASE_URL"] = url
    os.environ["EVALBOARD_SAMPLES"] = "none"
    from streamlit.testing.v1 import AppTest
    if os.environ.get("ARCHIVE_BENCH_NO_APPLICATION"):  # see --no-application
        import components.results_use
        components.results_use.APPLICATION_AUTO = 0

    def load() -> tuple[float, AppTest]:
        t = time.perf_counter()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900).run()
        took = time.perf_counter() - t
        if at.exception:
            raise SystemExit(f"the page failed: {[e.value for e in at.exception]}")
        return took, at

    out: dict = {"rss_steps": {}}
    out["cold"], at = load()
    out["shown"] = {m.label: m.value for m in at.metric}.get("评价", "?")
    out["rss_steps"]["cold"] = _rss_mb()
    out["warm_runs"] = [load()[0] for _ in range(repeats)]
    out["warm"] = statistics.median(out["warm_runs"])
    out["rss_steps"]["warm"] = _rss_mb()

    filters = {}
    _, at = load()
    years = at.multiselect(key="pf_years").options
    def first(a: AppTest, key: str) -> None:
        a.multiselect(key=key).set_value([a.multiselect(key=key).options[0]])

    steps = [("年度", lambda a: a.multiselect(key="pf_years").set_value([int(years[0])])),
             ("地区", lambda a: first(a, "pf_regions")),
             ("类型", lambda a: first(a, "pf_kinds")),
             ("机构", lambda a: first(a, "pf_evaluators")),
             ("搜索", lambda a: a.text_input(key="pf_search").set_value("绩效")),
             ("清除", lambda a: [a.multiselect(key=k).set_value([]) for k in
                                 ("pf_years", "pf_regions", "pf_kinds", "pf_evaluators")]
              and a.text_input(key="pf_search").set_value(""))]
    for label, change in steps:
        change(at)
        t = time.perf_counter()
        at.run()
        filters[label] = time.perf_counter() - t
        if at.exception:
            raise SystemExit(f"filter {label} failed: {[e.value for e in at.exception]}")
    pages = [w for w in at.number_input if w.key == "pf_page"]
    if pages:
        pages[0].set_value(2)
        t = time.perf_counter()
        at.run()
        filters["翻页"] = time.perf_counter() - t
    out["filters"] = filters
    out["rss_steps"]["filters"] = _rss_mb()

    env = {**os.environ, "EVALBOARD_DATABASE_URL": url}
    t = time.perf_counter()
    done = subprocess.run([PY, "-m", "evalcore", "publish", str(publish_file)], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    out["publish_other_process"] = time.perf_counter() - t
    if done.returncode:
        raise SystemExit(f"publish failed: {done.stderr}")
    out["after_publish"], at = load()
    out["shown_after"] = {m.label: m.value for m in at.metric}.get("评价", "?")
    out["rss_steps"]["after_publish"] = _rss_mb()
    out["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def run_server(url: str, publish_file: Path, repeats: int) -> dict:
    done = subprocess.run([PY, "-m", "benchmarks.archive_bench", "--serve", url, "--publish-file", str(publish_file),
                           "--repeats", str(repeats)], cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ))
    if done.returncode:
        raise SystemExit(f"server run failed for {url}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- publish with and without facts ---------------------------------------------------------------------------


def publish_times(url: str, n: int = 15, units: int = 50) -> tuple[float, float]:
    """Median seconds of Store.publish with the facts and without (write_facts, which writes the facts and
    shifts the totals, and the totals' sync no-ops), alternating, ``n`` of each."""
    import evalcore.store.evaluations as evaluations
    from benchmarks.portfolio_synth import synthetic_portfolio
    from evalcore.auth import Actor
    from evalcore.store import Store
    from evalcore.workbook import workbook_bytes

    actor = Actor("基准测试", "admin", "cli")
    books = [workbook_bytes(ev) for ev in synthetic_portfolio(2 * n, units)]
    store = Store(url)
    real, real_sync = evaluations.write_facts, evaluations.sync_totals
    with_facts: list[float] = []
    without: list[float] = []
    try:
        for i, data in enumerate(books):
            plain = i % 2 == 1
            if plain:
                evaluations.write_facts = lambda *a, **k: None
                evaluations.sync_totals = lambda *a, **k: None
            t = time.perf_counter()
            store.publish(data, file_name=f"pub_{i}.xlsx", by=actor)
            (without if plain else with_facts).append(time.perf_counter() - t)
            evaluations.write_facts, evaluations.sync_totals = real, real_sync
    finally:
        evaluations.write_facts, evaluations.sync_totals = real, real_sync
        store.dispose()
    return statistics.median(with_facts), statistics.median(without)


# --- EXPLAIN ----------------------------------------------------------------------------------------------


def explain(url: str, heaviest: int = 2) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL of the ``heaviest`` statements that the unfiltered portfolio's
    queries (those of one page view, the theme drill-down included) run: every statement timed on its second
    run, the slowest explained with the parameters it ran with."""
    import sqlalchemy as sa

    from evalcore.archive import query as Q
    from evalcore.store import Store

    s = Store(url)
    timed: list[tuple[float, str, object]] = []

    @sa.event.listens_for(s.engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        conn.info["explain_t"] = time.perf_counter()

    @sa.event.listens_for(s.engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        timed.append((time.perf_counter() - conn.info["explain_t"], statement, parameters))

    try:
        today = dt.date.today()

        def page() -> None:
            Q.overview(s)
            Q.kpis(s, Q.ALL, today)
            Q.any_sample_title(s, Q.ALL)
            Q.grades_by_year(s, Q.ALL)
            Q.funds_by_grade(s, Q.ALL)
            Q.histograms(s, Q.ALL)
            Q.rectification_by_evaluation(s, Q.ALL, today)
            Q.deadlines_by_unit(s, Q.ALL, today, 30)
            Q.evaluations(s, Q.ALL, today)
            themes = Q.theme_counts(s, Q.ALL)
            if len(themes):
                top = str(themes.groupby("theme")["items"].sum().idxmax())
                Q.theme_rows(s, Q.ALL, top)
                Q.theme_years(s, Q.ALL, top)
        page()
        timed.clear()
        page()
        ran = [t for t in timed if t[1].lstrip().upper().startswith("SELECT")]
        out = [f"All {len(ran)} statements of one unfiltered view: {sum(t for t, _, _ in ran) * 1000:.0f} ms.\n"]
        with s.engine.connect() as conn:
            for took, sql, params in sorted(ran, key=lambda t: -t[0])[:heaviest]:
                plan = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params).all()  # type: ignore[arg-type]
                out.append(f"### {took * 1000:.1f} ms\n\n```sql\n{sql}\n```\n\nparameters: {params}\n\n```\n"
                           + "\n".join(r[0] for r in plan) + "\n```\n")
        return "\n".join(out)
    finally:
        s.dispose()


# --- main -------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000x50,10000x20", help="evaluations x units, comma-separated")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--explain", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL databases")
    ap.add_argument("--reuse", action="store_true", help="SQLite: serve a store file already built in --workdir")
    ap.add_argument("--no-application", action="store_true",
                    help="leave 结果应用 to its toggle at every size (the archive's own figures alone; the section "
                         "is worked out on every view up to 20,000 unit results: docs/archive.md)")
    ap.add_argument("--publish-only", action="store_true",
                    help="only the publish with and without facts: --repeats rounds per backend, each on a new "
                         "sample store")
    ap.add_argument("--serve", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--publish-file", type=Path, default=None, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.no_application:
        os.environ["ARCHIVE_BENCH_NO_APPLICATION"] = "1"
    if a.serve:
        print(json.dumps(serve(a.serve, a.publish_file, a.repeats)))
        return 0

    from benchmarks.portfolio_synth import synthetic_portfolio
    from evalcore.workbook import workbook_bytes
    from tests import pg

    work = a.workdir or Path(tempfile.mkdtemp(prefix="archive-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    sizes = [tuple(int(x) for x in s.split("x")) for s in a.sizes.split(",") if s]
    backends = [b for b in a.backends.split(",") if b]
    extra = next(iter(synthetic_portfolio(1, 50)))
    import dataclasses
    run = dt.datetime.now().strftime("%H%M%S")  # a new evaluation each run (a reused store has the last one)
    title = f"2024年度基准追加评价{run}（合成数据）"
    extra = dataclasses.replace(extra, meta=dataclasses.replace(extra.meta, title=title, year=2024))
    publish_file = work / "extra.xlsx"
    publish_file.write_bytes(workbook_bytes(extra))

    results: list[tuple[str, str, str, dict, float]] = []
    publish: dict[str, tuple[float, float]] = {}
    explained = ""
    for backend in backends:
        databases: list[AbstractContextManager[str]] = []

        def new_url(name: str, backend: str = backend, databases: list = databases) -> str:
            if backend == "sqlite":
                path = work / f"{name}.db"
                if not (a.reuse and name.startswith("s") and name[1:2].isdigit() and path.exists()):
                    for p in work.glob(f"{name}.db*"):
                        p.unlink()
                return f"sqlite:///{path}"
            ctx = pg.new_database(pg.admin_url_or_skip("archive bench"), f"bench_{name}")
            databases.append(ctx)
            return ctx.__enter__()

        try:
            if a.publish_only:
                for i in range(a.repeats):
                    pub_url = new_url(f"publish{i}")
                    sample_store(pub_url)
                    w, wo = publish_times(pub_url)
                    print(f"publish ({backend}, 50 units, median of 15, round {i + 1}): with facts {w * 1000:.1f} ms, "
                          f"without {wo * 1000:.1f} ms, ×{w / wo:.3f}", flush=True)
                continue
            url = new_url("samples")
            sample_store(url)
            print(f"[{backend}] samples: serving ...", flush=True)
            results.append((backend, "samples", url, run_server(url, publish_file, a.repeats), 0.0))
            pub_url = new_url("publish")
            sample_store(pub_url)
            publish[backend] = publish_times(pub_url)
            for n, units in sizes:
                name = f"s{n}x{units}"
                url = new_url(name)
                if backend == "sqlite" and a.reuse and (work / f"{name}.db").exists():
                    built = 0.0
                    print(f"[{backend}] reusing {name}.db", flush=True)
                else:
                    print(f"[{backend}] building {n} x {units} ...", flush=True)
                    built = build_store(url, n, units, log=lambda m: print(m, flush=True) if "000/" in m else None)
                print(f"[{backend}] {n} x {units} built in {built:.0f} s; serving ...", flush=True)
                results.append((backend, f"{n} x {units}", url, run_server(url, publish_file, a.repeats), built))
                if a.explain and backend == "postgresql" and (n, units) == max(sizes):
                    explained = explain(url)
        finally:
            if not a.keep:
                for ctx in databases:
                    try:
                        ctx.__exit__(None, None, None)
                    except Exception as exc:  # noqa: BLE001 - an autovacuum worker may hold it: keep the figures
                        print(f"[{backend}] a database could not be dropped ({exc.__class__.__name__}); drop it "
                              "later", flush=True)

    if a.publish_only:
        return 0
    print()
    print("| backend | store | shown | built (s) | cold (s) | ×cold | warm (s) | ×warm | after publish (s) | "
          "×warm | filters (s, max) | peak RSS (MB) | RSS cold→after (MB) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    base = {b: r for b, store, _, r, _ in results if store == "samples"}
    for backend, store, _, r, built in results:
        s = base[backend]
        fmax = max(r["filters"].values()) if r["filters"] else 0.0
        steps = r["rss_steps"]
        print(f"| {backend} | {store} | {r['shown']}→{r['shown_after']} | {built:.0f} | {r['cold']:.2f} | "
              f"{r['cold'] / s['cold']:.2f} | {r['warm']:.2f} | {r['warm'] / s['warm']:.2f} | "
              f"{r['after_publish']:.2f} | {r['after_publish'] / s['warm']:.2f} | {fmax:.2f} | "
              f"{r['peak_rss']:.0f} | {steps['cold']:.0f}→{steps['after_publish']:.0f} |")
    print()
    print("filter changes (s): " + "; ".join(
        f"{b} {st}: " + ", ".join(f"{k} {v:.2f}" for k, v in r["filters"].items()) for b, st, _, r, _ in results))
    for backend, (w, wo) in publish.items():
        print(f"publish ({backend}, 50 units, median of 15): with facts {w:.3f} s, without {wo:.3f} s, ×{w / wo:.2f}")
    if explained:
        print()
        print(explained)
    return 0


if __name__ == "__main__":
    sys.exit(main())
