"""The per-version roll-ups (issue 23, migration 11), on SQLite and PostgreSQL.

Oracle: the evaluations themselves. Each active version's roll-up row equals what its own workbook gives (unit
rates and scores in the page's bins from the in-memory portfolio, the 整改 items' dates and deadlines, the
problem themes); the portfolio's figures read from them equal :func:`evalcore.portfolio.build` on days where the
roll-ups answer and on days where some versions must be counted from their items, after a 整改 update, a
rollback (a pointer: no roll-up rows written) and a republish; migration 11 and the upgrade fill them again
exactly, and rerunning them changes nothing.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

import sample_data
from evalcore import portfolio
from evalcore.archive import query as Q
from evalcore.auth import SYSTEM_ACTOR, Actor
from evalcore.catalog import ensure_samples, set_alias
from evalcore.facts import rollup
from evalcore.facts.upgrade import fill, fill_rollups
from evalcore.problem_themes import theme_counts_by_year
from evalcore.store import Store, schema
from evalcore.tables import T_FACT_ROLLUP, T_FACT_ROLLUP_THEME, T_FACT_UNIT_NAME, T_FACT_VER
from tests.unit.test_archive import SAMPLE, binned, variant

MIGRATION_11 = {version: step for version, _, step in schema.MIGRATIONS}[11]
GROUP = Actor("评价组", "evaluator")
ADMIN = Actor("王五", "admin")
ALIASES = [("南县财政局", "益阳市南县财政局")]
DAYS = (dt.date(2021, 6, 1), dt.date(2024, 9, 1), dt.date(2025, 1, 10), dt.date(2027, 5, 1))


@pytest.fixture
def samples(db_url: str, stores, monkeypatch) -> Store:
    monkeypatch.setenv("EVALBOARD_SAMPLES", "all")
    s = stores(db_url)
    ensure_samples(s, sample_data.first_run())
    set_alias(s, "南县财政局", "益阳市南县财政局", by=SYSTEM_ACTOR)
    return s


def in_memory(s: Store, as_of: dt.date) -> portfolio.Portfolio:
    entries = [portfolio.Entry(i.id, i.active_version_id, s.load(i.active_version_id)) for i in s.evaluations()]
    return portfolio.build(entries, as_of, ALIASES)


def rows(s: Store, table: sa.Table) -> list[tuple]:
    with s.reading() as conn:
        return sorted(tuple(r) for r in conn.execute(sa.select(table)))


def all_rollups(s: Store) -> tuple[list, list, list]:
    return rows(s, T_FACT_ROLLUP), rows(s, T_FACT_ROLLUP_THEME), rows(s, T_FACT_UNIT_NAME)


def expected_deadlines(s: Store, as_of: dt.date, days: int) -> dict[str, list[int]]:
    """unit -> [open items overdue on the day, open items due within ``days``, evaluations naming the unit], from
    the active versions' own 整改 items, for the units with any overdue or due soon."""
    found: dict[str, list] = {}
    for info in s.evaluations():
        ev = s.load(info.active_version_id)
        for it in ev.rectification:
            counts = found.setdefault(it.unit or "", [0, 0, set()])
            counts[2].add(info.id)
            if it.status in ev.meta.closed_statuses or it.deadline is None:
                continue
            counts[0] += it.deadline < as_of
            counts[1] += as_of <= it.deadline <= as_of + dt.timedelta(days=days)
    return {u: [a, b, len(e)] for u, (a, b, e) in found.items() if a or b}


