"""The sample workbook mutated at random, as a careless user would (issue 13): a sheet deleted, a row duplicated or
dropped, a header changed, text typed into a number cell, units swapped between rows.

Whatever the mutation, :func:`evalcore.workbook.build_evaluation` either refuses with messages that name a sheet
(and a row, where the problem is in one), or accepts a workbook whose computed figures it can explain:

- never a traceback and never the validator's own "内部错误";
- the accepted totals are exactly what the rows of the mutated sheets add up to (nothing dropped or doubled by the
  reader without a message);
- no row that copies another (a budget line, a score, a problem or recommendation) is counted twice;
- a budget total the workbook still states, or a unit's score, that differs from the sample's comes with a warning
  on a sheet that holds or states it (预算执行 / 评价信息, 指标评分 / 指标体系 / 评价结果): never a silent change of a
  total. (A row dropped from a workbook that states no total is a smaller evaluation, not a detectable error.)

The cells are mutated as python-calamine gives them (``read_raw`` of the committed sample, read once), so an
example costs one validation, not a file write and read. In CI hypothesis runs derandomized (tests/conftest.py).
"""
from __future__ import annotations

import copy
import functools
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sample_data
from evalcore import scoring
from evalcore.numbers import ZERO
from evalcore.workbook import BUDGET, FILE_SHEET, SPEC, build_evaluation, read_raw

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SHEETS = [s.name for s in SPEC]
NUMBER_COLUMNS = {s.name: [c.header for c in s.columns if c.kind in ("decimal", "int")] for s in SPEC}
BUDGET_SIDE = {"预算执行", "评价信息"}
SCORE_SIDE = {"指标评分", "指标体系", "评价结果"}


@functools.lru_cache(maxsize=1)
def _sample_raw() -> dict[str, list[list[Any]]]:
    raw = read_raw(sample_data.WORKBOOK)
    return {name: [list(r) for r in rows] for name, rows in raw.items()}


def _data_rows(rows: list[list[Any]]) -> list[int]:
    return [i for i in range(1, len(rows)) if any(v not in (None, "") for v in rows[i])]


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, dict[str, list[list[Any]]]]:
    """(what was done, the mutated cells); one to three mutations on a copy of the sample."""
    raw = copy.deepcopy(_sample_raw())
    done = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(["delete_sheet", "duplicate_row", "duplicate_row", "drop_row", "change_header",
                                     "text_in_number", "swap_units", "clear_field"]))
        sheet = draw(st.sampled_from([s for s in SHEETS if s in raw]))
        rows = raw[sheet]
        data = _data_rows(rows) if sheet != "评价信息" else list(range(len(rows)))
        if kind == "delete_sheet":
            del raw[sheet]
        elif kind in ("duplicate_row", "drop_row") and data:
            i = draw(st.sampled_from(data))
            if kind == "duplicate_row":
                rows.insert(i + 1, list(rows[i]))
            else:
                del rows[i]
        elif kind == "change_header" and rows and rows[0]:
            j = draw(st.integers(min_value=0, max_value=len(rows[0]) - 1))
            if sheet == "评价信息":  # a 字段 | 内容 sheet: the label of a field
                i = draw(st.sampled_from(data))
                rows[i][0] = draw(st.sampled_from(["", "其他字段", "资金总额"]))
            else:
                rows[0][j] = draw(st.sampled_from(["", "备注2", "金额", str(rows[0][j]) + "（新）"]))
        elif kind == "text_in_number" and NUMBER_COLUMNS[sheet] and data and sheet != "评价信息":
            header = draw(st.sampled_from(NUMBER_COLUMNS[sheet]))
            if header in rows[0]:
                j = rows[0].index(header)
                i = draw(st.sampled_from(data))
                rows[i][j] = draw(st.sampled_from(["abc", "约 100", "一百", "3400.06万元", "—"]))
        elif (kind == "swap_units" and sheet in ("预算执行", "指标评分", "评价结果", "整改") and len(data) >= 2
              and ("单位" if sheet != "整改" else "责任单位") in rows[0]):  # (an earlier mutation may have renamed it)
            col = rows[0].index("单位" if sheet != "整改" else "责任单位")
            i, k = draw(st.lists(st.sampled_from(data), min_size=2, max_size=2, unique=True))
            rows[i][col], rows[k][col] = rows[k][col], rows[i][col]
        elif kind == "clear_field" and "评价信息" in raw:  # a stated figure (or any field) left blank
            sheet = "评价信息"
            i = draw(st.sampled_from(range(1, len(raw[sheet]))))
            if len(raw[sheet][i]) > 1:
                raw[sheet][i][1] = None
        else:
            continue
        done.append(f"{kind} {sheet}")
    return "; ".join(done) or "nothing", raw


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))


