"""管理 page building blocks: the audit log (filter, export), accounts, evaluations.

Every change goes through ``evalcore.store`` with the signed-in actor, which checks the admin role itself.
"""
from __future__ import annotations

import datetime as dt
from functools import partial
from typing import TypedDict

import pandas as pd
import streamlit as st

from evalcore import audit, clock
from evalcore.auth import ROLE_LABELS, ROLES, Actor, AuthConfig
from evalcore.store import AUDIT_ACTIONS

from . import auth, cache, flash, unit_accounts
from .errors import store_write
from .text import plain

PAGE_SIZE = 100  # audit entries shown per page
EXPORT_MAX = 100_000  # entries in one export from the page (the command line exports any number)


class AuditFilters(TypedDict):
    """The 管理 page's audit-log filters, as ``Store.audit_log``/``audit_count`` take them."""
    since: dt.datetime | None
    until: dt.datetime | None
    actor: str | None
    actions: list[str] | None
    evaluation_id: int | None


def _with_actions(filters: AuditFilters, actions: list[str]) -> AuditFilters:
    narrowed = filters.copy()
    narrowed["actions"] = actions
    return narrowed


def _when(at: dt.datetime) -> str:
    return clock.format_time(at)


def _action_label(kind: str) -> str:
    return AUDIT_ACTIONS[kind]


def _role_label(role: str) -> str:
    return ROLE_LABELS[role]


def _done(message: str) -> None:
    flash.leave(message)
    st.rerun()




# --- the audit log ----------------------------------------------------------------------------------------


