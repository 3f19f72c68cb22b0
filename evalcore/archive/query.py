"""Queries over the facts of the active versions (SQLAlchemy Core; the same on SQLite and PostgreSQL).

What the portfolio, the themes, the 整改 figures and the unit trends show, computed by the database: filters,
aggregation and paging in SQL, pandas only on small results. The rules are those of :mod:`evalcore.portfolio`
(whose pure functions are reused on the small results: :func:`evalcore.portfolio.unit_trend`,
:func:`evalcore.portfolio.recurring_units`), so the figures are the same as the in-memory portfolio's.

An evaluation is in these figures when it is not archived and its active version's facts are readable
(``fact_versions.state = 'ok'``); one whose active version the reader refuses is counted apart
(:func:`overview`, ``unreadable``) and listed on the 数据管理 page (:func:`evalcore.facts.upgrade.attention`).

Dates: what depends on the day (整改 status as of a day, overdue) takes ``as_of`` as a query parameter; nothing
is precomputed for a date.

Money: exact. Sums go through :func:`money_sum` (PostgreSQL ``SUM`` on NUMERIC; SQLite the ``dsum`` aggregate on
decimal text), and come back as :class:`~decimal.Decimal`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa

from ..facts.rollup import RATE_BINS, RATE_COLUMNS, SCORE_BINS, SCORE_COLUMNS, TITLE_SEPARATOR
from ..facts.rows import dimension_rows
from ..facts.write import OK, UNREADABLE
from ..matching import Alias, alias_map, normalise, resolve_alias
from ..numbers import ZERO, percent
from ..portfolio import EVAL_COLUMNS, GRADES, NO_GRADE, UNIT_COLUMNS, Kpis
from ..tables import (
    T_EVAL,
    T_FACT_DIM_SET,
    T_FACT_EVAL,
    T_FACT_GRADE,
    T_FACT_PROBLEM,
    T_FACT_RECT,
    T_FACT_RECT_CHANGE,
    T_FACT_ROLLUP,
    T_FACT_ROLLUP_RECT_UNIT,
    T_FACT_ROLLUP_THEME,
    T_FACT_SHOWN,
    T_FACT_UNIT,
    T_FACT_VER,
    T_GROUP_GRADE,
    T_GROUP_THEME,
    T_GROUP_TITLE,
    T_GROUP_TOTAL,
    T_TOTAL_DEADLINE,
    T_TOTAL_NAME,
    T_TOTAL_RECT_UNIT,
    ExactDecimal,
)

if TYPE_CHECKING:
    from ..store import Store

E, FV, FE, FU = T_EVAL, T_FACT_VER, T_FACT_EVAL, T_FACT_UNIT
FP, FR, FRC, FG = T_FACT_PROBLEM, T_FACT_RECT, T_FACT_RECT_CHANGE, T_FACT_GRADE
RU, RT, RRU = T_FACT_ROLLUP, T_FACT_ROLLUP_THEME, T_FACT_ROLLUP_RECT_UNIT
GT, GG, GTH, GTT = T_GROUP_TOTAL, T_GROUP_GRADE, T_GROUP_THEME, T_GROUP_TITLE
TD, TRU, SH, TN = T_TOTAL_DEADLINE, T_TOTAL_RECT_UNIT, T_FACT_SHOWN, T_TOTAL_NAME
PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    """The portfolio's filters (an empty one passes all). ``search`` looks in the title, region, evaluator and
    kind (case-insensitive, every word separated by spaces must be found)."""

    years: tuple[int, ...] = ()
    regions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    evaluators: tuple[str, ...] = ()
    search: str = ""

    @classmethod
    def of(cls, *, years: Iterable[int] = (), regions: Iterable[str] = (), kinds: Iterable[str] = (),
           evaluators: Iterable[str] = (), search: str = "") -> Filters:
        return cls(tuple(int(y) for y in years), tuple(regions), tuple(kinds), tuple(evaluators), search or "")


ALL = Filters()


# --- building blocks --------------------------------------------------------------------------------------


def money_sum(col: Any, backend: str) -> sa.ColumnElement[Any]:
    """The exact sum of an :class:`ExactDecimal` column (or expression), as a Decimal (None over no values)."""
    if backend == "sqlite":
        return sa.func.dsum(col, type_=ExactDecimal())
    return sa.func.sum(col, type_=ExactDecimal())


def _binary(col: Any, backend: str) -> Any:
    """Order text by code point on both backends (SQLite's default; PostgreSQL's database collation would not)."""
    return col.collate("C") if backend == "postgresql" else col


def _active(fv: Any = FV, e: Any = E, fe: Any = FE) -> sa.FromClause:
    """The evaluations with their active version's facts (join; pair with :func:`_live`)."""
    return e.join(fv, fv.c.version_id == e.c.active_version_id).join(fe, fe.c.version_id == fv.c.facts_of)


def _live(fv: Any = FV, e: Any = E) -> list[sa.ColumnElement[bool]]:
    return [e.c.archived_at.is_(None), fv.c.state == OK]


def _where(f: Filters, fe: Any = FE) -> list[sa.ColumnElement[bool]]:
    conds: list[sa.ColumnElement[bool]] = []
    if f.years:
        conds.append(fe.c.year.in_(list(f.years)))
    if f.regions:
        conds.append(fe.c.region.in_(list(f.regions)))
    if f.kinds:
        conds.append(fe.c.kind.in_(list(f.kinds)))
    if f.evaluators:
        conds.append(fe.c.evaluator.in_(list(f.evaluators)))
    for word in (f.search or "").strip().lower().split():
        conds.append(fe.c.search_text.contains(word, autoescape=True))
    return conds


def _shown_order(backend: str) -> list[Any]:
    """:func:`_order` on ``fact_shown`` (served by its index on SQLite)."""
    return [SH.c.year_order, _binary(SH.c.region, backend), _binary(SH.c.title, backend), SH.c.evaluation_id]


def _grouped(f: Filters) -> bool:
    """Whether the totals per (year, region, kind, evaluator) (:mod:`evalcore.facts.totals`) answer: every
    filter but the search is on those four columns."""
    return not (f.search or "").strip()


def _gwhere(f: Filters, t: Any) -> list[sa.ColumnElement[bool]]:
    """The filters on a ``fact_group_*`` table (year 0 is "no year": never a year asked for)."""
    return _where(dataclasses.replace(f, search=""), t)


def _order(backend: str, fe: Any = FE) -> list[Any]:
    """Newest year first (no year last), then region, then title (the portfolio table's order)."""
    return [fe.c.year.is_(None), fe.c.year.desc(), _binary(fe.c.region, backend), _binary(fe.c.title, backend),
            fe.c.evaluation_id]


def _as_int(cond: Any) -> sa.ColumnElement[int]:
    return sa.case((cond, 1), else_=0)


