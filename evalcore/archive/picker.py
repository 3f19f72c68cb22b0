"""What the sidebar's evaluation picker lists (issue 23): never every evaluation of a big store.

A store of at most :data:`SMALL` evaluations lists them all (as before). A bigger one lists a bounded set, from
indexed queries on the ``evaluations`` table: the :data:`RECENT` most recently published, the evaluations a search
text matches (every word, separated by spaces, found in the title, the region or the year; at most
:data:`MATCHES`, and whether there are more), and the ones the caller must show (the current one, the one a link
names). No workbook is read, nothing is cached.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ..store.records import EvaluationInfo
from ..tables import T_EVAL

if TYPE_CHECKING:
    from ..store import Store

SMALL = 30  # up to this many evaluations the picker lists them all
RECENT = 10
MATCHES = 20


@dataclass(frozen=True)
class Choices:
    infos: list[EvaluationInfo]  # in the store's order: newest year first, then region, title
    total: int  # evaluations shown in the store (not archived)
    bounded: bool  # False: every evaluation is listed
    matches: int = 0  # how many the search text matched (at most MATCHES + 1: "more")
    more: bool = False  # the search matched more than MATCHES


def _order(infos: Iterable[EvaluationInfo]) -> list[EvaluationInfo]:
    unique = {i.id: i for i in infos}
    return sorted(unique.values(), key=lambda e: (e.year is None, -(e.year or 0), e.region, e.title, e.id))


def search_condition(text: str) -> sa.ColumnElement[bool] | None:
    """Every word of ``text`` in the title, the region or the year (case-insensitive); None for no words."""
    words = (text or "").strip().lower().split()
    if not words:
        return None
    hay = sa.func.lower(T_EVAL.c.title + " " + T_EVAL.c.region + " "
                        + sa.func.coalesce(sa.cast(T_EVAL.c.year, sa.String), ""))
    return sa.and_(*(hay.contains(w, autoescape=True) for w in words))


def choices(store: Store, text: str = "", must: Iterable[int | None] = ()) -> Choices:
    """The evaluations the picker lists (see the module docstring)."""
    live = T_EVAL.c.archived_at.is_(None)
    with store.reading() as conn:
        total = int(conn.scalar(sa.select(sa.func.count()).select_from(T_EVAL)
                                .where(live, T_EVAL.c.active_version_id.is_not(None))) or 0)
    if total <= SMALL:
        return Choices(store.evaluations(), total, bounded=False)
    base = store.evaluation_query().where(live)
    wanted = sorted({int(i) for i in must if i is not None})
    with store.reading() as conn:
        rows = list(conn.execute(base.order_by(T_EVAL.c.updated_at.desc(), T_EVAL.c.id.desc()).limit(RECENT)))
        if wanted:
            rows += conn.execute(base.where(T_EVAL.c.id.in_(wanted))).all()
        found: list = []  # rows
        cond = search_condition(text)
        if cond is not None:
            found = list(conn.execute(base.where(cond).order_by(
                T_EVAL.c.year.is_(None), T_EVAL.c.year.desc(), T_EVAL.c.region, T_EVAL.c.title, T_EVAL.c.id)
                .limit(MATCHES + 1)))
    more = len(found) > MATCHES
    infos = [store.evaluation_info(r) for r in [*rows, *found[:MATCHES]]]
    return Choices(_order(infos), total, bounded=True, matches=min(len(found), MATCHES), more=more)


def of_region_year(store: Store, region: str, year: int) -> list[EvaluationInfo]:
    """The shown evaluations of one region and year (e.g. the candidates for 同比, a year earlier): one query,
    not the list of every evaluation."""
    q = store.evaluation_query().where(T_EVAL.c.archived_at.is_(None), T_EVAL.c.region == region, T_EVAL.c.year == year)
    with store.reading() as conn:
        rows = conn.execute(q).all()
    return _order(store.evaluation_info(r) for r in rows)


__all__ = ["MATCHES", "RECENT", "SMALL", "Choices", "choices", "of_region_year", "search_condition"]
