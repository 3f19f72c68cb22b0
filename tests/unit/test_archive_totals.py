"""The totals over the shown evaluations (issue 23, migration 12), on SQLite and PostgreSQL.

Oracle: the same figures computed the way they were before (per evaluation, from the per-version facts and
roll-ups of the active versions: the queries' other path), the in-memory portfolio (:func:`evalcore.portfolio
.build`, through ``assert_portfolio_figures``), and a rebuild of the totals from the stored facts: the totals
kept by difference through publishes, 整改 updates, rollbacks and archiving equal a rebuild, and a store written
before migration 12 upgrades to the same totals with nothing else changed.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from evalcore.archive import query as Q
from evalcore.facts import totals
from evalcore.store import Store, schema
from evalcore.tables import METADATA, T_FACT_SHOWN
from tests.unit.test_archive import SAMPLE, variant
from tests.unit.test_archive_rollup import ADMIN, ALIASES, DAYS, GROUP, assert_portfolio_figures, samples  # noqa: F401

MIGRATION_12 = {version: step for version, _, step in schema.MIGRATIONS}[12]
V12_TABLES = ("fact_shown", "fact_group_totals", "fact_group_grades", "fact_group_themes", "fact_group_theme_titles",
              "fact_total_deadlines", "fact_total_rect_units", "fact_total_names")
SPACE = Q.Filters(search=" ")  # every evaluation, but not ALL: the per-evaluation path of the 整改 figures


def dump(s: Store) -> dict[str, list[tuple]]:
    """Every totals row (rows whose counts fell to 0 left out: a rebuild does not write them)."""
    out = {}
    with s.reading() as conn:
        for table in (*totals.TABLES, T_FACT_SHOWN):
            rows = [r._mapping for r in conn.execute(sa.select(table))]
            count = next(c for c in ("evaluations", "open_items", "units", "version_id") if c in table.c)
            out[table.name] = sorted(tuple(D(v) if isinstance(v, D) else v for v in r.values())
                                     for r in rows if r[count])
    return out


def rebuilt(s: Store) -> dict[str, list[tuple]]:
    with s.writing() as conn:
        totals.rebuild(conn)
    return dump(s)


def figures(s: Store, f: Q.Filters, as_of: dt.date) -> dict:
    theme = "绩效目标管理"
    rect, total = Q.rectification_by_evaluation(s, f, as_of, limit=100)
    found = Q.theme_rows(s, f, theme)
    years = Q.theme_years(s, f, theme)
    in_year = Q.theme_rows(s, f, theme, years=years[:1]) if years else None
    return {"count": Q.count(s, f), "kpis": Q.kpis(s, f, as_of, ALIASES),
            "grades": Q.grades_by_year(s, f).to_dict("records"),
            "funds": Q.funds_by_grade(s, f).to_dict("records"),
            "hist": [h.to_dict("records") for h in Q.histograms(s, f)],
            "themes": Q.theme_counts(s, f).to_dict("records"),
            "rows": (found.total, found.evaluations, found.categories, found.rows.to_dict("records")),
            "in_year": None if in_year is None else (in_year.total, in_year.evaluations, in_year.categories),
            "years": years, "rect": (rect.to_dict("records"), total),
            "deadlines": [Q.deadlines_by_unit(s, f, as_of, w, limit=1000)[0].to_dict("records") for w in (30, 200)]}


def test_the_totals_kept_by_difference_equal_a_rebuild_through_every_change(db_url: str, stores) -> None:
    s = stores(db_url)
    v1 = s.publish(SAMPLE.read_bytes(), file_name="v1.xlsx", by=GROUP)
    steps = [lambda: s.publish(variant(年度=2024, 地区="株洲市"), file_name="other.xlsx", by=GROUP),
             lambda: s.publish(variant(年度=2024, 地区="株洲市", 数据来源="二"), file_name="o2.xlsx", by=GROUP)]
    for step in steps:
        step()
        assert dump(s) == rebuilt(s)
    ev = s.load(v1.id)
    open_item = next(it for it in ev.rectification if it.status not in ev.meta.closed_statuses)
    s.update_rectification(v1.evaluation_id, open_item.id, base_version_id=v1.id, status="已整改",
                           progress=D(100), note="完成", evidence="文号", by=GROUP, on=dt.date(2025, 6, 1))
    assert dump(s) == rebuilt(s)
    assert_portfolio_figures(s, DAYS + (dt.date(2025, 6, 1),))
    s.rollback(v1.evaluation_id, v1.id, by=ADMIN)
    assert dump(s) == rebuilt(s)
    assert_portfolio_figures(s, DAYS[1:2])
    before_archive = dump(s)
    s.set_archived(v1.evaluation_id, True, by=ADMIN)
    archived = dump(s)
    assert archived == rebuilt(s) and archived != before_archive
    assert Q.kpis(s, Q.ALL, DAYS[1]).evaluations == 1
    s.set_archived(v1.evaluation_id, False, by=ADMIN)
    assert dump(s) == rebuilt(s) == before_archive
    s.publish(variant(数据来源="再次发布"), file_name="v4.xlsx", by=GROUP)
    assert dump(s) == rebuilt(s)
    assert_portfolio_figures(s)


def raw(s: Store) -> dict[str, list[tuple]]:
    """Every totals row, those whose counts fell to 0 included."""
    with s.reading() as conn:
        return {t.name: sorted(tuple(r) for r in conn.execute(sa.select(t))) for t in (*totals.TABLES, T_FACT_SHOWN)}


def test_a_publish_into_an_archived_evaluation_and_a_sync_with_nothing_changed(db_url: str, stores) -> None:
    """The publish's shift reads what the evaluation should show in its own statement (PostgreSQL): a new
    version of an archived evaluation adds nothing, and a sync when nothing changed changes no row."""
    s = stores(db_url)
    v1 = s.publish(SAMPLE.read_bytes(), file_name="v1.xlsx", by=GROUP)
    s.publish(variant(年度=2024, 地区="株洲市"), file_name="other.xlsx", by=GROUP)
    s.set_archived(v1.evaluation_id, True, by=ADMIN)
    archived = raw(s)
    s.publish(variant(数据来源="归档后发布"), file_name="v2.xlsx", by=GROUP)  # the same evaluation, archived
    assert s.evaluation(v1.evaluation_id).archived
    assert raw(s) == archived and dump(s) == rebuilt(s)
    s.set_archived(v1.evaluation_id, False, by=ADMIN)
    shown = raw(s)
    assert dump(s) == rebuilt(s) and shown != archived
    for eid in (v1.evaluation_id, v1.evaluation_id + 1):
        with s.writing() as conn:
            totals.sync(conn, eid)
        assert raw(s) == shown


def test_a_failed_publish_leaves_the_totals_as_they_were(db_url: str, stores, monkeypatch) -> None:
    s = stores(db_url)
    s.publish(SAMPLE.read_bytes(), file_name="v1.xlsx", by=GROUP)
    before = dump(s)
    import evalcore.store.evaluations as evaluations

    def boom(*args, **kwargs):
        raise RuntimeError("写入中断")

    monkeypatch.setattr(evaluations, "write_facts", boom)
    with pytest.raises(RuntimeError):
        s.publish(variant(年度=2024), file_name="v2.xlsx", by=GROUP)
    assert dump(s) == before


def test_a_publish_whose_facts_the_database_refuses_leaves_everything_as_it_was(db_url: str, stores,
                                                                                monkeypatch) -> None:
    """The facts' insert and the totals' shift run together (on PostgreSQL in one pipeline): an error of the
    database in them fails the publish, nothing of it stays, and the next publish works."""
    s = stores(db_url)
    s.publish(SAMPLE.read_bytes(), file_name="v1.xlsx", by=GROUP)
    before, versions = raw(s), len(s.evaluations())
    from evalcore.facts import write
    real = write.facts_of

    def refused(*args, **kwargs):
        f = real(*args, **kwargs)
        f.units[0]["name_key"] = None  # NOT NULL: the database refuses the row
        return f

    monkeypatch.setattr(write, "facts_of", refused)
    with pytest.raises(Exception) as failed:
        s.publish(variant(年度=2024), file_name="v2.xlsx", by=GROUP)
    assert "name_key" in str(failed.value) or "NOT NULL" in str(failed.value).upper()
    assert raw(s) == before and len(s.evaluations()) == versions
    monkeypatch.setattr(write, "facts_of", real)
    s.publish(variant(年度=2024), file_name="v2.xlsx", by=GROUP)
    assert dump(s) == rebuilt(s) and len(s.evaluations()) == versions + 1


@pytest.mark.parametrize("flt", [{}, {"years": [2021, 2022]}, {"regions": ["长沙市"]}, {"kinds": ["部门整体"]},
                                 {"evaluators": ["南县财政局（单位自评）"]}, {"years": [2020], "regions": ["南县"]},
                                 {"years": [1999]}])
def test_the_totals_per_group_give_what_the_evaluations_give(samples: Store, monkeypatch,  # noqa: F811
                                                             flt: dict) -> None:
    f = Q.Filters.of(**flt)
    for as_of in DAYS:
        grouped = figures(samples, f, as_of)
        with monkeypatch.context() as m:
            m.setattr(Q, "_grouped", lambda f: False)
            per_evaluation = figures(samples, f if f != Q.ALL else SPACE, as_of)
        assert grouped == per_evaluation, (flt, as_of)
    if not flt:
        assert Q.overview(samples).evaluations == 7 and Q.count(samples, Q.ALL) == 7


def test_the_unfiltered_rect_figures_and_deadlines_equal_the_per_evaluation_path(samples: Store) -> None:  # noqa: F811
    late_days = 0
    for as_of in (*DAYS, dt.date(2024, 3, 1), dt.date(2025, 6, 30)):
        with samples.reading() as conn:
            late_days += bool(conn.scalar(sa.select(sa.func.count()).select_from(Q.RU)
                                          .where(Q.RU.c.rect_last_change > as_of)))
        assert Q.kpis(samples, Q.ALL, as_of, ALIASES) == Q.kpis(samples, SPACE, as_of, ALIASES), as_of
        for offset, limit in ((0, 2), (2, 3), (5, 50), (0, None)):  # pages in fact_shown's order
            fast_page = Q.evaluations(samples, Q.ALL, as_of, offset=offset, limit=limit)
            assert fast_page.equals(Q.evaluations(samples, SPACE, as_of, offset=offset, limit=limit)), (offset, limit)
        for theme in ("绩效目标管理", "预算编制与执行"):  # the drill-down's first evaluations in that order
            for years in ((), (2021,), (2021, 2022)):
                fast_t, slow_t = (Q.theme_rows(samples, f, theme, years=years, limit=2) for f in (Q.ALL, SPACE))
                assert fast_t.rows.equals(slow_t.rows) and fast_t.total == slow_t.total, (theme, years)
        for limit in (1, 2, 3, 100):  # the lowest 整改率: from the indexed ratio of now and the late versions
            fast_rect, n_fast = Q.rectification_by_evaluation(samples, Q.ALL, as_of, limit)
            slow_rect, n_slow = Q.rectification_by_evaluation(samples, SPACE, as_of, limit)
            assert fast_rect.to_dict("records") == slow_rect.to_dict("records") and n_fast == n_slow, (as_of, limit)
        for window in (7, 30, 200):
            for limit in (2, 1000):
                fast, n_fast = Q.deadlines_by_unit(samples, Q.ALL, as_of, window, limit)
                slow, n_slow = Q.deadlines_by_unit(samples, SPACE, as_of, window, limit)
                assert fast.to_dict("records") == slow.to_dict("records") and n_fast == n_slow, (as_of, window)
    assert late_days  # some days have versions with a dated change after them (corrected from their items)


def _back_to_schema_11(s: Store) -> None:
    with s.engine.begin() as conn:
        for name in V12_TABLES:
            conn.execute(sa.text(f"DROP TABLE {name}"))
        conn.execute(sa.text("DROP INDEX ix_fact_rollups_last_change"))
        conn.execute(sa.text("DELETE FROM schema_version WHERE version > 11"))


def test_a_store_from_before_migration_12_upgrades_with_nothing_lost(db_url: str, stores, monkeypatch) -> None:
    monkeypatch.setenv("EVALBOARD_SAMPLES", "all")
    import sample_data
    from evalcore.catalog import ensure_samples

    s = stores(db_url)
    ensure_samples(s, sample_data.first_run())
    s.set_archived(s.evaluations()[0].id, True, by=ADMIN)
    written = dump(s)
    kept = [t.name for t in METADATA.sorted_tables if t.name not in V12_TABLES and t.name != "schema_version"]

    def contents(store: Store) -> dict[str, int]:
        with store.reading() as conn:
            return {t: conn.scalar(sa.select(sa.func.count()).select_from(METADATA.tables[t])) for t in kept}

    before = contents(s)
    _back_to_schema_11(s)
    s.dispose()
    upgraded = stores(db_url)  # opening runs migration 12
    assert upgraded.schema_version() == schema.SCHEMA_VERSION >= 12
    assert dump(upgraded) == written and contents(upgraded) == before
    with upgraded.engine.begin() as conn:
        MIGRATION_12(conn)  # rerun-safe
    assert dump(upgraded) == written
    with upgraded.engine.connect() as conn:
        assert "ix_fact_rollups_last_change" in {i["name"] for i in sa.inspect(conn).get_indexes("fact_rollups")}
    assert_portfolio_figures(upgraded, DAYS[1:2])


def test_a_rebuild_on_postgresql_waits_for_a_change_under_way(stores, monkeypatch) -> None:
    """A rebuild (the upgrade's, in one instance) and a change that shifts the totals (a publish in another) are
    serialised through ``evaluations``: while a transaction has written an evaluation row and not yet shifted the
    totals, the rebuild waits (here: gives up after its lock timeout) instead of deleting and rewriting the totals
    under it; once the change commits, the rebuild runs and includes it."""
    from tests import pg

    monkeypatch.setenv("EVALBOARD_SAMPLES", "all")
    import sample_data
    from evalcore.catalog import ensure_samples

    with pg.new_database(pg.admin_url_or_skip("PostgreSQL store tests"), "evalboard_test") as url:
        s = stores(url)
        ensure_samples(s, sample_data.first_run())
        eid = s.evaluations()[0].id
        with s.engine.connect() as publisher, s.engine.connect() as rebuilder:
            busy = publisher.begin()
            publisher.execute(sa.text("UPDATE evaluations SET archived_at = now() WHERE id = :e"), {"e": eid})
            # the change has written its evaluation row and not yet shifted the totals (a publish writing its facts)
            with pytest.raises(sa.exc.OperationalError, match="lock"):
                with rebuilder.begin():
                    rebuilder.exec_driver_sql("SET LOCAL lock_timeout = '300ms'")
                    totals.rebuild(rebuilder)
            totals.sync(publisher, eid)  # as set_archived does
            busy.commit()
            with rebuilder.begin():
                rebuilder.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
                totals.rebuild(rebuilder)
        with s.reading() as conn:
            shown = {r.evaluation_id for r in conn.execute(sa.select(T_FACT_SHOWN.c.evaluation_id))}
        assert eid not in shown and shown
        assert dump(s) == rebuilt(s)