def closed_as_of(day: dt.date, r: Any = FR) -> sa.ColumnElement[int]:
    """1 when the 整改 item is closed at the end of ``day`` (its dated history, as
    :func:`evalcore.rectification.status_on`), else 0."""
    latest = (sa.select(FRC.c.closed).where(FRC.c.version_id == r.c.version_id, FRC.c.item == r.c.item,
                                            FRC.c.day <= day)
              .order_by(FRC.c.day.desc(), FRC.c.seq.desc()).limit(1).scalar_subquery())
    return sa.case(
        (sa.or_(r.c.last_change.is_(None), r.c.last_change <= day), _as_int(r.c.closed)),
        (r.c.first_change > day, _as_int(r.c.initial_closed)),
        else_=_as_int(latest),
    )


def overdue_as_of(day: dt.date, r: Any = FR) -> sa.ColumnElement[int]:
    """1 when the item is past its deadline on ``day`` and not closed then."""
    return sa.case((sa.and_(r.c.deadline.is_not(None), r.c.deadline < day), 1 - closed_as_of(day, r)), else_=0)


def _rect_exact_from_rollup(day: dt.date) -> sa.ColumnElement[bool]:
    """Whether a version's roll-up gives its 整改 figures on ``day`` exactly (see :mod:`evalcore.facts.rollup`):
    no dated change after the day, and the day not strictly inside its open items' deadlines."""
    return sa.and_(sa.or_(RU.c.rect_last_change.is_(None), RU.c.rect_last_change <= day),
                   sa.or_(RU.c.rect_open_first_deadline.is_(None), RU.c.rect_open_first_deadline >= day,
                          RU.c.rect_open_last_deadline < day))


def _rect_per_evaluation(day: dt.date, f: Filters, ids: Sequence[int] | None = None) -> sa.Subquery:
    """evaluation_id, n_items, closed, overdue on ``day``, per filtered evaluation (those with 整改 items; of
    ``ids`` when given): from the roll-ups where they are exact for the day, from the items of the other
    versions."""
    more = [] if ids is None else [FE.c.evaluation_id.in_(list(ids))]
    fast = sa.case((sa.or_(RU.c.rect_open_first_deadline.is_(None), RU.c.rect_open_first_deadline >= day), 0),
                   else_=RU.c.rect_open_dated)
    exact = _rect_exact_from_rollup(day)
    src = _active().join(RU, RU.c.version_id == FV.c.facts_of)
    from_rollup = (sa.select(FE.c.evaluation_id, FE.c.rect_items.label("n_items"), FE.c.rect_closed.label("closed"),
                             fast.label("overdue"))
                   .select_from(src).where(*_live(), *_where(f), *more, exact, FE.c.rect_items > 0))
    # the versions to count from their items, first (DISTINCT: SQLite materialises it, so only their items
    # are read, never every item before the roll-up is looked at)
    slow = (sa.select(FE.c.evaluation_id, FV.c.facts_of.label("vid")).distinct().select_from(src)
            .where(*_live(), *_where(f), *more, sa.not_(exact), FE.c.rect_items > 0).subquery("slow"))
    from_items = (sa.select(slow.c.evaluation_id, sa.func.count(FR.c.id).label("n_items"),
                            sa.func.coalesce(sa.func.sum(closed_as_of(day)), 0).label("closed"),
                            sa.func.coalesce(sa.func.sum(overdue_as_of(day)), 0).label("overdue"))
                  .select_from(slow.join(FR, FR.c.version_id == slow.c.vid)).group_by(slow.c.evaluation_id))
    return sa.union_all(from_rollup, from_items).subquery("rect")


def _rect_totals(day: dt.date, f: Filters, group: bool) -> sa.Select:
    """The 整改 totals (n_items, closed, overdue) on ``day`` of the filtered evaluations, per evaluation
    (``group``: with evaluation_id) or in all."""
    t = _rect_per_evaluation(day, f)
    if group:
        return sa.select(t.c.evaluation_id, t.c.n_items, t.c.closed, t.c.overdue)
    return sa.select(sa.func.coalesce(sa.func.sum(t.c.n_items), 0).label("n_items"),
                     sa.func.coalesce(sa.func.sum(t.c.closed), 0).label("closed"),
                     sa.func.coalesce(sa.func.sum(t.c.overdue), 0).label("overdue"))


# --- unit identities (evalcore.matching.UnitMatcher, in SQL) -------------------------------------------------


@dataclass(frozen=True)
class _Identity:
    key: Any
    display: Any
    via: Any
    alias_from: Any
    learned: sa.Subquery


def _resolved(aliases: Iterable[Alias | tuple[str, str]]) -> dict[str, str]:
    """normalised alias -> the canonical name (as typed) at the end of its chain."""
    amap = alias_map(aliases)
    return {k: resolve_alias(k, amap)[0] for k in amap}


def _aliased(key: Any, resolved: dict[str, str]) -> Any:
    """A normalised name after the alias table."""
    if not resolved:
        return key
    return sa.case({k: normalise(c) for k, c in resolved.items()}, value=key, else_=key)


def _identity(aliases: Iterable[Alias | tuple[str, str]]) -> _Identity:
    """The identity of each unit row ``FU`` across the active evaluations: its 全称; else the one 全称 that other
    units of the same region give to the same 简称; else 地区+简称 when a unit has that 全称; else the 简称;
    then the alias table, followed through chains. Join ``learned`` (outer) on region and 简称.

    Only units without a 全称 need the other evaluations: ``learned`` is grouped over the (region, 简称) pairs
    of those units only, and the 地区+简称 test is an EXISTS on the indexed ``name_key``, so a store whose units
    all have a 全称 pays for neither."""
    fv4, e4, fe4, fu4 = FV.alias("fv4"), E.alias("e4"), FE.alias("fe4"), FU.alias("fu4")
    pairs = (sa.select(fu4.c.region_key, fu4.c.short_key).distinct()
             .select_from(_active(fv4, e4, fe4).join(fu4, fu4.c.version_id == fv4.c.facts_of))
             .where(*_live(fv4, e4), fu4.c.name_key == "")).subquery("pairs")
    fv2, e2, fu2 = FV.alias("fv2"), E.alias("e2"), FU.alias("fu2")
    learned = (sa.select(fu2.c.region_key, fu2.c.short_key, sa.func.min(fu2.c.name).label("lname"),
                         sa.func.min(fu2.c.name_key).label("lkey"))
               .select_from(pairs.join(fu2, sa.and_(fu2.c.region_key == pairs.c.region_key,
                                                    fu2.c.short_key == pairs.c.short_key))
                            .join(fv2, fv2.c.facts_of == fu2.c.version_id)
                            .join(e2, e2.c.active_version_id == fv2.c.version_id))
               .where(*_live(fv2, e2), fu2.c.name_key != "")
               .group_by(fu2.c.region_key, fu2.c.short_key)
               .having(sa.func.count(sa.distinct(fu2.c.name_key)) == 1)).subquery("learned")
    fv3, e3, fu3 = FV.alias("fv3"), E.alias("e3"), FU.alias("fu3")
    named = (sa.exists().where(fu3.c.name_key == FU.c.prefixed_key, fv3.c.facts_of == fu3.c.version_id,
                               e3.c.active_version_id == fv3.c.version_id, *_live(fv3, e3)))
    has_name = FU.c.name_key != ""
    has_learned = learned.c.lkey.is_not(None)
    prefixed = sa.and_(FU.c.prefixed_key != "", named)
    base_key = sa.case((has_name, FU.c.name_key), (has_learned, learned.c.lkey), (prefixed, FU.c.prefixed_key),
                       else_=FU.c.short_key)
    display = sa.case((has_name, FU.c.name), (has_learned, learned.c.lname), (prefixed, FU.c.prefixed_key),
                      else_=FU.c.unit)
    via = sa.case((has_name, "全称"), (has_learned, "简称"), (prefixed, "地区+简称"), else_="简称")
    resolved = _resolved(aliases)
    if not resolved:
        return _Identity(base_key, display, via, sa.literal(""), learned)
    return _Identity(
        key=sa.case({k: normalise(c) for k, c in resolved.items()}, value=base_key, else_=base_key),
        display=sa.case(resolved, value=base_key, else_=display),
        via=sa.case({k: "别名" for k in resolved}, value=base_key, else_=via),
        alias_from=sa.case({k: display for k in resolved}, value=base_key, else_=""),
        learned=learned)


