"""Who may do what: roles, actors, password hashes, sign-in throttling, sign-in configuration.

Pure: no Streamlit, no I/O. The store (:mod:`evalcore.store`) checks every write against the actor's role
with :func:`require`, so a write is refused on the server whatever the page showed; the pages only use
:func:`can` to decide which controls to draw.

Roles:

* ``viewer`` 查看者: reads everything, changes nothing;
* ``evaluator`` 评价人员: uploads and publishes workbooks, updates 整改 progress;
* ``admin`` 管理员: everything, plus rollback, managing evaluations and accounts, the audit log;
* ``unit`` 单位填报 (issue 25): an evaluated unit's reporter, bound to one or more units; reports its own 整改
  items with evidence (``report``) and reads nothing else: it is not a reading role, every read of a 整改 item or
  of evidence goes through :mod:`evalcore.store.loop`, which checks the actor's units.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import math
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ROLES: tuple[str, ...] = ("viewer", "evaluator", "admin", "unit")
ROLE_LABELS: dict[str, str] = {"viewer": "查看者", "evaluator": "评价人员", "admin": "管理员", "unit": "单位填报"}
# The roles of the bureau (they read every evaluation); ``unit`` reads only its own units' 整改 items.
BUREAU_ROLES: tuple[str, ...] = ("viewer", "evaluator", "admin")

# Actions a role may take (reading is open to every signed-in role).
ACTIONS: dict[str, str] = {
    "publish": "发布新版本",
    "rectify": "更新整改进度",
    "rollback": "回滚版本",
    "manage_evaluations": "管理评价",
    "manage_users": "管理账户",
    "view_audit": "查看审计日志",
    "report": "报送整改情况",
    "review": "审核整改（销号、退回）",
}
PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset(),
    "evaluator": frozenset({"publish", "rectify", "review"}),
    "admin": frozenset(set(ACTIONS) - {"report"}),
    "unit": frozenset({"report"}),
}

MODES: tuple[str, ...] = ("none", "password", "oidc")
MODE_LABELS = {"none": "未启用登录", "password": "账号密码登录", "oidc": "统一身份认证（OIDC）登录"}

# How an actor came to be: the sign-in mode, the command line, or the system itself (the first-run sample).
VIA_LABELS = {"none": "未启用登录", "password": "密码登录", "oidc": "统一身份认证", "cli": "命令行", "system": "系统"}

NAME_MAX = 64
PASSWORD_MIN = 8
PASSWORD_MAX = 1024  # argon2 takes any length; a cap keeps a hostile form post cheap

_NAME_RE = re.compile(r"^[\w.@\-\u4e00-\u9fff]+$")


class PermissionDenied(Exception):
    """The actor's role does not allow the action. The message is Chinese and says who and what."""

    def __init__(self, actor: Actor, action: str):
        self.actor = actor
        self.action = action
        super().__init__(f"{actor.name}（{role_label(actor.role)}）无权{ACTIONS.get(action, action)}")


class AuthConfigError(ValueError):
    """The sign-in settings are wrong; the message names the setting."""


@dataclass(frozen=True)
class Actor:
    """A person (or the system) doing something: their name, their role, and how they signed in."""

    name: str
    role: str
    via: str = "password"
    # role ``unit``: the units an OIDC identity is bound to by its claim (a password account's units are read
    # from the store on every check, never from here)
    units: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"未知角色 {self.role!r}，应为 {'、'.join(ROLES)} 之一")

    @property
    def label(self) -> str:
        return f"{self.name}（{role_label(self.role)}）"


SYSTEM_ACTOR = Actor("系统", "admin", "system")


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def can(actor: Actor | None, action: str) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return actor is not None and action in PERMISSIONS.get(actor.role, frozenset())


def require(actor: Actor | None, action: str) -> Actor:
    """Return ``actor`` if its role allows ``action``, else raise :class:`PermissionDenied`."""
    if not isinstance(actor, Actor):
        raise PermissionDenied(Actor("未登录用户", "viewer", "none"), action)
    if not can(actor, action):
        raise PermissionDenied(actor, action)
    return actor


# --- account names and passwords ----------------------------------------------------------------------------


def check_name(name: str) -> str:
    """An account name, stripped; raises ValueError (Chinese) for an empty, long or odd one."""
    name = (name or "").strip()
    if not name:
        raise ValueError("用户名不能为空")
    if len(name) > NAME_MAX:
        raise ValueError(f"用户名过长（{len(name)} 个字符），最多 {NAME_MAX} 个")
    if not _NAME_RE.match(name):
        raise ValueError(f"用户名“{name}”含有不允许的字符：只能用汉字、字母、数字和 . _ - @")
    return name


