"""The publish on PostgreSQL sends its writes in one pipeline (evalcore.store.evaluations: the evaluation's lock and
the new version's ids in one round trip, then the version, its facts, the totals' shift and the audit entry awaited
once; issue 23's publish time). These tests check that it stores exactly what the plain path stores: the same
rows in every table a publish writes (the plain path is SQLite's, which runs every statement through SQLAlchemy
one by one), the same VersionInfo as reading the version back, the workbook's bytes as the record; and that a
failure at the pipeline's end leaves nothing behind.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
import sqlalchemy as sa

import evalcore.store.audit as audit_module
import evalcore.store.evaluations as evaluations
from evalcore.auth import Actor
from evalcore.facts.bulk import Native
from evalcore.store import Store
from evalcore.tables import METADATA
from evalcore.workbook import workbook_bytes
from sample_data.synth import synthetic_evaluation
from tests.unit.test_archive import SAMPLE, variant

ADMIN = Actor("管理员", "admin")
# every table a publish writes; surrogate row ids left out (the order of the rows is compared instead)
WRITTEN = ("evaluations", "versions", "audit_log", *sorted(t for t in METADATA.tables if t.startswith("fact_")))


def _clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """One fixed "now" per publish, the same on both stores (the timestamps are compared too); returns the
    function that moves it on."""
    ticks: Iterator[dt.datetime] = (dt.datetime(2025, 3, 1, 8, 0, 0, 123456, tzinfo=dt.UTC) + dt.timedelta(seconds=i)
                                    for i in range(10_000))
    state = {"now": next(ticks)}
    monkeypatch.setattr(evaluations, "_now", lambda: state["now"])
    monkeypatch.setattr(audit_module, "_now", lambda: state["now"])

    def tick() -> None:
        state["now"] = next(ticks)
    return tick


def _rows(s: Store) -> dict[str, list[tuple]]:
    """Every row of the tables a publish writes, the evaluation named by its natural key (PostgreSQL's sequence
    also moves on for an ``INSERT … ON CONFLICT DO NOTHING`` that inserts nothing, SQLite's does not)."""
    out = {}
    with s.engine.connect() as conn:
        keys = dict(conn.execute(sa.select(METADATA.tables["evaluations"].c.id,
                                           METADATA.tables["evaluations"].c.natural_key)).all())
        for name in WRITTEN:
            t = METADATA.tables[name]
            cols = [c for c in t.columns if not (c.primary_key and c.name == "id")]
            order = list(t.primary_key.columns)
            out[name] = [tuple(keys.get(v) if c.name == "evaluation_id" else
                               Decimal(str(v)) if isinstance(v, Decimal | float) else v
                               for c, v in zip(cols, r, strict=True))
                         for r in conn.execute(sa.select(*cols).order_by(*order))]
    return out


def _workbooks() -> list[bytes]:
    synthetic = []
    for i, region in enumerate(("甲市", "甲市", "丙区")):  # 50 units: 甲市's evaluation twice (other figures), 丙区's
        ev = synthetic_evaluation(units=50, projects_per_unit=1, indicators=10, experts=1, problems=12, seed=i)
        meta = dataclasses.replace(ev.meta, title=f"2023年度{region}重点绩效评价（合成数据）", region=region)
        synthetic.append(workbook_bytes(dataclasses.replace(ev, meta=meta)))
    # the seed, a 50-unit evaluation, another version of each (the totals shift from one version to the next)
    return [SAMPLE.read_bytes(), synthetic[0], variant(数据来源="第二版的数据来源"), synthetic[1], synthetic[2]]


def test_the_pipelined_publish_stores_what_the_plain_path_stores(stores, tmp_path, monkeypatch) -> None:
    from tests import pg

    tick = _clock(monkeypatch)
    books = _workbooks()
    with pg.new_database(pg.admin_url_or_skip("the pipelined publish"), "evalboard_test") as url:
        plain, piped = stores(f"sqlite:///{tmp_path / 'plain.db'}"), stores(url)
        for i, data in enumerate(books):
            got = []
            for s in (plain, piped):
                got.append(s.publish(data, file_name=f"第{i}份.xlsx", by=ADMIN, note=f"说明 {i}"))
            tick()
            a, b = got
            assert b == dataclasses.replace(a, evaluation_id=b.evaluation_id)  # the same version (id, number, …)
            assert piped.evaluation(b.evaluation_id).title == plain.evaluation(a.evaluation_id).title
            assert b == piped.version(b.id)  # what reading it back gives
            assert piped.workbook(b.id) == data  # the record: the bytes as published
        assert piped.backend == "postgresql"
        assert _rows(piped) == _rows(plain)


def test_a_failure_at_the_pipelines_end_leaves_nothing(db_url: str, stores, monkeypatch) -> None:
    """The audit entry is the pipeline's last statement: its error raises at the one wait, after the version, the
    facts and the totals were sent; the transaction then leaves none of them."""
    s = stores(db_url)
    s.publish(SAMPLE.read_bytes(), file_name="a.xlsx", by=ADMIN)
    before = _rows(s)
    broken = Native(b"INSERT INTO audit_log (no_such_column) VALUES ($1)", ("at",))

    def fail(conn, actor, action, summary, **kw):  # noqa: ANN001, ANN003
        if s.backend == "postgresql":
            evaluations.run_native(conn, [(broken, {"at": None})])
        else:
            conn.execute(sa.text("INSERT INTO audit_log (no_such_column) VALUES (1)"))

    monkeypatch.setattr(Store, "_audit", staticmethod(fail))
    with pytest.raises(Exception, match="no_such_column"):
        s.publish(variant(数据来源="第二版的数据来源"), file_name="b.xlsx", by=ADMIN)
    assert _rows(s) == before
    assert [v.number for v in s.versions(s.evaluations()[0].id)] == [1]


def test_the_direct_sqlite_publish_stores_what_sqlalchemy_stores(stores, tmp_path, monkeypatch) -> None:
    """SQLite runs the publish's fixed statements on the driver's cursor (``bulk.SQLITE_DIRECT``): the same rows in
    every table a publish writes as with every statement through SQLAlchemy (the switch off), the same VersionInfo
    as reading it back, the bytes as published; a rollback, a re-publish of the active bytes (refused) and an
    evaluator's refused rollback (its audit entry) too."""
    from evalcore.facts import bulk

    tick = _clock(monkeypatch)
    books = _workbooks()
    plain, fast = stores(f"sqlite:///{tmp_path / 'plain.db'}"), stores(f"sqlite:///{tmp_path / 'fast.db'}")

    def on(s: Store) -> None:
        monkeypatch.setattr(bulk, "SQLITE_DIRECT", s is fast)

    for i, data in enumerate(books):
        got = []
        for s in (plain, fast):
            on(s)
            got.append(s.publish(data, file_name=f"第{i}份.xlsx", by=ADMIN, note=f"说明 {i}"))
        tick()
        a, b = got
        assert a == b
        on(fast)
        assert b == fast.version(b.id)
        assert fast.workbook(b.id) == data
    for s in (plain, fast):
        on(s)
        with pytest.raises(evaluations.StoreError):
            s.publish(books[-1], file_name="again.xlsx", by=ADMIN)
        eid = next(e.id for e in s.evaluations() if len(s.versions(e.id)) > 1)
        first = s.versions(eid)[-1].id
        s.rollback(eid, first, by=ADMIN, note="回到第一版")
        with pytest.raises(Exception, match="权限|无权|不能|denied|permission"):
            s.rollback(eid, first, by=Actor("评价员", "evaluator"))
    tick()
    on(fast)
    assert _rows(fast) == _rows(plain)
    assert len(_rows(fast)["audit_log"]) == len(books) + 2


def test_the_sqlite_rows_are_bound_as_each_column_binds_them() -> None:
    """``bulk._positional_rows`` (values by ``itemgetter``, ExactDecimal's text in one call) gives, for every table a
    publish inserts, what binding each value through its column's own processor gave (the code it replaced)."""
    from sqlalchemy.dialects import sqlite

    from evalcore.facts import bulk
    from evalcore.facts.rollup import rollup_parts
    from evalcore.facts.rows import dimensions_document, facts_of
    from evalcore.store.evaluations import validated_scored
    from evalcore.tables import (
        T_FACT_DIM_SET,
        T_FACT_EVAL,
        T_FACT_GRADE,
        T_FACT_PROBLEM,
        T_FACT_REC,
        T_FACT_RECT,
        T_FACT_RECT_CHANGE,
        T_FACT_UNIT,
    )

    dialect = sqlite.dialect()
    seen = set()
    for data in _workbooks():
        ev, scores = validated_scored(data)
        f = facts_of(ev, scores)
        parts = [(T_FACT_EVAL, [f.evaluation]), (T_FACT_UNIT, f.units),
                 (T_FACT_DIM_SET, [{"dimensions": dimensions_document(f.dimensions)}] if f.dimensions else []),
                 (T_FACT_PROBLEM, f.problems), (T_FACT_REC, f.recommendations), (T_FACT_RECT, f.rectifications),
                 (T_FACT_GRADE, f.grades), (T_FACT_RECT_CHANGE, f.rect_changes),
                 *rollup_parts(7, 9, f.units, f.rectifications, f.problems)]
        for table, rows in parts:
            if not rows:
                continue
            rows = [{**r, **{k: v for k, v in (("version_id", 9), ("evaluation_id", 7)) if k in table.c}}
                    for r in rows]
            names = tuple(rows[0])
            _, order = bulk._positional_insert(table, names, False, dialect)
            _, getter, conversions = bulk._positional_plan(table, names, False, dialect)
            expected = [tuple(r[n] if p is None else p(r[n]) for n, p in order) for r in rows]
            assert [tuple(v) for v in bulk._positional_rows(rows, getter, conversions)] == expected, table.name
            seen.add(table.name)
    assert {"fact_units", "fact_rectifications", "fact_evaluations", "fact_rollups"} <= seen