def _units_from(ident: _Identity) -> sa.FromClause:
    return (_active().join(FU, FU.c.version_id == FV.c.facts_of)
            .outerjoin(ident.learned, sa.and_(ident.learned.c.region_key == FU.c.region_key,
                                              ident.learned.c.short_key == FU.c.short_key)))


# --- the portfolio ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    evaluations: int  # readable, not archived
    unreadable: int  # not archived, active version refused by the reader
    years: list[int]
    regions: list[str]
    kinds: list[str]
    evaluators: list[str]


def overview(store: Store) -> Overview:
    """What the filters offer, and how many evaluations there are."""
    with store.reading() as conn:
        def distinct(col: Any) -> list[Any]:  # from the totals per group (a few rows per group, not per evaluation)
            return [v for (v,) in conn.execute(sa.select(col).distinct().where(GT.c.evaluations > 0))]
        n = conn.scalar(sa.select(sa.func.sum(GT.c.evaluations))) or 0
        bad = conn.scalar(sa.select(sa.func.count()).select_from(E.join(FV, FV.c.version_id == E.c.active_version_id))
                          .where(E.c.archived_at.is_(None), FV.c.state == UNREADABLE)) or 0
        years = sorted({int(y) for y in distinct(GT.c.year) if y}, reverse=True)
        regions = sorted({r for r in distinct(GT.c.region) if r})
        kinds = sorted(set(distinct(GT.c.kind)))
        evaluators = sorted({e for e in distinct(GT.c.evaluator) if e})
    return Overview(int(n), int(bad), years, regions, kinds, evaluators)


def stored(store: Store) -> int:
    """How many evaluations the store shows (not archived, readable or not): one count, no listing."""
    with store.reading() as conn:
        return int(conn.scalar(sa.select(sa.func.count()).select_from(E).where(E.c.archived_at.is_(None))) or 0)


def listing_facts(store: Store) -> dict[int, Any]:
    """active version id -> its evaluation facts (kind, kind_inferred, units, budget, executed), archived
    evaluations included, for ``python -m evalcore list``."""
    q = (sa.select(E.c.active_version_id, FE.c.kind, FE.c.kind_inferred, FE.c.units, FE.c.budget, FE.c.executed)
         .select_from(_active()).where(FV.c.state == OK))
    with store.reading() as conn:
        return {r.active_version_id: r for r in conn.execute(q)}


def latest_evaluation_id(store: Store) -> int | None:
    """The most recently published evaluation (by the time of its latest version, then id: what a page opens on
    when neither its URL nor the visitor's session names one, components.layout.latest), by one query instead of
    listing them all."""
    q = (sa.select(E.c.id).where(E.c.archived_at.is_(None), E.c.active_version_id.is_not(None))
         .order_by(E.c.updated_at.desc(), E.c.id.desc()).limit(1))
    with store.reading() as conn:
        found = conn.scalar(q)
    return None if found is None else int(found)


def count(store: Store, f: Filters = ALL) -> int:
    with store.reading() as conn:
        if _grouped(f):
            return int(conn.scalar(sa.select(sa.func.sum(GT.c.evaluations)).where(*_gwhere(f, GT))) or 0)
        return int(conn.scalar(sa.select(sa.func.count()).select_from(_active()).where(*_live(), *_where(f))) or 0)


def evaluation_ids(store: Store, f: Filters = ALL) -> list[int]:
    with store.reading() as conn:
        q = sa.select(FE.c.evaluation_id).select_from(_active()).where(*_live(), *_where(f))
        return [int(i) for (i,) in conn.execute(q.order_by(*_order(store.backend)))]


def evaluations(store: Store, f: Filters, as_of: dt.date, *, offset: int = 0, limit: int | None = PAGE_SIZE
                ) -> pd.DataFrame:
    """One page of the evaluations (the columns of :attr:`evalcore.portfolio.Portfolio.evaluations`), newest
    year first, with 整改 figures as of ``as_of``."""
    q = (sa.select(FE.c.evaluation_id, E.c.active_version_id.label("version_id"), FE.c.region, FE.c.year, FE.c.kind,
                   FE.c.kind_inferred, FE.c.title, FE.c.evaluator, FE.c.units, FE.c.budget, FE.c.executed, FE.c.rate,
                   FE.c.problems, FE.c.problem_categories, FE.c.rect_illustrative, FE.c.scores_illustrative)
         .select_from(_active()).where(*_live(), *_where(f)).order_by(*_order(store.backend)).offset(offset))
    if limit is not None:
        q = q.limit(limit)
    if f == ALL:  # the page's evaluations in the order of fact_shown's index, then their facts
        ordered = (sa.select(SH.c.evaluation_id, SH.c.version_id).order_by(*_shown_order(store.backend))
                   .offset(offset))
        page = (ordered if limit is None else ordered.limit(limit)).subquery("page")
        q = sa.select(*q.selected_columns).select_from(
            page.join(E, E.c.id == page.c.evaluation_id).join(FE, FE.c.version_id == page.c.version_id)
        ).order_by(*_order(store.backend))
    with store.reading() as conn:
        rows = [dict(r._mapping) for r in conn.execute(q)]
        ids = [r["evaluation_id"] for r in rows]
        rect = {}
        if ids:
            rq = sa.select(_rect_per_evaluation(as_of, ALL, ids))
            rect = {r.evaluation_id: r for r in conn.execute(rq)}
    for r in rows:
        t = rect.get(r["evaluation_id"])
        items, closed, overdue = (int(t.n_items), int(t.closed), int(t.overdue)) if t else (0, 0, 0)
        r.update(rect_items=items, rect_closed=closed, rect_rate=percent(Decimal(closed), Decimal(items)),
                 overdue=overdue, rect_illustrative=bool(r["rect_illustrative"]) and items > 0,
                 kind_inferred=bool(r["kind_inferred"]), scores_illustrative=bool(r["scores_illustrative"]))
    df = pd.DataFrame(rows, columns=EVAL_COLUMNS)
    return df.astype({c: object for c in ("budget", "executed", "rate", "rect_rate")})