def audit_section(who: Actor) -> None:
    store = cache.store()
    today = clock.today()
    evaluations = {e.id: e for e in store.evaluations(include_archived=True)}
    cols = st.columns([3, 2, 3, 3])
    period = cols[0].date_input("日期（北京时间）", value=(today - dt.timedelta(days=30), today),
                                key="audit_period", format="YYYY-MM-DD")
    actors = ["（全部）", *store.audit_actors()]
    actor = cols[1].selectbox("操作人", actors, key="audit_actor")
    kinds = cols[2].multiselect("操作", list(AUDIT_ACTIONS), format_func=_action_label, key="audit_actions",
                                placeholder="全部操作")
    evaluation = cols[3].selectbox("评价", [None, *evaluations], key="audit_evaluation",
                                   format_func=lambda i: "（全部）" if i is None else evaluations[i].label)
    if isinstance(period, (tuple, list)):  # (start,) while the second day is not picked yet
        start, end = (period[0], period[-1]) if period else (None, None)
    else:
        start = end = period
    since, until = audit.day_range(start, end)
    filters = AuditFilters(since=since, until=until, actor=None if actor == "（全部）" else actor,
                           actions=kinds or None, evaluation_id=evaluation)
    total = store.audit_count(**filters)  # counted and paged in SQL: a million entries cost one page
    refused_kinds = [k for k in ("denied", "sign_in_failed") if not kinds or k in kinds]
    denied = store.audit_count(**_with_actions(filters, refused_kinds)) if refused_kinds else 0
    st.caption(f"共 {total} 条记录" + (f"，其中登录失败或越权被拒 {denied} 条" if denied else ""))
    if not total:
        st.info("所选条件下没有审计记录。")
        return
    pages = max(1, -(-total // PAGE_SIZE))
    page = 1
    if pages > 1:
        page = int(st.columns([1, 3])[0].number_input(f"页码（共 {pages} 页）", min_value=1, max_value=pages,
                                                      value=1, step=1, key="audit_page",
                                                      help=f"每页 {PAGE_SIZE} 条，最新的在前"))
    entries = store.audit_log(**filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    frame = pd.DataFrame(audit.rows(entries)).astype({"评价编号": str, "版本编号": str})  # one type per column
    st.dataframe(frame, hide_index=True, width="stretch", height=min(600, 54 + 35 * len(frame)), key="audit_table",
                 column_config={"内容": st.column_config.TextColumn(width="large")})
    stem = f"审计日志_{start}_{end}"
    count = min(total, EXPORT_MAX)
    if total > EXPORT_MAX:
        st.caption(f"导出最多包含最新的 {EXPORT_MAX} 条；全部记录请在服务器上用 python -m evalcore audit 导出。")
    buttons = st.columns(3)
    for col, fmt, label in zip(buttons, ("xlsx", "csv", "json"), ("导出 Excel", "导出 CSV", "导出 JSON"), strict=True):
        # a callable: the file is built when the button is pressed, never on a rerun of the page
        col.download_button(label, data=partial(_export, filters, fmt), file_name=f"{stem}.{fmt}",
                            icon=":material/download:", key=f"audit_export_{fmt}", width="stretch",
                            on_click=_record_export, args=(who, fmt, count, str(start), str(end)))


def _export(filters: AuditFilters, fmt: str) -> bytes:
    # streamed from the store a batch at a time into the file (XLSX in write-only mode): only the file is held
    return audit.audit_bytes(cache.store().iter_audit(**filters, limit=EXPORT_MAX), fmt)


def _record_export(who: Actor, fmt: str, count: int, start: str, end: str) -> None:
    cache.store().record(who, "audit_export", f"导出审计日志（{fmt}，{count} 条，{start} 至 {end}）",
                        target=fmt, after={"格式": fmt, "条数": count, "起": start, "止": end})


# --- accounts ---------------------------------------------------------------------------------------------


def accounts_section(who: Actor, cfg: AuthConfig) -> None:
    if cfg.mode == "none":
        st.info("当前未启用登录（none 模式），账户不生效。启用密码登录：设置环境变量 EVALBOARD_AUTH=password，"
                "或在 .streamlit/secrets.toml 的 [evalboard] 中写 auth = \"password\"（见 README）。")
    elif cfg.mode == "oidc":
        rules = cfg.oidc
        st.info("当前使用统一身份认证（OIDC）登录：账户由身份提供方管理，角色按 secrets.toml 的 [evalboard.oidc] "
                "规则确定。")
        st.table(pd.DataFrame([
            {"角色": ROLE_LABELS[r], "邮箱或域名": "、".join(getattr(rules, f"{r}s")) or "—",
             "用户组": "、".join(getattr(rules, f"{r}_groups")) or "—"} for r in ("admin", "evaluator", "viewer")
        ]).set_index("角色"))
        unit_accounts.oidc_rule(rules)
        return
    store = cache.store()
    users = store.users()
    st.dataframe(pd.DataFrame([{"账户": u.name, "角色": u.role_label, "单位": "、".join(u.units), "邮箱": u.email,
                                "创建人": u.created_by, "创建时间（北京时间）": _when(u.created_at),
                                "最近修改": _when(u.updated_at)} for u in users],
                              columns=["账户", "角色", "单位", "邮箱", "创建人", "创建时间（北京时间）", "最近修改"]),
                 hide_index=True, width="stretch", key="users_table")
    st.caption("密码只以 argon2id 加盐哈希保存。修改密码或角色后，该账户已登录的会话立即失效。"
               "也可在服务器上用命令行管理：python -m evalcore user add|passwd|role|remove|list")
    left, right = st.columns(2)
    with left, st.form("user_add_form", clear_on_submit=True):
        st.markdown("**新增账户**")
        name = st.text_input("用户名", key="user_add_name")
        role = st.selectbox("角色", ROLES, format_func=_role_label, key="user_add_role")
        pw = st.text_input("初始密码", type="password", key="user_add_password")
        pw2 = st.text_input("再输入一次", type="password", key="user_add_password2")
        email, units = unit_accounts.add_fields()  # issue 25: e-mail, and the units of a 单位填报 account
        if st.form_submit_button("新增", type="primary"):
            if pw != pw2:
                st.error("两次输入的密码不一致")
            elif store_write(store.add_user, name, role, pw, by=who, email=email, units=units):
                _done(f"已新增账户“{name.strip()}”（{ROLE_LABELS[role]}）")
    if not users:
        return
    names = [u.name for u in users]
    roles = {u.name: u.role for u in users}
    with right:
        target = st.selectbox("选择账户", names, key="user_pick",
                              format_func=lambda n: f"{n}（{ROLE_LABELS[roles[n]]}）")
        with st.form("user_role_form"):
            role = st.selectbox("新角色", ROLES, index=ROLES.index(roles[target]), format_func=_role_label,
                                key="user_role")
            if st.form_submit_button("修改角色") and store_write(store.set_role, target, role, by=who):
                _done(f"已把“{target}”的角色改为{ROLE_LABELS[role]}")
        with st.form("user_password_form", clear_on_submit=True):
            pw = st.text_input("新密码", type="password", key="user_new_password")
            pw2 = st.text_input("再输入一次", type="password", key="user_new_password2")
            if st.form_submit_button("重设密码"):
                if pw != pw2:
                    st.error("两次输入的密码不一致")
                elif store_write(store.set_password, target, pw, by=who):
                    _done(f"已重设“{target}”的密码")
        unit_accounts.units_form(who, next(u for u in users if u.name == target), store_write, _done)
        confirm = st.checkbox(plain(f"确认删除账户“{target}”"), key="user_remove_confirm")
        if st.button("删除账户", disabled=not confirm, key="user_remove") and store_write(store.remove_user, target,
                                                                                        by=who):
            _done(f"已删除账户“{target}”")


# --- evaluations ------------------------------------------------------------------------------------------


def evaluations_section(who: Actor) -> None:
    store = cache.store()
    infos = store.evaluations(include_archived=True)
    st.dataframe(pd.DataFrame([{"编号": e.id, "评价": e.label, "当前版本": f"第 {e.active_number} 版",
                                "版本数": e.versions, "最近更新（北京时间）": _when(e.updated_at),
                                "状态": "已归档" if e.archived else "使用中"} for e in infos]),
                 hide_index=True, width="stretch", key="evaluations_table")
    st.caption("归档的评价不再出现在各页面的评价选择中；其所有版本和记录都保留，可随时恢复。")
    by_id = {e.id: e for e in infos}
    cols = st.columns([3, 1])
    chosen = cols[0].selectbox("选择评价", list(by_id), key="evaluation_admin_pick",
                               format_func=lambda i: by_id[i].label + ("（已归档）" if by_id[i].archived else ""))
    info = by_id[chosen]
    active = [e for e in infos if not e.archived]
    if info.archived:
        if cols[1].button("恢复", key="evaluation_restore", width="stretch") and \
                store_write(store.set_archived, info.id, False, by=who):
            _done(f"已恢复评价“{info.label}”")
    else:
        disabled = len(active) <= 1
        if cols[1].button("归档", key="evaluation_archive", width="stretch", disabled=disabled,
                          help="至少保留一个使用中的评价" if disabled else None) and \
                store_write(store.set_archived, info.id, True, by=who):
            _done(f"已归档评价“{info.label}”")


def require_admin() -> Actor:
    """The signed-in admin, or stop the page with a refusal (the store checks again on every write). With
    sign-in off, everyone is an admin and changes are recorded under the 操作人 typed here."""
    if not auth.can("view_audit"):
        auth.record_refused_visit("管理", "view_audit")
        st.error("此页仅限管理员访问。")
        st.stop()
    auth.operator_input("账户和评价的变更都会记录操作人和时间。")
    who = auth.actor()
    assert who is not None
    return who
