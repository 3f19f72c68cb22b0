"""evalcore.findings and evalcore.rectification: problems and recommendations kept verbatim and in order, links,
and 整改 figures."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sample_data
from evalcore.findings import (
    cn_number,
    counts_by_category,
    problems_by_unit,
    problems_table,
    recommendation_links,
    recommendations_table,
    resolve_answers,
    unanswered_problem_categories,
)
from evalcore.model import Evaluation, Meta, RectificationItem, StatusChange
from evalcore.numbers import round2
from evalcore.rectification import (
    closed_on,
    closed_over_time,
    history_table,
    rectification_items,
    rectification_summary,
    status_by_category,
    status_by_unit,
    status_on,
)

D = Decimal
AS_OF = dt.date(2026, 11, 28)

# The seed report, quoted: category titles and item counts (存在的主要问题 / 建议 / 产出成果及效益).
PROBLEM_CATEGORIES = [
    "资金使用管理效率有待提高",
    "项目统筹集约建设体系有待完善",
    "项目实施管理过程欠严格规范",
    "项目产出效益有待提高",
    "政府采购管理有待进一步规范",
    "绩效目标编制质量不高",
]
RECOMMENDATION_CATEGORIES = [
    "进一步提高资金预算管理效率",
    "健全信息化统筹集约项目建设体系",
    "进一步强化项目建设规范管理",
    "进一步强化项目管理提升建设成效",
    "进一步规范政府采购管理",
    "推进信息化项目预算绩效管理",
]
ACHIEVEMENT_AREAS = [
    "不断打造样板标杆，持续发展数字经济",
    "不断完善建立机制，节约财政建设资金",
    "不断强化集约安全，建优建强基础设施",
    "不断满足建设需求，提升日常应用成效",
    "不断深化共享应用，释放数据要素价值",
]
PROBLEM_COUNTS = [2, 3, 5, 5, 3, 1]
RECOMMENDATION_COUNTS = [3, 3, 3, 4, 2, 3]


# --- an independent reading of the seed report ------------------------------------------------------------

_HEADING = re.compile(r"^#+\s*\**\s*（([一二三四五六七八九十]+)）(.+?)\**\s*$")
_SECTION = re.compile(r"^#+\s*\**\s*[一二三四五六七八九十]+、")
_ITEM_START = re.compile(r"(?:^|(?<=[。；]))[一二三四五六七八九十]是")


def _seed_section(seed: str, title: str) -> list[tuple[str, list[str]]]:
    """(category title, items) of one numbered section (e.g. "存在的主要问题"), split at 一是/二是/..."""
    cats: list[tuple[str, list[str]]] = []
    bodies: list[list[str]] = []
    inside = False
    for line in seed.splitlines():
        line = line.strip()
        if _SECTION.match(line):
            inside = title in line
            continue
        if not inside or not line:
            continue
        m = _HEADING.match(line)
        if m:
            cats.append((m.group(2).strip(), []))
            bodies.append([])
        elif bodies:
            bodies[-1].append(line)
    out = []
    for (cat, _), body in zip(cats, bodies, strict=True):
        text = "".join(body)
        items = [p for p in _ITEM_START.split(text) if p] if _ITEM_START.match(text) else [text]
        out.append((cat, items))
    return out


def test_seed_parser_reads_the_report(seed_text: str) -> None:
    problems = _seed_section(seed_text, "存在的主要问题")
    assert [c for c, _ in problems] == PROBLEM_CATEGORIES
    assert [len(items) for _, items in problems] == PROBLEM_COUNTS
    recs = _seed_section(seed_text, "建议")
    assert [c for c, _ in recs] == RECOMMENDATION_CATEGORIES
    assert [len(items) for _, items in recs] == RECOMMENDATION_COUNTS


# --- problems ---------------------------------------------------------------------------------------------

def test_problem_counts(ev: Evaluation) -> None:
    assert len(ev.problems) == 19
    counts = counts_by_category(problems_table(ev))
    assert list(counts["category_no"]) == [1, 2, 3, 4, 5, 6]
    assert list(counts["count"]) == PROBLEM_COUNTS
    assert [c for _, c in ev.problem_categories] == PROBLEM_CATEGORIES


def test_problem_order_and_text(ev: Evaluation) -> None:
    first, last = ev.problems[0], ev.problems[-1]
    assert (first.id, first.category_no, first.seq) == ("P1-1", 1, 1)
    assert first.text == "个别项目上年结转资金未及时使用。"
    assert first.category == "资金使用管理效率有待提高"
    assert (last.id, last.category_no, last.seq) == ("P6-1", 6, 1)
    assert last.text == ("市数据中心编报的绩效目标细化、量化程度不高，"
                         "数量、质量、效益、成本等指标填报模糊、笼统，表述不规范。")
    assert last.category == "绩效目标编制质量不高"
    # Report order: by category, then by 一是/二是 within it.
    keys = [(p.category_no, p.seq) for p in ev.problems]
    assert keys == sorted(keys)
    for cat_no, count in enumerate(PROBLEM_COUNTS, start=1):
        assert [p.seq for p in ev.problems if p.category_no == cat_no] == list(range(1, count + 1))


def test_problems_match_the_seed_item_by_item(ev: Evaluation, seed_text: str) -> None:
    seed = _seed_section(seed_text, "存在的主要问题")
    expected = [(no, cat, seq, text) for no, (cat, items) in enumerate(seed, start=1)
                for seq, text in enumerate(items, start=1)]
    assert [(p.category_no, p.category, p.seq, p.text) for p in ev.problems] == expected


def test_every_problem_text_is_verbatim_in_the_seed(ev: Evaluation, seed_text: str) -> None:
    for p in ev.problems:
        assert p.text in seed_text, p.id
        assert f"（{cn_number(p.category_no)}）{p.category}" in seed_text, p.id


def test_problems_naming_units(ev: Evaluation) -> None:
    named = {p.id: p.unit for p in ev.problems if p.unit}
    assert named == {"P2-2": "数智科技集团", "P6-1": "市数据中心"}
    for pid, unit in named.items():
        text = next(p.text for p in ev.problems if p.id == pid)
        assert unit in text  # only a unit the report's own wording names


def test_problems_table(ev: Evaluation) -> None:
    df = problems_table(ev)
    assert len(df) == 19
    assert df.iloc[0]["category_label"] == "（一）资金使用管理效率有待提高"
    assert df.iloc[-1]["category_label"] == "（六）绩效目标编制质量不高"
    assert df.iloc[0]["unit"] == "未指明单位"
    assert df.set_index("id").loc["P2-2", "unit"] == "数智科技集团"


def test_problems_by_unit(ev: Evaluation) -> None:
    df = problems_by_unit(ev)
    assert list(df["unit"]) == ["市数据中心", "数智科技集团", "未指明单位"]
    assert list(df["count"]) == [1, 1, 17]


# --- recommendations --------------------------------------------------------------------------------------

def test_recommendation_counts(ev: Evaluation) -> None:
    assert len(ev.recommendations) == 18
    counts = counts_by_category(recommendations_table(ev))
    assert list(counts["count"]) == RECOMMENDATION_COUNTS
    assert [c for _, c in ev.recommendation_categories] == RECOMMENDATION_CATEGORIES


def test_recommendation_order_and_text(ev: Evaluation) -> None:
    first, last = ev.recommendations[0], ev.recommendations[-1]
    assert first.text == "规范项目立项审批、招投标、政府采购等程序。"
    assert last.text == "强化建设单位预算绩效理念，加强信息化项目全过程预算绩效管理。"
    keys = [(r.category_no, r.seq) for r in ev.recommendations]
    assert keys == sorted(keys)


def test_recommendations_match_the_seed_item_by_item(ev: Evaluation, seed_text: str) -> None:
    seed = _seed_section(seed_text, "建议")
    expected = [(no, cat, seq, text) for no, (cat, items) in enumerate(seed, start=1)
                for seq, text in enumerate(items, start=1)]
    assert [(r.category_no, r.category, r.seq, r.text) for r in ev.recommendations] == expected


def test_every_recommendation_text_is_verbatim_in_the_seed(ev: Evaluation, seed_text: str) -> None:
    for r in ev.recommendations:
        assert r.text in seed_text, r.id


def test_recommendations_table(ev: Evaluation) -> None:
    df = recommendations_table(ev)
    assert len(df) == 18
    assert df.iloc[0]["category_label"] == "（一）进一步提高资金预算管理效率"
    assert set(df["answers"]) == {f"P{n}" for n in range(1, 7)}


def test_recommendation_links(ev: Evaluation) -> None:
    links = recommendation_links(ev)
    assert len(links) == 6
    assert list(links["problem_category_no"]) == [1, 2, 3, 4, 5, 6]
    assert list(links["recommendation_category_no"]) == [1, 2, 3, 4, 5, 6]
    assert list(links["items"]) == RECOMMENDATION_COUNTS
    assert links.iloc[0]["problem_category"] == "问题（一）资金使用管理效率有待提高"
    assert links.iloc[0]["recommendation_category"] == "建议（一）进一步提高资金预算管理效率"
    assert unanswered_problem_categories(ev) == []


def test_recommendation_links_without_answers(ev: Evaluation) -> None:
    recs = tuple(dataclasses.replace(r, answers=()) if r.category_no == 6 else r for r in ev.recommendations)
    altered = dataclasses.replace(ev, recommendations=recs)
    assert len(recommendation_links(altered)) == 5
    assert unanswered_problem_categories(altered) == [6]


def test_resolve_answers(ev: Evaluation) -> None:
    assert [p.id for p in resolve_answers(ev, ("P1",))] == ["P1-1", "P1-2"]
    assert [p.id for p in resolve_answers(ev, ("P2-2",))] == ["P2-2"]
    assert [p.id for p in resolve_answers(ev, ("P1-2", "P1", "P6"))] == ["P1-2", "P1-1", "P6-1"]  # no duplicates
    assert resolve_answers(ev, ("P9",)) == []
    assert resolve_answers(ev, ()) == []


# --- achievements -----------------------------------------------------------------------------------------

def test_achievements(ev: Evaluation, seed_text: str) -> None:
    assert [a for _, a in ev.achievement_areas] == ACHIEVEMENT_AREAS
    assert [n for n, _ in ev.achievement_areas] == [1, 2, 3, 4, 5]
    assert len(ev.achievements) == 13
    assert [sum(1 for a in ev.achievements if a.area_no == n) for n in range(1, 6)] == [1, 1, 5, 3, 3]
    for area in ACHIEVEMENT_AREAS:
        assert f"）{area}" in seed_text
    for a in ev.achievements:
        assert a.text in seed_text, (a.area_no, a.seq)


# --- cn_number --------------------------------------------------------------------------------------------

CN_1_TO_21 = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
              "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十", "二十一"]


@pytest.mark.parametrize(("n", "expected"), list(enumerate(CN_1_TO_21, start=1)))
def test_cn_number(n: int, expected: str) -> None:
    assert cn_number(n) == expected


@pytest.mark.parametrize(("n", "expected"), [(0, "零"), (30, "三十"), (45, "四十五"), (99, "九十九")])
def test_cn_number_more(n: int, expected: str) -> None:
    assert cn_number(n) == expected


# --- 整改 ---------------------------------------------------------------------------------------------------

def _source_rect() -> list[dict]:
    return tomllib.loads(sample_data.SOURCE.read_text(encoding="utf-8"))["rectification"]


def _expected_status(item: dict, day: dt.date) -> str:
    """Independently of evalcore: the status on ``day`` from the readable source's history."""
    history = sorted(item.get("history", ()), key=lambda h: h["date"])
    if not history:
        return item["status"]
    status = history[0]["from"]
    for h in history:
        if h["date"] <= day:
            status = h["to"]
    return status


