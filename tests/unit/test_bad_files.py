"""Broken, hostile and sloppy files: ``read_workbook`` never raises, never hangs, stays in bounded memory, and
every message says in Chinese where the problem is (sheet, row, column, value) and how to fix it.

The files are built by ``tests/unit/badfiles.py`` (one builder per case, each with what the reader must say).
The hostile ones, and a representative subset of the others, also go through the real command line
``python -m evalcore validate FILE --json`` in a child process whose peak memory is measured.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import badfiles
import pytest
from badfiles import CASES, FILE, Case

from evalcore.workbook import MAX_DATA_ROWS, MESSAGES_PER_RULE, Message, ReadResult, read_workbook

CJK = re.compile(r"[\u4e00-\u9fff]")
REPO_ROOT = Path(__file__).resolve().parents[2]
CLI_TIMEOUT = 60  # seconds: a hang fails the test instead of blocking the suite
MEMORY_BOUND_KB = 1536 * 1024  # 1.5 GB of peak resident memory for the child process
CLI_CASES = [c for c in CASES if c.hostile or c.cli]


def _check_messages(result: ReadResult) -> None:
    for level, messages in (("error", result.errors), ("warning", result.warnings)):
        for m in messages:
            assert isinstance(m, Message)
            assert m.level == level
            assert m.sheet, m
            assert CJK.search(m.message), m
            assert "请" in m.message, f"the message does not say what to do: {m}"
            assert "内部错误" not in m.message, m


def _find(messages: list[Message], case: Case) -> Message:
    hits = [m for m in messages if (m.sheet, m.row, m.column) == (case.sheet, case.row, case.column)]
    assert hits, (f"{case.name}: no {case.level} at {case.sheet} row {case.row} “{case.column}”; got: "
                  f"{[str(m) for m in messages][:12]}")
    for m in hits:
        if all(f in m.message or f in m.value for f in case.fragments):
            return m
    raise AssertionError(f"{case.name}: {case.fragments} not in {[str(m) for m in hits]}")


def test_enough_distinct_cases() -> None:
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)
    assert {c.level for c in CASES} == {"error", "warning", "ok"}
    hostile = {c.name for c in CASES if c.hostile}
    assert {"zip_bomb", "billion_laughs", "junk_rows", "random_bytes", "truncated_zip", "macro_enabled"} <= hostile


@functools.cache
def _result(name: str) -> ReadResult:
    return read_workbook(badfiles.data(name))  # never raises


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_file(case: Case) -> None:
    result = _result(case.name)
    _check_messages(result)
    if case.level == "error":
        assert not result.ok
        assert result.evaluation is None
        m = _find(result.errors, case)
        text = str(m)
        assert case.sheet in text
        if case.row:
            assert f"第{case.row}行" in text
        if case.column:
            assert f"“{case.column}”" in text
    elif case.level == "warning":
        assert result.errors == [], [str(m) for m in result.errors]
        assert result.ok and result.evaluation is not None
        _find(result.warnings, case)
    else:
        assert result.errors == [], [str(m) for m in result.errors]
        assert result.ok
        spot = [m for m in result.warnings if (m.sheet, m.row, m.column) == (case.sheet, case.row, case.column)]
        assert spot == [], [str(m) for m in spot]


def test_file_level_messages_name_the_file_sheet() -> None:
    for case in CASES:
        if case.sheet == FILE and case.level == "error":
            result = _result(case.name)
            assert len(result.errors) == 1, (case.name, [str(m) for m in result.errors])
            assert result.errors[0].sheet == FILE


@pytest.mark.parametrize("name", ["truncated_zip", "zip_bomb", "billion_laughs", "far_cell", "renamed_csv"])
def test_paths_and_streams_read_alike(tmp_path: Path, name: str) -> None:
    data = badfiles.data(name)
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(data)
    expected = [m.as_dict() for m in read_workbook(data).errors]
    assert [m.as_dict() for m in read_workbook(path).errors] == expected
    assert [m.as_dict() for m in read_workbook(str(path)).errors] == expected
    assert [m.as_dict() for m in read_workbook(io.BytesIO(data)).errors] == expected


# --- what the accepted files read as ----------------------------------------------------------------------

def _ev(name: str):
    result = _result(name)
    assert result.ok, [str(m) for m in result.errors]
    return result.evaluation


def _line(ev, unit: str):
    return next(b for b in ev.budget_lines if b.unit == unit)


# Cells that look right in Excel but are not plain values (formulas, full-width digits, 万 in a number, spaces
# around a unit name, hidden sheets) are refused with a message saying what to type instead: a finance bureau
# publishes exactly what it can see and check. See the CASES table in badfiles.py.


def test_sheet_name_with_space_is_read() -> None:
    assert [u.key for u in _ev("sheet_name_with_space").units] == ["市数据局", "市数据中心", "数智科技集团"]


def test_text_that_looks_like_a_formula_stays_text() -> None:
    assert _ev("formula_looking_text").problems[0].text == "=SUM(A1:A3)"


def test_text_date_in_history() -> None:
    changes = [c for i in _ev("history_date_as_text").rectification for c in i.history if c.item == "Z01"]
    assert changes[0].date == dt.date(2024, 3, 1)


def test_heading_row_is_ignored_and_the_rest_is_read() -> None:
    assert len(_ev("category_heading_row").problems) == 19


# --- 200,000 junk rows: a bounded list, then one summary per rule -----------------------------------------

def test_junk_rows_give_a_bounded_list() -> None:
    errors = _result("junk_rows").errors
    assert len(errors) <= 2 * MESSAGES_PER_RULE + 10, len(errors)
    limit = [m for m in errors if m.row == MAX_DATA_ROWS + 2]
    assert limit and "50,000" in limit[0].value  # rows 150,002..200,001 were not read
    per_row = [m for m in errors if m.column == "得分" and m.row is not None]
    assert len(per_row) == MESSAGES_PER_RULE
    summary = [m for m in errors if m.column == "得分" and m.row is None]
    assert len(summary) == 1
    assert f"另有 {MAX_DATA_ROWS - MESSAGES_PER_RULE} 处同类错误" in summary[0].message


# --- the real command line, in a child process: exit 1, JSON, no traceback, bounded memory ----------------

@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    maxrss_kb: int


# The child's peak memory is measured by a tiny wrapper process: Linux carries the parent's peak over into a
# child at exec, so measuring the CLI directly from this (large) test process would report the test's own peak.
WRAPPER = ("import resource, subprocess, sys\n"
           "code = subprocess.run(sys.argv[1:]).returncode\n"
           "sys.stderr.write('\\nMAXRSS_KB=%d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
           "sys.exit(code)\n")


def _run_cli(path: Path) -> Run:
    """``python -m evalcore validate PATH --json`` with a timeout, and the peak memory of that process."""
    out_path, err_path = path.with_suffix(".out"), path.with_suffix(".err")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-c", WRAPPER, sys.executable, "-m", "evalcore", "validate",
                                 str(path), "--json"], cwd=REPO_ROOT, stdout=out, stderr=err, env=env,
                                start_new_session=True)
        timer = threading.Timer(CLI_TIMEOUT, lambda: os.killpg(proc.pid, signal.SIGKILL))
        timer.start()
        try:
            proc.wait()
        finally:
            timer.cancel()
    stderr = err_path.read_text("utf-8", "replace")
    m = re.search(r"\nMAXRSS_KB=(\d+)\n$", stderr)
    return Run(proc.returncode, out_path.read_text("utf-8"), stderr[:m.start()] if m else stderr,
               int(m.group(1)) if m else 0)


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Every CLI case, two at a time (the machine has two cores)."""
    folder = tmp_path_factory.mktemp("cli")
    paths = {}
    for case in CLI_CASES:
        paths[case.name] = folder / f"{case.name}.xlsx"
        paths[case.name].write_bytes(badfiles.data(case.name))
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = dict(zip(paths, pool.map(_run_cli, paths.values()), strict=True))
    return runs


