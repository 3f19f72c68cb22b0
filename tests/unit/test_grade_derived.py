"""A grade the report does not state is read off the bands and shown as such, never as a stated grade (issue 17)."""
from __future__ import annotations

import dataclasses
import datetime as dt

from evalcore import ranking, scoring
from evalcore.export.slides import slide_plan
from evalcore.model import Evaluation

AS_OF = dt.date(2024, 6, 30)


def _without_stated_grades(ev: Evaluation) -> Evaluation:
    return dataclasses.replace(ev, results=tuple(dataclasses.replace(r, stated_grade=None) for r in ev.results))


def _texts(plan) -> str:
    return repr(plan)


def test_the_seed_states_its_grades(ev: Evaluation) -> None:
    table = scoring.results_table(ev)
    assert set(table["grade"]) == {"良"}
    assert not table["grade_derived"].any()
    assert not ranking.unit_ranking(ev)["grade_derived"].any()
    assert "推算" not in _texts(slide_plan(ev, AS_OF))


def test_a_grade_the_report_does_not_state_is_marked_derived(ev: Evaluation) -> None:
    bare = _without_stated_grades(ev)
    table = scoring.results_table(bare)
    assert list(table["grade"]) == ["良", "良"]  # 86.98 and 86.38 under the default bands
    assert table["grade_derived"].all()
    assert ranking.unit_ranking(bare).query("score == score")["grade_derived"].all()
    text = _texts(slide_plan(bare, AS_OF))
    assert "等次：良（按分数段推算）" in text
    assert "按分数段推算等次为“良”" in text