def test_rectification_summary_hand_checked(ev: Evaluation) -> None:
    s = rectification_summary(ev, AS_OF)
    assert s.as_of == AS_OF
    assert s.total == 19
    assert s.closed == 13
    assert s.rate == D(13) / D(19) * 100
    assert round2(s.rate) == D("68.42")
    assert s.overdue == 4
    assert s.by_status == {"未开始": 1, "整改中": 4, "已整改": 13, "未整改": 1}
    assert list(s.by_status) == ["未开始", "整改中", "已整改", "未整改"]  # the configured order


def test_rectification_overdue_items(ev: Evaluation) -> None:
    df = rectification_items(ev, AS_OF).set_index("id")
    assert sorted(df.index[df["overdue"]]) == ["Z04", "Z05", "Z10", "Z12"]
    assert df.loc["Z04", "days_overdue"] == (AS_OF - dt.date(2024, 12, 31)).days
    assert df.loc["Z05", "days_overdue"] == (AS_OF - dt.date(2025, 6, 30)).days
    assert df.loc["Z01", "days_overdue"] == 0
    assert df.loc["Z01", "category_label"] == "（一）资金使用管理效率有待提高"
    assert df.loc["Z04", "unit"] == "数智科技集团"


@pytest.mark.parametrize("day", [dt.date(2024, 1, 1), dt.date(2024, 7, 1), dt.date(2024, 12, 31),
                                 dt.date(2025, 1, 1), AS_OF, dt.date(2028, 1, 1)])
