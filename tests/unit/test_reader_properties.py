"""Property tests of the workbook reader (hypothesis).

1. Arbitrary cell values (text with full-width characters, whitespace and formula-looking strings, numbers of
   any size, NaN and infinities, dates, booleans, error values, empty cells) written anywhere into the sample's
   sheets never make ``read_workbook`` raise, and every message names a sheet and says in Chinese what to do.
2. A valid generated Evaluation written by ``write_workbook`` reads back as the same Evaluation.
"""
from __future__ import annotations

import datetime as dt
import re
import string
from decimal import Decimal

import badfiles
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalcore import scoring
from evalcore.model import (
    DEFAULT_STATUSES,
    Achievement,
    BudgetLine,
    Evaluation,
    Indicator,
    Meta,
    Problem,
    Recommendation,
    RectificationItem,
    Score,
    StatusChange,
    Unit,
    UnitResult,
)
from evalcore.workbook import SPEC, Message, read_workbook, visible_text, workbook_bytes
from evalcore.workbook.cells import norm_text

CJK = re.compile(r"[\u4e00-\u9fff]")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- 1. arbitrary cells never make the reader raise -------------------------------------------------------

class ErrorValue(str):
    """An Excel error value (#N/A, ...), stored as a cell of type "e"."""


class DateValue(float):
    """An Excel date: a serial number in a date-formatted cell."""


def _date_style() -> int | None:
    xml = badfiles.sample_zip_part(badfiles.sheet_parts()["整改"])
    m = re.search(rb'<c r="E2" s="(\d+)"', xml)
    return int(m.group(1)) if m else None


XML_TEXT = st.characters(blacklist_categories=("Cs", "Cc", "Cn"))
TRICKY_TEXT = st.sampled_from([
    "", " ", "\u3000", "  市数据局 ", "市数据局\u3000", "市数据 局", "长沙市数据局", "=SUM(A1:A3)", "=1/0", "+1",
    "３４００．０６", "3400.06万元", "２８１１．４７ 万", "34000600元", "0.34亿元", "12千元", "82.69%", "１２％",
    "1,234.5", "1,23", "1e5", "-0", "NaN", "inf", "二千", "#N/A", "#DIV/0!", "2024-02-30", "2024年6月30日",
    "2024/13/01", "P1", "P1-1", "P9", "Z01", "未开始", "已完成", "优", "甲", "平均值", "中位数", "评价人员打分",
    "_x0041_", "a\u200bb", "\ufeff单位", "单位简称", "预算金额（万元）", "预算金额 （万元）", "字段", "内容",
])


def cell_values() -> st.SearchStrategy[object]:
    return st.one_of(
        st.none(),
        TRICKY_TEXT,
        st.text(alphabet=st.one_of(XML_TEXT, st.sampled_from(" \t\n\u3000\u00a0０１２．，")), max_size=25),
        st.integers(min_value=-10**20, max_value=10**20),
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(min_value=-1000, max_value=100000, places=2, allow_nan=False).map(float),
        st.integers(min_value=1, max_value=80000).map(DateValue),
        st.booleans(),
        st.sampled_from(["#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?"]).map(ErrorValue),
    )


def _cell(ref: str, value: object, date_style: int | None) -> str:
    if isinstance(value, ErrorValue):
        return f'<c r="{ref}" t="e"><v>{value}</v></c>'
    if isinstance(value, DateValue):
        return badfiles.cell_xml(ref, float(value), style=date_style)
    if isinstance(value, float):
        return f'<c r="{ref}" t="n"><v>{value!r}</v></c>'  # also nan, inf: what a hostile file could hold
    return badfiles.cell_xml(ref, value)


EDITS = st.lists(st.tuples(st.sampled_from([s.name for s in SPEC]), st.integers(min_value=1, max_value=40),
                           st.integers(min_value=0, max_value=10), cell_values()), min_size=1, max_size=8)


