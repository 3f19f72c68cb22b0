"""评价总览 in AppTest: with many evaluations (the first-run samples) it is the landing page, filters by year,
and its figures match the data; with one evaluation 总览 stays the landing page; a link names an evaluation."""
import pytest
from apptest_support import ROOT, texts
from streamlit.testing.v1 import AppTest

PORTFOLIO = "pages/7_portfolio.py"


@pytest.fixture
def many(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(tmp_path / "many.db"))
    monkeypatch.setenv("EVALBOARD_SAMPLES", "all")


@pytest.fixture
def one(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(tmp_path / "one.db"))
    monkeypatch.setenv("EVALBOARD_SAMPLES", "seed")


def _metrics(at):
    return {m.label: m.value for m in at.metric}


def test_many_evaluations_land_on_the_portfolio(many):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception, [e.value for e in at.exception]
    m = _metrics(at)
    assert m["评价"] == "7 个"
    assert m["涉及资金"] == "18,392.84 万元"  # 14331.38 + 3200.00 (示例数据) + 861.46
    # funds-weighted over the units with both amounts: (2811.47 + 10752.13 + 3104.00) / (14331.38 + 3200.00)
    assert m["资金加权执行率"] == "95.07%"
    assert m["等次（优 / 良 / 中 / 差）"] == "5 / 3 / 0 / 0"
    shown = texts(at)
    assert "反复出现的问题" in shown and "示例数据" in shown
    # 整改 deadlines per responsible unit (issue 25), from the facts: the seed's open items are past 2025-06-30
    due = next(df.value for df in at.dataframe if "责任单位" in df.value.columns)
    assert {"数智科技集团", "市数据局"} <= set(due["责任单位"]) and (due["逾期未完成（项）"] > 0).all()
    html = "".join(str(h.proto.body) for h in at.get("html"))
    for eid in range(1, 8):
        assert f'href="/?eval={eid}"' in html
    assert "丰泽区2019年度财政重点绩效评价结果" in html


def test_filter_by_year_and_search(many):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.multiselect(key="pf_years").set_value([2021]).run()
    assert not at.exception, [e.value for e in at.exception]
    m = _metrics(at)
    assert m["评价"] == "2 个"  # 大英县 2021, 南县 2021
    assert m["资金加权执行率"] == "—"  # neither states a budget
    html = "".join(str(h.proto.body) for h in at.get("html"))
    assert "大英县" in html and "长沙市" not in html
    at.multiselect(key="pf_years").set_value([]).run()
    at.text_input(key="pf_search").set_value("长沙").run()
    assert _metrics(at)["评价"] == "1 个"
    at.text_input(key="pf_search").set_value("没有这样的评价").run()
    assert any("没有符合筛选条件的评价" in w.value for w in at.warning)


def test_theme_drill_down_lists_the_original_titles(many):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.selectbox(key="pf_theme").set_value("绩效目标管理").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    assert "绩效目标编制质量不高" in shown and "绩效目标设置不够量化" in shown


def test_a_link_opens_that_evaluation(many):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["eval"] = "7"  # the seed is loaded last (sample_data.FIRST_RUN), so it is the most recent
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert _metrics(at)["预算总额"] == "14,331.38 万元"  # 总览 of Changsha 2023, not the portfolio
    at2 = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at2.query_params["eval"] = "999"
    at2.run()
    assert any("（编号 999）不存在" in e.value for e in at2.error)  # the message names the link's evaluation
    assert not at2.metric


def test_one_evaluation_keeps_the_overview_and_the_portfolio_says_so(one):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert _metrics(at)["预算总额"] == "14,331.38 万元"
    at.switch_page(PORTFOLIO).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "数据库中只有一个评价" in texts(at)
    assert _metrics(at)["评价"] == "1 个"


def test_unit_trend_on_the_units_page(many):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["eval"] = "2"  # 南县财政局 2020 (first-run order: 丰泽 2019, 南县 2020, ..., the seed last)
    at.run()
    at.switch_page("pages/1_units.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="units_trend_unit").options == ["南县财政局"]
    assert "得分取平均" in texts(at)
    at.query_params["eval"] = "7"  # Changsha: its units appear in no other year
    at.switch_page("pages/1_units.py").run()
    assert "没有出现在其他年度的评价中" in texts(at)


def _data_page(monkeypatch, tmp_path):
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(tmp_path / "data.db"))
    monkeypatch.setenv("EVALBOARD_SAMPLES", "seed")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page("pages/5_data.py").run()
    at.text_input(key="operator").input("李评价").run()
    return at


def test_bulk_import_on_the_data_page(tmp_path, monkeypatch):
    from sample_data import PORTFOLIO, WORKBOOK
    at = _data_page(monkeypatch, tmp_path)
    files = [("changsha.xlsx", WORKBOOK.read_bytes()),
             ("nanxian.xlsx", (PORTFOLIO / "nanxian_czj_2020.xlsx").read_bytes()),
             ("broken.xlsx", b"not a workbook")]
    XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader(key="bulk_files").set_value([(n, d, XLSX) for n, d in files]).run()
    at.button(key="bulk_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已发布 1 个，重复跳过 1 个，未发布 1 个" in w.value for w in at.warning)
    table = next(df.value for df in at.dataframe if "结果" in df.value.columns)
    assert list(table["结果"]) == ["重复，已跳过", "已发布", "未通过，未发布"]


def test_alias_table_on_the_data_page(tmp_path, monkeypatch):
    at = _data_page(monkeypatch, tmp_path)
    at.text_input(key="alias_alias").set_value("长沙市大数据中心")
    at.text_input(key="alias_canonical").set_value("长沙市数据资源中心")
    at.text_input(key="alias_note").set_value("更名")
    at.button(key="FormSubmitter:alias_form-保存别名").click().run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(df.value for df in at.dataframe if "别名" in df.value.columns)
    assert list(table["现用名称"]) == ["长沙市数据资源中心"] and list(table["设置人"]) == ["李评价"]
    at.button(key="alias_retire").click().run()
    history = next(df.value for df in at.dataframe if "状态" in df.value.columns)
    assert list(history["状态"]) == ["已停用"]
