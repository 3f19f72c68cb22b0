"""Deadlines and reminders (issue 25): which items are due or overdue, per unit and account; ``python -m evalcore
remind`` against a local SMTP server (aiosmtpd), its record in the audit log and its exit code; the 整改通知书."""
from __future__ import annotations

import datetime as dt
import email
import io
import socket

import docx
import pytest
from aiosmtpd.controller import Controller

import sample_data
from evalcore import reminders
from evalcore.auth import SYSTEM_ACTOR, Actor
from evalcore.store import Store
from evalcore.verification import ACCEPTED, OPEN, PENDING, LoopItem

CLI = Actor("测试@命令行", "admin", "cli")
PW = "Mi-Ma-2025-abc"


def item(item_id: str, deadline: dt.date | None, state: str = OPEN, unit_key: str = "长沙市数据局") -> LoopItem:
    return LoopItem(1, "评价", item_id, "任务", "市数据局", unit_key, deadline, "整改中", state)


def test_selection_due_within_n_days_and_overdue() -> None:
    as_of = dt.date(2025, 6, 1)
    items = [item("a", dt.date(2025, 5, 31)), item("b", dt.date(2025, 6, 1)), item("c", dt.date(2025, 6, 15)),
             item("d", dt.date(2025, 6, 16)), item("e", None), item("f", dt.date(2025, 1, 1), ACCEPTED),
             item("g", dt.date(2025, 6, 10), PENDING), item("h", dt.date(2024, 12, 31))]
    due, overdue = reminders.select(items, as_of, 14)
    assert [i.item_id for i in due] == ["b", "g", "c"]  # today and the 14th day count; a waiting item still counts
    assert [i.item_id for i in overdue] == ["h", "a"]  # closed (销号) items and items without a deadline never
    assert reminders.select(items, as_of, 0)[0] == [items[1]]
    with pytest.raises(ValueError):
        reminders.select(items, as_of, -1)


def test_deadline_table_per_unit_and_account() -> None:
    as_of = dt.date(2025, 6, 1)
    items = [item("a", dt.date(2025, 5, 1)), item("b", dt.date(2025, 6, 3)),
             item("c", dt.date(2025, 5, 1), unit_key="长沙市大数据中心")]
    table = reminders.deadline_table(items, as_of, 7, {"长沙市数据局": ["dsj", "dsj2"]})
    assert list(table["kind"]) == ["已逾期", "已逾期", "即将到期"]
    assert list(table["days_left"]) == [-31, -31, 2]
    assert list(table["accounts"]) == ["dsj、dsj2", "（无填报账户）", "dsj、dsj2"]
    summary = reminders.by_unit(table)
    assert summary.to_dict("records")[0] == {"unit": "市数据局", "accounts": "dsj、dsj2", "overdue": 1, "due": 1}


