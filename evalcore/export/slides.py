"""The presentation of an evaluation, defined once: the 演示 page, the PPTX deck and the HTML report all iterate
``slide_plan``, so the three can never drift apart.

A :class:`Slide` holds text that is already formatted (half-up, 2 decimals, 万元, %), the key sentences (shown on
the slide and carried in the speaker notes), big-number tiles, a small table, headed lists, and the data of each
chart as one of evalcore's DataFrames. Charts are named by what they show: the kinds, their columns and how each
is drawn (a Plotly figure on the page and in the HTML report, a native chart in the deck) are registered once in
:mod:`.chart_kinds`.

Pure: no Streamlit; the plan itself draws nothing.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from .. import application, budget, findings, rectification, scoring
from ..application import RuleSet, default_rules
from ..model import Evaluation
from ..numbers import fmt2, fmt_amount, fmt_rate, fmt_score, round2
from ..textutil import join_phrase
from .chart_kinds import ILLUSTRATIVE_LABEL, KINDS, Chart

# Why a section is illustrative, when the evaluation gives no note of its own.
ILLUSTRATIVE_DEFAULT = {
    "scores": "报告只公布了总得分和等次，指标明细为示意，合计等于报告得分。",
    "rectification": "报告未公布整改进度，整改事项、期限和状态为示意。",
}

@dataclass(frozen=True)
class Tile:
    """A big number: label, value as shown ("14,331.38 万元"), an optional line under it (e.g. the grade)."""
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Block:
    """A headed list, e.g. one achievement area and its items (verbatim)."""
    heading: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Slide:
    kind: str  # cover | figures | budget | scores | achievements | problems | recommendations | rectification | ...
    title: str
    subtitle: str = ""
    sentences: tuple[str, ...] = ()  # key sentences: on the slide and in the speaker notes
    tiles: tuple[Tile, ...] = ()
    table: Table | None = None
    blocks: tuple[Block, ...] = ()
    charts: tuple[Chart, ...] = ()
    illustrative: bool = False
    illustrative_note: str = ""  # shown next to the 示例数据 label
    footnotes: tuple[str, ...] = ()  # small print (units without a rate, and the like)
    more_notes: tuple[str, ...] = ()  # for the speaker only

    @property
    def notes(self) -> str:
        """Speaker notes: the key sentences, then what is illustrative."""
        parts = list(self.sentences) or [p for p in (self.title, self.subtitle) if p]
        parts.extend(b.heading for b in self.blocks)
        if self.illustrative:
            parts.append(f"{ILLUSTRATIVE_LABEL}：{self.illustrative_note}")
        parts.extend(self.footnotes)
        parts.extend(self.more_notes)
        return "\n".join(parts)


def _note(ev: Evaluation, section: str) -> str:
    return ev.meta.illustrative_note or ILLUSTRATIVE_DEFAULT[section]


def _project_prefix(ev: Evaluation) -> str:
    """"2023年信息化建设和运维项目" as the report words it (year and project, whichever are known)."""
    year = f"{ev.meta.year}年" if ev.meta.year else ""
    return f"{year}{ev.meta.project or '项目'}"


def fmt_number(value: Decimal) -> str:
    """A bound as written in a rule: 90 rather than 90.00; 92.5 as is."""
    return f"{value.normalize():f}"


# --- the slides -------------------------------------------------------------------------------------------

def _cover(ev: Evaluation) -> Slide:
    m = ev.meta
    lines = [p for p in (f"{m.year} 年度" if m.year else "", m.evaluator) if p]
    return Slide("cover", m.title or "绩效评价结果", subtitle="　·　".join(lines),
                 footnotes=(f"来源：{m.source}",) if m.source else ())


def _score_rows(ev: Evaluation, results: pd.DataFrame | None = None) -> list[dict]:
    """The scored units' results (``results``: ``scoring.results_table(ev)`` when the caller has it already)."""
    results = scoring.results_table(ev) if results is None else results
    return [r for r in results.to_dict("records") if r["score"] is not None]


def _grade_tile(row: dict) -> str:
    """A unit's grade under its score; one read off the bands (the report states none) says so."""
    if not row["grade"]:
        return ""
    return f"等次：{row['grade']}" + ("（按分数段推算）" if row.get("grade_derived") else "")


