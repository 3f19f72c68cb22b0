"""Partial data reads as partial (issue 28, item 1): a figure the report states is shown, and what it does not
state is said once, in words ("报告未列预算"), never as a row of "—" tiles, "nan", "None" or an empty chart frame.

A stated figure always wins over "—": an evaluation whose units have no budget lines but whose report states a
total (报告资金总额) shows that total; a unit with a stated grade and no score shows the grade.
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from evalcore import budget, kpi
from evalcore.archive import picker
from evalcore.budget import RateResult
from evalcore.model import Evaluation
from evalcore.numbers import fmt_amount, fmt_rate, fmt_score, tile_amount

from . import cache, cards, standing
from .text import plain

RATE_HELP = "实际执行 ÷ 预算 × 100%（按各单位合计计算）"


def known(value) -> bool:
    """A value that is there: not None, not NaN (pandas turns a missing string into NaN)."""
    if value is None:
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def headline(ev: Evaluation, overall: RateResult) -> list[tuple[str, str, str | None]]:
    """The headline figures as (label, value, help), only those the report states or that follow from what it
    states; the units' sums first, else the report's own totals (报告资金总额 / 报告实际执行总额)."""
    budget, budget_label = overall.budget, "预算总额"
    if budget is None and ev.meta.stated_total_budget is not None:
        budget, budget_label = ev.meta.stated_total_budget, "报告资金总额"
    executed, executed_label = overall.executed, "实际执行"
    if executed is None and ev.meta.stated_total_executed is not None:
        executed, executed_label = ev.meta.stated_total_executed, "报告实际执行总额"
    rate = overall.rate
    if rate is None and budget and executed is not None and overall.budget is None:
        rate = executed / budget * Decimal(100)
    tiles: list[tuple[str, str, str | None]] = []
    for label, amount in ((budget_label, budget), (executed_label, executed)):
        if amount is not None:  # past 10 亿元 the compact form (≈752 亿元), the exact 万元 figure in the tooltip
            tiles.append((label, *tile_amount(amount)))
    if rate is not None:
        tiles.append(("总体预算执行率", fmt_rate(rate), RATE_HELP))
    return tiles


def missing_headline(tiles: list[tuple[str, str, str | None]]) -> str:
    """One sentence for what the headline cannot show ("" when it shows everything)."""
    labels = {t[0] for t in tiles}
    has_budget = bool(labels & {"预算总额", "报告资金总额"})
    has_executed = bool(labels & {"实际执行", "报告实际执行总额"})
    if not has_budget and not has_executed:
        return "报告未列预算和实际执行金额，无法计算预算执行率。"
    if not has_budget:
        return "报告未列预算金额，无法计算预算执行率。"
    if not has_executed:
        return "报告未列实际执行金额，无法计算预算执行率。"
    if "总体预算执行率" not in labels:
        return "预算为零，无法计算预算执行率。"
    return ""


def _last_year(ev: Evaluation) -> RateResult | None:
    """The same evaluation a year earlier in the store (its overall budget and rate), or None."""
    try:
        infos = [] if ev.meta.year is None else picker.of_region_year(cache.store(), ev.meta.region or "",
                                                                       ev.meta.year - 1)  # not every evaluation
        info = kpi.previous_year(infos, ev.meta.region, ev.meta.year, ev.meta.title)
        return budget.overall(cache.load(info.active_version_id)) if info is not None else None
    except Exception:  # 同比 is extra information: never take the headline down
        return None


def headline_deltas(ev: Evaluation, overall: RateResult,
                    last: RateResult | None) -> dict[str, tuple[str, str]]:
    """Label -> (delta, what it is against): 同比 for the amounts, the distance to the target for the rate; only
    where there is one."""
    out: dict[str, tuple[str, str]] = {}
    year = f"{ev.meta.year - 1} 年" if ev.meta.year else "上年"
    if last is not None:
        for label, now, before in (("预算总额", overall.budget, last.budget),
                                   ("实际执行", overall.executed, last.executed)):
            if (delta := kpi.change(now, before)) is not None:
                out[label] = (delta, f"同比（{year}）")
    if (delta := kpi.target_delta(overall.rate, ev.meta.rate_target)) is not None:
        out["总体预算执行率"] = (delta, f"较目标 {fmt_rate(ev.meta.rate_target)}")
    return out


def headline_tiles(ev: Evaluation, overall: RateResult) -> None:
    """The 总览 headline: the stated figures as tiles (with 同比 and the distance to the target where there is
    one), the rate's red / amber / green mark with its rule, what is missing said once below them."""
    tiles = headline(ev, overall)
    deltas = headline_deltas(ev, overall, _last_year(ev))
    if tiles:
        for col, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
            delta, against = deltas.get(label, (None, None))
            col.metric(label, value, delta=delta, delta_description=against, border=True, height="stretch",
                       help=help_text, delta_color="normal" if label == "总体预算执行率" else "off")
    standing.rate_mark(overall.rate, ev.meta.rate_target)  # the mark with its rule in words beside it
    note = missing_headline(tiles)
    if note:
        st.caption(note)


def unit_missing(result: dict | None, rate: RateResult, budget_said: bool = False) -> list[str]:
    """What a unit card cannot show, in words (``budget_said``: the page has already said that no unit has a
    budget line, so the card does not repeat it)."""
    out = []
    if result is None or not known(result.get("score")):
        out.append("报告未公布得分")
    if rate.budget is None:
        if not budget_said:
            out.append("报告未列预算")
    elif rate.rate is None and rate.reason:
        out.append(rate.reason)
    return out


def unit_card_figures(result: dict | None, rate: RateResult, note: str = "", budget_said: bool = False) -> None:
    """A unit card's figures: 评价得分 and 预算执行率 when stated, the grade (stated wins, NaN is no grade), and
    one line for what the report does not state."""
    figures = []
    if result is not None and known(result.get("score")):
        figures.append(("评价得分", fmt_score(result["score"])))
    if rate.rate is not None:
        figures.append(("预算执行率", fmt_rate(rate.rate)))
    if figures:
        for col, (label, value) in zip(st.columns(len(figures)), figures, strict=True):
            col.metric(label, value)
    grade = result.get("grade") if result is not None else None
    if known(grade):
        cards.grade_badge(grade, derived=bool(result and result.get("grade_derived") is True))
    else:
        st.badge("未评等次", color="gray")
    if rate.budget is not None:
        executed = f"实际执行 {fmt_amount(rate.executed)}" if rate.executed is not None else "未列实际执行"
        st.caption(f"预算 {fmt_amount(rate.budget)}，{executed}")
    missing = unit_missing(result, rate, budget_said)
    if missing:  # the unit's note often says why (e.g. "未公布得分"): shown with what is missing, not otherwise
        st.caption(plain("；".join([*missing, note] if note else missing)))


def has_budget_lines(table: pd.DataFrame) -> bool:
    return bool(len(table)) and bool(table["budget"].notna().any())


def findings_note(ev: Evaluation, problems: pd.DataFrame, recs: pd.DataFrame) -> str:
    """One sentence for the findings sections the report does not list ("" when it lists them all)."""
    missing = [name for name, empty in (("产出成果及效益", not ev.achievement_areas), ("问题", not len(problems)),
                                        ("建议", not len(recs))) if empty]
    return f"报告未列{'、'.join(missing)}。" if missing else ""
