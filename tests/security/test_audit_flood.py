"""A flooded audit log: the 管理 page reads one page of it from the database and builds no export until asked."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from evalcore.store import T_AUDIT
from tests.accounts import PASSWORD, password_store

ROOT = Path(__file__).resolve().parents[2]
FLOOD = 5_000


@pytest.fixture
def flooded(tmp_path, monkeypatch):
    s = password_store(tmp_path, monkeypatch, {"chen": "admin"})
    now = dt.datetime.now(dt.UTC)
    with s.engine.begin() as conn:
        conn.execute(T_AUDIT.insert(), [
            {"at": now - dt.timedelta(seconds=i), "actor": "未知用户名", "role": "viewer", "via": "password",
             "action": "sign_in_failed", "summary": f"flood {i}", "target": "", "evaluation_id": None,
             "version_id": None, "before": None, "after": None} for i in range(FLOOD)])
    yield s
    s.dispose()


def test_the_admin_page_reads_one_page_and_builds_no_export(flooded, monkeypatch):
    from evalcore import audit
    built: list[str] = []
    real = audit.audit_bytes
    monkeypatch.setattr(audit, "audit_bytes", lambda entries, fmt: built.append(fmt) or real(entries, fmt))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.text_input(key="_sign_in_name").input("chen")
    at.text_input(key="_sign_in_password").input(PASSWORD)
    at.button(key="FormSubmitter:sign_in_form-登录").click().run()
    at.switch_page("pages/6_admin.py").run()
    assert not at.exception
    total = flooded.audit_count()
    assert total > FLOOD
    assert any(f"共 {total} 条记录" in c.value for c in at.caption)
    assert len(at.dataframe[0].value) <= 100  # one page, not the whole window
    at.number_input(key="audit_page").set_value(3).run()
    shown = list(at.dataframe[0].value["内容"])
    assert shown == [e.summary for e in flooded.audit_log(limit=100, offset=200)]
    assert built == []  # three exports were rebuilt on every rerun before
