"""The command-line side of 整改 with the units (issue 25): ``remind`` and ``notice``, registered by
:func:`add_commands` from :mod:`evalcore.cli`.

    python -m evalcore remind [--dry-run] [--days N] [--as-of YYYY-MM-DD]
        one e-mail per unit account with due (within N days, default 14) or overdue items; SMTP from
        EVALBOARD_SMTP_HOST, _PORT, _USER, _PASSWORD, _STARTTLS and EVALBOARD_MAIL_FROM; exit 0 when every message
        was sent (or none was due), 1 when any failed (each named on standard error); each message is recorded in
        the audit log (action 发送整改提醒)
    python -m evalcore notice EVALUATION_ID --unit UNIT --out FILE.docx [--as-of YYYY-MM-DD]
        the 整改通知书 of one unit (its 简称 or 全称) of a stored evaluation, as .docx
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from . import clock
from .cli_common import cli_actor, store_or_none
from .store import StoreError


def _as_of(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else clock.today()
    except ValueError:
        print(f"--as-of 应为日期，格式 YYYY-MM-DD（例如 2025-06-30），现为“{text}”", file=sys.stderr)
        return None




def _remind(args: argparse.Namespace) -> int:
    from . import reminders  # loaded by this command only (see tests/unit/test_layers.py)
    as_of = _as_of(args.as_of)
    if as_of is None:
        return 1
    if args.days < 0:
        print("--days 不能为负数", file=sys.stderr)
        return 1
    store = store_or_none()
    if store is None:
        return 1
    try:
        return reminders.run(store, as_of=as_of, days=args.days, dry_run=args.dry_run, environ=os.environ,
                             by=cli_actor(), out=sys.stdout, err=sys.stderr)
    finally:
        store.dispose()


def _notice(args: argparse.Namespace) -> int:
    from .notice import find_unit, notice_docx  # loaded by this command only (see tests/unit/test_layers.py)
    as_of = _as_of(args.as_of)
    if as_of is None:
        return 1
    store = store_or_none()
    if store is None:
        return 1
    try:
        info = store.evaluation(args.evaluation_id)
        ev = store.load(info.active_version_id)
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        store.dispose()
    unit = find_unit(ev, args.unit)
    if unit is None:
        names = "、".join(u.name or u.key for u in ev.units)
        print(f"评价“{info.label}”中没有单位“{args.unit}”；现有单位：{names}", file=sys.stderr)
        return 1
    out = Path(args.out)
    try:
        out.write_bytes(notice_docx(ev, unit, as_of=as_of))
    except OSError as exc:
        print(f"无法写入 {out}：{exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"已生成“{unit.name or unit.key}”的整改通知书：{out}")
    return 0


def add_commands(sub) -> None:
    rm = sub.add_parser("remind", help="给单位填报账户发送整改提醒邮件（即将到期和已逾期的整改事项）")
    rm.add_argument("--dry-run", action="store_true", help="只列出将发送的提醒，不发送、不记录")
    rm.add_argument("--days", type=int, default=14, help="提醒多少天内到期的事项（默认 14）")
    rm.add_argument("--as-of", help="按此日期计算到期和逾期（YYYY-MM-DD，默认今天，北京时间）")
    rm.set_defaults(func=_remind)
    nt = sub.add_parser("notice", help="生成一个单位的整改通知书（.docx）")
    nt.add_argument("evaluation_id", type=int, help="评价编号（python -m evalcore list）")
    nt.add_argument("--unit", required=True, help="单位简称或全称")
    nt.add_argument("--out", required=True, help="输出文件（.docx）")
    nt.add_argument("--as-of", help="状态截至日期（YYYY-MM-DD，默认今天）")
    nt.set_defaults(func=_notice)
