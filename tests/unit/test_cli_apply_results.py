"""``python -m evalcore apply-results [EVALUATION_ID] [--json]`` (issue 26), on a SQLite store of its own."""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import sample_data
from evalcore import application_store as appstore
from evalcore.auth import Actor
from evalcore.catalog import ensure_samples
from evalcore.store import Store

TWO_DECIMALS = re.compile(r"^-?\d+\.\d{2}$")
AMOUNT_KEYS = {"budget", "change", "suggested_budget", "cut", "added", "suggested"}
ADMIN = Actor("管理员甲", "admin", "password")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "evalboard.db"
    store = Store(f"sqlite:///{path}")
    ensure_samples(store, sample_data.FIRST_RUN)
    store.dispose()
    return path


def _id(db: Path, word: str) -> str:
    """The id of the sample evaluation whose title holds ``word`` (ids follow the first-run order, which may change)."""
    store = Store(f"sqlite:///{db}")
    try:
        return str(next(i.id for i in store.evaluations() if word in i.title))
    finally:
        store.dispose()


def _amounts(node: Any) -> list[tuple[str, Any]]:
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k in AMOUNT_KEYS and not isinstance(v, dict):
                out.append((k, v))
            out.extend(_amounts(v))
    elif isinstance(node, list):
        for v in node:
            out.extend(_amounts(v))
    return out


def test_one_evaluation_as_json(db: Path, run_cli: Callable[..., Any]):
    got = run_cli("apply-results", _id(db, "长沙"), "--json", db=db)
    assert got.returncode == 0, got.stderr
    data = json.loads(got.stdout)
    assert [(u["unit"], u["grade"], u["rule"]["label"], u["budget"], u["change"], u["suggested_budget"])
            for u in data["units"]] == [("市数据局", "良", "保持", "3400.06", "0.00", "3400.06"),
                                        ("市数据中心", "良", "保持", "10931.32", "0.00", "10931.32")]
    assert {"unit", "grade", "rule", "budget", "change", "suggested_budget"} <= set(data["units"][0])
    assert data["totals"]["budget"] == "14331.38" and data["totals"]["cut"] == "0.00"
    amounts = _amounts(data)
    assert amounts and all(v is None or (isinstance(v, str) and TWO_DECIMALS.match(v)) for _, v in amounts)


def test_a_changed_rule_changes_the_suggestion(db: Path, run_cli: Callable[..., Any]):
    store = Store(f"sqlite:///{db}")
    appstore.set_rule(store, "重点项目", "良", "cut", "37.5", "本局规定", by=ADMIN)
    store.dispose()
    data = json.loads(run_cli("apply-results", _id(db, "长沙"), "--json", db=db).stdout)
    assert [(u["change"], u["suggested_budget"]) for u in data["units"]] == [
        ("-1275.02", "2125.04"), ("-4099.25", "6832.07")]  # half-up: 4099.245 -> 4099.25
    assert data["totals"]["cut"] == "5374.27"
    text = run_cli("apply-results", db=db)
    assert text.returncode == 0 and "据评价结果调减预算 5374.27 万元" in text.stdout


def test_without_an_id_the_totals_per_evaluation(db: Path, run_cli: Callable[..., Any]):
    got = run_cli("apply-results", "--json", db=db)
    assert got.returncode == 0, got.stderr
    data = json.loads(got.stdout)
    assert len(data["evaluations"]) == 7 and "units" not in data["evaluations"][0]
    by_id = {e["evaluation_id"]: e["totals"] for e in data["evaluations"]}
    assert by_id[int(_id(db, "长沙"))]["suggested_budget"] == "14331.38"
    assert data["totals"]["with_amount"] == 3 and data["totals"]["without_amount"] > 0  # units without a budget
    assert all(v is None or TWO_DECIMALS.match(v) for _, v in _amounts(data))
    assert [y["year"] for y in data["years"]] == sorted(y["year"] for y in data["years"])


def test_units_without_a_budget_say_why(db: Path, run_cli: Callable[..., Any]):
    fengze = _id(db, "丰泽")  # 丰泽区 2019: grades, no budgets
    data = json.loads(run_cli("apply-results", fengze, "--json", db=db).stdout)
    assert all(u["change"] is None and u["suggested_budget"] is None and "预算" in u["reason"]
               for u in data["units"])
    text = run_cli("apply-results", fengze, db=db).stdout
    assert "按得分推算" in text  # 禁毒工作专项: 93.4, no stated grade


def test_an_unknown_evaluation(db: Path, run_cli: Callable[..., Any]):
    got = run_cli("apply-results", "999", db=db)
    assert got.returncode == 1 and "评价不存在" in got.stderr and not got.stdout
