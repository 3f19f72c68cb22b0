"""Command line (a stable contract; documented in docs/cli.md, which tests/unit/test_docs.py keeps complete):

    python -m evalcore template OUT.xlsx                                   blank workbook with instructions
    python -m evalcore validate FILE.xlsx [--json]                         exit 0 valid, 1 invalid
    python -m evalcore summary FILE.xlsx --json                            per unit and totals (2-decimal strings)
    python -m evalcore parse-report REPORT.(md|txt|docx|pdf|html) --out FILE.xlsx [--json]
                             a published report into a workbook; --json prints every figure taken with its source
                             (line, sentence or cell) and the figures not found; exit 1 when nothing is found
    python -m evalcore export FILE.xlsx --format xlsx|pptx|html|md|docx --out OUT

The store the dashboard uses, across evaluations:

    python -m evalcore list [--json]                                       every evaluation of the store
    python -m evalcore publish FILE.xlsx [--note TEXT]                     validate, publish a new version
    python -m evalcore import PATH... [--note TEXT]                        files and folders (.xlsx .md .txt .docx
                                                                           .pdf .html),
                                                                           one line per file; exit 0 all published
                                                                           or duplicates, 1 otherwise (a report text
                                                                           with uncertain figures waits for review:
                                                                           待复核), 130 interrupted
    python -m evalcore rollback EVALUATION_ID VERSION [--note TEXT]        第 VERSION 版 current again (a new
                                                                           version, audited); exit 1 if unknown
    python -m evalcore apply-results [EVALUATION_ID] [--json]              结果应用: suggested budgets from grades

Accounts and the audit log, in the store the dashboard uses (EVALBOARD_DATABASE_URL, EVALBOARD_DB_PATH, else
.evalboard/evalboard.db in the checkout, from whatever folder: Store.from_env). Every command that opens the store
prints which on standard error (standard output, e.g. --json, stays clean):

    python -m evalcore user add NAME --role viewer|evaluator|admin|unit [--unit UNIT ...] [--email ADDR]
                                    [--password-stdin]
    python -m evalcore user passwd NAME [--password-stdin]
    python -m evalcore user role NAME --role viewer|evaluator|admin
    python -m evalcore user remove NAME
    python -m evalcore user unlock NAME                                    lift the account's sign-in locks
    python -m evalcore user list
    python -m evalcore audit [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--actor NAME] [--action KIND]
                             [--format csv|json] [--out FILE]

整改 with the units (evalcore/loop_cli.py):

    python -m evalcore remind [--dry-run] [--days N] [--as-of YYYY-MM-DD]    e-mail each unit account its due and
                                                                           overdue items; exit 1 if any failed
    python -m evalcore notice EVALUATION_ID --unit UNIT --out FILE.docx      a unit's 整改通知书

Backup and restore of that whole store (evalcore/backup.py; the file is a checked, portable SQLite file, 0600):

    python -m evalcore backup OUT
    python -m evalcore restore IN [--force] [--trust]
        refuses a store that holds data unless --force, and a backup this store did not sign unless --trust
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import sys
from contextlib import nullcontext
from pathlib import Path

from . import clock, gcpause, loop_cli
from .application_cli import register as register_apply_results
from .auth import ROLE_LABELS, PermissionDenied
from .backup import backup, restore
from .catalog import listing
from .cli_common import cli_actor, store_or_none
from .export import EXPORT_FORMATS, export_bytes
from .model import Evaluation
from .numbers import fmt2
from .rollback import rollback_to
from .store import PublishError, StoreError
from .summary import grade_text, summarize
from .upgrade_cli import register as register_upgrade
from .workbook import read_workbook, workbook_bytes


def _validate(args: argparse.Namespace) -> int:
    result = read_workbook(args.file)
    if args.json:
        print(json.dumps({
            "file": args.file,
            "valid": result.ok,
            "errors": [m.as_dict() for m in result.errors],
            "warnings": [m.as_dict() for m in result.warnings],
        }, ensure_ascii=False, indent=2))
    else:
        for m in result.errors:
            print(f"错误  {m}")
        for m in result.warnings:
            print(f"警告  {m}")
        verdict = "通过校验" if result.ok else "未通过校验"
        print(f"{args.file}：{verdict}（{len(result.errors)} 个错误，{len(result.warnings)} 个警告）")
    return 0 if result.ok else 1


def _evaluation_and_date(args: argparse.Namespace, verb: str) -> tuple[Evaluation, dt.date] | None:
    """The valid evaluation of ``args.file`` and the ``--as-of`` date; None after saying in Chinese what is wrong."""
    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else clock.today()
    except ValueError:
        print(f"--as-of 应为日期，格式 YYYY-MM-DD（例如 2024-06-30），现为“{args.as_of}”", file=sys.stderr)
        return None
    result = read_workbook(args.file)
    if not result.ok:
        for m in result.errors:
            print(f"错误  {m}", file=sys.stderr)
        print(f"{args.file}：未通过校验，无法{verb}", file=sys.stderr)
        return None
    assert result.evaluation is not None  # a valid workbook always has its evaluation
    return result.evaluation, as_of


def _summary(args: argparse.Namespace) -> int:
    found = _evaluation_and_date(args, "汇总")
    if found is None:
        return 1
    data = summarize(*found)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(data["title"])
        for u in data["units"]:
            money = (f"预算 {u['budget']} 万元, 执行 {u['executed']} 万元, 执行率 {u['execution_rate']}%"
                     if u["execution_rate"] else u["rate_note"] or "")
            score = f", 得分 {u['score']} {grade_text(u)}" if u["score"] else ""
            print(f"  {u['unit']}: {money}{score}")
        t = data["totals"]
        rate = (f"执行率 {t['execution_rate']}%" if t["execution_rate"]
                else data.get("totals_note") or "执行率无法计算")
        print(f"  合计: 预算 {t['budget'] or '—'} 万元, 执行 {t['executed'] or '—'} 万元, {rate}")
        print(f"  问题 {data['problems']['items']} 项，建议 {data['recommendations']['items']} 条")
    return 0


def _private_file(path: str):
    """Every file the command line writes (exports, the audit log, templates) is its owner's alone (0600): an
    export holds the evaluations, the audit log names, addresses and account changes."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its mode on O_CREAT: tighten it
    return os.fdopen(fd, "wb")