def assert_portfolio_figures(s: Store, days=DAYS) -> None:
    """Every figure the roll-ups serve equals the in-memory portfolio of the active versions (and the 整改
    deadlines per unit equal those counted from the evaluations' items)."""
    for as_of in days:
        for window in (30, 200):
            got, total = Q.deadlines_by_unit(s, Q.ALL, as_of, window, limit=1000)
            expected = expected_deadlines(s, as_of, window)
            assert {r["unit"]: [r["overdue"], r["soon"], r["evaluations"]] for r in got.to_dict("records")} == expected
            assert total == len(expected)
        p = in_memory(s, as_of)
        assert Q.kpis(s, Q.ALL, as_of, ALIASES) == portfolio.kpis(p), as_of
        rate_bins, score_bins = Q.histograms(s, Q.ALL)
        rates = [v for v, ok in zip(p.units["rate"], p.units["rate_complete"], strict=True) if ok]
        scores = [v for v in p.units["score"] if v is not None and v == v]
        assert list(rate_bins["count"]) == binned(rates, 0, 110, 10)
        assert list(score_bins["count"]) == binned(scores, 40, 105, 5)
        assert Q.theme_counts(s, Q.ALL).to_dict("records") == theme_counts_by_year(p.themes).to_dict("records")
        order = {e: i for i, e in enumerate(Q.evaluation_ids(s))}  # the page's order of evaluations
        for theme, items in p.themes.groupby("theme"):
            for limit in (3, 200):
                found = Q.theme_rows(s, Q.ALL, theme, limit=limit)
                assert (found.total, found.evaluations) == (len(items), items["evaluation_id"].nunique()), theme
                assert found.categories == sorted(set(items["category"])), theme
                ranked = items.assign(rank=items["evaluation_id"].map(order)).sort_values(["rank"], kind="stable")
                assert (list(zip(found.rows["evaluation_id"], found.rows["text"], strict=True))
                        == list(zip(ranked["evaluation_id"], ranked["text"], strict=True))[:limit]), theme
        rect, total = Q.rectification_by_evaluation(s, Q.ALL, as_of, limit=100)
        expected = portfolio.rectification_by_evaluation(p.evaluations)
        cols = ["evaluation_id", "rect_items", "rect_closed", "overdue"]
        assert (rect.sort_values("evaluation_id")[cols].to_dict("records")
                == expected.sort_values("evaluation_id")[cols].to_dict("records")), as_of
        assert total == len(expected)
        page = Q.evaluations(s, Q.ALL, as_of, limit=None)
        cols = ["evaluation_id", "rect_items", "rect_closed", "overdue"]
        assert (page.sort_values("evaluation_id")[cols].to_dict("records")
                == p.evaluations.sort_values("evaluation_id")[cols].to_dict("records")), as_of


def test_each_rollup_row_is_what_its_evaluation_gives(samples: Store) -> None:
    s = samples
    p = in_memory(s, dt.date(2024, 9, 1))
    with s.reading() as conn:
        facts_of = dict(conn.execute(sa.select(T_FACT_VER.c.version_id, T_FACT_VER.c.facts_of)).all())
        ru = {r.version_id: r for r in conn.execute(sa.select(T_FACT_ROLLUP))}
        rt = conn.execute(sa.select(T_FACT_ROLLUP_THEME)).all()
    infos = s.evaluations()
    assert len(infos) == 7 and len(ru) == 7
    for info in infos:
        ev = s.load(info.active_version_id)
        row = ru[facts_of[info.active_version_id]]
        units = p.units[p.units["evaluation_id"] == info.id]
        rates = [v for v, ok in zip(units["rate"], units["rate_complete"], strict=True) if ok]
        scores = [v for v in units["score"] if v is not None and v == v]
        assert [row._mapping[c] for c in rollup.RATE_COLUMNS] == binned(rates, 0, 110, 10), info.label
        assert [row._mapping[c] for c in rollup.SCORE_COLUMNS] == binned(scores, 40, 105, 5), info.label
        closed = ev.meta.closed_statuses
        changes = [c.date for it in ev.rectification for c in it.history]
        open_deadlines = [it.deadline for it in ev.rectification if it.status not in closed and it.deadline]
        assert row.rect_last_change == max(changes, default=None)
        assert row.rect_open_dated == len(open_deadlines)
        assert (row.rect_open_first_deadline, row.rect_open_last_deadline) == (
            min(open_deadlines, default=None), max(open_deadlines, default=None))
        themes = p.themes[p.themes["evaluation_id"] == info.id]
        mine = {r.theme: (r.categories, r.items) for r in rt if r.version_id == facts_of[info.active_version_id]}
        assert mine == {t: (g["category_no"].nunique(), len(g)) for t, g in themes.groupby("theme")}, info.label
    assert rows(s, T_FACT_UNIT_NAME) == []  # no longer written (nothing reads it since migration 12)


