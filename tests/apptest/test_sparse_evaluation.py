"""Every page with an evaluation that publishes little: one unit, a zero budget, no scores, no 整改, no links."""
from decimal import Decimal

import pytest
from apptest_support import PAGES, ROOT, texts
from streamlit.testing.v1 import AppTest

from evalcore.auth import Actor
from evalcore.model import BudgetLine, Evaluation, Meta, Problem, Recommendation, Unit
from evalcore.store import Store
from evalcore.workbook import workbook_bytes


def sparse() -> Evaluation:
    return Evaluation(
        meta=Meta(title="2024年度某县农业补贴项目绩效评价结果", year=2024, evaluator="某县财政局"),
        units=(Unit("县农业局", "某县农业农村局"), Unit("乡镇站", "某乡农技站")),
        budget_lines=(BudgetLine("县农业局", Decimal("120.50"), Decimal("96.40")),
                      BudgetLine("乡镇站", Decimal("0"), Decimal("0"))),
        problems=(Problem("P1-1", 1, "资金拨付不及时", 1, "补贴资金拨付滞后。"),),
        recommendations=(Recommendation("R1-1", 1, "加快资金拨付", 1, "按月拨付补贴资金。"),),
    )


@pytest.fixture
def app(tmp_path, monkeypatch):
    db = tmp_path / "evalboard.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(db))
    version = Store(f"sqlite:///{db}").publish(workbook_bytes(sparse()), file_name="sparse.xlsx",
                                                 by=Actor("测试", "evaluator"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.sidebar.selectbox(key="_evaluation_picker").set_value(version.evaluation_id).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_overview_of_a_sparse_evaluation(app):
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["预算总额"] == "120.50 万元"
    assert metrics["总体预算执行率"] == "80.00%"
    assert "2024年度某县农业补贴项目绩效评价结果" in texts(app)
    assert "乡镇站：预算为 0，无法计算执行率" in texts(app)


@pytest.mark.parametrize("path", [p for p in PAGES.values() if p and p != "pages/6_admin.py"])  # 管理: every evaluation
def test_other_pages_of_a_sparse_evaluation(app, path):
    app.switch_page(path).run()
    assert not app.exception, [e.value for e in app.exception]
    assert "2024年度某县农业补贴项目绩效评价结果" in texts(app)
    assert "示例数据" not in texts(app)  # nothing is flagged illustrative here, so nothing is labelled so


def test_rectification_page_says_there_is_nothing_yet(app):
    app.switch_page(PAGES["建议与整改"]).run()
    assert any("还没有整改事项" in i.value for i in app.info)


def test_the_sidebar_says_who_evaluated_and_when_only_as_stated(tmp_path, monkeypatch):
    """A report that states neither evaluator nor year: the sidebar writes nothing for them, not a bare "年度"."""
    db = tmp_path / "evalboard.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(db))
    ev = sparse()
    bare = Evaluation(meta=Meta(title="某县农业补贴项目绩效自评表"), units=ev.units, budget_lines=ev.budget_lines)
    version = Store(f"sqlite:///{db}").publish(workbook_bytes(bare), file_name="bare.xlsx",
                                                 by=Actor("测试", "evaluator"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["eval"] = str(version.evaluation_id)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    captions = [c.value for c in at.sidebar.caption]
    assert not any(c.strip().endswith("年度") and not any(ch.isdigit() for ch in c) for c in captions), captions
    assert any("当前第 1 版" in c for c in captions)


def test_the_sidebar_names_the_evaluator_and_the_year_when_stated(app):
    assert "某县财政局　2024 年度" in [c.value for c in app.sidebar.caption]
