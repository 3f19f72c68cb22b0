"""Report texts waiting for a person's review (待复核, issue 24), in the ``pending_reports`` table.

``python -m evalcore import`` (and the 批量导入 of the 数据管理 page) publishes a report text only when nothing in it
is uncertain (:func:`evalcore.reporttext.review.doubts`); the others are kept here as uploaded, with why they wait.
The 数据管理 page lists them; an evaluator reviews one (corrects, removes or adds figures) and publishes it
(:meth:`PendingStore.publish_reviewed`: the version, its audit entry and the text's resolution in one transaction),
or discards it (:meth:`PendingStore.discard_pending`, with an audit entry).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlalchemy as sa

from ..auth import Actor
from ..clock import utc_now as _now  # the one UTC-now (evalcore.clock)
from ..tables import T_PENDING
from .connection import actor_name, sha256_hex
from .evaluations import EvaluationsStore, validated_scored
from .records import StoreError, VersionInfo


@dataclass(frozen=True)
class PendingReport:
    id: int
    file_name: str
    file_hash: str
    reasons: tuple[str, ...]
    submitted_by: str
    submitted_at: dt.datetime
    resolution: str | None = None
    resolved_by: str | None = None
    evaluation_id: int | None = None


class PendingStore(EvaluationsStore):
    """The 待复核 part of :class:`~evalcore.store.Store`."""

    def add_pending(self, data: bytes, *, file_name: str, reasons: list[str], by: Actor) -> PendingReport:
        """Keep a report text for review; the same bytes already waiting are not kept twice (that row is
        returned). Needs the right to publish."""
        self._require(by, "publish", target=file_name)
        digest = sha256_hex(data)
        with self._write() as conn:
            row = conn.execute(sa.select(T_PENDING.c.id).where(T_PENDING.c.file_hash == digest,
                                                              T_PENDING.c.resolution.is_(None))).first()
            if row is None:
                key = conn.execute(sa.insert(T_PENDING).values(
                    file_name=file_name, file_hash=digest, data=data,
                    reasons=json.dumps(list(reasons), ensure_ascii=False), submitted_by=actor_name(by),
                    submitted_at=_now())).inserted_primary_key
                assert key is not None
                new_id = key[0]
                self._audit(conn, by, "pending_add", f"报告“{file_name}”有待核对的数值，未发布，等待复核",
                            target=file_name, after={"原因": list(reasons)[:5]})
            else:
                new_id = row.id
        found = self.pending_report(int(new_id))
        assert found is not None
        return found

    @staticmethod
    def _pending(row) -> PendingReport:
        return PendingReport(row.id, row.file_name, row.file_hash, tuple(json.loads(row.reasons or "[]")),
                             row.submitted_by, row.submitted_at, row.resolution, row.resolved_by, row.evaluation_id)

    def pending_reports(self, *, include_resolved: bool = False) -> list[PendingReport]:
        """The texts waiting for review, oldest first (with ``include_resolved`` also those published or
        discarded)."""
        cols = [c for c in T_PENDING.c if c.name != "data"]
        query = sa.select(*cols).order_by(T_PENDING.c.id)
        if not include_resolved:
            query = query.where(T_PENDING.c.resolution.is_(None))
        with self._read() as conn:
            return [self._pending(r) for r in conn.execute(query)]

    def pending_report(self, pending_id: int) -> PendingReport | None:
        cols = [c for c in T_PENDING.c if c.name != "data"]
        with self._read() as conn:
            row = conn.execute(sa.select(*cols).where(T_PENDING.c.id == pending_id)).first()
        return None if row is None else self._pending(row)

    def pending_data(self, pending_id: int) -> bytes:
        with self._read() as conn:
            row = conn.execute(sa.select(T_PENDING.c.data).where(T_PENDING.c.id == pending_id)).first()
        if row is None:
            raise StoreError(f"没有这份待复核的报告（编号 {pending_id}）")
        return bytes(row.data)

    def _resolve(self, conn, pending_id: int, by: Actor, resolution: str, evaluation_id: int | None) -> None:
        done = conn.execute(sa.update(T_PENDING).where(T_PENDING.c.id == pending_id,
                                                       T_PENDING.c.resolution.is_(None))
                            .values(resolution=resolution, resolved_by=actor_name(by), resolved_at=_now(),
                                    evaluation_id=evaluation_id))
        if done.rowcount != 1:
            raise StoreError("这份报告已由他人处理（已发布或已放弃），请刷新页面")

    def publish_reviewed(self, pending_id: int | None, data: bytes, *, file_name: str, by: Actor,
                         note: str) -> VersionInfo:
        """Publish the workbook made from a reviewed report text (the version's note says what the reviewer
        corrected; the audit entry records who), and, for a text that was waiting, mark it published: one
        transaction."""
        self._require(by, "publish", target=file_name)
        ev, scores = validated_scored(data)
        with self._write() as conn:
            if pending_id is not None:
                row = conn.execute(sa.select(T_PENDING.c.resolution).where(T_PENDING.c.id == pending_id)
                                   .with_for_update()).first()
                if row is None:
                    raise StoreError(f"没有这份待复核的报告（编号 {pending_id}）")
                if row.resolution is not None:
                    raise StoreError("这份报告已由他人处理（已发布或已放弃），请刷新页面")
            version = self._publish(conn, data, ev, file_name=file_name, by=by, note=note, kind="publish",
                                    scores=scores)
            if pending_id is not None:
                self._resolve(conn, pending_id, by, "published", version.evaluation_id)
        return version

    def discard_pending(self, pending_id: int, *, by: Actor, reason: str = "") -> None:
        """Set a waiting text aside without publishing it (an audit entry records who and why)."""
        self._require(by, "publish", target=f"待复核报告 {pending_id}")
        with self._write() as conn:
            row = conn.execute(sa.select(T_PENDING.c.file_name).where(T_PENDING.c.id == pending_id)).first()
            if row is None:
                raise StoreError(f"没有这份待复核的报告（编号 {pending_id}）")
            self._resolve(conn, pending_id, by, "discarded", None)
            self._audit(conn, by, "pending_discard", f"放弃待复核的报告“{row.file_name}”",
                        target=row.file_name, after={"原因": reason or "未说明"})