def test_overdue_never_for_closed_or_future_deadlines(ev: Evaluation, day: dt.date) -> None:
    df = rectification_items(ev, day)
    for _, row in df.iterrows():
        if row["closed"]:
            assert not row["overdue"], row["id"]
        if row["deadline"] is None or row["deadline"] >= day:
            assert not row["overdue"], row["id"]
        if row["overdue"]:
            assert row["days_overdue"] == (day - row["deadline"]).days > 0
        else:
            assert row["days_overdue"] == 0


def test_overdue_on_specific_days(ev: Evaluation) -> None:
    def overdue(day: dt.date) -> list[str]:
        df = rectification_items(ev, day)
        return sorted(df.loc[df["overdue"], "id"])

    assert overdue(dt.date(2024, 7, 1)) == []  # every item due by 2024-06-30 was closed in time
    assert overdue(dt.date(2024, 12, 31)) == []  # the deadline day itself is not overdue
    assert overdue(dt.date(2025, 1, 1)) == ["Z04", "Z10"]
    assert overdue(dt.date(2028, 1, 1)) == ["Z04", "Z05", "Z10", "Z12", "Z15", "Z19"]


def test_rectification_summary_matches_the_source(ev: Evaluation) -> None:
    items = _source_rect()
    statuses = [_expected_status(it, AS_OF) for it in items]
    s = rectification_summary(ev, AS_OF)
    assert s.total == len(items)
    assert s.closed == statuses.count("已整改")
    assert s.overdue == sum(1 for it, st_ in zip(items, statuses, strict=True)
                            if st_ != "已整改" and it["deadline"] < AS_OF)


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=dt.date(2023, 6, 1), max_value=dt.date(2028, 12, 31)))
def test_rectification_items_match_the_source_on_any_day(ev: Evaluation, day: dt.date) -> None:
    expected = {it["id"]: _expected_status(it, day) for it in _source_rect()}
    deadlines = {it["id"]: it["deadline"] for it in _source_rect()}
    df = rectification_items(ev, day)
    assert dict(zip(df["id"], df["status"], strict=True)) == expected
    for _, row in df.iterrows():
        assert row["closed"] == (expected[row["id"]] == "已整改")
        assert row["overdue"] == (expected[row["id"]] != "已整改" and deadlines[row["id"]] < day)
    s = rectification_summary(ev, day)
    assert s.closed == list(expected.values()).count("已整改")
    assert sum(s.by_status.values()) == 19