def _kpi_sums(t: sa.Table, b: str, n: Any, rect_ill: Any) -> list[Any]:
    """The KPI tiles' sums over ``t``: the per-evaluation facts or the totals per group, which have the same
    columns; ``n`` counts the evaluations and ``rect_ill`` is summed (evaluations with illustrative 整改 items)."""
    def total(c: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(c), 0)

    return [n.label("n"), total(t.c.units).label("units"), total(t.c.funded_units).label("funded"),
            money_sum(t.c.funded_budget, b).label("budget"), money_sum(t.c.units_executed, b).label("executed"),
            total(t.c.complete_units).label("complete"), money_sum(t.c.complete_budget, b).label("cb"),
            money_sum(t.c.complete_executed, b).label("cx"), total(t.c.grades_derived).label("derived"),
            total(rect_ill).label("rect_ill")]


def kpis(store: Store, f: Filters, as_of: dt.date, aliases: Iterable[Alias | tuple[str, str]] = ()) -> Kpis:
    """The KPI tiles of the filtered evaluations (:class:`evalcore.portfolio.Kpis`, the same rules). Sums come
    from the per-evaluation sums of the facts; units per 等次 and distinct identities from the unit rows."""
    b = store.backend
    where = [*_live(), *_where(f)]
    eq = sa.select(*_kpi_sums(FE, b, sa.func.count(), _as_int(sa.and_(FE.c.rect_illustrative.is_(True),
                                                                      FE.c.rect_items > 0)))
                   ).select_from(_active()).where(*where)
    counted = [*where, FU.c.counted.is_(True)]
    gq = (sa.select(FG.c.grade, sa.func.sum(FG.c.units))
          .select_from(_active().join(FG, FG.c.version_id == FV.c.facts_of)).where(*where).group_by(FG.c.grade))
    if _grouped(f):  # the same sums from the totals per group
        gw = _gwhere(f, GT)
        eq = sa.select(*_kpi_sums(GT, b, sa.func.coalesce(sa.func.sum(GT.c.evaluations), 0),
                                  GT.c.rect_illustrative)).where(*gw)
        gq = (sa.select(GG.c.grade, sa.func.sum(GG.c.units)).where(*_gwhere(f, GG)).group_by(GG.c.grade)
              .having(sa.func.sum(GG.c.evaluations) > 0))
    aliases = list(aliases)
    ident = _identity(aliases)
    # distinct identities: units with a 全称 are their 全称 (after aliases); the others (usually few) go
    # through the identity rules. The 全称 are either the distinct keys of the unit rows (a scan of the
    # filtered units) or, unfiltered and when units recur (far fewer names than unit rows), the names with
    # units in fact_total_names (kept with the totals: one row per name)
    resolved = _resolved(aliases)
    unnamed = (sa.select(ident.key.label("k")).select_from(_units_from(ident))
               .where(*counted, FU.c.name_key == ""))
    with store.reading() as conn:
        e = conn.execute(eq).one()
        grade_rows = conn.execute(gq).all()
        names = conn.scalar(sa.select(sa.func.count()).select_from(TN)) or 0
        probe = f == ALL and names * PROBE_RATIO <= int(e.units)
        named = _names_in_use(resolved) if probe else (
            sa.select(_aliased(FU.c.name_key, resolved).label("k"))
            .select_from(_active().join(FU, FU.c.version_id == FV.c.facts_of)).where(*counted, FU.c.name_key != ""))
        keys = sa.union_all(named, unnamed).subquery("keys")
        distinct = conn.scalar(sa.select(sa.func.count(sa.distinct(keys.c.k)))) or 0
        rect = _rect_totals_all(conn, as_of) if f == ALL else conn.execute(_rect_totals(as_of, f, group=False)).one()
    grades = {g: 0 for g in (*GRADES, NO_GRADE)}
    for g, n in sorted(grade_rows, key=lambda r: str(r[0])):
        grades[g] = int(n)
    items, closed = int(rect.n_items), int(rect.closed)
    complete = int(e.complete)
    return Kpis(
        evaluations=int(e.n), unit_results=int(e.units), distinct_units=int(distinct),
        budget=e.budget if e.budget is not None else ZERO, executed=e.executed if e.executed is not None else ZERO,
        rate=percent(e.cx or ZERO, e.cb or ZERO) if complete else None, rate_units=complete,
        rate_units_left_out=int(e.funded) - complete, grades=grades, grades_computed=int(e.derived),
        rect_items=items, rect_closed=closed, rect_rate=percent(Decimal(closed), Decimal(items)),
        overdue=int(rect.overdue), rect_illustrative=bool(e.rect_ill))


@dataclass(frozen=True)
class _RectTotals:
    n_items: int
    closed: int
    overdue: int


def _rect_totals_all(conn: Any, day: dt.date) -> _RectTotals:
    """The 整改 totals of every shown evaluation on ``day``: items and items closed now from the totals per
    group, open items past their deadline from the totals per (unit, deadline); the versions with a dated
    status change after the day (found by the index on ``fact_rollups.rect_last_change``; usually none) are
    corrected from their items."""
    late = (sa.select(SH.c.version_id).select_from(SH.join(RU, RU.c.version_id == SH.c.version_id))
            .where(RU.c.rect_last_change > day))
    open_before = _as_int(sa.and_(FR.c.closed.is_(False), FR.c.deadline.is_not(None), FR.c.deadline < day))
    fix = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(_as_int(FR.c.closed) - closed_as_of(day)), 0),
                                 sa.func.coalesce(sa.func.sum(open_before - overdue_as_of(day)), 0))
                       .where(FR.c.version_id.in_(late))).one()
    n, closed = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(GT.c.rect_items), 0),
                                       sa.func.coalesce(sa.func.sum(GT.c.rect_closed), 0))).one()
    overdue = conn.scalar(sa.select(sa.func.coalesce(sa.func.sum(TD.c.open_items), 0)).where(TD.c.deadline < day))
    return _RectTotals(int(n), int(closed) - int(fix[0]), int(overdue or 0) - int(fix[1]))


PROBE_RATIO = 4  # read fact_total_names when it has at most a quarter as many names as counted unit rows


