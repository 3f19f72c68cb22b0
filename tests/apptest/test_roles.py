"""Sign-in and roles through the pages (AppTest), in password mode: what each role sees and can do.

The store refuses a write by a role that may not make it whatever a page shows (tests/unit/test_store_auth.py);
here: the sign-in flow, that a viewer is never offered a write control, that evaluators and admins are, and that
writes made through the pages carry the signed-in name into the audit log.
"""
import datetime as dt

import pytest
from apptest_support import ROOT, texts
from streamlit.testing.v1 import AppTest

from evalcore.auth import Actor
from tests.accounts import CLI_ADMIN, PASSWORD, password_store


@pytest.fixture
def store(tmp_path, monkeypatch):
    s = password_store(tmp_path, monkeypatch, {"wang": "viewer", "li": "evaluator", "chen": "admin"})
    yield s
    s.dispose()


def start() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sign_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="_sign_in_name").input(name)
    at.text_input(key="_sign_in_password").input(password)
    at.button(key="FormSubmitter:sign_in_form-登录").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def signed_in(name: str) -> AppTest:
    at = sign_in(start(), name)
    assert at.metric, "the overview did not render after signing in"
    return at


def links(at: AppTest) -> list[str]:
    return [p.proto.label for p in at.sidebar.get("page_link")]


def keys(at: AppTest, kind: str) -> set[str]:
    return {getattr(e, "key", None) for e in at.get(kind)}


def test_nothing_is_shown_before_signing_in(store):
    at = start()
    assert not at.metric and not at.get("plotly_chart")
    assert links(at) == []
    assert "登录" in texts(at)
    assert at.text_input(key="_sign_in_name") is not None


def test_a_wrong_password_is_refused_and_the_right_one_accepted(store):
    at = sign_in(start(), "wang", "wrong-password")
    assert [e.value for e in at.error] == ["用户名或密码错误"]
    assert not at.metric
    sign_in(at, "wang")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["预算总额"] == "14,331.38 万元"
    assert "已登录：wang（查看者）" in texts(at)
    assert [e.action for e in store.audit_log(actions=["sign_in", "sign_in_failed"])] == ["sign_in", "sign_in_failed"]


def test_a_viewer_sees_no_write_controls(store):
    at = signed_in("wang")
    assert "管理" not in links(at) and "数据管理" in links(at)
    at.switch_page("pages/5_data.py").run()
    assert not at.exception
    assert [t.label for t in at.tabs] == ["版本记录", "导出"]
    assert not at.get("file_uploader") and not at.get("text_area")
    assert not at.get("form") and "upload_publish" not in keys(at, "button")
    assert "rollback_button" not in keys(at, "button") and "rollback_confirm" not in keys(at, "checkbox")
    assert "你的角色是查看者" in texts(at) and "回滚需要管理员权限" in texts(at)
    assert at.dataframe  # the version list is still there to read
    # the 管理 page refuses a viewer who types its address
    at.switch_page("pages/6_admin.py").run()
    assert [e.value for e in at.error] == ["此页仅限管理员访问。"]
    assert not at.dataframe


def test_an_evaluator_can_upload_and_update_but_not_roll_back(store):
    at = signed_in("li")
    assert "管理" not in links(at)
    at.switch_page("pages/5_data.py").run()
    assert [t.label for t in at.tabs] == ["上传工作簿", "从报告文本导入", "批量导入", "整改更新", "单位别名",
                                         "版本记录", "导出"]
    assert "upload_file" in keys(at, "file_uploader")
    assert "operator" not in keys(at, "text_input")  # the name comes from the sign-in
    assert "回滚需要管理员权限" in texts(at)
    # a 整改 update through the form is recorded under the signed-in name
    item = at.selectbox(key="rect_item").value
    info = store.evaluations()[0]
    prefix = f"rect_{info.id}_{item}"
    at.text_area(key=f"{prefix}_note").input("评价人员的备注")
    at.button(key=f"FormSubmitter:{prefix}_form-保存整改更新").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    [entry] = store.audit_log(actions=["rectify"])
    assert (entry.actor, entry.role, entry.via, entry.target) == ("li", "evaluator", "password", item)
    assert entry.after["备注"] == "评价人员的备注"
    assert store.changes(info.id, item)[0].by == "li"
    at.switch_page("pages/6_admin.py").run()
    assert [e.value for e in at.error] == ["此页仅限管理员访问。"]


