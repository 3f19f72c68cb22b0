"""The command line contract (``python -m evalcore ...``).

The two summaries and a refused file go through a real ``python -m evalcore`` process, as other tools run it (exit
status, JSON on standard output); the other cases call ``evalcore.cli.main`` in this process (``run_cli``), with
the same assertions on exit code and output.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from evalcore import cli
from evalcore.model import BudgetLine, Evaluation, Meta, Unit, UnitResult
from evalcore.summary import summarize

RunCli = Callable[..., Any]

SAMPLE = "sample_data/changsha_2023.xlsx"
TWO_DECIMALS = re.compile(r"^\d+\.\d{2}$")
NUMERIC_KEYS = {"budget", "executed", "execution_rate", "score", "score_computed", "rate"}


def run(repo_root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m evalcore ARGS`` in a child process."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "evalcore", *args], cwd=repo_root, capture_output=True,
                          text=True, encoding="utf-8", env=env, timeout=120, check=False)


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, node


@pytest.fixture(scope="module")
def summary(repo_root: Path) -> dict[str, Any]:
    proc = run(repo_root, "summary", SAMPLE, "--json")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def summary_as_of(repo_root: Path) -> dict[str, Any]:
    proc = run(repo_root, "summary", SAMPLE, "--json", "--as-of", "2026-11-28")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _unit(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(u for u in data["units"] if u["unit"] == key)


# --- summary: every seed figure, exactly ------------------------------------------------------------------

@pytest.mark.parametrize(("unit", "budget", "executed", "rate", "score"), [
    ("市数据局", "3400.06", "2811.47", "82.69", "86.98"),
    ("市数据中心", "10931.32", "10752.13", "98.36", "86.38"),
])
def test_summary_unit_figures(summary: dict[str, Any], unit: str, budget: str, executed: str, rate: str,
                              score: str) -> None:
    u = _unit(summary, unit)
    assert u["budget"] == budget
    assert u["executed"] == executed
    assert u["execution_rate"] == rate
    assert u["score"] == score
    assert u["grade"] == "良"
    assert u["rate_note"] is None


def test_summary_third_party(summary: dict[str, Any]) -> None:
    u = _unit(summary, "数智科技集团")
    assert u["budget"] is None
    assert u["execution_rate"] is None
    assert u["rate_note"] == "无预算安排"
    assert u["score"] is None
    assert u["grade"] is None
    assert u["problems_naming_unit"] == 1


def test_summary_totals(summary: dict[str, Any]) -> None:
    assert [u["unit"] for u in summary["units"]] == ["市数据局", "市数据中心", "数智科技集团"]
    assert summary["totals"]["budget"] == "14331.38"
    assert summary["totals"]["executed"] == "13563.60"
    assert summary["totals"]["execution_rate"] == "94.64"
    assert summary["year"] == 2023
    assert summary["title"] == "2023年度长沙市信息化建设和运维项目绩效评价结果"


def test_summary_findings_counts(summary: dict[str, Any]) -> None:
    assert summary["problems"] == {"categories": 6, "items": 19, "per_category": [2, 3, 5, 5, 3, 1]}
    assert summary["recommendations"] == {"categories": 6, "items": 18, "per_category": [3, 3, 3, 4, 2, 3]}
    assert summary["achievements"]["areas"] == 5


def test_summary_marks_illustrative_data(summary: dict[str, Any]) -> None:
    assert summary["illustrative"] == ["rectification", "scores"]
    assert summary["rectification"]["illustrative"] is True


def test_summary_rectification_as_of(summary_as_of: dict[str, Any]) -> None:
    r = summary_as_of["rectification"]
    assert r["as_of"] == "2026-11-28"
    assert r["items"] == 19
    assert r["closed"] == 13
    assert r["rate"] == "68.42"
    assert r["overdue"] == 4
    assert r["by_status"] == {"未开始": 1, "整改中": 4, "已整改": 13, "未整改": 1}


def test_summary_numbers_are_two_decimal_strings(summary: dict[str, Any], summary_as_of: dict[str, Any]) -> None:
    checked = 0
    for data in (summary, summary_as_of):
        for path, value in _walk(data):
            assert not isinstance(value, float), f"{path} is a float: {value!r}"
            if path.rsplit(".", 1)[-1] in NUMERIC_KEYS and value is not None:
                assert isinstance(value, str), path
                assert TWO_DECIMALS.match(value), f"{path} = {value!r}"
                checked += 1
    assert checked >= 2 * (2 * 5 + 3 + 1)


def test_summary_figures_appear_in_the_seed(summary: dict[str, Any], seed_text: str) -> None:
    for key in ("市数据局", "市数据中心"):
        u = _unit(summary, key)
        for field in ("budget", "executed", "execution_rate", "score"):
            assert u[field] in seed_text, (key, field)
    assert summary["totals"]["budget"] in seed_text


def test_summary_without_json(run_cli: RunCli) -> None:
    proc = run_cli("summary", SAMPLE)
    assert proc.returncode == 0, proc.stderr
    assert "3400.06" in proc.stdout and "82.69%" in proc.stdout and "86.98" in proc.stdout
    assert "问题 19 项" in proc.stdout and "建议 18 条" in proc.stdout


def test_summary_in_process(capsys: pytest.CaptureFixture[str], repo_root: Path) -> None:
    assert cli.main(["summary", str(repo_root / SAMPLE), "--json", "--as-of", "2026-11-28"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert _unit(data, "市数据局")["execution_rate"] == "82.69"


def test_summarize_formats_every_number_with_two_decimals() -> None:
    # Figures that are not already 2-decimal in the data: 5 -> "5.00", 1/3 -> "33.33", 86.975 -> "86.98".
    ev = Evaluation(Meta("t"), units=(Unit("a"), Unit("b")),
                    budget_lines=(BudgetLine("a", Decimal(5), Decimal(5)), BudgetLine("b", Decimal(3), Decimal(1))),
                    results=(UnitResult("a", Decimal("86.975"), "良"),))
    data = summarize(ev, dt.date(2026, 11, 28))
    a, b = data["units"]
    assert (a["budget"], a["executed"], a["execution_rate"], a["score"], a["grade"]) == (
        "5.00", "5.00", "100.00", "86.98", "良")
    assert a["score_computed"] is None
    assert (b["budget"], b["execution_rate"], b["score"], b["grade"]) == ("3.00", "33.33", None, None)
    assert data["totals"] == {"budget": "8.00", "executed": "6.00", "execution_rate": "75.00",
                              "stated_budget": None, "stated_executed": None}
    assert data["consistency"] == []
    assert data["rectification"]["items"] == 0
    assert data["rectification"]["rate"] is None
    json.dumps(data, ensure_ascii=False)  # plain data


def test_summary_names_stated_figures_that_disagree() -> None:
    ev = Evaluation(Meta("t", stated_total_budget=Decimal("9")), units=(Unit("a"),),
                    budget_lines=(BudgetLine("a", Decimal(4), Decimal(1), stated_rate=Decimal("30")),))
    data = summarize(ev, dt.date(2026, 11, 28))
    assert data["units"][0]["stated_rate"] == "30.00"
    assert data["totals"]["stated_budget"] == "9.00"
    found = {(c["stated"], c["computed"]) for c in data["consistency"]}
    assert found == {("30.00", "25.00"), ("9.00", "4.00")}


# --- validate ---------------------------------------------------------------------------------------------

def test_validate_sample(run_cli: RunCli) -> None:
    proc = run_cli("validate", SAMPLE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "通过校验" in proc.stdout
    assert "0 个错误" in proc.stdout


def test_validate_sample_json(run_cli: RunCli) -> None:
    proc = run_cli("validate", SAMPLE, "--json")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert data["valid"] is True
    assert data["errors"] == [] and data["warnings"] == []


@pytest.fixture
def bad_workbook(make_workbook: Callable[..., Path]) -> Path:
    def mutate(wb: openpyxl.Workbook) -> None:
        wb["预算执行"]["D2"] = "abc"  # 预算金额（万元） of 市数据局
        wb["整改"]["E3"] = "明年"  # 整改期限 of Z02

    return make_workbook(mutate, "bad.xlsx")


def test_validate_bad_file_json(repo_root: Path, bad_workbook: Path) -> None:
    proc = run(repo_root, "validate", str(bad_workbook), "--json")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    data = json.loads(proc.stdout)
    assert data["valid"] is False
    assert data["errors"]
    for e in data["errors"]:
        assert set(e) >= {"sheet", "row", "column", "message", "value", "level"}
        assert e["level"] == "error"
        assert re.search(r"[\u4e00-\u9fff]", e["message"])
    located = {(e["sheet"], e["row"], e["column"]) for e in data["errors"]}
    assert ("预算执行", 2, "预算金额（万元）") in located
    assert ("整改", 3, "整改期限") in located
    budget_error = next(e for e in data["errors"] if e["sheet"] == "预算执行")
    assert budget_error["value"] == "abc"


def test_validate_bad_file_text(run_cli: RunCli, bad_workbook: Path) -> None:
    proc = run_cli("validate", str(bad_workbook))
    assert proc.returncode == 1
    assert "未通过校验" in proc.stdout
    assert "预算执行 第2行“预算金额（万元）”列" in proc.stdout


def test_summary_of_a_bad_file(run_cli: RunCli, bad_workbook: Path) -> None:
    proc = run_cli("summary", str(bad_workbook), "--json")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "未通过校验" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("content", [os.urandom(4096), b""], ids=["random", "empty"])
@pytest.mark.parametrize("command", ["validate", "summary"])
def test_not_a_workbook_never_tracebacks(run_cli: RunCli, tmp_path: Path, content: bytes, command: str) -> None:
    path = tmp_path / "random.xlsx"
    path.write_bytes(content)
    proc = run_cli(command, str(path), "--json")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    if command == "validate":
        data = json.loads(proc.stdout)
        assert data["valid"] is False
        assert data["errors"][0]["sheet"] == "（文件）"


def test_missing_file(run_cli: RunCli, tmp_path: Path) -> None:
    proc = run_cli("validate", str(tmp_path / "missing.xlsx"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr


def test_a_bad_as_of_date_is_a_message_not_a_traceback(run_cli: RunCli) -> None:
    proc = run_cli("summary", SAMPLE, "--as-of", "2024-13-01")
    assert proc.returncode == 1
    assert "--as-of 应为日期" in proc.stderr and "Traceback" not in proc.stderr


def test_an_unwritable_output_is_a_message_not_a_traceback(run_cli: RunCli, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    proc = run_cli("export", SAMPLE, "--format", "md", "--out", str(blocker / "out.md"))
    assert proc.returncode == 1
    assert "无法读写文件" in proc.stderr and "Traceback" not in proc.stderr