def test_the_figures_are_exact_on_days_the_rollups_answer_and_on_days_they_do_not(samples: Store) -> None:
    s = samples
    answered = {}
    for day in DAYS:
        exact = Q._rect_exact_from_rollup(day)
        with s.reading() as conn:
            answered[day] = (conn.scalar(sa.select(sa.func.count()).select_from(Q.RU).where(exact)),
                             conn.scalar(sa.select(sa.func.count()).select_from(Q.RU).where(sa.not_(exact))))
    assert any(fast for fast, _ in answered.values()) and any(slow for _, slow in answered.values()), answered
    pairs = set()  # (day, window) where some (version, unit) roll-ups answer and some do not
    for day in DAYS:
        for window in (30, 200):
            end = day + dt.timedelta(days=window)
            first, last = Q.RRU.c.open_first_deadline, Q.RRU.c.open_last_deadline
            inside = sa.and_(first.is_not(None), sa.or_(sa.and_(first < day, last >= day),
                                                         sa.and_(first <= end, last > end)))
            with s.reading() as conn:
                if conn.scalar(sa.select(sa.func.count()).select_from(Q.RRU).where(inside)):
                    pairs.add((day, window))
    assert pairs
    assert_portfolio_figures(s)


def test_rollback_moves_a_pointer_and_republish_writes_one_evaluation(db_url: str, stores) -> None:
    s = stores(db_url)
    v1 = s.publish(SAMPLE.read_bytes(), file_name="v1.xlsx", by=GROUP)
    s.publish(variant(年度=2024, 地区="株洲市"), file_name="other.xlsx", by=GROUP)
    ev = s.load(v1.id)
    open_item = next(it for it in ev.rectification if it.status not in ev.meta.closed_statuses)
    v2 = s.update_rectification(v1.evaluation_id, open_item.id, base_version_id=v1.id, status="已整改",
                                progress=D(100), note="完成", evidence="文号", by=GROUP, on=dt.date(2025, 6, 1))
    assert_portfolio_figures(s, DAYS + (dt.date(2025, 6, 1),))
    before = all_rollups(s)
    back = s.rollback(v1.evaluation_id, v1.id, by=ADMIN)
    assert all_rollups(s) == before  # a pointer: no roll-up row written
    with s.reading() as conn:
        assert conn.scalar(sa.select(T_FACT_VER.c.facts_of).where(T_FACT_VER.c.version_id == back.id)) == v1.id
    assert_portfolio_figures(s, DAYS + (dt.date(2025, 6, 1),))
    again = s.publish(variant(数据来源="再次发布"), file_name="v4.xlsx", by=GROUP)
    assert again.evaluation_id == v1.evaluation_id and again.id not in (v1.id, v2.id, back.id)
    after = all_rollups(s)
    added = Counter(r[0] for r in after[0]) - Counter(r[0] for r in before[0])
    assert set(added) == {again.id}  # one version's roll-up row, nothing else rewritten
    assert [r for r in after[0] if r[0] != again.id] == before[0]
    assert_portfolio_figures(s)


@pytest.mark.parametrize("ratio", [0, 10**9], ids=["names-probed", "units-scanned"])
def test_distinct_units_are_the_same_by_either_path(samples: Store, monkeypatch, ratio: int) -> None:
    monkeypatch.setattr(Q, "PROBE_RATIO", ratio)
    for as_of in DAYS[1:3]:
        assert Q.kpis(samples, Q.ALL, as_of, ALIASES) == portfolio.kpis(in_memory(samples, as_of))


def test_migration_11_and_the_upgrade_refill_them_exactly(samples: Store) -> None:
    s = samples
    written = all_rollups(s)
    with s.engine.begin() as conn:
        rollup.delete_rollups(conn)
    assert all_rollups(s) == ([], [], [])
    with s.engine.begin() as conn:
        MIGRATION_11(conn)
        MIGRATION_11(conn)  # rerun-safe: nothing missing, nothing written twice
    assert all_rollups(s) == written
    with s.engine.begin() as conn:  # some missing (a backup from before migration 11, say): the upgrade fills them
        conn.execute(sa.delete(T_FACT_ROLLUP).where(T_FACT_ROLLUP.c.version_id == written[0][0][0]))
        conn.execute(sa.delete(T_FACT_ROLLUP_THEME).where(T_FACT_ROLLUP_THEME.c.version_id == written[0][0][0]))
    assert fill_rollups(s, progress=False) == 1 and fill_rollups(s, progress=False) == 0
    assert all_rollups(s) == written
    report = fill(s, refresh=True, progress=False)  # upgrade --refresh: every fact and roll-up again
    assert report.filled == 7 and all_rollups(s) == written
    assert_portfolio_figures(s, DAYS[1:2])


