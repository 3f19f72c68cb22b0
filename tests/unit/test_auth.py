"""evalcore.auth: roles, password hashes, throttling, sessions, the sign-in settings, OIDC role rules."""
from __future__ import annotations

import datetime as dt

import pytest

from evalcore import auth
from evalcore.auth import Actor, AuthConfig, AuthConfigError, OidcRoles, PermissionDenied

VIEWER = Actor("王查看", "viewer")
EVALUATOR = Actor("李评价", "evaluator")
ADMIN = Actor("陈管理", "admin")


def test_roles_and_actions() -> None:
    assert [a for a in auth.ACTIONS if auth.can(VIEWER, a)] == []
    assert {a for a in auth.ACTIONS if auth.can(EVALUATOR, a)} == {"publish", "rectify", "review"}
    # reporting a unit's 整改 is the unit's own (issue 25): not even an admin reports for a unit
    assert {a for a in auth.ACTIONS if auth.can(ADMIN, a)} == set(auth.ACTIONS) - {"report"}
    assert {a for a in auth.ACTIONS if auth.can(Actor("填报", "unit"), a)} == {"report"}
    assert not auth.can(None, "publish")
    with pytest.raises(ValueError):
        auth.can(ADMIN, "delete_everything")  # a typo in an action name is a bug, not a refusal


def test_require_names_who_and_what() -> None:
    assert auth.require(EVALUATOR, "publish") is EVALUATOR
    with pytest.raises(PermissionDenied, match="王查看（查看者）无权发布新版本"):
        auth.require(VIEWER, "publish")
    with pytest.raises(PermissionDenied, match="李评价（评价人员）无权回滚版本"):
        auth.require(EVALUATOR, "rollback")
    with pytest.raises(PermissionDenied, match="未登录用户"):
        auth.require("张三", "publish")  # a bare name carries no role
    with pytest.raises(ValueError, match="未知角色"):
        Actor("x", "superuser")


def test_password_hashes_are_salted_slow_and_verify() -> None:
    a, b = auth.hash_password("correct horse"), auth.hash_password("correct horse")
    assert a != b and a.startswith("$argon2id$") and "correct horse" not in a
    assert auth.verify_password(a, "correct horse") and auth.verify_password(b, "correct horse")
    assert not auth.verify_password(a, "correct horsE")
    assert not auth.verify_password(None, "correct horse")  # no account: same work, never true
    assert not auth.verify_password("not a hash", "correct horse")
    assert not auth.needs_rehash(a)


