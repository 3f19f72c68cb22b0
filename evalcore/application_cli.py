"""``python -m evalcore apply-results [EVALUATION_ID] [--json]`` (issue 26): 结果应用 on the store the dashboard uses.

With an id: per unit the grade, the rule applied, the budget, the suggested change and next year's suggested
budget (万元), with the totals. Without: the totals per evaluation (not archived) and across them. In ``--json``
numbers are strings with exactly 2 decimals; an amount the report does not allow is null, with a ``reason``.
Exit 0, or 1 (a message on standard error) for an unknown evaluation or a store that cannot be opened.
"""
from __future__ import annotations

import argparse
import json
import sys

from . import application as app
from . import application_store
from .cli_common import store_or_none
from .portfolio import kind_of
from .store import StoreError


def register(sub) -> None:
    ar = sub.add_parser("apply-results", help="结果应用：按等次和结果应用规则测算各单位下年度建议预算")
    ar.add_argument("evaluation_id", nargs="?", type=int, metavar="EVALUATION_ID",
                    help="评价编号（python -m evalcore list 可查）；省略时列出各评价的合计")
    ar.add_argument("--json", action="store_true")
    ar.set_defaults(func=run)


def _one(store, evaluation_id: int, rules: app.RuleSet) -> tuple[dict, list[app.Suggestion]]:
    info = store.evaluation(evaluation_id)
    ev = store.load(info.active_version_id)
    suggestions = app.suggest_all(app.rows_from_evaluation(ev, info.id), rules)
    head = {"evaluation_id": info.id, "title": info.title, "region": info.region, "year": info.year,
            "kind": kind_of(ev.meta)[0]}
    return head, suggestions


def _work(store, args: argparse.Namespace) -> dict:
    rules = application_store.rules(store)
    if args.evaluation_id is not None:
        head, suggestions = _one(store, args.evaluation_id, rules)
        return {**head, "units": app.as_json(suggestions), "totals": app.totals(suggestions).as_dict()}
    out, every = [], []
    for info in store.evaluations():
        head, suggestions = _one(store, info.id, rules)
        every.extend(suggestions)
        out.append({**head, "totals": app.totals(suggestions).as_dict()})
    return {"evaluations": out,
            "years": [{"year": y, "totals": t.as_dict()} for y, t in app.totals_by(every, "year")],
            "totals": app.totals(every).as_dict()}


def _amount(text: str | None) -> str:
    return f"{text} 万元" if text else "—"


def _print_totals(t: dict) -> None:
    print(f"合计：{t['with_amount']} 个单位有预算，预算 {_amount(t['budget'])}，调减 {_amount(t['cut'])}，"
          f"增加 {_amount(t['added'])}，建议下年度预算 {_amount(t['suggested_budget'])}"
          + (f"；{t['without_amount']} 个单位无法测算金额" if t["without_amount"] else ""))


def _print(result: dict) -> None:
    if "units" in result:
        print(f"{result['evaluation_id']}\t{result['title']}")
        for u in result["units"]:
            grade = u["grade"] or "无等次"
            if u["grade"] and not u["grade_stated"]:
                grade += "（按得分推算）"
            rule = u["rule"]["label"] if u["rule"] else "—"
            tail = (f"预算 {_amount(u['budget'])}\t变动 {_amount(u['change'])}\t建议 {_amount(u['suggested_budget'])}"
                    if u["change"] is not None else u["reason"])
            print(f"{u['unit']}\t{grade}\t{rule}\t{tail}")
        _print_totals(result["totals"])
        return
    for e in result["evaluations"]:
        t = e["totals"]
        figures = (f"调减 {_amount(t['cut'])}\t增加 {_amount(t['added'])}\t建议 {_amount(t['suggested_budget'])}"
                   if t["with_amount"] else "未列单位预算，无法测算金额")
        print(f"{e['evaluation_id']}\t{e['year'] or '—'}\t{e['kind'] or '—'}\t{e['title']}\t{figures}")
    _print_totals(result["totals"])
    print(f"据评价结果调减预算 {result['totals']['cut']} 万元")


def run(args: argparse.Namespace) -> int:
    store = store_or_none()
    if store is None:
        return 1
    try:
        result = _work(store, args)
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        store.dispose()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print(result)
    return 0


__all__ = ["register", "run"]
