"""The archive (issue 23): facts written when a version is stored, on SQLite and PostgreSQL.

The seed's figures are the oracle (14331.38 万元, 市数据局 82.69% and 86.98 良 …); publish, 整改 update, rollback
and restore write or point the facts in the same transaction; the upgrade step fills the facts of versions
stored before the tables existed and lists (never drops) a version the reader refuses; and the queries give
what the in-memory portfolio (:func:`evalcore.portfolio.build`) gives on the first-run samples.
"""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pytest
import sqlalchemy as sa

import sample_data
from evalcore import backup, portfolio, scoring
from evalcore.archive import query as Q
from evalcore.auth import SYSTEM_ACTOR, Actor
from evalcore.catalog import ensure_samples, set_alias
from evalcore.facts.rows import dimension_rows, facts_of
from evalcore.facts.upgrade import attention, missing
from evalcore.numbers import fmt_rate, fmt_score
from evalcore.problem_themes import theme_counts_by_year
from evalcore.store import METADATA, MIGRATIONS, Store, schema
from evalcore.tables import T_FACT_DIM, T_FACT_DIM_SET, T_FACT_EVAL, T_FACT_UNIT, T_FACT_VER, T_VER
from evalcore.workbook import read_workbook

SAMPLE = sample_data.WORKBOOK
GROUP = Actor("评价组", "evaluator")
ADMIN = Actor("王五", "admin")
AS_OF = dt.date(2024, 9, 1)


