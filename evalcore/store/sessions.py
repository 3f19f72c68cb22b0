"""Browser-bound sign-in sessions (password mode).

A sign-in opens a web session with a one-time handoff code; the browser redeems the code over plain HTTP and
gets the session's secret as an HttpOnly cookie (components/session_cookie.py); every page run then looks the
cookie up here. Only sha256 hashes of the code and the secret are stored (``web_sessions``).
"""
from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa

from ..auth import Actor
from ..clock import utc_now as _now  # the one UTC-now (evalcore.clock)
from ..tables import T_USER, T_WEB
from .connection import StoreBase, new_id, sha256_hex

HANDOFF_SECONDS = 60  # a sign-in's one-time handoff code must be redeemed by the browser within this time


def _handoff_digest(code: str, browser: str) -> str:
    return sha256_hex(f"{code}\0{browser}".encode() if browser else code.encode())


class WebSessionsStore(StoreBase):
    """The web session part of :class:`~evalcore.store.Store`."""

    def open_web_session(self, name: str, signed_in_at: dt.datetime, *, browser: str = "") -> tuple[int, str]:
        """A new web session for ``name``; returns its id and the one-time handoff code. ``browser``: a secret of
        the browser that signed in (its ``evalboard_bind`` cookie); the code then redeems only with it, so a
        sign-in link sent to someone else's browser does not sign that browser in (login CSRF)."""
        code = secrets.token_urlsafe(32)
        with self._write() as conn:
            result = conn.execute(sa.insert(T_WEB).values(
                handoff_hash=_handoff_digest(code, browser), name=name, signed_in_at=signed_in_at,
                last_seen=signed_in_at,
                handoff_expires=signed_in_at + dt.timedelta(seconds=HANDOFF_SECONDS)))
            return new_id(result), code

    def redeem_handoff(self, code: str, *, browser: str = "", now: dt.datetime | None = None) -> str | None:
        """Exchange a handoff code (once, within HANDOFF_SECONDS, from the browser it was opened for) for the web
        session's secret."""
        now = now or _now()
        if not code or len(code) > 100:
            return None
        token = secrets.token_urlsafe(32)
        with self._write() as conn:
            row = conn.execute(sa.select(T_WEB.c.id, T_WEB.c.handoff_expires, T_WEB.c.ended_at)
                               .where(T_WEB.c.handoff_hash == _handoff_digest(code, browser)).with_for_update()).first()
            if row is None:
                return None
            conn.execute(sa.update(T_WEB).where(T_WEB.c.id == row.id).values(
                handoff_hash=None, handoff_expires=None, token_hash=sha256_hex(token.encode())))
            if row.ended_at is not None or row.handoff_expires is None or row.handoff_expires < now:
                return None
        return token

    def web_session(self, token: str, *, idle_minutes: int, max_hours: int,
                    now: dt.datetime | None = None) -> tuple[int, str, dt.datetime, dt.datetime] | None:
        """(id, name, signed_in_at, last_seen) of the live web session whose secret is ``token``, its last use
        recorded; None for an unknown, ended, idle or too old one (which is then ended)."""
        now = now or _now()
        if not token or len(token) > 100:
            return None
        digest = sha256_hex(token.encode())
        with self._read() as conn:
            row = conn.execute(sa.select(T_WEB).where(T_WEB.c.token_hash == digest)).first()
        if row is None or row.ended_at is not None:
            return None
        if (now - row.last_seen > dt.timedelta(minutes=idle_minutes)
                or now - row.signed_in_at > dt.timedelta(hours=max_hours)):
            self.end_web_session(row.id, now=now)
            return None
        if now - row.last_seen > dt.timedelta(seconds=30):  # one write a half-minute, not one per page run
            with self._write() as conn:
                conn.execute(sa.update(T_WEB).where(T_WEB.c.id == row.id).values(last_seen=now))
        return row.id, row.name, row.signed_in_at, max(row.last_seen, now)

    def end_web_session(self, web_id: int, *, now: dt.datetime | None = None) -> None:
        with self._write() as conn:
            conn.execute(sa.update(T_WEB).where(T_WEB.c.id == web_id, T_WEB.c.ended_at.is_(None))
                         .values(ended_at=now or _now()))

    def session_actor(self, name: str, signed_in_at: dt.datetime) -> Actor | None:
        """The actor of a password session signed in at ``signed_in_at``, with the account's current role; None
        when the account is gone or its password or role changed since (the session must end)."""
        with self._read() as conn:
            row = conn.execute(sa.select(T_USER).where(T_USER.c.name == name)).first()
        if row is None or row.sessions_valid_after > signed_in_at:
            return None
        return Actor(row.name, row.role, "password")