def _names_in_use(resolved: dict[str, str]) -> sa.Select:
    """The 全称 keys (after aliases) that some counted unit of a shown evaluation has: the names with units in
    ``fact_total_names`` (kept with the totals; one row per name, whatever the number of evaluations)."""
    return sa.select(_aliased(TN.c.name_key, resolved).label("k")).where(TN.c.units > 0)


def any_sample_title(store: Store, f: Filters) -> bool:
    """Whether a filtered evaluation's title says 示例数据."""
    with store.reading() as conn:
        return bool(conn.scalar(sa.select(sa.func.count()).select_from(_active())
                                .where(*_live(), *_where(f), FE.c.title.contains("示例数据"))))


def grades_by_year(store: Store, f: Filters) -> pd.DataFrame:
    """year x 等次 -> units (as :func:`evalcore.portfolio.grades_by_year`), from the per-evaluation counts."""
    q = (sa.select(FE.c.year, FG.c.grade, sa.func.sum(FG.c.units))
         .select_from(_active().join(FG, FG.c.version_id == FV.c.facts_of))
         .where(*_live(), *_where(f), FE.c.year.is_not(None)).group_by(FE.c.year, FG.c.grade))
    if _grouped(f):
        q = (sa.select(GG.c.year, GG.c.grade, sa.func.sum(GG.c.units)).where(*_gwhere(f, GG), GG.c.year != 0)
             .group_by(GG.c.year, GG.c.grade).having(sa.func.sum(GG.c.evaluations) > 0))
    with store.reading() as conn:
        found = {(int(y), g): int(n) for y, g, n in conn.execute(q)}
    years = sorted({y for y, _ in found})
    rows = [{"year": y, "grade": g, "units": found.get((y, g), 0)} for y in years for g in (*GRADES, NO_GRADE)]
    return pd.DataFrame(rows, columns=["year", "grade", "units"])


def funds_by_grade(store: Store, f: Filters) -> pd.DataFrame:
    """等次 -> Σ budget (万元, Decimal) and units (as :func:`evalcore.portfolio.funds_by_grade`)."""
    q = (sa.select(FG.c.grade, money_sum(FG.c.funded_budget, store.backend), sa.func.sum(FG.c.funded_units))
         .select_from(_active().join(FG, FG.c.version_id == FV.c.facts_of))
         .where(*_live(), *_where(f)).group_by(FG.c.grade))
    if _grouped(f):
        q = (sa.select(GG.c.grade, money_sum(GG.c.funded_budget, store.backend), sa.func.sum(GG.c.funded_units))
             .where(*_gwhere(f, GG)).group_by(GG.c.grade).having(sa.func.sum(GG.c.evaluations) > 0))
    with store.reading() as conn:
        found = {g: (s if s is not None else ZERO, int(n or 0)) for g, s, n in conn.execute(q)}
    rows = [{"grade": g, "budget": found.get(g, (ZERO, 0))[0], "units": found.get(g, (ZERO, 0))[1]}
            for g in (*GRADES, NO_GRADE)]
    return pd.DataFrame(rows, columns=["grade", "budget", "units"])


def _bin(value: Any, bins: tuple[int, int, int], backend: str) -> tuple[Any, Any, int]:
    """(bin index expression, in-range condition, number of bins) for plotly's xbins (start, end, size): bins
    ``[start + k·size, start + (k+1)·size)`` up to the first edge at or past ``end``."""
    start, end, size = bins
    last = start
    while last < end:
        last += size
    v = sa.cast(value, sa.Float)
    ratio = (v - start) / size  # >= 0 in range: SQLite's CAST truncates; PostgreSQL's rounds, so floor there
    k = sa.func.floor(ratio) if backend == "postgresql" else ratio
    return sa.cast(k, sa.Integer), sa.and_(v >= start, v < last), (last - start) // size