def test_a_new_store_opens_at_schema_11_with_every_table(db_url: str, stores) -> None:
    s = stores(db_url)
    assert s.schema_version() == schema.SCHEMA_VERSION >= 11
    with s.engine.connect() as conn:
        names = set(sa.inspect(conn).get_table_names())
        indexes = {i["name"] for i in sa.inspect(conn).get_indexes("fact_units")}
    assert {"fact_rollups", "fact_rollup_themes", "fact_unit_names"} <= names
    assert {"ix_fact_units_counted_name", "ix_fact_units_name_counted"} <= indexes


def test_the_bulk_insert_keeps_every_value_exactly(db_url: str, stores) -> None:
    """One statement on PostgreSQL (arrays through unnest): text with array syntax, NULLs, exact decimals,
    dates and booleans come back as they went in; rows already in a skip_existing table are left alone."""
    from evalcore.facts.bulk import insert_all
    from evalcore.tables import T_FACT_RECT

    s = stores(db_url)
    tricky = ['a,b{c}"d\\e', "换行\n第二行", "", "NULL", "'引号'", "{}"]
    rects = [{"version_id": 99, "evaluation_id": 9, "seq": i, "item": f"Z{i}", "problem": text,
              "unit": None if i % 2 else text, "status": "整改中", "closed": bool(i % 3 == 0),
              "deadline": dt.date(2025, 1, 1 + i) if i % 2 else None, "closed_on": None,
              "progress": D("12.345678901234567890") if i else None, "initial_closed": False,
              "first_change": None, "last_change": dt.date(2024, 12, 31)} for i, text in enumerate(tricky)]
    with s.writing() as conn:
        insert_all(conn, [(T_FACT_RECT, rects), (T_FACT_UNIT_NAME, [{"name_key": "甲"}, {"name_key": "乙"}])],
                   skip_existing=[T_FACT_UNIT_NAME])
        insert_all(conn, [(T_FACT_UNIT_NAME, [{"name_key": "乙"}, {"name_key": "丙"}])],
                   skip_existing=[T_FACT_UNIT_NAME])
    with s.reading() as conn:
        back = [dict(r._mapping) for r in conn.execute(sa.select(T_FACT_RECT).order_by(T_FACT_RECT.c.seq))]
    assert [{k: v for k, v in r.items() if k != "id"} for r in back] == rects
    assert [r[0] for r in rows(s, T_FACT_UNIT_NAME)] == sorted(["甲", "乙", "丙"])


def test_the_picker_lists_a_bounded_set_and_finds_by_title_region_year(samples: Store, monkeypatch) -> None:
    from evalcore.archive import picker

    everything = samples.evaluations()
    assert picker.choices(samples).infos == everything  # a small store: every evaluation, in the store's order
    monkeypatch.setattr(picker, "SMALL", 3)
    monkeypatch.setattr(picker, "RECENT", 2)
    monkeypatch.setattr(picker, "MATCHES", 2)
    newest = sorted(everything, key=lambda i: (i.updated_at, i.id))[-2:]
    oldest = min(everything, key=lambda i: (i.updated_at, i.id))
    found = picker.choices(samples, "", [oldest.id, 10**6])
    assert found.bounded and found.total == 7
    assert {i.id for i in found.infos} == {i.id for i in newest} | {oldest.id}
    region = everything[0].region
    wanted = [i for i in everything if region in i.label]
    found = picker.choices(samples, f"  {region.upper()}  ")
    assert found.matches == min(2, len(wanted)) and found.more == (len(wanted) > 2)
    assert {i.id for i in wanted[:2]} <= {i.id for i in found.infos}
    year = next(i.year for i in everything if i.year)
    assert all(str(year) in i.label for i in picker.choices(samples, str(year)).infos
               if i.id not in {n.id for n in newest})
    assert picker.choices(samples, "没有 这个").matches == 0
    same = [i for i in everything if i.region == region and i.year == everything[0].year]
    assert picker.of_region_year(samples, region, everything[0].year) == same
