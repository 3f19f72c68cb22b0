"""evalcore.ranking: one row per unit, ranks, grade distribution, top/bottom, filters, one unit's details."""
from __future__ import annotations

from decimal import Decimal

import pytest

from evalcore import ranking, scoring
from evalcore.model import BudgetLine, Evaluation, Meta, Problem, RectificationItem, StatusChange, Unit, UnitResult
from sample_data.synth import synthetic_evaluation


def small() -> Evaluation:
    import datetime as dt
    return Evaluation(
        meta=Meta(title="测试评价", rate_target=Decimal(90)),
        units=(Unit("甲", "甲单位", "主管部门"), Unit("乙", "乙单位", "实施单位"), Unit("丙", "丙单位", "实施单位"),
               Unit("丁", "丁单位", "实施单位")),
        budget_lines=(BudgetLine("甲", Decimal("100"), Decimal("95")), BudgetLine("乙", Decimal("200"), Decimal("100")),
                      BudgetLine("丙", Decimal("50"), Decimal("50")), BudgetLine("丙", Decimal("50"), Decimal("40"))),
        results=(UnitResult("甲", Decimal("91.5")), UnitResult("乙", Decimal("85")), UnitResult("丙", Decimal("85"))),
        problems=(Problem("P1-1", 1, "资金", 1, "乙的问题。", "乙"), Problem("P1-2", 1, "资金", 2, "另一问题。"),
                  Problem("P1-3", 1, "资金", 3, "乙又一问题。", "乙")),
        rectification=(RectificationItem("Z1", "P1-1", "整改乙", "乙", dt.date(2024, 6, 30), "已整改",
                                         history=(StatusChange("Z1", dt.date(2024, 3, 1), "未开始", "整改中"),
                                                  StatusChange("Z1", dt.date(2024, 5, 1), "整改中", "已整改"))),),
    )


def test_unit_ranking_rows_ranks_and_counts():
    df = ranking.unit_ranking(small())
    assert list(df["unit"]) == ["甲", "乙", "丙", "丁"]
    assert list(df["rank"]) == [1, 2, 2, None]  # equal scores share a rank; no score, no rank
    assert list(df["grade"]) == ["优", "良", "良", None]
    assert df.loc[1, "rate"] == Decimal(50) and df.loc[1, "unspent"] == Decimal(100)
    assert df.loc[2, "budget"] == Decimal(100) and df.loc[2, "rate"] == Decimal(90)
    assert list(df["below_target"]) == [False, True, False, False]  # 90% is not below a 90% target
    assert list(df["problems"]) == [0, 2, 0, 0]
    assert list(df["rectification"]) == [0, 1, 0, 0]


def test_grade_distribution_every_band_and_ungraded():
    dist = ranking.grade_distribution(small())
    assert list(dist["grade"]) == ["优", "良", "中", "差", "未评等次"]
    assert list(dist["units"]) == [1, 2, 0, 0, 1]
    assert list(dist["budget"]) == [Decimal(100), Decimal(300), 0, 0, 0]


def test_ranked_and_lowest():
    df = ranking.unit_ranking(small())
    assert list(ranking.ranked(df, "score", 2)["unit"]) == ["甲", "乙"]
    assert list(ranking.ranked(df, "unspent", 1)["unit"]) == ["乙"]
    assert ranking.lowest_scores(df, 2) == ["乙", "丙"]  # ties keep the listed order; 丁 has no score


def test_filters():
    df = ranking.unit_ranking(small())
    assert list(ranking.filter_ranking(df, roles=["实施单位"])["unit"]) == ["乙", "丙", "丁"]
    assert list(ranking.filter_ranking(df, grades=["未评等次"])["unit"]) == ["丁"]
    assert list(ranking.filter_ranking(df, below_target=True)["unit"]) == ["乙"]
    assert list(ranking.filter_ranking(df, query="丙单")["unit"]) == ["丙"]
    assert ranking.filter_ranking(df, roles=["实施单位"], grades=["优"]).empty


def test_averages():
    avg = ranking.averages(ranking.unit_ranking(small()))
    assert avg["score"] == (Decimal("91.5") + 85 + 85) / 3
    assert avg["rate"] == (Decimal(95) + 50 + 90) / 3


def test_threshold():
    ev = small()
    assert not ranking.is_large(ev)
    assert ranking.is_large(synthetic_evaluation(ranking.LIST_LIMIT + 1, indicators=4, problems=6))


def test_one_unit_details():
    ev = small()
    assert list(ranking.unit_problems(ev, "乙")["id"]) == ["P1-1", "P1-3"]
    items, history = ranking.unit_rectification(ev, "乙")
    assert list(items["id"]) == ["Z1"]
    assert list(history["new_status"]) == ["整改中", "已整改"]
    lines = ranking.unit_budget_lines(ev, "丙")
    assert list(lines["rate"]) == [Decimal(100), Decimal(80)]
    assert ranking.unit_problems(ev, "甲").empty


@pytest.fixture(scope="module")
def synth():
    return synthetic_evaluation(30, indicators=12, problems=12)


def test_unit_indicators_equal_the_whole_table(synth):
    whole = scoring.indicator_table(synth)
    one = ranking.unit_indicators(synth, "单位0007")
    expected = whole[whole["unit"] == "单位0007"].reset_index(drop=True)
    assert one.equals(expected)


def test_dimension_average_and_selection(synth):
    dims = scoring.dimension_table(synth)
    avg = ranking.dimension_average(synth)
    first = dims[dims["id"] == avg.loc[0, "id"]]
    assert avg.loc[0, "score"] == sum(first["score"], Decimal(0)) / len(first)
    picked = ranking.selected_dimensions(synth, ("单位0009", "单位0002"))
    assert list(dict.fromkeys(picked["unit"])) == ["单位0009", "单位0002"]
    both = ranking.with_average(picked, avg)
    assert list(dict.fromkeys(both["unit"]))[-1] == ranking.AVERAGE_LABEL
    assert len(both) == len(picked) + len(avg)


def test_a_units_problems_include_those_its_rectification_answers():
    """Issue 28, item 8: the unit page said 涉及的问题（0 项） above four 整改 items answering its problems."""
    import dataclasses

    ev = small()
    item = dataclasses.replace(ev.rectification[0], id="Z2", problem="P1-2", unit="丙")
    ev = dataclasses.replace(ev, rectification=(*ev.rectification, item))
    problems = ranking.unit_problems(ev, "丙")
    assert list(problems["id"]) == ["P1-2"] and list(problems["via"]) == ["Z2"]
    assert list(ranking.unit_problems(ev, "乙")["via"]) == ["", ""]  # named by the report itself
