"""总览, 单位对比 and 单位详情 on a 1,000-unit evaluation (sample_data/synth.py): the summary layout, no card per
unit, the unit page by URL, and links to evaluations or units that are not there."""
from __future__ import annotations

import json

import pytest
from apptest_support import ROOT, texts
from streamlit.testing.v1 import AppTest

from evalcore.auth import Actor
from evalcore.store import Store
from evalcore.workbook import workbook_bytes
from sample_data.synth import synthetic_evaluation

UNITS = 1000
ACTOR = Actor("测试", "admin")


@pytest.fixture(scope="module")
def large_store(tmp_path_factory):
    db = tmp_path_factory.mktemp("scale") / "evalboard.db"
    store = Store(f"sqlite:///{db}")
    version = store.publish(workbook_bytes(synthetic_evaluation(UNITS, problems=240)), file_name="large.xlsx",
                            by=ACTOR)
    return db, version.evaluation_id


def _open(db, monkeypatch, page: str | None = None, **params) -> AppTest:
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    if page:  # pages are reached from the entry file (how Streamlit resolves page links)
        at.switch_page(page).run()
    return at


def _param(at: AppTest, name: str) -> list[str]:
    value = at.query_params.get(name)
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def _metric_count(at: AppTest) -> int:
    return len(at.metric)


def test_overview_summarises_a_large_evaluation(large_store, monkeypatch):
    db, eid = large_store
    at = _open(db, monkeypatch, eval=str(eid))
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    shown = texts(at)
    assert f"合成绩效评价（{UNITS} 个单位）" in shown
    for heading in ("等次分布", "执行率与得分分布", "得分 × 预算执行率", "排名靠前与靠后的单位", "各单位预算资金"):
        assert heading in shown
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["评价单位"] == f"{UNITS} 个"
    # no card per unit: a handful of KPIs, never one "评价得分" metric per unit
    assert _metric_count(at) <= 10
    assert "评价得分" not in metrics
    charts = at.get("plotly_chart")
    assert 8 <= len(charts) <= 16
    # the scatter is WebGL and names each unit in its hover
    specs = [json.loads(c.proto.spec) for c in charts]
    scatter = [t for spec in specs for t in spec["data"] if t.get("type") == "scattergl"]
    assert scatter and sum(len(t["x"]) for t in scatter) == UNITS
    assert any(row[0] == "单位0001" and "合成市第1单位" in row[1] for t in scatter for row in t["customdata"])
    # no SVG chart with more than ~2,000 marks (points of SVG traces, bars, tiles)
    for spec in specs:
        svg = sum(len(t.get("x") or t.get("labels") or t.get("y") or []) for t in spec["data"]
                  if t.get("type") != "scattergl")
        assert svg <= 2000
    assert _param(at, "eval") == [str(eid)]


def test_units_page_ranks_filters_and_compares(large_store, monkeypatch):
    db, eid = large_store
    at = _open(db, monkeypatch, "pages/1_units.py", eval=str(eid))
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    assert f"单位排名（{UNITS} / {UNITS} 个单位）" in shown
    assert "所选单位对比" in shown
    # the default selection: the five lowest scores
    assert len(at.multiselect(key="units_f_sel").value) == 5
    # filters narrow the ranking and go into the URL
    at.toggle(key="units_f_below").set_value(True).run()
    assert not at.exception
    assert _param(at, "below") == ["1"]
    assert f"/ {UNITS} 个单位）" in texts(at) and f"（{UNITS} / {UNITS}" not in texts(at)
    at.multiselect(key="units_f_grades").set_value(["良"]).run()
    assert _param(at, "grade") == ["良"]


def test_units_page_filters_come_from_the_url(large_store, monkeypatch):
    db, eid = large_store
    at = _open(db, monkeypatch, "pages/1_units.py", eval=str(eid), grade="良", q="单位000")
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="units_f_grades").value == ["良"]
    assert at.text_input(key="units_f_q").value == "单位000"
    assert f"（{UNITS} / {UNITS}" not in texts(at)