def _score_sentence(row: dict) -> str:
    verb = "按分数段推算等次为" if row.get("grade_derived") else "等次为"
    grade = f"，{verb}“{row['grade']}”" if row["grade"] else ""
    return f"{row['unit']}评价得分为{fmt2(row['score'])}分{grade}。"


# With more units than this, a slide states the range instead of one sentence (or tile) per unit.
MANY_UNITS = 4
# With more units than this, a chart shows distributions and top / bottom rankings instead of one bar per unit.
CHART_UNITS = 12
RANK_TOP = 10  # units in a ranking chart
NAMED_UNITS = 5  # units named in the sentence of the problems slide


# --- aggregates of many units (pure; the slides and the pages draw them) ----------------------------------

RATE_EDGES = (Decimal(60), Decimal(70), Decimal(80), Decimal(90), Decimal(100))


def rate_bins(rates, target: Decimal | None = None) -> pd.DataFrame:
    """Units per band of 预算执行率: 60%以下, 60%-70%, ..., 90%-100%, 100%及以上 (a rate on an edge belongs to
    the upper band). label, count, highlight (the band lies below the target)."""
    values = [r for r in rates if r is not None]
    labels = [f"{fmt_number(RATE_EDGES[0])}%以下"]
    labels += [f"{fmt_number(lo)}%-{fmt_number(hi)}%" for lo, hi in zip(RATE_EDGES, RATE_EDGES[1:], strict=False)]
    labels.append(f"{fmt_number(RATE_EDGES[-1])}%及以上")
    counts = [0] * len(labels)
    for r in values:
        counts[sum(1 for e in RATE_EDGES if r >= e)] += 1
    uppers = [*RATE_EDGES, None]
    highlight = [target is not None and hi is not None and hi <= target for hi in uppers]
    return pd.DataFrame({"label": labels, "count": counts, "highlight": highlight})


def grade_distribution(ev: Evaluation, rows: list[dict] | None = None) -> pd.DataFrame:
    """Units and their funds per 等次, best grade first (every grade of the bands, then any other grade).
    grade, count, share (% of scored units, unrounded), budget (万元, Decimal; None when no unit has one)."""
    rows = _score_rows(ev) if rows is None else rows
    table = budget.budget_table(ev).set_index("unit")
    order = [b.grade for b in sorted(ev.meta.grade_bands, key=lambda b: b.lower, reverse=True)]
    order += [g for g in dict.fromkeys(r["grade"] for r in rows) if g and g not in order]
    out = []
    total = len(rows)
    for g in order:
        members = [r["unit"] for r in rows if r["grade"] == g]
        amounts = [table.at[u, "budget"] for u in members if u in table.index and table.at[u, "budget"] is not None]
        out.append({"grade": g, "count": len(members),
                    "share": Decimal(len(members)) * 100 / total if total else None,
                    "budget": sum(amounts, Decimal(0)) if amounts else None})
    return pd.DataFrame(out, columns=["grade", "count", "share", "budget"])


def ranked(df: pd.DataFrame, column: str, n: int = RANK_TOP, lowest: bool = False) -> pd.DataFrame:
    """The ``n`` units with the highest (or lowest) ``column``, best first for the highest and worst first for
    the lowest; ties keep the evaluation's order. unit, value."""
    df = df[df[column].notna()]
    order = df.sort_values(column, ascending=lowest, kind="stable").iloc[:n]
    return pd.DataFrame({"unit": list(order["unit"]), "value": list(order[column])})


MAX_POINTS = 40  # dates on the 累计完成整改 chart before they are taken month by month


def by_month(closed: pd.DataFrame, limit: int = MAX_POINTS) -> pd.DataFrame:
    """The cumulative count of closed items (date, cumulative) at the last closing date of each month, when there
    are more than ``limit`` dates (a chart of hundreds of items then keeps a point a month)."""
    if len(closed) <= limit:
        return closed
    months = [(d.year, d.month) for d in closed["date"]]
    last = closed.assign(month=months).groupby("month", sort=True).tail(1)
    return last[["date", "cumulative"]].reset_index(drop=True)


