"""Deadlines and reminders of 整改 items (issue 25): which items are due within N days or overdue, per unit and per
responsible person (the unit accounts bound to the unit), and the reminder e-mails.

- :func:`select` (pure): the due and the overdue items among some items, as of a date;
- :func:`deadline_table` (pure): one row per due or overdue item, with its unit and the accounts answering for it;
  :func:`by_unit` sums it per unit (the portfolio calls :func:`due_by_unit` with a store);
- :func:`plan` (a store): one :class:`Reminder` per unit account with an e-mail address and due or overdue items;
- :func:`message` (pure): the e-mail of a reminder; :func:`send` delivers a plan through SMTP
  (:class:`SmtpSettings` from the environment: ``EVALBOARD_SMTP_HOST``, ``_PORT``, ``_USER``, ``_PASSWORD``,
  ``_STARTTLS``, ``EVALBOARD_MAIL_FROM``; no secret in the repository) and returns what was sent and what failed.

``python -m evalcore remind`` (:mod:`evalcore.cli`) runs :func:`run` and records each message in the audit log.
"""
from __future__ import annotations

import datetime as dt
import smtplib
import ssl
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING, TextIO

import pandas as pd

from .auth import SYSTEM_ACTOR, Actor
from .verification import ACCEPTED, LoopItem

if TYPE_CHECKING:
    from .store import Store

DEFAULT_DAYS = 14
DUE, OVERDUE = "即将到期", "已逾期"
COLUMNS = ["evaluation", "item_id", "task", "unit", "deadline", "days_left", "kind", "state", "accounts"]


def select(items: Iterable[LoopItem], as_of: dt.date, days: int = DEFAULT_DAYS) -> tuple[list[LoopItem],
                                                                                         list[LoopItem]]:
    """(due, overdue): items not yet closed (销号) with a deadline within ``days`` days from ``as_of`` (inclusive),
    and those whose deadline has passed; each sorted by deadline. Items without a deadline are in neither."""
    if days < 0:
        raise ValueError("天数不能为负数")
    due: list[LoopItem] = []
    overdue: list[LoopItem] = []
    for it in items:
        if it.state == ACCEPTED or it.deadline is None:
            continue
        if it.deadline < as_of:
            overdue.append(it)
        elif it.deadline <= as_of + dt.timedelta(days=days):
            due.append(it)
    key = lambda i: (i.deadline, i.evaluation_id, i.item_id)  # noqa: E731
    return sorted(due, key=key), sorted(overdue, key=key)