def histograms(store: Store, f: Filters, rate_bins: tuple[int, int, int] = (0, 110, 10),
               score_bins: tuple[int, int, int] = (40, 101, 5)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts of unit rates (the units in the weighted rate) and of scores in bins (plotly's xbins): two frames of
    (start, count). The page's bins (:data:`~evalcore.facts.rollup.RATE_BINS`, ``SCORE_BINS``) are summed
    from the per-version roll-ups; other bins count the unit rows (one scan)."""
    if rate_bins == RATE_BINS and score_bins == SCORE_BINS:
        return _rolled_histograms(store, f)
    kr, in_r, nr = _bin(FU.c.rate, rate_bins, store.backend)
    ks, in_s, ns = _bin(FU.c.score, score_bins, store.backend)
    rate_k = sa.case((sa.and_(FU.c.rate_complete.is_(True), in_r), kr))
    score_k = sa.case((sa.and_(FU.c.score.is_not(None), in_s), ks))
    q = (sa.select(rate_k.label("r"), score_k.label("s"), sa.func.count())
         .select_from(_active().join(FU, FU.c.version_id == FV.c.facts_of))
         .where(*_live(), *_where(f), FU.c.counted.is_(True)).group_by(rate_k, score_k))
    rates: dict[int, int] = {}
    scores: dict[int, int] = {}
    with store.reading() as conn:
        for r, sc, n in conn.execute(q):
            if r is not None:
                rates[int(r)] = rates.get(int(r), 0) + int(n)
            if sc is not None:
                scores[int(sc)] = scores.get(int(sc), 0) + int(n)

    def frame(found: dict[int, int], bins: tuple[int, int, int], n: int) -> pd.DataFrame:
        return pd.DataFrame([{"start": bins[0] + i * bins[2], "count": found.get(i, 0)} for i in range(n)],
                            columns=["start", "count"])
    return frame(rates, rate_bins, nr), frame(scores, score_bins, ns)


def _rolled_histograms(store: Store, f: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    cols = [*RATE_COLUMNS, *SCORE_COLUMNS]
    q = (sa.select(*(sa.func.coalesce(sa.func.sum(RU.c[c]), 0) for c in cols))
         .select_from(_active().join(RU, RU.c.version_id == FV.c.facts_of)).where(*_live(), *_where(f)))
    if _grouped(f):
        q = sa.select(*(sa.func.coalesce(sa.func.sum(GT.c[c]), 0) for c in cols)).where(*_gwhere(f, GT))
    with store.reading() as conn:
        sums = dict(zip(cols, (int(v) for v in conn.execute(q).one()), strict=True))

    def frame(names: tuple[str, ...], bins: tuple[int, int, int]) -> pd.DataFrame:
        return pd.DataFrame([{"start": bins[0] + i * bins[2], "count": sums[c]} for i, c in enumerate(names)],
                            columns=["start", "count"])
    return frame(RATE_COLUMNS, RATE_BINS), frame(SCORE_COLUMNS, SCORE_BINS)


def histogram(store: Store, f: Filters, what: str, bins: tuple[int, int, int]) -> pd.DataFrame:
    """One of :func:`histograms`: ``what`` is "rate" or "score"."""
    rates, scores = histograms(store, f, bins, bins)
    return rates if what == "rate" else scores


def rectification_by_evaluation(store: Store, f: Filters, as_of: dt.date, limit: int = 40) -> tuple[pd.DataFrame, int]:
    """The filtered evaluations with 整改 items, lowest 整改率 first, at most ``limit`` of them (the columns of
    :func:`evalcore.portfolio.rectification_by_evaluation`), and how many there are in all."""
    ids = _lowest_ratio_candidates(store, as_of, limit) if f == ALL else None
    t = _rect_per_evaluation(as_of, f, ids)
    ratio = sa.cast(t.c.closed, sa.Float) / t.c.n_items
    q = (sa.select(FE.c.evaluation_id, FE.c.region, FE.c.year, FE.c.title, t.c.n_items, t.c.closed, t.c.overdue,
                   FE.c.rect_illustrative)
         .select_from(_active().join(t, t.c.evaluation_id == FE.c.evaluation_id))
         .where(*_live(), t.c.n_items > 0).order_by(ratio, FE.c.evaluation_id))
    counted = (sa.select(sa.func.sum(GT.c.rect_evaluations)).where(*_gwhere(f, GT)) if _grouped(f)
               else sa.select(sa.func.count()).select_from(t).where(t.c.n_items > 0))
    with store.reading() as conn:
        total = conn.scalar(counted) or 0
        rows = conn.execute(q.limit(limit)).all()
    out = pd.DataFrame([{"evaluation_id": r.evaluation_id, "region": r.region, "year": r.year, "title": r.title,
                         "rect_items": int(r.n_items), "rect_closed": int(r.closed),
                         "rect_rate": percent(Decimal(int(r.closed)), Decimal(int(r.n_items))),
                         "overdue": int(r.overdue), "rect_illustrative": bool(r.rect_illustrative)} for r in rows],
                       columns=["evaluation_id", "region", "year", "title", "rect_items", "rect_closed", "rect_rate",
                                "overdue", "rect_illustrative"])
    return out.astype({"rect_rate": object}), int(total)


def _lowest_ratio_candidates(store: Store, as_of: dt.date, limit: int) -> list[int]:
    """The evaluations among which the ``limit`` lowest 整改率 on ``as_of`` are, without computing every one:
    an evaluation whose items have no dated change after the day has its ratio of now (``fact_shown.rect_ratio``,
    indexed), so the lowest ``limit`` + (number of the others) by that ratio, and those others (found by the
    index on ``fact_rollups.rect_last_change``; usually none), hold them all."""
    late = (sa.select(SH.c.evaluation_id).select_from(SH.join(RU, RU.c.version_id == SH.c.version_id))
            .where(RU.c.rect_last_change > as_of))
    with store.reading() as conn:
        others = [int(e) for (e,) in conn.execute(late)]
        lowest = conn.execute(sa.select(SH.c.evaluation_id).where(SH.c.rect_ratio.is_not(None))
                              .order_by(SH.c.rect_ratio, SH.c.evaluation_id).limit(limit + len(others))).scalars()
        return sorted({int(e) for e in lowest} | set(others))


def deadlines_query(backend: str, f: Filters, as_of: dt.date, days: int, limit: int = 15) -> sa.Select:
    """The query of :func:`deadlines_by_unit`. Open means not in a closed status now (the facts of the active
    versions); grouped in the database, from the per-version, per-unit roll-ups where they give the
    counts for this day and window exactly, from the items of the other (version, unit) pairs."""
    end = as_of + dt.timedelta(days=days)
    if f == ALL:  # every shown evaluation: the totals per (unit, deadline), whatever the day
        per = (sa.select(TD.c.unit,
                         sa.func.sum(sa.case((TD.c.deadline < as_of, TD.c.open_items), else_=0)).label("overdue"),
                         sa.func.sum(sa.case((sa.and_(TD.c.deadline >= as_of, TD.c.deadline <= end), TD.c.open_items),
                                             else_=0)).label("soon"))
               .where(TD.c.deadline <= end).group_by(TD.c.unit).subquery("per"))
        t = (sa.select(TRU.c.unit, per.c.overdue, per.c.soon, TRU.c.evaluations)
             .select_from(TRU.join(per, per.c.unit == TRU.c.unit)).where(TRU.c.evaluations > 0).subquery())
        busy = sa.or_(t.c.overdue > 0, t.c.soon > 0)
        return (sa.select(t.c.unit, t.c.overdue, t.c.soon, t.c.evaluations, sa.func.count().over().label("total"))
                .where(busy).order_by(t.c.overdue.desc(), t.c.soon.desc(), _binary(t.c.unit, backend))
                .limit(limit))
    first, last, n = RRU.c.open_first_deadline, RRU.c.open_last_deadline, RRU.c.open_dated
    none = first.is_(None)
    over_exact = sa.or_(none, first >= as_of, last < as_of)
    soon_all = sa.and_(first >= as_of, last <= end)
    soon_exact = sa.or_(none, first > end, last < as_of, soon_all)
    exact = sa.and_(over_exact, soon_exact)
    src = _active().join(RRU, RRU.c.version_id == FV.c.facts_of)
    from_rollup = (sa.select(RRU.c.unit.label("unit"),
                             sa.case((sa.and_(sa.not_(none), last < as_of), n), else_=0).label("overdue"),
                             sa.case((sa.and_(sa.not_(none), soon_all), n), else_=0).label("soon"))
                   .select_from(src).where(*_live(), *_where(f), exact))
    slow = (sa.select(FV.c.facts_of.label("vid"), RRU.c.unit).distinct().select_from(src)
            .where(*_live(), *_where(f), sa.not_(exact)).subquery("slow"))
    open_ = sa.not_(FR.c.closed)
    overdue = _as_int(sa.and_(open_, FR.c.deadline.is_not(None), FR.c.deadline < as_of))
    soon = _as_int(sa.and_(open_, FR.c.deadline.is_not(None), FR.c.deadline >= as_of, FR.c.deadline <= end))
    from_items = (sa.select(slow.c.unit, sa.func.sum(overdue).label("overdue"), sa.func.sum(soon).label("soon"))
                  .select_from(slow.join(FR, sa.and_(FR.c.version_id == slow.c.vid,
                                                     sa.func.coalesce(FR.c.unit, "") == slow.c.unit)))
                  .group_by(slow.c.vid, slow.c.unit))
    both = sa.union_all(from_rollup, from_items).subquery("both")
    # one row per (active version, unit) in ``both``: the count is the evaluations naming the unit
    t = (sa.select(both.c.unit, sa.func.sum(both.c.overdue).label("overdue"), sa.func.sum(both.c.soon).label("soon"),
                   sa.func.count().label("evaluations"))
         .group_by(both.c.unit).subquery())
    busy = sa.or_(t.c.overdue > 0, t.c.soon > 0)
    # one grouping: how many units in all comes with each row (a window over the busy units)
    return (sa.select(t.c.unit, t.c.overdue, t.c.soon, t.c.evaluations, sa.func.count().over().label("total"))
            .where(busy).order_by(t.c.overdue.desc(), t.c.soon.desc(), _binary(t.c.unit, backend)).limit(limit))


def deadlines_by_unit(store: Store, f: Filters, as_of: dt.date, days: int, limit: int = 15
                      ) -> tuple[pd.DataFrame, int]:
    """整改 deadlines across the filtered evaluations, per responsible unit (as the items name it): open items past
    their deadline on ``as_of`` and open items due within ``days`` days after it, the units with most overdue first,
    at most ``limit`` of them; and how many units have any (:func:`deadlines_query`)."""
    q = deadlines_query(store.backend, f, as_of, days, limit)
    with store.reading() as conn:
        rows = conn.execute(q).all()
    total = int(rows[0].total) if rows else 0
    out = pd.DataFrame([{"unit": r.unit, "overdue": int(r.overdue), "soon": int(r.soon),
                         "evaluations": int(r.evaluations)} for r in rows],
                       columns=["unit", "overdue", "soon", "evaluations"])
    return out, int(total)


# --- themes -----------------------------------------------------------------------------------------------


def theme_counts(store: Store, f: Filters) -> pd.DataFrame:
    """theme x year -> evaluations raising it, categories, items (as
    :func:`evalcore.problem_themes.theme_counts_by_year`; no year is 0), from the per-version theme roll-ups."""
    cols = ["year", "theme", "evaluations", "categories", "items"]
    q = theme_counts_query(f)
    with store.reading() as conn:
        rows = conn.execute(q).all()
    df = pd.DataFrame([{"year": int(y), "theme": t, "evaluations": int(e), "categories": int(c), "items": int(i)}
                       for y, t, e, c, i in rows], columns=cols)
    return df.sort_values(["year", "theme"]).reset_index(drop=True)


def theme_counts_query(f: Filters) -> sa.Select:
    if _grouped(f):  # from the totals per group and theme
        return (sa.select(GTH.c.year, GTH.c.theme, sa.func.sum(GTH.c.evaluations), sa.func.sum(GTH.c.categories),
                          sa.func.sum(GTH.c["items"])).where(*_gwhere(f, GTH)).group_by(GTH.c.year, GTH.c.theme)
                .having(sa.func.sum(GTH.c.evaluations) > 0))
    year = sa.func.coalesce(FE.c.year, 0)
    return (sa.select(year.label("year"), RT.c.theme, sa.func.count(), sa.func.sum(RT.c.categories),
                      sa.func.sum(RT.c["items"]))
            .select_from(_active().join(RT, RT.c.version_id == FV.c.facts_of)).where(*_live(), *_where(f))
            .group_by(year, RT.c.theme))


@dataclass(frozen=True)
class ThemeRows:
    rows: pd.DataFrame  # evaluation_id, region, year, title, category, by_item, keyword, text (at most ``limit``)
    total: int
    evaluations: int
    categories: list[str]  # the original category titles, sorted


def theme_rows(store: Store, f: Filters, theme: str, years: Sequence[int] = (), limit: int = 200) -> ThemeRows:
    """The problem items of one theme in the filtered evaluations (of ``years`` when given): the first ``limit``
    in the page's order, and the totals and category titles from the per-version theme roll-ups."""
    conds = [*_live(), *_where(f), RT.c.theme == theme]
    if years:
        conds.append(FE.c.year.in_(list(years)))
    src = _active().join(RT, RT.c.version_id == FV.c.facts_of)
    # each evaluation with the theme has at least one item: the first ``limit`` of them hold the rows shown
    first = (sa.select(FV.c.facts_of).select_from(src).where(*conds).order_by(*_order(store.backend))
             .limit(limit).subquery("first"))
    if f == ALL:  # in the order of fact_shown's index, each probing the theme's roll-up row (its primary key)
        more = [SH.c.year_order.in_([-int(y) for y in years])] if years else []
        has = sa.exists().where(RT.c.version_id == SH.c.version_id, RT.c.theme == theme)
        first = (sa.select(SH.c.version_id.label("facts_of")).where(has, *more)
                 .order_by(*_shown_order(store.backend)).limit(limit).subquery("first"))
    q = (sa.select(FE.c.evaluation_id, FE.c.region, FE.c.year, FE.c.title, FP.c.category, FP.c.by_item, FP.c.keyword,
                   FP.c.text).select_from(_active().join(FP, FP.c.version_id == FV.c.facts_of))
         .where(FP.c.version_id.in_(sa.select(first.c.facts_of)), FP.c.theme == theme, *_live())
         .order_by(*_order(store.backend), FP.c.seq).limit(limit))
    with store.reading() as conn:
        rows = [dict(r._mapping) for r in conn.execute(q)]
        found: set[str] = set()
        if _grouped(f):  # totals and titles from the totals per group
            gconds = [*_gwhere(f, GTH), GTH.c.theme == theme, *([GTH.c.year.in_(list(years))] if years else [])]
            total, n_eval = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(GTH.c["items"]), 0),
                                                   sa.func.coalesce(sa.func.sum(GTH.c.evaluations), 0))
                                         .where(*gconds)).one()
            tconds = [*_gwhere(f, GTT), GTT.c.theme == theme, *([GTT.c.year.in_(list(years))] if years else [])]
            found.update(t for (t,) in conn.execute(sa.select(GTT.c.title).where(*tconds).group_by(GTT.c.title)
                                                     .having(sa.func.sum(GTT.c.evaluations) > 0)))
        else:
            total, n_eval = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(RT.c["items"]), 0), sa.func.count())
                                         .select_from(src).where(*conds)).one()
            for (joined,) in conn.execute(sa.select(RT.c.titles).distinct().select_from(src).where(*conds)):
                found.update(joined.split(TITLE_SEPARATOR))
        titles = sorted(found)
    df = pd.DataFrame(rows, columns=["evaluation_id", "region", "year", "title", "category", "by_item", "keyword",
                                     "text"])
    df["by_item"] = df["by_item"].astype(bool)
    return ThemeRows(df, int(total), int(n_eval), titles)


