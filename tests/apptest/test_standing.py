"""Where a figure stands (issue 28): 同比 against the same unit a year earlier on 单位详情 (matched by name across
evaluations, said only where there is one), the execution rate's mark with its rule in words beside it, and large
amounts shown compactly (≈ 亿元) with the exact 万元 figure in the tooltip."""
import dataclasses
from decimal import Decimal

import pytest
from apptest_support import ROOT, texts
from streamlit.testing.v1 import AppTest

from evalcore.auth import Actor
from evalcore.store import Store
from evalcore.workbook import read_workbook, workbook_bytes
from sample_data import WORKBOOK

BY = Actor("李评价", "evaluator")


def _scaled(ev, year: int, factor: Decimal):
    """The seed a year later with every budget line's budget times ``factor`` (executed unchanged)."""
    lines = tuple(dataclasses.replace(b, budget=b.budget * factor if b.budget is not None else None)
                  for b in ev.budget_lines)
    meta = dataclasses.replace(ev.meta, year=year, title=ev.meta.title.replace("2023", str(year)),
                               stated_total_budget=None)
    return dataclasses.replace(ev, meta=meta, budget_lines=lines)


@pytest.fixture
def two_years(tmp_path, monkeypatch):
    db = tmp_path / "standing.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(db))
    monkeypatch.setenv("EVALBOARD_SAMPLES", "none")
    store = Store(f"sqlite:///{db}")
    ev = read_workbook(WORKBOOK).evaluation
    first = store.publish(workbook_bytes(ev), file_name="2023.xlsx", by=BY)
    later = store.publish(workbook_bytes(_scaled(ev, 2024, Decimal(2))), file_name="2024.xlsx", by=BY)
    store.engine.dispose()
    return first.evaluation_id, later.evaluation_id


def _unit_page(eval_id: int, unit: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["eval"] = str(eval_id)
    at.query_params["unit"] = unit
    at.run()
    at.switch_page("pages/8_unit.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_unit_page_says_where_the_unit_stands_against_last_year(two_years):
    _, later = two_years
    at = _unit_page(later, "市数据局")
    metrics = {m.label: m for m in at.metric}
    assert metrics["预算"].value == "6,800.12 万元" and metrics["预算"].delta == "+100.00%"  # 3400.06 x 2
    assert metrics["实际执行"].delta == "+0.00%"  # executed unchanged
    assert metrics["评价得分"].delta == "+0.00 分"
    assert metrics["未执行"].delta is None or metrics["未执行"].delta == ""
    shown = texts(at)
    # 2811.47 / 6800.12 = 41.344...% against 82.689...% a year earlier (half the rate)
    assert "同比（2023 年）：预算执行率 -41.34 个百分点" in shown
    assert "执行率明显低于目标" in shown
    assert "标记规则：绿：达到目标 90.00%" in shown  # the rule in words next to the mark, not colour alone


def test_no_last_year_no_comparison(two_years):
    first, _ = two_years
    at = _unit_page(first, "市数据局")
    metrics = {m.label: m for m in at.metric}
    assert not metrics["预算"].delta and not metrics["评价得分"].delta
    shown = texts(at)
    assert "同比" not in shown and "—" not in metrics["预算"].value
    assert "执行率接近目标" in shown and "标记规则：" in shown  # 82.69% is within 10 points of 90%


def test_large_amounts_read_at_a_glance_with_the_exact_figure_in_the_tooltip(tmp_path, monkeypatch):
    db = tmp_path / "large.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(db))
    monkeypatch.setenv("EVALBOARD_SAMPLES", "none")
    store = Store(f"sqlite:///{db}")
    ev = read_workbook(WORKBOOK).evaluation
    big = dataclasses.replace(_scaled(ev, 2023, Decimal(1000)), meta=dataclasses.replace(
        ev.meta, stated_total_budget=None))
    v = store.publish(workbook_bytes(big), file_name="big.xlsx", by=BY)
    store.engine.dispose()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["eval"] = str(v.evaluation_id)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    budget = next(m for m in at.metric if m.label == "预算总额")
    assert budget.value == "≈1,433 亿元"  # 14,331,380.00 万元
    assert budget.proto.help == "精确值 14,331,380.00 万元"
    executed = next(m for m in at.metric if m.label == "实际执行")
    assert executed.value == "13,563.60 万元" and not executed.proto.help  # below 10 亿元: exact, no tooltip
    at.switch_page("pages/7_portfolio.py").run()
    assert not at.exception, [e.value for e in at.exception]
    tiles = {m.label: m for m in at.metric}
    assert tiles["涉及资金"].value == "≈1,433 亿元" and "精确值 14,331,380.00 万元" in tiles["涉及资金"].proto.help
    suggested = tiles["建议预算"]  # 结果应用: no "6,797,119…" cut in its tile
    assert suggested.value.startswith("≈") and suggested.value.endswith("亿元")
    assert "精确值" in suggested.proto.help and "建议预算（万元）" not in tiles
