"""Every chart's text alternative says what it shows and its key figure (issue 28, item 10)."""
from evalcore import budget
from evalcore.figures import charts
from evalcore.figures.describe import alt_text
from evalcore.workbook import read_workbook
from sample_data import WORKBOOK


def test_alt_text_names_the_series_and_the_largest_figure():
    ev = read_workbook(WORKBOOK).evaluation
    table = budget.budget_table(ev)
    assert alt_text(charts.execution_rates(table, ev.meta.rate_target)) == \
        "柱状图：预算执行率；2 项，最大为 市数据中心 98.36%"
    text = alt_text(charts.budget_vs_executed(table))
    assert text.startswith("柱状图：") and "预算" in text and "市数据中心" in text and "10,931.32" in text


def test_an_empty_chart_says_so():
    assert alt_text(charts.budget_vs_executed(budget.budget_table(read_workbook(WORKBOOK).evaluation).iloc[0:0])) \
        == "图表：没有预算数据"
