"""管理 (admins only): the audit log with filters and export, accounts, evaluations."""
import streamlit as st

from components import admin, auth, flash, layout, results_use

layout.page("管理", picker=False)
who = admin.require_admin()
flash.show()
audit_tab, accounts_tab, evaluations_tab, rules_tab = st.tabs(["审计日志", "账户", "评价", "结果应用规则"])
with audit_tab:
    admin.audit_section(who)
with accounts_tab:
    admin.accounts_section(who, auth.config())
with evaluations_tab:
    admin.evaluations_section(who)
with rules_tab:
    results_use.rules_section(who)
