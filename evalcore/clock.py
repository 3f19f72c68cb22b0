"""China time: what "today" and "now" mean for EvalBoard, and how a time is shown.

Reports, 整改 deadlines and the people using the dashboard are in China, while the server may run in any time zone
(containers default to UTC). So the pages, the exports, the command line and the store all take "today" from here,
and agree on it. Times are stored in UTC (``evalcore.store``) and shown in China time by :func:`format_time`.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")  # 北京时间, UTC+8, no daylight saving

MINUTES = "%Y-%m-%d %H:%M"
SECONDS = "%Y-%m-%d %H:%M:%S"


def now() -> dt.datetime:
    """The current time, aware, in China time."""
    return dt.datetime.now(CHINA_TZ)


def utc_now() -> dt.datetime:
    """The current time, aware, in UTC: what the store, the sign-in sessions and backups record."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in China (not the server's local date)."""
    return now().date()


def format_time(at: dt.datetime, seconds: bool = False) -> str:
    """An aware time as China time: "2025-03-01 14:05" (``seconds``: "2025-03-01 14:05:09").

    A naive time is taken to be UTC, as the store keeps times."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(CHINA_TZ).strftime(SECONDS if seconds else MINUTES)