def theme_years(store: Store, f: Filters, theme: str) -> list[int]:
    q = (sa.select(FE.c.year).distinct().select_from(_active().join(RT, RT.c.version_id == FV.c.facts_of))
         .where(*_live(), *_where(f), RT.c.theme == theme, FE.c.year.is_not(None)))
    if _grouped(f):
        q = (sa.select(GTH.c.year).where(*_gwhere(f, GTH), GTH.c.theme == theme, GTH.c.year != 0)
             .group_by(GTH.c.year).having(sa.func.sum(GTH.c.evaluations) > 0))
    with store.reading() as conn:
        return sorted({int(y) for (y,) in conn.execute(q)}, reverse=True)


# --- units ------------------------------------------------------------------------------------------------


def unit_rows(store: Store, aliases: Iterable[Alias | tuple[str, str]] = (), *, evaluation_id: int | None = None,
              identities: Sequence[str] | None = None, f: Filters = ALL) -> pd.DataFrame:
    """The counted units (funded or scored) of the active versions, with their identity across evaluations: the
    columns of :attr:`evalcore.portfolio.Portfolio.units`, in the portfolio's order. Narrow it with
    ``evaluation_id``, ``identities`` or filters: meant for small results (one evaluation, a few units)."""
    aliases = list(aliases)
    ident = _identity(aliases)
    q = (sa.select(FE.c.evaluation_id, FE.c.year, FE.c.region, FE.c.kind, FE.c.title, FU.c.unit,
                   FU.c.name, FU.c.counted, ident.key.label("identity"), ident.display.label("display"),
                   ident.via.label("via"), ident.alias_from.label("alias_from"), FU.c.budget, FU.c.executed,
                   FU.c.rate, FU.c.rate_complete, FU.c.score, FU.c.grade, FU.c.grade_stated, FU.c.problems)
         .select_from(_units_from(ident)).where(*_live(), *_where(f), FU.c.counted.is_(True))
         .order_by(*_order(store.backend), FU.c.seq))
    if evaluation_id is not None:
        q = q.where(FE.c.evaluation_id == evaluation_id)
    if identities is not None:
        q = q.where(_candidates(identities, _resolved(aliases)), ident.key.in_(sorted(set(identities))))
    with store.reading() as conn:
        rows = [dict(r._mapping) for r in conn.execute(q)]
    for r in rows:
        r["name"] = r["name"] or r["unit"]
        r["rate_complete"], r["grade_stated"] = bool(r["rate_complete"]), bool(r["grade_stated"])
    df = pd.DataFrame(rows, columns=UNIT_COLUMNS)
    return df.astype({c: object for c in ("budget", "executed", "rate", "score")})