def deadline_table(items: Iterable[LoopItem], as_of: dt.date, days: int,
                   accounts: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """One row per due or overdue item: evaluation, item_id, task, unit, deadline, days_left (negative: overdue),
    kind (即将到期 / 已逾期), state, accounts (the unit accounts whose units include the item's unit, by unit key)."""
    due, overdue = select(items, as_of, days)
    accounts = accounts or {}
    rows = [{"evaluation": i.evaluation, "item_id": i.item_id, "task": i.task, "unit": i.unit,
             "deadline": i.deadline, "days_left": i.days_left(as_of), "kind": kind, "state": i.state,
             "accounts": "、".join(accounts.get(i.unit_key, ())) or "（无填报账户）"}
            for kind, group in ((OVERDUE, overdue), (DUE, due)) for i in group]
    return pd.DataFrame(rows, columns=COLUMNS)


def by_unit(table: pd.DataFrame) -> pd.DataFrame:
    """unit, accounts, overdue, due: the deadline table summed per unit (most overdue first)."""
    if table.empty:
        return pd.DataFrame(columns=["unit", "accounts", "overdue", "due"])
    g = table.groupby(["unit", "accounts"]).agg(overdue=("kind", lambda k: int((k == OVERDUE).sum())),
                                                due=("kind", lambda k: int((k == DUE).sum()))).reset_index()
    return g.sort_values(["overdue", "due", "unit"], ascending=[False, False, True], kind="stable") \
        .reset_index(drop=True)


def account_map(store: Store) -> dict[str, list[str]]:
    """unit key -> the names of the unit accounts bound to it (through the alias table)."""
    out: dict[str, list[str]] = {}
    for u in store.users():
        if u.role != "unit":
            continue
        for key in store.actor_unit_keys(Actor(u.name, "unit", "cli")) or ():
            out.setdefault(key, []).append(u.name)
    return out


def due_by_unit(store: Store, as_of: dt.date, days: int = DEFAULT_DAYS,
                evaluation_id: int | None = None) -> pd.DataFrame:
    """For the portfolio and 建议与整改: due and overdue items per unit and responsible account, across the
    evaluations in use (or one). Read as the system (the bureau's view)."""
    items = store.loop_items(SYSTEM_ACTOR, evaluation_id)
    return by_unit(deadline_table(items, as_of, days, account_map(store)))


# --- the e-mails -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    account: str
    email: str
    units: tuple[str, ...]
    due: tuple[LoopItem, ...]
    overdue: tuple[LoopItem, ...]


def plan(store: Store, as_of: dt.date, days: int = DEFAULT_DAYS) -> list[Reminder]:
    """One reminder per unit account with an e-mail address and at least one due or overdue item of its units."""
    out = []
    for u in store.users():
        if u.role != "unit" or not u.email:
            continue
        items = store.loop_items(Actor(u.name, "unit", "cli"))
        due, overdue = select(items, as_of, days)
        if due or overdue:
            out.append(Reminder(u.name, u.email, u.units, tuple(due), tuple(overdue)))
    return out


def _line(i: LoopItem, as_of: dt.date) -> str:
    left = i.days_left(as_of) or 0
    when = f"已逾期 {-left} 天" if left < 0 else ("今天到期" if left == 0 else f"还有 {left} 天")
    deadline = i.deadline.isoformat() if i.deadline else ""
    return f"  · {i.item_id}　{i.task}（{i.unit}；整改期限 {deadline}，{when}；{i.state}）\n    {i.evaluation}"


def message(r: Reminder, as_of: dt.date, days: int, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = f"整改提醒：逾期 {len(r.overdue)} 项，{days} 天内到期 {len(r.due)} 项（{as_of.isoformat()}）"
    msg["From"] = sender
    msg["To"] = r.email
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] if "@" in sender else None)
    parts = [f"{r.account}：", "",
             f"截至 {as_of.isoformat()}，{'、'.join(r.units)}有以下整改事项需要办理。"
             "请登录 EvalBoard 绩效评价看板，在“我的整改”页报送整改情况并上传佐证材料。", ""]
    if r.overdue:
        parts += [f"已逾期（{len(r.overdue)} 项）："] + [_line(i, as_of) for i in r.overdue] + [""]
    if r.due:
        parts += [f"{days} 天内到期（{len(r.due)} 项）："] + [_line(i, as_of) for i in r.due] + [""]
    parts += ["此邮件由系统自动发送，请勿直接回复。"]
    msg.set_content("\n".join(parts))
    return msg


