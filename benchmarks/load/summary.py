"""The numbers of a load run: count, median, 95th percentile, maximum and mean of what was measured, and how they
are printed. The statistics are the standard library's (``statistics``)."""
from __future__ import annotations

import statistics
from collections.abc import Iterable
from typing import Any


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-quantile (0 < q < 1, in hundredths), interpolated linearly between the closest ranks (numpy's
    default; ``statistics.quantiles`` with ``method="inclusive"``). None when nothing was measured."""
    if not values:
        return None
    if len(values) == 1:  # (statistics.quantiles needs two points before Python 3.13)
        return float(values[0])
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def stats(values: Iterable[float | None]) -> dict[str, Any]:
    """Count, median, 95th percentile, maximum and mean of the values measured (None: not measured, left out)."""
    xs = [v for v in values if v is not None]
    if not xs:
        return {"n": 0, "p50": None, "p95": None, "max": None, "mean": None}
    p95 = percentile(xs, 0.95)
    assert p95 is not None
    return {"n": len(xs), "p50": round(statistics.median(xs), 3), "p95": round(p95, 3), "max": round(max(xs), 3),
            "mean": round(statistics.fmean(xs), 3)}


def fmt(v: float | None, digits: int = 2) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def mib(kib: float | None) -> str:
    return "—" if kib is None else f"{kib / 1024:.0f}"