def _row_sum(raw: dict[str, list[list[Any]]], header: str) -> Decimal:
    """What the budget rows of the (mutated) sheet add up to, straight from the cells."""
    rows = raw.get(BUDGET.name) or []
    if not rows or header not in rows[0]:
        return ZERO
    j = rows[0].index(header)
    return sum((_decimal(r[j]) or ZERO for r in rows[1:] if j < len(r)), ZERO)


@functools.lru_cache(maxsize=1)
def _original() -> tuple[Decimal, Decimal, dict[str, Decimal | None]]:
    ev = build_evaluation(copy.deepcopy(_sample_raw())).evaluation
    assert ev is not None
    return _figures(ev)


def _figures(ev) -> tuple[Decimal, Decimal, dict[str, Decimal | None]]:
    budget = sum((b.budget for b in ev.budget_lines if b.budget is not None), ZERO)
    executed = sum((b.executed for b in ev.budget_lines if b.executed is not None), ZERO)
    scores = {key: us.total for key, us in scoring.all_unit_scores(ev).items()}
    return budget, executed, scores


@SETTINGS
@given(mutations())
def test_a_mutated_sample_is_refused_with_a_located_message_or_explained(mutation) -> None:
    what, raw = mutation
    result = build_evaluation(raw)  # never raises
    messages = [*result.errors, *result.warnings]
    for m in messages:
        assert "内部错误" not in m.message, (what, str(m))
        assert m.sheet in SHEETS or m.sheet == FILE_SHEET or m.sheet in raw, (what, str(m))
        assert "请" in m.message, (what, str(m))
    if result.errors:
        assert result.evaluation is None
        for m in result.errors:  # a row wherever the problem is in one; a sheet or a header otherwise
            assert m.row is not None or m.column or "工作表" in m.message, (what, str(m))
        return

    ev = result.evaluation
    assert ev is not None, what
    budget, executed, scores = _figures(ev)
    # explained: the totals are what the rows of the mutated sheet add up to
    assert budget == _row_sum(raw, BUDGET.column("budget").header), what
    assert executed == _row_sum(raw, BUDGET.column("executed").header), what
    # explained: no row that is a copy of another counts twice
    lines = [(b.unit, b.project.strip(), b.budget, b.executed, b.stated_rate) for b in ev.budget_lines]
    assert len(set(lines)) == len(lines), (what, lines)
    assert len({(s.unit, s.indicator, s.expert) for s in ev.scores}) == len(ev.scores), what
    assert len({(p.category_no, p.text.strip()) for p in ev.problems}) == len(ev.problems), what
    assert len({(r.category_no, r.text.strip()) for r in ev.recommendations}) == len(ev.recommendations), what
    # never a silent change of a total the workbook states
    o_budget, o_executed, o_scores = _original()
    warned = {m.sheet for m in result.warnings}
    stated = ev.meta.stated_total_budget is not None or ev.meta.stated_total_executed is not None
    if stated and (budget, executed) != (o_budget, o_executed):
        assert warned & BUDGET_SIDE, (what, budget, executed, [str(m) for m in result.warnings])
    if scores != o_scores:
        assert warned & SCORE_SIDE, (what, scores, o_scores, [str(m) for m in result.warnings])


def test_the_unmutated_sample_is_accepted_without_messages() -> None:
    result = build_evaluation(copy.deepcopy(_sample_raw()))
    assert result.ok and result.errors == [] and result.warnings == []
