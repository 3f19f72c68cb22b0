"""Where evaluations come from, and loading them once per file version (shared by every session)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from evalcore.model import Evaluation
from evalcore.workbook import Message, read_workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "sample_data"


@dataclass(frozen=True)
class Source:
    path: Path
    label: str


def source_dirs() -> list[Path]:
    """sample_data/ always; plus EVALBOARD_DATA_DIR (workbooks an evaluator keeps) when set."""
    dirs = [SAMPLE_DIR]
    extra = os.environ.get("EVALBOARD_DATA_DIR")
    if extra:
        dirs.append(Path(extra))
    return dirs


@st.cache_resource(show_spinner=False, max_entries=64)
def _load(path: str, version: tuple[int, int]) -> tuple[Evaluation | None, tuple[Message, ...]]:
    """Read one workbook; cached by (path, mtime, size) so a changed file is read again, once for everyone."""
    del version  # part of the cache key only
    result = read_workbook(path)
    return result.evaluation, tuple(result.errors)


def load(path: Path) -> tuple[Evaluation | None, tuple[Message, ...]]:
    stat = path.stat()
    return _load(str(path), (stat.st_mtime_ns, stat.st_size))


def _label(path: Path) -> str:
    ev, _ = load(path)
    if ev is None:
        return f"{path.name}（无法读取）"
    return ev.meta.title or path.stem


def available() -> list[Source]:
    paths: list[Path] = []
    for d in source_dirs():
        if d.is_dir():
            paths.extend(sorted(p for p in d.glob("*.xlsx") if not p.name.startswith(("~$", "."))))
    return [Source(p, _label(p)) for p in paths]
