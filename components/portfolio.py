"""The portfolio (评价总览) across every evaluation of the store: chart builders (pure: DataFrame -> go.Figure),
the evaluations table with links, and the unit trend section.

Cross-evaluation figures come from SQL on the facts written when each version is stored
(:mod:`evalcore.archive.query`): nothing here loads a workbook, and nothing is cached per set of versions or per
day, so a publish changes only that evaluation's rows and the next visitor waits for nothing.
"""
from __future__ import annotations

import html
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from evalcore import catalog, portfolio
from evalcore.archive import query as archive
from evalcore.figures.charts import category_axis, empty_figure
from evalcore.model import evaluation_label
from evalcore.numbers import bar_label, fmt_amount, fmt_rate, fmt_score, money_axis, round2, tile_amount, to_float
from evalcore.portfolio import GRADES, NO_GRADE
from evalcore.problem_themes import theme_names
from evalcore.workbook.unit_columns import UNIT_COLUMNS

from . import cache, charts, theme
from .table import GridColumn, show_table, unit_column
from .text import plain, plain_inline

theme.register()


def should_land() -> bool:
    """app.py opens the portfolio instead of one evaluation's 总览: the store holds more than one evaluation and
    the URL names none (``?eval=ID`` opens that evaluation's 总览)."""
    if "eval" in st.query_params:
        return False
    try:
        return archive.stored(cache.store()) > 1  # a count, not the list of every evaluation
    except Exception:  # the database cannot be opened: the 总览 page says so
        return False


def aliases() -> tuple[tuple[str, str], ...]:
    """The alias table in force (a few rows): identities across evaluations use it."""
    return tuple((a.alias, a.canonical) for a in catalog.aliases(cache.store()))


def filters(years=(), regions=(), kinds=(), evaluators=(), search: str = "") -> archive.Filters:
    return archive.Filters.of(years=years, regions=regions, kinds=kinds, evaluators=evaluators, search=search)


def unreadable_note(n: int) -> None:
    """The evaluations whose current version the reader refuses are left out of the figures, and said so."""
    if n:
        st.warning(f"{n} 个评价的当前版本无法被本程序读取，未计入总览；请在“数据管理 › 需要处理的版本”中查看。",
                   icon=":material/report:")


# --- charts (pure) ----------------------------------------------------------------------------------------

GRADE_ORDER = [*GRADES, NO_GRADE]
GRADE_COLORS = {**theme.GRADE_COLORS, NO_GRADE: "#a5adba"}


def grades_by_year_chart(df: pd.DataFrame, height: int = 340) -> go.Figure:
    """Stacked bars: units per 等次 in each year. df: year, grade, units (portfolio.grades_by_year)."""
    if df.empty or df["units"].sum() == 0:
        return empty_figure("没有等次数据")
    years = sorted(df["year"].unique())
    fig = go.Figure()
    for g in GRADE_ORDER:
        sub = df[df["grade"] == g].set_index("year").reindex(years)
        counts = [int(v) if pd.notna(v) else 0 for v in sub["units"]]
        if not any(counts):
            continue
        fig.add_bar(name=g, x=[str(y) for y in years], y=counts, marker_color=GRADE_COLORS[g],
                    text=[str(c) if c else "" for c in counts], textposition="inside",
                    hovertemplate="%{x} 年 · " + g + "：%{y} 个<extra></extra>")
    fig.update_layout(barmode="stack", height=height, xaxis=dict(title="年度", type="category"),
                      yaxis=dict(title="单位 / 项目（个）", dtick=1 if df["units"].max() < 8 else None))
    return fig


