"""The processes of a load run, through ``psutil``: a process and its descendants, their memory (RSS, and PSS for
Chromium's many processes that share pages) and CPU time, the load average, and a one-line description of the
machine for the report."""
from __future__ import annotations

import contextlib
import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import psutil

from tests import serving

# What psutil raises for a process that has exited (or cannot be read) between listing it and reading it.
GONE = (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess)


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants that are alive now."""
    try:
        return [root, *(child.pid for child in psutil.Process(root).children(recursive=True))]
    except GONE:
        return []


def rss_kib(pids: list[int]) -> int:
    """Resident set size of the processes, summed (KiB)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(*GONE):
            total += psutil.Process(pid).memory_info().rss
    return total // 1024


def pss_kib(pids: list[int]) -> int:
    """Proportional set size: shared pages (Chromium's many processes) counted once in all (KiB); a process whose
    PSS cannot be read counts with its RSS."""
    total = 0
    for pid in pids:
        with contextlib.suppress(*GONE):
            process = psutil.Process(pid)
            try:
                total += process.memory_full_info().pss
            except (*GONE, AttributeError):  # (no pss outside Linux)
                total += process.memory_info().rss
    return total // 1024


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of the processes, plus that of their children that have exited and been reaped."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(*GONE):
            t = psutil.Process(pid).cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
    return total


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in psutil.getloadavg()]
    except OSError:
        return []


def machine() -> str:
    """Cores, CPU model, memory, system, Python and the versions of Streamlit, Playwright and Chromium."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):  # (psutil does not name the CPU model)
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break

    def ver(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "?"

    chromium = "?"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        chromium = subprocess.run([serving.CHROMIUM, "--version"], capture_output=True, text=True,
                                  timeout=20).stdout.strip()
    return (f"{os.cpu_count()} cores ({cpu}), {psutil.virtual_memory().total / 1024 ** 3:.1f} GiB RAM; "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}; "
            f"streamlit {ver('streamlit')}, playwright {ver('playwright')}; {chromium}")
