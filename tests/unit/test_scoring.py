"""evalcore.scoring: grades, bands, expert combination, rule scores, the indicator tree and the seed totals."""
from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest

from evalcore.model import DEFAULT_BANDS, BudgetLine, Evaluation, GradeBand, Indicator, Meta, Score, Unit, UnitResult
from evalcore.scoring import (
    all_unit_scores,
    check_points,
    combine_experts,
    dimension_table,
    format_bands,
    grade_for,
    indicator_table,
    leaves,
    parse_banded,
    parse_bands,
    results_table,
    rule_score,
    score_unit,
    scored_units,
)

D = Decimal
CJK = re.compile(r"[\u4e00-\u9fff]")


# --- grades -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("score", "grade"), [
    ("100", "优"), ("90", "优"), ("90.00", "优"), ("89.99", "良"), ("86.98", "良"), ("86.38", "良"), ("80", "良"),
    ("79.99", "中"), ("60", "中"), ("59.99", "差"), ("0", "差"),
])
def test_grade_for_default_bands(score: str, grade: str) -> None:
    assert grade_for(D(score)) == grade
    assert grade_for(D(score), DEFAULT_BANDS) == grade


def test_grade_for_none() -> None:
    assert grade_for(None) is None


def test_default_bands_are_cai_yu_2020_10() -> None:
    assert [(b.grade, b.lower) for b in DEFAULT_BANDS] == [("优", 90), ("良", 80), ("中", 60), ("差", 0)]


@pytest.mark.parametrize(("score", "grade"), [
    ("100", "A"), ("85", "A"), ("84.99", "B"), ("70", "B"), ("69.99", "C"), ("0", "C"),
])
def test_grade_for_custom_bands(score: str, grade: str) -> None:
    bands = parse_bands("A:85;B:70;C:0")
    assert grade_for(D(score), bands) == grade


def test_grade_for_below_every_band_gives_the_lowest_band() -> None:
    # Bands given in any order (a Meta built in code, not through parse_bands): the fallback must still be the
    # lowest band, not whichever band happens to be listed last.
    bands = (GradeBand("中", D(60)), GradeBand("优", D(90)))
    assert grade_for(D(95), bands) == "优"
    assert grade_for(D(70), bands) == "中"
    assert grade_for(D(50), bands) == "中"


def test_grade_for_unsorted_bands_within_range() -> None:
    bands = (GradeBand("差", D(0)), GradeBand("中", D(60)), GradeBand("优", D(90)), GradeBand("良", D(80)))
    assert grade_for(D("89.99"), bands) == "良"
    assert grade_for(D(90), bands) == "优"
    assert grade_for(D(0), bands) == "差"


# --- parse_bands ------------------------------------------------------------------------------------------

def test_parse_bands() -> None:
    bands = parse_bands("A:85;B:70;C:0")
    assert bands == (GradeBand("A", D(85)), GradeBand("B", D(70)), GradeBand("C", D(0)))


def test_parse_bands_default_text_gives_default_bands() -> None:
    assert parse_bands("优:90;良:80;中:60;差:0") == DEFAULT_BANDS
    assert parse_bands(format_bands(DEFAULT_BANDS)) == DEFAULT_BANDS


def test_parse_bands_sorts_and_accepts_chinese_punctuation() -> None:
    assert parse_bands("差：0；优：90；中:60，良>=80") == DEFAULT_BANDS
    assert parse_bands(" 优≥90 ; 良≥80 ; 中≥60 ; 差≥0 ") == DEFAULT_BANDS


