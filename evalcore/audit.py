"""The audit log as tables and files: rows for display, CSV / JSON / XLSX for export, date filters.

Pure functions over :class:`evalcore.store.AuditEntry` values (the store reads them; nothing here touches a
database or a file).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from .auth import ROLE_LABELS, VIA_LABELS
from .clock import CHINA_TZ, format_time
from .export.xlsx import neutralise
from .store import AUDIT_ACTIONS, AuditEntry

COLUMNS: tuple[tuple[str, str], ...] = (
    ("at", "时间（北京时间）"),
    ("actor", "操作人"),
    ("role", "角色"),
    ("via", "方式"),
    ("action", "操作"),
    ("summary", "内容"),
    ("target", "对象"),
    ("evaluation_id", "评价编号"),
    ("version_id", "版本编号"),
    ("before", "修改前"),
    ("after", "修改后"),
)


def _change_text(values: dict | None) -> str:
    if not values:
        return ""
    return "；".join(f"{k}：{'' if v is None else v}" for k, v in values.items())


def rows(entries: Iterable[AuditEntry]) -> list[dict[str, object]]:
    """One dict per entry with Chinese headers (see :data:`COLUMNS`), values as display text."""
    return list(iter_rows(entries))


def iter_rows(entries: Iterable[AuditEntry]) -> Iterator[dict[str, object]]:
    """:func:`rows`, one at a time."""
    for e in entries:
        yield ({
            "时间（北京时间）": format_time(e.at, seconds=True),
            "操作人": e.actor,
            "角色": ROLE_LABELS.get(e.role, e.role),
            "方式": VIA_LABELS.get(e.via, e.via),
            "操作": AUDIT_ACTIONS.get(e.action, e.action),
            "内容": e.summary,
            "对象": e.target,
            "评价编号": "" if e.evaluation_id is None else e.evaluation_id,
            "版本编号": "" if e.version_id is None else e.version_id,
            "修改前": _change_text(e.before),
            "修改后": _change_text(e.after),
        })


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return neutralise(text)  # a spreadsheet opening the CSV must not run "=..." typed into a workbook


def audit_bytes(entries: Iterable[AuditEntry], fmt: str) -> bytes:
    """The entries as ``csv`` (UTF-8 with BOM, so Excel reads the Chinese), ``json`` or ``xlsx``."""
    buf = io.BytesIO()
    write_audit(entries, fmt, buf)
    return buf.getvalue()


def write_audit(entries: Iterable[AuditEntry], fmt: str, out: BinaryIO, *, bom: bool = True) -> int:
    """Write the entries to ``out`` as ``csv``, ``json`` or ``xlsx``, one entry at a time (``entries`` may be
    :meth:`~evalcore.store.Store.iter_audit`): memory stays bounded by a batch of entries, whatever their number
    (XLSX through openpyxl's write-only mode, which streams rows to a temporary file). ``bom``: the CSV begins
    with a UTF-8 BOM (for Excel). Returns the count."""
    if fmt not in ("csv", "json", "xlsx"):
        raise ValueError(f"unknown audit export format {fmt!r}")
    headers = [label for _, label in COLUMNS]
    count = 0
    if fmt == "json":
        out.write(b"[")
        for e in entries:
            item = json.dumps({
                "id": e.id, "at": e.at.isoformat(), "actor": e.actor, "role": e.role, "via": e.via,
                "action": e.action, "summary": e.summary, "target": e.target, "evaluation_id": e.evaluation_id,
                "version_id": e.version_id, "before": e.before, "after": e.after,
            }, ensure_ascii=False, indent=2)
            out.write((",\n  " if count else "\n  ").encode() + item.replace("\n", "\n  ").encode("utf-8"))
            count += 1
        out.write(b"\n]" if count else b"]")
        return count
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig" if bom else "utf-8", newline="", write_through=True)
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(headers)
        for row in iter_rows(entries):
            writer.writerow([_csv_cell(row[h]) for h in headers])
            count += 1
        text.flush()
        text.detach()  # leave ``out`` open for the caller
        return count
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计日志")
    for column, width in zip("ABCDEFGHIJK", (20, 16, 10, 12, 14, 60, 24, 10, 10, 40, 40), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in iter_rows(entries):
        values: list[object] = [row[h] if isinstance(row[h], int) else neutralise(str(row[h])) for h in headers]
        at = WriteOnlyCell(ws, value=values[0])
        at.number_format = "@"
        ws.append([at, *values[1:]])
        count += 1
    wb.save(out)
    return count


def day_range(since: str | dt.date | None,
              until: str | dt.date | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Calendar days in Beijing time, both included, as a UTC half-open interval [since 00:00, until+1 00:00).

    Strings must be YYYY-MM-DD; raises ValueError (Chinese) otherwise or when since is after until.
    """
    def day(value: str | dt.date | None, name: str) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"{name} 应为日期，格式 YYYY-MM-DD（例如 2026-03-01），现为“{value}”") from None

    start, end = day(since, "--since"), day(until, "--until")
    if start and end and start > end:
        raise ValueError(f"起始日期 {start} 晚于截止日期 {end}")

    def midnight(d: dt.date) -> dt.datetime:
        return dt.datetime.combine(d, dt.time(), CHINA_TZ).astimezone(dt.UTC)

    return (midnight(start) if start else None, midnight(end + dt.timedelta(days=1)) if end else None)


__all__ = ["AUDIT_ACTIONS", "COLUMNS", "audit_bytes", "day_range", "iter_rows", "rows", "write_audit"]
