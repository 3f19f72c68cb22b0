"""The slide plan: one definition of the 演示 page, the PPTX and the HTML, checked against the seed's figures."""
import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest

from evalcore.export.chart_kinds import KINDS as CHART_KINDS
from evalcore.export.slides import ILLUSTRATIVE_LABEL, slide_plan
from evalcore.model import BudgetLine, Evaluation, Meta, Problem, Recommendation, Unit

AS_OF = dt.date(2026, 11, 28)
KINDS = ["cover", "figures", "budget", "scores", "achievements", "problems", "recommendations", "rectification",
         "application", "conclusion"]


@pytest.fixture(scope="module")
def plan(ev):
    return slide_plan(ev, AS_OF)


def by_kind(plan):
    return {s.kind: s for s in plan}


def test_the_slides_in_order(plan):
    assert [s.kind for s in plan] == KINDS
    assert all(s.title for s in plan)


def test_cover_names_title_year_and_evaluator(plan):
    cover = plan[0]
    assert cover.title == "2023年度长沙市信息化建设和运维项目绩效评价结果"
    assert "2023 年度" in cover.subtitle and "长沙市财政局绩效评价工作组" in cover.subtitle


def test_key_figures(plan):
    tiles = {t.label: t for t in by_kind(plan)["figures"].tiles}
    assert tiles["预算总额"].value == "14,331.38 万元"
    assert tiles["实际执行"].value == "13,563.60 万元"
    assert tiles["总体预算执行率"].value == "94.64%"
    assert (tiles["市数据局 得分"].value, tiles["市数据局 得分"].note) == ("86.98", "等次：良")
    assert (tiles["市数据中心 得分"].value, tiles["市数据中心 得分"].note) == ("86.38", "等次：良")
    assert (tiles["问题"].value, tiles["问题"].note) == ("19 项", "6 类")
    assert (tiles["建议"].value, tiles["建议"].note) == ("18 条", "6 类")


def test_budget_sentences_use_the_reports_wording(plan, seed_text):
    budget = by_kind(plan)["budget"]
    flat = seed_text.replace("\n", "").replace(" ", "")
    expected = [
        "2023年信息化建设和运维项目资金总额为14331.38万元。其中：市数据局3400.06万元；市数据中心10931.32万元。",
        "市数据局实际执行项目资金预算2811.47万元，项目预算执行率为82.69%。",
        "市数据中心实际执行项目资金预算10752.13万元，项目预算执行率为98.36%。",
    ]
    assert list(budget.sentences) == expected
    for sentence in expected:  # word for word as published (the seed breaks a line inside one of them)
        assert sentence in flat
    assert budget.footnotes == ("数智科技集团：无预算安排",)


def test_budget_chart_data(plan):
    budget, rates = by_kind(plan)["budget"].charts
    assert budget.kind == "budget" and rates.kind == "rates"
    assert list(budget.data["unit"]) == ["市数据局", "市数据中心"]  # no budget line, no bar
    assert list(budget.data["budget"]) == [Decimal("3400.06"), Decimal("10931.32")]
    assert list(budget.data["executed"]) == [Decimal("2811.47"), Decimal("10752.13")]
    assert [f"{r:.2f}" for r in rates.data["rate"]] == ["82.69", "98.36"]
    assert rates.options["target"] == Decimal(90)
    assert "目标 90.00%" in rates.title


def test_scores_slide(plan):
    scores = by_kind(plan)["scores"]
    assert scores.sentences == ("市数据局评价得分为86.98分，等次为“良”。", "市数据中心评价得分为86.38分，等次为“良”。")
    assert scores.footnotes == ("等次划分：90分及以上为优，80分及以上为良，60分及以上为中，60分以下为差。",)
    (radar,) = scores.charts
    assert radar.kind == "dimensions" and radar.illustrative
    assert scores.table.header == ("指标", "市数据局", "市数据中心")
    rows = {r[0]: r[1:] for r in scores.table.rows}
    assert rows["决策"] == ("13.50 / 15.00", "12.00 / 15.00")
    assert rows["总分"] == ("86.98", "86.38")
    assert rows["等次"] == ("良", "良")


def test_illustrative_slides_are_labelled(plan, ev):
    flagged = {s.kind for s in plan if s.illustrative}
    assert flagged == {"scores", "rectification"}  # what the sample workbook flags, and nothing else
    for s in plan:
        if s.illustrative:
            assert s.illustrative_note == ev.meta.illustrative_note
            assert f"{ILLUSTRATIVE_LABEL}：{ev.meta.illustrative_note}" in s.notes
            assert all(c.illustrative for c in s.charts)


def test_achievements_verbatim(plan, ev):
    blocks = by_kind(plan)["achievements"].blocks
    assert [b.heading for b in blocks] == [
        "（一）不断打造样板标杆，持续发展数字经济", "（二）不断完善建立机制，节约财政建设资金",
        "（三）不断强化集约安全，建优建强基础设施", "（四）不断满足建设需求，提升日常应用成效",
        "（五）不断深化共享应用，释放数据要素价值"]
    assert sum(len(b.lines) for b in blocks) == len(ev.achievements)
    assert blocks[3].lines == ("优化政务服务“一网通办”。", "完善公共服务“一网通享”。", "加快城市运行“一网统管”。")


