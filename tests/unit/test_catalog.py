"""The store across evaluations: the alias table with its history, the listing, duplicate detection
(SQLite, and PostgreSQL when EVALBOARD_TEST_POSTGRES_URL is set)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from evalcore import catalog
from evalcore.auth import Actor, PermissionDenied
from evalcore.store import StoreError
from evalcore.workbook import read_workbook, workbook_bytes

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "changsha_2023.xlsx"
EVALUATOR = Actor("王评价", "evaluator", "password")
VIEWER = Actor("李查看", "viewer", "password")


def test_alias_history(store) -> None:
    a = catalog.set_alias(store, "长沙市大数据中心", "长沙市数据资源中心", by=EVALUATOR, note="2024 年更名")
    assert a.active and a.created_by == "王评价"
    b = catalog.set_alias(store, " 长沙市大数据中心 ", "长沙市数据中心", by=EVALUATOR)  # the same alias, edited
    now = catalog.aliases(store)
    assert [(x.alias, x.canonical) for x in now] == [("长沙市大数据中心", "长沙市数据中心")]
    history = catalog.aliases(store, history=True)
    assert [x.id for x in history] == [a.id, b.id]
    assert history[0].retired_by == "王评价" and history[0].retired_at is not None
    retired = catalog.retire_alias(store, b.id, by=EVALUATOR)
    assert not retired.active and catalog.aliases(store) == []
    with pytest.raises(StoreError, match="已停用"):
        catalog.retire_alias(store, b.id, by=EVALUATOR)
    actions = [e.action for e in store.audit_log(actions=["alias_set", "alias_retire"])]
    assert actions == ["alias_retire", "alias_set", "alias_set"]


def test_alias_refusals(store) -> None:
    catalog.set_alias(store, "甲局", "乙局", by=EVALUATOR)
    with pytest.raises(StoreError, match="循环"):
        catalog.set_alias(store, "乙局", "甲局", by=EVALUATOR)
    with pytest.raises(StoreError, match="相同"):
        catalog.set_alias(store, "丙局", "丙 局", by=EVALUATOR)
    with pytest.raises(StoreError, match="不能为空"):
        catalog.set_alias(store, "", "丙局", by=EVALUATOR)
    with pytest.raises(PermissionDenied):
        catalog.set_alias(store, "丁局", "戊局", by=VIEWER)
    assert [(x.alias, x.canonical) for x in catalog.aliases(store)] == [("甲局", "乙局")]


def test_listing_and_duplicates(store) -> None:
    data = SAMPLE.read_bytes()
    ev = read_workbook(data).evaluation
    assert catalog.duplicate_of(store, data, ev) is None
    v1 = store.publish(data, file_name="changsha.xlsx", by=EVALUATOR)
    assert catalog.duplicate_of(store, data, ev).id == v1.id  # the same bytes
    resaved = workbook_bytes(ev)  # the same data in other bytes
    assert resaved != data and catalog.duplicate_of(store, resaved, ev).id == v1.id
    other = dataclasses.replace(ev, meta=dataclasses.replace(ev.meta, conclusion="改过的结论"))
    assert catalog.duplicate_of(store, workbook_bytes(other), other) is None
    [row] = catalog.listing(store)
    assert (row.kind, row.kind_inferred, row.units) == ("重点项目", True, 2)
    assert str(row.budget) == "14331.38" and row.as_dict()["budget"] == "14331.38"
    assert row.as_dict()["archived"] is False
