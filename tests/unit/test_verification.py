"""整改 with the units (issue 25): the status rules (who may move an item where), unit accounts' reach in the store
API, the loop 报送 → 退回 → 报送 → 销号 and what it leaves in the item's history, the workbook and the audit log."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

import sample_data
from evalcore import rectification, verification
from evalcore.auth import Actor, PermissionDenied
from evalcore.store import StoreError
from evalcore.verification import ACCEPT, ACCEPTED, OPEN, PENDING, REPORT, RETURN, RETURNED, LoopError

CLI = Actor("测试@命令行", "admin", "cli")
DSJ = Actor("dsj", "unit", "password")  # 长沙市数据局: Z02 Z03 Z05 Z12
ZX = Actor("zx", "unit", "password")  # 长沙市大数据中心
LI = Actor("li", "evaluator", "password")
WANG = Actor("wang", "viewer", "password")
PW = "Mi-Ma-2025-abc"


# --- the rules ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["unit", "evaluator", "admin", "viewer"])
@pytest.mark.parametrize("state", verification.STATES)
@pytest.mark.parametrize("step", [REPORT, ACCEPT, RETURN])
def test_who_may_move_an_item_where(role: str, state: str, step: str) -> None:
    expected = {
        REPORT: role == "unit" and state in (OPEN, RETURNED),
        ACCEPT: role in ("evaluator", "admin") and state == PENDING,
        RETURN: role in ("evaluator", "admin") and state == PENDING,
    }[step]
    assert verification.may(role, state, step) is expected
    if expected:
        assert verification.check_move(role, state, step, "Z01", "理由") == "理由"
    else:
        with pytest.raises(LoopError, match="Z01"):
            verification.check_move(role, state, step, "Z01", "理由")


def test_only_the_bureau_closes_and_a_report_waits_for_review() -> None:
    assert verification.next_state(REPORT) == PENDING
    assert verification.next_state(ACCEPT) == ACCEPTED
    assert verification.next_state(RETURN) == RETURNED
    assert all(step != REPORT for step, (roles, _, to) in verification.MOVES.items() if to == ACCEPTED)
    assert "unit" not in verification.MOVES[ACCEPT][0] and "unit" not in verification.MOVES[RETURN][0]


def test_loop_state_from_status_and_last_step() -> None:
    closed = ("已整改",)
    assert verification.loop_state("整改中", closed, None) == OPEN
    assert verification.loop_state("整改中", closed, REPORT) == PENDING
    assert verification.loop_state("整改中", closed, RETURN) == RETURNED
    assert verification.loop_state("已整改", closed, REPORT) == ACCEPTED  # the bureau closed it on the editor
    assert verification.loop_state("整改中", closed, ACCEPT) == OPEN  # accepted, then reopened by the bureau


def test_a_send_back_needs_a_reason_and_a_report_a_text() -> None:
    with pytest.raises(LoopError, match="退回理由"):
        verification.check_move("evaluator", PENDING, RETURN, "Z01", "  ")
    with pytest.raises(LoopError, match="整改情况说明"):
        verification.check_move("unit", OPEN, REPORT, "Z01", "")
    assert verification.check_move("evaluator", PENDING, ACCEPT, "Z01", "") == ""
    with pytest.raises(LoopError, match="过长"):
        verification.check_move("unit", OPEN, REPORT, "Z01", "字" * (verification.TEXT_MAX + 1))


def test_item_keys() -> None:
    assert verification.parse_key("12:Z03") == (12, "Z03")
    assert verification.parse_key("x:Z03") is None and verification.parse_key("Z03") is None
    assert verification.parse_key(None) is None


# --- the store ------------------------------------------------------------------------------------------------


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def loop_store(store):
    store.ensure_sample(sample_data.WORKBOOK)
    store.add_user("dsj", "unit", PW, by=CLI, units=["长沙市数据局"], email="dsj@example.cn")
    store.add_user("zx", "unit", PW, by=CLI, units=["长沙市大数据中心"])
    return store


def test_a_unit_account_needs_units_and_only_it_has_them(loop_store) -> None:
    with pytest.raises(ValueError, match="至少一个单位"):
        loop_store.add_user("nobody", "unit", PW, by=CLI)
    with pytest.raises(ValueError, match="只有单位填报账户"):
        loop_store.add_user("li2", "evaluator", PW, by=CLI, units=["长沙市数据局"])
    with pytest.raises(ValueError, match="邮箱"):
        loop_store.add_user("bad", "unit", PW, by=CLI, units=["长沙市数据局"], email="not-an-address")
    info = loop_store.user("dsj")
    assert info.role_label == "单位填报" and info.units == ("长沙市数据局",) and info.email == "dsj@example.cn"
    with pytest.raises(PermissionDenied):
        loop_store.add_user("x", "unit", PW, by=DSJ, units=["长沙市数据局"])  # a unit manages nothing


def test_a_unit_sees_only_its_units_items(loop_store) -> None:
    mine = loop_store.loop_items(DSJ)
    assert [i.item_id for i in mine] == ["Z02", "Z03", "Z05", "Z12"]
    assert {i.unit for i in mine} == {"市数据局"}
    theirs = {i.item_id for i in loop_store.loop_items(ZX)}
    assert theirs and not theirs & {i.item_id for i in mine}
    assert len(loop_store.loop_items(LI, 1)) == 19  # the bureau sees every item
    with pytest.raises(PermissionDenied):
        loop_store.loop_item(DSJ, 1, "Z01")  # 市数据中心's item
    with pytest.raises(PermissionDenied):
        loop_store.loop_item(DSJ, 1, "Z99")  # no such item: the same refusal
    assert loop_store.audit_log(actions=["denied"], actor="dsj")


def test_a_password_accounts_units_come_from_the_store_not_the_actor(loop_store) -> None:
    forged = Actor("dsj", "unit", "password", units=("长沙市大数据中心",))
    assert {i.unit for i in loop_store.loop_items(forged)} == {"市数据局"}
    assert loop_store.loop_items(Actor("ghost", "unit", "password", units=("长沙市数据局",))) == []


def test_the_alias_table_reaches_a_renamed_unit(loop_store) -> None:
    from evalcore import catalog
    loop_store.add_user("old", "unit", PW, by=CLI, units=["长沙市数据资源管理局"])
    assert loop_store.loop_items(Actor("old", "unit", "password")) == []
    catalog.set_alias(loop_store, "长沙市数据资源管理局", "长沙市数据局", by=CLI)
    assert [i.item_id for i in loop_store.loop_items(Actor("old", "unit", "password"))] == ["Z02", "Z03", "Z05",
                                                                                            "Z12"]


def test_the_loop_report_send_back_report_accept(loop_store) -> None:
    ev = loop_store.load(loop_store.evaluations()[0].active_version_id)
    before = rectification.rectification_summary(ev, dt.date(2026, 1, 1))
    loop_store.report_progress(DSJ, 1, "Z05", "已明确资产权属", [("权属说明.pdf", pdf()), ("现场.png", png())])
    assert loop_store.loop_item(DSJ, 1, "Z05").state == PENDING
    with pytest.raises(StoreError, match="等待审核"):
        loop_store.report_progress(DSJ, 1, "Z05", "再报一次")
    with pytest.raises(PermissionDenied):
        loop_store.accept(DSJ, 1, "Z05")  # a unit never closes
    with pytest.raises(PermissionDenied):
        loop_store.send_back(WANG, 1, "Z05", "查看者不能退回")
    with pytest.raises(StoreError, match="退回理由"):
        loop_store.send_back(LI, 1, "Z05", "")
    loop_store.send_back(LI, 1, "Z05", "缺少资产移交清单")
    item = loop_store.loop_item(DSJ, 1, "Z05")
    assert item.state == RETURNED and item.bureau_said == "缺少资产移交清单"
    # a send-back does not count as done
    assert loop_store.load(loop_store.evaluations()[0].active_version_id) == ev
    loop_store.report_progress(DSJ, 1, "Z05", "补充资产移交清单", [("清单.pdf", pdf())])
    loop_store.accept(LI, 1, "Z05", "材料齐全", on=dt.date(2026, 1, 1))
    item = loop_store.loop_item(DSJ, 1, "Z05")
    assert item.state == ACCEPTED and item.status == "已整改"
    assert [(s.step, s.actor, [f.file_name for f in s.files]) for s in item.steps] == [
        (REPORT, "dsj", ["权属说明.pdf", "现场.png"]), (RETURN, "li", []), (REPORT, "dsj", ["清单.pdf"]),
        (ACCEPT, "li", [])]
    after_ev = loop_store.load(loop_store.evaluations()[0].active_version_id)
    after = rectification.rectification_summary(after_ev, dt.date(2026, 1, 1))
    assert after.closed == before.closed + 1  # the 整改率 counts what the bureau accepted
    z05 = rectification.find_item(after_ev, "Z05")
    assert z05.history[-1].by == "li" and z05.history[-1].new_status == "已整改"
    assert "清单.pdf" in z05.evidence
    actions = [e.action for e in loop_store.audit_log(evaluation_id=1) if e.action != "denied"]
    assert actions[:4] == ["rect_accept", "rect_report", "rect_return", "rect_report"]
    with pytest.raises(StoreError, match="已销号"):
        loop_store.report_progress(DSJ, 1, "Z05", "又报一次")


def test_evidence_is_stored_with_its_digest_and_read_only_by_who_may(loop_store) -> None:
    import hashlib
    loop_store.report_progress(DSJ, 1, "Z05", "说明", [("权属说明.pdf", pdf())])
    [step] = loop_store.loop_item(DSJ, 1, "Z05").steps
    [f] = step.files
    info, data = loop_store.evidence_file(DSJ, f.id)
    assert data == pdf() and info.sha256 == hashlib.sha256(pdf()).hexdigest() == f.sha256
    assert loop_store.evidence_file(LI, f.id)[1] == data  # the bureau reads it
    with pytest.raises(PermissionDenied):
        loop_store.evidence_file(ZX, f.id)  # another unit does not
    with pytest.raises(PermissionDenied):
        loop_store.evidence_file(ZX, f.id + 100)


def test_changing_an_accounts_units_ends_its_sessions(loop_store) -> None:
    now = dt.datetime.now(dt.UTC)
    assert loop_store.session_actor("dsj", now) is not None
    loop_store.set_units("dsj", ["长沙市大数据中心"], by=CLI)
    assert loop_store.session_actor("dsj", now) is None
    assert {i.unit for i in loop_store.loop_items(DSJ)} == {"市数据中心"}
    assert loop_store.audit_log(actions=["user_units"])


# --- the command line and OIDC -------------------------------------------------------------------------------------


def test_cli_user_add_unit_with_units_and_email(tmp_path, run_cli) -> None:
    from evalcore.store import Store
    db = tmp_path / "accounts.db"
    result = run_cli("user", "add", "dsj", "--role", "unit", "--unit", "长沙市数据局", "--unit", "长沙市大数据中心",
                     "--email", "dsj@example.cn", "--password-stdin", stdin=PW + "\n", db=db)
    assert result.returncode == 0, result.stderr
    missing = run_cli("user", "add", "x", "--role", "unit", "--password-stdin", stdin=PW + "\n", db=db)
    assert missing.returncode == 1 and "至少一个单位" in missing.stderr
    li = run_cli("user", "add", "li", "--role", "evaluator", "--email", "li@example.cn", "--password-stdin",
                 stdin=PW + "\n", db=db)
    assert li.returncode == 0
    listed = run_cli("user", "list", db=db)
    assert "dsj\t单位填报（unit）" in listed.stdout
    assert "长沙市数据局、长沙市大数据中心\tdsj@example.cn" in listed.stdout
    s = Store.sqlite(db)
    try:
        assert s.user("dsj").units == ("长沙市数据局", "长沙市大数据中心") and s.user("li").email == "li@example.cn"
        assert s.audit_log(actions=["user_add"])[-1].after["单位"] == "长沙市数据局、长沙市大数据中心"
    finally:
        s.dispose()


def test_oidc_unit_claim_maps_to_units() -> None:
    from evalcore import auth
    cfg = auth.load_config({"evalboard": {"auth": "oidc", "oidc": {"unit_claim": "evalboard_units",
                                                                   "evaluators": ["li@czj.example.cn"]}},
                            "auth": {"client_id": "x"}}, {})
    roles = cfg.oidc
    claims = {"email": "dsj@unit.example.cn", "evalboard_units": ["长沙市数据局", " 长沙市数据局 ", ""]}
    assert auth.oidc_role(claims, roles) == "unit"
    assert auth.oidc_units(claims, roles) == ("长沙市数据局",)
    assert auth.oidc_role({"email": "dsj@unit.example.cn", "evalboard_units": "长沙市数据局"}, roles) == "unit"
    assert auth.oidc_role({"email": "x@unit.example.cn"}, roles) is None  # no claim: no access
    # a bureau rule wins over the unit claim
    assert auth.oidc_role({"email": "li@czj.example.cn", "evalboard_units": ["长沙市数据局"]}, roles) == "evaluator"
    only_units = auth.load_config({"evalboard": {"auth": "oidc", "oidc": {"unit_claim": "u"}}, "auth": {}}, {})
    assert only_units.oidc.unit_claim == "u"


def test_an_oidc_unit_reaches_the_units_of_its_claim(loop_store) -> None:
    who = Actor("dsj@unit.example.cn", "unit", "oidc", units=("长沙市大数据中心",))
    assert {i.unit for i in loop_store.loop_items(who)} == {"市数据中心"}
    assert loop_store.loop_items(Actor("x@unit.example.cn", "unit", "oidc")) == []