def _item(ev: Evaluation, item_id: str) -> RectificationItem:
    return next(it for it in ev.rectification if it.id == item_id)


def test_status_on_before_and_after_history(ev: Evaluation) -> None:
    z01 = _item(ev, "Z01")  # 2024-03-10 未开始 -> 整改中, 2024-06-20 整改中 -> 已整改
    assert status_on(z01, dt.date(2023, 12, 31)) == "未开始"
    assert status_on(z01, dt.date(2024, 3, 9)) == "未开始"
    assert status_on(z01, dt.date(2024, 3, 10)) == "整改中"  # the day of the change counts
    assert status_on(z01, dt.date(2024, 6, 19)) == "整改中"
    assert status_on(z01, dt.date(2024, 6, 20)) == "已整改"
    assert status_on(z01, AS_OF) == "已整改"
    z10 = _item(ev, "Z10")
    assert status_on(z10, dt.date(2025, 1, 9)) == "整改中"
    assert status_on(z10, dt.date(2025, 1, 10)) == "未整改"


def test_status_on_without_history(ev: Evaluation) -> None:
    z19 = _item(ev, "Z19")
    assert z19.history == ()
    assert status_on(z19, dt.date(2020, 1, 1)) == "未开始"
    assert status_on(z19, AS_OF) == "未开始"


