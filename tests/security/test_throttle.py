"""Attacks on password sign-in: parallel guesses, memory exhaustion through password hashes, locking out the only
admin. Every attempt here runs concurrently (threads released together by a barrier), as a browser burst would."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from evalcore import auth
from evalcore.auth import Actor
from evalcore.store import SignInError, Store

ADMIN = Actor("陈管理", "admin", "cli")
PASSWORD = "Zheng-Que-Mi-Ma-1"
T0 = dt.datetime.now(dt.UTC)  # one instant for a whole burst: the locks do not run out while hashes queue
REPO = Path(__file__).resolve().parents[2]


def burst(attempts: list[Callable[[], object]]) -> list[object]:
    """Run every attempt in its own thread, all released at once; returns each result or exception."""
    barrier = threading.Barrier(len(attempts))
    results: list[object] = [None] * len(attempts)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = attempts[i]()
        except Exception as exc:  # noqa: BLE001 - the refusal is the result
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def checked(store: Store) -> int:
    """How many passwords were actually checked: each check is a sign_in or sign_in_failed audit entry."""
    return len(store.audit_log(actions=["sign_in", "sign_in_failed"], limit=None))


def test_parallel_guesses_are_counted_before_any_password_is_checked(store: Store) -> None:
    store.add_user("li", "evaluator", PASSWORD, by=ADMIN)
    results = burst([lambda i=i: store.sign_in("li", f"wrong-guess-{i:02d}", now=T0) for i in range(11)])
    assert all(isinstance(r, SignInError) for r in results)
    # at most LOCK_AT_FAILURE passwords are looked at before the lock, however many arrive at once
    assert checked(store) == auth.LOCK_AT_FAILURE
    # the lock holds for the right password too, even arriving among more parallel guesses
    results = burst([lambda: store.sign_in("li", PASSWORD, now=T0)]
                    + [lambda i=i: store.sign_in("li", f"again-{i}", now=T0) for i in range(5)])
    assert all(isinstance(r, SignInError) and "失败次数过多" in str(r) for r in results)
    assert checked(store) == auth.LOCK_AT_FAILURE


def test_thirty_parallel_guesses_on_one_account_check_three(store: Store) -> None:
    store.add_user("admin1", "admin", PASSWORD, by=ADMIN)
    burst([lambda i=i: store.sign_in("admin1", f"guess-number-{i}") for i in range(30)])
    assert checked(store) == auth.LOCK_AT_FAILURE


def test_one_client_cannot_lock_the_only_admin_out_for_everyone(store: Store) -> None:
    store.add_user("admin1", "admin", PASSWORD, by=ADMIN)
    burst([lambda i=i: store.sign_in("admin1", f"guess-number-{i}", address="203.0.113.7", now=T0)
           for i in range(20)])
    with pytest.raises(SignInError, match="失败次数过多"):  # the attacker's own address is locked
        store.sign_in("admin1", PASSWORD, address="203.0.113.7", now=T0)
    # the admin, elsewhere, is not
    assert store.sign_in("admin1", PASSWORD, address="198.51.100.20", now=T0).name == "admin1"


def test_one_client_spraying_many_names_is_limited_by_its_address(store: Store) -> None:
    for i in range(6):
        store.add_user(f"user{i}", "viewer", PASSWORD, by=ADMIN)
    names = [f"user{i % 6}" for i in range(24)]
    burst([lambda n=n, i=i: store.sign_in(n, f"guess-{i}", address="203.0.113.9", now=T0)
           for i, n in enumerate(names)])
    assert checked(store) <= auth.ADDRESS_LOCK_AT_FAILURE
    with pytest.raises(SignInError, match="失败次数过多"):
        store.sign_in("user5", PASSWORD, address="203.0.113.9", now=T0)


def test_an_admin_unlocks_an_account_from_the_server_command_line(store: Store, db_url: str) -> None:
    store.add_user("admin1", "admin", PASSWORD, by=ADMIN)
    # many addresses: the account itself is locked for everyone
    burst([lambda i=i: store.sign_in("admin1", f"guess-{i}", address=f"203.0.113.{i}", now=T0)
           for i in range(auth.ACCOUNT_LOCK_AT_FAILURE + 4)])
    with pytest.raises(SignInError, match="失败次数过多"):
        store.sign_in("admin1", PASSWORD, address="198.51.100.20", now=T0)
    env = {"EVALBOARD_DATABASE_URL": db_url, "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "evalcore", "user", "unlock", "admin1"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "已解除" in done.stdout
    assert store.sign_in("admin1", PASSWORD, address="198.51.100.20", now=T0).name == "admin1"
    assert store.audit_log(actions=["user_unlock"])[0].target == "admin1"


MEMORY_PROBE = textwrap.dedent("""
    import json, resource, sys, threading
    from evalcore.auth import Actor
    from evalcore.store import Store
    store = Store.sqlite(sys.argv[1])
    admin = Actor("陈管理", "admin", "cli")
    for i in range(5):
        store.add_user(f"user{i}", "viewer", "Zheng-Que-Mi-Ma-1", by=admin)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    barrier = threading.Barrier(50)
    def attempt(i):
        barrier.wait()
        try:
            store.sign_in(f"user{i % 5}", f"guess-{i}", address=f"203.0.113.{i}")
        except Exception:
            pass
    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(50)]
    for t in threads: t.start()
    for t in threads: t.join()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"base_kib": base, "peak_kib": peak}))
