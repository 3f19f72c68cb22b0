"""结果应用 and 自评偏差 (issue 26): the rules, the suggested budgets (the seed as oracle: both units 良, budgets
3400.06 and 10931.32 万元), totals, decisions that keep the rule they were made under, and the store's part."""
from __future__ import annotations

from decimal import Decimal as D

import pandas as pd
import pytest

from evalcore import application as app
from evalcore import application_store as appstore
from evalcore.auth import Actor, PermissionDenied
from evalcore.model import BudgetLine, Evaluation, Meta, Unit, UnitResult
from evalcore.portfolio import NO_KIND
from evalcore.store import StoreError

ADMIN = Actor("管理员甲", "admin", "password")
EVALUATOR = Actor("王评价", "evaluator", "password")
VIEWER = Actor("李查看", "viewer", "password")
SEED_PATH = "sample_data/changsha_2023.xlsx"


def row(grade: str | None, amount: str | None, kind: str = "重点项目", *, unit: str = "甲单位", stated: bool = True,
        evaluation_id: int = 1, year: int | None = 2023) -> app.UnitRow:
    return app.UnitRow(evaluation_id, year, kind, unit, grade, stated, D(amount) if amount is not None else None)


# --- the rules ------------------------------------------------------------------------------------------------


def test_every_kind_and_grade_has_a_default_rule_in_line_with_the_national_rules():
    rules = app.default_rules()
    assert {(r.kind, r.grade) for r in rules.table()} == {(k, g) for k in app.RULE_KINDS for g in app.GRADES}
    for kind in app.RULE_KINDS:
        assert rules.rule(kind, "优").action in ("keep", "support")  # 优/良 kept or supported
        assert rules.rule(kind, "良").action in ("keep", "support")
        assert rules.rule(kind, "中").action in ("cut", "stop")  # 中/差 cut or stopped
        assert rules.rule(kind, "差").action in ("cut", "stop")
        assert all(r.note and r.is_default for r in (rules.rule(kind, g) for g in app.GRADES))
    assert rules.rule("部门整体", "差").action == "cut"  # a department's whole budget is not stopped
    assert rules.rule("重点项目", "差").action == "stop"
    assert rules.rule("另一种", "中") == rules.rule(NO_KIND, "中")  # an unknown kind takes the 未注明 rule
    assert rules.rule("重点项目", None) is None and rules.rule("重点项目", "无等次") is None


@pytest.mark.parametrize("kind", app.RULE_KINDS)
@pytest.mark.parametrize(("grade", "action", "percent", "change", "suggested"), [
    ("优", "support", "5", "500.00", "10500.00"),
    ("良", "keep", None, "0.00", "10000.00"),
    ("中", "cut", "12.5", "-1250.00", "8750.00"),
    ("差", "stop", None, "-10000.00", "0.00"),
])
def test_each_action_on_each_kind_and_grade(kind, grade, action, percent, change, suggested):
    rule = app.check_rule(kind, grade, action, percent, "说明")
    rules = app.default_rules().with_rule(rule)
    s = app.suggest(row(grade, "10000.00", kind), rules)
    assert s.rule == rule and (s.change, s.suggested) == (D(change), D(suggested))
    assert s.row.budget + s.change == s.suggested


def test_the_seed_units_are_good_and_keep_their_budgets(ev: Evaluation):
    rows = app.rows_from_evaluation(ev, 1)
    assert [(r.unit, r.grade, r.grade_stated, r.budget) for r in rows] == [
        ("市数据局", "良", True, D("3400.06")), ("市数据中心", "良", True, D("10931.32"))]
    suggestions = app.suggest_all(rows, app.default_rules())
    assert [(s.rule.label, s.change, s.suggested) for s in suggestions] == [
        ("保持", D("0.00"), D("3400.06")), ("保持", D("0.00"), D("10931.32"))]
    t = app.totals(suggestions)
    assert (t.budget, t.cut, t.added, t.suggested, t.with_amount) == (
        D("14331.38"), D("0.00"), D("0.00"), D("14331.38"), 2)


