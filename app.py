"""EvalBoard 绩效评价看板: the entry page (总览). Run with `make run` or `streamlit run app.py`.

Navigation is Streamlit's file-based multipage mode: this file is the home page and pages/ holds the others,
so every page has a stable URL that can be bookmarked or refreshed (see README, "Navigation").
"""
import streamlit as st

from components import achievements, charts, layout, nav, scale, sections, stated
from components import unit as unit_page
from components.portfolio import should_land

if should_land():  # more than one evaluation and none named in the URL: the portfolio first (issue 18)
    st.switch_page(nav.PORTFOLIO)
from components.text import plain, plain_inline
from evalcore import budget, findings, ranking, scoring

ev = layout.page("总览", header=False)

# Workbook text goes through plain()/plain_inline(): Streamlit renders these bodies as Markdown.
st.title(plain_inline(ev.meta.title))
st.caption("　·　".join(plain(p) for p in (ev.meta.evaluator, f"{ev.meta.year} 年度" if ev.meta.year else "",
                                          ev.meta.region) if p))

overall = layout.derived(budget.overall)
problems = layout.derived(findings.problems_table)
recs = layout.derived(findings.recommendations_table)

stated.headline_tiles(ev, overall)  # the stated figures; what the report does not state said once in words

if ranking.is_large(ev):
    # many units: distributions, a scatter, top/bottom lists and a treemap instead of a card per unit
    scale.overview(ev)
else:
    # one card per unit: score, grade, execution rate
    table = layout.derived(budget.budget_table)
    results = layout.derived(scoring.results_table)
    rates = layout.derived(budget.unit_rates)
    scored = {r["unit"]: r for r in results.to_dict("records")}
    units = [u for u in ev.units if u.key in scored or rates[u.key].budget is not None]
    if units:
        cols = st.columns(len(units))
        for col, unit in zip(cols, units, strict=True):
            with col.container(border=True):
                st.markdown(f"**{plain_inline(unit.name or unit.key)}**")
                r = scored.get(unit.key)
                stated.unit_card_figures(r, rates[unit.key], unit.note, budget_said=not stated.has_budget_lines(table))
                unit_page.link(unit.key, "单位详情")
    others = [u for u in ev.units if u not in units]
    if others:
        st.caption("另涉及：" + "；".join(f"{plain(u.name or u.key)}（{plain(u.note or '未列预算')}）" for u in others))

    if stated.has_budget_lines(table):  # else the headline has said once that the report lists no budget
        sections.budget_and_rates(ev, table, "overview")

findings_note = stated.findings_note(ev, problems, recs)  # what the report does not list, said once
if findings_note:
    st.caption(findings_note)
left, right = st.columns([3, 2]) if ev.achievement_areas and len(problems) else (st.container(), st.container())
if ev.achievement_areas:
    with left:
        achievements.show(ev)  # cards on a desktop, one expander per area on a phone
if len(problems):
    with right:
        st.subheader(f"问题 {len(problems)} 项 · 建议 {len(recs)} 条")
        pc = findings.counts_by_category(problems)
        layout.chart(charts.category_counts(pc, "项"), "overview_problems")
        st.caption(f"{len(pc)} 类 {len(problems)} 项问题；{len(ev.recommendation_categories)} 类 {len(recs)} 条建议，"
                   "详见“问题分析”和“建议与整改”。")

if ev.meta.conclusion:
    st.subheader("评价结论")
    st.info(plain(ev.meta.conclusion), icon=":material/gavel:")