def average_dimensions(dims: pd.DataFrame, label: str = "全部单位平均") -> pd.DataFrame:
    """The mean score of every 一级指标 over the units that have it, as one "unit" (half-up to 2 decimals)."""
    rows = []
    for key, sub in dims.groupby("id", sort=False):
        scores = [s for s in sub["score"] if s is not None]
        if scores:
            rows.append({"unit": label, "id": key, "name": sub["name"].iloc[0], "points": sub["points"].iloc[0],
                         "score": round2(sum(scores, Decimal(0)) / len(scores))})
    return pd.DataFrame(rows, columns=["unit", "id", "name", "points", "score"])


def _score_sentences(rows: list[dict]) -> list[str]:
    if len(rows) <= MANY_UNITS:
        return [_score_sentence(r) for r in rows]
    top = max(rows, key=lambda r: r["score"])
    low = min(rows, key=lambda r: r["score"])
    # the figure in brackets: "单位0561（98.11分）", never "单位056198.11分"
    return [f"{len(rows)}个单位参与评分，最高为{top['unit']}（{fmt2(top['score'])}分），"
            f"最低为{low['unit']}（{fmt2(low['score'])}分）。"]


def _figures(ev: Evaluation, rows: list[dict]) -> Slide:
    overall = budget.overall(ev)
    tiles = [Tile("预算总额", fmt_amount(overall.budget), _partial(overall.missing_budget, "预算金额")),
             Tile("实际执行", fmt_amount(overall.executed), _partial(overall.missing_executed, "实际执行金额")),
             Tile("总体预算执行率", fmt_rate(overall.rate), overall.reason)]
    for row in rows if len(rows) < MANY_UNITS else []:
        tiles.append(Tile(f"{row['unit']} 得分", fmt_score(row["score"]), _grade_tile(row)))
    pcats, rcats = len(ev.problem_categories), len(ev.recommendation_categories)
    tiles.append(Tile("问题", f"{len(ev.problems)} 项", f"{pcats} 类" if pcats else ""))
    tiles.append(Tile("建议", f"{len(ev.recommendations)} 条", f"{rcats} 类" if rcats else ""))
    sentences = []
    if overall.budget is not None and not overall.missing_budget:
        sentence = join_phrase(_project_prefix(ev), f"资金总额为{fmt2(overall.budget)}万元")
        if overall.rate is not None:
            sentence += f"，实际执行{fmt2(overall.executed)}万元，总体预算执行率为{fmt2(overall.rate)}%"
        sentences.append(sentence + "。")
    sentences.extend(_score_sentences(rows))
    if ev.problems or ev.recommendations:
        sentences.append(f"评价发现{pcats}类{len(ev.problems)}项主要问题，提出{rcats}类{len(ev.recommendations)}条建议。")
    return Slide("figures", "关键数据", sentences=tuple(sentences), tiles=tuple(tiles))


