"""Guards against quadratic work on big evaluations, without timing anything.

Each test counts how often the rows of an evaluation are visited (a tuple that counts what its iterator hands
out) or how often a helper runs, on an evaluation of many units, and asserts a bound that grows with the number
of rows, not with rows x units. The code before the fix visited every score row once or twice per unit (a
1,000-unit import spent 4 of its 6 seconds there), so these bounds fail on it by a factor of the number of units.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from evalcore import budget, findings, scoring
from evalcore.model import Evaluation
from evalcore.summary import summarize
from evalcore.workbook import validate as workbook  # the module that reads and validates: its _norm is patched
from sample_data.synth import synthetic_evaluation, synthetic_workbook

UNITS = 40  # enough for a per-unit rescan to be 40x over the bounds below


class Visits(tuple):
    """A tuple that counts the items its iterator hands out (``for``, comprehensions, ``any``, ``sum``, ...)."""

    def __new__(cls, items):  # noqa: D102
        self = super().__new__(cls, items)
        self.visited = 0
        return self

    def __iter__(self):
        for item in tuple.__iter__(self):
            self.visited += 1
            yield item


@pytest.fixture(scope="module")
def big() -> Evaluation:
    return synthetic_evaluation(units=UNITS, projects_per_unit=3, indicators=8, experts=3, problems=30, seed=3)


def _counted(ev: Evaluation, **fields: str) -> tuple[Evaluation, dict[str, Visits]]:
    counted = {name: Visits(getattr(ev, name)) for name in fields}
    return dataclasses.replace(ev, **counted), counted


def test_the_synthetic_evaluation_is_big_enough(big: Evaluation) -> None:
    assert len(big.units) == UNITS
    assert len(big.scores) == UNITS * (8 - 2) * 3  # two rule-scored leaves take no expert scores
    assert len(scoring.scored_units(big)) == UNITS


def test_all_unit_scores_reads_the_score_rows_once(big: Evaluation) -> None:
    ev, counted = _counted(big, scores="", results="", budget_lines="")
    scores = scoring.all_unit_scores(ev)
    assert len(scores) == UNITS
    n = len(ev.scores)
    # one pass to group the rows by unit (the old code: one pass per unit, plus an any() per unit)
    assert counted["scores"].visited <= n, (counted["scores"].visited, n)
    assert counted["results"].visited <= len(ev.results)
    assert counted["budget_lines"].visited <= len(ev.budget_lines)


def test_score_unit_with_a_context_gives_what_it_gives_alone(big: Evaluation) -> None:
    # The public signature still works on its own; with the shared context it gives the same UnitScore.
    rates = budget.unit_rates(big)
    ctx = scoring.scoring_context(big)
    for key in scoring.scored_units(big)[:5]:
        alone = scoring.score_unit(big, key, rates[key].rate)
        shared = scoring.score_unit(big, key, rates[key].rate, context=ctx)
        assert alone == shared
        assert scoring.all_unit_scores(big)[key] == alone


def test_score_tables_read_the_score_rows_a_bounded_number_of_times(big: Evaluation) -> None:
    ev, counted = _counted(big, scores="")
    scoring.results_table(ev)
    scoring.dimension_table(ev)  # calls indicator_table, which scores every unit again
    assert counted["scores"].visited <= 3 * len(ev.scores)


def test_budget_tables_read_the_budget_lines_a_bounded_number_of_times(big: Evaluation) -> None:
    ev, counted = _counted(big, budget_lines="")
    table = budget.budget_table(ev)  # unit rates and stated rates: one pass each
    assert len(table) == UNITS
    budget.rate_disagreements(ev)
    budget.unit_rates(ev)
    n = len(ev.budget_lines)
    assert counted["budget_lines"].visited <= 5 * n, (counted["budget_lines"].visited, n)


def test_recommendation_links_read_the_problems_a_bounded_number_of_times() -> None:
    ev = synthetic_evaluation(units=5, projects_per_unit=1, indicators=4, experts=1, problems=120, seed=5)
    assert len(ev.recommendations) >= 18
    ev, counted = _counted(ev, problems="")
    links = findings.recommendation_links(ev)
    assert not links.empty
    findings.unanswered_problem_categories(ev)
    # the old code rebuilt an index of every problem for every recommendation (18 here, thousands at scale)
    assert counted["problems"].visited <= 6 * len(ev.problems), (counted["problems"].visited, len(ev.problems))


def test_summary_reads_each_collection_a_bounded_number_of_times(big: Evaluation) -> None:
    ev, counted = _counted(big, scores="", problems="")
    data = summarize(ev, dt.date(2026, 11, 28))
    assert len(data["units"]) == UNITS
    for name, rows in counted.items():
        assert rows.visited <= 8 * len(rows), (name, rows.visited, len(rows))


def test_consistency_check_reads_the_budget_lines_a_bounded_number_of_times(big: Evaluation) -> None:
    from evalcore.consistency import check

    ev, counted = _counted(big, budget_lines="")
    check(ev)
    rows = counted["budget_lines"]
    assert rows.visited <= 8 * len(rows), (rows.visited, len(rows))


def test_problems_by_unit_keeps_the_unit_order(big: Evaluation) -> None:
    df = findings.problems_by_unit(big)
    order = [u.label for u in big.units] + ["未指明单位"]
    assert list(df["unit"]) == sorted(df["unit"], key=order.index)
    assert int(df["count"].sum()) == len(big.problems)


def test_reading_a_workbook_normalises_each_unit_reference_once(monkeypatch) -> None:
    # 15 units x 10 manual leaves x 3 experts = 450 score rows, 30 budget lines, 15 results, 19 problems ...:
    # every row names a unit. The old reader ran the normalising re.sub and a linear column lookup on each.
    data = synthetic_workbook(units=15, projects_per_unit=2, indicators=12, experts=3, problems=19, seed=2)
    norm_calls = column_calls = 0
    real_norm, real_column = workbook.norm_text, workbook.SheetSpec.column

    def norm(text):
        nonlocal norm_calls
        norm_calls += 1
        return real_norm(text)

    def column(self, key):
        nonlocal column_calls
        column_calls += 1
        return real_column(self, key)

    monkeypatch.setattr(workbook, "norm_text", norm)
    monkeypatch.setattr(workbook.SheetSpec, "column", column)
    result = workbook.read_workbook(data)
    assert result.ok, [str(m) for m in result.errors[:5]]
    ev = result.evaluation
    rows = len(ev.scores) + len(ev.budget_lines) + len(ev.results) + len(ev.rectification)
    assert rows > 450
    # each distinct reference once, each unit's key and name for the lookup, the headers of the sheets
    assert norm_calls <= 4 * len(ev.units) + 150, (norm_calls, rows)
    assert column_calls <= 20, column_calls  # only for messages and the category checks, never per row


def test_banded_params_are_parsed_once_and_stay_a_fresh_list() -> None:
    first = scoring.parse_banded("95:100;90:80;0:0")
    first.append((Decimal(1), Decimal(1)))  # a caller changing its list does not change the cached rule
    assert scoring.parse_banded("95:100;90:80;0:0") == [(Decimal(95), Decimal(100)), (Decimal(90), Decimal(80)),
                                                        (Decimal(0), Decimal(0))]
    with pytest.raises(ValueError):
        scoring.parse_banded("abc")
