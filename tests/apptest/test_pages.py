"""AppTest of every page: runs without an exception and shows the seed's key figures."""
import datetime as dt

import pytest
from apptest_support import PAGES, open_page, texts


@pytest.mark.parametrize("label,path", list(PAGES.items()))
def test_every_page_runs_without_exception(label, path):
    at = open_page(path)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    # the Chinese navigation is drawn on every page
    links = [p.proto.label for p in at.sidebar.get("page_link")]
    assert links == list(PAGES), links


def test_overview_key_figures():
    at = open_page(None)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["预算总额"] == "14,331.38 万元"
    assert metrics["实际执行"] == "13,563.60 万元"
    values = [m.value for m in at.metric]
    assert values.count("86.98") == 1 and values.count("86.38") == 1
    assert "82.69%" in values and "98.36%" in values
    shown = texts(at)
    assert "2023年度长沙市信息化建设和运维项目绩效评价结果" in shown
    assert "等次：良" in shown
    assert "问题 19 项 · 建议 18 条" in shown
    # all five achievement areas and the verbatim conclusion
    for area in ("不断打造样板标杆，持续发展数字经济", "不断深化共享应用，释放数据要素价值"):
        assert area in shown
    assert "绩效评价等次均为“良”" in shown
    # 数智科技集团 has findings but no budget line: named, never given a rate
    assert "长沙数智科技集团有限公司" in shown


def test_units_page_figures_and_illustrative_label():
    at = open_page(PAGES["单位对比"])
    shown = texts(at)
    assert "数智科技集团：无预算安排" in shown
    assert "示例数据" in shown  # the indicator breakdown is not published: labelled wherever shown
    # choosing the other unit's indicator detail reruns cleanly
    control = at.get("button_group")[0]
    control.set_value("市数据中心").run()
    assert not at.exception


def test_units_page_has_charts():
    at = open_page(PAGES["单位对比"])
    charts = at.get("plotly_chart")
    assert len(charts) >= 5


def test_problems_filter_and_search():
    at = open_page(PAGES["问题分析"])
    assert "共 6 类 19 项问题" in texts(at)
    assert "显示 19 / 19 项" in texts(at)
    at.selectbox(key="_problems_pick").set_value(3).run()
    assert not at.exception
    assert "显示 5 / 19 项" in texts(at)
    at.text_input(key="problems_query").input("监理").run()
    assert "显示 1 / 19 项" in texts(at)


def test_problems_filter_survives_chart_state():
    """The category chosen (by click or list) is kept in session state and drives the chart highlight."""
    at = open_page(PAGES["问题分析"])
    at.session_state["_problems_pick"] = 6
    at.run()
    assert "显示 1 / 19 项" in texts(at)


def test_rectification_page_figures():
    at = open_page(PAGES["建议与整改"])
    at.date_input(key="rect_as_of").set_value(dt.date(2026, 11, 28)).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["整改事项"] == "19 项"
    assert metrics["已完成"] == "13 项"
    assert metrics["整改率"] == "68.42%"
    assert metrics["逾期未完成"] == "4 项"
    assert "示例数据" in texts(at)
    assert "6 类 18 条建议" in texts(at)


def test_rectification_as_of_an_earlier_date():
    at = open_page(PAGES["建议与整改"])
    at.date_input(key="rect_as_of").set_value(dt.date(2024, 6, 30)).run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["已完成"] == "5 项"  # closed by 2024-06-30 in the illustrative history
    assert metrics["逾期未完成"] == "0 项"