def _write(path: str, data: bytes) -> None:
    with _private_file(path) as out:
        out.write(data)


def _template(args: argparse.Namespace) -> int:
    from .template import template_bytes  # loaded by this command only (see tests/unit/test_layers.py)
    _write(args.out, template_bytes())
    print(f"已生成模板：{args.out}")
    return 0


def _parse_report(args: argparse.Namespace) -> int:
    from .reporttext import (  # loaded by this command only (see tests/unit/test_layers.py)
        found_nothing,
        parse_report_file,
        provenance,
    )

    path = Path(args.report)
    if not path.is_file():
        print(f"找不到报告文件：{args.report}", file=sys.stderr)
        return 1
    try:
        result = parse_report_file(path, path.name)
    except ValueError as exc:  # an unreadable document: a Chinese message, never a traceback
        print(f"无法解析 {args.report}：{exc}", file=sys.stderr)
        return 1
    ev = result.evaluation
    empty = found_nothing(result)
    if args.json:
        print(json.dumps(provenance(result), ensure_ascii=False, indent=2))
    if empty:
        print(f"{args.report} 中没有找到任何单位、金额、得分、等次或问题建议，未写入 {args.out}。"
              "请确认这是绩效评价报告的正文", file=sys.stderr)
        return 1
    _write(args.out, workbook_bytes(ev))
    if args.json:
        return 0
    for note in result.notes:
        print(f"说明  {note}")
    for w in result.warnings:
        print(f"警告  第{w['line']}行：{w['message']}（原文：{w['text'][:60]}）")
    for u in result.unplaced:
        print(f"未归类  第{u.line_no}行：{u.text[:60]}（{u.reason}）")
    print(f"已写入 {args.out}：{len(ev.units)} 个单位，{len(ev.budget_lines)} 条预算，"
          f"{len(ev.problems)} 个问题，{len(ev.recommendations)} 条建议，{len(result.unplaced)} 行未归类")
    return 0


