"""整改 (rectification), all of its pure logic in one place: figures as of a date and updates of one item.

- as of a date: :func:`status_on`, :func:`rectification_items`, :func:`rectification_summary` (整改率, overdue),
  :func:`status_by_category`, :func:`status_by_unit`, :func:`closed_over_time`, :func:`history_table`;
- updates: :func:`apply_update` returns a new :class:`Evaluation` with the item changed and its dated history
  extended, :func:`item_changes` lists what differs between two versions of an item and :func:`change_summary`
  words it in one line (for the change log, the audit log and the UI).

Pure functions over the immutable model; ``evalcore.store`` only persists what they return.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from .findings import UNNAMED, cn_number, top_with_other
from .model import Evaluation, RectificationItem, StatusChange
from .numbers import HUNDRED, ZERO, percent, to_decimal

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
    if name == "progress" and (value is None or isinstance(value, Decimal)):
        return progress_text(value)
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


def change_summary(old: RectificationItem, new: RectificationItem) -> str:
    """One line for a saved update: "old status → new status" when the status changed, else the changed fields."""
    if old.status != new.status:
        return f"{old.status} → {new.status}"
    return "、".join(label for label, _, _ in item_changes(old, new))


# --- 整改 -------------------------------------------------------------------------------------------------

def status_on(item: RectificationItem, day: dt.date) -> str:
    """The item's status at the end of ``day``, from its dated history; the current status if no history."""
    if not item.history:
        return item.status
    changes = sorted(item.history, key=lambda c: c.date)
    if day < changes[0].date:
        return changes[0].old_status
    current = changes[0].old_status
    for c in changes:
        if c.date <= day:
            current = c.new_status
    return current


def closed_on(item: RectificationItem, closed: tuple[str, ...]) -> dt.date | None:
    """The date the item last entered a closed status (None if it is not closed now)."""
    if item.status not in closed:
        return None
    dates = [c.date for c in item.history if c.new_status in closed]
    return max(dates) if dates else None


@dataclass(frozen=True)
class RectificationSummary:
    as_of: dt.date
    total: int
    by_status: dict[str, int]
    closed: int
    rate: Decimal | None  # 整改率 in %, unrounded
    overdue: int


def rectification_items(ev: Evaluation, as_of: dt.date) -> pd.DataFrame:
    """Every 整改 item with its status as of the date, whether closed, overdue and days overdue."""
    closed = ev.meta.closed_statuses
    pcat = {p.id: (p.category_no, p.category) for p in ev.problems}
    rows = []
    for it in ev.rectification:
        status = status_on(it, as_of)
        is_closed = status in closed
        overdue = bool(it.deadline and it.deadline < as_of and not is_closed)
        cat_no, cat = pcat.get(it.problem or "", (0, "未关联问题"))
        rows.append({
            "id": it.id,
            "problem": it.problem or "",
            "category_no": cat_no,
            "category_label": f"（{cn_number(cat_no)}）{cat}" if cat_no else cat,
            "task": it.task,
            "unit": ev.unit_label(it.unit),
            "deadline": it.deadline,
            "status": status,
            "progress": it.progress,
            "closed": is_closed,
            "overdue": overdue,
            "days_overdue": (as_of - it.deadline).days if overdue and it.deadline else 0,
            "note": it.note,
        })
    return pd.DataFrame(rows, columns=["id", "problem", "category_no", "category_label", "task", "unit", "deadline",
                                       "status", "progress", "closed", "overdue", "days_overdue", "note"])


def rectification_summary(ev: Evaluation, as_of: dt.date) -> RectificationSummary:
    df = rectification_items(ev, as_of)
    by_status = {s: int((df["status"] == s).sum()) for s in ev.meta.statuses}
    for s in df["status"].unique():
        by_status.setdefault(s, int((df["status"] == s).sum()))
    closed = int(df["closed"].sum())
    total = len(df)
    return RectificationSummary(
        as_of=as_of,
        total=total,
        by_status=by_status,
        closed=closed,
        rate=percent(Decimal(closed), Decimal(total)),
        overdue=int(df["overdue"].sum()),
    )


