"""components.cache: per-version results are computed once and shared, and each caller gets its own copy."""
from __future__ import annotations

import dataclasses

import pandas as pd

import sample_data
from components import cache
from evalcore import budget
from evalcore.auth import Actor
from evalcore.store import Store
from evalcore.workbook import read_workbook, workbook_bytes

CALLS: list[int] = []


def counted_table(ev, tag: str = "") -> pd.DataFrame:
    CALLS.append(1)
    return budget.budget_table(ev).assign(tag=tag)


def test_derived_is_computed_once_per_version_and_arguments(tmp_path, monkeypatch):
    db = tmp_path / "cache.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(db))
    store = Store.sqlite(db)
    first = store.ensure_sample(sample_data.WORKBOOK)
    ev = read_workbook(sample_data.WORKBOOK).evaluation
    second = store.publish(workbook_bytes(dataclasses.replace(ev, meta=dataclasses.replace(ev.meta, source="二"))),
                           file_name="v2.xlsx", by=Actor("测试", "evaluator"))
    CALLS.clear()
    a = cache.per_version(counted_table, first.id, "x")
    b = cache.per_version(counted_table, first.id, "x")
    assert len(CALLS) == 1  # the second caller (another session, another rerun) shares the result
    assert a.equals(b) and a is not b  # ...as its own copy
    a.loc[0, "tag"] = "changed by one page"
    assert cache.per_version(counted_table, first.id, "x").loc[0, "tag"] == "x"
    cache.per_version(counted_table, first.id, "y")
    cache.per_version(counted_table, second.id, "x")
    assert len(CALLS) == 3  # other arguments, another version: computed for them
    assert list(cache.per_version(counted_table, second.id, "x")["budget"]) == list(a["budget"])
    store.dispose()