def test_unit_page_by_url(large_store, monkeypatch):
    db, eid = large_store
    at = _open(db, monkeypatch, "pages/8_unit.py", eval=str(eid), unit="单位0003")
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    shown = texts(at)
    assert "合成市第3单位" in shown
    for heading in ("预算明细", "分维度得分与评价平均", "指标扣分", "涉及的问题", "整改事项"):
        assert heading in shown
    assert at.selectbox(key="_unit_pick").value == "单位0003"
    # switching the unit in the picker updates the URL
    at.selectbox(key="_unit_pick").set_value("单位0010").run()
    assert not at.exception
    assert _param(at, "unit") == ["单位0010"]
    assert "合成市第10单位" in texts(at)


def test_link_to_a_missing_unit_says_so(large_store, monkeypatch):
    db, eid = large_store
    at = _open(db, monkeypatch, "pages/8_unit.py", eval=str(eid), unit="不存在的单位")
    assert not at.exception
    assert any("不存在的单位" in e.value and "不在该评价中" in e.value for e in at.error)
    assert "预算明细" not in texts(at)  # never another unit silently


def test_link_to_a_missing_evaluation_offers_the_list(large_store, monkeypatch):
    db, eid = large_store
    at = _open(db, monkeypatch, eval="999999")
    assert not at.exception
    assert any("编号 999999" in e.value and "不存在" in e.value for e in at.error)
    assert "合成绩效评价" not in " ".join(str(t.value) for t in at.title)  # nothing shown silently instead
    choices = [b for b in at.button if b.key and b.key.startswith("_choose_eval_")]
    assert any(b.key == f"_choose_eval_{eid}" for b in choices)
    next(b for b in choices if b.key == f"_choose_eval_{eid}").click().run()
    assert not at.exception
    assert _param(at, "eval") == [str(eid)]


def test_link_to_an_archived_evaluation_says_so(tmp_path, monkeypatch):
    db = tmp_path / "evalboard.db"
    store = Store(f"sqlite:///{db}")
    version = store.publish(workbook_bytes(synthetic_evaluation(12, problems=6)), file_name="small.xlsx", by=ACTOR)
    kept = store.publish(workbook_bytes(synthetic_evaluation(3, problems=6, seed=1)), file_name="other.xlsx",
                         by=ACTOR)
    store.set_archived(version.evaluation_id, True, by=ACTOR)
    at = _open(db, monkeypatch, eval=str(version.evaluation_id))
    assert not at.exception
    assert any("已归档" in e.value for e in at.error), [e.value for e in at.error]
    assert any(b.key == f"_choose_eval_{kept.evaluation_id}" for b in at.button)


def test_picker_writes_the_url_and_the_link_wins_over_the_session(tmp_path, monkeypatch):
    db = tmp_path / "evalboard.db"
    store = Store(f"sqlite:///{db}")
    a = store.publish(workbook_bytes(synthetic_evaluation(12, problems=6)), file_name="a.xlsx", by=ACTOR)
    b = store.publish(workbook_bytes(synthetic_evaluation(3, problems=6, seed=1)), file_name="b.xlsx", by=ACTOR)
    at = _open(db, monkeypatch, eval=str(b.evaluation_id), unit="单位0001")
    assert "合成绩效评价（3 个单位）" in texts(at)
    assert "评价得分" in {m.label for m in at.metric}  # 3 units: one card per unit, as for the seed
    at.sidebar.selectbox(key="_evaluation_picker").set_value(a.evaluation_id).run()
    assert not at.exception
    assert _param(at, "eval") == [str(a.evaluation_id)]
    assert _param(at, "unit") == []  # a unit of the other evaluation is dropped with it
    shown = texts(at)
    assert "合成绩效评价（12 个单位）" in shown and "等次分布" in shown  # 12 units: the summary layout
