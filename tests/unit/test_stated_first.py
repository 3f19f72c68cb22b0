"""A stated figure wins over "—", and a missing one is None, never NaN (issue 28, item 1)."""
from evalcore import scoring
from evalcore.workbook import read_workbook
from sample_data import PORTFOLIO


def test_stated_grade_without_score_is_the_grade():
    ev = read_workbook(PORTFOLIO / "fengze_2019.xlsx").evaluation
    rows = {r["unit"]: r for r in scoring.results_table(ev).to_dict("records")}
    assert rows["区卫健局"]["score"] is None and rows["区卫健局"]["grade"] == "优"
    assert rows["区卫健局"]["grade_derived"] is False
    assert rows["禁毒工作专项"]["grade"] == "优" and rows["禁毒工作专项"]["grade_derived"] is True
    assert rows["禁毒工作专项"]["stated_grade"] is None  # not NaN: a page would read "nan"
