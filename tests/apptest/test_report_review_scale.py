"""数据管理 › 从报告文本导入 at 300 units in AppTest: the review stays usable. The doubts are counted, not listed line
by line above the table (each is marked ⚠ in its row; every one is in a scrolling list under an expander), each
unit's figures are one row of one table, and the figures list keeps its sentence column last."""
from dataclasses import replace

import pytest
from apptest_support import pasted_report
from streamlit.testing.v1 import AppTest

from components.manage.report_text import units_table
from components.review import DOUBTS_LISTED
from evalcore.model import BudgetLine, UnitResult
from evalcore.reporttext import parse_report
from evalcore.reporttext.review import doubts
from tests.report_table import results_table

UNITS, DOUBTFUL = 300, 12  # 12 rows whose stated rate is 0.01 off: 36 figures marked ⚠


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "evalboard.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(path))
    return path


def pasted(text: str) -> AppTest:
    return pasted_report(text, timeout=120)


def test_many_doubts_are_counted_above_the_table_and_listed_in_full_below(db):
    text = results_table(UNITS, DOUBTFUL)
    reasons = doubts(parse_report(text))
    assert len(reasons) == 3 * DOUBTFUL > DOUBTS_LISTED
    at = pasted(text)
    (warning,) = [w.value for w in at.warning if "需要人工核对" in w.value]
    assert warning.startswith(f"有 {len(reasons)} 处需要人工核对")
    assert f"{3 * DOUBTFUL} 个数值（{DOUBTFUL} 个单位）标 ⚠" in warning
    assert len(warning.splitlines()) <= DOUBTS_LISTED + 3  # a few lines, never one per figure
    (listed,) = [e for e in at.expander if e.label == f"逐条查看需要核对的 {len(reasons)} 处"]
    shown = "\n".join(t.value for t in listed.text)
    assert all(r in shown for r in reasons)


def test_each_unit_is_one_row_of_one_table(db):
    at = pasted(results_table(UNITS))
    frames = [df.value for df in at.dataframe]
    (units,) = [f for f in frames if "报告得分" in f.columns]
    assert len(units) == UNITS and list(units.columns) == ["单位", "预算金额（万元）", "实际执行金额（万元）",
                                                             "报告执行率（%）", "报告得分", "报告等次"]
    assert not [f for f in frames if "报告执行率（%）" in f.columns and "报告得分" not in f.columns]
    first = units.iloc[0].to_dict()
    assert first == {"单位": "芙蓉区教育局", "预算金额（万元）": "1000.00", "实际执行金额（万元）": "800.00",
                     "报告执行率（%）": "80.00", "报告得分": "62.25", "报告等次": "中"}
    (figures,) = [f for f in frames if "出处" in f.columns]
    assert list(figures.columns)[-1] == "出处" and len(figures) == 5 * UNITS  # the long sentence last


def test_a_few_doubts_are_each_listed(db):
    at = pasted(results_table(3, 2))
    (warning,) = [w.value for w in at.warning if "需要人工核对" in w.value]
    assert warning.startswith("有 6 处需要人工核对") and len(warning.splitlines()) == 7
    assert not [e for e in at.expander if e.label.startswith("逐条查看需要核对")]


def test_a_unit_with_a_result_and_no_budget_line_and_one_with_two_lines():
    text = ("2023年度某县项目绩效评价报告\n一、评价结果\n单位名称 预算数（万元） 执行数（万元） 执行率 得分 等级\n"
            "甲县教育局 100.00 80.00 80.00% 88.00 良\n")
    ev = parse_report(text).evaluation
    ev = replace(ev, budget_lines=(*ev.budget_lines, BudgetLine("甲县教育局", None, None, project="二期")),
                 results=(*ev.results, UnitResult("甲县水利局", None, "优")))
    table = units_table(ev)
    assert list(table["单位"]) == ["甲县教育局", "甲县教育局", "甲县水利局"]
    assert list(table["报告得分"]) == ["88.00", "", ""]  # the score once, on the unit's first line
    assert list(table["报告等次"]) == ["良", "", "优"]
    assert list(table["预算金额（万元）"]) == ["100.00", "", ""]
