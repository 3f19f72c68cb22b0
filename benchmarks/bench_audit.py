"""Audit-log benchmark: the 管理 › 审计日志 page with a million entries.

Fills a fresh SQLite store (or the PostgreSQL database named by ``--url``) with ``--entries`` audit entries spread
over the last 30 days (sign-ins, failed sign-ins, publishes, refusals, by 200 people), then renders the 管理 page
as an admin through Streamlit's AppTest, ``--repeats`` times, and times each render (wall time of ``AppTest.run``,
the page's own queries included: count, refusal count, one page of 100 rows, the list of people). The page must
stay under 3 s at a million entries (issue 14); this is a benchmark, never a timed test.

    .venv/bin/python -m benchmarks.bench_audit                          # 1,000,000 entries, 3 renders
    .venv/bin/python -m benchmarks.bench_audit --entries 100000 --repeats 5
    .venv/bin/python -m benchmarks.bench_audit --url postgresql+psycopg://u:p@127.0.0.1:5432/db
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ACTIONS = ("sign_in", "sign_in_failed", "sign_out", "publish", "rectify", "denied")


def fill(store, entries: int) -> None:
    from evalcore.store import T_AUDIT
    now = dt.datetime.now(dt.UTC)
    rng = random.Random(14)
    batch = 20_000
    for start in range(0, entries, batch):
        rows = []
        for i in range(start, min(entries, start + batch)):
            action = ACTIONS[rng.randrange(len(ACTIONS))]
            who = f"user{rng.randrange(200):03d}"
            rows.append({"at": now - dt.timedelta(seconds=(entries - i) * 30 * 86400 / entries), "actor": who,
                         "role": "viewer", "via": "password", "action": action, "summary": f"{who} {action} {i}",
                         "evaluation_id": None, "version_id": None, "target": who, "before": None,
                         "after": '{"地址": "203.0.113.7"}'})
        with store.engine.begin() as conn:
            conn.execute(T_AUDIT.insert(), rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--url", help="a PostgreSQL URL (an empty database); default: a SQLite file in a temp folder")
    args = ap.parse_args()

    from streamlit.testing.v1 import AppTest

    from evalcore.auth import Actor
    from evalcore.store import Store

    folder = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    if args.url:
        os.environ["EVALBOARD_DATABASE_URL"] = args.url
        store = Store(args.url)
    else:
        os.environ["EVALBOARD_DB_PATH"] = str(folder / "evalboard.db")
        store = Store.sqlite(folder / "evalboard.db")
    os.environ["EVALBOARD_AUTH"] = "password"
    store.add_user("chen", "admin", "Bench-Mi-Ma-1", by=Actor("bench@命令行", "admin", "cli"))
    t = time.perf_counter()
    fill(store, args.entries)
    print(f"filled {args.entries:,} entries in {time.perf_counter() - t:.1f} s ({store.url})")

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600).run()
    at.text_input(key="_sign_in_name").input("chen")
    at.text_input(key="_sign_in_password").input("Bench-Mi-Ma-1")
    at.button(key="FormSubmitter:sign_in_form-登录").click().run()
    times = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        at.switch_page("pages/6_admin.py").run()
        times.append(time.perf_counter() - t)
        assert not at.exception, [e.value for e in at.exception]
    shown = len(at.dataframe[0].value) if at.dataframe else 0
    print(f"管理 page render: median {statistics.median(times):.2f} s, max {max(times):.2f} s over "
          f"{args.repeats} renders; {shown} rows on the page; caption: {at.caption[0].value if at.caption else ''}")
    store.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