def _budget(ev: Evaluation) -> Slide:
    table = budget.budget_table(ev)
    overall = budget.overall(ev)
    sentences: list[str] = []
    with_budget = table[table["budget"].notna()]
    if overall.budget is not None and not overall.missing_budget:  # a partial sum is not the 资金总额
        parts = "；".join(f"{r.unit}{fmt2(r.budget)}万元" for r in with_budget.itertuples())
        sentence = join_phrase(_project_prefix(ev), f"资金总额为{fmt2(overall.budget)}万元。")
        if 1 < len(with_budget) <= MANY_UNITS:
            sentence += f"其中：{parts}。"
        sentences.append(sentence)
    rated = table[table["rate"].notna()]
    if len(rated) <= MANY_UNITS:
        for r in rated.itertuples():
            sentences.append(f"{r.unit}实际执行项目资金预算{fmt2(r.executed)}万元，项目预算执行率为{fmt2(r.rate)}%。")
    else:
        top, low = rated.loc[rated["rate"].idxmax()], rated.loc[rated["rate"].idxmin()]
        sentences.append(f"{len(rated)}个单位中，预算执行率最高为{top['unit']}（{fmt2(top['rate'])}%），"
                         f"最低为{low['unit']}（{fmt2(low['rate'])}%）。")
    unrated = table[table["rate"].isna() & table["executed"].notna()]
    if len(unrated) <= MANY_UNITS:  # what is known of a unit whose rate cannot be computed (the reason: footnotes)
        for r in unrated.itertuples():
            stated = f"，报告所列预算执行率为{fmt2(r.stated_rate)}%" if r.stated_rate is not None else ""
            sentences.append(f"{r.unit}实际执行项目资金{fmt2(r.executed)}万元{stated}。")
    footnotes = tuple(f"{r.unit}：{r.reason}" for r in table.itertuples() if r.rate is None and r.reason)
    if len(footnotes) > MANY_UNITS:
        footnotes = (f"{len(footnotes)}个单位无法计算预算执行率（原因见导出的 Excel 工作簿）。",)
    charts = []
    target = ev.meta.rate_target
    if len(table) > CHART_UNITS:  # many units: the largest budgets and the spread of rates
        if not with_budget.empty:
            top = with_budget.sort_values("budget", ascending=False, kind="stable").iloc[:RANK_TOP]
            charts.append(Chart("budget", f"预算金额最大的{len(top)}个单位（万元）",
                                top[["unit", "budget", "executed"]].reset_index(drop=True)))
        if not rated.empty:
            charts.append(Chart("distribution", f"预算执行率分布（目标 {fmt_rate(target)}，单位数）",
                                rate_bins(rated["rate"], target), {"unit": "个"}))
    else:
        if not with_budget.empty:
            charts.append(Chart("budget", KINDS["budget"].title,
                                with_budget[["unit", "budget", "executed"]].reset_index(drop=True)))
        if not rated.empty:
            charts.append(Chart("rates", f"预算执行率（目标 {fmt_rate(target)}）",
                                rated[["unit", "rate"]].reset_index(drop=True), {"target": target}))
    return Slide("budget", "预算资金安排与执行", sentences=tuple(sentences), charts=tuple(charts),
                 footnotes=footnotes)


def _partial(missing: int, what: str) -> str:
    """The note of a total that sums only the amounts that are known."""
    return f"只含已列明的金额（{missing} 项未列明{what}）" if missing else ""


def _bands_sentence(ev: Evaluation) -> str:
    """E.g. “等次划分：90分及以上为优，80分及以上为良，60分及以上为中，60分以下为差。”"""
    bands = sorted(ev.meta.grade_bands, key=lambda b: b.lower, reverse=True)
    if not bands:
        return ""
    parts = [f"{fmt_number(b.lower)}分及以上为{b.grade}" for b in bands[:-1]]
    parts.append(f"{fmt_number(bands[-2].lower)}分以下为{bands[-1].grade}" if len(bands) > 1 else bands[-1].grade)
    return "等次划分：" + "，".join(parts) + "。"


def _scores(ev: Evaluation, rows: list[dict]) -> Slide:
    sentences = tuple(_score_sentences(rows)) or ("报告未公布评价得分。",)
    footnotes = (_bands_sentence(ev),) if rows and ev.meta.grade_bands else ()
    dims = scoring.dimension_table(ev)
    dims = dims[dims["score"].notna()].reset_index(drop=True)
    if dims["unit"].nunique() > CHART_UNITS or len(rows) > CHART_UNITS:
        return _scores_summary(ev, rows, dims, sentences, footnotes)
    charts: tuple[Chart, ...] = ()
    illustrative = False
    units = [r["unit"] for r in rows]
    body: list[tuple[str, ...]] = []
    if not dims.empty:
        illustrative = ev.is_illustrative("scores")
        charts = (Chart("dimensions", KINDS["dimensions"].title, dims[["unit", "id", "name", "points", "score"]],
                        illustrative=illustrative),)
        units = list(dict.fromkeys([*units, *dims["unit"]]))
        # by indicator id: two dimensions may share a name
        cell = {(r.unit, r.id): f"{fmt_score(r.score)} / {fmt_score(r.points)}" for r in dims.itertuples()}
        for ind, name in dict(zip(dims["id"], dims["name"], strict=True)).items():
            body.append((name, *(cell.get((u, ind), "—") for u in units)))
    by_unit = {r["unit"]: r for r in rows}
    if rows:
        body.append(("总分", *(fmt_score(by_unit[u]["score"]) if u in by_unit else "—" for u in units)))
        body.append(("等次", *((by_unit[u]["grade"] or "—") if u in by_unit else "—" for u in units)))
    table = Table(("指标", *units), tuple(body)) if body else None
    return Slide("scores", "评价得分与等次", sentences=sentences, charts=charts, table=table, footnotes=footnotes,
                 illustrative=illustrative, illustrative_note=_note(ev, "scores") if illustrative else "")