def _candidates(identities: Sequence[str], resolved: dict[str, str]) -> sa.ColumnElement[bool]:
    """Rows that can have one of these identities: a 全称 that is one (or an alias of one), or no 全称 (the
    index on ``name_key`` serves it; the identity rules then decide)."""
    wanted = set(identities)
    pre = wanted | {k for k, c in resolved.items() if normalise(c) in wanted}
    return sa.or_(FU.c.name_key.in_(sorted(pre)), FU.c.name_key == "")


def recurring(store: Store, evaluation_id: int, aliases: Iterable[Alias | tuple[str, str]] = (),
              min_years: int = 2) -> pd.DataFrame:
    """The units of ``evaluation_id`` whose identity appears in at least ``min_years`` different years of the
    active evaluations (as :func:`evalcore.portfolio.recurring_units`, restricted to this evaluation's units, in
    its order): identity, display (as this evaluation names it), years, evaluations. Grouped in the database."""
    aliases = list(aliases)
    mine = unit_rows(store, aliases, evaluation_id=evaluation_id)
    cols = ["identity", "display", "years", "evaluations"]
    keys = list(dict.fromkeys(mine["identity"]))
    if not keys:
        return pd.DataFrame(columns=cols)
    ident = _identity(aliases)
    q = (sa.select(ident.key.label("identity"), sa.func.count(sa.distinct(FE.c.year)),
                   sa.func.count(sa.distinct(FE.c.evaluation_id)))
         .select_from(_units_from(ident))
         .where(*_live(), FU.c.counted.is_(True), FE.c.year.is_not(None), _candidates(keys, _resolved(aliases)),
                ident.key.in_(keys))
         .group_by(ident.key).having(sa.func.count(sa.distinct(FE.c.year)) >= min_years))
    with store.reading() as conn:
        found = {k: (int(y), int(n)) for k, y, n in conn.execute(q)}
    display = dict(zip(mine["identity"], mine["display"], strict=True))
    return pd.DataFrame([{"identity": k, "display": display[k], "years": found[k][0], "evaluations": found[k][1]}
                         for k in keys if k in found], columns=cols)


def unit_history(store: Store, identity: str, aliases: Iterable[Alias | tuple[str, str]] = ()) -> pd.DataFrame:
    """Every active unit row of one identity (for :func:`evalcore.portfolio.unit_trend`)."""
    return unit_rows(store, aliases, identities=[identity])


def unit_facts(store: Store, evaluation_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Per-unit facts of the active versions (every unit, counted or not), for other pages (结果应用): evaluation,
    year, region, unit, 全称, type, budget, executed, rate, score, 等次 and whether it is stated."""
    q = (sa.select(FE.c.evaluation_id, FE.c.year, FE.c.region, FE.c.title, FU.c.seq, FU.c.unit, FU.c.name,
                   FU.c.name_key, FU.c.unit_type, FU.c.counted, FU.c.budget, FU.c.executed, FU.c.rate,
                   FU.c.rate_complete, FU.c.score, FU.c.grade, FU.c.grade_stated, FU.c.problems)
         .select_from(_active().join(FU, FU.c.version_id == FV.c.facts_of)).where(*_live())
         .order_by(*_order(store.backend), FU.c.seq))
    if evaluation_ids is not None:
        q = q.where(FE.c.evaluation_id.in_(list(evaluation_ids)))
    with store.reading() as conn:
        return pd.DataFrame([dict(r._mapping) for r in conn.execute(q)])


def unit_dimensions(store: Store, evaluation_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Per unit and 一级指标 (维度) of the active versions: evaluation, unit, indicator, name, points, score."""
    DS = T_FACT_DIM_SET  # one document per version (schema version 13), its rows in their order
    q = (sa.select(FE.c.evaluation_id, FE.c.year, DS.c.dimensions)
         .select_from(_active().join(DS, DS.c.version_id == FV.c.facts_of)).where(*_live())
         .order_by(*_order(store.backend)))
    if evaluation_ids is not None:
        q = q.where(FE.c.evaluation_id.in_(list(evaluation_ids)))
    with store.reading() as conn:
        return pd.DataFrame([{"evaluation_id": r.evaluation_id, "year": r.year, **d}
                             for r in conn.execute(q) for d in dimension_rows(r.dimensions)],
                            columns=["evaluation_id", "year", "unit", "indicator", "name", "points", "score"])


__all__ = ["ALL", "PAGE_SIZE", "PROBE_RATIO", "Filters", "Overview", "ThemeRows", "any_sample_title", "closed_as_of",
           "count", "deadlines_by_unit", "deadlines_query", "evaluation_ids", "evaluations", "funds_by_grade",
           "grades_by_year", "histogram", "histograms", "kpis", "latest_evaluation_id", "listing_facts", "money_sum",
           "overdue_as_of", "overview", "rectification_by_evaluation", "recurring", "stored", "theme_counts",
           "theme_counts_query", "theme_rows", "theme_years", "unit_dimensions", "unit_facts", "unit_history",
           "unit_rows"]
