"""The portfolio samples: real published evaluation results (plus one labelled illustrative evaluation), each
checked against the figures its published text states, the committed workbooks up to date, and a first run that
loads them all."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

import sample_data
from evalcore import budget, catalog, portfolio
from evalcore.workbook import read_workbook
from sample_data.build_portfolio import REPORTS, SAMPLES, SOURCES, main, source_evaluation, workbook_path


def _ev(name):
    result = read_workbook(workbook_path(name))
    assert result.ok, result.errors
    return result.evaluation


def _text(name) -> str:
    return (REPORTS / f"{name}.txt").read_text(encoding="utf-8")


def test_committed_workbooks_are_up_to_date():
    assert main(["--check"]) == 0


@pytest.mark.parametrize("name", [n for n in SAMPLES if "illustrative" not in n])
def test_every_real_sample_keeps_its_published_text_and_source_address(name):
    assert _text(name).strip()
    source = source_evaluation(name).meta.source
    toml = SOURCES / f"{name}.toml"
    address = toml.read_text(encoding="utf-8") if toml.exists() else ""
    assert "http" in source or "http" in address or SAMPLES[name] == "text"


def test_honghe_2024_read_by_the_parser():
    ev = _ev("honghe_sjzx_2024")
    assert (ev.meta.region, ev.meta.year) == ("红河州", 2024)
    assert "调整预算后项目预算861.46万元" in _text("honghe_sjzx_2024")
    [unit] = ev.units
    assert (unit.key, unit.name) == ("州数据发展中心", "红河州数据发展中心")
    assert budget.overall(ev).budget == D("861.46") and budget.overall(ev).executed is None  # 到位 ≠ 执行
    assert portfolio.kind_of(ev.meta) == ("自评", True)


def test_nanxian_2020_and_2021():
    a, b = _ev("nanxian_czj_2020"), _ev("nanxian_czj_2021")
    assert "综合评分为97分" in _text("nanxian_czj_2020")
    assert a.results[0].stated_score == D(97) and a.results[0].stated_grade is None  # the text states no grade
    assert "2021年支出合计3050.29万元" in _text("nanxian_czj_2021")
    assert budget.overall(b).executed == D("3050.29") and budget.overall(b).budget is None
    assert portfolio.kind_of(a.meta)[0] == portfolio.kind_of(b.meta)[0] == "部门整体"


def test_daying_2021():
    ev = _ev("daying_2021")
    text = _text("daying_2021")
    assert "项目支出费用20.42万元,支付率68.07%" in text
    [line] = ev.budget_lines
    assert (line.budget, line.executed, line.stated_rate) == (None, D("20.42"), D("68.07"))
    assert len(ev.problems) == 2 and all(p.text.rstrip("。") in text for p in ev.problems)
    assert [r.text in text for r in ev.recommendations] == [True]


def test_fengze_2019():
    ev = _ev("fengze_2019")
    text = _text("fengze_2019")
    assert "93.4分、91分、81.5分" in text and "7300万元" in text
    got = {r.unit: (r.stated_score, r.stated_grade) for r in ev.results}
    assert got == {"禁毒工作专项": (D("93.4"), None), "社区公厕改造": (D(91), "优"),
                   "扶持企业专项": (D("81.5"), "良"), "区卫健局": (None, "优")}
    assert ev.meta.stated_total_budget == D(7300)


def test_illustrative_evaluation_is_labelled_everywhere():
    ev = _ev("nanxian_czj_2022_illustrative")
    assert "示例数据" in ev.meta.title and "示例数据" in ev.meta.source and "示例数据" in ev.meta.conclusion
    assert all("示例数据" in p.text for p in ev.problems)


def test_one_unit_in_three_years():
    entries = [portfolio.Entry(i, i, read_workbook(p).evaluation) for i, p in enumerate(sample_data.FIRST_RUN, 1)]
    p = portfolio.build(entries, dt.date(2025, 1, 1))
    rec = portfolio.recurring_units(p.units, min_years=3)
    assert list(rec["display"]) == ["南县财政局"]
    trend = portfolio.unit_trend(p.units, rec["identity"].iloc[0])
    assert list(trend["year"]) == [2020, 2021, 2022]
    assert list(trend["score"]) == [D(97), None, D("94.50")]
    k = portfolio.kpis(p)
    assert k.evaluations == 7 and len({e.evaluation.meta.region for e in entries}) == 5


def test_first_run_loads_every_sample(store):
    written = catalog.ensure_samples(store, sample_data.first_run({"EVALBOARD_SAMPLES": "all"}))
    assert len(written) == 7 and all(v.kind == "sample" for v in written)
    assert catalog.ensure_samples(store, sample_data.FIRST_RUN) == []  # not twice
    assert len(store.evaluations()) == 7
    assert sample_data.first_run({"EVALBOARD_SAMPLES": "seed"}) == (sample_data.WORKBOOK,)
    assert sample_data.first_run({}) == sample_data.FIRST_RUN
