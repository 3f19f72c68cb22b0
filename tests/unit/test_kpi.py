"""KPI cards that say where a figure stands (issue 28): distance to the target, a stated red/amber/green rule and
同比 against the same evaluation last year."""
from dataclasses import dataclass
from decimal import Decimal as D

from evalcore import kpi


@dataclass
class Info:
    id: int
    region: str
    year: int | None
    title: str


def test_rate_mark_and_rule():
    assert kpi.rate_mark(D("94.64"), D(90)).colour == "green"
    assert kpi.rate_mark(D("82.69"), D(90)).colour == "orange"
    assert kpi.rate_mark(D("79.99"), D(90)).colour == "red"
    assert kpi.rate_mark(None, D(90)) is None and kpi.rate_mark(D(90), None) is None
    assert "绿：达到目标 90.00%" in kpi.rate_mark(D(95), D(90)).rule


def test_deltas():
    assert kpi.target_delta(D("94.64"), D(90)) == "+4.64 个百分点"
    assert kpi.target_delta(D("82.69"), D(90)) == "-7.31 个百分点"
    assert kpi.change(D(110), D(100)) == "+10.00%" and kpi.change(D(90), D(100)) == "-10.00%"
    assert kpi.change(D(1), D(0)) is None and kpi.change(None, D(1)) is None


def test_previous_year_is_the_same_evaluation_a_year_earlier():
    infos = [Info(1, "长沙市", 2022, "2022年度长沙市信息化建设和运维项目绩效评价结果"),
             Info(2, "长沙市", 2022, "2022年度长沙市其他项目绩效评价结果"),
             Info(3, "株洲市", 2022, "2022年度长沙市信息化建设和运维项目绩效评价结果")]
    found = kpi.previous_year(infos, "长沙市", 2023, "2023年度长沙市信息化建设和运维项目绩效评价结果")
    assert found.id == 1
    assert kpi.previous_year(infos, "长沙市", 2025, "2025年度长沙市信息化建设和运维项目绩效评价结果") is None


def test_previous_unit_row_only_where_unambiguous():
    rows = [{"evaluation_id": 1, "year": 2022, "title": "长沙市2022年度信息化项目绩效评价", "budget": D(100)},
            {"evaluation_id": 2, "year": 2023, "title": "长沙市2023年度信息化项目绩效评价", "budget": D(120)}]
    assert kpi.previous_unit_row(rows, 2, 2023, "长沙市2023年度信息化项目绩效评价")["budget"] == D(100)
    assert kpi.previous_unit_row(rows, 2, 2024, "x") is None  # no 2023 row in another evaluation
    assert kpi.previous_unit_row(rows, 2, None, "x") is None
    two = [*rows, {"evaluation_id": 3, "year": 2022, "title": "另一个评价", "budget": D(90)}]
    assert kpi.previous_unit_row(two, 2, 2023, "长沙市2023年度信息化项目绩效评价")["evaluation_id"] == 1  # same title
    three = [*two, {"evaluation_id": 4, "year": 2022, "title": "第三个评价", "budget": D(80)}]
    assert kpi.previous_unit_row(three, 2, 2023, "没有同名的评价") is None  # three candidates, none by title


def test_score_change():
    assert kpi.score_change(D("86.98"), D("85.48")) == "+1.50 分"
    assert kpi.score_change(D("80"), D("86.385")) == "-6.39 分"
    assert kpi.score_change(None, D(1)) is None