def variant(**meta: object) -> bytes:
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb["评价信息"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in meta:
            row[1].value = meta[row[0].value]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def fact_units(s: Store, version_id: int) -> dict[str, sa.Row]:
    with s.reading() as conn:
        facts_version = conn.scalar(sa.select(T_FACT_VER.c.facts_of).where(T_FACT_VER.c.version_id == version_id))
        rows = conn.execute(sa.select(T_FACT_UNIT).where(T_FACT_UNIT.c.version_id == facts_version)).all()
    return {r.unit: r for r in rows}


def test_the_seed_facts_are_exact(ev) -> None:
    f = facts_of(ev)
    e = f.evaluation
    assert (e["budget"], e["executed"]) == (D("14331.38"), D("13563.60"))
    assert (e["year"], e["region"], e["kind"], e["kind_inferred"]) == (2023, "长沙市", "重点项目", True)
    assert (e["units"], e["grade_liang"], e["grade_you"], e["problems"], e["rect_items"]) == (2, 2, 0, 19, 19)
    units = {u["unit"]: u for u in f.units}
    bureau = units["市数据局"]
    assert (bureau["budget"], bureau["executed"]) == (D("3400.06"), D("2811.47"))
    assert fmt_rate(bureau["rate"]) == "82.69%" and fmt_score(bureau["score"]) == "86.98"
    assert (bureau["grade"], bureau["grade_stated"], bureau["name_key"]) == ("良", True, "长沙市数据局")
    assert fmt_rate(units["市数据中心"]["rate"]) == "98.36%"
    assert not units["数智科技集团"]["counted"]  # named in a finding, neither funded nor scored
    assert {d["name"] for d in f.dimensions if d["unit"] == "市数据局"} >= {"决策", "过程", "产出"}
    assert f.problems[0]["theme"] == "资金使用管理" and len(f.recommendations) == 18


@pytest.mark.parametrize("path", sample_data.first_run({"EVALBOARD_SAMPLES": "all"}), ids=lambda p: p.stem)
def test_facts_from_the_scores_validation_computed_equal_those_computed_afresh(path) -> None:
    result = read_workbook(path.read_bytes())
    assert result.ok and result.unit_scores is not None
    ev = result.evaluation
    assert result.unit_scores == scoring.all_unit_scores(ev)
    assert facts_of(ev, result.unit_scores) == facts_of(ev)


def test_a_publish_scores_the_units_once(db_url: str, stores, monkeypatch) -> None:
    """The facts reuse the unit scores of the publish's validation instead of scoring every unit again."""
    s = stores(db_url)
    calls = []
    real = scoring.all_unit_scores

    def counted(ev):
        calls.append(ev.meta.title)
        return real(ev)

    monkeypatch.setattr(scoring, "all_unit_scores", counted)
    v1 = s.publish(SAMPLE.read_bytes(), file_name="v1.xlsx", by=GROUP)
    assert len(calls) == 1
    assert fact_units(s, v1.id)["市数据局"].score == D("86.98")


def test_publish_writes_the_facts_in_its_transaction(db_url: str, stores) -> None:
    s = stores(db_url)
    v1 = s.publish(SAMPLE.read_bytes(), file_name="v1.xlsx", by=GROUP)
    bureau = fact_units(s, v1.id)["市数据局"]
    assert bureau.budget == D("3400.06") and bureau.executed == D("2811.47") and bureau.score == D("86.98")
    k = Q.kpis(s, Q.ALL, AS_OF)
    assert (k.evaluations, k.budget, k.executed, k.grades["良"]) == (1, D("14331.38"), D("13563.60"), 2)
    units = Q.unit_facts(s).set_index("unit")  # the per-unit API other pages use
    assert units.loc["市数据局", "score"] == D("86.98") and units.loc["市数据局", "grade"] == "良"
    assert units.loc["市数据中心", "budget"] == D("10931.32") and not units.loc["数智科技集团", "counted"]
    dims = Q.unit_dimensions(s, [v1.evaluation_id])
    assert {"决策", "过程", "产出"} <= set(dims[dims["unit"] == "市数据局"]["name"])
    assert fmt_rate(k.rate) == "94.64%"


def _dimension_sets(s: Store) -> dict[int, tuple[int, str]]:
    with s.reading() as conn:
        return {r.version_id: (r.evaluation_id, r.dimensions) for r in conn.execute(sa.select(T_FACT_DIM_SET))}


def test_the_dimension_scores_are_one_document_per_version_with_every_row(db_url: str, stores,
                                                                          monkeypatch) -> None:
    """Schema version 13: a version's 一级指标 scores per unit are one row (a JSON document), read back as the
    rows ``facts_of`` gives (exact decimals, in order); a store written before (a row per unit and indicator in
    ``fact_unit_dimensions``) upgrades to the same documents with nothing else changed, and the migration reruns
    without a change."""
    monkeypatch.setenv("EVALBOARD_SAMPLES", "all")
    s = stores(db_url)
    ensure_samples(s, sample_data.first_run())
    scored = 0
    for info in s.evaluations():
        expected = [{"evaluation_id": info.id, "year": info.year, **row}
                    for row in facts_of(s.load(info.active_version_id)).dimensions]
        assert Q.unit_dimensions(s, [info.id]).to_dict("records") == expected
        scored += bool(expected)
    every = Q.unit_dimensions(s).to_dict("records")
    sets = _dimension_sets(s)
    assert len(sets) == scored >= 1 and len(every) >= 8  # versions without scores have no document
    with s.reading() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(T_FACT_DIM)) == 0  # no longer written
    kept = [t.name for t in METADATA.sorted_tables if t.name not in ("schema_version", "fact_dimension_sets",
                                                                      "fact_unit_dimensions")]

    def contents(store: Store) -> dict[str, list[tuple]]:
        with store.reading() as conn:
            return {t: sorted(map(tuple, conn.execute(sa.select(METADATA.tables[t]))), key=repr) for t in kept}

    before = contents(s)
    with s.engine.begin() as conn:  # the store as schema version 12 wrote it
        for vid, (eid, document) in sorted(sets.items()):
            conn.execute(sa.insert(T_FACT_DIM), [{"version_id": vid, "evaluation_id": eid, **row}
                                                 for row in dimension_rows(document)])
        conn.execute(sa.text("DROP TABLE fact_dimension_sets"))
        conn.execute(sa.text("DELETE FROM schema_version WHERE version > 12"))
    s.dispose()
    upgraded = stores(db_url)  # opening runs migration 13
    assert upgraded.schema_version() == schema.SCHEMA_VERSION >= 13
    assert _dimension_sets(upgraded) == sets and Q.unit_dimensions(upgraded).to_dict("records") == every
    assert contents(upgraded) == before
    with upgraded.reading() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(T_FACT_DIM)) == 0
    with upgraded.engine.begin() as conn:
        {version: step for version, _, step in MIGRATIONS}[13](conn)  # rerun-safe
    assert _dimension_sets(upgraded) == sets and contents(upgraded) == before


