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