def _scores_summary(ev: Evaluation, rows: list[dict], dims: pd.DataFrame, sentences: tuple[str, ...],
                    footnotes: tuple[str, ...]) -> Slide:
    """The scores of many units: the grade distribution (a chart and a table) and the average 一级指标 profile."""
    charts: list[Chart] = []
    table = None
    if rows:
        grades = grade_distribution(ev, rows)
        charts.append(Chart("distribution", "各等次单位数（个）",
                            pd.DataFrame({"label": list(grades["grade"]), "count": list(grades["count"]),
                                          "highlight": [False] * len(grades)}), {"unit": "个", "grades": True}))
        table = Table(("等次", "单位数", "占比", "预算金额（万元）"), tuple(
            (g.grade, f"{g.count}个", fmt_rate(g.share), fmt2(g.budget) if g.budget is not None else "—")
            for g in grades.itertuples()))
    illustrative = False
    if not dims.empty:
        illustrative = ev.is_illustrative("scores")
        charts.insert(0, Chart("dimensions", f"分维度得分率（{dims['unit'].nunique()}个单位平均，%）",
                               average_dimensions(dims), illustrative=illustrative))
    return Slide("scores", "评价得分与等次", sentences=sentences, charts=tuple(charts), table=table,
                 footnotes=footnotes, illustrative=illustrative,
                 illustrative_note=_note(ev, "scores") if illustrative else "")


def _rankings(ev: Evaluation, results: pd.DataFrame) -> list[Slide]:
    """Top and bottom units by score and by 预算执行率 (only when there are too many units to chart each)."""
    out: list[Slide] = []
    if results["score"].notna().sum() > CHART_UNITS:
        best, worst = ranked(results, "score"), ranked(results, "score", lowest=True)
        out.append(Slide("ranking", "单位排名：评价得分", sentences=(
            f"{int(results['score'].notna().sum())}个单位中，得分最高的{len(best)}个单位和最低的{len(worst)}个单位如下。",),
            charts=(Chart("ranking", f"得分最高的{len(best)}个单位", best, {"format": "score"}),
                    Chart("ranking", f"得分最低的{len(worst)}个单位", worst, {"format": "score"}))))
    table = budget.budget_table(ev)
    if table["rate"].notna().sum() > CHART_UNITS:
        target = ev.meta.rate_target
        best, worst = ranked(table, "rate"), ranked(table, "rate", lowest=True)
        below = int((table["rate"] < target).sum()) if target is not None else 0
        sentence = f"{int(table['rate'].notna().sum())}个单位中，"
        if target is not None:
            sentence += f"{below}个单位预算执行率低于目标{fmt_rate(target)}；"
        sentence += f"执行率最高和最低的各{len(best)}个单位如下。"
        out.append(Slide("ranking", "单位排名：预算执行率", sentences=(sentence,),
                         charts=(Chart("ranking", f"执行率最高的{len(best)}个单位", best,
                                       {"format": "rate", "target": target}),
                                 Chart("ranking", f"执行率最低的{len(worst)}个单位", worst,
                                       {"format": "rate", "target": target}))))
    return out


def _achievements(ev: Evaluation) -> Slide:
    blocks = []
    for no, area in ev.achievement_areas:
        items = [a.text for a in sorted(ev.achievements, key=lambda a: a.seq) if a.area_no == no]
        blocks.append(Block(f"（{findings.cn_number(no)}）{area}", tuple(items)))
    sentences = (f"项目产出成果及效益体现在{len(blocks)}个方面。",) if blocks else ("报告未列出产出成果及效益。",)
    return Slide("achievements", "产出成果及效益", sentences=sentences, blocks=tuple(blocks))


