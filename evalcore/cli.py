"""Command line (a stable contract; see DESIGN.md):

    python -m evalcore validate FILE.xlsx [--json]     exit 0 valid, 1 invalid
    python -m evalcore summary FILE.xlsx --json        per unit and totals, numbers as 2-decimal strings
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from .summary import summarize
from .workbook import read_workbook


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


def _summary(args: argparse.Namespace) -> int:
    result = read_workbook(args.file)
    if not result.ok:
        for m in result.errors:
            print(f"错误  {m}", file=sys.stderr)
        print(f"{args.file}：未通过校验，无法汇总", file=sys.stderr)
        return 1
    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else dt.date.today()
    data = summarize(result.evaluation, as_of)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(data["title"])
        for u in data["units"]:
            money = (f"预算 {u['budget']} 万元, 执行 {u['executed']} 万元, 执行率 {u['execution_rate']}%"
                     if u["execution_rate"] else u["rate_note"] or "")
            score = f", 得分 {u['score']} {u['grade']}" if u["score"] else ""
            print(f"  {u['unit']}: {money}{score}")
        t = data["totals"]
        print(f"  合计: 预算 {t['budget']} 万元, 执行 {t['executed']} 万元, 执行率 {t['execution_rate']}%")
        print(f"  问题 {data['problems']['items']} 项，建议 {data['recommendations']['items']} 条")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evalcore", description="EvalBoard 绩效评价数据工具")
    sub = ap.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="校验工作簿：0 通过，1 未通过")
    v.add_argument("file")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=_validate)
    s = sub.add_parser("summary", help="汇总：各单位预算、执行、执行率、得分、等次")
    s.add_argument("file")
    s.add_argument("--json", action="store_true")
    s.add_argument("--as-of", help="整改统计日期 YYYY-MM-DD，默认今天")
    s.set_defaults(func=_summary)
    args = ap.parse_args(argv)
    return args.func(args)