class MailConfigError(ValueError):
    """A missing or wrong SMTP setting; the message names it."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str = ""
    password: str = field(default="", repr=False)
    starttls: bool = False
    sender: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> SmtpSettings:
        host = (environ.get("EVALBOARD_SMTP_HOST") or "").strip()
        sender = (environ.get("EVALBOARD_MAIL_FROM") or "").strip()
        if not host:
            raise MailConfigError("未设置邮件服务器：请设置环境变量 EVALBOARD_SMTP_HOST（及 EVALBOARD_SMTP_PORT 等）")
        if not sender:
            raise MailConfigError("未设置发件人：请设置环境变量 EVALBOARD_MAIL_FROM（例如 evalboard@czj.example.cn）")
        starttls = (environ.get("EVALBOARD_SMTP_STARTTLS") or "").strip().lower() in ("1", "true", "yes", "on")
        raw_port = (environ.get("EVALBOARD_SMTP_PORT") or "").strip()
        try:
            port = int(raw_port) if raw_port else (587 if starttls else 25)
        except ValueError:
            raise MailConfigError(f"EVALBOARD_SMTP_PORT 应为端口号，现为“{raw_port}”") from None
        if not 0 < port < 65536:
            raise MailConfigError(f"EVALBOARD_SMTP_PORT 应为 1–65535，现为 {port}")
        return cls(host, port, (environ.get("EVALBOARD_SMTP_USER") or "").strip(),
                   environ.get("EVALBOARD_SMTP_PASSWORD") or "", starttls, sender)


@dataclass(frozen=True)
class Outcome:
    reminder: Reminder
    error: str = ""  # "" when sent

    @property
    def sent(self) -> bool:
        return not self.error


def send(reminders: Sequence[Reminder], settings: SmtpSettings, as_of: dt.date, days: int) -> list[Outcome]:
    """Send each reminder over one SMTP connection; a refused message does not stop the others."""
    if not reminders:
        return []
    out: list[Outcome] = []
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=30)
    except (OSError, smtplib.SMTPException) as exc:
        return [Outcome(r, f"无法连接邮件服务器 {settings.host}:{settings.port}（{exc}）") for r in reminders]
    try:
        smtp.ehlo()
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings.user:
            smtp.login(settings.user, settings.password)
    except (OSError, smtplib.SMTPException) as exc:
        smtp.close()
        return [Outcome(r, f"邮件服务器拒绝连接或登录（{type(exc).__name__}：{exc}）") for r in reminders]
    try:
        for r in reminders:
            try:
                refused = smtp.send_message(message(r, as_of, days, settings.sender))
                out.append(Outcome(r, f"收件人被拒收：{refused}" if refused else ""))
            except (OSError, smtplib.SMTPException) as exc:
                out.append(Outcome(r, f"{type(exc).__name__}：{exc}"))
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return out


def run(store: Store, *, as_of: dt.date, days: int, dry_run: bool, environ: Mapping[str, str], by: Actor,
        out: TextIO, err: TextIO) -> int:
    """``python -m evalcore remind``: 0 when every reminder was sent (or nothing was due), 1 when any failed
    (each named on ``err``) or the SMTP settings are wrong. Each sent or failed message is an audit entry."""
    reminders = plan(store, as_of, days)
    if dry_run:
        for r in reminders:
            print(f"[演练] 将发送给 {r.account} <{r.email}>：逾期 {len(r.overdue)} 项，{days} 天内到期 {len(r.due)} 项",
                  file=out)
        print(f"[演练] 共 {len(reminders)} 封提醒，未发送任何邮件", file=out)
        return 0
    if not reminders:
        print(f"截至 {as_of.isoformat()} 没有需要提醒的整改事项（{days} 天内到期或已逾期）", file=out)
        return 0
    try:
        settings = SmtpSettings.from_env(environ)
    except MailConfigError as exc:
        print(str(exc), file=err)
        return 1
    outcomes = send(reminders, settings, as_of, days)
    for o in outcomes:
        r = o.reminder
        items = [f"{i.evaluation_id}:{i.item_id}" for i in (*r.overdue, *r.due)]
        store.record(by, "remind", f"整改提醒{'已发送' if o.sent else '发送失败'}：{r.account} <{r.email}>",
                     target=r.account, after={"收件人": r.email, "逾期": len(r.overdue), "即将到期": len(r.due),
                                              "事项": items, "截至": as_of.isoformat(), "结果": o.error or "已发送"})
        if o.sent:
            print(f"已发送：{r.account} <{r.email}>（逾期 {len(r.overdue)} 项，即将到期 {len(r.due)} 项）", file=out)
        else:
            print(f"发送失败：{r.account} <{r.email}>：{o.error}", file=err)
    failed = [o for o in outcomes if not o.sent]
    print(f"共 {len(outcomes)} 封，成功 {len(outcomes) - len(failed)} 封，失败 {len(failed)} 封", file=out)
    return 1 if failed else 0
