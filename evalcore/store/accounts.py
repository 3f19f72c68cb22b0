"""Local accounts and signing in (password mode): adding, removing and changing accounts, checking a password,
and throttling guesses.

Sign-in failures are counted under three keys per attempt (the account from one address, the address, the
account from anywhere: see :mod:`evalcore.auth`) in ``sign_in_failures``; passwords are kept only as argon2id
hashes. Every change and every checked sign-in is an audit entry.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .. import auth
from ..auth import Actor
from ..clock import utc_now as _now  # the one UTC-now (evalcore.clock)
from ..matching import alias_map, normalise
from ..tables import T_ALIAS, T_FAIL, T_USER, T_USER_UNIT
from .audit import AuditStore
from .connection import LOCK_USERS, AnyRow, actor_name
from .records import SignInError, StoreError, UserInfo


class AccountsStore(AuditStore):
    """The accounts and sign-in part of :class:`~evalcore.store.Store`."""

    @staticmethod
    def _user_info(row: AnyRow, units: Sequence[str] = ()) -> UserInfo:
        return UserInfo(id=row.id, name=row.name, role=row.role, created_at=row.created_at,
                        updated_at=row.updated_at, created_by=row.created_by, email=row.email or "",
                        units=tuple(units))

    @staticmethod
    def _units_of(conn: Connection, names: Sequence[str] | None = None) -> dict[str, list[str]]:
        query = sa.select(T_USER_UNIT.c.user_name, T_USER_UNIT.c.unit).order_by(T_USER_UNIT.c.id)
        if names is not None:
            query = query.where(T_USER_UNIT.c.user_name.in_(list(names)))
        out: dict[str, list[str]] = {}
        for r in conn.execute(query).all():
            out.setdefault(r.user_name, []).append(r.unit)
        return out

    def users(self) -> list[UserInfo]:
        with self._read() as conn:
            rows = conn.execute(sa.select(T_USER).order_by(T_USER.c.name)).all()
            units = self._units_of(conn)
        return [self._user_info(r, units.get(r.name, ())) for r in rows]

    def user(self, name: str) -> UserInfo | None:
        with self._read() as conn:
            row = conn.execute(sa.select(T_USER).where(T_USER.c.name == (name or "").strip())).first()
            units = self._units_of(conn, [row.name]) if row is not None else {}
        return self._user_info(row, units.get(row.name, ())) if row is not None else None

    def add_user(self, name: str, role: str, password: str, *, by: Actor, email: str = "",
                 units: Sequence[str] = ()) -> UserInfo:
        """Create a local account. The password is kept only as an argon2id hash. A ``unit`` account needs one
        or more ``units`` (names of units as evaluations list them, matched through the alias table)."""
        self._require(by, "manage_users", target=name)
        name = auth.check_name(name)
        if role not in auth.ROLES:
            raise ValueError(f"角色应为 {'、'.join(auth.ROLES)} 之一，不是“{role}”")
        email = check_email(email)
        unit_names = check_units(role, units)
        auth.check_password(password, name)
        hashed = auth.hash_password(password)
        now = _now()
        with self._write() as conn:
            self._lock_global(conn, LOCK_USERS)
            if conn.scalar(sa.select(T_USER.c.id).where(T_USER.c.name == name)) is not None:
                raise StoreError(f"账户“{name}”已存在")
            conn.execute(sa.insert(T_USER).values(name=name, role=role, password_hash=hashed, created_at=now,
                                                  updated_at=now, created_by=actor_name(by), sessions_valid_after=now,
                                                  email=email))
            self._write_units(conn, name, unit_names, by, now)
            after: dict = {"账户": name, "角色": auth.role_label(role)}
            if email:
                after["邮箱"] = email
            if unit_names:
                after["单位"] = "、".join(unit_names)
            self._audit(conn, by, "user_add", f"新增账户“{name}”，角色{auth.role_label(role)}", target=name,
                        now=now, after=after)
            row = conn.execute(sa.select(T_USER).where(T_USER.c.name == name)).one()
            return self._user_info(row, unit_names)

    @staticmethod
    def _write_units(conn: Connection, name: str, units: Sequence[str], by: Actor, now: dt.datetime) -> None:
        conn.execute(sa.delete(T_USER_UNIT).where(T_USER_UNIT.c.user_name == name))
        if units:
            conn.execute(sa.insert(T_USER_UNIT), [
                {"user_name": name, "unit": u, "unit_key": normalise(u), "created_by": actor_name(by),
                 "created_at": now} for u in units])

    def set_units(self, name: str, units: Sequence[str], *, by: Actor, email: str | None = None) -> UserInfo:
        """Bind a ``unit`` account to other units (and, with ``email``, a new address); its sessions end when
        its units change. Admins only."""
        self._require(by, "manage_users", target=name)
        now = _now()
        with self._write() as conn:
            self._lock_global(conn, LOCK_USERS)
            row = self._account(conn, name)
            unit_names = check_units(row.role, units)
            before_units = self._units_of(conn, [row.name]).get(row.name, [])
            values: dict = {"updated_at": now}
            if [normalise(u) for u in before_units] != [normalise(u) for u in unit_names]:
                values["sessions_valid_after"] = now
            new_email = row.email if email is None else check_email(email)
            values["email"] = new_email
            if new_email == (row.email or "") and before_units == unit_names:
                raise StoreError(f"账户“{row.name}”的单位和邮箱没有变化")
            conn.execute(sa.update(T_USER).where(T_USER.c.id == row.id).values(**values))
            self._write_units(conn, row.name, unit_names, by, now)
            self._audit(conn, by, "user_units", f"修改账户“{row.name}”的单位或邮箱", target=row.name, now=now,
                        before={"单位": "、".join(before_units), "邮箱": row.email or ""},
                        after={"单位": "、".join(unit_names), "邮箱": new_email})
            return self._user_info(conn.execute(sa.select(T_USER).where(T_USER.c.id == row.id)).one(), unit_names)

    def alias_map(self) -> dict[str, str]:
        """The alias table in force (normalised alias -> canonical name), for matching unit names."""
        with self._read() as conn:
            rows = conn.execute(sa.select(T_ALIAS.c.alias, T_ALIAS.c.canonical)
                                .where(T_ALIAS.c.retired_at.is_(None)).order_by(T_ALIAS.c.id)).all()
        return alias_map([(r.alias, r.canonical) for r in rows])

    def _account(self, conn: Connection, name: str) -> AnyRow:
        row = conn.execute(sa.select(T_USER).where(T_USER.c.name == (name or "").strip()).with_for_update()).first()
        if row is None:
            raise StoreError(f"账户“{name}”不存在")
        return row

    def _other_admins(self, conn: Connection, name: str) -> int:
        return conn.scalar(sa.select(sa.func.count()).select_from(T_USER)
                           .where(T_USER.c.role == "admin", T_USER.c.name != name)) or 0

    def remove_user(self, name: str, *, by: Actor) -> None:
        """Delete an account (its audit entries stay). The last admin cannot be removed."""
        self._require(by, "manage_users", target=name)
        now = _now()
        with self._write() as conn:
            self._lock_global(conn, LOCK_USERS)
            row = self._account(conn, name)
            if row.role == "admin" and not self._other_admins(conn, row.name):
                raise StoreError(f"“{row.name}”是唯一的管理员，不能删除；请先把另一个账户设为管理员")
            conn.execute(sa.delete(T_USER).where(T_USER.c.id == row.id))
            conn.execute(sa.delete(T_USER_UNIT).where(T_USER_UNIT.c.user_name == row.name))
            self._audit(conn, by, "user_remove", f"删除账户“{row.name}”", target=row.name, now=now,
                        before={"账户": row.name, "角色": auth.role_label(row.role)})

    def set_password(self, name: str, password: str, *, by: Actor) -> None:
        """A new password; the account's open sessions end. Admins for anyone; a person for themself."""
        if not (isinstance(by, Actor) and by.name == (name or "").strip() and by.via == "password"):
            self._require(by, "manage_users", target=name)
        now = _now()
        with self._write() as conn:
            row = self._account(conn, name)
            auth.check_password(password, row.name)
            conn.execute(sa.update(T_USER).where(T_USER.c.id == row.id)
                         .values(password_hash=auth.hash_password(password), updated_at=now,
                                 sessions_valid_after=now))
            key = f"user:{row.name.lower()}"
            conn.execute(sa.delete(T_FAIL).where(sa.or_(T_FAIL.c.name == key,
                                                        T_FAIL.c.name.startswith(key + "|", autoescape=True))))
            self._audit(conn, by, "user_password", f"修改账户“{row.name}”的密码", target=row.name, now=now)

    def set_role(self, name: str, role: str, *, by: Actor) -> UserInfo:
        """Change an account's role; its open sessions end. The last admin cannot be demoted."""
        self._require(by, "manage_users", target=name)
        if role not in auth.ROLES:
            raise ValueError(f"角色应为 {'、'.join(auth.ROLES)} 之一，不是“{role}”")
        now = _now()
        with self._write() as conn:
            self._lock_global(conn, LOCK_USERS)
            row = self._account(conn, name)
            if row.role == role:
                raise StoreError(f"“{row.name}”的角色已是{auth.role_label(role)}")
            if role == "unit" and not self._units_of(conn, [row.name]).get(row.name):
                raise StoreError(f"“{row.name}”还没有绑定单位，请先为其设置所属单位（单位填报账户必须绑定单位）")
            if row.role == "admin" and not self._other_admins(conn, row.name):
                raise StoreError(f"“{row.name}”是唯一的管理员，不能改为其他角色；请先把另一个账户设为管理员")
            conn.execute(sa.update(T_USER).where(T_USER.c.id == row.id)
                         .values(role=role, updated_at=now, sessions_valid_after=now))
            if row.role == "unit":  # a bureau role is bound to no unit
                conn.execute(sa.delete(T_USER_UNIT).where(T_USER_UNIT.c.user_name == row.name))
            self._audit(conn, by, "user_role",
                        f"账户“{row.name}”的角色由{auth.role_label(row.role)}改为{auth.role_label(role)}",
                        target=row.name, now=now, before={"角色": auth.role_label(row.role)},
                        after={"角色": auth.role_label(role)})
            return self._user_info(conn.execute(sa.select(T_USER).where(T_USER.c.id == row.id)).one())

    def sign_in(self, name: str, password: str, *, address: str | None = None,
                now: dt.datetime | None = None) -> Actor:
        """Check a name and password from a client at ``address``. Returns the actor, or raises
        :class:`SignInError`.

        Throttled under three keys (see :mod:`evalcore.auth`): the account from this address, the address, and
        the account from anywhere (to which one address adds at most ``ADDRESS_SHARE`` failures); a name that is
        no account counts under one "unknown name" key per address, so the answer never tells which names exist
        and nothing typed is kept. The attempt is counted as a failure BEFORE the password is checked, in one
        transaction that also checks the locks (a row lock on PostgreSQL, the writer lock on SQLite), so parallel
        attempts cannot pass the lock; the check itself runs in the bounded hash pool; a right password then takes
        its own count back. Every checked attempt is an audit entry (a refused one, checked or not, never records
        what was typed); the password is never written.
        """
        now = now or _now()
        name = (name or "").strip()
        if not name or not password:
            raise SignInError("请输入用户名和密码")
        if len(name) > auth.NAME_MAX or len(password) > auth.PASSWORD_MAX:
            raise SignInError("用户名或密码错误")
        where = (address or "").strip()[:64] or auth.LOCAL_ADDRESS
        try:
            with auth.hash_slot():
                return self._sign_in(name, password, where, now)
        except auth.HashPoolBusy as exc:
            raise SignInError(str(exc), retry_after=5) from None

    def _throttle_keys(self, account: str | None, address: str) -> dict[str, int]:
        """The throttle keys of an attempt, each with the failure that locks it (``auth.lock_seconds``)."""
        keys = {f"addr:{address}": auth.ADDRESS_LOCK_AT_FAILURE}
        if account is None:
            keys[f"unknown|{address}"] = auth.LOCK_AT_FAILURE
        else:
            keys[f"user:{account}|{address}"] = auth.LOCK_AT_FAILURE
            keys[f"user:{account}"] = auth.ACCOUNT_LOCK_AT_FAILURE
        return keys

    def _lock_failure_rows(self, conn: Connection, keys: Sequence[str], now: dt.datetime) -> dict[str, AnyRow]:
        """The failure rows of ``keys``, created when missing and locked against other sign-ins (PostgreSQL: row
        locks taken in key order; SQLite: the writer lock held by the transaction)."""
        ordered = sorted(keys)
        self._insert_new(conn, T_FAIL, [{"name": k, "failures": 0, "last_failed_at": now, "locked_until": None}
                                        for k in ordered], "name")
        rows = conn.execute(sa.select(T_FAIL).where(T_FAIL.c.name.in_(ordered)).order_by(T_FAIL.c.name)
                            .with_for_update()).all()
        return {r.name: r for r in rows}

    def _sign_in(self, name: str, password: str, address: str, now: dt.datetime) -> Actor:
        with self._read() as conn:
            row = conn.execute(sa.select(T_USER).where(T_USER.c.name == name)).first()
        account = row.name.lower() if row is not None else None
        client = auth.throttle_address(address)
        keys = self._throttle_keys(account, client)
        # 1. claim: check every lock and count the attempt as a failure, atomically
        with self._write() as conn:
            rows = self._lock_failure_rows(conn, list(keys), now)
            waits = [(r.locked_until - now).total_seconds() for r in rows.values()
                     if r.locked_until is not None and r.locked_until > now]
            refusal: SignInError | None = None
            claimed: dict[str, int] = {}
            if waits:
                wait = max(waits)
                refusal = SignInError(f"登录失败次数过多，请 {auth.wait_text(wait)}后再试", retry_after=wait)
            else:
                pair = f"user:{account}|{client}"
                for key, lock_at in keys.items():
                    if key == f"user:{account}" and rows[pair].failures >= auth.ADDRESS_SHARE:
                        # this address has given the account its share already: its further guesses lock
                        # only the address (and the account from it), never the account for everyone
                        claimed[key] = rows[key].failures
                        continue
                    failures = rows[key].failures + 1
                    lock = auth.lock_seconds(failures, lock_at)
                    conn.execute(sa.update(T_FAIL).where(T_FAIL.c.name == key).values(
                        failures=failures, last_failed_at=now,
                        locked_until=now + dt.timedelta(seconds=lock) if lock else None))
                    claimed[key] = failures
                counted = {k for k in keys if claimed[k] != rows[k].failures}
        if refusal is not None:
            raise refusal
        # 2. check the password (the caller holds a hash-pool slot)
        if row is None:
            auth.verify_password(None, password)  # the same cost as a wrong password
            user = None
        else:
            user = row if auth.verify_password(row.password_hash, password) else None
        # 3. settle
        with self._write() as conn:
            if user is None:
                mine = claimed[f"user:{account}|{client}" if account else f"unknown|{client}"]
                lock = max(auth.lock_seconds(claimed[k], lock_at) for k, lock_at in keys.items() if k in counted)
                if row is not None:
                    who = Actor(row.name, row.role, "password")
                    summary = f"“{row.name}”登录失败（该地址连续第 {mine} 次）"
                else:
                    who = Actor(auth.UNKNOWN_NAME, "viewer", "password")
                    summary = f"{auth.UNKNOWN_NAME}登录失败（该地址连续第 {mine} 次）"
                self._audit(conn, who, "sign_in_failed", summary, target=row.name if row is not None else "",
                            now=now, after={"地址": address, "连续失败次数": mine, "锁定秒数": lock})
                refusal = SignInError("用户名或密码错误" + (f"；失败次数过多，请 {auth.wait_text(lock)}后再试"
                                                           if lock else ""), retry_after=lock)
            else:
                rows = self._lock_failure_rows(conn, list(keys), now)
                for key, lock_at in keys.items():
                    current = rows[key].failures
                    if key.startswith("addr:"):
                        left = current - 1  # a success takes back its own count only
                    else:
                        left = current - claimed[key]  # and forgives the account the failures before it
                    left = max(0, left)
                    if left == 0:
                        conn.execute(sa.delete(T_FAIL).where(T_FAIL.c.name == key))
                    else:
                        lock = auth.lock_seconds(left, lock_at)
                        conn.execute(sa.update(T_FAIL).where(T_FAIL.c.name == key).values(
                            failures=left, locked_until=now + dt.timedelta(seconds=lock) if lock else None))
                if auth.needs_rehash(user.password_hash):
                    conn.execute(sa.update(T_USER).where(T_USER.c.id == user.id)
                                 .values(password_hash=auth.hash_password(password)))
                actor = Actor(user.name, user.role, "password")
                self._audit(conn, actor, "sign_in", f"{actor.label}登录", target=user.name, now=now,
                            after={"地址": address})
        if refusal is not None:  # raised after the commit: the failure count and its audit entry are kept
            raise refusal
        return actor

    def unlock(self, name: str, *, by: Actor) -> int:
        """Lift every sign-in lock of an account (from all addresses). Admins only; returns the rows cleared."""
        self._require(by, "manage_users", target=name)
        now = _now()
        with self._write() as conn:
            row = self._account(conn, name)
            account = row.name.lower()
            cleared = conn.execute(sa.delete(T_FAIL).where(sa.or_(
                T_FAIL.c.name == f"user:{account}",
                T_FAIL.c.name.startswith(f"user:{account}|", autoescape=True)))).rowcount
            self._audit(conn, by, "user_unlock", f"解除账户“{row.name}”的登录锁定", target=row.name, now=now,
                        after={"清除的计数": cleared})
            return cleared


_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$")


def check_email(email: str | None) -> str:
    """An e-mail address, stripped ("" for none); raises ValueError (Chinese) for one that is not an address."""
    email = (email or "").strip()
    if email and (len(email) > 254 or not _EMAIL_RE.match(email)):
        raise ValueError(f"邮箱地址“{email[:60]}”格式不正确")
    return email


def check_units(role: str, units: Sequence[str]) -> list[str]:
    """The units of an account: stripped, without repeats (by normalised name); a ``unit`` account needs at least
    one, and other roles none."""
    out: list[str] = []
    seen: set[str] = set()
    for u in units or ():
        text = str(u).strip()
        if len(text) > 200:
            raise ValueError(f"单位名称过长（{len(text)} 个字符）")
        if text and normalise(text) not in seen:
            seen.add(normalise(text))
            out.append(text)
    if len(out) > auth.UNITS_MAX:
        raise ValueError(f"一个账户最多绑定 {auth.UNITS_MAX} 个单位")
    if role == "unit" and not out:
        raise ValueError("单位填报账户必须绑定至少一个单位")
    if role != "unit" and out:
        raise ValueError(f"只有单位填报账户可以绑定单位（该账户的角色是{auth.role_label(role)}）")
    return out
