"""Sign-in for every page: none | password | oidc (see README, "登录与权限").

``gate()`` runs at the top of every page (from ``layout.page``). It returns the signed-in
:class:`~evalcore.auth.Actor`, or draws the sign-in panel and stops the page. Pages decide which controls to draw
with :func:`can`; the store checks the role again on every write, so a hidden button is not the protection.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Mapping

import streamlit as st

from evalcore import auth, clock
from evalcore.auth import Actor, AuthConfig, AuthConfigError
from evalcore.store import SignInError, StoreError

from . import cache, session_cookie
from .text import plain

_SESSION = "_auth_session"  # {"name", "signed_in_at", "last_seen"} of a password or oidc session
_ENDED = "_auth_ended"  # why the last session ended, shown once on the sign-in panel
OPERATOR = "operator"  # the name typed on 数据管理 when sign-in is off


def _secrets() -> Mapping:
    """st.secrets as a plain mapping; empty when there is no secrets.toml (that is not an error here)."""
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:
        return {}
    except Exception as exc:  # a secrets.toml that does not parse: say so instead of running without sign-in
        if "No secrets" in str(exc) or "not found" in str(exc).lower():
            return {}
        raise AuthConfigError(f"无法读取 .streamlit/secrets.toml：{exc}") from exc


def config() -> AuthConfig:
    return auth.load_config(_secrets(), os.environ)


def mode() -> str:
    return st.session_state.get("_auth_mode", "none")


def actor() -> Actor | None:
    """Who is using this session (set by :func:`gate`). With sign-in off: the 操作人 typed on 数据管理 (empty
    until typed), as an admin."""
    if mode() == "none":
        name = str(st.session_state.get(OPERATOR, "") or "").strip()
        return Actor(name, "admin", "none")
    return st.session_state.get("_auth_actor")


def operator_input(help_text: str) -> None:
    """With sign-in off: the 操作人 field whose name every change on this page is recorded under."""
    if mode() == "none":
        st.columns([1, 2])[0].text_input("操作人", key=OPERATOR, placeholder="填写你的姓名", help=help_text)


def can(action: str) -> bool:
    return auth.can(actor(), action)


def named_actor() -> Actor | None:
    """The actor for a write, or None while sign-in is off and no 操作人 has been typed yet."""
    a = actor()
    return a if a is not None and a.name else None


def record_refused_visit(page: str, action: str) -> None:
    """Leave an audit entry of a signed-in person opening a page their role may not use (once per session and
    page: reruns of the refused page add nothing; and new sessions within the store's refusal window count up
    the same entry, so a visitor cannot flood the log with it)."""
    who = actor()
    if who is None or mode() == "none":
        return
    key = f"_refused_{page}"
    if st.session_state.get(key) == who.name:
        return
    # counted: new sessions reopening the page within the window raise the entry's count (docs/security-attacks.md)
    try:
        cache.store().record_refusal(who, f"{who.label}打开“{page}”页面被拒绝（{auth.ACTIONS[action]}）",
                                     target=page, after={"操作": action, "页面": page})
    except StoreError:
        return  # the refusal itself still stands
    st.session_state[key] = who.name


def gate() -> Actor | None:
    """Sign-in for this page run. Returns the actor (password/oidc) or None with sign-in off."""
    try:
        cfg = config()
    except AuthConfigError as exc:
        st.error(f"登录设置有误：{exc}。请修正 .streamlit/secrets.toml 或环境变量后重启。")
        st.stop()
    st.session_state["_auth_mode"] = cfg.mode
    if cfg.mode == "none":
        st.session_state.pop("_auth_actor", None)
        return None
    who = _password(cfg) if cfg.mode == "password" else _oidc(cfg)
    st.session_state["_auth_actor"] = who
    return who


def sidebar_status() -> None:
    """Who is signed in and a sign-out button; with sign-in off, a notice saying so."""
    if mode() == "none":
        st.sidebar.warning("未启用登录：打开本页的任何人都可以发布和修改数据。多人使用时请启用登录（见 README）。",
                           icon=":material/lock_open:")
        return
    who = actor()
    if who is None:
        return
    with st.sidebar:
        display = st.session_state.get("_auth_display") or who.name
        st.caption(plain(f"已登录：{display}（{auth.role_label(who.role)}）"))
        if display != who.name:
            st.caption(plain(who.name))
        if st.button("退出登录", key="_sign_out", icon=":material/logout:"):
            _sign_out()
            if mode() == "oidc":
                st.logout()  # sends the browser to the provider's logout, then back to a new session
                st.stop()
            st.rerun()


def _panel_header() -> None:
    st.title("EvalBoard 绩效评价看板")
    ended = st.session_state.pop(_ENDED, None)
    if ended:
        st.warning(ended)


def _end(reason: str) -> None:
    st.session_state.pop(_SESSION, None)
    st.session_state.pop("_auth_actor", None)
    st.session_state.pop("_auth_display", None)
    st.session_state[_ENDED] = reason


def _touch(cfg: AuthConfig) -> dt.datetime | None:
    """Check the session's idle and absolute limits; returns its sign-in time, or None after ending it."""
    session = st.session_state.get(_SESSION)
    if not session:
        return None
    now = clock.utc_now()
    reason = auth.session_expired(auth.SessionTimes(session["signed_in_at"], session["last_seen"]), now, cfg)
    if reason:
        _end(reason)
        return None
    session["last_seen"] = now
    return session["signed_in_at"]