def test_half_up_rounding_in_wan_yuan_on_the_seed_budgets(ev: Evaluation):
    """10931.32 × 37.5% = 4099.245 → 4099.25 (banker's rounding would give 4099.24); 3400.06 × 37.5% = 1275.0225."""
    kind = app.rows_from_evaluation(ev, 1)[0].kind
    rules = app.default_rules().with_rule(app.check_rule(kind, "良", "cut", "37.5", "示例调减"))
    a, b = app.suggest_all(app.rows_from_evaluation(ev, 1), rules)
    assert (a.change, a.suggested) == (D("-1275.02"), D("2125.04"))
    assert (b.change, b.suggested) == (D("-4099.25"), D("6832.07"))
    assert round(D("4099.245"), 2) == D("4099.24")  # what round() would have said
    t = app.totals([a, b])
    assert (t.cut, t.change, t.suggested) == (D("5374.27"), D("-5374.27"), D("8957.11"))
    up = app.default_rules().with_rule(app.check_rule(kind, "良", "support", "0.05", ""))
    assert app.suggest(app.rows_from_evaluation(ev, 1)[0], up).change == D("1.70")  # 1.70003


def test_a_unit_without_a_budget_gets_a_rule_but_no_amount():
    s = app.suggest(row("中", None), app.default_rules())
    assert s.rule is not None and s.change is None and s.suggested is None and "未列" in s.reason
    none = app.suggest(row(None, "100.00"), app.default_rules())
    assert none.rule is None and none.change is None and "无等次" in none.reason
    t = app.totals([s, none, app.suggest(row("中", "100.00"), app.default_rules())])
    assert (t.units, t.with_amount, t.without_amount, t.cut, t.suggested) == (2, 1, 2, D("10.00"), D("90.00"))


def test_a_derived_grade_is_never_presented_as_stated():
    ev = Evaluation(Meta("测试", year=2024, kind="专项资金"), units=(Unit("甲"), Unit("乙")),
                    budget_lines=(BudgetLine("甲", D("200"), D("100")), BudgetLine("乙", D("50"), D("50"))),
                    results=(UnitResult("甲", D("72.5")), UnitResult("乙", D("95"), "优")))
    a, b = app.rows_from_evaluation(ev, 9)
    assert (a.grade, a.grade_stated, a.grade_source) == ("中", False, "按得分推算")
    assert (b.grade, b.grade_stated, b.grade_source) == ("优", True, "报告所列")
    frame = app.suggestion_frame(app.suggest_all([a, b], app.default_rules()))
    assert list(frame["grade_source"]) == ["按得分推算", "报告所列"]
    assert app.as_json(app.suggest_all([a], app.default_rules()))[0]["grade_stated"] is False


@pytest.mark.parametrize(("action", "percent", "message"), [
    ("cut", None, "须填写比例"), ("cut", "0", "大于 0"), ("support", "101", "不超过 100"), ("cut", "abc", "不是数值"),
    ("cut", "1.234", "两位小数"), ("raise", None, "处理方式"),
])
def test_bad_rules_are_refused_in_chinese(action, percent, message):
    with pytest.raises(app.RuleError, match=message):
        app.check_rule("重点项目", "中", action, percent)
    with pytest.raises(app.RuleError, match="评价类型"):
        app.check_rule("年度", "中", "keep")


def test_totals_per_evaluation_and_per_year_from_plain_rows():
    rows = [row("中", "100.00", evaluation_id=1, year=2022), row("差", "50.00", evaluation_id=2, year=2023),
            row("优", "10.00", evaluation_id=2, year=2023), row("中", "33.33", evaluation_id=3, year=None)]
    s = app.suggest_all(rows, app.default_rules())
    by_eval = dict(app.totals_by(s, "evaluation"))
    assert (by_eval[1].cut, by_eval[2].cut, by_eval[3].cut) == (D("10.00"), D("50.00"), D("3.33"))
    by_year = app.totals_by(s, "year")
    assert [k for k, _ in by_year] == [2022, 2023, None]
    assert app.totals(s).cut == D("63.33") and app.totals(s).suggested == D("130.00")
    frame = pd.DataFrame([{"evaluation_id": 1, "year": 2022, "kind": "重点项目", "unit": "甲", "grade": "中",
                           "grade_stated": True, "budget": D("100.00")},
                          {"evaluation_id": 1, "year": 2022, "kind": "重点项目", "unit": "乙", "grade": "无等次",
                           "grade_stated": False, "budget": None}])
    assert [(r.unit, r.grade) for r in app.rows_from_frame(frame)] == [("甲", "中"), ("乙", None)]


