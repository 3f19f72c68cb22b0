"""整改 with the units (issue 25) through the pages, in password mode: 我的整改 as a unit account (its own items
only, reporting), and the review on 建议与整改 as an evaluator (退回 with a reason, 销号, the 整改率 moving).

AppTest cannot drive ``st.file_uploader``: reports with files are covered by tests/unit/test_verification.py
(the store) and tests/browser/test_unit_loop.py (a real PDF through the page)."""
import pytest
from apptest_support import texts
from streamlit.testing.v1 import AppTest
from test_roles import keys, links, sign_in, start

from evalcore.auth import Actor
from tests.accounts import CLI_ADMIN, PASSWORD, password_store

MY = "pages/9_my_items.py"
REVIEW = "pages/3_rectification.py"


@pytest.fixture
def store(tmp_path, monkeypatch):
    s = password_store(tmp_path, monkeypatch, {"li": "evaluator", "wang": "viewer"})
    s.add_user("dsj", "unit", PASSWORD, by=CLI_ADMIN, units=["长沙市数据局"], email="dsj@example.cn")
    s.add_user("zx", "unit", PASSWORD, by=CLI_ADMIN, units=["长沙市大数据中心"])
    yield s
    s.dispose()


def unit_signed_in(name: str = "dsj") -> AppTest:
    at = sign_in(start(), name)
    assert "我的整改" in links(at) and links(at) == ["我的整改"]
    at.switch_page(MY).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest):
    [t] = [d for d in at.dataframe if "审核状态" in d.value.columns]
    return t.value


def test_a_unit_sees_only_its_own_items_and_no_other_page(store):
    at = sign_in(start(), "dsj")
    # the overview is not for a unit account: no figure of the evaluation, a link to 我的整改
    assert not at.metric and "单位填报账户只能查看和报送本单位的整改事项" in texts(at)
    for page in ("pages/1_units.py", REVIEW, "pages/5_data.py", "pages/7_portfolio.py", "pages/8_unit.py"):
        at.switch_page(page).run()
        assert not at.exception
        assert not at.metric and not at.dataframe and not at.get("plotly_chart"), page
        assert "单位填报账户只能查看和报送本单位的整改事项" in texts(at)
    at.switch_page("pages/6_admin.py").run()
    assert not at.dataframe
    at.switch_page(MY).run()
    items = table(at)
    assert list(items["编号"]) == ["Z02", "Z03", "Z05", "Z12"] and set(items["责任单位"]) == {"市数据局"}
    assert "长沙市数据中心" not in texts(at) and "Z01" not in " ".join(at.selectbox(key="my_item").options)
    assert "本账户负责的单位：长沙市数据局" in texts(at)


def test_a_unit_reports_and_sees_what_the_bureau_said(store):
    at = unit_signed_in()
    at.selectbox(key="my_item").set_value("1:Z05").run()
    assert at.query_params["item"] in ("1:Z05", ["1:Z05"])
    at.text_area(key="my_report_text").input("已印发资产移交办法")
    at.button(key="FormSubmitter:my_report_form-报送").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "已报送整改事项 Z05" in texts(at)
    assert table(at).set_index("编号").loc["Z05", "审核状态"] == "待审核"
    assert "该事项已报送、正在等待财政部门审核。" in texts(at)
    [entry] = store.audit_log(actions=["rect_report"])
    assert (entry.actor, entry.role, entry.target) == ("dsj", "unit", "Z05")
    store.send_back(Actor("li", "evaluator", "password"), 1, "Z05", "请附印发文件")
    at.run()
    assert table(at).set_index("编号").loc["Z05", "财政部门意见"] == "请附印发文件"
    assert "财政部门退回了上次报送：请附印发文件" in texts(at)
    assert "FormSubmitter:my_report_form-报送" in keys(at, "button")