def check_password(password: str, name: str = "") -> str:
    """Raise ValueError (Chinese) for a password that is too short, too long or equal to the name."""
    if password is None or len(password) < PASSWORD_MIN:
        raise ValueError(f"密码至少 {PASSWORD_MIN} 个字符")
    if len(password) > PASSWORD_MAX:
        raise ValueError(f"密码最多 {PASSWORD_MAX} 个字符")
    if name and password.strip().lower() == name.strip().lower():
        raise ValueError("密码不能与用户名相同")
    return password


# argon2id with the library's defaults (RFC 9106 "low memory" profile: t=3, m=64 MiB, p=4); a fresh random
# salt per hash. The encoded hash carries its parameters, so raising them later still verifies old hashes
# (and :func:`needs_rehash` tells the store to upgrade them at the next sign-in).
_HASHER = PasswordHasher()
# Verified against when the account does not exist, so that a wrong name costs the same time as a wrong password.
_DUMMY_HASH = _HASHER.hash("evalboard-dummy-password")

# The hash pool: at most HASH_WORKERS argon2 computations at once in this process (each takes 64 MiB and a core
# for about 0.1 s), so a burst of sign-ins queues instead of exhausting memory. A caller that waits longer than
# HASH_WAIT_SECONDS for a slot is refused (HashPoolBusy) rather than piling up.
HASH_WORKERS = 2
HASH_WAIT_SECONDS = 120.0
_POOL = threading.BoundedSemaphore(HASH_WORKERS)
_HELD = threading.local()


class HashPoolBusy(RuntimeError):
    """No password-hash slot became free in time (the server is under a burst of sign-ins)."""

    def __init__(self) -> None:
        super().__init__("登录请求过多，服务器繁忙，请稍后再试")


@contextmanager
def hash_slot(timeout: float | None = None) -> Iterator[None]:
    """Hold one of the HASH_WORKERS slots (re-entrant within a thread). Raises :class:`HashPoolBusy`."""
    depth = getattr(_HELD, "depth", 0)
    if depth == 0 and not _POOL.acquire(timeout=HASH_WAIT_SECONDS if timeout is None else timeout):
        raise HashPoolBusy()
    _HELD.depth = depth + 1
    try:
        yield
    finally:
        _HELD.depth = depth
        if depth == 0:
            _POOL.release()


def hash_password(password: str) -> str:
    with hash_slot():
        return _HASHER.hash(password)