# --- password ---------------------------------------------------------------------------------------------


def _bind(cfg: AuthConfig) -> None:
    """Served with the cookie route: the session belongs to the browser holding its cookie. A run whose client
    has no cookie, or another one, than the session's is signed out (someone resuming a session id they read
    elsewhere); a browser whose cookie names a live session is signed in again without a password (a reload, a
    bookmark, a new tab), which is no new sign-in in the audit log."""
    token = st.context.cookies.get(session_cookie.COOKIE) or ""
    try:
        web = cache.store().web_session(token, idle_minutes=cfg.idle_minutes, max_hours=cfg.max_hours) \
            if token else None
    except StoreError:
        web = None
    session = st.session_state.get(_SESSION)
    if session and (web is None or session.get("web") != web[0]):
        _end("登录状态与本浏览器不符（或已过期），请重新登录。")
    if web is not None:  # the upload guard (components/guard.py) checks an upload's cookie against this
        st.session_state[session_cookie.STATE_DIGEST] = hashlib.sha256(token.encode()).hexdigest()
    if web is not None and not st.session_state.get(_SESSION):
        web_id, name, signed_in_at, last_seen = web
        st.session_state[_SESSION] = {"name": name, "signed_in_at": signed_in_at, "last_seen": last_seen,
                                      "web": web_id}
        st.session_state.pop(_ENDED, None)


def _password(cfg: AuthConfig) -> Actor:
    if session_cookie.enabled():
        _bind(cfg)
    signed_in_at = _touch(cfg)
    if signed_in_at is not None:
        who = cache.store().session_actor(st.session_state[_SESSION]["name"], signed_in_at)
        if who is not None:
            return who
        web_id = st.session_state[_SESSION].get("web")
        if web_id is not None:  # the browser's cookie must not bring the old session back
            cache.store().end_web_session(web_id)
        _end("账户的密码或角色已变更（或账户已删除），请重新登录。")
    _sign_in_form()
    st.stop()


def return_path(url: str | None, params: Mapping[str, list[str]]) -> str:
    """The page to come back to after signing in: the path of ``url`` with the page's query string (``?eval=3``).

    ``st.context.url`` drops the query string, so it is put back from ``st.query_params`` (every value of a
    repeated key, in order)."""
    from urllib.parse import urlencode, urlsplit
    path = urlsplit(url or "/").path or "/"
    query = urlencode([(k, v) for k, values in params.items() for v in values])
    return path + (f"?{query}" if query else "")


def _current_path() -> str:
    try:
        params = {k: st.query_params.get_all(k) for k in st.query_params}
        return return_path(st.context.url, params)
    except Exception:  # no URL known (tests without a browser)
        return "/"