def _export(args: argparse.Namespace) -> int:
    found = _evaluation_and_date(args, "导出")
    if found is None:
        return 1
    ev, as_of = found
    _write(args.out, export_bytes(ev, args.format, as_of))
    print(f"已导出 {args.format}：{args.out}")
    return 0


def _read_password(args: argparse.Namespace) -> str | None:
    """The new password: one line from standard input with --password-stdin, else typed twice at a prompt."""
    import getpass
    if args.password_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    if not sys.stdin.isatty():
        print("标准输入不是终端：请用 --password-stdin 从标准输入提供密码", file=sys.stderr)
        return None
    first = getpass.getpass("新密码：")
    if getpass.getpass("再输入一次：") != first:
        print("两次输入的密码不一致", file=sys.stderr)
        return None
    return first


def _user(args: argparse.Namespace) -> int:
    store = store_or_none()
    if store is None:
        return 1
    actor = cli_actor()
    try:
        if args.action == "list":
            users = store.users()
            for u in users:
                extra = "".join(f"\t{x}" for x in ("、".join(u.units), u.email) if x)  # issue 25
                print(f"{u.name}\t{ROLE_LABELS[u.role]}（{u.role}）\t创建于 {u.created_at:%Y-%m-%d %H:%M} UTC{extra}")
            print(f"共 {len(users)} 个账户（数据库：{store.url}）")
            return 0
        if args.action in ("add", "passwd"):
            password = _read_password(args)
            if password is None:
                return 1
            if args.action == "add":
                store.add_user(args.name, args.role, password, by=actor, email=args.email or "",
                               units=args.unit or [])
                print(f"已新增账户“{args.name.strip()}”，角色：{ROLE_LABELS[args.role]}（数据库：{store.url}）")
            else:
                store.set_password(args.name, password, by=actor)
                print(f"已修改“{args.name.strip()}”的密码；该账户已登录的会话将失效")
        elif args.action == "role":
            store.set_role(args.name, args.role, by=actor)
            print(f"已把“{args.name.strip()}”的角色改为：{ROLE_LABELS[args.role]}；该账户已登录的会话将失效")
        elif args.action == "unlock":
            store.unlock(args.name, by=actor)
            print(f"已解除账户“{args.name.strip()}”的登录锁定（所有地址）")
        else:
            store.remove_user(args.name, by=actor)
            print(f"已删除账户“{args.name.strip()}”")
        return 0
    except (ValueError, StoreError, PermissionDenied) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        store.dispose()


def _audit(args: argparse.Namespace) -> int:
    from .audit import (  # loaded by this command only (see tests/unit/test_layers.py)
        AUDIT_ACTIONS,
        day_range,
        write_audit,
    )
    try:
        since, until = day_range(args.since, args.until)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if args.action and args.action not in AUDIT_ACTIONS:
        print(f"--action 应为 {'、'.join(AUDIT_ACTIONS)} 之一", file=sys.stderr)
        return 1
    if args.format == "xlsx" and not args.out:
        print("--format xlsx 须与 --out 文件.xlsx 同用（Excel 文件不能输出到屏幕）", file=sys.stderr)
        return 1
    store = store_or_none()
    if store is None:
        return 1
    # streamed: entries are read from the store a batch at a time and written as they come (bounded memory)
    entries = store.iter_audit(since=since, until=until, actor=args.actor or None,
                               actions=[args.action] if args.action else None)
    try:
        if args.out:
            with _private_file(args.out) as out:
                count = write_audit(entries, args.format, out)
            print(f"已导出 {count} 条审计记录：{args.out}")
        else:
            sys.stdout.flush()
            write_audit(entries, args.format, sys.stdout.buffer, bom=False)  # (a terminal or a pipe needs no BOM)
            sys.stdout.buffer.flush()
    finally:
        store.dispose()
    return 0



