"""评分: the indicator tree, leaf scoring (by evaluators or by rule), expert combination, roll-up and grades."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import pandas as pd

from .budget import unit_rates
from .model import DEFAULT_BANDS, Evaluation, GradeBand, Indicator, Score, UnitResult
from .numbers import HUNDRED, ZERO, round2, to_decimal

METHODS = {
    "manual": "评价人员打分",
    "rate_proportional": "预算执行率按比例",
    "banded": "分档计分",
    "deduction": "扣分制",
}
METHOD_BY_LABEL = {v: k for k, v in METHODS.items()}
EXPERT_METHODS = {"mean": "平均值", "trimmed_mean": "去掉最高分和最低分后平均"}
EXPERT_METHOD_BY_LABEL = {v: k for k, v in EXPERT_METHODS.items()}


def grade_for(score: Decimal | None, bands: tuple[GradeBand, ...] = DEFAULT_BANDS) -> str | None:
    """The grade whose inclusive lower bound the score reaches (bands checked from the highest)."""
    if score is None:
        return None
    for band in sorted(bands, key=lambda b: b.lower, reverse=True):
        if score >= band.lower:
            return band.grade
    return min(bands, key=lambda b: b.lower).grade if bands else None


def parse_bands(text: str) -> tuple[GradeBand, ...]:
    """"优:90;良:80;中:60;差:0" -> bands. Raises ValueError with a Chinese message."""
    bands = []
    for part in re.split(r"[;；,，\s]+", text.strip()):
        if not part:
            continue
        m = re.fullmatch(r"(.+?)[:：≥>=]+(.+)", part)
        if not m:
            raise ValueError(f"等次划分“{part}”应写成 等次:下限，例如 优:90")
        bands.append(GradeBand(m.group(1).strip(), to_decimal(m.group(2))))
    if not bands:
        raise ValueError("等次划分为空")
    return tuple(sorted(bands, key=lambda b: b.lower, reverse=True))


def format_bands(bands: tuple[GradeBand, ...]) -> str:
    return ";".join(f"{b.grade}:{b.lower}" for b in bands)


def combine_experts(values: list[Decimal], method: str = "mean") -> Decimal | None:
    """Mean, or trimmed mean (one highest and one lowest dropped when there are at least 3)."""
    if not values:
        return None
    vals = sorted(values)
    if method == "trimmed_mean" and len(vals) >= 3:
        vals = vals[1:-1]
    return sum(vals, ZERO) / Decimal(len(vals))


def parse_banded(params: str) -> list[tuple[Decimal, Decimal]]:
    """"95:100;90:80;80:60;0:0" -> [(rate threshold %, share of points %)], highest threshold first."""
    return list(_parse_banded(params))


@lru_cache(maxsize=256)
def _parse_banded(params: str) -> tuple[tuple[Decimal, Decimal], ...]:
    """:func:`parse_banded`, memoised (every unit scores the same banded leaves); a tuple, so nobody can change
    the cached value. A ValueError is not cached: bad params raise every time."""
    out = []
    for part in re.split(r"[;；,，\s]+", params.strip()):
        if not part:
            continue
        m = re.fullmatch(r"[≥>=]*\s*([\d.]+)%?\s*[:：]\s*([\d.]+)%?", part)
        if not m:
            raise ValueError(f"分档参数“{part}”应写成 执行率下限:得分比例，例如 95:100")
        out.append((to_decimal(m.group(1)), to_decimal(m.group(2))))
    if not out:
        raise ValueError("分档参数为空")
    return tuple(sorted(out, reverse=True))


def rule_score(ind: Indicator, rate: Decimal | None) -> tuple[Decimal | None, str]:
    """Score of a rule-scored leaf from the unit's execution rate (%), rounded half-up to 2 decimals."""
    if rate is None:
        return None, "无预算执行率，无法按规则计分"
    if ind.method == "rate_proportional":
        share = min(rate, HUNDRED) / HUNDRED
        return round2(share * ind.points), ""
    if ind.method == "banded":
        for threshold, share in _parse_banded(ind.params):
            if rate >= threshold:
                return round2(ind.points * share / HUNDRED), ""
        return ZERO, ""
    raise ValueError(f"指标 {ind.id} 的评分方式 {ind.method} 不是规则计分")


# --- the tree ---------------------------------------------------------------------------------------------

def children_of(indicators: tuple[Indicator, ...]) -> dict[str | None, list[Indicator]]:
    out: dict[str | None, list[Indicator]] = defaultdict(list)
    for ind in indicators:
        out[ind.parent].append(ind)
    return out


def leaves(indicators: tuple[Indicator, ...]) -> list[Indicator]:
    parents = {i.parent for i in indicators if i.parent}
    return [i for i in indicators if i.id not in parents]


