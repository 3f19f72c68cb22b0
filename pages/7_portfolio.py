"""评价总览: every evaluation of the store at a glance (filters, KPIs, charts, the evaluations with links to
each one's 总览, recurring problem themes with a drill-down). app.py opens it when the store holds more than one
evaluation and the URL names none."""
import streamlit as st

from components import layout, results_use
from components import portfolio as view
from components.table import GridColumn, show_table
from components.text import plain, plain_inline
from evalcore import portfolio
from evalcore.themes import UNCLASSIFIED, theme_names

layout.page("评价总览", picker=False)
p = view.current()
ev_all = p.evaluations

if ev_all.empty:
    st.info("数据库中还没有评价，请在“数据管理”页上传工作簿或导入报告文本。")
    st.stop()
if len(ev_all) == 1:
    only = ev_all.iloc[0]
    st.info(plain(f"数据库中只有一个评价：{only['title']}。"))
    st.page_link("app.py", label="打开该评价的总览", icon=":material/dashboard:",
                 query_params={"eval": str(int(only["evaluation_id"]))})

years = sorted({int(y) for y in ev_all["year"].dropna()}, reverse=True)
c1, c2, c3, c4, c5 = st.columns([1.2, 1.2, 1.2, 1.4, 2])
pick_years = c1.multiselect("年度", years, key="pf_years", placeholder="全部年度")
pick_regions = c2.multiselect("地区", sorted({r for r in ev_all["region"] if r}), key="pf_regions",
                              placeholder="全部地区")
pick_kinds = c3.multiselect("评价类型", sorted(set(ev_all["kind"])), key="pf_kinds", placeholder="全部类型")
pick_evaluators = c4.multiselect("评价机构", sorted({e for e in ev_all["evaluator"] if e}), key="pf_evaluators",
                                 placeholder="全部机构")
search = c5.text_input("搜索", key="pf_search", placeholder="标题、地区、机构中的文字")
ids = portfolio.filter_ids(ev_all, years=pick_years, regions=pick_regions, kinds=pick_kinds,
                           evaluators=pick_evaluators, search=search)
if not ids:
    st.warning("没有符合筛选条件的评价。")
    st.stop()
sub = portfolio.subset(p, ids)
k = portfolio.kpis(sub)

tiles = view.kpi_texts(k)
top, bottom = st.columns(4), st.columns(3)
for col, label in zip([*top, *bottom], tiles, strict=True):
    value, help_text = tiles[label]
    col.metric(label, value, help=help_text, border=True, height="stretch")
if k.rect_illustrative or sub.evaluations["title"].str.contains("示例数据").any():
    st.caption("所选评价中含示例数据（标题或整改进度注明“示例数据”）：仅作演示，不代表实际情况。")

left, right = st.columns(2)
with left:
    st.subheader("各年度等次分布")
    layout.chart(view.grades_by_year_chart(portfolio.grades_by_year(sub.units)), "pf_grades_year")
with right:
    st.subheader("各等次涉及资金")
    layout.chart(view.funds_by_grade_chart(portfolio.funds_by_grade(sub.units)), "pf_funds_grade")
left, right = st.columns(2)
with left:
    st.subheader("预算执行率分布")
    layout.chart(view.distribution_chart(view.rates_of(sub), "预算执行率", "%"), "pf_rates")
with right:
    st.subheader("得分分布")
    layout.chart(view.distribution_chart(view.scores_of(sub), "得分", "分", bins=(40, 101, 5)), "pf_scores")

st.subheader("各评价整改率")
layout.chart(view.rectification_chart(portfolio.rectification_by_evaluation(sub.evaluations)), "pf_rect")

results_use.portfolio_section(sub.units)  # 结果应用 and 自评偏差 (issue 26)

st.subheader(f"评价一览（{len(sub.evaluations)} 个，点击标题打开）")
st.html(view.table_html(sub.evaluations))

st.subheader("反复出现的问题")
st.caption("各评价“存在的主要问题”的类别标题按规则表（evalcore/themes.toml）归入标准问题主题；"
           f"没有命中任何关键词的类别显示为“{UNCLASSIFIED}”，不强行归类。格内为提出该主题的评价数 / 问题条数。")
counts = view.theme_counts(sub)
layout.chart(view.themes_chart(counts), "pf_themes")
if not sub.themes.empty:
    present = [t for t in theme_names() if t in set(sub.themes["theme"])]
    d1, d2 = st.columns([1, 1])
    chosen = d1.selectbox("查看主题的原始问题", present, key="pf_theme")
    theme_years = sorted({int(y) for y in sub.themes[sub.themes["theme"] == chosen]["year"].dropna()}, reverse=True)
    chosen_years = d2.multiselect("年度", theme_years, key="pf_theme_years", placeholder="全部年度")
    rows = sub.themes[sub.themes["theme"] == chosen]
    if chosen_years:
        rows = rows[rows["year"].isin(chosen_years)]
    titles = sorted(set(rows["category"]))
    st.caption(plain_inline(f"{chosen}：{len(rows)} 项问题，来自 {rows['evaluation_id'].nunique()} 个评价；"
                            f"原始类别标题：{'；'.join(titles)}"))
    rows = rows.assign(source=[f"{r.region} {int(r.year) if r.year == r.year else ''} {r.title}"
                               for r in rows.itertuples()],
                       basis=["按条目归类" if b else f"关键词“{kw}”" if kw else "—"
                              for b, kw in zip(rows["by_item"], rows["keyword"], strict=True)])
    show_table(rows.astype(object), [
        GridColumn("source", "评价", width=220, wrap=True),
        GridColumn("category", "原始类别", width=200, wrap=True),
        GridColumn("basis", "归类依据", width=110),
        GridColumn("text", "问题", flex=3, wrap=True),
    ], key=f"pf_theme_rows_{present.index(chosen)}")
