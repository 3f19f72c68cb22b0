"""Shared fixtures for the evalcore unit tests.

The oracle is the published report (the seed, ``../shared/seed/000_66e64902f2a5a998.txt`` next to the repository)
and the committed sample workbook ``sample_data/changsha_2023.xlsx`` built from it.

Fixtures rather than importable helpers: several test folders have a ``conftest.py``, so ``from conftest import``
would be ambiguous.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

import sample_data
from evalcore.model import Evaluation
from evalcore.workbook import ReadResult, read_workbook

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_NAME = "000_66e64902f2a5a998.txt"
CJK = re.compile(r"[\u4e00-\u9fff]")


def find_seed() -> Path | None:
    """The seed report: $EVALBOARD_SEED if set, else ``shared/seed/<name>`` in the nearest ancestor that has it."""
    env = os.environ.get("EVALBOARD_SEED")
    if env:
        path = Path(env)
        return path if path.is_file() else None
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "seed" / SEED_NAME
        if candidate.is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def seed_text() -> str:
    path = find_seed()
    if path is None:  # a checkout without ../shared: the tests that quote the seed inline still run
        pytest.skip(f"seed report {SEED_NAME} not found next to the repository (set EVALBOARD_SEED)")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def sample_result() -> ReadResult:
    return read_workbook(sample_data.WORKBOOK)


@pytest.fixture(scope="session")
def ev(sample_result: ReadResult) -> Evaluation:
    assert sample_result.evaluation is not None, [str(m) for m in sample_result.errors]
    return sample_result.evaluation


@pytest.fixture(scope="session")
def source_ev() -> Evaluation:
    from sample_data.build import load_source

    return load_source()


@pytest.fixture
def make_workbook(tmp_path: Path) -> Callable[..., Path]:
    """``make_workbook(mutate, name="bad.xlsx")``: a copy of the sample workbook changed by ``mutate(wb)``."""
    counter = iter(range(1000))

    def make(mutate: Callable[[openpyxl.Workbook], object], name: str | None = None) -> Path:
        wb = openpyxl.load_workbook(sample_data.WORKBOOK)
        mutate(wb)
        path = tmp_path / (name or f"case_{next(counter)}.xlsx")
        wb.save(path)
        return path

    return make
