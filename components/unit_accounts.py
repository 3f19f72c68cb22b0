"""管理 › 账户, for 单位填报 accounts (issue 25): the e-mail and units fields of a new account, changing an account's
units and address, and the OIDC claim that maps an identity to units. The store checks the admin role itself."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from evalcore.auth import Actor, OidcRoles
from evalcore.store import UserInfo

from . import cache
from .text import plain


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace("、", "\n").splitlines() if line.strip()]


def add_fields() -> tuple[str, list[str]]:
    """Inside the 新增账户 form: the address reminders go to, and a 单位填报 account's units."""
    email = st.text_input("邮箱（用于整改提醒，可不填）", key="user_add_email")
    units = st.text_area("所属单位（仅单位填报账户；每行一个单位全称）", key="user_add_units", height=80,
                         help="按单位全称在各评价间匹配（经单位别名表），例如：长沙市数据局")
    return email, _lines(units)


def units_form(who: Actor, user: UserInfo, run: Callable[..., bool], done: Callable[[str], None]) -> None:
    """Change the chosen account's units (单位填报 only) and e-mail."""
    with st.form("user_units_form"):
        st.markdown("**单位与邮箱**")
        email = st.text_input("邮箱", value=user.email, key="user_units_email")
        units = st.text_area("所属单位（每行一个）", value="\n".join(user.units), key="user_units_units", height=80,
                             disabled=user.role != "unit", help="只有单位填报账户绑定单位")
        if st.form_submit_button("保存单位与邮箱"):
            if run(cache.store().set_units, user.name, _lines(units) if user.role == "unit" else [], by=who,
                   email=email):
                done(f"已修改“{user.name}”的单位与邮箱")


def oidc_rule(rules: OidcRoles) -> None:
    if rules.unit_claim:
        st.caption(plain(f"单位填报：未匹配上述规则、且身份令牌的声明“{rules.unit_claim}”列出单位名称的账号，"
                         "以单位填报角色登录，只能查看和报送这些单位的整改事项。"))
    else:
        st.caption("单位填报：未配置。在 [evalboard.oidc] 中设置 unit_claim = \"声明名\"，"
                   "令牌中该声明列出的单位即为该账号负责的单位。")
