"""结果应用 on the pages (issue 26): the rules editor of the 管理 page, the 结果应用 section of the 评价总览 (KPI,
totals per evaluation, the ledger to download, 自评偏差), and the unit page's consequence of its grade, its
decisions and its 自评偏差.

The computations are :mod:`evalcore.application`; the rules and decisions are read from and written to the store
by :mod:`evalcore.application_store` with the signed-in actor (which checks the role itself).
"""
from __future__ import annotations

from decimal import Decimal
from functools import partial

import pandas as pd
import streamlit as st

from evalcore import application as app
from evalcore import application_store as appstore
from evalcore.archive import query as archive
from evalcore.auth import Actor
from evalcore.clock import format_time
from evalcore.export.ledger import ledger_docx, ledger_xlsx
from evalcore.model import Evaluation
from evalcore.numbers import fmt_amount, fmt_score, tile_amount

from . import auth, cache, flash, layout
from . import portfolio as pf_view
from .errors import store_write
from .text import plain, plain_inline

ILLUSTRATIVE_NOTE = "标注“示例”的自评或评价为示例数据（虚构的演示数据），不代表实际情况。"


def _amount(v) -> str:
    return "—" if v is None or (not isinstance(v, str) and pd.isna(v)) else fmt_amount(v, "")


def _signed(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "—"
    text = fmt_amount(v, "")
    return f"+{text}" if v > 0 else text


def _when(at) -> str:
    return format_time(at) if at is not None and at == at else ""


RESULTS = "results"  # the flash slot of the 结果应用 sections (管理 has its own line at the top)


def done(message: str) -> None:
    """Keep the message for the next run, in this section's slot, and rerun."""
    flash.leave(message, RESULTS)
    st.rerun()


# --- 管理: the rules ----------------------------------------------------------------------------------------


def rules_section(who: Actor) -> None:
    """The rules in force (by kind and grade), a form to change one, going back to a default, and the history."""
    flash.show(RESULTS)
    store = cache.store()
    rules = appstore.rules(store)
    st.caption("评价结果与下年度预算安排挂钩：按评价类型和等次设定预算处理方式（保持、调减、取消、增加）。"
               "未设定的采用默认规则（财预〔2020〕10号和《关于全面实施预算绩效管理的意见》要求中、差调减或取消，"
               "优、良保持或优先支持；默认比例由本系统设定，并非文件规定的固定数字）。"
               "每次修改都记入审计日志；已记录的结果应用决定保留当时的规则，不随规则修改而改变。")
    st.dataframe(pd.DataFrame([{
        "评价类型": r.kind, "等次": r.grade, "处理": r.label, "说明": r.note,
        "来源": "默认" if r.is_default else "本局设定", "设定人": r.set_by, "设定时间（北京时间）": _when(r.set_at),
    } for r in rules.table()]), hide_index=True, width="stretch", key="rules_table",
        column_config={"说明": st.column_config.TextColumn(width="large")})
    kinds, grades, actions = list(app.RULE_KINDS), list(app.GRADES), list(app.ACTIONS)
    left, right = st.columns(2)
    with left:
        c1, c2 = st.columns(2)
        kind = c1.selectbox("评价类型", kinds, key="rule_kind")
        grade = c2.selectbox("等次", grades, key="rule_grade")
        current = rules.rule(kind, grade)
        assert current is not None  # every kind and grade has a rule
        with st.form("rule_form"):
            st.markdown(f"**{plain_inline(f'修改规则：{kind} · {grade}')}**（现为 {plain_inline(current.label)}）")
            action = st.selectbox("处理方式", actions, index=actions.index(current.action),
                                  format_func=lambda a: app.ACTIONS[a], key="rule_action")
            percent = st.text_input("比例（%，调减或增加时填写）",
                                    value=str(current.percent.normalize()) if current.percent is not None else "",
                                    key="rule_percent", placeholder="例如 10")
            note = st.text_input("说明", value=current.note, key="rule_note")
            if st.form_submit_button("保存规则", type="primary") and store_write(
                    appstore.set_rule, store, kind, grade, action, percent if action in app.WITH_PERCENT else None,
                    note, by=who):
                done(f"已保存规则：{kind} · {grade}")
        if not current.is_default and st.button("恢复默认规则", key="rule_reset") and store_write(
                appstore.reset_rule, store, kind, grade, by=who):
            done(f"已恢复默认规则：{kind} · {grade}")
    with right:
        history = appstore.rule_history(store)
        st.markdown("**规则修改记录**")
        if not history:
            st.caption("尚未修改过规则，全部采用默认规则。")
        else:
            st.dataframe(pd.DataFrame([{
                "评价类型": h.rule.kind, "等次": h.rule.grade, "处理": h.rule.label, "说明": h.rule.note,
                "设定人": h.by, "设定时间（北京时间）": _when(h.at),
                "状态": "现行" if h.active else f"已由 {h.retired_by} 于 {_when(h.retired_at)} 替换或恢复默认",
            } for h in history]), hide_index=True, width="stretch", key="rules_history")


# --- 评价总览 ---------------------------------------------------------------------------------------------------


def _ledger_frame(suggestions: list[app.Suggestion]) -> pd.DataFrame:
    ids = {s.row.evaluation_id for s in suggestions}
    decided = [d for d in appstore.decisions(cache.store()) if d.evaluation_id in ids]  # one query
    return app.with_decisions(suggestions, decided)


APPLICATION_AUTO = 20_000  # unit results worked out on every view of 评价总览; more on request


def portfolio_section(units: pd.DataFrame, evaluations: pd.DataFrame | None = None) -> None:
    """The 结果应用 section of the portfolio, over per-unit rows (evaluation_id, year, kind, unit, grade,
    grade_stated, budget, title, name; the portfolio's unit table or a SQL fact table), and 自评偏差 over the same
    table (with identity, display, score)."""
    del evaluations
    rules = appstore.rules(cache.store())
    rows, reviewed_self = app.without_reviewed_self(app.rows_from_frame(units))
    suggestions = app.suggest_all(rows, rules)
    t = app.totals(suggestions)
    st.subheader("结果应用")
    k = st.columns([1.6, 1, 1.2, 1])
    for col, label, value, help_text in (
            (k[0], "据评价结果调减", t.cut,
             "按结果应用规则（管理页设定，未设定的用默认规则）由等次测算的下年度预算调减合计"),
            (k[1], "增加", t.added, "据评价结果增加（支持）的预算合计"),
            (k[2], "建议预算", t.suggested,
             f"下年度建议预算合计：{t.with_amount} 个有预算、有等次的单位；现预算 {fmt_amount(t.budget)}")):
        shown, exact = tile_amount(value) if isinstance(value, Decimal) else (_amount(value), None)
        if exact is None:  # fits the tile: the exact figure, the unit in the label
            col.metric(f"{label}（万元）", _amount(value), border=True, help=help_text)
        else:  # past 10 亿元 (issue 28): ≈ 亿元 in the tile, the exact 万元 figure in its tooltip
            col.metric(label, shown, border=True, help=f"{help_text}；{exact}")
    k[3].metric("未测算金额", f"{t.without_amount} 个单位", border=True,
                help="报告未列预算或无等次的单位：只列出适用的规则，不测算金额")
    frame = _ledger_frame(suggestions)
    titles = dict(zip(frame["evaluation_id"], frame["title"], strict=False))
    by_eval = app.totals_by(suggestions, "evaluation")
    if by_eval:
        st.dataframe(pd.DataFrame([{
            "评价": titles.get(eid, str(eid)), "测算单位": tt.with_amount,
            "预算（万元）": _amount(tt.budget) if tt.with_amount else "—",
            "调减（万元）": _amount(tt.cut) if tt.with_amount else "—",
            "增加（万元）": _amount(tt.added) if tt.with_amount else "—",
            "建议预算（万元）": _amount(tt.suggested) if tt.with_amount else "—",
            "未测算": tt.without_amount,
        } for eid, tt in by_eval]), hide_index=True, width="stretch", key="pf_application_totals",
            column_config={"评价": st.column_config.TextColumn(width="medium")})
    by_year = [(y, tt) for y, tt in app.totals_by(suggestions, "year") if tt.with_amount]
    if len(by_year) > 1:
        st.caption(plain("按年度：" + "；".join(
            (f"{y} 年" if y is not None else "年度未注明")
            + f"调减 {fmt_amount(tt.cut)}、建议预算 {fmt_amount(tt.suggested)}"
            for y, tt in by_year) + "。"))
    derived = int(sum(1 for s in suggestions if s.row.grade and not s.row.grade_stated))
    st.caption(plain("建议由等次和结果应用规则测算，万元，四舍五入到分；规则由管理员在“管理”页设定。"
                     + (f"其中 {derived} 个单位的等次按得分推算（报告未列等次）。" if derived else "")
                     + (f"{len(reviewed_self)} 个单位的自评同年已有财政评价（复核），以评价结果为准，自评不重复计入。"
                        if reviewed_self else "")))
    with st.expander("结果应用台账（建议与决定）"):
        show = frame.assign(
            等次=[g + ("（推算）" if src == app.GRADE_DERIVED else "") for g, src in
                zip(frame["grade"], frame["grade_source"], strict=True)],
            预算=[_amount(v) for v in frame["budget"]], 建议调整=[_signed(v) for v in frame["change"]],
            建议预算=[_amount(v) for v in frame["suggested"]], 决定预算=[_amount(v) for v in frame["decided"]],
            决定与建议之差=[_signed(v) for v in frame["difference"]])
        show = show.rename(columns={"title": "评价", "name": "单位", "rule": "适用规则", "decision": "决定",
                                    "decided_rule": "决定时规则", "reason": "说明"})
        st.dataframe(show[["评价", "单位", "等次", "适用规则", "预算", "建议调整", "建议预算", "决定", "决定预算",
                           "决定与建议之差", "决定时规则", "说明"]], hide_index=True, width="stretch",
                     key="pf_application_ledger")
        c1, c2 = st.columns(2)
        c1.download_button("下载台账 Excel", data=partial(ledger_xlsx, frame, t), file_name="结果应用台账.xlsx",
                           icon=":material/download:", key="ledger_xlsx", width="stretch")
        c2.download_button("下载台账 Word", data=partial(ledger_docx, frame, t), file_name="结果应用台账.docx",
                           icon=":material/download:", key="ledger_docx", width="stretch")
    self_review_section(units, key="pf_self_review")


def self_review_section(units: pd.DataFrame, key: str, identity: str | None = None) -> None:
    """自评偏差: each unit's 自评 against the bureau's evaluation of the same unit and year, most over-rated
    first (or only ``identity``'s pairs)."""
    pairs = app.self_review(units)
    if identity is not None:
        pairs = pairs[pairs["identity"] == identity]
    st.subheader("自评偏差")
    if pairs.empty:
        st.caption("没有同一单位、同一年度既有自评又有财政重点评价（复核）的记录。")
        return
    over = pairs[[d is not None and d > 0 for d in pairs["score_diff"]]]
    st.caption(plain(f"{len(pairs)} 对自评与评价（同一单位、同一年度，按单位名称和别名匹配）；自评得分高于评价得分的 "
                     f"{len(over)} 对，按高出多少排列。偏差 = 自评得分 − 评价得分。"))
    table = pd.DataFrame({
        "单位": [("（示例）" if i else "") + d for d, i in zip(pairs["display"], pairs["illustrative"], strict=True)],
        "年度": [str(y) for y in pairs["year"]],
        "自评得分": [fmt_score(v) for v in pairs["self_score"]],
        "自评等次": [g or "—" for g in pairs["self_grade"]],
        "评价得分": [fmt_score(v) for v in pairs["review_score"]],
        "评价等次": [g or "—" for g in pairs["review_grade"]],
        "得分偏差": [("+" if v is not None and v > 0 else "") + fmt_score(v) for v in pairs["score_diff"]],
        "等次偏差": [app.grade_diff_label(v) for v in pairs["grade_diff"]],
        "评价": [plain_inline(t) for t in pairs["review_title"]],
    })
    st.dataframe(table, hide_index=True, width="stretch", key=key)
    if pairs["illustrative"].any():
        st.caption(ILLUSTRATIVE_NOTE)


# --- 单位详情 ---------------------------------------------------------------------------------------------------


def unit_section(ev: Evaluation, key: str) -> None:
    """The unit's grade and what it means for next year's budget; the decision (record one: evaluators, admins);
    the history of its applications (this unit in every evaluation of the store, matched by identity); its
    自评偏差."""
    info = layout.current_info()
    if info is None:
        return
    store = cache.store()
    rules = appstore.rules(store)
    rows = {r.unit: r for r in layout.derived(app.rows_from_evaluation, info.id)}  # once per version
    st.subheader("结果应用")
    flash.show(RESULTS)
    row = rows.get(key)
    if row is None:
        st.caption("该单位既无预算也无得分，不适用结果应用。")
        return
    s = app.suggest(row, rules)
    if s.rule is None:
        st.info(plain(f"{s.reason}。"))
    else:
        grade = f"{row.grade}（{row.grade_source}）"
        st.markdown(f"**{plain_inline(f'等次 {grade} → {s.rule.label}')}**："
                    + plain_inline(s.rule.note + ("（默认规则）" if s.rule.is_default else "（本局设定的规则）")))
        k = st.columns(3)
        k[0].metric("现预算", fmt_amount(row.budget), border=True)
        k[1].metric("建议调整", _signed(s.change) + (" 万元" if s.change is not None else ""), border=True)
        k[2].metric("建议下年度预算", fmt_amount(s.suggested), border=True)
        if s.change is None:
            st.caption(plain(s.reason))
    same = _identity_rows(info.id, key)
    history = appstore.decisions(store, units=_same_unit(same, info.id, key), history=True)
    current = next((d for d in history if d.evaluation_id == info.id and d.unit == key and d.retired_at is None), None)
    if current is not None:
        st.markdown(f"**{plain_inline('已记录的决定：' + current.status_label)}**，" + plain_inline(
            f"下年度预算 {fmt_amount(current.decided)}（建议 {fmt_amount(current.suggested)}，决定时规则 "
            f"{current.rule.label if current.rule else '—'}）"
            + (f"；理由：{current.reason}" if current.reason else "")))
    if auth.can("publish"):
        auth.operator_input("结果应用决定会记录操作人和时间。")
        _decision_form(s)
    st.markdown("**结果应用记录**")
    if not history:
        st.caption("尚未记录该单位的结果应用决定。")
    else:
        titles = {i.id: i.label for i in store.evaluations(include_archived=True)}
        st.dataframe(pd.DataFrame([{
            "评价": titles.get(d.evaluation_id, str(d.evaluation_id)), "年度": str(d.year or ""),
            "等次": d.grade or "—", "决定时规则": d.rule.label if d.rule else "—", "预算": _amount(d.budget),
            "建议预算": _amount(d.suggested), "决定": d.status_label, "决定预算": _amount(d.decided),
            "理由": d.reason, "记录人": d.by, "记录时间（北京时间）": _when(d.at),
            "状态": "现行" if d.retired_at is None else "已被后来的决定替代",
        } for d in reversed(history)]), hide_index=True, width="stretch", key="unit_application_history")
    ident = same[(same["evaluation_id"] == info.id) & (same["unit"] == key)]["identity"]
    if len(ident):
        self_review_section(same, key="unit_self_review", identity=ident.iloc[0])
        pairs = app.self_review(same)
        if row.kind == app.SELF_KIND and (pairs["self_evaluation_id"] == info.id).any():
            st.caption("该单位同一年度已有财政评价（复核）：评价总览的结果应用合计以评价结果为准，本自评不重复计入。")


def _identity_rows(evaluation_id: int, key: str) -> pd.DataFrame:
    """This unit's rows in every active evaluation of the store, matched by identity as the trends match units,
    from the facts written at publish (two small queries, never the whole portfolio); empty when the unit is not
    counted (neither funded nor scored)."""
    store = cache.store()
    aliases = pf_view.aliases()
    mine = archive.unit_rows(store, aliases, evaluation_id=evaluation_id)
    mine = mine[mine["unit"] == key]
    if mine.empty:
        return mine
    return archive.unit_rows(store, aliases, identities=[str(mine["identity"].iloc[0])])


def _same_unit(units: pd.DataFrame, evaluation_id: int, key: str) -> list[tuple[int, str]]:
    """(evaluation id, unit) of this unit in every evaluation of the store (``units``: its identity's rows)."""
    mine = units[(units["evaluation_id"] == evaluation_id) & (units["unit"] == key)]
    if mine.empty:
        return [(evaluation_id, key)]
    same = units[units["identity"] == mine["identity"].iloc[0]]
    return sorted({(int(e), str(u)) for e, u in zip(same["evaluation_id"], same["unit"], strict=True)}
                  | {(evaluation_id, key)})


def _decision_form(s: app.Suggestion) -> None:
    with st.form("decision_form", clear_on_submit=True):
        st.markdown("**记录结果应用决定**")
        choice = st.radio("决定", list(app.DECISION_STATUSES), format_func=lambda k: app.DECISION_STATUSES[k],
                          horizontal=True, key="decision_status")
        c1, c2 = st.columns([1, 2])
        amount = c1.text_input("决定的下年度预算（万元，调整时填写）", key="decision_amount")
        reason = c2.text_input("理由（调整时必填）", key="decision_reason")
        if st.form_submit_button("记录决定"):
            who = auth.named_actor()
            if who is None:
                st.error("请先在页面上方填写操作人。")
            elif store_write(appstore.record_decision, cache.store(), s, choice, amount, reason, by=who):
                done(f"已记录 {s.row.name or s.row.unit} 的结果应用决定")


__all__ = ["done", "portfolio_section", "rules_section", "self_review_section", "unit_section"]