def test_a_decision_keeps_its_rule_and_changed_needs_amount_and_reason():
    s = app.suggest(row("中", "100.00"), app.default_rules())
    d = app.decide(s, "adopted")
    assert (d.decided, d.difference, d.rule.label) == (D("90.00"), D("0.00"), "调减 10%")
    with pytest.raises(app.RuleError, match="理由"):
        app.decide(s, "changed", "95")
    with pytest.raises(app.RuleError, match="负数"):
        app.decide(s, "changed", "-1", "x")
    changed = app.decide(s, "changed", "95.00", "保障民生支出")
    assert changed.difference == D("5.00")
    with pytest.raises(app.RuleError, match="没有建议金额"):
        app.decide(app.suggest(row("中", None), app.default_rules()), "adopted")


# --- 自评偏差 ---------------------------------------------------------------------------------------------------


def _units(*rows: tuple) -> pd.DataFrame:
    cols = ["evaluation_id", "year", "kind", "title", "unit", "identity", "display", "score", "grade", "grade_stated"]
    return pd.DataFrame([dict(zip(cols, r, strict=True)) for r in rows], columns=cols)


def test_self_review_pairs_self_and_bureau_evaluations_most_over_rated_first():
    units = _units(
        (1, 2023, "自评", "甲自评", "甲局", "甲局", "甲局", D("95"), "优", True),
        (2, 2023, "重点项目", "复核", "甲局", "甲局", "甲局", D("78.5"), "中", True),
        (1, 2023, "自评", "乙自评", "乙局", "乙局", "乙局", D("88"), "良", True),
        (2, 2023, "重点项目", "复核", "乙局", "乙局", "乙局", D("86"), "良", True),
        (3, 2022, "自评", "丙自评", "丙局", "丙局", "丙局", D("90"), "优", True),
        (2, 2023, "重点项目", "复核", "丙局", "丙局", "丙局", D("60"), "中", True),  # another year: no pair
    )
    out = app.self_review(units)
    assert list(out["display"]) == ["甲局", "乙局"]
    assert list(out["score_diff"]) == [D("16.5"), D("2")] and list(out["grade_diff"]) == [2, 0]
    assert [app.grade_diff_label(g) for g in out["grade_diff"]] == ["自评高 2 档", "一致"]
    assert not out["illustrative"].any()
    assert app.self_review(units[units["kind"] != "自评"]).empty


def test_self_review_pairs_each_self_evaluation_once_with_the_latest_review():
    """A name that recurs in many evaluations of one year gives one pair per 自评, never one per combination."""
    selfs = [(i, 2023, "自评", f"自评{i}", "甲局", "甲局", "甲局", D("90"), "优", True) for i in range(1, 201)]
    reviews = [(1000 + i, 2023, "重点项目", f"复核{i}", "甲局", "甲局", "甲局", D(str(60 + i % 30)), "中", True)
               for i in range(300)]
    out = app.self_review(_units(*selfs, *reviews))
    assert len(out) == 200
    assert set(out["review_evaluation_id"]) == {1299}  # the latest review: 复核299, 60 + 299 % 30 = 89 points
    assert set(out["score_diff"]) == {D("1")}


def test_self_review_on_the_illustrative_sample_pair():
    import sample_data
    from evalcore import portfolio
    from evalcore.workbook import read_workbook
    paths = [p for p in sample_data.FIRST_RUN if "nanxian_czj_2022" in p.name] + [sample_data.SELF_REVIEW_SAMPLE]
    entries = [portfolio.Entry(i, i, read_workbook(p).evaluation) for i, p in enumerate(paths, 1)]
    out = app.self_review(portfolio.build(entries, __import__("datetime").date(2025, 1, 1)).units)
    [pair] = out.to_dict("records")
    assert pair["display"] == "南县财政局" and pair["illustrative"]
    assert (pair["self_score"], pair["review_score"], pair["score_diff"]) == (D("98.20"), D("94.50"), D("3.70"))


# --- the store ----------------------------------------------------------------------------------------------