@SETTINGS
@given(EDITS)
def test_arbitrary_cells_never_make_the_reader_raise(edits: list[tuple[str, int, int, object]]) -> None:
    style = _date_style()
    by_part: dict[str, list[badfiles.Edit]] = {}
    for sheet, row, col, value in edits:
        ref = f"{badfiles.letter(col)}{row}"
        by_part.setdefault(badfiles.sheet_parts()[sheet], []).append(badfiles.put_cell(ref, _cell(ref, value, style)))

    def apply(steps: list[badfiles.Edit]) -> badfiles.Edit:
        def edit(xml: bytes) -> bytes:
            for step in steps:
                xml = step(xml)
            return xml
        return edit

    data = badfiles.edit_zip({part: apply(steps) for part, steps in by_part.items()})
    result = read_workbook(data)
    for m in result.errors + result.warnings:
        assert isinstance(m, Message)
        assert m.sheet, m
        assert CJK.search(m.message), m
        assert "请" in m.message, m
        assert "内部错误" not in m.message, m
    assert result.ok == (not result.errors and result.evaluation is not None)
    if result.errors:
        assert result.evaluation is None


# --- 2. write then read gives the same Evaluation ---------------------------------------------------------

NAME_CHARS = string.ascii_letters + string.digits + "市县区局中心集团数据信息化建设运维项目资金管理（）-·、"
names = st.text(alphabet=NAME_CHARS, min_size=1, max_size=10)
# Text that survives a round trip: no direction or other invisible controls, which the reader drops with a
# warning (evalcore.workbook.visible_text; issue 13). The cells of section 1 keep them: they must never crash.
KEPT_TEXT = XML_TEXT.filter(lambda ch: visible_text(ch) == ch)
texts = st.one_of(
    st.text(alphabet=st.one_of(KEPT_TEXT, st.sampled_from("，。；：“”")), min_size=1, max_size=40)
    .map(str.strip).filter(bool),
    st.sampled_from(["=不是公式", "_x0041_ 转义", "a_x005F_b", "#N/A", "#DIV/0!", "个别项目上年结转资金未及时使用。"]),
)
notes = st.one_of(st.just(""), texts)


def _squeezed(text: str) -> str:
    """Text as the duplicate checks compare it (evalcore.workbook.duplicates_and_gaps: whitespace and invisible
    characters ignored)."""
    return norm_text(text)


def _distinct_texts(draw, max_size: int):
    """Item texts of one category: the same text twice in a category is a duplicated row (an error)."""
    return draw(st.lists(texts, min_size=1, max_size=max_size, unique_by=_squeezed))
money = st.decimals(min_value=0, max_value=1_000_000, places=2, allow_nan=False, allow_infinity=False)
percent = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))


def _split_points(draw: st.DrawFn, total: int, parts: int) -> list[int]:
    if parts == 1 or total < parts:
        return [total]
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=total - 1), min_size=parts - 1,
                               max_size=parts - 1)))
    bounds = [0, *cuts, total]
    return [b - a for a, b in zip(bounds, bounds[1:], strict=False)]


