"""Cross-evaluation figures against hand-computed values: sums, the funds-weighted rate, units per 等次, 整改率,
overdue, filters, and a unit's trend across years."""
import datetime as dt
from decimal import Decimal as D

from evalcore import portfolio
from evalcore.model import BudgetLine, Evaluation, Meta, Problem, RectificationItem, Unit, UnitResult
from evalcore.portfolio import Entry, build, filter_ids, kind_of, kpis, subset, unit_trend

AS_OF = dt.date(2024, 6, 30)


def _ev(year, region, title, units, lines, results, problems=(), rect=(), kind="", evaluator="财政局"):
    return Evaluation(
        meta=Meta(title=title, year=year, region=region, kind=kind, evaluator=evaluator),
        units=tuple(Unit(k, n) for k, n in units),
        budget_lines=tuple(BudgetLine(u, b, x) for u, b, x in lines),
        results=tuple(UnitResult(u, s, g) for u, s, g in results),
        problems=tuple(problems),
        rectification=tuple(rect),
    )


def _item(i, status, deadline):
    return RectificationItem(f"R{i}", None, f"任务{i}", None, deadline, status)


A = _ev(2022, "甲市", "2022年度甲市信息化项目重点绩效评价", [("市局", "甲市数据局"), ("中心", "甲市数据中心")],
        [("市局", D("100.00"), D("80.00")), ("中心", D("300.00"), D("297.00"))],
        [("市局", D("85.50"), "良"), ("中心", D("91.00"), None)],
        problems=[Problem("P1-1", 1, "政府采购不规范", 1, "未按规定采购。", "市局"),
                  Problem("P2-1", 2, "资金拨付不及时", 1, "拨付滞后。", None)],
        rect=[_item(1, "已整改", dt.date(2024, 1, 1)), _item(2, "整改中", dt.date(2024, 3, 1)),
              _item(3, "未开始", dt.date(2024, 12, 31))])
B = _ev(2023, "甲市", "2023年度甲市部门整体支出绩效评价", [("市局", "甲市数据局"), ("新局", "乙市某局")],
        [("市局", D("200.00"), D("150.00")), ("新局", D("50.00"), None)],
        [("市局", D("72.00"), "中"), ("新局", D("55.00"), "差")],
        problems=[Problem("P1-1", 1, "采购程序不规范", 1, "程序缺失。", None)],
        rect=[_item(1, "已整改", dt.date(2024, 1, 1))], kind="部门整体")
C = _ev(2024, "甲市", "2024年度甲市数据局专项资金绩效评价", [("数据局", "甲市 数据局")],
        [("数据局", D("120.00"), D("120.00"))], [("数据局", D("93.00"), "优")], evaluator="第三方机构")
ENTRIES = [Entry(1, 11, A), Entry(2, 21, B), Entry(3, 31, C)]


def test_kind_stated_or_inferred_from_the_title():
    assert kind_of(B.meta) == ("部门整体", False)
    assert kind_of(A.meta) == ("重点项目", True)
    assert kind_of(C.meta) == ("专项资金", True)
    assert kind_of(Meta(title="某某项目评价结果")) == ("未注明", False)


def test_evaluation_rows():
    p = build(ENTRIES, AS_OF)
    ev = p.evaluations.set_index("evaluation_id")
    assert ev.loc[1, "budget"] == D("400.00") and ev.loc[1, "executed"] == D("377.00")
    assert ev.loc[1, "rate"] == D("377") / D("400") * 100  # 94.25
    assert ev.loc[1, "units"] == 2 and ev.loc[1, "problems"] == 2
    # R1 closed; R2 past its deadline and open; R3 not yet due
    assert (ev.loc[1, "rect_items"], ev.loc[1, "rect_closed"], ev.loc[1, "overdue"]) == (3, 1, 1)
    assert ev.loc[2, "rate"] is None  # 新局 has no executed amount


def test_kpis_hand_computed():
    k = kpis(build(ENTRIES, AS_OF))
    assert k.evaluations == 3 and k.unit_results == 5
    assert k.budget == D("770.00")  # 100 + 300 + 200 + 50 + 120
    assert k.executed == D("647.00")  # 80 + 297 + 150 + 120
    # funds-weighted over the units with both amounts: (80 + 297 + 150 + 120) / (100 + 300 + 200 + 120)
    assert k.rate == D("647") / D("720") * 100
    assert (k.rate_units, k.rate_units_left_out) == (4, 1)
    assert k.grades == {"优": 2, "良": 1, "中": 1, "差": 1, "无等次": 0}
    assert k.grades_computed == 1  # 中心 91.00: 优 by the bands, not stated
    assert (k.rect_items, k.rect_closed, k.overdue) == (4, 2, 1)
    assert k.rect_rate == D(50)
    # 甲市数据局 in 2022, 2023 and (written with a space) 2024 is one unit
    assert k.distinct_units == 3


def test_filters_and_subset():
    p = build(ENTRIES, AS_OF)
    ev = p.evaluations
    assert filter_ids(ev, years=[2023, 2024]) == [2, 3]
    assert filter_ids(ev, kinds=["重点项目"]) == [1]
    assert filter_ids(ev, evaluators=["第三方机构"]) == [3]
    assert filter_ids(ev, search="整体 甲市") == [2]
    assert filter_ids(ev, search="没有这个") == []
    k = kpis(subset(p, [2]))
    assert (k.evaluations, k.budget, k.rate, k.rate_units_left_out) == (1, D("250.00"), D(75), 1)


def test_grades_and_funds_by_grade():
    p = build(ENTRIES, AS_OF)
    g = portfolio.grades_by_year(p.units)
    assert int(g[(g["year"] == 2022) & (g["grade"] == "优")]["units"].iloc[0]) == 1
    assert len(g) == 3 * 5
    f = portfolio.funds_by_grade(p.units).set_index("grade")
    assert f.loc["优", "budget"] == D("420.00") and f.loc["差", "budget"] == D("50.00")


def test_unit_trend_across_three_years_with_changes():
    p = build(ENTRIES, AS_OF)
    rec = portfolio.recurring_units(p.units)
    assert list(rec["identity"]) == ["甲市数据局"] and int(rec["years"].iloc[0]) == 3
    t = unit_trend(p.units, "甲市数据局")
    assert list(t["year"]) == [2022, 2023, 2024]
    assert list(t["budget"]) == [D("100.00"), D("200.00"), D("120.00")]
    assert t["rate"].iloc[1] == D(75) and t["rate_change"].iloc[1] == D(75) - D(80)
    assert t["score_change"].iloc[2] == D("93.00") - D("72.00")
    assert t["budget_change"].iloc[0] is None
    assert list(t["problems"]) == [1, 0, 0]


def test_alias_joins_a_renamed_unit_and_says_so():
    p = build(ENTRIES, AS_OF, aliases=[("乙市某局", "甲市数据局")])
    t = unit_trend(p.units, "甲市数据局")
    assert int(t[t["year"] == 2023]["evaluations"].iloc[0]) == 1
    assert "别名（乙市某局）" in t[t["year"] == 2023]["via"].iloc[0]
    assert t[t["year"] == 2023]["budget"].iloc[0] == D("250.00")


def test_empty_portfolio():
    k = kpis(build([], AS_OF))
    assert (k.evaluations, k.budget, k.rate, k.rect_rate) == (0, D(0), None, None)
