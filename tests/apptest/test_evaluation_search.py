"""The sidebar's evaluation picker never lists every evaluation of a big store (issue 23): a search box and a
bounded list (recent ones, matches of the search, the one shown). The thresholds are lowered so that the seven
first-run samples make a "big" store; with the real thresholds the seven are simply listed, without a search box."""
import pytest
from apptest_support import ROOT, texts, unescape
from streamlit.testing.v1 import AppTest

from components.evaluation_search import SEARCH
from evalcore.archive import picker
from evalcore.catalog import ensure_samples
from evalcore.store import Store
from sample_data import first_run

FENGZE_TITLE = "丰泽区2019年度财政重点绩效评价结果"


@pytest.fixture
def samples(tmp_path, monkeypatch) -> dict[str, int]:
    db = tmp_path / "samples.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(db))
    monkeypatch.setenv("EVALBOARD_SAMPLES", "all")
    store = Store(f"sqlite:///{db}")
    try:
        ensure_samples(store, first_run())
        return {i.title: i.id for i in store.evaluations()}
    finally:
        store.engine.dispose()


def open_evaluation(evaluation_id: int) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["eval"] = str(evaluation_id)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def labels(at: AppTest) -> list[str]:
    return [str(o) for o in at.sidebar.selectbox(key="_evaluation_picker").options]


def test_a_small_store_lists_every_evaluation_without_a_search_box(samples) -> None:
    at = open_evaluation(samples[FENGZE_TITLE])
    assert len(labels(at)) == len(samples) == 7
    assert not [w for w in at.sidebar.text_input if w.key == SEARCH]


def test_a_big_store_lists_recent_ones_and_the_current_one_and_searches(samples, monkeypatch) -> None:
    monkeypatch.setattr(picker, "SMALL", 3)
    monkeypatch.setattr(picker, "RECENT", 2)
    monkeypatch.setattr(picker, "MATCHES", 2)
    fengze = samples[FENGZE_TITLE]
    at = open_evaluation(fengze)
    shown = labels(at)
    assert len(shown) <= 3 and any(FENGZE_TITLE in label for label in shown)  # the current one is always there
    assert FENGZE_TITLE in texts(at)
    assert "共 7 个评价" in texts(at)

    at.sidebar.text_input(key=SEARCH).set_value("长沙").run()  # the seed and other 长沙市 evaluations
    assert not at.exception, [e.value for e in at.exception]
    shown = labels(at)
    assert any("长沙" in label for label in shown) and any(FENGZE_TITLE in label for label in shown)
    assert len(shown) <= 2 + 2 + 1
    choice = next(o for o in at.sidebar.selectbox(key="_evaluation_picker").options if "长沙" in str(o))
    at.sidebar.selectbox(key="_evaluation_picker").set_value(
        next(i for t, i in samples.items() if t in str(choice))).run()
    assert not at.exception, [e.value for e in at.exception]
    chosen = next(t for t in samples if t in str(choice))
    assert at.query_params["eval"] == [str(samples[chosen])] or at.query_params["eval"] == str(samples[chosen])
    assert chosen in texts(at)

    at.sidebar.text_input(key=SEARCH).set_value("没有这个评价").run()
    assert "没有与“没有这个评价”相符的评价。" in unescape(texts(at))
    assert any(chosen in label for label in labels(at))  # the one shown stays listed


def test_a_link_to_an_evaluation_outside_the_recent_ones_opens_it(samples, monkeypatch) -> None:
    monkeypatch.setattr(picker, "SMALL", 3)
    monkeypatch.setattr(picker, "RECENT", 1)
    for title, evaluation_id in samples.items():
        at = open_evaluation(evaluation_id)
        assert title in texts(at) and any(title in label for label in labels(at))