def test_an_evaluator_sends_back_then_accepts_and_the_rate_moves(store):
    dsj = Actor("dsj", "unit", "password")
    store.report_progress(dsj, 1, "Z05", "已印发资产移交办法")
    at = sign_in(start(), "li")
    at.switch_page(REVIEW).run()
    assert not at.exception
    rate = {m.label: m.value for m in at.metric}["整改率"]
    assert "单位已报送、待审核 1 项" in texts(at) and "单位报送待审核（1 项）" in texts(at)
    assert "已印发资产移交办法" in texts(at)
    at.button(key="review_Z05_return").click().run()
    assert any("退回理由" in e.value for e in at.error)  # no reason: refused, nothing changed
    assert store.loop_item(dsj, 1, "Z05").state == "待审核"
    at.text_area(key="review_Z05_text").input("请附印发文件")
    at.button(key="review_Z05_return").click().run()
    assert not at.exception and "整改事项 Z05 已退回单位" in texts(at)
    assert store.loop_item(dsj, 1, "Z05").state == "退回"
    assert {m.label: m.value for m in at.metric}["整改率"] == rate  # a send-back counts nothing
    store.report_progress(dsj, 1, "Z05", "附印发文件")
    at.run()
    at.button(key="review_Z05_accept").click().run()
    assert not at.exception and "整改事项 Z05 已销号，整改率已更新" in texts(at)
    assert {m.label: m.value for m in at.metric}["整改率"] != rate
    assert "单位报送与审核" in texts(at)  # the charts that follow the loop
    charts = {c.proto.id: c for c in at.get("plotly_chart")}
    assert len([k for k in charts if "rect_loop" in k]) == 3
    assert [e.action for e in store.audit_log(actions=["rect_accept", "rect_return"])] == ["rect_accept",
                                                                                         "rect_return"]


def test_a_viewer_sees_the_waiting_count_but_cannot_decide(store):
    store.report_progress(Actor("dsj", "unit", "password"), 1, "Z05", "已印发")
    at = sign_in(start(), "wang")
    at.switch_page(REVIEW).run()
    assert "单位报送待审核（1 项）" in texts(at) and "审核（销号、退回）需要评价人员或管理员权限。" in texts(at)
    assert "review_Z05_accept" not in keys(at, "button")


def test_an_admin_adds_a_unit_account_on_the_page(store):
    store.add_user("chen", "admin", PASSWORD, by=CLI_ADMIN)
    at = sign_in(start(), "chen")
    at.switch_page("pages/6_admin.py").run()
    at.text_input(key="user_add_name").input("sjzx")
    at.selectbox(key="user_add_role").set_value("unit")
    at.text_input(key="user_add_password").input("Sjzx-Mi-Ma-1")
    at.text_input(key="user_add_password2").input("Sjzx-Mi-Ma-1")
    at.text_input(key="user_add_email").input("sjzx@example.cn")
    at.text_area(key="user_add_units").input("长沙市大数据中心")
    at.button(key="FormSubmitter:user_add_form-新增").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    info = store.user("sjzx")
    assert (info.role, info.units, info.email) == ("unit", ("长沙市大数据中心",), "sjzx@example.cn")



def test_the_bureau_sees_deadlines_per_unit_and_gets_a_notice(store):
    import datetime as dt
    at = sign_in(start(), "li")
    at.switch_page(REVIEW).run()
    at.date_input(key="rect_as_of").set_value(dt.date(2024, 12, 1)).run()
    assert not at.exception
    assert "整改期限提醒" in texts(at)
    # 2024-12-01, 14 days: nothing open is due (Z04 and Z10, still open, are due on 2024-12-31)
    assert "没有 14 天内到期或已逾期的未销号整改事项。" in texts(at)
    at.number_input(key="rect_due_days").set_value(30).run()
    assert "没有 30 天内到期" not in texts(at)
    assert {"rect_notice_download"} <= keys(at, "download_button")
    assert at.selectbox(key="rect_notice_unit").options == ["长沙市数据局", "长沙市大数据中心",
                                                            "长沙数智科技集团有限公司"]
