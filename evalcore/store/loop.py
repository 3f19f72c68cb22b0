"""整改 with the units themselves (issue 25): what a unit account may read and do, a unit's reports with evidence,
the bureau's 销号 and 退回, each step in the item's loop history (``rect_events``) and in the audit log.

The rule lives here, not in the pages: every read of an item, its history or an evidence file and every step
takes the actor and checks it. A ``unit`` actor reaches only the items whose responsible unit is one of its
units (matched by the unit's identity across evaluations: its normalised full name after the alias table, see
:mod:`evalcore.matching`); a password account's units are read from ``user_units`` on every check, an OIDC
identity's come from its claim (:func:`evalcore.auth.oidc_units`). A refused read or step leaves a ``denied``
audit entry and raises :class:`~evalcore.auth.PermissionDenied`. Who may take which step from which state is
:mod:`evalcore.verification`.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .. import auth, clock
from ..auth import Actor, PermissionDenied
from ..clock import utc_now as _now  # the one UTC-now (evalcore.clock)
from ..evidence import check_files
from ..matching import UnitMatcher, UnitName, normalise, resolve_alias
from ..model import Evaluation
from ..tables import T_RECT_EVENT, T_RECT_FILE, T_USER_UNIT
from ..verification import (
    ACCEPT,
    ACCEPTED,
    PENDING,
    REPORT,
    RETURN,
    STEP_LABELS,
    EvidenceInfo,
    LoopError,
    LoopItem,
    LoopStep,
    check_move,
    loop_state,
)
from .accounts import AccountsStore
from .connection import actor_name, new_id
from .evaluations import EvaluationsStore, parse_stored
from .records import StoreError

_PARSED_MAX = 64  # parsed active versions kept per store (a version never changes: keyed by its id)


class LoopStore(EvaluationsStore, AccountsStore):
    """The 整改 loop part of :class:`~evalcore.store.Store`."""

    _parsed_lock = threading.Lock()

    # -- who reaches what --

    def _parsed(self, version_id: int) -> Evaluation:
        cache: OrderedDict[int, Evaluation] = self.__dict__.setdefault("_parsed_cache", OrderedDict())
        with self._parsed_lock:
            if version_id in cache:
                cache.move_to_end(version_id)
                return cache[version_id]
        ev = parse_stored(self.workbook(version_id), version_id)
        with self._parsed_lock:
            cache[version_id] = ev
            while len(cache) > _PARSED_MAX:
                cache.popitem(last=False)
        return ev

    def actor_unit_keys(self, actor: Actor) -> frozenset[str] | None:
        """The unit identities ``actor`` may reach: None (every unit) for the bureau's roles, the keys of its
        units for a ``unit`` actor (empty when it has none: it then reaches nothing)."""
        if not isinstance(actor, Actor):
            return frozenset()
        if actor.role in auth.BUREAU_ROLES:
            return None
        if actor.via == "oidc":
            names: Iterable[str] = actor.units
        else:  # password, cli: the store is the authority, whatever the Actor carries
            with self._read() as conn:
                names = list(conn.scalars(sa.select(T_USER_UNIT.c.unit).where(T_USER_UNIT.c.user_name == actor.name)))
        amap = self.alias_map()
        return frozenset(k for n in names if (k := normalise(resolve_alias(n, amap)[0])))

    @staticmethod
    def _unit_keys(ev: Evaluation, amap: dict[str, str]) -> dict[str, str]:
        """unit key (简称) of the evaluation -> its identity across evaluations."""
        names = [UnitName(ev.meta.region, u.key, u.name) for u in ev.units]
        matcher = UnitMatcher(names, amap.items())
        return {u.key: matcher.identity(n).key for u, n in zip(ev.units, names, strict=True)}

    def _deny(self, actor: Actor, what: str, evaluation_id: int | None = None) -> PermissionDenied:
        who = actor if isinstance(actor, Actor) else Actor("未登录用户", "viewer", "none")
        exc = PermissionDenied(who, "report")
        exc.args = (f"{who.label}无权查看或办理{what}",)
        with self._write() as conn:
            self._audit(conn, who, "denied", str(exc.args[0]), evaluation_id=evaluation_id, target=what,
                        after={"操作": "rectification_loop"})
        return exc

    def _check_reader(self, actor: Actor) -> frozenset[str] | None:
        if not isinstance(actor, Actor) or actor.role not in auth.ROLES:
            raise self._deny(actor, "整改事项")
        return self.actor_unit_keys(actor)

    # -- reading --

    def _events(self, conn: Connection, evaluation_ids: Sequence[int]) -> dict[tuple[int, str], list[LoopStep]]:
        if not evaluation_ids:
            return {}
        rows = conn.execute(sa.select(T_RECT_EVENT).where(T_RECT_EVENT.c.evaluation_id.in_(list(evaluation_ids)))
                            .order_by(T_RECT_EVENT.c.id)).all()
        files = conn.execute(sa.select(T_RECT_FILE.c.id, T_RECT_FILE.c.event_id, T_RECT_FILE.c.file_name,
                                       T_RECT_FILE.c.kind, T_RECT_FILE.c.size, T_RECT_FILE.c.sha256)
                             .where(T_RECT_FILE.c.evaluation_id.in_(list(evaluation_ids)))
                             .order_by(T_RECT_FILE.c.id)).all()
        by_event: dict[int, list[EvidenceInfo]] = {}
        for f in files:
            by_event.setdefault(f.event_id, []).append(EvidenceInfo(f.id, f.file_name, f.kind, f.size, f.sha256))
        out: dict[tuple[int, str], list[LoopStep]] = {}
        for r in rows:
            out.setdefault((r.evaluation_id, r.item_id), []).append(LoopStep(
                id=r.id, step=r.kind, actor=r.actor, role=r.role, at=r.at, text=r.text,
                files=tuple(by_event.get(r.id, ()))))
        return out

    def _items_of(self, ev: Evaluation, evaluation_id: int, label: str, keys: frozenset[str] | None,
                  events: dict[tuple[int, str], list[LoopStep]], amap: dict[str, str]) -> list[LoopItem]:
        unit_keys = self._unit_keys(ev, amap)
        out = []
        for it in ev.rectification:
            key = unit_keys.get(it.unit or "", normalise(it.unit or ""))
            if keys is not None and (not key or key not in keys):
                continue
            steps = tuple(events.get((evaluation_id, it.id), ()))
            last = steps[-1].step if steps else None
            said = next((s for s in reversed(steps) if s.step in (ACCEPT, RETURN)), None)
            out.append(LoopItem(
                evaluation_id=evaluation_id, evaluation=label, item_id=it.id, task=it.task,
                unit=ev.unit_label(it.unit), unit_key=key, deadline=it.deadline, status=it.status,
                state=loop_state(it.status, ev.meta.closed_statuses, last),
                bureau_said=said.text if said is not None else "", last_at=steps[-1].at if steps else None,
                steps=steps))
        return out

    def loop_items(self, actor: Actor, evaluation_id: int | None = None) -> list[LoopItem]:
        """The 整改 items ``actor`` may see with their loop state and history: for a ``unit`` actor its units' items
        in every evaluation in use (or in ``evaluation_id``), for the bureau every item of ``evaluation_id`` (or of
        every evaluation in use)."""
        keys = self._check_reader(actor)
        infos = self.evaluations()
        if evaluation_id is not None:
            infos = [i for i in infos if i.id == evaluation_id]
        amap = self.alias_map()
        with self._read() as conn:
            events = self._events(conn, [i.id for i in infos])
        out: list[LoopItem] = []
        for info in infos:
            out.extend(self._items_of(self._parsed(info.active_version_id), info.id, info.label, keys, events, amap))
        return out

    def loop_item(self, actor: Actor, evaluation_id: int, item_id: str) -> LoopItem:
        """One item with its loop history, if ``actor`` may see it; else :class:`PermissionDenied` (an unknown item
        and another unit's item get the same refusal, so a unit learns nothing of items not its own)."""
        keys = self._check_reader(actor)
        try:
            info = self.evaluation(evaluation_id)
        except StoreError:
            info = None
        if info is None or info.archived:
            raise self._deny(actor, f"整改事项 {evaluation_id}:{item_id}", None)
        with self._read() as conn:
            events = self._events(conn, [evaluation_id])
        items = self._items_of(self._parsed(info.active_version_id), evaluation_id, info.label, keys, events,
                               self.alias_map())
        found = next((i for i in items if i.item_id == item_id), None)
        if found is None:
            raise self._deny(actor, f"整改事项 {evaluation_id}:{item_id}", evaluation_id)
        return found

    def pending_count(self, actor: Actor, evaluation_id: int) -> int:
        """How many items of the evaluation wait for the bureau's review (待审核), as ``actor`` may see them."""
        return sum(1 for i in self.loop_items(actor, evaluation_id) if i.state == PENDING)

    def loop_steps(self, actor: Actor, evaluation_ids: Sequence[int] | None = None) -> list[tuple[int, LoopItem,
                                                                                              LoopStep]]:
        """Every loop step (with its item) of the evaluations (default: all in use) that ``actor`` may see."""
        items = self.loop_items(actor) if evaluation_ids is None else \
            [i for e in evaluation_ids for i in self.loop_items(actor, e)]
        return [(i.evaluation_id, i, s) for i in items for s in i.steps]

    # -- steps --

    def _step(self, conn: Connection, actor: Actor, item: LoopItem, step: str, text: str,
              version_id: int | None = None) -> int:
        result = conn.execute(sa.insert(T_RECT_EVENT).values(
            evaluation_id=item.evaluation_id, item_id=item.item_id, unit_key=item.unit_key, kind=step,
            actor=actor_name(actor), role=actor.role, at=_now(), text=text, version_id=version_id))
        return new_id(result)

    def _checked_step(self, actor: Actor, evaluation_id: int, item_id: str, step: str, text: str) -> tuple[LoopItem,
                                                                                                           str]:
        action = "report" if step == REPORT else "review"
        self._require(actor, action, evaluation_id=evaluation_id, target=f"整改事项 {item_id}")
        item = self.loop_item(actor, evaluation_id, item_id)
        try:
            text = check_move(actor.role, item.state, step, item_id, text)
        except LoopError as exc:
            raise StoreError(str(exc)) from exc
        return item, text

    def _still(self, conn: Connection, item: LoopItem) -> None:
        """Inside the write: the item's last step is still the one read before (two reviewers, two tabs)."""
        self._lock(conn, item.evaluation_id)
        last = conn.scalar(sa.select(sa.func.max(T_RECT_EVENT.c.id))
                           .where(T_RECT_EVENT.c.evaluation_id == item.evaluation_id,
                                  T_RECT_EVENT.c.item_id == item.item_id))
        seen = item.steps[-1].id if item.steps else None
        if last != seen:
            raise StoreError(f"整改事项 {item.item_id} 刚被他人处理过，请刷新后再试")

    def report_progress(self, actor: Actor, evaluation_id: int, item_id: str, text: str,
                        files: Sequence[tuple[str, bytes]] = ()) -> int:
        """A unit reports progress on one of its items (报送): the text and the evidence files; the item then waits
        for the bureau (待审核). Returns the step's id. Every file is checked by its content first
        (:func:`evalcore.evidence.check_files`); one refused file refuses the report and nothing is stored."""

        item, text = self._checked_step(actor, evaluation_id, item_id, REPORT, text)
        checked = check_files(files, already=0)
        with self._write() as conn:
            self._still(conn, item)
            event_id = self._step(conn, actor, item, REPORT, text)
            if checked:
                conn.execute(sa.insert(T_RECT_FILE), [
                    {"event_id": event_id, "evaluation_id": evaluation_id, "item_id": item_id, "file_name": f.name,
                     "kind": f.kind, "size": len(f.data), "sha256": f.sha256, "data": f.data} for f in checked])
            self._audit(conn, actor, "rect_report", f"{actor.label}报送整改事项 {item_id}，待审核",
                        evaluation_id=evaluation_id, target=item_id,
                        before={"状态": item.state},
                        after={"状态": PENDING, "说明": text[:200],
                               "佐证材料": [f"{f.name}（sha256 {f.sha256[:12]}…）" for f in checked]})
            return event_id

    def accept(self, actor: Actor, evaluation_id: int, item_id: str, note: str = "",
               on: dt.date | None = None) -> int:
        """The bureau accepts the item as done (销号): a new version of the evaluation with the item in the first
        closed status (progress 100%), and the step in the loop history, in one transaction."""
        item, note = self._checked_step(actor, evaluation_id, item_id, ACCEPT, note)
        report = next(s for s in reversed(item.steps) if s.step == REPORT)
        files = "、".join(f.file_name for f in report.files)
        with self._write() as conn:
            self._still(conn, item)
            info = self.evaluation(evaluation_id)
            ev = self._parsed(info.active_version_id)
            closed = ev.meta.closed_statuses[0] if ev.meta.closed_statuses else ACCEPTED
            wording = f"销号（{actor_name(actor)}）" + (f"：{note}" if note else "")
            version = self._save_update(conn, evaluation_id, item_id, base_version_id=info.active_version_id,
                                        status=closed, progress=Decimal(100), note=wording,
                                        evidence=f"单位报送的佐证材料：{files}" if files else "单位已报送整改情况",
                                        by=actor, on=on or clock.today(), action="rect_accept")
            return self._step(conn, actor, item, ACCEPT, note, version.id)

    def send_back(self, actor: Actor, evaluation_id: int, item_id: str, reason: str) -> int:
        """The bureau sends the unit's report back with a reason (退回); the unit reports again."""
        item, reason = self._checked_step(actor, evaluation_id, item_id, RETURN, reason)
        with self._write() as conn:
            self._still(conn, item)
            event_id = self._step(conn, actor, item, RETURN, reason)
            self._audit(conn, actor, "rect_return", f"{actor.label}退回整改事项 {item_id}：{reason[:100]}",
                        evaluation_id=evaluation_id, target=item_id, before={"状态": PENDING},
                        after={"状态": "退回", "理由": reason})
            return event_id

    # -- evidence --

    def evidence_file(self, actor: Actor, file_id: int) -> tuple[EvidenceInfo, bytes]:
        """An evidence file's record and bytes, if ``actor`` may see its item (else :class:`PermissionDenied`, the
        same for a file that does not exist)."""
        self._check_reader(actor)
        with self._read() as conn:
            row = conn.execute(sa.select(T_RECT_FILE).where(T_RECT_FILE.c.id == int(file_id))).first()
        if row is None:
            raise self._deny(actor, f"佐证材料 {file_id}")
        try:
            self.loop_item(actor, row.evaluation_id, row.item_id)
        except PermissionDenied:
            raise self._deny(actor, f"佐证材料 {file_id}", row.evaluation_id) from None
        return EvidenceInfo(row.id, row.file_name, row.kind, row.size, row.sha256), bytes(row.data)

    def evidence_count(self) -> int:
        with self._read() as conn:
            return conn.scalar(sa.select(sa.func.count()).select_from(T_RECT_FILE)) or 0

    # -- for charts and reminders (the bureau) --

    def loop_unit_accounts(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(name, email, units) of every ``unit`` account with an e-mail address (reminders go to these)."""
        return [(u.name, u.email, u.units) for u in self.users() if u.role == "unit" and u.email]


def step_label(step: str) -> str:
    return STEP_LABELS.get(step, step)

