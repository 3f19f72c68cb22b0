"""结果应用 and 自评偏差 through the pages (AppTest, issue 26): the admin's rules editor on 管理 (signed in, password
mode), the 评价总览's 结果应用 section following the rules, the unit page's consequence and decision form, and the
自评偏差 of the illustrative sample pair."""
from decimal import Decimal as D

import pytest
from apptest_support import ROOT, texts
from streamlit.testing.v1 import AppTest

import sample_data
from evalcore import application_store as appstore
from evalcore.catalog import ensure_samples
from evalcore.store import Store
from tests.accounts import CLI_ADMIN, PASSWORD, password_store

PORTFOLIO, ADMIN, UNIT = "pages/7_portfolio.py", "pages/6_admin.py", "pages/8_unit.py"


@pytest.fixture
def store(tmp_path, monkeypatch):
    s = password_store(tmp_path, monkeypatch, {"wang": "viewer", "li": "evaluator", "chen": "admin"})
    yield s
    s.dispose()


def signed_in(name: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.text_input(key="_sign_in_name").input(name)
    at.text_input(key="_sign_in_password").input(PASSWORD)
    at.button(key="FormSubmitter:sign_in_form-登录").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# AppTest does not expose a table's key: each table is told by a column only it has
MARKS = {"rules_table": ("来源",), "rules_history": ("设定人", "状态"), "pf_application_totals": ("测算单位",),
         "pf_application_ledger": ("决定与建议之差",), "pf_self_review": ("得分偏差",),
         "unit_self_review": ("得分偏差",), "unit_application_history": ("记录人",)}


def frame(at: AppTest, key: str):
    found = [d.value for d in at.dataframe if all(c in d.value.columns for c in MARKS[key])]
    assert len(found) == 1, f"table {key}: {len(found)} found"
    return found[0]


def test_an_admin_changes_a_rule_and_the_portfolio_follows(store):
    at = signed_in("chen")
    ok(at.switch_page(PORTFOLIO).run())
    m = metrics(at)
    assert m["据评价结果调减（万元）"] == "0.00" and m["建议预算（万元）"] == "14,331.38"

    ok(at.switch_page(ADMIN).run())
    rules = frame(at, "rules_table")
    assert len(rules) == 20 and set(rules["来源"]) == {"默认"}
    at.selectbox(key="rule_grade").set_value("良").run()
    at.selectbox(key="rule_action").set_value("cut")
    at.text_input(key="rule_percent").input("abc")
    at.button(key="FormSubmitter:rule_form-保存规则").click().run()
    assert any("不是数值" in e.value for e in at.error)  # a clear message, nothing saved
    assert appstore.rule_history(store) == []
    at.selectbox(key="rule_action").set_value("cut")
    at.text_input(key="rule_percent").input("37.5")
    at.text_input(key="rule_note").input("本局 2025 年规定")
    at.button(key="FormSubmitter:rule_form-保存规则").click().run()
    ok(at)
    assert "已保存规则：重点项目 · 良" in texts(at)
    rule = appstore.rules(store).rule("重点项目", "良")
    assert (rule.label, rule.note, rule.set_by) == ("调减 37.5%", "本局 2025 年规定", "chen")
    entry = store.audit_log(actions=["rule_set"])[0]
    assert entry.actor == "chen" and entry.after["处理"] == "调减 37.5%"
    history = frame(at, "rules_history")
    assert list(history["处理"]) == ["调减 37.5%"] and list(history["设定人"]) == ["chen"]

    ok(at.switch_page(PORTFOLIO).run())
    m = metrics(at)
    assert m["据评价结果调减（万元）"] == "5,374.27" and m["建议预算（万元）"] == "8,957.11"
    totals = frame(at, "pf_application_totals")
    assert list(totals["调减（万元）"]) == ["5,374.27"]
    ledger = frame(at, "pf_application_ledger")
    assert list(ledger["建议调整"]) == ["-1,275.02", "-4,099.25"] and list(ledger["决定"]) == ["未记录"] * 2

    ok(at.switch_page("pages/4_present.py").run())  # the 演示's 结果应用 slide follows the bureau's rule too
    seen = ""
    for _ in range(15):
        html = "\n".join(e.proto.body for e in at.get("html"))
        if "结果应用：下年度预算建议" in html:
            seen = html
            break
        ok(at.button(key="slide_next").click().run())
    assert "财政部门设定的结果应用规则" in seen and "5,374.27" in seen and "默认规则" not in seen

    ok(at.switch_page(ADMIN).run())
    at.selectbox(key="rule_grade").set_value("良").run()
    at.button(key="rule_reset").click().run()
    ok(at)
    assert appstore.rules(store).rule("重点项目", "良").is_default


def test_an_evaluator_records_a_decision_on_the_unit_page_and_a_viewer_cannot(store):
    viewer = signed_in("wang", eval="1", unit="市数据局")
    ok(viewer.switch_page(UNIT).run())
    shown = texts(viewer)
    assert "等次 良（报告所列） → 保持" in shown and "结果应用记录" in shown
    assert metrics(viewer)["建议下年度预算"] == "3,400.06 万元"
    assert not [r for r in viewer.radio if r.key == "decision_status"]  # no decision form for a viewer

    at = signed_in("li", eval="1", unit="市数据局")
    ok(at.switch_page(UNIT).run())
    at.radio(key="decision_status").set_value("changed")
    at.text_input(key="decision_amount").input("3000")
    at.button(key="FormSubmitter:decision_form-记录决定").click().run()
    assert any("理由" in e.value for e in at.error)
    at.radio(key="decision_status").set_value("changed")
    at.text_input(key="decision_amount").input("3000")
    at.text_input(key="decision_reason").input("压减非急需运维支出")
    at.button(key="FormSubmitter:decision_form-记录决定").click().run()
    ok(at)
    [d] = appstore.decisions(store, evaluation_id=1)
    assert (d.unit, d.status, d.decided, d.suggested, d.by) == ("市数据局", "changed", D("3000.00"), D("3400.06"), "li")
    assert "已记录的决定：调整后决定" in texts(at)
    history = frame(at, "unit_application_history")
    assert list(history["决定预算"]) == ["3,000.00"] and list(history["建议预算"]) == ["3,400.06"]

    # a rule changed afterwards: the suggestion follows it, the decision keeps the rule it was made under
    appstore.set_rule(store, "重点项目", "良", "cut", "10", by=CLI_ADMIN)
    ok(at.run())
    assert metrics(at)["建议下年度预算"] == "3,060.05 万元"  # 3400.06 - 340.01 (340.006 half-up)
    assert list(frame(at, "unit_application_history")["决定时规则"]) == ["保持"]


@pytest.fixture
def pair(tmp_path, monkeypatch):
    db = tmp_path / "pair.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(db))
    s = Store(f"sqlite:///{db}")
    ensure_samples(s, sample_data.FIRST_RUN)
    version = s.publish(sample_data.SELF_REVIEW_SAMPLE.read_bytes(), file_name="self.xlsx", by=CLI_ADMIN)
    yield s, version.evaluation_id
    s.dispose()


def test_self_review_on_the_portfolio_and_the_unit_page_labelled_illustrative(pair):
    store, self_id = pair
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    ok(at)  # many evaluations: the portfolio is the landing page
    table = frame(at, "pf_self_review")
    assert list(table["单位"]) == ["（示例）南县财政局"]
    assert (table["自评得分"][0], table["评价得分"][0], table["得分偏差"][0]) == ("98.20", "94.50", "+3.70")
    assert "示例数据" in texts(at)
    # the reviewed 自评 is not counted twice: 14331.38 + 3200.00 (示例数据), not + 3200.00 again
    assert metrics(at)["建议预算（万元）"] == "17,531.38"
    assert "自评不重复计入" in texts(at)
    assert ("按年度：2022 年调减 0.00 万元、建议预算 3,200.00 万元；"
            "2023 年调减 0.00 万元、建议预算 14,331.38 万元") in texts(at)

    unit = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    unit.query_params["eval"] = str(self_id)
    unit.query_params["unit"] = "南县财政局"
    unit.run()
    ok(unit.switch_page(UNIT).run())
    assert list(frame(unit, "unit_self_review")["单位"]) == ["（示例）南县财政局"]
    assert "等次 优（报告所列） → 保持" in texts(unit)
    assert "本自评不重复计入" in texts(unit)
