"""评价总览: every evaluation of the store at a glance (filters, KPIs, charts, the evaluations with links to
each one's 总览, recurring problem themes with a drill-down). app.py opens it when the store holds more than one
evaluation and the URL names none. Every figure is a query on the facts of the active versions
(evalcore.archive.query): filters, sums and paging run in the database; no workbook is loaded here."""
import streamlit as st

from components import cache, layout, nav, responsive, results_use
from components import portfolio as view
from components.table import GridColumn, show_table
from components.text import plain, plain_inline
from evalcore import clock
from evalcore.archive import query as archive
from evalcore.model import evaluation_label
from evalcore.problem_themes import UNCLASSIFIED, theme_names

layout.page("评价总览", picker=False)
store = cache.store()
today = clock.today()
over = archive.overview(store)
view.unreadable_note(over.unreadable)

if not over.evaluations:
    st.info("数据库中还没有评价，请在“数据管理”页上传工作簿或导入报告文本。")
    st.stop()
if over.evaluations == 1:
    only = archive.evaluations(store, archive.ALL, today, limit=1).iloc[0]
    st.info(plain(f"数据库中只有一个评价：{only['title']}。"))
    st.page_link(nav.OVERVIEW, label="打开该评价的总览", icon=":material/dashboard:",
                 query_params={"eval": str(int(only["evaluation_id"]))})

first = st.container() if responsive.is_phone() else None  # on a phone the key figures first, then the filters
FILTER_KEYS = ("pf_years", "pf_regions", "pf_kinds", "pf_evaluators", "pf_search")
with responsive.filter_panel(sum(bool(st.session_state.get(key)) for key in FILTER_KEYS), key="pf_filters"):
    c1, c2, c3, c4, c5 = st.columns([1.2, 1.2, 1.2, 1.4, 2])
pick_years = c1.multiselect("年度", over.years, key="pf_years", placeholder="全部年度")
pick_regions = c2.multiselect("地区", over.regions, key="pf_regions", placeholder="全部地区")
pick_kinds = c3.multiselect("评价类型", over.kinds, key="pf_kinds", placeholder="全部类型")
pick_evaluators = c4.multiselect("评价机构", over.evaluators, key="pf_evaluators", placeholder="全部机构")
search = c5.text_input("搜索", key="pf_search", placeholder="标题、地区、机构中的文字")
f = view.filters(years=pick_years, regions=pick_regions, kinds=pick_kinds, evaluators=pick_evaluators, search=search)
n = archive.count(store, f) if f != archive.ALL else over.evaluations
if not n:
    st.warning("没有符合筛选条件的评价。")
    st.stop()
k = archive.kpis(store, f, today, view.aliases())

tiles = view.kpi_texts(k)
with first or st.container():
    top, bottom = st.columns(4), st.columns(3)
    for col, label in zip([*top, *bottom], tiles, strict=True):
        value, help_text = tiles[label]
        col.metric(label, value, help=help_text, border=True, height="stretch")
if k.rect_illustrative or archive.any_sample_title(store, f):
    st.caption("所选评价中含示例数据（标题或整改进度注明“示例数据”）：仅作演示，不代表实际情况。")

left, right = st.columns(2)
with left:
    st.subheader("各年度等次分布")
    layout.chart(view.grades_by_year_chart(archive.grades_by_year(store, f)), "pf_grades_year")
with right:
    st.subheader("各等次涉及资金")
    layout.chart(view.funds_by_grade_chart(archive.funds_by_grade(store, f)), "pf_funds_grade")
rate_bins, score_bins = archive.histograms(store, f, (0, 110, 10), (40, 101, 5))
left, right = st.columns(2)
with left:
    st.subheader("预算执行率分布")
    layout.chart(view.distribution_bars(rate_bins, "预算执行率", "%", 10), "pf_rates")
with right:
    st.subheader("得分分布")
    layout.chart(view.distribution_bars(score_bins, "得分", "分", 5), "pf_scores")

st.subheader("各评价整改率")
rect, rect_total = archive.rectification_by_evaluation(store, f, today)
layout.chart(view.rectification_chart(rect), "pf_rect")
if rect_total > len(rect):
    st.caption(f"有整改事项的评价共 {rect_total} 个，图中为整改率最低的 {len(rect)} 个。")