def test_rules_with_history_and_audit(store):
    assert appstore.rules(store).rule("重点项目", "中").label == "调减 10%"
    with pytest.raises(PermissionDenied):
        appstore.set_rule(store, "重点项目", "中", "cut", "20", by=EVALUATOR)
    appstore.set_rule(store, "重点项目", "中", "cut", "20", "本局规定", by=ADMIN)
    rule = appstore.rules(store).rule("重点项目", "中")
    assert (rule.label, rule.note, rule.set_by, rule.is_default) == ("调减 20%", "本局规定", "管理员甲", False)
    with pytest.raises(StoreError, match="未改变"):
        appstore.set_rule(store, "重点项目", "中", "cut", "20.00", "本局规定", by=ADMIN)
    with pytest.raises(StoreError, match="比例"):
        appstore.set_rule(store, "重点项目", "中", "cut", "", by=ADMIN)
    appstore.set_rule(store, "重点项目", "中", "stop", None, "不再安排", by=ADMIN)
    history = appstore.rule_history(store)
    assert [(h.rule.label, h.active) for h in history] == [("取消", True), ("调减 20%", False)]
    assert history[1].retired_by == "管理员甲"
    appstore.reset_rule(store, "重点项目", "中", by=ADMIN)
    assert appstore.rules(store).rule("重点项目", "中").is_default
    entries = store.audit_log(actions=["rule_set", "rule_reset"])
    assert [e.action for e in entries] == ["rule_reset", "rule_set", "rule_set"]
    assert entries[2].before["处理"] == "调减 10%" and entries[2].after["处理"] == "调减 20%"
    assert store.audit_log(actions=["denied"])


def test_a_rule_changed_after_a_decision_does_not_rewrite_it(store, repo_root):
    version = store.ensure_sample(repo_root / SEED_PATH)
    ev = store.load(version.id)
    eid = version.evaluation_id
    kind = app.rows_from_evaluation(ev, eid)[0].kind
    appstore.set_rule(store, kind, "良", "cut", "37.5", by=ADMIN)
    first, second = app.suggest_all(app.rows_from_evaluation(ev, eid), appstore.rules(store))
    with pytest.raises(PermissionDenied):
        appstore.record_decision(store, first, "adopted", by=VIEWER)
    appstore.record_decision(store, first, "adopted", by=EVALUATOR)
    appstore.record_decision(store, second, "changed", "10000.00", "压减幅度过大，保留运维经费", by=EVALUATOR)
    appstore.set_rule(store, kind, "良", "keep", None, "保持", by=ADMIN)  # the rule changes afterwards

    kept = {d.unit: d for d in appstore.decisions(store, evaluation_id=eid)}
    assert (kept["市数据局"].decided, kept["市数据局"].suggested) == (D("2125.04"), D("2125.04"))
    assert kept["市数据局"].rule.label == "调减 37.5%"  # the rule it was made under
    assert (kept["市数据中心"].decided, kept["市数据中心"].difference) == (D("10000.00"), D("3167.93"))
    now = app.suggest_all(app.rows_from_evaluation(ev, eid), appstore.rules(store))
    table = app.with_decisions(now, appstore.decisions(store, evaluation_id=eid))
    assert list(table["suggested"]) == [D("3400.06"), D("10931.32")]  # today's rule
    assert list(table["decided"]) == [D("2125.04"), D("10000.00")]  # unchanged
    assert list(table["decided_rule"]) == ["调减 37.5%", "调减 37.5%"]
    assert list(table["decision"]) == ["采纳建议", "调整后决定"]

    appstore.record_decision(store, now[0], "adopted", by=ADMIN)  # a new decision retires the old one
    assert len(appstore.decisions(store, evaluation_id=eid)) == 2
    assert len(appstore.decisions(store, units=[(eid, "市数据局")], history=True)) == 2
    assert [e.action for e in store.audit_log(actions=["decision_record"])] == ["decision_record"] * 3
    with pytest.raises(StoreError, match="理由"):
        appstore.record_decision(store, now[0], "changed", "1.00", by=ADMIN)


def test_a_reviewed_self_evaluation_is_not_counted_twice():
    rows = [app.UnitRow(1, 2022, "自评", "甲", "优", True, D("100.00"), identity="甲局"),
            app.UnitRow(2, 2022, "部门整体", "甲", "中", True, D("100.00"), identity="甲局"),
            app.UnitRow(3, 2023, "自评", "甲", "优", True, D("100.00"), identity="甲局")]
    keep, dropped = app.without_reviewed_self(rows)
    assert [r.evaluation_id for r in keep] == [2, 3] and [r.evaluation_id for r in dropped] == [1]
    assert app.totals(app.suggest_all(keep, app.default_rules())).cut == D("5.00")
