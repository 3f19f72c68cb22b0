"""sample_data.synth: synthetic evaluations of any size pass the validator unchanged (no timing here)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from evalcore import scoring
from evalcore.numbers import round2
from evalcore.workbook import read_workbook, workbook_bytes
from sample_data.synth import split_points, synthetic_evaluation, synthetic_indicators, synthetic_workbook


@pytest.mark.parametrize("leaves", [1, 2, 4, 7, 30, 31])
def test_indicator_points_sum_at_every_level(leaves: int) -> None:
    tree = synthetic_indicators(leaves)
    assert len(scoring.leaves(tree)) == leaves
    assert scoring.check_points(tree) == []


def test_split_points_is_exact() -> None:
    parts = split_points(Decimal("25"), [1, 1, 1])
    assert parts == [Decimal("8.34"), Decimal("8.33"), Decimal("8.33")]
    assert sum(parts) == Decimal("25")


def test_small_synthetic_evaluation_round_trips_without_errors() -> None:
    ev = synthetic_evaluation(units=5, projects_per_unit=2, indicators=12, experts=3, problems=13, seed=7)
    result = read_workbook(workbook_bytes(ev))
    assert result.errors == [], [str(m) for m in result.errors[:5]]
    assert result.warnings == [], [str(m) for m in result.warnings[:5]]
    back = result.evaluation
    assert back is not None
    assert len(back.units) == 5
    assert len(back.budget_lines) == 10
    assert len(back.scores) == 5 * (12 - 2) * 3  # two rule-scored leaves take no expert scores
    assert len(back.problems) == 13 and len(back.recommendations) == 18 and len(back.rectification) == 13
    # the stated totals agree with the breakdown, so the published total and the computed one coincide
    for key, us in scoring.all_unit_scores(back).items():
        assert us.computed_total is not None, key
        assert round2(us.computed_total) == us.stated_total, key


def test_same_seed_same_workbook_contents() -> None:
    a = synthetic_evaluation(units=3, indicators=5, experts=2, problems=4, seed=1)
    b = synthetic_evaluation(units=3, indicators=5, experts=2, problems=4, seed=1)
    assert a == b
    assert synthetic_evaluation(units=3, indicators=5, experts=2, problems=4, seed=2) != a


def test_synthetic_workbook_is_readable() -> None:
    result = read_workbook(synthetic_workbook(units=2, projects_per_unit=1, indicators=4, experts=1, problems=2))
    assert result.ok, [str(m) for m in result.errors[:5]]
