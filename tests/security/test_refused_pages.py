"""A viewer who opens the 管理 page by its address is refused, and the refusal is in the audit log (once)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.accounts import PASSWORD, password_store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path, monkeypatch):
    s = password_store(tmp_path, monkeypatch, {"wang": "viewer"})
    yield s
    s.dispose()


def test_a_viewers_visit_to_admin_is_refused_and_logged(store):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.text_input(key="_sign_in_name").input("wang")
    at.text_input(key="_sign_in_password").input(PASSWORD)
    at.button(key="FormSubmitter:sign_in_form-登录").click().run()
    assert at.metric
    at.switch_page("pages/6_admin.py").run()
    assert [e.value for e in at.error] == ["此页仅限管理员访问。"]
    at.run()  # a rerun of the refused page is not a new entry
    denied = store.audit_log(actions=["denied"])
    assert len(denied) == 1
    assert denied[0].actor == "wang" and denied[0].role == "viewer" and denied[0].target == "管理"


def test_reopening_a_refused_page_in_new_sessions_counts_one_entry(store):
    """The red team's flood: a signed-in viewer opening 管理 in a new session each time (78 entries in 20 s).
    Within the refusal window it is one entry whose count goes up."""
    for _ in range(3):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()  # a new session each time
        at.text_input(key="_sign_in_name").input("wang")
        at.text_input(key="_sign_in_password").input(PASSWORD)
        at.button(key="FormSubmitter:sign_in_form-登录").click().run()
        at.switch_page("pages/6_admin.py").run()
        assert [e.value for e in at.error] == ["此页仅限管理员访问。"]
    denied = store.audit_log(actions=["denied"])
    assert len(denied) == 1
    assert denied[0].after["次数"] == 3 and denied[0].after["页面"] == "管理"


def test_repeated_refusals_are_counted_per_person_target_and_window(store):
    import datetime as dt

    from evalcore.auth import Actor
    from evalcore.store.audit import REFUSAL_WINDOW

    wang, li = Actor("wang", "viewer"), Actor("li", "viewer")
    t0 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    for i in range(50):
        store.record_refusal(wang, "wang 打开“管理”页面被拒绝", target="管理", now=t0 + dt.timedelta(seconds=i))
    store.record_refusal(li, "li 打开“管理”页面被拒绝", target="管理", now=t0)  # another person
    store.record_refusal(wang, "另一页", target="数据管理", now=t0)  # another target
    store.record_refusal(wang, "窗口之后", target="管理", now=t0 + REFUSAL_WINDOW + dt.timedelta(minutes=1))
    entries = store.audit_log(actions=["denied"], limit=None)
    counts = sorted((e.actor, e.target, e.after["次数"]) for e in entries)
    assert counts == [("li", "管理", 1), ("wang", "数据管理", 1), ("wang", "管理", 1), ("wang", "管理", 50)]