def test_status_on_unsorted_history() -> None:
    history = (StatusChange("Z", dt.date(2024, 6, 1), "整改中", "已整改"),
               StatusChange("Z", dt.date(2024, 1, 1), "未开始", "整改中"))
    item = RectificationItem("Z", None, "t", None, None, "已整改", history=history)
    assert status_on(item, dt.date(2023, 12, 1)) == "未开始"
    assert status_on(item, dt.date(2024, 3, 1)) == "整改中"
    assert status_on(item, dt.date(2024, 6, 1)) == "已整改"


def test_closed_on(ev: Evaluation) -> None:
    assert closed_on(_item(ev, "Z01"), ("已整改",)) == dt.date(2024, 6, 20)
    assert closed_on(_item(ev, "Z04"), ("已整改",)) is None
    assert closed_on(_item(ev, "Z19"), ("已整改",)) is None


def test_closed_over_time(ev: Evaluation) -> None:
    df = closed_over_time(ev, AS_OF)
    dates = list(df["date"])
    cumulative = list(df["cumulative"])
    assert dates == sorted(set(dates))  # one row per date, in order
    assert all(b > a for a, b in zip(cumulative, cumulative[1:], strict=False))  # strictly increasing
    assert cumulative[-1] == 13 == rectification_summary(ev, AS_OF).closed
    # Z16 and Z17 both closed on 2024-04-30: one row, counting both.
    assert (dates[0], cumulative[0]) == (dt.date(2024, 4, 30), 2)
    assert len(df) == 12
    assert dates[-1] == dt.date(2024, 12, 15)


def test_closed_over_time_up_to_a_date(ev: Evaluation) -> None:
    df = closed_over_time(ev, dt.date(2024, 6, 15))
    assert list(df["date"]) == [dt.date(2024, 4, 30), dt.date(2024, 5, 31), dt.date(2024, 6, 10)]
    assert list(df["cumulative"]) == [2, 3, 4]
    assert closed_over_time(ev, dt.date(2024, 1, 1)).empty


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31)))
def test_closed_over_time_agrees_with_the_summary(ev: Evaluation, day: dt.date) -> None:
    df = closed_over_time(ev, day)
    final = int(df["cumulative"].iloc[-1]) if not df.empty else 0
    # No item in the sample is reopened, so the curve ends at the number closed on that day.
    assert final == rectification_summary(ev, day).closed
    assert all(d <= day for d in df["date"])


def test_status_by_unit(ev: Evaluation) -> None:
    df = status_by_unit(ev, AS_OF).set_index("unit")
    assert df.loc["市数据中心", "total"] == 13
    assert df.loc["市数据中心", "closed"] == 11
    assert df.loc["市数据中心", "overdue"] == 0
    assert df.loc["市数据局", "total"] == 4
    assert df.loc["市数据局", "closed"] == 2
    assert df.loc["市数据局", "overdue"] == 2
    assert df.loc["市数据局", "rate"] == D(50)
    assert df.loc["数智科技集团", "total"] == 2
    assert df.loc["数智科技集团", "closed"] == 0
    assert df.loc["数智科技集团", "overdue"] == 2
    assert df.loc["数智科技集团", "rate"] == D(0)


def test_status_by_category(ev: Evaluation) -> None:
    df = status_by_category(ev, AS_OF)
    assert len(df) == 6 * 4
    assert df["count"].sum() == 19
    per_cat = df.groupby("category_no")["count"].sum()
    assert list(per_cat) == PROBLEM_COUNTS  # one 整改 item per problem in the sample
    cat1 = df[df["category_no"] == 1].set_index("status")["count"]
    assert cat1["已整改"] == 2


def test_history_table(ev: Evaluation) -> None:
    df = history_table(ev)
    assert len(df) == 33
    assert list(df["date"]) == sorted(df["date"])
    assert df.iloc[0]["date"] == dt.date(2024, 2, 20)


def test_empty_rectification() -> None:
    ev = Evaluation(Meta("t"))
    s = rectification_summary(ev, AS_OF)
    assert (s.total, s.closed, s.overdue) == (0, 0, 0)
    assert s.rate is None  # no items: no 整改率, and no ZeroDivisionError
    assert closed_over_time(ev, AS_OF).empty
    assert history_table(ev).empty
    assert status_by_unit(ev, AS_OF).empty
