"""Issue 28, item 1: a page whose URL names no evaluation opens the one this visitor last looked at, else the most
recently published one (the first-run samples load the seed last, so it is that one); partial data reads as
partial (丰泽区 2019 states 报告资金总额 7300 万元 and 区卫健局's grade 优 without a score)."""
import pytest
from apptest_support import PAGES, ROOT, texts
from streamlit.testing.v1 import AppTest

from evalcore.catalog import ensure_samples
from evalcore.store import Store
from sample_data import first_run

SEED_TITLE = "2023年度长沙市信息化建设和运维项目绩效评价结果"
FENGZE_TITLE = "丰泽区2019年度财政重点绩效评价结果"


@pytest.fixture
def many(tmp_path, monkeypatch):
    db = tmp_path / "many.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(db))
    monkeypatch.setenv("EVALBOARD_SAMPLES", "all")
    return db


def _ids(db) -> dict[str, int]:
    store = Store(f"sqlite:///{db}")
    try:
        ensure_samples(store, first_run())  # what the app does on its first start (a no-op once loaded)
        return {i.title: i.id for i in store.evaluations()}
    finally:
        store.engine.dispose()


def test_a_page_without_eval_opens_the_most_recently_published(many):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()  # many evaluations: the portfolio
    at.switch_page(PAGES["问题分析"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert SEED_TITLE in texts(at)  # the seed is published last, although 红河州 2024 is the newest year
    seed = _ids(many)[SEED_TITLE]
    assert at.query_params["eval"] == str(seed)  # the URL names it, so a refresh keeps it


def test_a_page_without_eval_opens_the_one_last_looked_at(many):
    fengze = _ids(many)[FENGZE_TITLE]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["eval"] = str(fengze)
    at.run()
    assert FENGZE_TITLE in texts(at)
    at.query_params.clear()
    at.switch_page(PAGES["问题分析"]).run()  # the sidebar's links carry no ?eval=
    assert not at.exception, [e.value for e in at.exception]
    assert FENGZE_TITLE in texts(at) and SEED_TITLE not in texts(at)


def test_partial_data_reads_as_partial(many):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["eval"] = str(_ids(many)[FENGZE_TITLE])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["报告资金总额"] == "7,300.00 万元"  # the stated total wins over "—"
    assert "—" not in metrics.values() and "实际执行" not in metrics and "总体预算执行率" not in metrics
    shown = texts(at)
    assert shown.count("报告未列实际执行金额，无法计算预算执行率。") == 1
    assert "nan" not in shown and "None" not in shown
    assert "等次：优" in shown  # 区卫健局: a stated grade without a score
    assert "报告未公布得分" in shown
    assert "报告未列问题、建议。" in shown or "报告未列产出成果及效益、问题、建议。" in shown
    assert not at.get("plotly_chart")  # no empty chart frame: the report lists no budget lines and no problems


@pytest.mark.parametrize("page", [PAGES["单位对比"], PAGES["问题分析"], PAGES["建议与整改"]])
def test_no_empty_chart_frame_or_nan_on_a_partial_evaluation(many, page):
    import json

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["eval"] = str(_ids(many)[FENGZE_TITLE])
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    for chart in at.get("plotly_chart"):
        assert json.loads(chart.proto.spec)["data"], "an empty chart frame"  # said in words instead
    assert "nan" not in texts(at) and "None" not in texts(at)