def funds_by_grade_chart(df: pd.DataFrame, height: int = 340) -> go.Figure:
    """Bars: funds (万元) per 等次. df: grade, budget (Decimal), units (portfolio.funds_by_grade)."""
    df = df[df["units"] > 0]
    if df.empty:
        return empty_figure("没有列明预算的已评等次单位")
    per, unit = money_axis(df["budget"])  # the axis in 亿元 past 10 亿元, the exact 万元 figure in the hover
    fig = go.Figure(go.Bar(
        x=list(df["grade"]), y=[to_float(v / per) for v in df["budget"]],
        marker_color=[GRADE_COLORS.get(g, theme.PRIMARY) for g in df["grade"]],
        text=[bar_label(v, unit) for v in df["budget"]], textposition="outside", cliponaxis=False,
        customdata=[[n, f"{round2(v):,.2f}"] for n, v in zip(df["units"], df["budget"], strict=True)],
        hovertemplate="%{x}：%{customdata[1]} 万元（%{customdata[0]} 个）<extra></extra>"))
    fig.update_layout(height=height, xaxis_title="等次", yaxis=dict(title=f"预算（{unit}）", tickformat=","),
                      showlegend=False)
    return fig


def distribution_chart(values: list[Decimal], title: str, unit: str, height: int = 300,
                       bins: tuple[int, int, int] = (0, 110, 10)) -> go.Figure:
    """A histogram of rates or scores (floats only here, at the chart boundary)."""
    xs = [to_float(v) for v in values if v is not None]
    if not xs:
        return empty_figure(f"没有{title}数据")
    start, end, size = bins
    fig = go.Figure(go.Histogram(x=xs, xbins=dict(start=start, end=end, size=size), marker_color=theme.PRIMARY,
                                 hovertemplate=f"{title} %{{x}}{unit}：%{{y}} 个<extra></extra>"))
    fig.update_layout(height=height, bargap=0.08, xaxis_title=f"{title}（{unit}）", yaxis_title="个数")
    return fig


def distribution_bars(counts: pd.DataFrame, title: str, unit: str, size: int, height: int = 300) -> go.Figure:
    """The histogram of rates or scores from bin counts made by the database (archive.query.histogram: start,
    count): the bars plotly's histogram would draw over the same bins."""
    if counts.empty or counts["count"].sum() == 0:
        return empty_figure(f"没有{title}数据")
    xs = [s + size / 2 for s in counts["start"]]
    labels = [f"{s}–{s + size}" for s in counts["start"]]
    fig = go.Figure(go.Bar(x=xs, y=list(counts["count"]), width=[size * 0.92] * len(xs), marker_color=theme.PRIMARY,
                           customdata=labels, hovertemplate=f"{title} %{{customdata}}{unit}：%{{y}} 个<extra></extra>"))
    fig.update_layout(height=height, xaxis_title=f"{title}（{unit}）", yaxis_title="个数", showlegend=False)
    # a count axis has whole ticks only (no 0.5 of an evaluation)
    fig.update_yaxes(tickformat=",d", rangemode="tozero", **({"dtick": 1} if counts["count"].max() <= 8 else {}))
    return fig


def rectification_chart(df: pd.DataFrame, height: int | None = None) -> go.Figure:
    """Horizontal bars: 整改率 of each evaluation with 整改 items. df: portfolio.rectification_by_evaluation."""
    if df.empty:
        return empty_figure("所选评价都还没有整改事项")
    df = df.sort_values("rect_rate", key=lambda s: s.map(lambda v: v if v is not None else Decimal(-1)))
    labels = [evaluation_label(r.region, r.year, r.title) + ("（示例数据）" if r.rect_illustrative else "")
              for r in df.itertuples()]
    keys = [f"{r.evaluation_id}" for r in df.itertuples()]
    fig = go.Figure(go.Bar(
        y=keys, x=[to_float(v) for v in df["rect_rate"]], orientation="h", marker_color=theme.PRIMARY,
        text=[f"{fmt_rate(v)}（{c}/{n}）" for v, c, n in zip(df["rect_rate"], df["rect_closed"], df["rect_items"],
                                                             strict=True)],
        textposition="outside", cliponaxis=False, hovertext=[charts.hover_label(t) for t in labels],
        hovertemplate="%{hovertext}<br>整改率：%{text}<extra></extra>"))
    fig.update_layout(height=height or max(240, 48 * len(df) + 80), showlegend=False,
                      # room right of 100% for the labels, but no tick past 100%
                      xaxis=dict(title="整改率（%）", range=[0, 125], tickvals=[0, 20, 40, 60, 80, 100]),
                      yaxis=category_axis(keys, [charts.wrap_label(t, 14, 2) for t in labels]))
    return fig