@st.composite
def evaluations(draw: st.DrawFn) -> Evaluation:
    keys = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    units = tuple(Unit(k, draw(st.one_of(st.just(""), names)), draw(st.one_of(st.just(""), names)), draw(notes))
                  for k in keys)
    meta = Meta(
        title=draw(texts),
        year=draw(st.one_of(st.none(), st.integers(min_value=1990, max_value=2100))),
        region=draw(st.one_of(st.just(""), names)),
        evaluator=draw(notes),
        conclusion=draw(notes),
        expert_method=draw(st.sampled_from(sorted(scoring.EXPERT_METHODS))),
        rate_target=draw(percent),
        illustrative=frozenset(draw(st.sets(st.sampled_from(["scores", "rectification"])))),
        illustrative_note=draw(notes),
        stated_total_budget=draw(st.one_of(st.none(), money)),
    )
    # the same unit and project twice is a duplicate line (an error with the same amounts): one line per pair
    budget_lines = tuple(
        BudgetLine(unit, draw(money), draw(money), project,
                   draw(st.sampled_from(["", "建设", "运维"])), draw(st.one_of(st.none(), percent)), draw(notes))
        for unit, project in draw(st.lists(st.tuples(st.sampled_from(keys), st.one_of(st.just(""), names)),
                                           max_size=3, unique_by=lambda p: (p[0], _squeezed(p[1])))))

    indicators: list[Indicator] = []
    tops = _split_points(draw, 100, draw(st.integers(min_value=1, max_value=3)))
    for i, points in enumerate(tops):
        top_id = "ABC"[i]
        indicators.append(Indicator(top_id, draw(names), Decimal(points), 1, None, "manual", "", draw(notes)))
        children = draw(st.integers(min_value=0, max_value=2))  # none: the top-level indicator is a leaf
        if children and points >= children:
            for j, child_points in enumerate(_split_points(draw, points, children)):
                method = draw(st.sampled_from(["manual", "manual", "rate_proportional"]))
                indicators.append(Indicator(f"{top_id}{j + 1}", draw(names), Decimal(child_points), 2, top_id,
                                            method, "", draw(notes)))
    leaves = [i for i in scoring.leaves(tuple(indicators)) if i.method == "manual"]
    scores = []
    for unit in draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys))):
        for leaf in leaves:
            for expert in draw(st.lists(st.sampled_from(["专家A", "专家B", "评价组"]), unique=True, max_size=2)):
                value = draw(st.decimals(min_value=0, max_value=leaf.points, places=2, allow_nan=False))
                scores.append(Score(unit, leaf.id, expert, value, draw(notes)))
    results = tuple(UnitResult(u, draw(st.one_of(st.none(), percent)),
                               draw(st.one_of(st.none(), st.sampled_from(["优", "良", "中", "差"]))), draw(notes))
                    for u in draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys))))

    achievements = tuple(Achievement(area_no, area, seq, draw(texts))
                         for area_no in range(1, draw(st.integers(min_value=0, max_value=2)) + 1)
                         for area in [draw(texts)]
                         for seq in range(1, draw(st.integers(min_value=1, max_value=2)) + 1))
    problems = tuple(Problem(f"P{no}-{seq}", no, cat, seq, text,
                             draw(st.one_of(st.none(), st.sampled_from(keys))))
                     for no in range(1, draw(st.integers(min_value=0, max_value=3)) + 1)
                     for cat in [draw(texts)]
                     for seq, text in enumerate(_distinct_texts(draw, 2), start=1))
    refs = sorted({p.id for p in problems} | {f"P{p.category_no}" for p in problems})
    recommendations = tuple(
        Recommendation(f"R{no}-{seq}", no, cat, seq, text,
                       tuple(draw(st.lists(st.sampled_from(refs), unique=True, max_size=2))) if refs else ())
        for no in range(1, draw(st.integers(min_value=0, max_value=2)) + 1)
        for cat in [draw(texts)]
        for seq, text in enumerate(_distinct_texts(draw, 2), start=1))

    rectification = []
    tasks = draw(st.lists(texts, max_size=3, unique_by=_squeezed))  # the same task twice may be a duplicate
    for n, task in enumerate(tasks, start=1):
        item_id = f"Z{n:02d}"
        status = draw(st.sampled_from(DEFAULT_STATUSES))
        days = sorted(draw(st.sets(dates, max_size=2)))
        history = []
        for k, day in enumerate(days):
            new = status if k == len(days) - 1 else draw(st.sampled_from(DEFAULT_STATUSES))
            history.append(StatusChange(item_id, day, draw(st.sampled_from(("", *DEFAULT_STATUSES))), new,
                                        draw(st.one_of(st.none(), percent)), draw(notes), draw(notes)))
        rectification.append(RectificationItem(
            item_id, draw(st.one_of(st.none(), st.sampled_from([p.id for p in problems]))) if problems else None,
            task, draw(st.one_of(st.none(), st.sampled_from(keys))), draw(st.one_of(st.none(), dates)),
            status, draw(st.one_of(st.none(), percent)), draw(notes), tuple(history), draw(notes)))

    return Evaluation(meta, units, budget_lines, tuple(indicators), tuple(scores), results, achievements,
                      problems, recommendations, tuple(rectification))


@SETTINGS
@given(evaluations())
def test_write_then_read_gives_the_same_evaluation(ev: Evaluation) -> None:
    result = read_workbook(workbook_bytes(ev))
    assert result.errors == [], [str(m) for m in result.errors]
    assert result.evaluation == ev
