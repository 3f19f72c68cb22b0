"""Shared fixtures for the evalcore unit tests.

The oracle is the published report (the seed, ``tests/data/seed/000_66e64902f2a5a998.txt``, source in ``SOURCE.md``)
and the committed sample workbook ``sample_data/changsha_2023.xlsx`` built from it.

Fixtures rather than importable helpers: several test folders have a ``conftest.py``, so ``from conftest import``
would be ambiguous.
"""
from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

import sample_data
from evalcore.model import Evaluation
from evalcore.workbook import ReadResult, read_workbook

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_NAME = "000_66e64902f2a5a998.txt"
SEED_PATH = REPO_ROOT / "tests" / "data" / "seed" / SEED_NAME
CJK = re.compile(r"[\u4e00-\u9fff]")


def find_seed() -> Path | None:
    """The seed report: $EVALBOARD_SEED if set (to test against another copy), else the repository's own copy
    ``tests/data/seed/<name>`` (kept with its source in ``SOURCE.md``), which every clone has."""
    env = os.environ.get("EVALBOARD_SEED")
    if env:
        path = Path(env)
        return path if path.is_file() else None
    path = SEED_PATH
    return path if path.is_file() else None


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def seed_text() -> str:
    path = find_seed()
    if path is None:  # the copy is part of the repository: missing means a broken checkout, never a silent skip
        pytest.fail(f"seed report not found: {os.environ.get('EVALBOARD_SEED') or SEED_PATH}")
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


# --- the command line, in this process ---------------------------------------------------------------------


@dataclass
class CliRun:
    """What ``python -m evalcore ...`` would give: exit code and output (the fields of a CompletedProcess)."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliRun]:
    """``run_cli(*args, stdin=None, db=None)``: ``evalcore.cli.main(args)`` in this process, as ``python -m evalcore
    ARGS`` run from the repository root; standard input is ``stdin`` (not a terminal), the store is the SQLite file
    ``db`` when given. The exit code is main's return value or argparse's SystemExit; an exception escaping main
    fails the test (the child process would have printed a traceback).

    No process start per call: the tests that are about the process itself (exit status of ``python -m evalcore``,
    a signal, a child's memory or time zone) still run one.
    """
    from evalcore import cli

    def run(*args: str, stdin: str | None = None, db: Path | None = None) -> CliRun:
        with monkeypatch.context() as m:
            m.chdir(REPO_ROOT)
            if db is not None:
                m.delenv("EVALBOARD_DATABASE_URL", raising=False)
                m.setenv("EVALBOARD_DB_PATH", str(db))
            m.setattr(sys, "stdin", io.StringIO(stdin or ""))
            capsys.readouterr()  # only this call's output
            try:
                code = cli.main(list(args))
            except SystemExit as exc:  # argparse: 2 on a usage error, 0 after --help
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            out, err = capsys.readouterr()
        return CliRun(code, out, err)

    return run