""")


def test_fifty_parallel_attempts_keep_memory_bounded(tmp_path: Path) -> None:
    # A process of its own, so the peak is this burst's; an address-space cap keeps a regression from taking the
    # machine down with it (50 unbounded argon2 hashes would need 3.2 GiB).
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30)); "
    done = subprocess.run([sys.executable, "-c", limit + "exec(compile(open(0).read(), 'probe', 'exec'))",
                           str(tmp_path / "m.db")], input=MEMORY_PROBE, cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    grown_mib = (figures["peak_kib"] - figures["base_kib"]) / 1024
    # each argon2id check takes 64 MiB: the pool allows HASH_WORKERS at once, plus slack for threads and SQLite
    assert grown_mib < 64 * (auth.HASH_WORKERS + 1.5), figures


def test_visitors_flooding_the_log_with_new_names_write_three_entries(store: Store) -> None:
    burst([lambda i=i: store.sign_in(f"visitor-{i:03d}", f"guess-{i}", address="203.0.113.50", now=T0)
           for i in range(30)])
    entries = store.audit_log(limit=None)
    assert len(entries) == auth.LOCK_AT_FAILURE  # the unknown-name key of that address locks at the third
    assert {e.actor for e in entries} == {auth.UNKNOWN_NAME}
    assert not any("visitor-" in (e.summary + e.target + str(e.after)) for e in entries)


def test_one_address_guessing_slowly_for_days_never_locks_the_admin_out_elsewhere(store: Store) -> None:
    """The red team's attack: one address guesses once whenever its own lock runs out (29 guesses in about 5 h
    locked the only admin for every address). Each address adds at most ADDRESS_SHARE failures to the account."""
    store.add_user("admin1", "admin", PASSWORD, by=ADMIN)
    now, guesses = T0, 0
    while guesses < 40:
        try:
            store.sign_in("admin1", f"slow-guess-{guesses}", address="203.0.113.66", now=now)
        except SignInError as exc:
            if "用户名或密码错误" in str(exc):
                guesses += 1
            if guesses < 40:
                now += dt.timedelta(seconds=exc.retry_after + 1)  # wait the lock out, exactly as told
    assert now - T0 > dt.timedelta(hours=5)
    # right after its last guess, the attacker's address is locked for that account...
    with pytest.raises(SignInError, match="失败次数过多"):
        store.sign_in("admin1", PASSWORD, address="203.0.113.66", now=now)
    # ...but the admin, from anywhere else, signs in at once
    assert store.sign_in("admin1", PASSWORD, address="198.51.100.20", now=now).name == "admin1"


def test_the_account_wide_lock_still_needs_many_addresses(store: Store) -> None:
    store.add_user("admin1", "admin", PASSWORD, by=ADMIN)
    share = auth.ADDRESS_SHARE
    addresses = -(-auth.ACCOUNT_LOCK_AT_FAILURE // share)  # ceil: 7 addresses, 3 failures each
    for a in range(addresses):
        for g in range(share):
            with pytest.raises(SignInError):
                store.sign_in("admin1", f"guess-{a}-{g}", address=f"203.0.113.{100 + a}", now=T0)
    with pytest.raises(SignInError, match="失败次数过多"):
        store.sign_in("admin1", PASSWORD, address="198.51.100.20", now=T0)


def test_an_ipv6_client_cannot_multiply_itself_inside_its_own_network(store: Store) -> None:
    """Addresses of one /64 are one client: hopping through them neither escapes that client's lock nor adds
    more than one share to the account-wide count."""
    store.add_user("admin1", "admin", PASSWORD, by=ADMIN)
    for i in range(30):
        with pytest.raises(SignInError):
            store.sign_in("admin1", f"guess-{i}", address=f"2001:db8:1:2::{i + 1:x}", now=T0)
    assert checked(store) == auth.LOCK_AT_FAILURE  # the network's own lock stopped it after 3 checks
    assert store.sign_in("admin1", PASSWORD, address="2001:db8:9:9::1", now=T0).name == "admin1"
    assert auth.throttle_address("::ffff:203.0.113.5") == "203.0.113.5"
    assert auth.throttle_address("本机") == "本机"
