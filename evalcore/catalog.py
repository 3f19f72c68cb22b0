"""What the store holds across evaluations (issue 18): the unit alias table with its history, a listing of the
evaluations with their kind, units and funds, and duplicate detection for imports.

Kept apart from :mod:`evalcore.store` (which owns transactions, sign-in and the audit log): these functions use a
:class:`~evalcore.store.Store` and its tables (``unit_aliases`` from schema version 4).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from . import budget, scoring
from .archive.query import listing_facts
from .auth import SYSTEM_ACTOR, Actor
from .clock import utc_now
from .matching import Alias, check_aliases, normalise
from .model import Evaluation
from .numbers import fmt2
from .portfolio import kind_of
from .store import (
    T_ALIAS,
    T_EVAL,
    T_VER,
    EvaluationInfo,
    Store,
    StoreError,
    VersionInfo,
    actor_name,
    natural_key_of,
    sha256_hex,
    validated,
)

# --- aliases ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AliasInfo:
    id: int
    alias: str
    canonical: str
    note: str
    created_by: str
    created_at: dt.datetime
    retired_by: str | None
    retired_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.retired_at is None

    def as_alias(self) -> Alias:
        return Alias(self.alias, self.canonical, self.note)


def _alias_info(r) -> AliasInfo:
    return AliasInfo(id=r.id, alias=r.alias, canonical=r.canonical, note=r.note, created_by=r.created_by,
                     created_at=r.created_at, retired_by=r.retired_by, retired_at=r.retired_at)


def aliases(store: Store, *, history: bool = False) -> list[AliasInfo]:
    """The alias table in force (oldest first); with ``history`` also every retired row."""
    query = sa.select(T_ALIAS)
    if not history:
        query = query.where(T_ALIAS.c.retired_at.is_(None))
    with store.reading() as conn:
        rows = conn.execute(query.order_by(T_ALIAS.c.id)).all()
    return [_alias_info(r) for r in rows]


def set_alias(store: Store, alias: str, canonical: str, *, by: Actor, note: str = "") -> AliasInfo:
    """``alias`` (an old or other name of a unit) is the unit now called ``canonical``. Replaces the row in force
    for the same alias (which is retired, not deleted). Evaluators and admins; refused with a Chinese message for
    empty names, a name onto itself, and a table that would loop."""
    store.require(by, "publish", target=f"别名 {alias}")
    alias, canonical, note = (alias or "").strip(), (canonical or "").strip(), (note or "").strip()
    key = normalise(alias)
    if not key or not normalise(canonical):
        raise StoreError("别名和现用名称都不能为空")
    if key == normalise(canonical):
        raise StoreError(f"别名“{alias}”与现用名称相同，无需设置")
    now = utc_now()
    with store.writing() as conn:
        current = conn.execute(sa.select(T_ALIAS).where(T_ALIAS.c.retired_at.is_(None))).all()
        table = [(r.alias, r.canonical) for r in current if r.alias_key != key] + [(alias, canonical)]
        try:
            check_aliases(table)
        except ValueError as exc:
            raise StoreError(f"{exc}，未保存") from exc
        old = [r for r in current if r.alias_key == key]
        for r in old:
            conn.execute(sa.update(T_ALIAS).where(T_ALIAS.c.id == r.id)
                         .values(retired_by=actor_name(by), retired_at=now))
        inserted = conn.execute(sa.insert(T_ALIAS).values(
            alias_key=key, alias=alias, canonical=canonical, note=note, created_by=actor_name(by),
            created_at=now)).inserted_primary_key
        assert inserted is not None  # an INSERT of one row always has its key
        new_id = inserted[0]
        store.record_in(conn, by, "alias_set", f"单位别名：{alias} → {canonical}", target=alias, now=now,
                     before={"现用名称": old[0].canonical} if old else None,
                     after={"别名": alias, "现用名称": canonical, "说明": note})
        return _alias_info(conn.execute(sa.select(T_ALIAS).where(T_ALIAS.c.id == new_id)).one())


def retire_alias(store: Store, alias_id: int, *, by: Actor) -> AliasInfo:
    """Stop using an alias row (it stays in the history)."""
    store.require(by, "publish", target=f"别名 {alias_id}")
    now = utc_now()
    with store.writing() as conn:
        row = conn.execute(sa.select(T_ALIAS).where(T_ALIAS.c.id == alias_id)).first()
        if row is None:
            raise StoreError(f"别名不存在（编号 {alias_id}）")
        if row.retired_at is not None:
            raise StoreError(f"别名“{row.alias}”已停用")
        conn.execute(sa.update(T_ALIAS).where(T_ALIAS.c.id == alias_id)
                     .values(retired_by=actor_name(by), retired_at=now))
        store.record_in(conn, by, "alias_retire", f"停用单位别名：{row.alias} → {row.canonical}", target=row.alias,
                     now=now, before={"别名": row.alias, "现用名称": row.canonical})
        return _alias_info(conn.execute(sa.select(T_ALIAS).where(T_ALIAS.c.id == alias_id)).one())


# --- listing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """An evaluation of the store with what its active version holds."""

    info: EvaluationInfo
    kind: str
    kind_inferred: bool
    units: int  # funded or scored units
    budget: Decimal | None
    executed: Decimal | None

    def as_dict(self) -> dict:
        """The ``list --json`` row: amounts as 2-decimal strings."""
        i = self.info
        return {"id": i.id, "region": i.region, "year": i.year, "kind": self.kind, "kind_inferred": self.kind_inferred,
                "title": i.title, "units": self.units, "budget": fmt2(self.budget) or None,
                "executed": fmt2(self.executed) or None, "active_version": i.active_number,
                "active_version_id": i.active_version_id, "versions": i.versions, "archived": i.archived}


def _counted_units(ev: Evaluation) -> int:
    rates = budget.unit_rates(ev)
    scored = set(scoring.scored_units(ev))
    return sum(1 for u in ev.units if u.key in scored or rates[u.key].budget is not None
               or rates[u.key].executed is not None)


def listing(store: Store, *, include_archived: bool = True) -> list[Listing]:
    """Every evaluation (archived ones too unless asked not to), with kind, units and funds of its active
    version, in the store's order (newest year first)."""
    out = []
    facts = listing_facts(store)
    for info in store.evaluations(include_archived=include_archived):
        f = facts.get(info.active_version_id)
        if f is not None:
            out.append(Listing(info, f.kind, bool(f.kind_inferred), int(f.units), f.budget, f.executed))
            continue
        ev = store.load(info.active_version_id)  # no readable facts: read it (says why it cannot be read)
        kind, inferred = kind_of(ev.meta)
        total = budget.overall(ev)
        out.append(Listing(info, kind, inferred, _counted_units(ev), total.budget, total.executed))
    return out