def test_problems_and_recommendations(plan):
    problems = by_kind(plan)["problems"]
    assert problems.sentences[0] == "评价发现6类19项主要问题。"
    (chart,) = problems.charts
    assert list(chart.data["count"]) == [2, 3, 5, 5, 3, 1]
    assert "（六）绩效目标编制质量不高：1项" in problems.notes
    recs = by_kind(plan)["recommendations"]
    assert recs.sentences == ("针对上述问题，提出6类18条建议。", "每一类建议回应同序号的一类问题。")
    assert list(recs.charts[0].data["count"]) == [3, 3, 3, 4, 2, 3]
    assert recs.table.rows[0] == ("（一）资金使用管理效率有待提高", "（一）进一步提高资金预算管理效率", "3条")


def test_rectification(plan):
    rect = by_kind(plan)["rectification"]
    assert rect.sentences == ("截至2026年11月28日，19项整改事项中已整改13项，整改率为68.42%，逾期未完成4项。",)
    status, closed = rect.charts
    assert dict(zip(status.data["status"], status.data["count"], strict=True)) == {
        "未开始": 1, "整改中": 4, "已整改": 13, "未整改": 1}
    assert status.options["rate_label"] == "68.42%"
    assert list(closed.data["cumulative"])[-1] == 13 and closed.options["total"] == 19


def test_conclusion_verbatim(plan, ev):
    conclusion = by_kind(plan)["conclusion"]
    assert conclusion.sentences == (ev.meta.conclusion,)
    assert "绩效评价等次均为“良”" in conclusion.notes


def test_every_chart_kind_is_known_and_has_its_columns(plan):
    for s in plan:
        for c in s.charts:
            assert set(CHART_KINDS[c.kind].columns) <= set(c.data.columns), (s.kind, c.kind)
            assert not c.data.empty


def test_notes_carry_the_key_sentences(plan):
    for s in plan:
        for sentence in s.sentences:
            assert sentence in s.notes


def sparse() -> Evaluation:
    return Evaluation(
        meta=Meta(title="2024年度某县农业补贴项目绩效评价结果", year=2024, evaluator="某县财政局"),
        units=(Unit("县农业局", "某县农业农村局"), Unit("乡镇站", "某乡农技站")),
        budget_lines=(BudgetLine("县农业局", Decimal("120.50"), Decimal("96.40")),
                      BudgetLine("乡镇站", Decimal("0"), Decimal("0"))),
        problems=(Problem("P1-1", 1, "资金拨付不及时", 1, "补贴资金拨付滞后。"),),
        recommendations=(Recommendation("R1-1", 1, "加快资金拨付", 1, "按月拨付补贴资金。"),),
    )


def test_a_sparse_evaluation_gives_every_slide_without_invented_charts():
    plan = slide_plan(sparse(), AS_OF)
    assert [s.kind for s in plan] == KINDS
    kinds = {s.kind: s for s in plan}
    assert not any(s.illustrative for s in plan)
    assert [c.kind for c in kinds["budget"].charts] == ["budget", "rates"]
    assert list(kinds["budget"].charts[1].data["unit"]) == ["县农业局"]  # a zero budget has no rate
    assert "乡镇站：预算为 0，无法计算执行率" in kinds["budget"].footnotes
    assert kinds["scores"].charts == () and kinds["scores"].table is None
    assert kinds["rectification"].charts == () and kinds["rectification"].sentences == ("尚未录入整改事项。",)
    assert kinds["conclusion"].sentences == ("报告未给出评价结论。",)


def test_the_plan_needs_neither_plotly_nor_streamlit():
    code = ("import sys, evalcore.export.slides; "
            "print(sorted(m for m in ('plotly', 'streamlit') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def many_units(n: int = 8) -> Evaluation:
    from evalcore.model import UnitResult

    units = tuple(Unit(f"单位{i}", f"某某市第{i}单位") for i in range(1, n + 1))
    lines = tuple(BudgetLine(u.key, Decimal(100 * i), Decimal(90 * i - i * i)) for i, u in enumerate(units, 1))
    results = tuple(UnitResult(u.key, Decimal("70") + Decimal(i) * Decimal("2.5")) for i, u in enumerate(units, 1))
    return Evaluation(meta=Meta(title="多单位评价", year=2024, project="专项资金"), units=units, budget_lines=lines,
                      results=results)


def test_many_units_are_summarised_rather_than_listed():
    plan = {s.kind: s for s in slide_plan(many_units(), AS_OF)}
    assert plan["budget"].sentences[1] == "8个单位中，预算执行率最高为单位1（89.00%），最低为单位8（82.00%）。"
    assert len(plan["budget"].charts[0].data) == 8  # the charts still show every unit
    assert plan["scores"].sentences == ("8个单位参与评分，最高为单位8（90.00分），最低为单位1（72.50分）。",)
    assert [t.label for t in plan["figures"].tiles] == ["预算总额", "实际执行", "总体预算执行率", "问题", "建议"]
    assert plan["conclusion"].tiles == ()