@pytest.mark.parametrize("text", ["", "   ", ";;", "优90", "优:abc", ":90", "优:"])
def test_parse_bands_errors(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_bands(text)
    assert CJK.search(str(info.value)), str(info.value)


def test_parse_bands_error_names_the_bad_part() -> None:
    with pytest.raises(ValueError, match="优90"):
        parse_bands("优90;良:80")


# --- combine_experts --------------------------------------------------------------------------------------

def test_combine_experts_mean() -> None:
    assert combine_experts([D("1.80"), D("1.90"), D("2.00")]) == D("1.9")
    assert combine_experts([D(1), D(2), D(3), D(4)]) == D("2.5")
    assert combine_experts([D(7)]) == D(7)
    assert combine_experts([D(1), D(100), D(4)], "mean") == D(35)


def test_combine_experts_trimmed_mean() -> None:
    assert combine_experts([D(1), D(100), D(4)], "trimmed_mean") == D(4)  # one highest, one lowest dropped
    assert combine_experts([D(1), D(2), D(3), D(10)], "trimmed_mean") == D("2.5")
    assert combine_experts([D(5), D(5), D(5), D(1)], "trimmed_mean") == D(5)  # only one of the equal highest
    assert combine_experts([D(9), D(1), D(8), D(2), D(5)], "trimmed_mean") == D(5)  # order does not matter


def test_combine_experts_trimmed_mean_needs_three() -> None:
    assert combine_experts([D(1), D(3)], "trimmed_mean") == D(2)
    assert combine_experts([D(6)], "trimmed_mean") == D(6)


@pytest.mark.parametrize("method", ["mean", "trimmed_mean"])
def test_combine_experts_empty(method: str) -> None:
    assert combine_experts([], method) is None


def test_combine_experts_does_not_mutate_input() -> None:
    values = [D(3), D(1), D(2)]
    combine_experts(values, "trimmed_mean")
    assert values == [D(3), D(1), D(2)]


# --- rule scores ------------------------------------------------------------------------------------------

RATE_IND = Indicator("B11", "预算执行率", D(5), 3, "B1", "rate_proportional")
BANDED_IND = Indicator("X1", "执行率分档", D(10), 3, "X", "banded", "95:100;90:80;0:0")


def test_rule_score_rate_proportional() -> None:
    assert rule_score(RATE_IND, D("82.69")) == (D("4.13"), "")  # 4.1345 -> 4.13
    assert rule_score(RATE_IND, D("2811.47") / D("3400.06") * 100) == (D("4.13"), "")
    assert rule_score(RATE_IND, D("10752.13") / D("10931.32") * 100) == (D("4.92"), "")  # 4.918
    assert rule_score(RATE_IND, D("82.5")) == (D("4.13"), "")  # 4.125: half-up, not banker's 4.12
    assert rule_score(RATE_IND, D(0)) == (D("0.00"), "")


@pytest.mark.parametrize("rate", ["100", "100.01", "120", "1000"])
def test_rule_score_rate_above_100_is_capped(rate: str) -> None:
    assert rule_score(RATE_IND, D(rate)) == (D("5.00"), "")


@pytest.mark.parametrize("ind", [RATE_IND, BANDED_IND])
def test_rule_score_without_rate(ind: Indicator) -> None:
    value, reason = rule_score(ind, None)
    assert value is None
    assert reason and CJK.search(reason)
    assert "执行率" in reason


@pytest.mark.parametrize(("rate", "expected"), [
    ("100", "10.00"), ("96", "10.00"), ("95", "10.00"), ("94.99", "8.00"), ("90", "8.00"), ("89.99", "0.00"),
    ("0", "0.00"),
])
def test_rule_score_banded(rate: str, expected: str) -> None:
    assert rule_score(BANDED_IND, D(rate)) == (D(expected), "")


def test_rule_score_banded_below_every_threshold_is_zero() -> None:
    ind = dataclasses.replace(BANDED_IND, params="95:100;90:80")
    assert rule_score(ind, D(50)) == (D(0), "")


def test_rule_score_banded_rounds_half_up() -> None:
    ind = dataclasses.replace(BANDED_IND, points=D(3), params="90:37.5;0:0")  # 3 x 37.5% = 1.125
    assert rule_score(ind, D(95)) == (D("1.13"), "")


def test_rule_score_rejects_manual_indicators() -> None:
    with pytest.raises(ValueError):
        rule_score(Indicator("A11", "立项依据充分性", D(2), 3, "A1"), D(90))


def test_parse_banded() -> None:
    expected = [(D(95), D(100)), (D(90), D(80)), (D(0), D(0))]
    assert parse_banded("95:100;90:80;0:0") == expected
    assert parse_banded("0:0;95:100;90:80") == expected  # highest threshold first
    assert parse_banded("≥95%:100%；≥90%：80%， 0:0") == expected


@pytest.mark.parametrize("params", ["", "abc", "95-100", "95:", ":100", "95:abc"])
def test_parse_banded_errors(params: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_banded(params)
    assert CJK.search(str(info.value))


# --- the indicator tree -----------------------------------------------------------------------------------

def test_check_points_on_the_seed_tree(ev: Evaluation) -> None:
    assert check_points(ev.indicators) == []
    assert check_points(()) == []


def _replace_indicator(ev: Evaluation, ind_id: str, **changes: object) -> tuple[Indicator, ...]:
    return tuple(dataclasses.replace(i, **changes) if i.id == ind_id else i for i in ev.indicators)


def test_check_points_children_not_summing_to_parent(ev: Evaluation) -> None:
    problems = check_points(_replace_indicator(ev, "A11", points=D(3)))
    assert len(problems) == 1
    p = problems[0]
    assert p.indicator == "A1"
    assert p.expected == D(5)
    assert p.found == D(6)
    assert "A1" in p.message and "项目立项" in p.message
    assert "6" in p.message and "5" in p.message


def test_check_points_top_level_not_100(ev: Evaluation) -> None:
    problems = check_points(_replace_indicator(ev, "A", points=D(20)))
    by_ind = {p.indicator: p for p in problems}
    assert set(by_ind) == {None, "A"}
    assert by_ind[None].found == D(105)
    assert by_ind[None].expected == D(100)
    assert "100" in by_ind[None].message and "105" in by_ind[None].message
    assert by_ind["A"].expected == D(20)
    assert by_ind["A"].found == D(15)
    assert "决策" in by_ind["A"].message


def test_check_points_decimal_points() -> None:
    inds = (Indicator("A", "a", D("100"), 1), Indicator("A1", "a1", D("33.33"), 2, "A"),
            Indicator("A2", "a2", D("66.67"), 2, "A"))
    assert check_points(inds) == []


def test_leaves_of_the_seed_tree(ev: Evaluation) -> None:
    ids = [i.id for i in leaves(ev.indicators)]
    assert len(ids) == 20
    assert "B11" in ids
    assert not {"A", "B", "C", "D", "A1", "B1", "D2"} & set(ids)
    assert sum(i.points for i in leaves(ev.indicators)) == D(100)


# --- the seed: totals, grades, breakdown ------------------------------------------------------------------

SEED_TOTALS = {"市数据局": D("86.98"), "市数据中心": D("86.38")}


def test_seed_scored_units(ev: Evaluation) -> None:
    assert scored_units(ev) == ["市数据局", "市数据中心"]  # 数智科技集团 has findings but no score


@pytest.mark.parametrize(("unit", "total"), SEED_TOTALS.items())
def test_seed_computed_totals(ev: Evaluation, unit: str, total: Decimal) -> None:
    us = all_unit_scores(ev)[unit]
    assert us.computed_total == total  # exactly, not only after rounding
    assert us.stated_total == total
    assert us.total == total
    assert us.stated_grade == "良"
    assert grade_for(us.total, ev.meta.grade_bands) == "良"
    assert not us.breakdown_disagrees


def test_seed_rate_indicator_scored_by_rule(ev: Evaluation) -> None:
    scores = all_unit_scores(ev)
    assert scores["市数据局"].node_scores["B11"] == D("4.13")
    assert scores["市数据中心"].node_scores["B11"] == D("4.92")


def test_seed_tree_rolls_up(ev: Evaluation) -> None:
    for us in all_unit_scores(ev).values():
        node = us.node_scores
        assert node["A1"] == node["A11"] + node["A12"]
        assert node["B1"] == node["B11"] + node["B12"] + node["B13"]
        assert node["A"] == node["A1"] + node["A2"] + node["A3"]
        assert node["A"] + node["B"] + node["C"] + node["D"] == us.computed_total


def test_seed_expert_mean(ev: Evaluation) -> None:
    node = all_unit_scores(ev)["市数据局"].node_scores
    assert node["A11"] == D("1.9")  # (1.80 + 1.90 + 2.00) / 3
    assert node["C31"] == D("5.5")  # (5.70 + 5.30 + 5.50) / 3


def test_seed_score_notes(ev: Evaluation) -> None:
    notes = all_unit_scores(ev)["市数据局"].notes
    assert "个别项目上年结转资金未及时使用" in notes["B13"]
    assert notes["B13"].startswith("专家A：")


def test_seed_results_table(ev: Evaluation) -> None:
    df = results_table(ev)
    assert list(df["unit"]) == ["市数据局", "市数据中心"]
    assert list(df["score"]) == [D("86.98"), D("86.38")]
    assert list(df["computed"]) == [D("86.98"), D("86.38")]
    assert list(df["grade"]) == ["良", "良"]
    assert list(df["stated_grade"]) == ["良", "良"]
    assert list(df["breakdown_agrees"]) == [True, True]


def _with_score(ev: Evaluation, unit: str, indicator: str, expert: str, value: Decimal) -> Evaluation:
    changed = 0
    scores = []
    for s in ev.scores:
        if (s.unit, s.indicator, s.expert) == (unit, indicator, expert):
            s = dataclasses.replace(s, score=value)
            changed += 1
        scores.append(s)
    assert changed == 1
    return dataclasses.replace(ev, scores=tuple(scores))


def test_altered_expert_score_makes_breakdown_disagree(ev: Evaluation) -> None:
    altered = _with_score(ev, "市数据局", "A11", "专家A", D("1.50"))  # mean 1.90 -> 1.80
    us = all_unit_scores(altered)["市数据局"]
    assert us.computed_total == D("86.88")
    assert us.breakdown_disagrees
    assert us.total == D("86.98")  # the published total stays authoritative
    assert grade_for(us.total, altered.meta.grade_bands) == "良"
    df = results_table(altered).set_index("unit")
    assert df.loc["市数据局", "score"] == D("86.98")
    assert df.loc["市数据局", "computed"] == D("86.88")
    assert not df.loc["市数据局", "breakdown_agrees"]
    assert df.loc["市数据中心", "breakdown_agrees"]


def test_breakdown_agrees_after_rounding() -> None:
    inds = (Indicator("A", "a", D(100), 1),)
    ev = Evaluation(Meta("t"), units=(Unit("u"),), indicators=inds,
                    scores=(Score("u", "A", "e1", D("86.975")),), results=(UnitResult("u", D("86.98"), "良"),))
    us = score_unit(ev, "u")
    assert us.computed_total == D("86.975")
    assert not us.breakdown_disagrees  # 86.975 rounds half-up to the published 86.98


def test_unit_without_published_total_uses_computed() -> None:
    inds = (Indicator("A", "a", D(100), 1),)
    ev = Evaluation(Meta("t"), units=(Unit("u"),), indicators=inds, scores=(Score("u", "A", "e1", D("75.5")),))
    us = all_unit_scores(ev)["u"]
    assert us.stated_total is None
    assert us.total == D("75.5")
    assert not us.breakdown_disagrees
    assert grade_for(us.total) == "中"


def _small_eval(method: str, executed: Decimal | None = Decimal("80")) -> Evaluation:
    inds = (Indicator("X", "综合", D(100), 1),
            Indicator("X1", "管理", D(60), 2, "X"),
            Indicator("X2", "预算执行率", D(40), 2, "X", "rate_proportional"))
    scores = tuple(Score("U", "X1", f"专家{i}", D(v)) for i, v in enumerate(["30", "50", "58"], start=1))
    lines = (BudgetLine("U", D(100), executed),)
    return Evaluation(Meta("t", expert_method=method), units=(Unit("U"),), budget_lines=lines, indicators=inds,
                      scores=scores)


def test_expert_method_changes_the_total() -> None:
    mean = all_unit_scores(_small_eval("mean"))["U"]
    assert mean.node_scores["X1"] == D(46)
    assert mean.node_scores["X2"] == D("32.00")
    assert mean.computed_total == D(78)
    assert grade_for(mean.total) == "中"
    trimmed = all_unit_scores(_small_eval("trimmed_mean"))["U"]
    assert trimmed.node_scores["X1"] == D(50)
    assert trimmed.computed_total == D(82)
    assert grade_for(trimmed.total) == "良"


def test_rule_leaf_without_rate_leaves_total_unscored() -> None:
    us = all_unit_scores(_small_eval("mean", executed=None))["U"]
    assert "X2" not in us.node_scores
    assert us.computed_total is None
    assert "执行率" in us.notes["X2"]
    assert us.total is None


def test_missing_expert_score_leaves_total_unscored(ev: Evaluation) -> None:
    scores = tuple(s for s in ev.scores if not (s.unit == "市数据中心" and s.indicator == "D21"))
    us = all_unit_scores(dataclasses.replace(ev, scores=scores))["市数据中心"]
    assert us.computed_total is None
    assert "D21" not in us.node_scores and "D2" not in us.node_scores and "D" not in us.node_scores
    assert us.total == D("86.38")
    assert not us.breakdown_disagrees


# --- tables -----------------------------------------------------------------------------------------------

def test_indicator_table_deductions(ev: Evaluation) -> None:
    df = indicator_table(ev)
    assert len(df) == len(ev.indicators) * 2
    leaves_df = df[df["is_leaf"]]
    assert len(leaves_df) == 20 * 2
    for _, row in leaves_df.iterrows():
        assert row["deduction"] == row["points"] - row["score"]
        assert D(0) <= row["score"] <= row["points"]
    for unit, total in SEED_TOTALS.items():
        sub = leaves_df[leaves_df["unit"] == unit]
        assert sum(sub["deduction"], D(0)) == D(100) - total
    b11 = df[(df["unit"] == "市数据局") & (df["id"] == "B11")].iloc[0]
    assert b11["deduction"] == D("0.87")
    assert b11["method"] == "预算执行率按比例"
    assert b11["dimension"] == "过程"
    a11 = df[(df["unit"] == "市数据局") & (df["id"] == "A11")].iloc[0]
    assert a11["level"] == 3
    assert a11["parent"] == "A1"
    assert a11["dimension"] == "决策"
    assert a11["method"] == "评价人员打分"


def test_dimension_table(ev: Evaluation) -> None:
    df = dimension_table(ev)
    assert len(df) == 4 * 2
    for unit, total in SEED_TOTALS.items():
        sub = df[df["unit"] == unit]
        assert list(sub["name"]) == ["决策", "过程", "产出", "效益"]
        assert list(sub["points"]) == [D(15), D(25), D(30), D(30)]
        assert sum(sub["score"], D(0)) == total
        for _, row in sub.iterrows():
            assert row["share"] == row["score"] / row["points"] * 100
            assert D(0) < row["share"] <= D(100)


def test_tables_of_an_evaluation_without_scores() -> None:
    ev = Evaluation(Meta("t"), units=(Unit("u"),))
    assert all_unit_scores(ev) == {}
    assert results_table(ev).empty
    assert indicator_table(ev).empty
    assert dimension_table(ev).empty


def test_rule_leaf_of_a_unit_without_a_budget_amount_says_why() -> None:
    ev = dataclasses.replace(_small_eval("mean"), budget_lines=(BudgetLine("U", None, D(80), stated_rate=D(80)),))
    us = all_unit_scores(ev)["U"]
    assert "X2" not in us.node_scores and us.computed_total is None
    assert us.notes["X2"] == "无预算执行率，无法按规则计分（缺少预算金额，无法计算执行率）"
    assert us.node_scores["X1"] == D(46)  # the evaluators' leaves are still scored


def test_score_unit_alone_equals_all_unit_scores(ev: Evaluation) -> None:
    from evalcore.budget import unit_rates

    rates = unit_rates(ev)
    for key, us in all_unit_scores(ev).items():
        assert score_unit(ev, key, rates[key].rate, rate_reason=rates[key].reason) == us
        assert score_unit(ev, key, rates[key].rate).node_scores == us.node_scores
