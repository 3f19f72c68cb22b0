"""evalcore.clock: "today" is China's date wherever the server runs; one way to show a time."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from evalcore import clock

REPO = Path(__file__).resolve().parents[2]


def test_format_time_shows_china_time():
    at = dt.datetime(2025, 3, 1, 6, 5, 9, tzinfo=dt.UTC)
    assert clock.format_time(at) == "2025-03-01 14:05"
    assert clock.format_time(at, seconds=True) == "2025-03-01 14:05:09"
    assert clock.format_time(at.replace(tzinfo=None)) == "2025-03-01 14:05"  # naive: stored UTC
    assert clock.format_time(dt.datetime(2025, 12, 31, 20, 0, tzinfo=dt.UTC)) == "2026-01-01 04:00"


def test_now_is_aware_china_time():
    n = clock.now()
    assert n.utcoffset() == dt.timedelta(hours=8)
    assert abs(n - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_today_is_chinas_date_whatever_the_servers_zone():
    # 16:30 UTC is already the next day in China: a server in UTC (or in New York) must still say China's date
    code = "from evalcore import clock; print(clock.today().isoformat(), clock.now().date().isoformat())"
    expected = dt.datetime.now(clock.CHINA_TZ).date().isoformat()
    for zone in ("UTC", "America/New_York", "Pacific/Kiritimati"):
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env={**os.environ, "TZ": zone},
                             capture_output=True, text=True, check=True).stdout.split()
        assert out == [expected, expected], zone