def test_rectification_update_and_rollback_point_the_facts(db_url: str, stores) -> None:
    s = stores(db_url)
    v1 = s.publish(SAMPLE.read_bytes(), file_name="v1.xlsx", by=GROUP)
    ev = s.load(v1.id)
    open_item = next(it for it in ev.rectification if it.status not in ev.meta.closed_statuses)
    later, earlier = dt.date(2025, 7, 1), dt.date(2025, 5, 1)
    before = Q.kpis(s, Q.ALL, later).rect_closed
    before_earlier = Q.kpis(s, Q.ALL, earlier).rect_closed
    v2 = s.update_rectification(v1.evaluation_id, open_item.id, base_version_id=v1.id, status="已整改",
                                progress=D(100), note="完成", evidence="文号", by=GROUP, on=dt.date(2025, 6, 1))
    assert Q.kpis(s, Q.ALL, later).rect_closed == before + 1  # the new version's facts are active
    assert Q.kpis(s, Q.ALL, earlier).rect_closed == before_earlier  # as of a day before the change
    with s.reading() as conn:
        rows_before = conn.scalar(sa.select(sa.func.count()).select_from(T_FACT_UNIT))
    v3 = s.rollback(v1.evaluation_id, v1.id, by=ADMIN)
    with s.reading() as conn:
        pointer = conn.execute(sa.select(T_FACT_VER).where(T_FACT_VER.c.version_id == v3.id)).one()
        rows_after = conn.scalar(sa.select(sa.func.count()).select_from(T_FACT_UNIT))
    assert (pointer.facts_of, pointer.state) == (v1.id, "ok") and rows_after == rows_before  # a pointer only
    assert Q.kpis(s, Q.ALL, later).rect_closed == before
    assert v2.id != v3.id


def test_a_failed_publish_leaves_no_facts(db_url: str, stores, monkeypatch) -> None:
    s = stores(db_url)
    import evalcore.store.evaluations as evaluations

    def boom(*args, **kwargs):
        raise RuntimeError("写入中断")

    monkeypatch.setattr(evaluations, "write_facts", boom)
    with pytest.raises(RuntimeError):
        s.publish(SAMPLE.read_bytes(), file_name="v1.xlsx", by=GROUP)
    with s.reading() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(T_VER)) == 0
        assert conn.scalar(sa.select(sa.func.count()).select_from(T_FACT_EVAL)) == 0


def _forget_facts(s: Store) -> None:
    """Make the store look like one written before schema version 5: version 4, none of the tables the later
    migrations add (the fact tables among them; users.email stays: migration 6 adds it only where it is missing)."""
    with sa.create_engine("sqlite://").begin() as conn:  # the tables migrations 1-4 create
        for version, _, migrate in MIGRATIONS:
            if version <= 4:
                migrate(conn)
        up_to_4 = set(sa.inspect(conn).get_table_names())
    with s.engine.begin() as conn:
        for table in reversed(METADATA.sorted_tables):
            if table.name not in up_to_4:
                conn.execute(sa.text(f"DROP TABLE {table.name}"))
        conn.execute(sa.text("DROP INDEX ix_evaluations_active_version"))
        conn.execute(sa.text("DELETE FROM schema_version WHERE version > 4"))


def test_the_upgrade_fills_old_versions_and_lists_an_unreadable_one(db_url: str, stores) -> None:
    s = stores(db_url)
    v1 = s.publish(SAMPLE.read_bytes(), file_name="v1.xlsx", by=GROUP)
    other = s.publish(variant(年度=2024), file_name="2024.xlsx", by=GROUP)
    v2 = s.publish(variant(数据来源="二"), file_name="v2.xlsx", by=GROUP)
    s.publish(variant(数据来源="三"), file_name="v3.xlsx", by=GROUP)
    back = s.rollback(v1.evaluation_id, v2.id, by=ADMIN)
    expected = Q.kpis(s, Q.ALL, AS_OF)
    with s.engine.begin() as conn:  # a version the current reader refuses (stored by an older program, say)
        conn.execute(sa.update(T_VER).where(T_VER.c.id == other.id).values(data=b"PK\x03\x04 broken"))
    _forget_facts(s)
    s.dispose()

    upgraded = stores(db_url)  # opening runs migration 5 and fills the facts of every stored version
    assert upgraded.schema_version() == schema.SCHEMA_VERSION and missing(upgraded) == []
    found = attention(upgraded)
    assert [(a.version_id, a.active) for a in found] == [(other.id, True)]
    assert "2024" in found[0].label and found[0].note
    assert upgraded.version(other.id).size > 0  # kept, not dropped
    assert Q.overview(upgraded).unreadable == 1
    k = Q.kpis(upgraded, Q.ALL, AS_OF)  # the refused evaluation is left out; the other's figures are intact
    assert k.evaluations == 1 and k.budget == D("14331.38")
    assert expected.evaluations == 2
    with upgraded.reading() as conn:  # the rollback version points at the facts of the version it copies
        pointer = conn.scalar(sa.select(T_FACT_VER.c.facts_of).where(T_FACT_VER.c.version_id == back.id))
    assert pointer == v2.id
    assert stores(db_url).fill_facts().total == 0  # once


