"""问题分析, 建议与整改 and 演示 on a 1,000-unit evaluation with 240 problems and 整改 items: no exception, the
summary layout (categories only, top units and 其他, lists a page at a time, distribution and ranking slides), and
no chart that draws more than ~2,000 marks or has more than ~40 bars."""
import json

import pytest
from apptest_support import PAGES, ROOT, texts
from streamlit.testing.v1 import AppTest

from evalcore.auth import Actor
from evalcore.store import Store
from sample_data.synth import synthetic_workbook

UNITS, PROBLEMS = 1000, 240
MAX_MARKS, MAX_BARS = 2000, 40


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    db = tmp_path_factory.mktemp("scale") / "evalboard.db"
    data = synthetic_workbook(units=UNITS, projects_per_unit=1, indicators=8, experts=1, problems=PROBLEMS, seed=7)
    Store(f"sqlite:///{db}").publish(data, file_name="big.xlsx", by=Actor("测试", "evaluator"))
    return db


@pytest.fixture
def app(store_path, monkeypatch):
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(store_path))  # the only evaluation there: the picker's default
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def figures(at) -> dict[str, dict]:
    """Every Plotly chart of the page, by its key, as the figure JSON sent to the browser."""
    out = {}
    for e in at.get("plotly_chart"):
        spec = json.loads(e.proto.spec)
        out[e.proto.id.rsplit("-", 1)[-1] if not e.key else e.key] = spec
    return out


def check_sizes(figs: dict[str, dict]) -> None:
    for key, fig in figs.items():
        marks = 0
        for trace in fig["data"]:
            n = max((len(trace[k]) for k in ("x", "y", "r", "values", "ids") if trace.get(k) is not None), default=0)
            marks += n
            if trace.get("type") == "bar":
                assert n <= MAX_BARS, (key, n)
        assert marks <= MAX_MARKS, (key, marks)


def test_problems_page_summarises(app):
    app.switch_page(PAGES["问题分析"]).run()
    ok(app)
    shown = texts(app)
    assert f"共 6 类 {PROBLEMS} 项问题" in shown
    assert "问题较多，图中只列类别" in shown
    assert "按单位（问题最多的 15 个单位）" in shown
    assert f"第 1 / {-(-PROBLEMS // 50)} 页" in shown
    figs = figures(app)
    check_sizes(figs)
    assert len(figs["problems_sunburst"]["data"][0]["ids"]) == 7  # the total and six categories
    by_unit = figs["problems_by_unit"]["data"][0]
    assert len(by_unit["y"]) <= 17 and any("其他" in str(t) for t in figs["problems_by_unit"]["layout"]["yaxis"]
                                            ["ticktext"])
    # the next page of the list, and a search that narrows it to one page
    app.number_input(key="problems_list_page").set_value(2).run()
    ok(app)
    assert f"第 2 / {-(-PROBLEMS // 50)} 页：第 51–100 项" in texts(app)
    app.text_input(key="problems_query").input("第17条").run()
    ok(app)
    assert "显示 1 / 240 项" in texts(app)


def test_rectification_page_summarises(app):
    app.switch_page(PAGES["建议与整改"]).run()
    ok(app)
    shown = texts(app)
    assert "未完成事项最多的责任单位（前 15 个）" in shown
    assert "按责任单位（" in shown and "个单位，共" in shown
    figs = figures(app)
    check_sizes(figs)
    assert "rect_open_by_unit" in figs and "rect_sankey" in figs
    assert figs["rect_stacked"]["layout"]["xaxis"].get("dtick") is None  # no tick per item at 40 items a category
    app.text_input(key="rect_unit_query").input("单位0001").run()
    ok(app)


def test_present_page_walks_every_slide_without_a_chart_per_unit(app):
    app.switch_page(PAGES["演示"]).run()
    ok(app)
    titles = []
    while True:
        html = "\n".join(e.proto.body for e in app.get("html"))
        titles.extend(t for t in ("单位排名：评价得分", "单位排名：预算执行率") if f">{t}<" in html)
        check_sizes(figures(app))
        if app.button(key="slide_next").disabled:
            break
        app.button(key="slide_next").click().run()
        ok(app)
    assert titles == ["单位排名：评价得分", "单位排名：预算执行率"]
    assert "12 / 12" in "\n".join(e.proto.body for e in app.get("html"))  # with the 结果应用 slide (issue 26)

