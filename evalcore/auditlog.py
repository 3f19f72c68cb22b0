"""The audit log as tables and files: rows for display, CSV / JSON / XLSX for export, date filters.

Pure functions over :class:`evalcore.store.AuditEntry` values (the store reads them; nothing here touches a
database or a file).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence

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
    out: list[dict[str, object]] = []
    for e in entries:
        out.append({
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
    return out


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return neutralise(text)  # a spreadsheet opening the CSV must not run "=..." typed into a workbook


def audit_bytes(entries: Sequence[AuditEntry], fmt: str) -> bytes:
    """The entries as ``csv`` (UTF-8 with BOM, so Excel reads the Chinese), ``json`` or ``xlsx``."""
    if fmt == "json":
        return json.dumps([{
            "id": e.id, "at": e.at.isoformat(), "actor": e.actor, "role": e.role, "via": e.via, "action": e.action,
            "summary": e.summary, "target": e.target, "evaluation_id": e.evaluation_id, "version_id": e.version_id,
            "before": e.before, "after": e.after,
        } for e in entries], ensure_ascii=False, indent=2).encode("utf-8")
    table = rows(entries)
    headers = [label for _, label in COLUMNS]
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(headers)
        for row in table:
            writer.writerow([_csv_cell(row[h]) for h in headers])
        return text.getvalue().encode("utf-8-sig")
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font
        wb = Workbook()
        ws = wb.active
        ws.title = "审计日志"
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in table:
            ws.append([row[h] if isinstance(row[h], int) else neutralise(str(row[h])) for h in headers])
        for cell in ws["A"][1:]:
            cell.number_format = "@"
        for column, width in zip("ABCDEFGHIJK", (20, 16, 10, 12, 14, 60, 24, 10, 10, 40, 40), strict=True):
            ws.column_dimensions[column].width = width
        ws.freeze_panes = "A2"
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    raise ValueError(f"unknown audit export format {fmt!r}")


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


__all__ = ["AUDIT_ACTIONS", "COLUMNS", "audit_bytes", "day_range", "rows"]