def themes_chart(counts: pd.DataFrame, height: int | None = None) -> go.Figure:
    """Heat map: how many evaluations raised each problem theme, per year. counts: themes.theme_counts_by_year."""
    if counts.empty:
        return empty_figure("所选评价没有列出问题")
    years = sorted(counts["year"].unique())
    names = [t for t in theme_names() if t in set(counts["theme"])]
    z, text = [], []
    for t in names:
        row, row_text = [], []
        for y in years:
            hit = counts[(counts["theme"] == t) & (counts["year"] == y)]
            n = int(hit["evaluations"].iloc[0]) if len(hit) else 0
            items = int(hit["items"].iloc[0]) if len(hit) else 0
            row.append(n)
            row_text.append(f"{n} 个评价 / {items} 项" if n else "")
        z.append(row)
        text.append(row_text)
    fig = go.Figure(go.Heatmap(
        z=z, x=[str(y) if y else "未注明" for y in years], y=names, text=text, texttemplate="%{text}",
        colorscale=[[0, "#f3f6fb"], [1, theme.PRIMARY]], showscale=False, xgap=3, ygap=3,
        hovertemplate="%{y} · %{x} 年：%{text}<extra></extra>"))
    fig.update_layout(height=height or max(260, 44 * len(names) + 90),
                      xaxis=dict(title="年度", type="category", side="top"), yaxis=dict(autorange="reversed"))
    return fig


# --- the evaluations table --------------------------------------------------------------------------------

TABLE_CSS = """
<style>
.pf-wrap { max-height: 520px; overflow: auto; border: 1px solid #e3e8f0; border-radius: 6px; }
.pf-table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
.pf-table th { position: sticky; top: 0; background: #f3f6fb; text-align: left; padding: 8px 10px;
               font-weight: 600; white-space: nowrap; }
.pf-table td { padding: 7px 10px; border-top: 1px solid #e3e8f0; vertical-align: top; overflow-wrap: anywhere; }
.pf-table td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.pf-table a { font-weight: 600; }
.pf-table td.title { min-width: 240px; }
.pf-table td.short { white-space: nowrap; }
</style>
"""


# An evaluation's budget and rate, under the same headers as every per-unit table.
BUDGET, RATE = UNIT_COLUMNS["budget"], UNIT_COLUMNS["rate"]


def table_rows(evaluations: pd.DataFrame) -> list[dict[str, str]]:
    """The displayed cells of each evaluation (strings, formatted half-up), newest year first."""
    df = evaluations.sort_values(["year", "region", "title"], ascending=[False, True, True], na_position="last")
    rows = []
    for r in df.itertuples():
        kind = f"{r.kind}（推断）" if r.kind_inferred else r.kind
        rect = (f"{fmt_rate(r.rect_rate)}（{r.rect_closed}/{r.rect_items}）" if r.rect_items else "—")
        if r.rect_items and r.rect_illustrative:
            rect += " 示例"
        rows.append({
            "id": str(int(r.evaluation_id)), "评价": r.title, "地区": r.region or "—",
            "年度": str(int(r.year)) if pd.notna(r.year) else "—", "类型": kind, "评价机构": r.evaluator or "—",
            "单位": str(r.units), BUDGET: fmt_amount(r.budget, "") if r.budget is not None else "—",
            RATE: fmt_rate(r.rate), "问题": str(r.problems), "整改率": rect,
        })
    return rows


NUMERIC_COLUMNS = {"单位", BUDGET, RATE, "问题", "整改率"}
SHORT_COLUMNS = {"地区", "年度", "类型"}