@pytest.mark.parametrize("case", CLI_CASES, ids=[c.name for c in CLI_CASES])
def test_cli_validate(cli_runs: dict[str, Run], case: Case) -> None:
    run = cli_runs[case.name]
    assert run.returncode != -signal.SIGKILL, f"{case.name}: killed after {CLI_TIMEOUT} s"
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == 1, (run.returncode, run.stderr[-2000:])
    data = json.loads(run.stdout)
    assert data["valid"] is False
    assert data["errors"], data
    hits = [e for e in data["errors"] if (e["sheet"], e["row"], e["column"]) == (case.sheet, case.row, case.column)]
    assert hits, data["errors"][:5]
    assert all(CJK.search(e["message"]) for e in data["errors"] + data["warnings"])


@pytest.mark.parametrize("case", [c for c in CLI_CASES if c.hostile], ids=[c.name for c in CLI_CASES if c.hostile])
def test_cli_memory_is_bounded(cli_runs: dict[str, Run], case: Case) -> None:
    run = cli_runs[case.name]
    assert 0 < run.maxrss_kb < MEMORY_BOUND_KB, f"{case.name}: peak {run.maxrss_kb // 1024} MB"


# --- issue 13: capped sheet notes; a refused upload changes nothing stored ---------------------------------

def test_many_extra_sheets_give_a_capped_list() -> None:
    result = read_workbook(badfiles.many_extra_sheets())
    assert result.ok
    unknown = [m for m in result.warnings if "未知工作表" in m.message]
    assert len(unknown) == MESSAGES_PER_RULE + 1, len(unknown)
    summary = [m for m in unknown if m.sheet == FILE]
    assert len(summary) == 1 and f"另有 {badfiles.MANY_SHEETS - MESSAGES_PER_RULE} 个未知工作表" in summary[0].message