# --- duplicates -------------------------------------------------------------------------------------------


def duplicate_of(store: Store, data: bytes, ev: Evaluation) -> VersionInfo | None:
    """The stored version this workbook repeats, or None: a version of the same evaluation (地区, 年度, 标题) with
    the same bytes, or the active version holding the same data (a re-saved or re-parsed file)."""
    digest = sha256_hex(data)
    with store.reading() as conn:
        row = conn.execute(sa.select(T_EVAL.c.id, T_EVAL.c.active_version_id)
                           .where(T_EVAL.c.natural_key == natural_key_of(ev))).first()
        if row is None:
            return None
        same = conn.scalar(sa.select(T_VER.c.id).where(T_VER.c.evaluation_id == row.id, T_VER.c.file_hash == digest)
                           .order_by(T_VER.c.number.desc()).limit(1))
    if same is not None:
        return store.version(same)
    if row.active_version_id is not None and store.load(row.active_version_id) == ev:
        return store.version(row.active_version_id)
    return None


# --- first run ----------------------------------------------------------------------------------------------


def ensure_samples(store: Store, paths: Sequence[Path]) -> list[VersionInfo]:
    """Publish every sample workbook (kind "sample", by 系统) if the store holds no evaluation yet; the first
    through :meth:`Store.ensure_sample` (which serialises two processes starting at once), the others only by
    the process that published the first. Returns the versions written (empty when there was already data)."""
    if not paths:
        return []
    first = store.ensure_sample(paths[0])
    if first is None:
        return []
    written = [first]
    for path in paths[1:]:
        data = Path(path).read_bytes()
        ev = validated(data)
        with store.writing() as conn:
            written.append(store.publish_in(conn, data, ev, file_name=Path(path).name, by=SYSTEM_ACTOR,
                                          note="首次启动时载入的示例评价", kind="sample"))
    return written


__all__ = ["AliasInfo", "Listing", "aliases", "duplicate_of", "ensure_samples", "listing", "retire_alias", "set_alias"]