def _problems(ev: Evaluation) -> Slide:
    problems = findings.problems_table(ev)
    if problems.empty:
        return Slide("problems", "存在的主要问题", sentences=("报告未列出问题。",))
    counts = findings.counts_by_category(problems)
    sentences = [f"评价发现{len(counts)}类{len(problems)}项主要问题。"]
    named = findings.problems_by_unit(ev)
    named = named[named["unit"] != "未指明单位"]
    if len(named) > NAMED_UNITS:
        top = named.sort_values("count", ascending=False, kind="stable").iloc[:NAMED_UNITS]
        sentences.append(f"点名涉及{len(named)}个单位，最多的是："
                         + "，".join(f"{r.unit}{r.count}项" for r in top.itertuples()) + "。")
    elif not named.empty:
        sentences.append("点名涉及：" + "，".join(f"{r.unit}{r.count}项" for r in named.itertuples()) + "。")
    listing = tuple(f"{r.category_label}：{r.count}项" for r in counts.itertuples())
    return Slide("problems", "存在的主要问题", sentences=tuple(sentences), more_notes=listing,
                 charts=(Chart("problem_categories", KINDS["problem_categories"].title, counts, {"unit": "项"}),))


def _recommendations(ev: Evaluation) -> Slide:
    recs = findings.recommendations_table(ev)
    if recs.empty:
        return Slide("recommendations", "建议", sentences=("报告未列出建议。",))
    counts = findings.counts_by_category(recs)
    sentences = [f"针对上述问题，提出{len(counts)}类{len(recs)}条建议。"]
    links = findings.recommendation_links(ev)
    table = None
    if not links.empty:
        if (links["problem_category_no"] == links["recommendation_category_no"]).all() and len(links) == len(counts):
            sentences.append("每一类建议回应同序号的一类问题。")
        table = Table(("问题类别", "对应建议类别", "建议"), tuple(
            (r.problem_category.removeprefix("问题"), r.recommendation_category.removeprefix("建议"), f"{r.items}条")
            for r in links.itertuples()))
    unanswered = findings.unanswered_problem_categories(ev)
    footnotes = ("没有对应建议的问题类别：" + "、".join(f"（{findings.cn_number(n)}）" for n in unanswered),) \
        if unanswered and not links.empty else ()
    return Slide("recommendations", "建议", sentences=tuple(sentences), table=table, footnotes=footnotes,
                 charts=(Chart("recommendation_categories", KINDS["recommendation_categories"].title, counts,
                               {"unit": "条"}),))


def _rectification(ev: Evaluation, as_of: dt.date) -> Slide:
    if not ev.rectification:
        return Slide("rectification", "整改进展", sentences=("尚未录入整改事项。",))
    s = rectification.rectification_summary(ev, as_of)
    illustrative = ev.is_illustrative("rectification")
    day = f"{as_of.year}年{as_of.month}月{as_of.day}日"
    sentences = (f"截至{day}，{s.total}项整改事项中已整改{s.closed}项，整改率为{fmt2(s.rate)}%，"
                 f"逾期未完成{s.overdue}项。",)
    tiles = (Tile("整改事项", f"{s.total} 项"), Tile("已完成", f"{s.closed} 项"), Tile("整改率", fmt_rate(s.rate)),
             Tile("逾期未完成", f"{s.overdue} 项"))
    status = pd.DataFrame([{"status": k, "count": v} for k, v in s.by_status.items()], columns=["status", "count"])
    charts = [Chart("status", KINDS["status"].title, status,
                    {"rate_label": fmt_rate(s.rate), "statuses": tuple(ev.meta.statuses)}, illustrative)]
    closed = by_month(rectification.closed_over_time(ev, as_of))
    if not closed.empty:
        charts.append(Chart("closed", KINDS["closed"].title, closed, {"total": s.total}, illustrative))
    return Slide("rectification", "整改进展", subtitle=f"统计日期：{as_of.isoformat()}", sentences=sentences,
                 tiles=tiles, charts=tuple(charts), illustrative=illustrative,
                 illustrative_note=_note(ev, "rectification") if illustrative else "")


