"""Evaluations and their versions: reading them, publishing a workbook, rolling back, saving a 整改 update,
loading the sample, archiving.

Every published workbook is a version of its evaluation, kept forever; the workbook bytes are the source of truth
(:meth:`EvaluationsStore.load` reads them with :func:`evalcore.workbook.read_workbook`), and a rollback is a new
version. Writes to one evaluation are serialised by locking its row (``SELECT ... FOR UPDATE`` on PostgreSQL, the
writer lock on SQLite). What a 整改 update changes is :mod:`evalcore.rectification`; this module keeps it, with one
change-log row per field.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from .. import clock
from ..auth import SYSTEM_ACTOR, Actor
from ..clock import utc_now as _now  # the one UTC-now (evalcore.clock)
from ..facts.bulk import (
    Native,
    Positional,
    bound,
    direct,
    fetch_native,
    in_pipeline,
    native,
    pipelined,
    positional,
    processed,
    run_direct,
    run_native,
)
from ..facts.totals import sync as sync_totals
from ..facts.upgrade import FillReport, fill
from ..facts.write import mark_unreadable, point_facts, write_facts
from ..model import Evaluation
from ..rectification import apply_update, change_summary, find_item, item_changes
from ..scoring import UnitScore
from ..tables import T_CHANGE, T_EVAL, T_VER, VERSION_COLUMNS
from ..workbook import read_workbook, workbook_bytes
from .audit import AuditStore
from .connection import LOCK_SAMPLE, AnyRow, actor_name, new_id, sha256_hex
from .records import ChangeInfo, ConflictError, EvaluationInfo, PublishError, StoreError, UpdateError, VersionInfo


class EvaluationsStore(AuditStore):
    """The evaluations, their versions and the 整改 change log: the core of :class:`~evalcore.store.Store`."""

    def __init__(self, url):
        super().__init__(url)
        self.opened_fill = self.fill_facts()  # what opening filled (python -m evalcore upgrade reports it)

    def fill_facts(self, *, refresh: bool = False, progress: bool | None = None) -> FillReport:
        """Write the facts (:mod:`evalcore.facts`) of every version that has none yet: the versions stored
        before schema version 5. A no-op (one query) when every version has its facts. Returns the
        :class:`evalcore.facts.upgrade.FillReport`."""
        return fill(self, refresh=refresh, progress=progress)

    # -- reading --

    def evaluation_query(self) -> sa.Select:
        counts = (sa.select(T_VER.c.evaluation_id, sa.func.count().label("n"))
                  .group_by(T_VER.c.evaluation_id).subquery())
        return (sa.select(T_EVAL, T_VER.c.number.label("active_number"), counts.c.n)
                .join(T_VER, T_VER.c.id == T_EVAL.c.active_version_id)
                .join(counts, counts.c.evaluation_id == T_EVAL.c.id))

    @staticmethod
    def evaluation_info(row: AnyRow) -> EvaluationInfo:
        return EvaluationInfo(id=row.id, region=row.region, year=row.year, title=row.title,
                              active_version_id=row.active_version_id, active_number=row.active_number,
                              versions=row.n, updated_at=row.updated_at, archived=row.archived_at is not None)

    def evaluations(self, include_archived: bool = False) -> list[EvaluationInfo]:
        """The evaluations (archived ones only when asked): newest year first (no year last), then region,
        then title."""
        query = self.evaluation_query()
        if not include_archived:
            query = query.where(T_EVAL.c.archived_at.is_(None))
        with self._read() as conn:
            rows = conn.execute(query).all()
        infos = [self.evaluation_info(r) for r in rows]
        return sorted(infos, key=lambda e: (e.year is None, -(e.year or 0), e.region, e.title, e.id))

    def evaluation(self, evaluation_id: int) -> EvaluationInfo:
        with self._read() as conn:
            row = conn.execute(self.evaluation_query().where(T_EVAL.c.id == evaluation_id)).first()
        if row is None:
            raise StoreError(f"评价不存在（编号 {evaluation_id}）")
        return self.evaluation_info(row)

    def _version_query(self) -> sa.Select:
        return (sa.select(*VERSION_COLUMNS, T_EVAL.c.active_version_id)
                .join(T_EVAL, T_EVAL.c.id == T_VER.c.evaluation_id))

    @staticmethod
    def _version_info(row: AnyRow) -> VersionInfo:
        return VersionInfo(id=row.id, evaluation_id=row.evaluation_id, number=row.number, kind=row.kind,
                           file_name=row.file_name, file_hash=row.file_hash, size=row.size, by=row.created_by,
                           at=row.created_at, note=row.note, source_version_id=row.source_version_id,
                           active=row.id == row.active_version_id)

    def versions(self, evaluation_id: int) -> list[VersionInfo]:
        """Every version of the evaluation, newest first."""
        with self._read() as conn:
            rows = conn.execute(self._version_query().where(T_VER.c.evaluation_id == evaluation_id)
                                .order_by(T_VER.c.number.desc())).all()
        if not rows:
            self.evaluation(evaluation_id)  # raises for an unknown evaluation
        return [self._version_info(r) for r in rows]

    def version(self, version_id: int) -> VersionInfo:
        with self._read() as conn:
            row = conn.execute(self._version_query().where(T_VER.c.id == version_id)).first()
        if row is None:
            raise StoreError(f"版本不存在（编号 {version_id}）")
        return self._version_info(row)

    def workbook(self, version_id: int) -> bytes:
        """The stored workbook bytes of a version, exactly as published or written."""
        with self._read() as conn:
            data = conn.scalar(sa.select(T_VER.c.data).where(T_VER.c.id == version_id))
        if data is None:
            raise StoreError(f"版本不存在（编号 {version_id}）")
        return bytes(data)

    def load(self, version_id: int) -> Evaluation:
        return parse_stored(self.workbook(version_id), version_id)

    def changes(self, evaluation_id: int, item_id: str | None = None) -> list[ChangeInfo]:
        """The 整改 change log of an evaluation (or of one item): newest save first; within one save, in field
        order (整改状态, 整改进度, 备注, 佐证材料)."""
        query = sa.select(T_CHANGE).where(T_CHANGE.c.evaluation_id == evaluation_id)
        if item_id is not None:
            query = query.where(T_CHANGE.c.item_id == item_id)
        with self._read() as conn:
            rows = conn.execute(query.order_by(T_CHANGE.c.version_id.desc(), T_CHANGE.c.id)).all()
        return [ChangeInfo(id=r.id, evaluation_id=r.evaluation_id, version_id=r.version_id, item_id=r.item_id,
                           field=r.field, old=r.old_value, new=r.new_value, by=r.changed_by, at=r.changed_at)
                for r in rows]

    # -- writing --

    def publish(self, data: bytes, *, file_name: str, by: Actor, note: str = "") -> VersionInfo:
        """Validate and store a workbook as a new version of its evaluation, which it makes active.

        ``by`` must be allowed to publish (evaluator or admin), else :class:`~evalcore.auth.PermissionDenied`
        (and an audit entry of the refusal). The evaluation is the one with the workbook's (地区, 年度, 评价标题);
        a new one is created if there is none. Raises :class:`PublishError` for an invalid workbook and
        :class:`StoreError` when the bytes are those of the active version. One transaction: the version and
        its audit entry are written together or not at all.
        """
        self._require(by, "publish", target=Path(file_name or "").name)
        ev, scores = validated_scored(data)
        with self._write() as conn:
            return self._publish(conn, data, ev, file_name=file_name, by=by, note=note, kind="publish",
                                 scores=scores)

    def publish_in(self, conn: Connection, data: bytes, ev: Evaluation, *, file_name: str, by: Actor, note: str,
                   kind: str) -> VersionInfo:
        """Publish ``ev`` (read from the workbook ``data``) as a new version in the caller's transaction (``conn``
        from :meth:`writing`), for a caller that writes more in the same transaction (the samples of the first
        run). No permission check: the caller has made it. Raises :class:`StoreError` when nothing changed."""
        return self._publish(conn, data, ev, file_name=file_name, by=by, note=note, kind=kind)

    def _publish(self, conn: Connection, data: bytes, ev: Evaluation, *, file_name: str, by: Actor, note: str,
                 kind: str, scores: Mapping[str, UnitScore] | None = None) -> VersionInfo:
        """``scores``: the unit scores validation computed for ``ev`` (:func:`validated_scored`), reused by
        its facts."""
        now = _now()
        version_ids: tuple[int | None, int] | None = None
        if conn.dialect.name == "postgresql":  # the lock, the active version and the new one's ids: one round trip
            evaluation_id, active, version_ids = self._lock_or_create_postgresql(conn, ev, now)
        elif direct(conn):  # SQLite: the same statements on the driver's cursor
            evaluation_id, active, version_ids = self._lock_or_create_sqlite(conn, ev, now)
        else:
            evaluation_id = self._lock_or_create(conn, ev, now)
            active = self._active(conn, evaluation_id)
        digest = sha256_hex(data)
        if active is not None and (active.file_hash == digest
                                   or parse_stored(self._data(conn, active.id), active.id) == ev):
            # the same bytes, or a re-saved file (Excel stamps the save time) holding the same data
            raise StoreError("与当前版本内容相同，无需重复发布")
        with pipelined(conn):  # PostgreSQL: the version, its facts, the totals and the audit entry: one wait
            version = self._add_version(conn, evaluation_id, data, kind=kind, file_name=file_name, by=by, note=note,
                                        source_version_id=None, now=now, ev=ev, scores=scores, digest=digest,
                                        version_ids=version_ids)
            label = ev.meta.label
            self._audit(conn, by, kind, f"发布“{label}”第 {version.number} 版（{version.file_name}）",
                        evaluation_id=evaluation_id, version_id=version.id, target=version.file_name, now=now,
                        before=None if active is None else {"当前版本": active.number, "sha256": active.file_hash},
                        after={"当前版本": version.number, "sha256": version.file_hash, "文件": version.file_name,
                               "大小（字节）": version.size, "说明": version.note})
        return version

    def rollback(self, evaluation_id: int, version_id: int, *, by: Actor, note: str = "") -> VersionInfo:
        """Make an earlier version current again by copying its bytes into a NEW version (kind rollback).
        Admins only."""
        self._require(by, "rollback", evaluation_id=evaluation_id, target=f"版本 {version_id}")
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            source = conn.execute(sa.select(T_VER.c.evaluation_id, T_VER.c.number, T_VER.c.file_name,
                                            T_VER.c.file_hash, T_VER.c.data)
                                  .where(T_VER.c.id == version_id)).first()
            if source is None or source.evaluation_id != evaluation_id:
                raise StoreError(f"该评价没有这个版本（编号 {version_id}）")
            active = self._active(conn, evaluation_id)
            if active is not None and active.id == version_id:
                raise StoreError("该版本已是当前版本，无需回滚")
            if active is not None and active.file_hash == source.file_hash:
                raise StoreError("该版本与当前版本内容相同，无需回滚")
            now = _now()
            version = self._add_version(conn, evaluation_id, bytes(source.data), kind="rollback",
                                        file_name=source.file_name, by=by,
                                        note=note or f"回滚到第 {source.number} 版", source_version_id=version_id,
                                        now=now)
            self._audit(conn, by, "rollback",
                        f"回滚到第 {source.number} 版，成为第 {version.number} 版", evaluation_id=evaluation_id,
                        version_id=version.id, target=f"第 {source.number} 版", now=now,
                        before=None if active is None else {"当前版本": active.number},
                        after={"当前版本": version.number, "内容来自": source.number, "说明": version.note})
            return version

    def update_rectification(self, evaluation_id: int, item_id: str, *, base_version_id: int, status: str,
                             progress: Decimal | None, note: str, evidence: str, by: Actor,
                             on: dt.date | None = None) -> VersionInfo:
        """Save an editor's change to one 整改 item as a new version, with one change-log row per field.

        ``base_version_id`` is the version the editor saw. If the item has changed since then (someone else
        saved first), raises :class:`ConflictError` and writes nothing; changes to other items since the base
        are kept and the edit is applied on top of them. ``on`` defaults to today's date in Beijing time.
        """
        self._require(by, "rectify", evaluation_id=evaluation_id, target=item_id)
        with self._write() as conn:
            return self._save_update(conn, evaluation_id, item_id, base_version_id=base_version_id, status=status,
                                     progress=progress, note=note, evidence=evidence, by=by, on=on)

    def _save_update(self, conn: Connection, evaluation_id: int, item_id: str, *, base_version_id: int, status: str,
                     progress: Decimal | None, note: str, evidence: str, by: Actor,
                     on: dt.date | None = None, action: str = "rectify") -> VersionInfo:
        """:meth:`update_rectification` inside the caller's transaction, the role already checked (a 销号 of
        :mod:`.loop` writes its version and its loop step together)."""
        on = on or clock.today()
        who = actor_name(by)
        self._lock(conn, evaluation_id)
        active = self._active(conn, evaluation_id)
        if active is None:  # pragma: no cover - an evaluation always has a version
            raise StoreError(f"评价不存在（编号 {evaluation_id}）")
        base_eval_id = conn.scalar(sa.select(T_VER.c.evaluation_id).where(T_VER.c.id == base_version_id))
        if base_eval_id != evaluation_id:
            raise StoreError(f"该评价没有这个版本（编号 {base_version_id}）")
        current_ev = parse_stored(self._data(conn, active.id), active.id)
        current = find_item(current_ev, item_id)
        if current is None:
            raise UpdateError(f"整改事项 {item_id} 在当前版本中不存在，可能已被删除，请刷新后重试")
        if base_version_id != active.id:
            seen = find_item(parse_stored(self._data(conn, base_version_id), base_version_id), item_id)
            if seen != current:
                changed_by, changed_at = self._last_change(conn, evaluation_id, item_id, base_version_id, active)
                raise ConflictError(item_id, current, changed_by, changed_at)
        try:
            new_ev = apply_update(current_ev, item_id, status=status, progress=progress, note=note,
                                  evidence=evidence, by=who, on=on)
        except ValueError as exc:
            raise UpdateError(str(exc)) from exc
        updated = find_item(new_ev, item_id)
        assert updated is not None
        changed = item_changes(current, updated)
        summary = change_summary(current, updated)
        now = _now()
        version = self._add_version(conn, evaluation_id, workbook_bytes(new_ev), kind="rectification",
                                    file_name=active.file_name, by=by, note=f"整改更新 {item_id}：{summary}",
                                    source_version_id=None, now=now, ev=new_ev)
        conn.execute(sa.insert(T_CHANGE), [
            {"evaluation_id": evaluation_id, "version_id": version.id, "item_id": item_id, "field": label,
             "old_value": old, "new_value": new, "changed_by": who, "changed_at": now}
            for label, old, new in changed
        ])
        self._audit(conn, by, action, f"整改事项 {item_id}：{summary}（第 {version.number} 版）",
                    evaluation_id=evaluation_id, version_id=version.id, target=item_id, now=now,
                    before={label: old for label, old, _ in changed},
                    after={label: new for label, _, new in changed})
        return version

    def ensure_sample(self, path: Path) -> VersionInfo | None:
        """Publish the sample workbook (kind "sample", by 系统) if the store holds no evaluation yet.

        Idempotent, and safe when two processes start at once (the check and the publish are one serialised
        transaction). Returns the new version, or None when there was already an evaluation.
        """
        path = Path(path)
        with self._read() as conn:
            if conn.scalar(sa.select(sa.func.count()).select_from(T_EVAL)):
                return None
        data = path.read_bytes()
        ev, scores = validated_scored(data)
        with self._write() as conn:
            self._lock_global(conn, LOCK_SAMPLE)
            if conn.scalar(sa.select(sa.func.count()).select_from(T_EVAL)):
                return None
            return self._publish(conn, data, ev, file_name=path.name, by=SYSTEM_ACTOR,
                                 note="首次启动时载入的示例评价", kind="sample", scores=scores)

    # -- evaluations --

    def set_archived(self, evaluation_id: int, archived: bool, *, by: Actor) -> EvaluationInfo:
        """Archive an evaluation (it leaves the pickers; nothing is deleted) or bring it back. Admins only."""
        self._require(by, "manage_evaluations", evaluation_id=evaluation_id)
        now = _now()
        with self._write() as conn:
            self._lock(conn, evaluation_id)
            was = conn.scalar(sa.select(T_EVAL.c.archived_at).where(T_EVAL.c.id == evaluation_id))
            if (was is not None) == archived:
                raise StoreError("该评价已归档" if archived else "该评价未归档，无需恢复")
            conn.execute(sa.update(T_EVAL).where(T_EVAL.c.id == evaluation_id)
                         .values(archived_at=now if archived else None))
            sync_totals(conn, evaluation_id)
            info = self.evaluation_info(conn.execute(self.evaluation_query().where(T_EVAL.c.id == evaluation_id)).one())
            self._audit(conn, by, "evaluation_archive" if archived else "evaluation_restore",
                        f"{'归档' if archived else '恢复'}评价“{info.label}”", evaluation_id=evaluation_id,
                        target=info.label, now=now, before={"已归档": not archived}, after={"已归档": archived})
            return info

    # -- write helpers (all run inside the caller's transaction) --

    def _lock(self, conn: Connection, evaluation_id: int) -> None:
        """Lock the evaluation row against other writers (PostgreSQL; SQLite's writer lock is already held)."""
        found = conn.scalar(sa.select(T_EVAL.c.id).where(T_EVAL.c.id == evaluation_id).with_for_update())
        if found is None:
            raise StoreError(f"评价不存在（编号 {evaluation_id}）")

    def _lock_or_create(self, conn: Connection, ev: Evaluation, now: dt.datetime) -> int:
        key = natural_key_of(ev)
        # Concurrent first publishes of the same evaluation: the second waits for the first's row, then skips.
        self._insert_new(conn, T_EVAL, {"natural_key": key, "region": ev.meta.region, "year": ev.meta.year,
                                        "title": ev.meta.title, "active_version_id": None, "created_at": now,
                                        "updated_at": now}, "natural_key")
        evaluation_id = conn.scalar(sa.select(T_EVAL.c.id).where(T_EVAL.c.natural_key == key).with_for_update())
        if evaluation_id is None:  # the row was just inserted, or was there already
            raise StoreError(f"评价“{ev.meta.title}”未能写入数据库")
        return int(evaluation_id)

    def _lock_or_create_postgresql(self, conn: Connection, ev: Evaluation, now: dt.datetime
                                   ) -> tuple[int, VersionInfo | None, tuple[int, int]]:
        """:meth:`_lock_or_create` on PostgreSQL, then (read once the row is locked) :meth:`_active` and the new
        version's (id, number) (:func:`_next_version`): four statements, one round trip."""
        key = natural_key_of(ev)
        insert, lock, active = _evaluation_lock(conn.dialect)
        values = bound(T_EVAL, {"natural_key": key, "region": ev.meta.region, "year": ev.meta.year,
                                "title": ev.meta.title, "active_version_id": None, "created_at": now,
                                "updated_at": now}, conn.dialect)
        _, locked, found, ids = fetch_native(conn, [(insert, values), (lock, values), (active, values),
                                                    (_next_version(conn.dialect, True), {"key": key})])
        if not locked:
            raise StoreError(f"评价“{ev.meta.title}”未能写入数据库")
        names = [c.name for c in VERSION_COLUMNS] + ["active_version_id"]
        # the row's columns by name, as _version_info reads a Row's
        info = (self._version_info(cast(AnyRow, SimpleNamespace(**processed(T_VER, names, found[0], conn.dialect))))
                if found else None)
        return int(locked[0][0]), info, _next_version_ids(ids)

    def _lock_or_create_sqlite(self, conn: Connection, ev: Evaluation, now: dt.datetime
                               ) -> tuple[int, VersionInfo | None, tuple[None, int]]:
        """:meth:`_lock_or_create`, :meth:`_active` and the new version's number on SQLite, each statement compiled
        once and run on the driver's cursor (:func:`evalcore.facts.bulk.run_direct`); the writer's lock is the
        transaction's (``BEGIN IMMEDIATE``). The new version's id is SQLite's at its insert: (None, number)."""
        insert, lock, active, number = _evaluation_lock_sqlite(conn.dialect)
        values = bound(T_EVAL, {"natural_key": natural_key_of(ev), "region": ev.meta.region, "year": ev.meta.year,
                                "title": ev.meta.title, "active_version_id": None, "created_at": now,
                                "updated_at": now}, conn.dialect)
        run_direct(conn, insert, values)
        locked = run_direct(conn, lock, values).fetchall()
        if not locked:
            raise StoreError(f"评价“{ev.meta.title}”未能写入数据库")
        evaluation_id = int(locked[0][0])
        found = run_direct(conn, active, values).fetchall()
        names = [c.name for c in VERSION_COLUMNS] + ["active_version_id"]
        info = (self._version_info(cast(AnyRow, SimpleNamespace(**processed(T_VER, names, found[0], conn.dialect))))
                if found else None)
        (next_number,), = run_direct(conn, number, {"eid": evaluation_id}).fetchall()
        return evaluation_id, info, (None, int(next_number))

    def _active(self, conn: Connection, evaluation_id: int) -> VersionInfo | None:
        row = conn.execute(self._version_query().where(T_EVAL.c.id == evaluation_id)
                           .where(T_VER.c.id == T_EVAL.c.active_version_id)).first()
        return self._version_info(row) if row is not None else None

    @staticmethod
    def _data(conn: Connection, version_id: int) -> bytes:
        data = conn.scalar(sa.select(T_VER.c.data).where(T_VER.c.id == version_id))
        if data is None:
            raise StoreError(f"版本不存在（编号 {version_id}）")
        return bytes(data)

    def _add_version(self, conn: Connection, evaluation_id: int, data: bytes, *, kind: str, file_name: str,
                     by: Actor,
                     note: str, source_version_id: int | None, now: dt.datetime,
                     ev: Evaluation | None = None,
                     scores: Mapping[str, UnitScore] | None = None, digest: str | None = None,
                     version_ids: tuple[int | None, int] | None = None) -> VersionInfo:
        """Store a version and make it active, with its facts (:mod:`evalcore.archive`) in the same transaction:
        those of ``ev`` when given (publish, 整改 update), else a pointer to the source's facts (rollback), else
        parsed from ``data``; ``scores``: the unit scores of ``ev`` when the caller has them."""
        name, file_hash = Path(file_name or "").name or "评价.xlsx", digest or sha256_hex(data)
        who, note = actor_name(by), (note or "").strip()
        values = dict(evaluation_id=evaluation_id, kind=kind, file_name=name, file_hash=file_hash, size=len(data),
                      created_by=who, created_at=now, note=note, source_version_id=source_version_id, data=data)
        if ev is not None and direct(conn) and version_ids is not None:
            # SQLite (a publish; its number from _lock_or_create_sqlite): the version and the pointer on the driver's
            # cursor, the facts and the totals' shift as always
            values["id"], values["number"] = None, version_ids[1]
            version_id = int(run_direct(conn, _version_insert_sqlite(conn.dialect),
                                        bound(T_VER, values, conn.dialect)).lastrowid)
            self._activate(conn, evaluation_id, version_id, now)
            write_facts(conn, evaluation_id, version_id, ev, now, scores, shift_totals=True)
            return VersionInfo(id=version_id, evaluation_id=evaluation_id, number=version_ids[1], kind=kind,
                               file_name=name, file_hash=file_hash, size=len(data), by=who,
                               at=now.astimezone(dt.UTC), note=note, source_version_id=source_version_id,
                               active=True)
        if ev is not None and conn.dialect.name == "postgresql":
            # the version's id taken first (from its sequence), so that its row and the evaluation's pointer are sent
            # without waiting, and the server stores them while Python works out the facts; the facts, the totals'
            # shift (and the caller's audit entry) follow in the same pipeline, awaited once
            if version_ids is None:
                version_ids = _next_version_ids(fetch_native(conn, [(_next_version(conn.dialect),
                                                                     {"eid": evaluation_id})])[0])
            version_id, number = cast(tuple[int, int], version_ids)
            values["id"], values["number"] = version_id, number
            with pipelined(conn):
                run_native(conn, [(_version_insert(conn.dialect), bound(T_VER, values, conn.dialect))])
                self._activate(conn, evaluation_id, version_id, now)
                write_facts(conn, evaluation_id, version_id, ev, now, scores, shift_totals=True)
            # what reading the row back gives (``_version_info``): the values written, the version active
            return VersionInfo(id=version_id, evaluation_id=evaluation_id, number=number, kind=kind, file_name=name,
                               file_hash=file_hash, size=len(data), by=who, at=now.astimezone(dt.UTC), note=note,
                               source_version_id=source_version_id, active=True)
        values["number"] = (conn.scalar(sa.select(sa.func.max(T_VER.c.number))
                                        .where(T_VER.c.evaluation_id == evaluation_id)) or 0) + 1
        result = conn.execute(sa.insert(T_VER).values(**values))
        version_id = new_id(result)
        self._activate(conn, evaluation_id, version_id, now)
        if ev is None and source_version_id is not None and point_facts(conn, evaluation_id, version_id,
                                                                         source_version_id, now):
            pass
        else:
            if ev is None:
                result_ = read_workbook(data)
                ev = result_.evaluation if result_.ok else None
                if ev is None:
                    mark_unreadable(conn, evaluation_id, version_id,
                                    str(result_.errors[0]) if result_.errors else "工作簿无法读取", now)
            if ev is not None:  # the facts and the totals' shift (on PostgreSQL one statement)
                write_facts(conn, evaluation_id, version_id, ev, now, scores, shift_totals=True)
        if ev is None:  # a rollback's pointer, or an unreadable version
            sync_totals(conn, evaluation_id)
        row = conn.execute(self._version_query().where(T_VER.c.id == version_id)).one()
        return self._version_info(row)

    @staticmethod
    def _activate(conn: Connection, evaluation_id: int, version_id: int, now: dt.datetime) -> None:
        if in_pipeline(conn):  # PostgreSQL, a publish (_add_version)
            run_native(conn, [(_activate_update(conn.dialect), bound(
                T_EVAL, {"active_version_id": version_id, "updated_at": now, "id": evaluation_id}, conn.dialect))])
            return
        if direct(conn):  # SQLite: on the driver's cursor
            run_direct(conn, _activate_update_sqlite(conn.dialect), bound(
                T_EVAL, {"active_version_id": version_id, "updated_at": now, "id": evaluation_id}, conn.dialect))
            return
        conn.execute(sa.update(T_EVAL).where(T_EVAL.c.id == evaluation_id)
                     .values(active_version_id=version_id, updated_at=now))

    def _last_change(self, conn: Connection, evaluation_id: int, item_id: str, base_version_id: int,
                     active: VersionInfo) -> tuple[str, dt.datetime]:
        """Who changed the item after the base version: the newest change-log row, else the active version
        (a publish or rollback that brought different content)."""
        row = conn.execute(sa.select(T_CHANGE.c.changed_by, T_CHANGE.c.changed_at)
                           .where(T_CHANGE.c.evaluation_id == evaluation_id, T_CHANGE.c.item_id == item_id,
                                  T_CHANGE.c.version_id > base_version_id)
                           .order_by(T_CHANGE.c.id.desc()).limit(1)).first()
        if row is not None:
            return row.changed_by, row.changed_at
        return active.by, active.at



@lru_cache(maxsize=8)
def _next_version(dialect: sa.Dialect, by_key: bool = False) -> Native:
    """PostgreSQL: (the id a new version of the evaluation gets from the versions' sequence, its number); the
    evaluation by its id (``eid``) or, ``by_key``, by its natural key (``key``)."""
    evaluation = (sa.select(T_EVAL.c.id).where(T_EVAL.c.natural_key == sa.bindparam("key", type_=sa.Text))
                  .scalar_subquery() if by_key else sa.bindparam("eid", type_=sa.Integer))
    number = (sa.select(sa.func.coalesce(sa.func.max(T_VER.c.number), 0) + 1)
              .where(T_VER.c.evaluation_id == evaluation).scalar_subquery())
    stmt = sa.select(sa.func.nextval(sa.func.pg_get_serial_sequence("versions", "id")), number)
    return native(stmt.compile(dialect=dialect))


def _next_version_ids(rows: list[tuple]) -> tuple[int, int]:
    (version_id, number), = rows
    return int(version_id), int(number)


_VERSION_COLUMNS = ("id", "evaluation_id", "number", "kind", "file_name", "file_hash", "size", "created_by",
                    "created_at", "note", "source_version_id", "data")
_EVAL_NEW_COLUMNS = ("natural_key", "region", "year", "title", "active_version_id", "created_at", "updated_at")


def _params(table: sa.Table, names: tuple[str, ...]) -> dict[str, sa.BindParameter]:
    return {c: sa.bindparam(c, type_=table.c[c].type) for c in names}


def _version_insert_stmt() -> sa.Insert:
    """A version's row, every column bound by name (both backends' direct paths compile it)."""
    return sa.insert(T_VER).values(_params(T_VER, _VERSION_COLUMNS))


def _activate_stmt() -> sa.Update:
    """The evaluation's pointer to its active version (both backends' direct paths compile it)."""
    return (sa.update(T_EVAL).where(T_EVAL.c.id == sa.bindparam("id", type_=sa.Integer))
            .values(_params(T_EVAL, ("active_version_id", "updated_at"))))


@lru_cache(maxsize=4)
def _version_insert(dialect: sa.Dialect) -> Native:
    return native(_version_insert_stmt().compile(dialect=dialect))


@lru_cache(maxsize=4)
def _activate_update(dialect: sa.Dialect) -> Native:
    return native(_activate_stmt().compile(dialect=dialect))


@lru_cache(maxsize=4)
def _evaluation_lock(dialect: sa.Dialect) -> tuple[Native, Native, Native]:
    """PostgreSQL: (the evaluation's row inserted unless its natural key is there, its id locked FOR UPDATE, its
    active version as :meth:`EvaluationsStore._version_query` reads it), the evaluation by ``natural_key``."""
    insert = (postgresql_insert(T_EVAL).values(_params(T_EVAL, _EVAL_NEW_COLUMNS))
              .on_conflict_do_nothing(index_elements=["natural_key"]).returning(T_EVAL.c.id))
    by_key = T_EVAL.c.natural_key == sa.bindparam("natural_key", type_=sa.Text)
    lock = sa.select(T_EVAL.c.id).where(by_key).with_for_update()
    active = (sa.select(*VERSION_COLUMNS, T_EVAL.c.active_version_id)
              .join(T_EVAL, T_EVAL.c.id == T_VER.c.evaluation_id)
              .where(by_key, T_VER.c.id == T_EVAL.c.active_version_id))
    return tuple(native(s.compile(dialect=dialect)) for s in (insert, lock, active))  # type: ignore[return-value]


@lru_cache(maxsize=2)
def _version_insert_sqlite(dialect: sa.Dialect) -> Positional:
    return positional(_version_insert_stmt().compile(dialect=dialect))


@lru_cache(maxsize=2)
def _activate_update_sqlite(dialect: sa.Dialect) -> Positional:
    return positional(_activate_stmt().compile(dialect=dialect))


@lru_cache(maxsize=2)
def _evaluation_lock_sqlite(dialect: sa.Dialect) -> tuple[Positional, Positional, Positional, Positional]:
    """SQLite: (the evaluation's row inserted unless its natural key is there, its id, its active version as
    :meth:`EvaluationsStore._version_query` reads it: by ``natural_key``; the next version number of the
    evaluation ``eid``), as :meth:`EvaluationsStore._lock_or_create` and :meth:`EvaluationsStore._active` build them."""
    insert = (sqlite_insert(T_EVAL).values(_params(T_EVAL, _EVAL_NEW_COLUMNS))
              .on_conflict_do_nothing(index_elements=["natural_key"]))
    by_key = T_EVAL.c.natural_key == sa.bindparam("natural_key", type_=sa.Text)
    lock = sa.select(T_EVAL.c.id).where(by_key)
    active = (sa.select(*VERSION_COLUMNS, T_EVAL.c.active_version_id)
              .join(T_EVAL, T_EVAL.c.id == T_VER.c.evaluation_id)
              .where(by_key, T_VER.c.id == T_EVAL.c.active_version_id))
    number = (sa.select(sa.func.coalesce(sa.func.max(T_VER.c.number), 0) + 1)
              .where(T_VER.c.evaluation_id == sa.bindparam("eid", type_=sa.Integer)))
    return tuple(positional(s.compile(dialect=dialect))  # type: ignore[return-value]
                 for s in (insert, lock, active, number))


def natural_key_of(ev: Evaluation) -> str:
    return json.dumps([ev.meta.region, ev.meta.year, ev.meta.title], ensure_ascii=False)


def validated(data: bytes) -> Evaluation:
    return validated_scored(data)[0]


def validated_scored(data: bytes) -> tuple[Evaluation, dict[str, UnitScore] | None]:
    """The evaluation of a valid workbook (else :class:`PublishError`) and the unit scores its validation
    computed (``scoring.all_unit_scores``), which its facts reuse."""
    result = read_workbook(data)
    if not result.ok:
        raise PublishError(result.errors)
    assert result.evaluation is not None
    return result.evaluation, result.unit_scores


def parse_stored(data: bytes, version_id: int) -> Evaluation:
    result = read_workbook(data, allow_examples=True)  # a version stored before example rows were refused
    if not result.ok or result.evaluation is None:  # stored bytes were valid when written
        raise StoreError(f"版本 {version_id} 的工作簿无法读取：{result.errors[0] if result.errors else ''}")
    return result.evaluation