def test_duplicate_budget_line_names_both_rows_and_the_totals_it_would_double() -> None:
    m = _find(_result("duplicate_budget_line").errors, badfiles.BY_NAME["duplicate_budget_line"])
    assert "第2行" in m.message and m.row == 4 and "市数据局" in m.message


def test_missing_sheets_are_flagged_as_gaps_for_the_upload_preview() -> None:
    result = _result("missing_budget_sheet")
    gaps = {(m.sheet, m.column) for m in result.warnings if m.gap}
    assert ("预算执行", "") in gaps  # the sheet itself
    assert ("评价信息", "报告资金总额（万元）") in gaps
    assert not any(m.gap for m in read_workbook(badfiles.sample_bytes()).warnings)


REFUSED = [c.name for c in CASES if c.level == "error" and (c.hostile or c.cli or c.name.startswith(
    ("duplicate_", "formula_", "vba_", "external_", "activex", "embedded", "unc_", "dde_", "media_")))]


@pytest.mark.parametrize("name", REFUSED)
def test_a_refused_upload_changes_nothing_stored(tmp_path: Path, name: str) -> None:
    from evalcore.auth import Actor
    from evalcore.store import PublishError, Store

    store = Store.sqlite(tmp_path / "evalboard.db")
    who = Actor("评价组", "evaluator")
    first = store.publish(badfiles.sample_bytes(), file_name="样例.xlsx", by=who)

    def state() -> tuple:
        evaluations = store.evaluations(include_archived=True)
        versions = [(v.id, v.number, v.file_hash, v.active) for e in evaluations for v in store.versions(e.id)]
        return ([(e.id, e.active_version_id) for e in evaluations], versions, store.workbook(first.id),
                store.load(first.id))

    before = state()
    with pytest.raises(PublishError) as refused:
        store.publish(badfiles.data(name), file_name=f"{name}.xlsx", by=who)
    assert refused.value.messages and all(m.level == "error" for m in refused.value.messages)
    assert state() == before