# --- the command, against a local SMTP server ------------------------------------------------------------------


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if address.startswith("bounce@"):
            return "550 5.1.1 没有这个收件人"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("EVALBOARD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("EVALBOARD_SMTP_PORT", str(port))
    monkeypatch.setenv("EVALBOARD_MAIL_FROM", "evalboard@czj.example.cn")
    monkeypatch.delenv("EVALBOARD_SMTP_USER", raising=False)
    monkeypatch.delenv("EVALBOARD_SMTP_STARTTLS", raising=False)
    yield inbox
    controller.stop()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "evalboard.db"
    s = Store.sqlite(path)
    s.ensure_sample(sample_data.WORKBOOK)
    s.add_user("dsj", "unit", PW, by=CLI, units=["长沙市数据局"], email="dsj@example.cn")
    s.add_user("zx", "unit", PW, by=CLI, units=["长沙市大数据中心"], email="zx@example.cn")
    s.add_user("jt", "unit", PW, by=CLI, units=["长沙数智科技集团有限公司"])  # no address: no e-mail
    s.add_user("li", "evaluator", PW, by=CLI, email="li@example.cn")  # not a unit: no reminder
    yield s, path
    s.dispose()


def test_remind_sends_one_message_per_unit_account_and_records_it(db, smtp, run_cli) -> None:
    store, path = db
    # 2025-06-01: 市数据局 has Z05 and Z12 due on 2025-06-30; 市数据中心 has nothing open due before 2027
    result = run_cli("remind", "--as-of", "2025-06-01", "--days", "30", db=path)
    assert result.returncode == 0, result.stderr
    assert len(smtp.messages) == 1
    sender, to, content = smtp.messages[0]
    assert (sender, to) == ("evalboard@czj.example.cn", ["dsj@example.cn"])
    body = email.message_from_bytes(content)
    text = body.get_payload(decode=True).decode(body.get_content_charset())
    assert "Z05" in text and "Z12" in text and "Z01" not in text and "30 天内到期（2 项）" in text
    [entry] = store.audit_log(actions=["remind"])
    assert entry.target == "dsj" and entry.after["结果"] == "已发送" and entry.after["事项"] == ["1:Z05", "1:Z12"]


def test_remind_overdue_and_a_refused_address_exit_1_naming_it(db, smtp, run_cli) -> None:
    store, path = db
    store.set_units("zx", ["长沙市大数据中心"], by=CLI, email="bounce@example.cn")
    result = run_cli("remind", "--as-of", "2027-07-01", db=path)  # Z15, Z19 (市数据中心) overdue, Z05 Z12 too
    assert result.returncode == 1
    assert "发送失败：zx <bounce@example.cn>" in result.stderr and "dsj" not in result.stderr
    assert [m[1] for m in smtp.messages] == [["dsj@example.cn"]]
    results = {e.target: e.after["结果"] for e in store.audit_log(actions=["remind"])}
    assert results["dsj"] == "已发送" and results["zx"] != "已发送"


def test_remind_dry_run_sends_and_records_nothing(db, smtp, run_cli) -> None:
    store, path = db
    result = run_cli("remind", "--dry-run", "--as-of", "2027-07-01", db=path)
    assert result.returncode == 0 and "将发送给 dsj <dsj@example.cn>" in result.stdout and "zx" in result.stdout
    assert smtp.messages == [] and store.audit_log(actions=["remind"]) == []


def test_remind_without_smtp_settings_says_which(db, run_cli, monkeypatch) -> None:
    _, path = db
    monkeypatch.delenv("EVALBOARD_SMTP_HOST", raising=False)
    result = run_cli("remind", "--as-of", "2027-07-01", db=path)
    assert result.returncode == 1 and "EVALBOARD_SMTP_HOST" in result.stderr


def test_accepted_items_are_not_chased(db, smtp, run_cli) -> None:
    store, path = db
    dsj, li = Actor("dsj", "unit", "password"), Actor("li", "evaluator", "password")
    for z in ("Z05", "Z12"):
        store.report_progress(dsj, 1, z, "已完成")
        store.accept(li, 1, z)
    assert run_cli("remind", "--as-of", "2025-06-01", "--days", "30", db=path).returncode == 0
    assert smtp.messages == []


def test_due_by_unit_for_the_portfolio(db) -> None:
    store, _ = db
    table = reminders.due_by_unit(store, dt.date(2027, 7, 1))
    rows = {r["unit"]: r for r in table.to_dict("records")}
    assert rows["市数据局"]["accounts"] == "dsj" and rows["市数据局"]["overdue"] == 2
    assert rows["市数据中心"]["overdue"] == 2 and rows["数智科技集团"]["accounts"] == "jt"
    assert len(store.loop_items(SYSTEM_ACTOR)) == 19


# --- the 整改通知书 -----------------------------------------------------------------------------------------------


def test_notice_docx_from_the_command_line(db, run_cli, tmp_path) -> None:
    _, path = db
    out = tmp_path / "通知书.docx"
    result = run_cli("notice", "1", "--unit", "市数据局", "--out", str(out), "--as-of", "2025-06-01", db=path)
    assert result.returncode == 0, result.stderr
    d = docx.Document(io.BytesIO(out.read_bytes()))
    paragraphs = [p.text for p in d.paragraphs]
    assert paragraphs[0] == "整改通知书" and "〔" in paragraphs[1] and paragraphs[2] == "长沙市数据局："
    rows = [[c.text for c in r.cells] for r in d.tables[0].rows]
    assert rows[0] == ["序号", "存在的问题", "整改事项", "整改期限", "当前状态"]
    assert [r[3] for r in rows[1:]] == ["2024-12-31", "2024-09-30", "2025-06-30", "2025-06-30"]
    assert rows[3][4] == "整改中（待整改）"
    assert "（财政部门名称并盖章）" in paragraphs and "2025-06-30 前完成" in "".join(paragraphs)
    bad = run_cli("notice", "1", "--unit", "不存在的单位", "--out", str(out), db=path)
    assert bad.returncode == 1 and "长沙市数据局" in bad.stderr