def status_by_category(ev: Evaluation, as_of: dt.date) -> pd.DataFrame:
    """category_label x status -> count (long form, categories in order, every status present)."""
    df = rectification_items(ev, as_of)
    cats = df[["category_no", "category_label"]].drop_duplicates().sort_values("category_no")
    rows = []
    for _, c in cats.iterrows():
        sub = df[df["category_no"] == c["category_no"]]
        for s in ev.meta.statuses:
            rows.append({"category_no": c["category_no"], "category_label": c["category_label"], "status": s,
                         "count": int((sub["status"] == s).sum())})
    return pd.DataFrame(rows, columns=["category_no", "category_label", "status", "count"])


def status_by_unit(ev: Evaluation, as_of: dt.date) -> pd.DataFrame:
    df = rectification_items(ev, as_of)
    if df.empty:
        return pd.DataFrame(columns=["unit", "total", "closed", "overdue", "rate"])
    g = df.groupby("unit").agg(total=("id", "size"), closed=("closed", "sum"), overdue=("overdue", "sum"))
    g = g.reset_index()
    g["rate"] = [percent(Decimal(int(c)), Decimal(int(t))) for c, t in zip(g["closed"], g["total"], strict=True)]
    return g


def _closed_day(item: RectificationItem, closed: tuple[str, ...], as_of: dt.date) -> dt.date | None:
    """The day an item closed as of ``as_of`` last entered a closed status (None when its history records none)."""
    dates = [c.date for c in item.history if c.new_status in closed and c.date <= as_of]
    return max(dates) if dates else None


def closed_over_time(ev: Evaluation, as_of: dt.date) -> pd.DataFrame:
    """Cumulative number of items closed by each date on which one closed (up to ``as_of``).

    The items are those :func:`rectification_summary` counts as 已完成 on ``as_of`` (one source: the status on
    that day), so the line ends at that count, except for items whose history records no closing date:
    :func:`closed_undated` counts them, and the chart says so instead of dropping them silently."""
    closed = ev.meta.closed_statuses
    days = sorted(d for it in ev.rectification
                  if status_on(it, as_of) in closed and (d := _closed_day(it, closed, as_of)) is not None)
    rows: list[dict[str, Any]] = []
    for i, d in enumerate(days, start=1):
        if rows and rows[-1]["date"] == d:
            rows[-1]["cumulative"] = i
        else:
            rows.append({"date": d, "cumulative": i})
    return pd.DataFrame(rows, columns=["date", "cumulative"])


def closed_undated(ev: Evaluation, as_of: dt.date) -> int:
    """Items closed on ``as_of`` whose history records no closing date (not on :func:`closed_over_time`'s line)."""
    closed = ev.meta.closed_statuses
    return sum(1 for it in ev.rectification
               if status_on(it, as_of) in closed and _closed_day(it, closed, as_of) is None)


def history_table(ev: Evaluation) -> pd.DataFrame:
    rows = [{"id": c.item, "date": c.date, "old_status": c.old_status, "new_status": c.new_status,
             "progress": c.progress, "note": c.note, "by": c.by}
            for it in ev.rectification for c in it.history]
    df = pd.DataFrame(rows, columns=["id", "date", "old_status", "new_status", "progress", "note", "by"])
    return df.sort_values(["date", "id"]).reset_index(drop=True) if not df.empty else df


def open_by_unit_top(ev: Evaluation, as_of: dt.date, n: int = 15) -> pd.DataFrame:
    """整改 items not yet closed per responsible unit, the ``n`` units with most first, the rest as 其他.

    unit, open, others (see :func:`evalcore.findings.top_with_other`); units with every item closed are left out.
    """
    by_unit = status_by_unit(ev, as_of)
    if by_unit.empty:
        return pd.DataFrame(columns=["unit", "open", "others"])
    by_unit = by_unit.assign(open=[int(t) - int(c) for t, c in zip(by_unit["total"], by_unit["closed"], strict=True)])
    by_unit = by_unit[by_unit["open"] > 0]
    return top_with_other(by_unit[["unit", "open"]], "unit", "open", n, keep_last=(UNNAMED,))