@pytest.mark.parametrize("password,name,message", [
    ("short", "", "至少 8 个字符"),
    ("x" * 1025, "", "最多 1024"),
    ("zhangsan", "ZhangSan", "不能与用户名相同"),
])
def test_password_rules(password: str, name: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        auth.check_password(password, name)


@pytest.mark.parametrize("name,message", [("", "不能为空"), ("a b", "不允许的字符"), ("<script>", "不允许的字符"),
                                          ("x" * 65, "过长")])
def test_account_name_rules(name: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        auth.check_name(name)
    assert auth.check_name("  张三.li-2@czj  ") == "张三.li-2@czj"


def test_lock_schedule_doubles_after_three_failures_and_is_capped() -> None:
    assert [auth.lock_seconds(n) for n in range(1, 8)] == [0, 0, 5, 10, 20, 40, 80]
    assert auth.lock_seconds(10_000) == auth.MAX_LOCK_SECONDS
    assert auth.wait_text(4.2) == "5 秒" and auth.wait_text(61) == "2 分钟"


def test_sessions_end_when_idle_or_too_long() -> None:
    cfg = AuthConfig(mode="password", idle_minutes=30, max_hours=12)
    t0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
    fresh = auth.SessionTimes(t0, t0 + dt.timedelta(minutes=5))
    assert auth.session_expired(fresh, t0 + dt.timedelta(minutes=34), cfg) is None
    assert "30 分钟" in auth.session_expired(fresh, t0 + dt.timedelta(minutes=36), cfg)
    busy = auth.SessionTimes(t0, t0 + dt.timedelta(hours=12, minutes=1))
    assert "12 小时" in auth.session_expired(busy, t0 + dt.timedelta(hours=12, minutes=2), cfg)


# --- settings ------------------------------------------------------------------------------------------------


def test_default_is_none_and_the_environment_overrides_secrets() -> None:
    assert auth.load_config({}, {}) == AuthConfig()
    secrets = {"evalboard": {"auth": "password", "session_minutes": 15}}
    assert auth.load_config(secrets, {}).mode == "password"
    assert auth.load_config(secrets, {}).idle_minutes == 15
    env = {"EVALBOARD_AUTH": "NONE", "EVALBOARD_SESSION_MINUTES": "5", "EVALBOARD_SESSION_HOURS": "2"}
    cfg = auth.load_config(secrets, env)
    assert (cfg.mode, cfg.idle_minutes, cfg.max_hours) == ("none", 5, 2)


@pytest.mark.parametrize("secrets,env,message", [
    ({}, {"EVALBOARD_AUTH": "ldap"}, "EVALBOARD_AUTH 的值 'ldap' 无效"),
    ({"evalboard": {"auth": "pasword"}}, {}, r"\[evalboard\] auth 的值 'pasword' 无效"),
    ({}, {"EVALBOARD_SESSION_MINUTES": "0"}, "session_minutes"),
    ({}, {"EVALBOARD_SESSION_HOURS": "半天"}, "session_hours"),
    ({"evalboard": "password"}, {}, r"\[evalboard\] 应为一个表"),
    ({"evalboard": {"auth": "oidc", "oidc": {"admins": ["a@x.cn"]}}}, {}, r"需要在 secrets.toml 中配置 \[auth\]"),
    ({"evalboard": {"auth": "oidc"}, "auth": {"client_id": "x"}}, {}, "至少配置一条角色规则"),
    ({"evalboard": {"auth": "oidc", "oidc": {"provider": "czj", "admins": ["a@x.cn"]}}, "auth": {"client_id": "x"}},
     {}, r"没有 \[auth.czj\]"),
    ({"evalboard": {"oidc": {"admins": [1, 2]}}}, {}, "应为字符串列表"),
])
def test_bad_settings_are_named(secrets: dict, env: dict, message: str) -> None:
    with pytest.raises(AuthConfigError, match=message):
        auth.load_config(secrets, env)


def test_oidc_settings() -> None:
    secrets = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback"},
               "evalboard": {"auth": "oidc", "oidc": {"admins": "Chen@CZJ.gov.cn", "viewers": ["@czj.gov.cn"],
                                                     "group_claim": "groups", "evaluator_groups": ["评价组"]}}}
    cfg = auth.load_config(secrets, {})
    assert cfg.mode == "oidc"
    assert cfg.oidc.admins == ("chen@czj.gov.cn",) and cfg.oidc.viewers == ("@czj.gov.cn",)
    assert cfg.oidc.evaluator_groups == ("评价组",)


RULES = OidcRoles(admins=("chen@czj.gov.cn",), evaluators=("@pingjia.example.cn",), viewers=("@czj.gov.cn",),
                  group_claim="groups", admin_groups=("evalboard-admin",), viewer_groups=("guests",))


@pytest.mark.parametrize("claims,role", [
    ({"email": "chen@czj.gov.cn"}, "admin"),
    ({"email": "Chen@CZJ.gov.cn"}, "admin"),
    ({"email": "li@pingjia.example.cn"}, "evaluator"),
    ({"email": "wang@czj.gov.cn"}, "viewer"),
    ({"email": "wang@czj.gov.cn", "groups": ["evalboard-admin"]}, "admin"),  # the highest rule wins
    ({"email": "x@elsewhere.cn", "groups": "guests"}, "viewer"),
    ({"email": "x@elsewhere.cn"}, None),
    ({"email": "chen@czj.gov.cn.evil.cn"}, None),
    ({"email": "x@sub.czj.gov.cn"}, None),  # a domain rule is that domain, not its subdomains
    ({"email": "chen@czj.gov.cn", "email_verified": False}, None),  # an unverified address counts for nothing
    ({}, None),
])
def test_oidc_role_rules(claims: dict, role: str | None) -> None:
    assert auth.oidc_role(claims, RULES) == role


def test_oidc_name() -> None:
    assert auth.oidc_name({"email": "a@b.cn", "sub": "123"}) == "a@b.cn"
    assert auth.oidc_name({"sub": "123"}) == "123"


def test_lock_schedule_per_key_and_the_hash_pool_bound() -> None:
    assert auth.lock_seconds(9, auth.ADDRESS_LOCK_AT_FAILURE) == 0
    assert auth.lock_seconds(10, auth.ADDRESS_LOCK_AT_FAILURE) == 5
    assert auth.lock_seconds(21, auth.ACCOUNT_LOCK_AT_FAILURE) == 10
    import threading
    import time
    inside, peak, lock = [0], [0], threading.Lock()

    def work() -> None:
        with auth.hash_slot():
            with auth.hash_slot():  # re-entrant within a thread
                with lock:
                    inside[0] += 1
                    peak[0] = max(peak[0], inside[0])
                time.sleep(0.02)
                with lock:
                    inside[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == auth.HASH_WORKERS
