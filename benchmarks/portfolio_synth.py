"""Synthetic portfolios: many evaluations over several years, regions and kinds, each a valid workbook.

    .venv/bin/python -m benchmarks.portfolio_synth --evaluations 100 --units 50 --out /tmp/pf/evalboard.db

``synthetic_portfolio(evaluations, units)`` yields evaluations built with :func:`sample_data.synth.synthetic_evaluation`
(valid, illustrative, 合成数据), spread over 10 years, 5 regions and the four kinds (the kind is in the title, so
the portfolio infers it), the same 合成市第N单位 names in every year so units recur; :func:`publish_portfolio`
publishes them into a store (one version each).
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from evalcore.auth import Actor
from evalcore.model import Evaluation
from evalcore.store import Store
from evalcore.workbook import workbook_bytes
from sample_data.synth import synthetic_evaluation

REGIONS = ("合成市", "合成县", "样例区", "示范州", "测试县")
KINDS = ("重点项目", "部门整体支出", "专项资金", "单位自评")
FIRST_YEAR = 2015


def synthetic_portfolio(evaluations: int = 100, units: int = 50) -> Iterator[Evaluation]:
    for i in range(evaluations):
        ev = synthetic_evaluation(units=units, projects_per_unit=1, indicators=10, experts=1, problems=12, seed=i)
        region = REGIONS[i % len(REGIONS)]
        year = FIRST_YEAR + (i // len(REGIONS)) % 10
        kind = KINDS[i % len(KINDS)]
        meta = dataclasses.replace(ev.meta, title=f"{year}年度{region}第{i + 1:03d}号{kind}绩效评价（合成数据）",
                                   region=region, year=year, evaluator=f"评价机构{i % 7 + 1}")
        yield dataclasses.replace(ev, meta=meta)


def publish_portfolio(store: Store, evaluations: int, units: int, log=print) -> int:
    actor = Actor("基准测试", "admin", "cli")
    start = time.perf_counter()
    for n, ev in enumerate(synthetic_portfolio(evaluations, units), start=1):
        store.publish(workbook_bytes(ev), file_name=f"synthetic_{n:03d}.xlsx", by=actor)
        if n % 10 == 0:
            log(f"  {n}/{evaluations} published ({time.perf_counter() - start:.1f} s)")
    return evaluations


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--evaluations", type=int, default=100)
    ap.add_argument("--units", type=int, default=50)
    ap.add_argument("--out", type=Path, required=True, help="the SQLite file to create (must not exist)")
    a = ap.parse_args(argv)
    if a.out.exists():
        print(f"{a.out} exists; choose a new file", file=sys.stderr)
        return 1
    store = Store.sqlite(a.out)
    try:
        publish_portfolio(store, a.evaluations, a.units)
    finally:
        store.dispose()
    print(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