@dataclass(frozen=True)
class PointsProblem:
    indicator: str | None  # None: the top level
    expected: Decimal
    found: Decimal
    message: str


def check_points(indicators: tuple[Indicator, ...]) -> list[PointsProblem]:
    """分值 must sum to 100 at the top level, and children must sum to their parent's points."""
    if not indicators:
        return []
    problems = []
    kids = children_of(indicators)
    top = sum((i.points for i in kids.get(None, [])), ZERO)
    if top != HUNDRED:
        problems.append(PointsProblem(None, HUNDRED, top, f"一级指标分值合计为 {top}，应为 100"))
    for ind in indicators:
        ch = kids.get(ind.id)
        if ch:
            total = sum((c.points for c in ch), ZERO)
            if total != ind.points:
                problems.append(PointsProblem(
                    ind.id, ind.points, total,
                    f"指标 {ind.id}“{ind.name}”的下级指标分值合计为 {total}，应等于其分值 {ind.points}"))
    return problems


# --- scoring a unit ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitScore:
    unit: str
    node_scores: dict[str, Decimal]  # every indicator id -> score (unrounded); missing when not scorable
    computed_total: Decimal | None
    stated_total: Decimal | None
    stated_grade: str | None
    notes: dict[str, str]  # indicator id -> why it has no score / 扣分说明

    @property
    def total(self) -> Decimal | None:
        """A published total is authoritative; otherwise the computed one."""
        return self.stated_total if self.stated_total is not None else self.computed_total

    @property
    def breakdown_disagrees(self) -> bool:
        return (self.stated_total is not None and self.computed_total is not None
                and round2(self.computed_total) != round2(self.stated_total))


@dataclass(frozen=True, eq=False)
class ScoringContext:
    """What :func:`score_unit` needs from the whole evaluation, computed once by :func:`scoring_context`.

    With it, scoring every unit is linear in the number of score rows: each unit reads only its own rows (the old
    way, one scan of all of ``ev.scores`` per unit, was quadratic: 4 of the 6 seconds of a 1,000-unit import).
    """

    leaves: tuple[Indicator, ...]
    children: dict[str | None, list[Indicator]]
    scores_by_unit: dict[str, list[Score]]  # unit -> its score rows, in listed order
    results_by_unit: dict[str, UnitResult]  # unit -> its published result (the first listed, if several)


def group_scores(scores: Sequence[Score]) -> dict[str, list[Score]]:
    """Score rows by unit, each unit's rows in listed order: one pass over ``scores``."""
    out: dict[str, list[Score]] = defaultdict(list)
    for s in scores:
        out[s.unit].append(s)
    return dict(out)


def scoring_context(ev: Evaluation) -> ScoringContext:
    results: dict[str, UnitResult] = {}
    for r in ev.results:
        results.setdefault(r.unit, r)
    return ScoringContext(
        leaves=tuple(leaves(ev.indicators)),
        children=children_of(ev.indicators),
        scores_by_unit=group_scores(ev.scores),
        results_by_unit=results,
    )


def score_unit(ev: Evaluation, unit: str, rate: Decimal | None = None, *,
               context: ScoringContext | None = None, rate_reason: str = "") -> UnitScore:
    """One unit's scores: leaves by evaluators (experts combined) or by rule from ``rate``, rolled up the tree.

    ``context`` (from :func:`scoring_context`) saves re-reading the whole evaluation when scoring many units, as
    :func:`all_unit_scores` does; without it one is built for this call. ``rate_reason`` says why there is no
    rate (from :mod:`evalcore.budget`), added to the note of a rule-scored leaf that cannot be scored.
    """
    ctx = context if context is not None else scoring_context(ev)
    unit_scores = ctx.scores_by_unit.get(unit, ())
    by_leaf: dict[str, list[Decimal]] = defaultdict(list)
    notes: dict[str, list[str]] = defaultdict(list)
    for s in unit_scores:
        by_leaf[s.indicator].append(s.score)
        if s.note:
            notes[s.indicator].append(f"{s.expert}：{s.note}" if s.expert else s.note)
    node: dict[str, Decimal] = {}
    why: dict[str, str] = {}
    for leaf in ctx.leaves:
        if leaf.method in ("rate_proportional", "banded"):
            value, reason = rule_score(leaf, rate)
            if value is None:
                why[leaf.id] = f"{reason}（{rate_reason}）" if rate_reason else reason
            else:
                node[leaf.id] = value
        else:
            value = combine_experts(by_leaf.get(leaf.id, []), ev.meta.expert_method)
            if value is not None:
                node[leaf.id] = value
        if leaf.id in notes:
            why[leaf.id] = "；".join(notes[leaf.id])
    kids = ctx.children

    def roll(ind: Indicator) -> Decimal | None:
        ch = kids.get(ind.id)
        if not ch:
            return node.get(ind.id)
        parts = [roll(c) for c in ch]
        if any(p is None for p in parts):
            return None
        node[ind.id] = sum((p for p in parts if p is not None), ZERO)
        return node[ind.id]

    tops = [roll(t) for t in kids.get(None, [])]
    known = [t for t in tops if t is not None]
    computed = sum(known, ZERO) if tops and unit_scores and len(known) == len(tops) else None
    result = ctx.results_by_unit.get(unit)
    return UnitScore(
        unit=unit,
        node_scores=node,
        computed_total=computed,
        stated_total=result.stated_score if result else None,
        stated_grade=result.stated_grade if result else None,
        notes=why,
    )