st.subheader("整改期限：逾期与即将到期（按责任单位）")
soon_days = st.segmented_control("即将到期的天数", [7, 15, 30, 60], default=30, key="pf_due_days",
                                 format_func=lambda d: f"{d} 天内") or 30
due, due_units = archive.deadlines_by_unit(store, f, today, int(soon_days))
if due.empty:
    st.caption(f"所选评价中没有逾期或 {soon_days} 天内到期的未完成整改事项。")
else:
    st.dataframe(due.rename(columns={"unit": "责任单位", "overdue": "逾期未完成（项）",
                                     "soon": f"{soon_days} 天内到期（项）", "evaluations": "涉及评价（个）"}),
                 hide_index=True, width="stretch", key="pf_due_table")
    st.caption(f"统计日期 {today:%Y-%m-%d}；未完成指当前状态不是已完成的状态。"
               + (f"共 {due_units} 个责任单位有逾期或即将到期的事项，表中为逾期最多的 {len(due)} 个。"
                  if due_units > len(due) else ""))

# 结果应用 and 自评偏差 (issue 26), over the units of the filtered evaluations as written at publish. Every unit's
# suggestion is its own rule applied to its own budget; past APPLICATION_AUTO units it is worked out on request.
if k.unit_results <= results_use.APPLICATION_AUTO or st.toggle(
        f"测算结果应用（所选评价共 {k.unit_results:,} 个单位结果，可先按年度、地区筛选）", key="pf_application"):
    results_use.portfolio_section(archive.unit_rows(store, view.aliases(), f=f))
else:
    st.subheader("结果应用")
    st.caption("所选评价的单位较多：打开上方开关后按结果应用规则逐个单位测算，或先按年度、地区筛选。")

st.subheader(f"评价一览（{n} 个，点击标题打开）")
pages = (n + archive.PAGE_SIZE - 1) // archive.PAGE_SIZE
page = 1
if pages > 1:
    page = int(st.number_input(f"页码（共 {pages} 页，每页 {archive.PAGE_SIZE} 个）", min_value=1, max_value=pages,
                               value=1, step=1, key="pf_page"))
st.html(view.table_html(archive.evaluations(store, f, today, offset=(page - 1) * archive.PAGE_SIZE)))

st.subheader("反复出现的问题")
st.caption("各评价“存在的主要问题”的类别标题按系统内置的问题主题规则（关键词对照表）归入标准问题主题；"
           f"没有命中任何关键词的类别显示为“{UNCLASSIFIED}”，不强行归类。格内为提出该主题的评价数 / 问题条数。")
counts = archive.theme_counts(store, f)
layout.chart(view.themes_chart(counts), "pf_themes")
if not counts.empty:
    present = [t for t in theme_names() if t in set(counts["theme"])]
    d1, d2 = st.columns([1, 1])
    chosen = d1.selectbox("查看主题的原始问题", present, key="pf_theme")
    chosen_years = d2.multiselect("年度", archive.theme_years(store, f, chosen), key="pf_theme_years",
                                  placeholder="全部年度")
    found = archive.theme_rows(store, f, chosen, chosen_years)
    rows = found.rows
    st.caption(plain_inline(f"{chosen}：{found.total} 项问题，来自 {found.evaluations} 个评价；"
                            f"原始类别标题：{'；'.join(found.categories)}"))
    if found.total > len(rows):
        st.caption(f"下表列出前 {len(rows)} 项；可用上方筛选或年度缩小范围。")
    rows = rows.assign(source=[evaluation_label(r.region, r.year, r.title) for r in rows.itertuples()],
                       basis=["按条目归类" if b else f"关键词“{kw}”" if kw else "—"
                              for b, kw in zip(rows["by_item"], rows["keyword"], strict=True)])
    show_table(rows.astype(object), [
        GridColumn("source", "评价", width=220, wrap=True),
        GridColumn("category", "原始类别", width=200, wrap=True),
        GridColumn("basis", "归类依据", width=110),
        GridColumn("text", "问题", flex=3, wrap=True),
    ], key=f"pf_theme_rows_{present.index(chosen)}")