def _sign_in_form() -> None:
    _, left, _ = st.columns([1, 1.2, 1])
    with left:
        _panel_header()
    with left, st.form("sign_in_form"):
        st.subheader("登录")
        name = st.text_input("用户名", key="_sign_in_name", max_chars=auth.NAME_MAX)
        password = st.text_input("密码", type="password", key="_sign_in_password", max_chars=auth.PASSWORD_MAX)
        submitted = st.form_submit_button("登录", type="primary")
    if not submitted:
        left.caption("没有账户或忘记密码，请联系本系统的管理员。")
        return
    browser = st.context.cookies.get(session_cookie.BIND) or ""
    if session_cookie.enabled() and not browser:
        left.error("本浏览器没有保存本站的 Cookie，无法登录：请允许本站使用 Cookie，然后刷新页面再登录。")
        return
    try:
        who = cache.store().sign_in(name, password, address=st.context.ip_address)
    except SignInError as exc:
        left.error(str(exc))
        return
    except StoreError as exc:
        left.error(f"无法登录：{exc}")
        return
    now = clock.utc_now()
    st.session_state.pop("_sign_in_password", None)
    if session_cookie.enabled():
        # The browser fetches the cookie over plain HTTP (a one-time code, valid for a minute) and comes back
        # to this page; its new session is then signed in from the cookie.
        web_id, code = cache.store().open_web_session(who.name, now, browser=browser)
        st.session_state[_SESSION] = {"name": who.name, "signed_in_at": now, "last_seen": now, "web": web_id}
        url = session_cookie.handoff_url(code, _current_path())
        left.success("登录成功，正在进入……")
        left.link_button("如未自动跳转，请点此进入", url)
        st.html(f"<script>window.location.replace({json.dumps(url)});</script>", unsafe_allow_javascript=True)
        st.stop()
    st.session_state[_SESSION] = {"name": who.name, "signed_in_at": now, "last_seen": now}
    st.rerun()


# --- OIDC -------------------------------------------------------------------------------------------------


def _claims() -> dict:
    return {k: v for k, v in st.user.to_dict().items() if k != "tokens"}


def _oidc(cfg: AuthConfig) -> Actor:
    if not st.user.is_logged_in:
        st.session_state.pop(_SESSION, None)
        _panel_header()
        st.subheader("登录")
        st.write("请使用单位的统一身份认证账号登录。")
        if st.button("使用统一身份认证登录", type="primary", key="_oidc_login", icon=":material/login:"):
            st.login(cfg.oidc.provider or None)
        st.stop()
    claims = _claims()
    name = auth.oidc_name(claims)
    role = auth.oidc_role(claims, cfg.oidc)
    if role is None or not name:
        _panel_header()
        st.error(plain(f"你的账号（{name or '未提供邮箱'}）没有 EvalBoard 的访问权限，请联系管理员。"))
        st.button("退出登录", key="_oidc_denied_logout", on_click=st.logout)
        st.stop()
    who = Actor(name[:auth.NAME_MAX * 4], role, "oidc",
                units=auth.oidc_units(claims, cfg.oidc) if role == "unit" else ())  # issue 25
    # recorded under the e-mail (stable, unique); shown under the person's name when the provider gives one
    st.session_state["_auth_display"] = str(claims.get("name") or "").strip()[:auth.NAME_MAX] or name
    session = st.session_state.get(_SESSION)
    if session and session.get("name") != name:
        st.session_state.pop(_SESSION, None)
    if st.session_state.get(_SESSION) and _touch(cfg) is None:  # idle or too long: the provider's cookie goes too
        st.logout()
        st.stop()
    if not st.session_state.get(_SESSION):
        now = clock.utc_now()
        st.session_state[_SESSION] = {"name": name, "signed_in_at": now, "last_seen": now}
        # One audit entry per sign-in at the provider, not per browser tab or reload of the same identity.
        issued = claims.get("iat")
        last = cache.store().audit_log(actor=name, actions=["sign_in"], limit=1)
        if not last or (last[0].after or {}).get("令牌签发时间") != issued or issued is None:
            cache.store().record(who, "sign_in", f"{who.label}通过统一身份认证登录", target=name,
                                after={"角色": auth.role_label(role), "令牌签发时间": issued})
    return who


def _sign_out() -> None:
    web_id = (st.session_state.get(_SESSION) or {}).get("web")
    if web_id is not None:
        try:
            cache.store().end_web_session(web_id)  # the browser's cookie no longer signs anyone in
        except StoreError:
            pass
    who = st.session_state.get("_auth_actor")
    if who is not None:
        try:
            cache.store().record(who, "sign_out", f"{who.label}退出登录", target=who.name)
        except StoreError:
            pass  # signing out must work even when the database is gone
    _end("已退出登录。")