def table_html(evaluations: pd.DataFrame) -> str:
    """A plain HTML table (every cell escaped) whose first column links to each evaluation's 总览 (/?eval=ID),
    opening in the same tab: a grid inside a component frame could not navigate the page."""
    rows = table_rows(evaluations)
    heads = ["评价", "地区", "年度", "类型", "评价机构", "单位", BUDGET, RATE, "问题", "整改率"]
    out = [TABLE_CSS, '<div class="pf-wrap"><table class="pf-table"><thead><tr>']
    out += [f"<th>{html.escape(h)}</th>" for h in heads]
    out.append("</tr></thead><tbody>")
    for r in rows:
        out.append("<tr>")
        for h in heads:
            value = html.escape(r[h])
            if h == "评价":
                value = f'<a href="/?eval={r["id"]}" data-eval="{r["id"]}">{value}</a>'
            css = "num" if h in NUMERIC_COLUMNS else "title" if h == "评价" else "short" if h in SHORT_COLUMNS else ""
            out.append(f'<td class="{css}">{value}</td>' if css else f"<td>{value}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def kpi_texts(k: portfolio.Kpis) -> dict[str, tuple[str, str]]:
    """label -> (value, help) of the KPI tiles."""
    grades = " / ".join(str(k.grades.get(g, 0)) for g in GRADES)
    rect_help = "已整改事项 ÷ 全部整改事项"
    funds, funds_exact = tile_amount(k.budget)  # past 10 亿元 ≈752 亿元, the exact 万元 figure in the tooltip
    if k.rect_illustrative:
        rect_help += "；含示例数据（报告未公布整改进度的评价）"
    return {
        "评价": (f"{k.evaluations} 个", "所选的评价报告数"),
        "被评价单位 / 项目": (f"{k.unit_results} 个",
                               f"列有预算或得分的单位、项目（按年度计）；跨年度合并后 {k.distinct_units} 个"),
        "涉及资金": (funds, "列明的预算金额合计" + (f"；{funds_exact}" if funds_exact else "")),
        "资金加权执行率": (fmt_rate(k.rate), f"Σ实际执行 ÷ Σ预算，只含预算和执行都列明的 {k.rate_units} 个；"
                                         f"另有 {k.rate_units_left_out} 个缺少金额未计入"),
        "等次（优 / 良 / 中 / 差）": (grades, f"按单位计，{k.grades.get(NO_GRADE, 0)} 个无等次；其中 "
                                       f"{k.grades_computed} 个等次由得分按分数段计算（报告未写明等次）"),
        "整改率": (fmt_rate(k.rect_rate) if k.rect_items else "—", rect_help),
        "逾期未整改": (f"{k.overdue} 项" if k.rect_items else "—", "已过整改期限、尚未整改完成的事项"),
    }


# --- a unit across years (单位对比 › 跨年度趋势) -----------------------------------------------------------------


def trend_chart(df: pd.DataFrame, height: int = 320) -> go.Figure:
    """Budget and executed (bars, 万元) and the execution rate (line, right axis) year by year.
    df: portfolio.unit_trend."""
    if df.empty:
        return empty_figure("没有跨年度数据")
    years = [str(y) for y in df["year"]]
    fig = go.Figure()
    for col, name, color in (("budget", "预算", theme.BUDGET_COLOR), ("executed", "实际执行", theme.EXECUTED_COLOR)):
        fig.add_bar(x=years, y=[to_float(v) for v in df[col]], name=name, marker_color=color,
                    text=[f"{round2(v):,.2f}" if v is not None else "" for v in df[col]], textposition="outside",
                    cliponaxis=False, hovertemplate="%{x} 年 " + name + "：%{text} 万元<extra></extra>")
    fig.add_scatter(x=years, y=[to_float(v) for v in df["rate"]], name="预算执行率", yaxis="y2",
                    mode="lines+markers+text",
                    text=[fmt_rate(v) if v is not None else "" for v in df["rate"]], textposition="top center",
                    line=dict(color=theme.INK, width=3), hovertemplate="%{x} 年 执行率：%{text}<extra></extra>")
    rates = [to_float(v) for v in df["rate"] if v is not None]
    top = max([100.0, *(r * 1.1 for r in rates if r is not None)])  # 0-100% unless a rate goes past it
    fig.update_layout(height=height, barmode="group", xaxis=dict(type="category", title="年度"),
                      yaxis=dict(title="万元", tickformat=","),
                      yaxis2=dict(title="执行率（%）", overlaying="y", side="right", range=[0, top], showgrid=False))
    return fig


def _change(v, unit: str) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "—"
    r = round2(v)
    return f"{'+' if r > 0 else ''}{r:,.2f}{unit}"


def trend_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The trend as displayed strings (year-on-year changes with their sign)."""
    out = df.copy()
    out["budget_change_text"] = [_change(v, "") for v in df["budget_change"]]
    out["rate_change_text"] = [_change(v, " 个百分点") for v in df["rate_change"]]
    out["score_change_text"] = [_change(v, " 分") for v in df["score_change"]]
    out["grade_text"] = [g if stated or g == NO_GRADE else f"{g}（按分数段）"
                         for g, stated in zip(df["grade"], df["grade_stated"], strict=True)]
    return out.astype(object).where(out.notna(), None)


def unit_trend_section(evaluation_id: int) -> None:
    """The units of one evaluation that appear in other years' evaluations: pick one, see its years."""
    names = aliases()
    recurring = archive.recurring(cache.store(), evaluation_id, names)
    options = list(recurring["identity"])
    if not options:
        st.caption("本评价的单位没有出现在其他年度的评价中（按单位全称匹配：去空格、全角转半角、简称按同一地区的"
                   "全称补全；改名或合并的单位可在“数据管理 › 单位别名”中登记）。")
        return
    display = dict(zip(recurring["identity"], recurring["display"], strict=True))
    chosen = st.selectbox("单位", options, format_func=lambda i: plain_inline(charts.shorten(display[i], 40)),
                          key="units_trend_unit")
    df = portfolio.unit_trend(archive.unit_history(cache.store(), chosen, names), chosen)
    st.plotly_chart(trend_chart(df), key="units_trend_chart", theme=None,
                    config={"displayModeBar": False, "locale": "zh-CN"})
    show_table(trend_rows(df), [
        GridColumn("year", "年度", "int", width=70),
        GridColumn("names", "评价中的名称", width=170, wrap=True),
        GridColumn("via", "匹配方式", width=130, wrap=True),
        unit_column("budget", width=130),
        unit_column("executed", width=150),
        unit_column("rate", width=105),
        unit_column("score", width=70),
        unit_column("grade_text", width=110, of="grade"),
        GridColumn("problems", "点名问题", "int", width=80),
        GridColumn("budget_change_text", "预算同比（万元）", width=120),
        GridColumn("rate_change_text", f"{UNIT_COLUMNS['rate']}同比", width=130),
        GridColumn("score_change_text", "得分同比", width=100),
    ], key=f"units_trend_table_{options.index(chosen)}")
    via_alias = [v for v in df["via"] if "别名" in v]
    if via_alias:
        st.caption(plain("通过别名匹配：" + "；".join(via_alias) + "（别名表见“数据管理 › 单位别名”）。"))
    st.caption("同一年度有多个评价涉及该单位时，金额相加、执行率按合计计算、得分取平均。“按分数段”：报告未写明等次，"
               "由得分按该评价的分数段得出。")


__all__ = ["aliases", "distribution_bars", "distribution_chart", "filters", "fmt_score", "funds_by_grade_chart",
           "grades_by_year_chart", "kpi_texts", "rectification_chart", "should_land", "table_html", "table_rows",
           "themes_chart", "trend_chart", "unit_trend_section", "unreadable_note"]