def _conclusion(ev: Evaluation, rows: list[dict]) -> Slide:
    sentences = (ev.meta.conclusion,) if ev.meta.conclusion else tuple(_score_sentences(rows))
    tiles = tuple(Tile(r["unit"], fmt_score(r["score"]), _grade_tile(r))
                  for r in (rows if len(rows) <= MANY_UNITS else []))
    return Slide("conclusion", "评价结论", sentences=sentences or ("报告未给出评价结论。",), tiles=tiles)


def slide_plan(ev: Evaluation, as_of: dt.date, rules: RuleSet | None = None) -> list[Slide]:
    """Every slide, in order: cover, key figures, budget, scores, (with many units: rankings by score and by
    rate), achievements, problems, recommendations, 整改, 结果应用, conclusion."""
    results = scoring.results_table(ev)  # once: every score slide reads it (1,000 units take seconds to score)
    rows = _score_rows(ev, results)
    return [
        _cover(ev),
        _figures(ev, rows),
        _budget(ev),
        _scores(ev, rows),
        *_rankings(ev, results),
        _achievements(ev),
        _problems(ev),
        _recommendations(ev),
        _rectification(ev, as_of),
        application_slide(ev, rules),  # 结果应用 (issue 26)
        _conclusion(ev, rows),
    ]


# --- the 演示 slide -------------------------------------------------------------------------------------------

SLIDE_ROWS = 8  # units listed on the slide; more are summed per grade


def application_slide(ev: Evaluation, rules: RuleSet | None = None) -> Slide:
    """The 结果应用 slide of the 演示 (PPTX, HTML): each unit's grade, the rule and the suggested budget (with many
    units: per grade), by the bureau's ``rules`` in force, else the default rules, and it says which."""
    rules = rules or default_rules()
    suggestions = application.suggest_all(application.rows_from_evaluation(ev), rules)
    if not suggestions:
        return Slide("application", "结果应用", sentences=("没有评价等次，无法提出预算安排建议。",))
    t = application.totals(suggestions)
    sentences = [f"按{rules.words}，据评价结果调减预算 {fmt_amount(t.cut)}"
                 + (f"、增加 {fmt_amount(t.added)}" if t.added else "")
                 + f"，建议下年度预算合计 {fmt_amount(t.suggested)}（{t.with_amount} 个单位）。"]
    if t.without_amount:
        sentences.append(f"{t.without_amount} 个单位报告未列预算或无等次，未测算金额。")
    derived = sum(1 for s in suggestions if s.row.grade and not s.row.grade_stated)
    footnotes = ["规则由财政部门设定，本页按默认规则测算（比例并非国家文件规定的固定数字）；以看板“结果应用”为准。"
                 if rules.is_default else "本页按财政部门在看板中设定的结果应用规则测算；以看板“结果应用”为准。"]
    if derived:
        footnotes.append(f"{derived} 个单位的等次按得分推算，报告本身未列等次。")
    if len(suggestions) <= SLIDE_ROWS:
        rows = tuple((s.row.name or s.row.unit,
                      (s.row.grade or "—") + ("（推算）" if s.row.grade and not s.row.grade_stated else ""),
                      s.rule.label if s.rule else "—", fmt_amount(s.row.budget, ""),
                      fmt_amount(s.change, ""), fmt_amount(s.suggested, "")) for s in suggestions)
        table = Table(("单位", "等次", "规则", "预算（万元）", "建议调整（万元）", "建议预算（万元）"), rows)
    else:
        rows_list = []
        for g in (*application.GRADES, None):
            part = [s for s in suggestions if s.row.grade == g]
            if not part:
                continue
            pt = application.totals(part)
            labels = "、".join(dict.fromkeys(s.rule.label for s in part if s.rule)) or "—"
            rows_list.append((g or "无等次", f"{len(part)} 个", labels, fmt_amount(pt.budget, ""),
                              fmt_amount(pt.change, ""), fmt_amount(pt.suggested, "")))
        table = Table(("等次", "单位", "规则", "预算（万元）", "建议调整（万元）", "建议预算（万元）"),
                      tuple(rows_list))
    return Slide("application", "结果应用：下年度预算建议", sentences=tuple(sentences), table=table,
                 footnotes=tuple(footnotes))