def _in_store(work):
    """``work(store)`` on the store the dashboard uses, closed afterwards; None after printing a StoreError."""
    store = store_or_none()
    if store is None:
        return None
    try:
        return work(store)
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return None
    finally:
        store.dispose()


def _backup(args: argparse.Namespace) -> int:
    done = _in_store(lambda store: (backup(store, args.out), store.url))
    if done is None:
        return 1
    report, url = done
    print(f"已备份 {url} 到 {report.path}（结构版本 {report.schema_version}，逐表核对一致）：")
    print("\n".join(report.lines()))
    return 0


def _restore(args: argparse.Namespace) -> int:
    done = _in_store(lambda store: (restore(store, args.file, force=args.force, trust=args.trust), store.url))
    if done is None:
        return 1
    report, url = done
    print(f"已从 {report.path}（{report.created_at} 备份自 {report.backend}）恢复到 {url}，逐表核对一致：")
    if not report.signed_here:
        print("注意：该备份不是本数据库签名的（已按 --trust 逐表检查后恢复，其中的账户已恢复）")
    print("\n".join(report.lines()))
    return 0


# --- list / publish / import: the store across evaluations (issue 18) ----------------------------------------


def _list(args: argparse.Namespace) -> int:
    done = _in_store(lambda store: (listing(store, include_archived=True), store.url))
    if done is None:
        return 1
    rows, url = done
    if args.json:
        print(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        i = r.info
        kind = f"{r.kind}（推断）" if r.kind_inferred else r.kind
        funds = f"{fmt2(r.budget)} 万元" if r.budget is not None else "未列预算"
        flag = "　已归档" if i.archived else ""
        print(f"{i.id}\t{i.region or '—'}\t{i.year or '—'}\t{kind}\t{i.title}\t{r.units} 个单位\t{funds}"
              f"\t第 {i.active_number} 版（共 {i.versions} 版）{flag}")
    print(f"共 {len(rows)} 个评价（数据库：{url}）")
    return 0


def _publish(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"找不到文件：{args.file}", file=sys.stderr)
        return 1
    data = path.read_bytes()
    store = store_or_none()
    if store is None:
        return 1
    try:
        version = store.publish(data, file_name=path.name, by=cli_actor(), note=args.note or "")
        info = store.evaluation(version.evaluation_id)
    except PublishError as exc:
        for m in exc.messages:
            print(f"错误  {m}", file=sys.stderr)
        print(f"{args.file}：未通过校验（{len(exc.messages)} 个错误），未发布", file=sys.stderr)
        return 1
    except (StoreError, PermissionDenied) as exc:
        print(f"{args.file}：{exc}", file=sys.stderr)
        return 1
    finally:
        store.dispose()
    print(f"已发布 {args.file} → {info.label}（评价 {info.id}，第 {version.number} 版）")
    return 0


def _rollback(args: argparse.Namespace) -> int:
    try:
        done = _in_store(lambda store: rollback_to(store, args.evaluation_id, args.version, by=cli_actor(),
                                                   note=args.note or ""))
    except PermissionDenied as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except StoreError as exc:  # pragma: no cover - _in_store prints every StoreError
        print(str(exc), file=sys.stderr)
        return 1
    if done is None:
        return 1
    print(done.line())
    return 0


PROGRESS_FROM = 5  # files: a progress bar on a terminal from this many on


def _import(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from .importer import (  # loaded by this command only (see tests/unit/test_layers.py)
        DUPLICATE,
        PENDING,
        PUBLISHED,
        REFUSED,
        collect,
        import_file,
        totals,
    )
    files, outcomes = collect(args.paths)
    for o in outcomes:
        print(o.line())
    if not files and not outcomes:
        print("没有可导入的文件（支持 .xlsx、.md、.txt、.docx、.pdf、.html）", file=sys.stderr)
        return 1
    store = store_or_none()
    if store is None:
        return 1
    actor = cli_actor()
    interrupted = False
    asked: list[bool] = []

    def stop_after_this_file(_signum, _frame) -> None:
        # Ctrl-C stops between files, never inside one (nor inside a library's clean-up); a second one stops
        # at once, and the file under way is rolled back with its transaction.
        if asked:
            raise KeyboardInterrupt
        asked.append(True)

    previous = signal.signal(signal.SIGINT, stop_after_this_file)
    bar = tqdm(files, desc="导入", unit="个文件", file=sys.stderr, leave=False,
               disable=None if len(files) >= PROGRESS_FROM else True)
    try:
        for path in bar:
            if asked:
                break
            outcome = import_file(store, path, by=actor, note=args.note or "")
            outcomes.append(outcome)
            bar.write(outcome.line(), file=sys.stdout)
            sys.stdout.flush()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, previous)
        interrupted = bool(asked)
        bar.close()
        store.dispose()
    n = totals(outcomes)
    summary = f"合计：已发布 {n[PUBLISHED]} 个，重复跳过 {n[DUPLICATE]} 个，未发布 {n[REFUSED]} 个"
    if n[PENDING]:
        summary += f"，待复核 {n[PENDING]} 个（请在“数据管理”页复核后发布）"
    if interrupted:
        handled = {o.name for o in outcomes}
        left = sum(1 for f in files if str(f) not in handled)
        print(f"{summary}；已中断，其余 {left} 个文件未处理（每个文件要么完整发布，要么未写入任何内容）")
        return 130
    print(summary)
    return 0 if n[REFUSED] == 0 and n[PENDING] == 0 else 1


def _add_store_commands(sub) -> None:
    ls = sub.add_parser("list", help="列出数据库中的评价：编号、地区、年度、类型、标题、单位、资金、版本")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_list)
    pb = sub.add_parser("publish", help="校验工作簿并发布到看板所用的数据库（成为新版本）")
    pb.add_argument("file", metavar="FILE.xlsx")
    pb.add_argument("--note", help="版本说明")
    pb.set_defaults(func=_publish, bulk_read=True)
    rb = sub.add_parser("rollback", help="把评价回滚到某一版（该版内容发布为新的当前版本，记入审计日志）")
    rb.add_argument("evaluation_id", type=int, metavar="EVALUATION_ID")
    rb.add_argument("version", type=int, metavar="VERSION", help="版本号（第几版）")
    rb.add_argument("--note", help="版本说明（默认“回滚到第 N 版”）")
    rb.set_defaults(func=_rollback)
    im = sub.add_parser("import", help="批量导入工作簿和已发布的报告文本（文件或文件夹），逐个校验并发布")
    im.add_argument("paths", nargs="+", metavar="PATH")
    im.add_argument("--note", help="版本说明（报告文本默认注明来源文件）")
    im.set_defaults(func=_import, bulk_read=True)
    register_apply_results(sub)  # apply-results (issue 26): its logic is evalcore/application_cli.py


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evalcore", description="EvalBoard 绩效评价数据工具")
    sub = ap.add_subparsers(dest="command", required=True)
    t = sub.add_parser("template", help="生成空白填报模板（含填写说明和下拉选项）")
    t.add_argument("out", metavar="OUT.xlsx")
    t.set_defaults(func=_template)
    v = sub.add_parser("validate", help="校验工作簿：0 通过，1 未通过")
    v.add_argument("file")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=_validate, bulk_read=True)
    s = sub.add_parser("summary", help="汇总：各单位预算、执行、执行率、得分、等次")
    s.add_argument("file")
    s.add_argument("--json", action="store_true")
    s.add_argument("--as-of", help="整改统计日期 YYYY-MM-DD，默认今天")
    s.set_defaults(func=_summary, bulk_read=True)
    r = sub.add_parser("parse-report", help="把已发布的绩效评价结果（md/txt/docx/pdf/html）转为工作簿")
    r.add_argument("report")
    r.add_argument("--out", required=True, metavar="FILE.xlsx")
    r.add_argument("--json", action="store_true",
                   help="以 JSON 输出取到的每个数值及其出处（行号、原句或表格单元格）和未找到的项目")
    r.set_defaults(func=_parse_report)
    e = sub.add_parser("export", help="导出：结果工作簿、演示文稿、HTML 报告、结果文本")
    e.add_argument("file")
    e.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    e.add_argument("--out", required=True)
    e.add_argument("--as-of", help="整改统计日期 YYYY-MM-DD，默认今天")
    e.set_defaults(func=_export, bulk_read=True)
    _add_store_commands(sub)
    loop_cli.add_commands(sub)  # remind, notice (issue 25)
    roles = ("viewer", "evaluator", "admin", "unit")
    u = sub.add_parser("user", help="账户管理（密码登录模式）：add、passwd、role、remove、unlock、list")
    usub = u.add_subparsers(dest="action", required=True)
    ua = usub.add_parser("add", help="新增账户")
    ua.add_argument("name")
    ua.add_argument("--role", required=True, choices=roles)
    ua.add_argument("--unit", action="append", help="单位填报账户负责的单位（全称；可重复）")
    ua.add_argument("--email", help="邮箱（整改提醒发往此地址）")
    ua.add_argument("--password-stdin", action="store_true", help="从标准输入读取一行作为密码")
    up = usub.add_parser("passwd", help="修改密码")
    up.add_argument("name")
    up.add_argument("--password-stdin", action="store_true", help="从标准输入读取一行作为密码")
    ur = usub.add_parser("role", help="修改角色")
    ur.add_argument("name")
    ur.add_argument("--role", required=True, choices=roles)
    urm = usub.add_parser("remove", help="删除账户")
    urm.add_argument("name")
    uu = usub.add_parser("unlock", help="解除账户的登录锁定（失败次数过多被锁时）")
    uu.add_argument("name")
    usub.add_parser("list", help="列出账户")
    u.set_defaults(func=_user)
    a = sub.add_parser("audit", help="导出审计日志（登录、发布、回滚、整改更新、账户变更）")
    a.add_argument("--since", help="起始日期 YYYY-MM-DD（北京时间，含当天）")
    a.add_argument("--until", help="截止日期 YYYY-MM-DD（北京时间，含当天）")
    a.add_argument("--actor", help="只看此人")
    a.add_argument("--action", help="只看此类操作，例如 publish、rectify、sign_in")
    a.add_argument("--format", choices=("csv", "json", "xlsx"), default="csv", help="xlsx 须与 --out 同用")
    a.add_argument("--out", help="写入文件（默认输出到屏幕；文件仅所有者可读写）")
    a.set_defaults(func=_audit)
    b = sub.add_parser("backup", help="备份整个数据库到一个新文件（应用运行时也可执行）")
    b.add_argument("out", metavar="OUT")
    b.set_defaults(func=_backup)
    rs = sub.add_parser("restore", help="从备份文件恢复整个数据库（目标非空时需 --force）")
    rs.add_argument("file", metavar="IN")
    rs.add_argument("--force", action="store_true", help="目标数据库已有数据时，用备份替换其中全部数据")
    rs.add_argument("--trust", action="store_true",
                    help="恢复不是本数据库签名的备份（其他数据库的或旧格式的）：逐表检查，账户一并恢复，浏览器会话从不恢复")
    rs.set_defaults(func=_restore)
    register_upgrade(sub)  # upgrade (issue 23)
    args = ap.parse_args(argv)
    # The commands that read whole workbooks (bulk_read) run with the garbage collector paused (evalcore.gcpause).
    try:
        with gcpause.paused() if getattr(args, "bulk_read", False) else nullcontext():
            return args.func(args)
    except OSError as exc:  # a file that cannot be read or written: a message, never a traceback
        print(f"无法读写文件：{exc.filename or ''}（{exc.strerror or exc}）；请检查路径和权限", file=sys.stderr)
        return 1