def test_an_admin_rolls_back_and_reads_the_audit_log(store):
    info = store.evaluations()[0]
    item = store.load(info.active_version_id).rectification[0]
    store.update_rectification(info.id, item.id, base_version_id=info.active_version_id, status=item.status,
                               progress=item.progress, note="第二版", evidence=item.evidence,
                               by=Actor("li", "evaluator", "password"))
    at = signed_in("chen")
    assert "管理" in links(at)
    at.switch_page("pages/5_data.py").run()
    at.selectbox(key="version_pick").set_value(1).run()
    at.checkbox(key="rollback_confirm").check().run()
    at.button(key="rollback_button").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    rollback = store.audit_log(actions=["rollback"])[0]
    assert (rollback.actor, rollback.role) == ("chen", "admin")
    at.switch_page("pages/6_admin.py").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    [table] = [d for d in at.dataframe if "操作人" in d.value.columns and "内容" in d.value.columns]
    actions = list(table.value["操作"])
    assert actions[:2] == ["回滚", "登录"] and "整改更新" in actions and "新增账户" in actions
    assert {"audit_export_xlsx", "audit_export_csv", "audit_export_json"} <= keys(at, "download_button")
    # filter to one person
    at.selectbox(key="audit_actor").set_value("li").run()
    [table] = [d for d in at.dataframe if "操作人" in d.value.columns and "内容" in d.value.columns]
    assert set(table.value["操作人"]) == {"li"}


def test_an_admin_manages_accounts_on_the_page(store):
    at = signed_in("chen")
    at.switch_page("pages/6_admin.py").run()
    at.text_input(key="user_add_name").input("zhao")
    at.selectbox(key="user_add_role").set_value("evaluator")
    at.text_input(key="user_add_password").input("Zhao-Mi-Ma-1")
    at.text_input(key="user_add_password2").input("Zhao-Mi-Ma-1")
    at.button(key="FormSubmitter:user_add_form-新增").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert store.user("zhao").role == "evaluator"
    assert store.sign_in("zhao", "Zhao-Mi-Ma-1").name == "zhao"
    entry = store.audit_log(actions=["user_add"])[0]
    assert (entry.actor, entry.target) == ("chen", "zhao")
    # the last admin cannot demote themself
    at.selectbox(key="user_pick").set_value("chen").run()
    at.selectbox(key="user_role").set_value("viewer")
    at.button(key="FormSubmitter:user_role_form-修改角色").click().run()
    assert any("唯一的管理员" in e.value for e in at.error)
    assert store.user("chen").role == "admin"


def test_sessions_end_when_idle_and_when_the_password_changes(store):
    at = signed_in("li")
    session = dict(at.session_state["_auth_session"])
    session["last_seen"] -= dt.timedelta(minutes=31)
    at.session_state["_auth_session"] = session
    at.run()
    assert not at.metric and any("超过 30 分钟没有操作" in w.value for w in at.warning)
    sign_in(at, "li")
    assert at.metric
    store.set_password("li", "Another-Pass-9", by=CLI_ADMIN)
    at.run()
    assert not at.metric and any("密码或角色已变更" in w.value for w in at.warning)


def test_sign_out(store):
    at = signed_in("wang")
    at.button(key="_sign_out").click().run()
    assert not at.metric and any("已退出登录" in w.value for w in at.warning)
    assert store.audit_log(actions=["sign_out"])[0].actor == "wang"


def test_a_wrong_setting_stops_every_page_with_a_message(store, monkeypatch):
    monkeypatch.setenv("EVALBOARD_AUTH", "ldap")
    at = start()
    assert not at.metric
    assert any("登录设置有误" in e.value and "EVALBOARD_AUTH" in e.value for e in at.error)


def test_with_sign_in_off_a_notice_says_so(store, monkeypatch):
    monkeypatch.setenv("EVALBOARD_AUTH", "none")
    at = start()
    assert at.metric
    assert any("未启用登录" in w.value for w in at.sidebar.warning)
