"""整改 updates: change one rectification item of an evaluation and record the change in its dated history.

Pure functions over the immutable model: :func:`apply_update` returns a new :class:`Evaluation`, and
:func:`item_changes` lists what differs between two versions of an item (for the change log and the UI).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from .model import Evaluation, RectificationItem, StatusChange
from .numbers import HUNDRED, ZERO, to_decimal

# Field labels as the workbook's 整改 sheet names them.
FIELD_LABELS: dict[str, str] = {
    "status": "整改状态",
    "progress": "整改进度",
    "note": "备注",
    "evidence": "佐证材料",
}


def find_item(ev: Evaluation, item_id: str) -> RectificationItem | None:
    return next((it for it in ev.rectification if it.id == item_id), None)


def progress_text(value: Decimal | None) -> str:
    """50 -> "50%", 33.50 -> "33.5%", None -> "" (no trailing zeros, never an exponent)."""
    if value is None:
        return ""
    return f"{value.normalize():f}%"


def _field_text(name: str, value: object) -> str:
    if name == "progress":
        return progress_text(value)  # type: ignore[arg-type]
    return "" if value is None else str(value)


def item_changes(old: RectificationItem, new: RectificationItem) -> list[tuple[str, str, str]]:
    """(Chinese field label, old text, new text) for each of 整改状态/整改进度/备注/佐证材料 that differs.

    Progress compares as a number: 100 and 100.0 are the same progress.
    """
    out: list[tuple[str, str, str]] = []
    for name, label in FIELD_LABELS.items():
        before, after = getattr(old, name), getattr(new, name)
        if name in ("note", "evidence"):
            before, after = before or "", after or ""
        if before != after:
            out.append((label, _field_text(name, before), _field_text(name, after)))
    return out


def apply_update(ev: Evaluation, item_id: str, *, status: str, progress: Decimal | None, note: str,
                 evidence: str, by: str, on: dt.date) -> Evaluation:
    """A new evaluation with item ``item_id`` set to the given values and a :class:`StatusChange` appended.

    The values are the item's new values, not a patch: ``progress=None`` clears the progress, ``note=""``
    clears the note. The appended change records old status -> new status, the new progress, the note, who
    and the date ``on`` (even when only the note or the evidence changed, so every edit is dated).

    Raises ``ValueError`` (Chinese message) for an unknown item, a status not in ``ev.meta.statuses``, a
    progress outside 0..100, a date earlier than the item's last recorded change, or no change at all.
    """
    item = find_item(ev, item_id)
    if item is None:
        raise ValueError(f"整改事项 {item_id} 不存在")
    if status not in ev.meta.statuses:
        raise ValueError(f"未知的整改状态“{status}”，可选：{'、'.join(ev.meta.statuses)}")
    if progress is not None:
        try:
            progress = to_decimal(progress)
        except ValueError as exc:
            raise ValueError(f"整改进度应为 0 到 100 之间的数值（现为“{progress}”）") from exc
        if progress < ZERO or progress > HUNDRED:
            raise ValueError(f"整改进度应在 0 到 100 之间（现为 {progress}）")
    last = max((c.date for c in item.history), default=None)
    if last is not None and on < last:
        raise ValueError(f"日期 {on.isoformat()} 早于该事项上一次整改记录的日期 {last.isoformat()}")
    note, evidence = (note or "").strip(), (evidence or "").strip()
    updated = dataclasses.replace(item, status=status, progress=progress, note=note, evidence=evidence)
    if not item_changes(item, updated):
        raise ValueError("没有任何修改")
    change = StatusChange(item=item.id, date=on, old_status=item.status, new_status=status, progress=progress,
                          note=note, by=(by or "").strip())
    updated = dataclasses.replace(updated, history=item.history + (change,))
    items = tuple(updated if it.id == item_id else it for it in ev.rectification)
    return dataclasses.replace(ev, rectification=items)