def verify_password(encoded: str | None, password: str) -> bool:
    """True if ``password`` matches the stored hash. An absent or malformed hash verifies a dummy (same cost)."""
    with hash_slot():
        try:
            if not encoded:
                _HASHER.verify(_DUMMY_HASH, password)
                return False
            return _HASHER.verify(encoded, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def needs_rehash(encoded: str) -> bool:
    try:
        return _HASHER.check_needs_rehash(encoded)
    except InvalidHashError:
        return True


# --- throttling failed sign-ins --------------------------------------------------------------------------------
#
# Failures are counted under three keys at once (see Store.sign_in): the account from this address (its 3rd
# consecutive failure locks), the address whatever the name (the 10th: one client spraying names), and the account
# from anywhere (the 20th: many addresses against one account). Each key has its own doubling lock; a sign-in is
# refused while any is locked. One address adds at most ADDRESS_SHARE failures to the account-wide count, however
# long it keeps guessing (one guess whenever its own lock runs out, for days): only the account from that address
# and the address itself stay locked. One client thus locks out only itself; an account is locked for everyone only
# by failures from at least ACCOUNT_LOCK_AT_FAILURE / ADDRESS_SHARE (7) addresses (an IPv6 address counts by its /64
# network: throttle_address), and an admin lifts that with ``python -m evalcore user unlock NAME`` on the server
# (docs/security-attacks.md).

LOCK_AT_FAILURE = 3  # the consecutive failure that starts the first wait (one account from one address): 2 go free
ADDRESS_LOCK_AT_FAILURE = 10  # from one address, whatever the names
ACCOUNT_LOCK_AT_FAILURE = 20  # on one account, from all addresses together
ADDRESS_SHARE = LOCK_AT_FAILURE  # at most this many of the account-wide failures come from any one address
MAX_LOCK_SECONDS = 15 * 60
UNKNOWN_NAME = "未知用户名"  # how a failed sign-in with a name that is no account is recorded (never the text)
LOCAL_ADDRESS = "本机"  # the address of a client on the server itself (or when none is known)


def throttle_address(address: str) -> str:
    """The address a client's failures are counted under: an IPv6 address by its /64 network (one subscriber's
    line or one host's interfaces, which an attacker changes at will), anything else as it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def lock_seconds(failures: int, lock_at: int = LOCK_AT_FAILURE) -> int:
    """How long a key is locked after ``failures`` consecutive failed sign-ins: none before failure ``lock_at``
    (so ``lock_at - 1`` failures cost no wait), then 5 s from failure ``lock_at`` on, doubling with each further
    failure (5, 10, 20, ...), at most 15 minutes."""
    if failures < lock_at:
        return 0
    return min(MAX_LOCK_SECONDS, 5 * 2 ** min(failures - lock_at, 20))


def wait_text(seconds: float) -> str:
    s = max(1, math.ceil(seconds))
    return f"{s} 秒" if s < 60 else f"{math.ceil(s / 60)} 分钟"


# --- sessions ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionTimes:
    signed_in_at: dt.datetime
    last_seen: dt.datetime


def session_expired(times: SessionTimes, now: dt.datetime, config: AuthConfig) -> str | None:
    """Why a signed-in session has ended (a Chinese sentence), or None while it is still valid."""
    if now - times.last_seen > dt.timedelta(minutes=config.idle_minutes):
        return f"超过 {config.idle_minutes} 分钟没有操作，已自动退出，请重新登录。"
    if now - times.signed_in_at > dt.timedelta(hours=config.max_hours):
        return f"登录已超过 {config.max_hours} 小时，请重新登录。"
    return None


# --- configuration ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OidcRoles:
    """How an OIDC identity gets its role: lists of addresses or "@domain"s, and of groups in a claim."""

    provider: str = ""
    admins: tuple[str, ...] = ()
    evaluators: tuple[str, ...] = ()
    viewers: tuple[str, ...] = ()
    group_claim: str = ""
    admin_groups: tuple[str, ...] = ()
    evaluator_groups: tuple[str, ...] = ()
    viewer_groups: tuple[str, ...] = ()
    # issue 25: an identity that no rule above matches and whose ``unit_claim`` names one or more units signs in
    # as 单位填报 bound to those units (a string or a list of unit names in the ID token)
    unit_claim: str = ""


@dataclass(frozen=True)
class AuthConfig:
    mode: str = "none"
    idle_minutes: int = 30
    max_hours: int = 12
    oidc: OidcRoles = field(default_factory=OidcRoles)


def _strings(value, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise AuthConfigError(f"{where} 应为字符串列表，例如 [\"a@example.cn\", \"@example.cn\"]")
    return tuple(v.strip().lower() for v in value if v.strip())


def _positive_int(value, where: str, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        n = int(str(value).strip())
    except ValueError:
        raise AuthConfigError(f"{where} 应为正整数，现为 {value!r}") from None
    if n <= 0:
        raise AuthConfigError(f"{where} 应为正整数，现为 {value!r}")
    return n


def load_config(secrets: Mapping | None = None, environ: Mapping[str, str] | None = None) -> AuthConfig:
    """The sign-in settings: ``[evalboard]`` in secrets.toml, overridden by ``EVALBOARD_AUTH``,
    ``EVALBOARD_SESSION_MINUTES`` and ``EVALBOARD_SESSION_HOURS`` in the environment.

    Raises :class:`AuthConfigError` naming the wrong setting (an unknown mode is an error, never a silent
    fallback to ``none``).
    """
    secrets = secrets or {}
    environ = environ or {}
    section = secrets.get("evalboard") or {}
    if not isinstance(section, Mapping):
        raise AuthConfigError("secrets.toml 中的 [evalboard] 应为一个表（section）")
    mode = (environ.get("EVALBOARD_AUTH") or section.get("auth") or "none")
    mode = str(mode).strip().lower()
    if mode not in MODES:
        where = "环境变量 EVALBOARD_AUTH" if environ.get("EVALBOARD_AUTH") else "[evalboard] auth"
        raise AuthConfigError(f"{where} 的值 {mode!r} 无效，应为 none、password 或 oidc")
    idle = _positive_int(environ.get("EVALBOARD_SESSION_MINUTES") or section.get("session_minutes"),
                         "会话超时 session_minutes（EVALBOARD_SESSION_MINUTES）", 30)
    max_hours = _positive_int(environ.get("EVALBOARD_SESSION_HOURS") or section.get("session_hours"),
                              "会话最长时间 session_hours（EVALBOARD_SESSION_HOURS）", 12)
    raw = section.get("oidc") or {}
    if not isinstance(raw, Mapping):
        raise AuthConfigError("secrets.toml 中的 [evalboard.oidc] 应为一个表（section）")
    oidc = OidcRoles(
        provider=str(raw.get("provider") or "").strip(),
        admins=_strings(raw.get("admins"), "[evalboard.oidc] admins"),
        evaluators=_strings(raw.get("evaluators"), "[evalboard.oidc] evaluators"),
        viewers=_strings(raw.get("viewers"), "[evalboard.oidc] viewers"),
        group_claim=str(raw.get("group_claim") or "").strip(),
        admin_groups=_strings(raw.get("admin_groups"), "[evalboard.oidc] admin_groups"),
        evaluator_groups=_strings(raw.get("evaluator_groups"), "[evalboard.oidc] evaluator_groups"),
        viewer_groups=_strings(raw.get("viewer_groups"), "[evalboard.oidc] viewer_groups"),
        unit_claim=str(raw.get("unit_claim") or "").strip(),
    )
    if mode == "oidc":
        auth = secrets.get("auth")
        if not isinstance(auth, Mapping):
            raise AuthConfigError("oidc 模式需要在 secrets.toml 中配置 [auth]（redirect_uri、cookie_secret、"
                                  "client_id、client_secret、server_metadata_url）")
        if oidc.provider and not isinstance(auth.get(oidc.provider), Mapping):
            raise AuthConfigError(f"[evalboard.oidc] provider = {oidc.provider!r}，但 secrets.toml 中没有 "
                                  f"[auth.{oidc.provider}]")
        if not any((oidc.admins, oidc.evaluators, oidc.viewers, oidc.admin_groups, oidc.evaluator_groups,
                    oidc.viewer_groups, oidc.unit_claim)):
            raise AuthConfigError("oidc 模式需要在 [evalboard.oidc] 中至少配置一条角色规则"
                                  "（admins、evaluators、viewers、*_groups 或 unit_claim），否则没有人能访问")
    return AuthConfig(mode=mode, idle_minutes=idle, max_hours=max_hours, oidc=oidc)


def _matches(email: str, rules: tuple[str, ...]) -> bool:
    if not email:
        return False
    domain = "@" + email.rsplit("@", 1)[-1] if "@" in email else ""
    return any(rule == email or (rule.startswith("@") and rule == domain) for rule in rules)


def oidc_role(claims: Mapping, roles: OidcRoles) -> str | None:
    """The role an OIDC identity gets, the highest that any rule gives it; None when no rule matches.

    Only a verified address counts when the provider says ``email_verified: false``.
    """
    email = str(claims.get("email") or "").strip().lower()
    if claims.get("email_verified") is False:
        email = ""
    groups: set[str] = set()
    if roles.group_claim:
        raw = claims.get(roles.group_claim)
        if isinstance(raw, str):
            raw = [raw]
        if isinstance(raw, Sequence):
            groups = {str(g).strip().lower() for g in raw}
    for role, addresses, group_rules in (("admin", roles.admins, roles.admin_groups),
                                         ("evaluator", roles.evaluators, roles.evaluator_groups),
                                         ("viewer", roles.viewers, roles.viewer_groups)):
        if _matches(email, addresses) or groups.intersection(group_rules):
            return role
    if oidc_units(claims, roles):
        return "unit"
    return None


UNITS_MAX = 50  # units one account may be bound to


def oidc_units(claims: Mapping, roles: OidcRoles) -> tuple[str, ...]:
    """The units an OIDC identity's ``unit_claim`` names (a string or a list of strings), stripped, in order,
    without repeats; () when the claim is not configured or absent."""
    if not roles.unit_claim:
        return ()
    raw = claims.get(roles.unit_claim)
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, Sequence):
        return ()
    out: list[str] = []
    for value in raw:
        text = str(value).strip()[:200]
        if text and text not in out:
            out.append(text)
    return tuple(out[:UNITS_MAX])


def oidc_name(claims: Mapping) -> str:
    """The name an OIDC identity is recorded under: its e-mail, else its subject."""
    return str(claims.get("email") or claims.get("preferred_username") or claims.get("sub") or "").strip()
