"""Browser-bound sessions in the store: the handoff code works once and briefly; the secret ends with sign-out,
idleness and age; only hashes are stored."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from evalcore.store import HANDOFF_SECONDS, Store

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
LIMITS = {"idle_minutes": 30, "max_hours": 12}


def test_a_handoff_code_is_spent_on_first_use_and_expires(store: Store) -> None:
    web_id, code = store.open_web_session("li", T0)
    token = store.redeem_handoff(code, now=T0 + dt.timedelta(seconds=5))
    assert token and store.redeem_handoff(code, now=T0 + dt.timedelta(seconds=6)) is None
    assert store.web_session(token, now=T0 + dt.timedelta(minutes=1), **LIMITS)[:2] == (web_id, "li")
    late_id, late = store.open_web_session("li", T0)
    assert store.redeem_handoff(late, now=T0 + dt.timedelta(seconds=HANDOFF_SECONDS + 1)) is None
    assert store.redeem_handoff("made-up-code", now=T0) is None
    with store.engine.connect() as conn:
        dump = "\n".join(str(r) for r in conn.execute(sa.text("SELECT * FROM web_sessions")).all())
    assert token not in dump and code not in dump and late not in dump


def test_the_secret_ends_with_sign_out_idleness_and_age(store: Store) -> None:
    def live(now: dt.datetime) -> str:
        _, code = store.open_web_session("li", now)
        return store.redeem_handoff(code, now=now)

    token = live(T0)
    assert store.web_session(token, now=T0 + dt.timedelta(minutes=29), **LIMITS) is not None
    assert store.web_session(token, now=T0 + dt.timedelta(minutes=58), **LIMITS) is not None  # used at 29
    assert store.web_session(token, now=T0 + dt.timedelta(minutes=89), **LIMITS) is None  # idle 31 minutes
    assert store.web_session(token, now=T0 + dt.timedelta(minutes=90), **LIMITS) is None  # and stays ended
    token = live(T0)
    web_id = store.web_session(token, now=T0, **LIMITS)[0]
    store.end_web_session(web_id, now=T0)
    assert store.web_session(token, now=T0, **LIMITS) is None
    token = live(T0)
    for minutes in range(0, 12 * 60, 20):
        assert store.web_session(token, now=T0 + dt.timedelta(minutes=minutes), **LIMITS) is not None
    assert store.web_session(token, now=T0 + dt.timedelta(hours=12, minutes=1), **LIMITS) is None