def test_restore_brings_the_facts_back(db_url: str, stores, tmp_path) -> None:
    s = stores(db_url)
    s.publish(SAMPLE.read_bytes(), file_name="v1.xlsx", by=GROUP)
    out = tmp_path / "b.evalboard"
    backup.backup(s, out)
    target = stores(f"sqlite:///{tmp_path / 'restored.db'}")
    backup.restore(target, out, trust=True)  # another store: its signing key differs
    assert Q.kpis(target, Q.ALL, AS_OF) == Q.kpis(s, Q.ALL, AS_OF)
    assert fact_units(target, target.evaluations()[0].active_version_id)["市数据局"].budget == D("3400.06")


def binned(values, start: int, stop: int, size: int) -> list[int]:
    """Counts in [start + k·size, start + (k+1)·size) up to ``stop`` (plotly's histogram bins)."""
    out = [0] * ((stop - start) // size)
    for v in values:
        if start <= v < stop:
            out[int((v - start) // size)] += 1
    return out


def test_the_queries_give_the_in_memory_portfolio_on_the_samples(db_url: str, stores, monkeypatch) -> None:
    monkeypatch.setenv("EVALBOARD_SAMPLES", "all")
    s = stores(db_url)
    ensure_samples(s, sample_data.first_run())
    set_alias(s, "南县财政局", "益阳市南县财政局", by=SYSTEM_ACTOR)
    aliases = [("南县财政局", "益阳市南县财政局")]
    entries = [portfolio.Entry(i.id, i.active_version_id, s.load(i.active_version_id)) for i in s.evaluations()]
    for as_of in (dt.date(2021, 6, 1), AS_OF, dt.date(2026, 1, 1)):
        p = portfolio.build(entries, as_of, aliases)
        for flt in ({}, {"years": [2021]}, {"search": "南县 2022"}, {"regions": ["长沙市"]}):
            sub = portfolio.subset(p, portfolio.filter_ids(p.evaluations, **flt))
            f = Q.Filters.of(**flt)
            assert Q.kpis(s, f, as_of, aliases) == portfolio.kpis(sub), flt
            assert Q.grades_by_year(s, f).equals(portfolio.grades_by_year(sub.units))
            assert (Q.funds_by_grade(s, f).to_dict("records")
                    == portfolio.funds_by_grade(sub.units).to_dict("records"))
            assert (Q.theme_counts(s, f).to_dict("records")
                    == theme_counts_by_year(sub.themes).to_dict("records"))
            rate_bins, score_bins = Q.histograms(s, f)
            rates = [v for v, ok in zip(sub.units["rate"], sub.units["rate_complete"], strict=True) if ok]
            scores = [v for v in sub.units["score"] if v is not None and v == v]
            assert list(rate_bins["count"]) == binned(rates, 0, 110, 10)
            assert list(score_bins["count"]) == binned(scores, 40, 105, 5)
            page = Q.evaluations(s, f, as_of, limit=None)
            assert sorted(page["evaluation_id"]) == sorted(sub.evaluations["evaluation_id"])
            cols = ["rect_items", "rect_closed", "overdue", "budget", "units", "problems"]
            assert (page.sort_values("evaluation_id")[cols].to_dict("records")
                    == sub.evaluations.sort_values("evaluation_id")[cols].to_dict("records"))
    nanxian = next(e.id for e in entries if e.evaluation.meta.year == 2020)
    recurring = Q.recurring(s, nanxian, aliases)
    assert list(recurring["identity"]) == ["益阳市南县财政局"] and list(recurring["years"]) == [3]
    trend = portfolio.unit_trend(Q.unit_history(s, "益阳市南县财政局", aliases), "益阳市南县财政局")
    assert list(trend["year"]) == [2020, 2021, 2022] and set(trend["via"]) == {"别名（南县财政局）"}
    assert trend.to_dict("records") == portfolio.unit_trend(p.units, "益阳市南县财政局").to_dict("records")


def test_the_evaluations_table_is_paged_in_the_database(db_url: str, stores, monkeypatch) -> None:
    monkeypatch.setenv("EVALBOARD_SAMPLES", "all")
    s = stores(db_url)
    ensure_samples(s, sample_data.first_run())
    everything = list(Q.evaluations(s, Q.ALL, AS_OF, limit=None)["evaluation_id"])
    pages = [list(Q.evaluations(s, Q.ALL, AS_OF, offset=o, limit=3)["evaluation_id"]) for o in (0, 3, 6)]
    assert sum(pages, []) == everything and len(everything) == 7
    newest = max(s.evaluations(), key=lambda i: (i.updated_at, i.id))
    assert Q.latest_evaluation_id(s) == newest.id
    years = list(Q.evaluations(s, Q.ALL, AS_OF, limit=None)["year"])
    assert years == sorted(years, reverse=True)


def test_the_upgrade_command_lists_what_needs_attention(tmp_path, run_cli) -> None:
    db = tmp_path / "cli.db"
    s = Store.sqlite(db)
    s.publish(SAMPLE.read_bytes(), file_name="v1.xlsx", by=GROUP)
    bad = s.publish(variant(年度=2024), file_name="2024.xlsx", by=GROUP)
    with s.engine.begin() as conn:
        conn.execute(sa.update(T_VER).where(T_VER.c.id == bad.id).values(data=b"not a workbook"))
    s.dispose()
    done = run_cli("upgrade", "--refresh", db=db)
    assert done.returncode == 0, done.stderr
    assert "本次写入事实表的版本 2 个（解析 1 个，回滚版本沿用原版本 0 个，无法读取 1 个）" in done.stdout
    assert f"版本编号 {bad.id}，当前版本" in done.stdout and "需要处理的版本 1 个" in done.stdout
    again = run_cli("upgrade", db=db)
    assert "本次写入事实表的版本 0 个" in again.stdout and "需要处理的版本 1 个" in again.stdout


def test_deadlines_by_unit_count_open_items_overdue_and_due_soon(db_url: str, stores, monkeypatch) -> None:
    """整改 deadlines on 评价总览 (issue 25): per responsible unit, the open items past their deadline and those due
    within N days, in SQL over the facts; the oracle counts the same from the evaluations themselves."""
    monkeypatch.setenv("EVALBOARD_SAMPLES", "all")
    s = stores(db_url)
    ensure_samples(s, sample_data.first_run())
    evs = [s.load(i.active_version_id) for i in s.evaluations()]
    for as_of, days in ((dt.date(2024, 12, 15), 30), (dt.date(2025, 6, 1), 60), (dt.date(2027, 3, 1), 45)):
        expected: dict[str, list[int]] = {}
        for ev in evs:
            closed = ev.meta.closed_statuses
            for it in ev.rectification:
                if it.status in closed or it.deadline is None:
                    continue
                late = it.deadline < as_of
                soon = as_of <= it.deadline <= as_of + dt.timedelta(days=days)
                if late or soon:
                    counts = expected.setdefault(it.unit or "", [0, 0])
                    counts[0] += late
                    counts[1] += soon
        got, total = Q.deadlines_by_unit(s, Q.ALL, as_of, days, limit=1000)
        assert total == len(expected) and total > 0
        assert {r["unit"]: [r["overdue"], r["soon"]] for r in got.to_dict("records")} == expected
        assert list(got["overdue"]) == sorted(got["overdue"], reverse=True)  # the most overdue first
        top, _ = Q.deadlines_by_unit(s, Q.ALL, as_of, days, limit=2)
        assert len(top) == min(2, total)
