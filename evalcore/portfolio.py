"""The portfolio (评价总览): figures across many evaluations and years.

Input: the active version of each evaluation, as :class:`Entry` (store id, version id, evaluation). Everything is
computed once into plain tables (:class:`Portfolio`, built by :func:`build`), and the page filters those tables;
the app caches :func:`build` by the set of version ids, so nothing here runs per page view.

Rules (the same as for one evaluation, summed):

* funds (资金) are budgets in 万元 (Decimal); the funds-weighted execution rate is Σ 实际执行 ÷ Σ 预算 over the units
  whose budget lines all give both amounts and a budget above 0 (a unit with a missing amount is left out of both
  sums and counted in ``rate_units_left_out``);
* a unit's 等次 is the grade the report states when it states one, else the grade its score falls in by the
  evaluation's own bands, marked ``grade_stated=False`` so the page never shows it as a stated grade;
* 整改率 = 已整改 items ÷ all 整改 items of the evaluations shown; overdue = past the deadline and not closed on
  ``as_of``; evaluations whose 整改 progress is illustrative (示例数据) are flagged.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from . import budget, problem_themes, rectification, scoring
from .matching import Alias, UnitMatcher, UnitName
from .model import KINDS, Evaluation, Meta
from .numbers import ZERO, percent

GRADES = ("优", "良", "中", "差")
NO_GRADE = "无等次"
NO_KIND = "未注明"

# 评价类型 when the workbook does not state it: words of the title (then of the conclusion), first match wins.
KIND_RULES: tuple[tuple[str, str], ...] = (
    ("自评", "自评"),
    ("部门整体", "部门整体"),
    ("整体支出", "部门整体"),
    ("专项资金", "专项资金"),
    ("专项经费", "专项资金"),
    ("重点绩效评价", "重点项目"),
    ("重点项目", "重点项目"),
    ("重点评价", "重点项目"),
)


@dataclass(frozen=True)
class Entry:
    id: int  # the store's evaluation id
    version_id: int  # the active version shown
    evaluation: Evaluation


def kind_of(meta: Meta) -> tuple[str, bool]:
    """(评价类型, inferred): the kind the workbook states, else one read from the title or the conclusion by
    :data:`KIND_RULES` (inferred=True), else 未注明."""
    if meta.kind in KINDS:
        return meta.kind, False
    for text in (meta.title, meta.project, meta.conclusion):
        for word, kind in KIND_RULES:
            if word in re.sub(r"\s+", "", text or ""):
                return kind, True
    return NO_KIND, False


@dataclass
class Portfolio:
    evaluations: pd.DataFrame  # one row per evaluation
    units: pd.DataFrame  # one row per (evaluation, unit) with a budget or a score
    themes: pd.DataFrame  # one row per problem item, with its theme
    rectification: pd.DataFrame  # one row per 整改 item, with its evaluation
    version_ids: tuple[int, ...] = field(default=())


EVAL_COLUMNS = ["evaluation_id", "version_id", "region", "year", "kind", "kind_inferred", "title", "evaluator",
                 "units", "budget", "executed", "rate", "problems", "problem_categories", "rect_items", "rect_closed",
                 "rect_rate", "overdue", "rect_illustrative", "scores_illustrative"]
UNIT_COLUMNS = ["evaluation_id", "year", "region", "kind", "title", "unit", "name", "identity", "display", "via",
                 "alias_from", "budget", "executed", "rate", "rate_complete", "score", "grade", "grade_stated",
                 "problems"]


def _unit_names(entries: Sequence[Entry]) -> list[UnitName]:
    return [UnitName(e.evaluation.meta.region, u.key, u.name) for e in entries for u in e.evaluation.units]


def build(entries: Sequence[Entry], as_of: dt.date, aliases: Iterable[Alias | tuple[str, str]] = (),
          rules: Sequence[problem_themes.Theme] | None = None) -> Portfolio:
    """Every table of the portfolio, computed once."""
    matcher = UnitMatcher(_unit_names(entries), aliases)
    eval_rows, unit_rows, rect_frames = [], [], []
    for e in entries:
        ev = e.evaluation
        kind, inferred = kind_of(ev.meta)
        rates = budget.unit_rates(ev)
        scores = scoring.all_unit_scores(ev)
        naming: dict[str, int] = {}
        for p in ev.problems:
            if p.unit:
                naming[p.unit] = naming.get(p.unit, 0) + 1
        n_units = 0
        for u in ev.units:
            r = rates[u.key]
            us = scores.get(u.key)
            if r.budget is None and r.executed is None and us is None:
                continue  # named in the report (a finding, say) but neither funded nor scored
            n_units += 1
            total = us.total if us else None
            stated_grade = us.stated_grade if us else None
            grade = stated_grade or scoring.grade_for(total, ev.meta.grade_bands)
            ident = matcher.identity(UnitName(ev.meta.region, u.key, u.name))
            complete = r.rate is not None and r.complete
            unit_rows.append({
                "evaluation_id": e.id, "year": ev.meta.year, "region": ev.meta.region, "kind": kind,
                "title": ev.meta.title, "unit": u.key, "name": u.name or u.key, "identity": ident.key,
                "display": ident.display, "via": ident.via, "alias_from": ident.alias_from, "budget": r.budget,
                "executed": r.executed, "rate": r.rate, "rate_complete": complete, "score": total,
                "grade": grade or NO_GRADE, "grade_stated": bool(stated_grade), "problems": naming.get(u.key, 0),
            })
        overall = budget.overall(ev)
        rect = rectification.rectification_items(ev, as_of)
        rs = rectification.rectification_summary(ev, as_of)
        if not rect.empty:
            rect_frames.append(rect.assign(evaluation_id=e.id, year=ev.meta.year,
                                           illustrative=ev.is_illustrative("rectification")))
        eval_rows.append({
            "evaluation_id": e.id, "version_id": e.version_id, "region": ev.meta.region, "year": ev.meta.year,
            "kind": kind, "kind_inferred": inferred, "title": ev.meta.title, "evaluator": ev.meta.evaluator,
            "units": n_units, "budget": overall.budget, "executed": overall.executed, "rate": overall.rate,
            "problems": len(ev.problems), "problem_categories": len(ev.problem_categories),
            "rect_items": rs.total, "rect_closed": rs.closed, "rect_rate": rs.rate, "overdue": rs.overdue,
            "rect_illustrative": ev.is_illustrative("rectification") and rs.total > 0,
            "scores_illustrative": ev.is_illustrative("scores"),
        })
    rect_all = pd.concat(rect_frames, ignore_index=True) if rect_frames else pd.DataFrame(
        columns=["evaluation_id", "year", "illustrative", "id", "status", "closed", "overdue"])
    return Portfolio(
        evaluations=pd.DataFrame(eval_rows, columns=EVAL_COLUMNS),
        units=pd.DataFrame(unit_rows, columns=UNIT_COLUMNS),
        themes=problem_themes.problem_themes(((e.id, e.evaluation) for e in entries), rules),
        rectification=rect_all,
        version_ids=tuple(sorted(e.version_id for e in entries)),
    )


# --- filters ----------------------------------------------------------------------------------------------

def filter_ids(evaluations: pd.DataFrame, *, years: Sequence[int] = (), regions: Sequence[str] = (),
               kinds: Sequence[str] = (), evaluators: Sequence[str] = (), search: str = "") -> list[int]:
    """Ids of the evaluations that pass every filter given (an empty filter passes all). ``search`` looks in the
    title, region, evaluator and kind (case-insensitive, spaces ignored)."""
    df = evaluations
    mask = pd.Series(True, index=df.index)
    if years:
        mask &= df["year"].isin(list(years))
    if regions:
        mask &= df["region"].isin(list(regions))
    if kinds:
        mask &= df["kind"].isin(list(kinds))
    if evaluators:
        mask &= df["evaluator"].isin(list(evaluators))
    words = [w for w in re.split(r"\s+", (search or "").strip().lower()) if w]
    if words:
        hay = (df["title"].fillna("") + " " + df["region"].fillna("") + " " + df["evaluator"].fillna("") + " "
               + df["kind"].fillna("")).str.lower()
        for w in words:
            mask &= hay.str.contains(w, regex=False)
    return [int(i) for i in df.loc[mask, "evaluation_id"]]


def subset(p: Portfolio, ids: Iterable[int]) -> Portfolio:
    keep = set(ids)
    return Portfolio(
        evaluations=p.evaluations[p.evaluations["evaluation_id"].isin(keep)].reset_index(drop=True),
        units=p.units[p.units["evaluation_id"].isin(keep)].reset_index(drop=True),
        themes=p.themes[p.themes["evaluation_id"].isin(keep)].reset_index(drop=True),
        rectification=p.rectification[p.rectification["evaluation_id"].isin(keep)].reset_index(drop=True),
        version_ids=p.version_ids,
    )


# --- figures ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kpis:
    evaluations: int
    unit_results: int  # (evaluation, unit) pairs funded or scored
    distinct_units: int  # by identity across evaluations
    budget: Decimal  # Σ budgets known (万元)
    executed: Decimal
    rate: Decimal | None  # funds-weighted, unrounded %
    rate_units: int  # units in the weighted rate
    rate_units_left_out: int  # funded units left out of it (an amount missing, or a budget of 0)
    grades: dict[str, int]  # 优/良/中/差/无等次 -> units
    grades_computed: int  # of those, grades computed from scores (not stated in the report)
    rect_items: int
    rect_closed: int
    rect_rate: Decimal | None
    overdue: int
    rect_illustrative: bool  # some of the 整改 figures are illustrative (示例数据)


def kpis(p: Portfolio) -> Kpis:
    u = p.units
    complete = u[u["rate_complete"].astype(bool)]
    b = sum(complete["budget"], ZERO)
    x = sum(complete["executed"], ZERO)
    funded = u[u["budget"].notna()]
    if u.empty:
        complete = funded = u
    grades = {g: int((u["grade"] == g).sum()) for g in (*GRADES, NO_GRADE)}
    for g in u["grade"].unique():
        grades.setdefault(g, int((u["grade"] == g).sum()))
    graded = u[u["grade"] != NO_GRADE]
    ev = p.evaluations
    items = int(ev["rect_items"].sum()) if len(ev) else 0
    closed = int(ev["rect_closed"].sum()) if len(ev) else 0
    return Kpis(
        evaluations=len(ev),
        unit_results=len(u),
        distinct_units=int(u["identity"].nunique()),
        budget=sum(funded["budget"], ZERO),
        executed=sum((v for v in u["executed"] if v is not None and not pd.isna(v)), ZERO),
        rate=percent(x, b) if len(complete) else None,
        rate_units=len(complete),
        rate_units_left_out=len(funded) - len(complete),
        grades=grades,
        grades_computed=int((~graded["grade_stated"]).sum()),
        rect_items=items,
        rect_closed=closed,
        rect_rate=percent(Decimal(closed), Decimal(items)),
        overdue=int(ev["overdue"].sum()) if len(ev) else 0,
        rect_illustrative=bool(ev["rect_illustrative"].any()) if len(ev) else False,
    )


def grades_by_year(units: pd.DataFrame) -> pd.DataFrame:
    """year x 等次 -> units (every grade present for every year, in 优良中差 order)."""
    years = sorted({int(y) for y in units["year"].dropna()})
    order = [*GRADES, NO_GRADE]
    rows = [{"year": y, "grade": g, "units": int(((units["year"] == y) & (units["grade"] == g)).sum())}
            for y in years for g in order]
    return pd.DataFrame(rows, columns=["year", "grade", "units"])


def funds_by_grade(units: pd.DataFrame) -> pd.DataFrame:
    """等次 -> Σ budget (万元, Decimal) and units."""
    rows = []
    for g in (*GRADES, NO_GRADE):
        sub = units[(units["grade"] == g) & units["budget"].notna()]
        rows.append({"grade": g, "budget": sum(sub["budget"], ZERO), "units": len(sub)})
    return pd.DataFrame(rows, columns=["grade", "budget", "units"])


def rectification_by_evaluation(evaluations: pd.DataFrame) -> pd.DataFrame:
    """The evaluations with 整改 items: label, items, closed, rate, overdue, illustrative."""
    df = evaluations[evaluations["rect_items"] > 0]
    out = df[["evaluation_id", "region", "year", "title", "rect_items", "rect_closed", "rect_rate", "overdue",
              "rect_illustrative"]].copy()
    return out.reset_index(drop=True)


# --- a unit across years ----------------------------------------------------------------------------------

def recurring_units(units: pd.DataFrame, min_years: int = 2) -> pd.DataFrame:
    """Identities evaluated in at least ``min_years`` different years: identity, display, years, evaluations."""
    cols = ["identity", "display", "years", "evaluations"]
    if units.empty:
        return pd.DataFrame(columns=cols)
    g = units.dropna(subset=["year"]).groupby("identity").agg(
        display=("display", "last"), years=("year", "nunique"), evaluations=("evaluation_id", "nunique"))
    g = g[g["years"] >= min_years].reset_index().sort_values(["years", "display"], ascending=[False, True])
    return g[cols].reset_index(drop=True)


def unit_trend(units: pd.DataFrame, identity: str) -> pd.DataFrame:
    """One identity year by year: budget, executed, rate, score, 等次, problems naming it, and the change on the
    year before (budget and executed in 万元, rate and score in percentage points / points). Several evaluations
    of the unit in one year are summed (rate recomputed from the sums; the score is the mean)."""
    cols = ["year", "evaluations", "names", "via", "budget", "executed", "rate", "score", "grade", "grade_stated",
            "problems", "budget_change", "executed_change", "rate_change", "score_change"]
    sub = units[(units["identity"] == identity) & units["year"].notna()]
    rows = []
    for year, grp in sorted(sub.groupby("year"), key=lambda kv: kv[0]):
        budgets = [v for v in grp["budget"] if v is not None and not pd.isna(v)]
        executed = [v for v in grp["executed"] if v is not None and not pd.isna(v)]
        complete = grp[grp["rate_complete"]]
        rate = (percent(sum(complete["executed"], ZERO), sum(complete["budget"], ZERO))
                if len(complete) == len(grp) and len(grp) else None)
        scores = [v for v in grp["score"] if v is not None and not pd.isna(v)]
        score = sum(scores, ZERO) / len(scores) if scores else None
        grades = [g for g in grp["grade"] if g != NO_GRADE]
        rows.append({
            "year": int(year), "evaluations": grp["evaluation_id"].nunique(),
            "names": "、".join(dict.fromkeys(grp["name"])),
            "via": "、".join(dict.fromkeys(v if v != "别名" else f"别名（{a}）"
                                           for v, a in zip(grp["via"], grp["alias_from"], strict=True))),
            "budget": sum(budgets, ZERO) if budgets else None,
            "executed": sum(executed, ZERO) if executed else None,
            "rate": rate, "score": score,
            "grade": "、".join(dict.fromkeys(grades)) if grades else NO_GRADE,
            "grade_stated": bool(grp["grade_stated"].all()),
            "problems": int(grp["problems"].sum()),
        })
    prev = None
    for r in rows:
        for k in ("budget", "executed", "rate", "score"):
            r[f"{k}_change"] = (r[k] - prev[k]) if prev and r[k] is not None and prev[k] is not None else None
        prev = r
    return pd.DataFrame(rows, columns=cols)


__all__ = ["GRADES", "KIND_RULES", "NO_GRADE", "NO_KIND", "Entry", "Kpis", "Portfolio", "build", "filter_ids",
           "funds_by_grade", "grades_by_year", "kind_of", "kpis", "recurring_units", "rectification_by_evaluation",
           "subset", "unit_trend"]
