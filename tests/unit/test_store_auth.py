"""The store's side of sign-in: every write checks the role and leaves an audit entry; local accounts; throttled
sign-in; the password never stored or logged in clear. SQLite always, PostgreSQL when configured (conftest)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import logging
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

import sample_data
from evalcore import audit
from evalcore.auth import Actor, PermissionDenied
from evalcore.store import SignInError, Store, StoreError
from evalcore.workbook import read_workbook, workbook_bytes

SAMPLE = sample_data.WORKBOOK
VIEWER = Actor("王查看", "viewer")
EVALUATOR = Actor("李评价", "evaluator")
ADMIN = Actor("陈管理", "admin")
PASSWORD = "Zheng-Gai-2025!"


def changed_sample(**meta) -> bytes:
    ev = read_workbook(SAMPLE).evaluation
    return workbook_bytes(dataclasses.replace(ev, meta=dataclasses.replace(ev.meta, **meta)))


def table_counts(s: Store) -> dict[str, int]:
    with s.engine.connect() as conn:
        return {t: conn.scalar(sa.select(sa.func.count()).select_from(sa.table(t)))
                for t in ("evaluations", "versions", "changes", "users")}


@pytest.fixture
def seeded(store: Store) -> Store:
    store.ensure_sample(SAMPLE)
    return store


def rect_args(s: Store) -> dict:
    info = s.evaluations()[0]
    item = s.load(info.active_version_id).rectification[0]
    return {"evaluation_id": info.id, "item_id": item.id, "base_version_id": info.active_version_id,
            "status": "整改中", "progress": Decimal("50"), "note": "推进中", "evidence": "", "on": dt.date(2025, 6, 1)}


# --- roles -----------------------------------------------------------------------------------------------------


def test_a_viewer_cannot_write_by_any_store_path(seeded: Store) -> None:
    info = seeded.evaluations()[0]
    before = table_counts(seeded)
    attempts = {
        "publish": lambda: seeded.publish(changed_sample(source="查看者的修改"), file_name="x.xlsx", by=VIEWER),
        "rectify": lambda: seeded.update_rectification(by=VIEWER, **rect_args(seeded)),
        "rollback": lambda: seeded.rollback(info.id, info.active_version_id, by=VIEWER),
        "manage_evaluations": lambda: seeded.set_archived(info.id, True, by=VIEWER),
        "manage_users": lambda: seeded.add_user("new", "admin", PASSWORD, by=VIEWER),
    }
    for action, attempt in attempts.items():
        with pytest.raises(PermissionDenied) as caught:
            attempt()
        assert caught.value.action == action
    with pytest.raises(PermissionDenied):
        seeded.set_password("someone", PASSWORD, by=VIEWER)
    with pytest.raises(PermissionDenied):
        seeded.publish(SAMPLE.read_bytes(), file_name="x.xlsx", by="王查看")  # a bare name is nobody
    assert table_counts(seeded) == before  # nothing written
    denied = seeded.audit_log(actions=["denied"])
    assert len(denied) == 7
    assert {e.actor for e in denied} == {"王查看", "未登录用户"}
    assert "无权发布新版本" in denied[-1].summary


def test_an_evaluator_publishes_and_updates_but_cannot_roll_back_or_manage(seeded: Store) -> None:
    v = seeded.publish(changed_sample(source="第二版"), file_name="v2.xlsx", by=EVALUATOR)
    assert v.by == "李评价"
    seeded.update_rectification(by=EVALUATOR, **rect_args(seeded))
    info = seeded.evaluations()[0]
    with pytest.raises(PermissionDenied):
        seeded.rollback(info.id, v.id - 1, by=EVALUATOR)
    with pytest.raises(PermissionDenied):
        seeded.set_archived(info.id, True, by=EVALUATOR)
    with pytest.raises(PermissionDenied):
        seeded.add_user("x1", "viewer", PASSWORD, by=EVALUATOR)


def test_every_write_leaves_an_audit_entry_with_before_and_after(seeded: Store) -> None:
    [sample] = seeded.audit_log()
    assert (sample.action, sample.actor, sample.via, sample.after["当前版本"]) == ("sample", "系统", "system", 1)
    v2 = seeded.publish(changed_sample(source="第二版"), file_name="v2.xlsx", by=EVALUATOR, note="修订")
    args = rect_args(seeded)
    v3 = seeded.update_rectification(by=EVALUATOR, **args)
    v4 = seeded.rollback(v2.evaluation_id, v2.id - 1, by=ADMIN)
    seeded.set_archived(v2.evaluation_id, True, by=ADMIN)
    seeded.set_archived(v2.evaluation_id, False, by=ADMIN)
    entries = seeded.audit_log()
    assert [e.action for e in entries] == ["evaluation_restore", "evaluation_archive", "rollback", "rectify",
                                           "publish", "sample"]
    restore, archive, rollback, rectify, publish, _ = entries
    assert (publish.actor, publish.role, publish.version_id, publish.evaluation_id) == (
        "李评价", "evaluator", v2.id, v2.evaluation_id)
    assert publish.before == {"当前版本": 1, "sha256": seeded.version(v2.id - 1).file_hash}
    assert publish.after["当前版本"] == 2 and publish.after["文件"] == "v2.xlsx" and publish.after["说明"] == "修订"
    assert rectify.target == args["item_id"] and rectify.version_id == v3.id
    assert rectify.after["整改状态"] == "整改中" and rectify.after["整改进度"] == "50%"
    assert rectify.before["整改进度"] != rectify.after["整改进度"]
    assert (rollback.actor, rollback.before, rollback.after["当前版本"], rollback.after["内容来自"]) == (
        "陈管理", {"当前版本": 3}, 4, 1)
    assert rollback.version_id == v4.id
    assert archive.after == {"已归档": True} and restore.after == {"已归档": False}
    # filters
    assert [e.action for e in seeded.audit_log(actor="陈管理")] == ["evaluation_restore", "evaluation_archive",
                                                                    "rollback"]
    assert len(seeded.audit_log(actions=["publish", "sample"])) == 2
    assert len(seeded.audit_log(evaluation_id=v2.evaluation_id)) == 6
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert seeded.audit_log(since=future) == [] and len(seeded.audit_log(until=future)) == 6
    assert seeded.audit_actors() == sorted(["系统", "李评价", "陈管理"])


def test_a_failed_write_leaves_no_audit_entry(seeded: Store) -> None:
    with pytest.raises(StoreError):
        seeded.publish(SAMPLE.read_bytes(), file_name="same.xlsx", by=EVALUATOR)  # same data as active
    assert [e.action for e in seeded.audit_log()] == ["sample"]


def test_archived_evaluations_leave_the_list_and_come_back(seeded: Store) -> None:
    other = seeded.publish(changed_sample(year=2024), file_name="2024.xlsx", by=EVALUATOR)
    assert len(seeded.evaluations()) == 2
    info = seeded.set_archived(other.evaluation_id, True, by=ADMIN)
    assert info.archived
    assert [e.id for e in seeded.evaluations()] != [] and other.evaluation_id not in [
        e.id for e in seeded.evaluations()]
    assert other.evaluation_id in [e.id for e in seeded.evaluations(include_archived=True)]
    assert seeded.load(other.id).meta.year == 2024  # nothing deleted
    with pytest.raises(StoreError, match="已归档"):
        seeded.set_archived(other.evaluation_id, True, by=ADMIN)
    seeded.set_archived(other.evaluation_id, False, by=ADMIN)
    assert len(seeded.evaluations()) == 2


# --- accounts ------------------------------------------------------------------------------------------------


def test_accounts_lifecycle_with_audit_and_last_admin_guard(store: Store) -> None:
    u = store.add_user("chen", "admin", PASSWORD, by=ADMIN)
    assert (u.name, u.role, u.role_label, u.created_by) == ("chen", "admin", "管理员", "陈管理")
    store.add_user("li", "evaluator", PASSWORD, by=ADMIN)
    with pytest.raises(StoreError, match="已存在"):
        store.add_user("li", "viewer", PASSWORD, by=ADMIN)
    with pytest.raises(ValueError, match="至少 8"):
        store.add_user("wang", "viewer", "short", by=ADMIN)
    with pytest.raises(ValueError, match="角色应为"):
        store.add_user("wang", "root", PASSWORD, by=ADMIN)
    with pytest.raises(StoreError, match="唯一的管理员"):
        store.remove_user("chen", by=ADMIN)
    with pytest.raises(StoreError, match="唯一的管理员"):
        store.set_role("chen", "viewer", by=ADMIN)
    store.set_role("li", "admin", by=ADMIN)
    store.set_role("chen", "viewer", by=ADMIN)  # now allowed: li is an admin
    store.set_password("chen", "Another-pass-1", by=ADMIN)
    store.remove_user("chen", by=ADMIN)
    with pytest.raises(StoreError, match="不存在"):
        store.remove_user("chen", by=ADMIN)
    assert [u.name for u in store.users()] == ["li"]
    actions = [e.action for e in store.audit_log()]
    assert actions == ["user_remove", "user_password", "user_role", "user_role", "user_add", "user_add"]
    role_change = store.audit_log(actions=["user_role"])[1]
    assert (role_change.target, role_change.before, role_change.after) == ("li", {"角色": "评价人员"},
                                                                           {"角色": "管理员"})


def test_sign_in_accepts_the_right_password_only(store: Store) -> None:
    store.add_user("li", "evaluator", PASSWORD, by=ADMIN)
    who = store.sign_in("li", PASSWORD)
    assert who == Actor("li", "evaluator", "password")
    for name, password in (("li", PASSWORD + "x"), ("LI", PASSWORD), ("nobody", PASSWORD)):
        with pytest.raises(SignInError, match="用户名或密码错误"):  # the same answer: names are not disclosed
            store.sign_in(name, password)
    with pytest.raises(SignInError, match="请输入用户名和密码"):
        store.sign_in("li", "")
    entries = store.audit_log(actions=["sign_in", "sign_in_failed"])
    assert [e.action for e in entries] == ["sign_in_failed"] * 3 + ["sign_in"]
    assert entries[-1].actor == "li" and entries[-1].role == "evaluator"


def test_failed_sign_ins_are_slowed_down_then_forgiven(store: Store) -> None:
    store.add_user("li", "evaluator", PASSWORD, by=ADMIN)
    t0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
    for i in range(2):
        with pytest.raises(SignInError) as caught:
            store.sign_in("li", "wrong-password", now=t0 + dt.timedelta(seconds=i))
        assert caught.value.retry_after == 0
    with pytest.raises(SignInError, match="5 秒后再试") as caught:  # third failure: locked 5 s
        store.sign_in("li", "wrong-password", now=t0 + dt.timedelta(seconds=2))
    assert caught.value.retry_after == 5
    # while locked, even the right password is refused without being checked
    with pytest.raises(SignInError, match="失败次数过多"):
        store.sign_in("li", PASSWORD, now=t0 + dt.timedelta(seconds=4))
    with pytest.raises(SignInError, match="10 秒后再试"):  # after the lock: wrong again doubles it
        store.sign_in("li", "wrong-password", now=t0 + dt.timedelta(seconds=8))
    assert store.sign_in("li", PASSWORD, now=t0 + dt.timedelta(seconds=19)).name == "li"
    # success resets the count
    with pytest.raises(SignInError) as caught:
        store.sign_in("li", "wrong-password", now=t0 + dt.timedelta(seconds=20))
    assert caught.value.retry_after == 0
    # unknown names are throttled the same way
    for i in range(3):
        with pytest.raises(SignInError):
            store.sign_in("ghost", "whatever-1", now=t0 + dt.timedelta(seconds=i))
    with pytest.raises(SignInError, match="失败次数过多"):
        store.sign_in("ghost", "whatever-1", now=t0 + dt.timedelta(seconds=3))


def test_sessions_end_when_the_password_or_role_changes(store: Store) -> None:
    store.add_user("li", "evaluator", PASSWORD, by=ADMIN)
    signed_in = dt.datetime.now(dt.UTC)
    assert store.session_actor("li", signed_in) == Actor("li", "evaluator", "password")
    store.set_role("li", "viewer", by=ADMIN)
    assert store.session_actor("li", signed_in) is None
    later = dt.datetime.now(dt.UTC)
    assert store.session_actor("li", later).role == "viewer"  # the role is read afresh
    store.set_password("li", "New-password-2", by=Actor("li", "viewer", "password"))  # one's own password
    assert store.session_actor("li", later) is None
    with pytest.raises(PermissionDenied):  # but not someone else's
        store.set_password("chen", "New-password-2", by=Actor("li", "viewer", "password"))
    store.remove_user("li", by=ADMIN)
    assert store.session_actor("li", dt.datetime.now(dt.UTC)) is None


def test_passwords_are_never_stored_or_logged_in_clear(store: Store, tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "Qing-Song-Shu-9"
    store.add_user("li", "evaluator", secret, by=ADMIN)
    store.add_user("wang", "viewer", secret, by=ADMIN)
    store.sign_in("li", secret)
    with pytest.raises(SignInError):
        store.sign_in("li", secret + "-wrong")
    store.set_password("li", secret + "-new", by=ADMIN)
    with store.engine.connect() as conn:
        hashes = dict(conn.execute(sa.text("SELECT name, password_hash FROM users")).all())
        dump = "\n".join(str(row) for table in ("users", "audit_log", "sign_in_failures")
                         for row in conn.execute(sa.text(f"SELECT * FROM {table}")).all())
    assert all(h.startswith("$argon2id$") for h in hashes.values())
    assert hashes["li"] != hashes["wang"]  # salted: the same password, different hashes
    assert secret not in dump
    assert secret not in caplog.text
    exported = b"".join(audit.audit_bytes(store.audit_log(), fmt) for fmt in ("csv", "json", "xlsx"))
    assert secret.encode() not in exported
    if store.backend == "sqlite":  # the database file itself (and its write-ahead log)
        db = Path(store.engine.url.database)
        raw = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
        assert secret.encode() not in raw


def test_record_rejects_unknown_actions(store: Store) -> None:
    store.record(ADMIN, "sign_out", "陈管理退出登录", target="陈管理")
    assert store.audit_log()[0].action_label == "退出登录"
    with pytest.raises(ValueError):
        store.record(ADMIN, "format_disk", "x")


def test_audit_exports_neutralise_formulas_and_keep_chinese(store: Store) -> None:
    store.record(Actor("=HYPERLINK(\"http://x\")", "viewer", "oidc"), "sign_in", "@SUM(1)", target="+1")
    entries = store.audit_log()
    csv_text = audit.audit_bytes(entries, "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "'@SUM(1)" in csv_text and "'+1" in csv_text
    assert csv_text.splitlines()[0].startswith("时间（北京时间）,操作人,角色")
    ws = openpyxl.load_workbook(io.BytesIO(audit.audit_bytes(entries, "xlsx"))).active
    assert ws["B2"].value == "'=HYPERLINK(\"http://x\")" and ws["B2"].data_type == "s"
    with pytest.raises(ValueError):
        audit.audit_bytes(entries, "pdf")


def test_day_range_is_beijing_days() -> None:
    since, until = audit.day_range("2026-03-01", "2026-03-01")
    assert since == dt.datetime(2026, 2, 28, 16, 0, tzinfo=dt.UTC)
    assert until == dt.datetime(2026, 3, 1, 16, 0, tzinfo=dt.UTC)
    assert audit.day_range(None, None) == (None, None)
    with pytest.raises(ValueError, match="晚于"):
        audit.day_range("2026-03-02", "2026-03-01")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        audit.day_range("3月1日", None)


def test_an_old_database_is_upgraded_keeping_its_data(tmp_path: Path) -> None:
    """A schema-1 database (before accounts and the audit log) with a version in it: opening it upgrades the
    schema, and the version reads back; then the new features work on it."""
    import hashlib
    import json

    import evalcore.store as store_module
    url = f"sqlite:///{tmp_path / 'old.db'}"
    data = SAMPLE.read_bytes()
    now = dt.datetime.now(dt.UTC)
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # what EvalBoard 0.1 wrote
        store_module.MIGRATIONS[0][2](conn)  # the first migration: the tables of 0.1
        conn.execute(sa.text("INSERT INTO schema_version VALUES (1, '评价、版本、整改修改记录', :at)"),
                     {"at": now.replace(tzinfo=None)})
        conn.execute(sa.text("INSERT INTO evaluations (id, natural_key, region, year, title, active_version_id, "
                             "created_at, updated_at) VALUES (1, :key, '长沙市', 2023, '旧评价', 1, :at, :at)"),
                     {"key": json.dumps(["长沙市", 2023, "旧评价"]), "at": now.replace(tzinfo=None)})
        conn.execute(sa.text("INSERT INTO versions (id, evaluation_id, number, kind, file_name, file_hash, size, "
                             "created_by, created_at, note, data) VALUES (1, 1, 1, 'publish', 'old.xlsx', :h, :n, "
                             "'老用户', :at, '', :data)"),
                     {"h": hashlib.sha256(data).hexdigest(), "n": len(data), "at": now.replace(tzinfo=None),
                      "data": data})
    engine.dispose()
    s = Store(url)
    assert s.schema_version() == store_module.SCHEMA_VERSION
    [info] = s.evaluations()
    assert (info.title, info.archived, info.active_number) == ("旧评价", False, 1)
    assert s.load(info.active_version_id).meta.region == "长沙市"
    assert s.users() == [] and s.audit_log() == []
    s.set_archived(info.id, True, by=ADMIN)
    assert s.evaluations() == [] and s.audit_log()[0].action == "evaluation_archive"
    s.dispose()