def scored_units(ev: Evaluation, context: ScoringContext | None = None) -> list[str]:
    """Units that have a published result or any indicator score, in listed order."""
    if context is not None:
        keys = context.results_by_unit.keys() | context.scores_by_unit.keys()
    else:
        keys = {r.unit for r in ev.results} | {s.unit for s in ev.scores}
    return [u.key for u in ev.units if u.key in keys]


def all_unit_scores(ev: Evaluation) -> dict[str, UnitScore]:
    """Every scored unit's :class:`UnitScore`, in listed order: the evaluation is read once, not once per unit."""
    rates = unit_rates(ev)
    ctx = scoring_context(ev)
    out = {}
    for u in scored_units(ev, ctx):
        r = rates.get(u)
        out[u] = score_unit(ev, u, r.rate if r else None, context=ctx, rate_reason=r.reason if r else "")
    return out


def results_table(ev: Evaluation) -> pd.DataFrame:
    """Per scored unit: total (authoritative), computed, stated, grade, stated grade, whether the grade is derived
    from the bands (the report states none), agreement."""
    rows = []
    for key, us in all_unit_scores(ev).items():
        # a grade the report states wins (also without a score); else the one read off the bands
        grade = us.stated_grade or grade_for(us.total, ev.meta.grade_bands)
        rows.append({
            "unit": key,
            "score": us.total,
            "computed": us.computed_total,
            "stated": us.stated_total,
            "grade": grade,
            "stated_grade": us.stated_grade,
            # the report states no grade: this one is read off the bands, and is shown as such (never as stated)
            "grade_derived": bool(grade) and not us.stated_grade,
            "breakdown_agrees": not us.breakdown_disagrees,
        })
    df = pd.DataFrame(rows, columns=["unit", "score", "computed", "stated", "grade", "stated_grade",
                                     "grade_derived", "breakdown_agrees"])
    # a missing grade stays None (pandas would make it NaN, which reads "nan" on a page)
    for col in ("grade", "stated_grade"):
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df


def indicator_table(ev: Evaluation) -> pd.DataFrame:
    """Long table: unit x indicator with level, parent, dimension (一级), points, score, deduction (扣分)."""
    by_id = {i.id: i for i in ev.indicators}

    def dimension(ind: Indicator) -> Indicator:
        while ind.parent and ind.parent in by_id:
            ind = by_id[ind.parent]
        return ind

    leaf_ids = {i.id for i in leaves(ev.indicators)}
    rows = []
    for key, us in all_unit_scores(ev).items():
        for ind in ev.indicators:
            score = us.node_scores.get(ind.id)
            rows.append({
                "unit": key,
                "id": ind.id,
                "name": ind.name,
                "level": ind.level,
                "parent": ind.parent,
                "dimension": dimension(ind).name,
                "is_leaf": ind.id in leaf_ids,
                "method": METHODS.get(ind.method, ind.method),
                "points": ind.points,
                "score": score,
                "deduction": (ind.points - score) if score is not None else None,
                "note": us.notes.get(ind.id, ""),
            })
    return pd.DataFrame(rows, columns=["unit", "id", "name", "level", "parent", "dimension", "is_leaf", "method",
                                       "points", "score", "deduction", "note"])


def dimension_table(ev: Evaluation) -> pd.DataFrame:
    """Per unit x 一级指标: points, score, score as % of points."""
    df = indicator_table(ev)
    if df.empty:
        return pd.DataFrame(columns=["unit", "id", "name", "points", "score", "share"])
    top = df[df["level"] == df["level"].min()].copy()
    top["share"] = [
        (s / p * HUNDRED) if (s is not None and p) else None for s, p in zip(top["score"], top["points"], strict=True)
    ]
    return top[["unit", "id", "name", "points", "score", "share"]].reset_index(drop=True)
