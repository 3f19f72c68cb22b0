"""Per-version roll-ups of the facts (schema version 11): a few small rows per version that the portfolio's
aggregates read instead of scanning every unit, problem and 整改 item of the active versions.

Written in the publish transaction with the facts (:func:`evalcore.facts.write.write_facts`), from the same fact
rows; a rollback stays a pointer (``fact_versions.facts_of``: the roll-ups of the version it points at are used);
filled from the stored fact rows by migration 11 and by :func:`evalcore.facts.upgrade.fill` for versions that
have facts and no roll-ups (a restored older backup, say).

- ``fact_rollups``: one row per version with facts: the unit rate and score histogram counts in the portfolio's
  bins (:data:`RATE_BINS`, :data:`SCORE_BINS`), and what the 整改 figures need to be exact for any day without
  reading the items: the last dated status change, and the open items that have a deadline (how many, the
  earliest and latest deadline). For a day on or after the last change, "closed as of the day" is the current
  status; overdue items are none before the earliest open deadline, all open dated items after the latest one.
  A version for which the day falls between (or before a dated change) is counted from its items.
- ``fact_rollup_themes``: per version and problem theme: categories (how many, their titles) and items (the
  themes chart, the drill-down's totals).
- ``fact_rollup_rect_units``: per version and responsible unit: 整改 items, open items with a deadline (how many,
  earliest and latest): the deadlines table per unit, exact for a day and window the same way.
- ``fact_unit_names`` (created by migration 11) is no longer written: the distinct-unit count reads
  ``fact_total_names`` (:mod:`evalcore.facts.totals`, migration 12) instead; ``upgrade --refresh`` empties it.

Nothing here depends on the date; nothing grows with anything but the versions stored.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..tables import (
    T_FACT_PROBLEM,
    T_FACT_RECT,
    T_FACT_ROLLUP,
    T_FACT_ROLLUP_RECT_UNIT,
    T_FACT_ROLLUP_THEME,
    T_FACT_UNIT,
    T_FACT_UNIT_NAME,  # only emptied (no longer written)
    T_FACT_VER,
)
from .bulk import insert_all

TITLE_SEPARATOR = "\x1f"  # between category titles in fact_rollup_themes.titles
RATE_BINS = (0, 110, 10)  # the portfolio page's 预算执行率 histogram (plotly xbins: start, end, size)
SCORE_BINS = (40, 101, 5)  # its 得分 histogram


def bin_count(bins: tuple[int, int, int]) -> int:
    start, end, size = bins
    last = start
    while last < end:
        last += size
    return (last - start) // size


RATE_COLUMNS = tuple(f"rate_{k}" for k in range(bin_count(RATE_BINS)))
SCORE_COLUMNS = tuple(f"score_{k}" for k in range(bin_count(SCORE_BINS)))
_BIN_COUNTS = {RATE_BINS: len(RATE_COLUMNS), SCORE_BINS: len(SCORE_COLUMNS)}


def _bin_of(value: Decimal | None, bins: tuple[int, int, int]) -> int | None:
    """Bin ``k`` of ``[start + k·size, start + (k+1)·size)`` (exact, on the Decimal), None when out of range."""
    if value is None:
        return None
    start, _, size = bins
    k = int((Decimal(value) - start) // size) if value >= start else -1
    return k if 0 <= k < _BIN_COUNTS[bins] else None


def rect_units_of(rects: Iterable[Mapping[str, Any]]) -> list[dict]:
    """The ``fact_rollup_rect_units`` rows: per responsible unit ("" for none), its items and its open items
    with a deadline (how many, the earliest and latest deadline)."""
    by_unit: dict[str, dict[str, Any]] = {}
    for r in rects:
        u = by_unit.setdefault(r["unit"] or "", {"unit": r["unit"] or "", "items": 0, "deadlines": []})
        u["items"] += 1
        if not r["closed"] and r["deadline"] is not None:
            u["deadlines"].append(r["deadline"])
    return [{"unit": u["unit"], "items": u["items"], "open_dated": len(u["deadlines"]),
             "open_first_deadline": min(u["deadlines"], default=None),
             "open_last_deadline": max(u["deadlines"], default=None)} for u in by_unit.values()]


def rollup_of(units: Iterable[Mapping[str, Any]], rects: Iterable[Mapping[str, Any]],
              problems: Iterable[Mapping[str, Any]]) -> tuple[dict, list[dict]]:
    """(the ``fact_rollups`` row, the ``fact_rollup_themes`` rows) of one version, from its fact rows (as
    written, or as read back: the keys of the fact tables' columns)."""
    row: dict[str, Any] = dict.fromkeys((*RATE_COLUMNS, *SCORE_COLUMNS), 0)
    for u in units:
        if not u["counted"]:
            continue
        if u["rate_complete"]:
            k = _bin_of(u["rate"], RATE_BINS)
            if k is not None:
                row[RATE_COLUMNS[k]] += 1
        k = _bin_of(u["score"], SCORE_BINS)
        if k is not None:
            row[SCORE_COLUMNS[k]] += 1
    last_change: dt.date | None = None
    open_deadlines: list[dt.date] = []
    for r in rects:
        if r["last_change"] is not None and (last_change is None or r["last_change"] > last_change):
            last_change = r["last_change"]
        if not r["closed"] and r["deadline"] is not None:
            open_deadlines.append(r["deadline"])
    row.update(rect_last_change=last_change, rect_open_dated=len(open_deadlines),
               rect_open_first_deadline=min(open_deadlines, default=None),
               rect_open_last_deadline=max(open_deadlines, default=None))
    themes: dict[str, dict[str, Any]] = {}
    for p in problems:
        t = themes.setdefault(p["theme"], {"theme": p["theme"], "cats": set(), "titles": set(), "items": 0})
        t["cats"].add(p["category_no"])
        t["titles"].add(p["category"])
        t["items"] += 1
    theme_rows = [{"theme": t["theme"], "categories": len(t["cats"]), "items": t["items"],
                   "titles": TITLE_SEPARATOR.join(sorted(t["titles"]))} for t in themes.values()]
    return row, theme_rows


def rollup_parts(evaluation_id: int, version_id: int, units: Iterable[Mapping[str, Any]],
                 rects: Iterable[Mapping[str, Any]], problems: Iterable[Mapping[str, Any]]
                 ) -> list[tuple[sa.Table, list[dict]]]:
    """The roll-up rows of ``version_id`` from its fact rows, per table (for
    :func:`evalcore.facts.bulk.insert_all`)."""
    rects = list(rects)
    row, theme_rows = rollup_of(units, rects, problems)
    ids = {"version_id": version_id, "evaluation_id": evaluation_id}
    return [(T_FACT_ROLLUP, [{**row, **ids}]), (T_FACT_ROLLUP_THEME, [{**t, **ids} for t in theme_rows]),
            (T_FACT_ROLLUP_RECT_UNIT, [{**u, **ids} for u in rect_units_of(rects)])]


def write_rollups(conn: Connection, evaluation_id: int, version_id: int, units: Iterable[Mapping[str, Any]],
                  rects: Iterable[Mapping[str, Any]], problems: Iterable[Mapping[str, Any]]) -> None:
    """The roll-ups of ``version_id`` from its fact rows (inside the caller's transaction)."""
    insert_all(conn, rollup_parts(evaluation_id, version_id, units, rects, problems))


def delete_rollups(conn: Connection, version_id: int | None = None) -> None:
    """Remove a version's roll-ups (every roll-up when ``version_id`` is None, and the rows ``fact_unit_names``
    kept before it stopped being written)."""
    for table in (T_FACT_ROLLUP, T_FACT_ROLLUP_THEME, T_FACT_ROLLUP_RECT_UNIT):
        q = sa.delete(table)
        conn.execute(q if version_id is None else q.where(table.c.version_id == version_id))
    if version_id is None:
        conn.execute(sa.delete(T_FACT_UNIT_NAME))


def missing(conn: Connection) -> list[tuple[int, int]]:
    """(version id, evaluation id) of the versions that have fact rows of their own and no roll-ups."""
    q = (sa.select(T_FACT_VER.c.version_id, T_FACT_VER.c.evaluation_id)
         .outerjoin(T_FACT_ROLLUP, T_FACT_ROLLUP.c.version_id == T_FACT_VER.c.version_id)
         .where(T_FACT_VER.c.state == "ok", T_FACT_VER.c.facts_of == T_FACT_VER.c.version_id,
                T_FACT_ROLLUP.c.version_id.is_(None))
         .order_by(T_FACT_VER.c.version_id))
    return [(int(v), int(e)) for v, e in conn.execute(q)]


_UNIT_COLS = ("version_id", "counted", "name_key", "rate", "rate_complete", "score")
_RECT_COLS = ("version_id", "unit", "closed", "deadline", "last_change")
_PROBLEM_COLS = ("version_id", "theme", "category_no", "category")


def fill_from_rows(conn: Connection, todo: list[tuple[int, int]]) -> None:
    """Write the roll-ups of these versions from their stored fact rows (a few queries for the whole batch)."""
    if not todo:
        return
    ids = [v for v, _ in todo]

    def grouped(table: sa.Table, cols: tuple[str, ...]) -> dict[int, list[dict]]:
        out: dict[int, list[dict]] = {v: [] for v in ids}
        q = sa.select(*(table.c[c] for c in cols)).where(table.c.version_id.in_(ids))
        for r in conn.execute(q):
            out[r.version_id].append(dict(r._mapping))
        return out

    units = grouped(T_FACT_UNIT, _UNIT_COLS)
    rects = grouped(T_FACT_RECT, _RECT_COLS)
    problems = grouped(T_FACT_PROBLEM, _PROBLEM_COLS)
    for vid, eid in todo:
        write_rollups(conn, eid, vid, units[vid], rects[vid], problems[vid])


def backfill(conn: Connection, batch: int = 500) -> int:
    """Migration 11: the roll-ups of every version whose facts are stored (rerun-safe: only the missing ones)."""
    todo = missing(conn)
    for start in range(0, len(todo), batch):
        fill_from_rows(conn, todo[start:start + batch])
    return len(todo)


__all__ = ["TITLE_SEPARATOR", "RATE_BINS", "RATE_COLUMNS", "SCORE_BINS", "SCORE_COLUMNS", "backfill", "bin_count",
           "delete_rollups", "fill_from_rows", "missing", "rect_units_of", "rollup_of", "rollup_parts", "write_rollups"]
