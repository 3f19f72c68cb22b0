"""KPI cards that say where a figure stands (issue 28): 总览's execution rate against its target with a
red/amber/green mark whose rule is stated, and 同比 against the same evaluation a year earlier."""
import dataclasses
from decimal import Decimal

from apptest_support import ROOT, texts
from streamlit.testing.v1 import AppTest

from evalcore.auth import Actor
from evalcore.store import Store
from evalcore.workbook import read_workbook, workbook_bytes
from sample_data import WORKBOOK


def test_rate_against_target_and_year_on_year(tmp_path, monkeypatch):
    db = tmp_path / "kpi.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(db))
    monkeypatch.setenv("EVALBOARD_SAMPLES", "none")
    store = Store(f"sqlite:///{db}")
    ev = read_workbook(WORKBOOK).evaluation
    store.publish(workbook_bytes(ev), file_name="2023.xlsx", by=Actor("李评价", "evaluator"))
    lines = tuple(dataclasses.replace(b, budget=b.budget * 2 if b.budget is not None else None)
                  for b in ev.budget_lines)
    later = dataclasses.replace(ev, meta=dataclasses.replace(
        ev.meta, year=2024, title=ev.meta.title.replace("2023", "2024"), stated_total_budget=None), budget_lines=lines)
    v = store.publish(workbook_bytes(later), file_name="2024.xlsx", by=Actor("李评价", "evaluator"))
    store.engine.dispose()

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["eval"] = str(v.evaluation_id)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m for m in at.metric}
    assert metrics["预算总额"].value == "28,662.76 万元"
    assert metrics["预算总额"].delta == "+100.00%"  # 同比: the same evaluation in 2023
    rate = metrics["总体预算执行率"]
    assert rate.delta.startswith("-") and rate.delta.endswith("个百分点")  # below the 90% target now
    assert "执行率明显低于目标" in texts(at)
    assert Decimal("47.32") == Decimal(rate.value.rstrip("%"))
