"""``python -m evalcore upgrade [--refresh]``: bring a store's facts up to date and list what needs attention.

Opening the store runs the schema migrations and writes the facts of every version that has none (a progress
bar on a terminal); ``--refresh`` deletes every fact and writes them all again from the stored workbooks (after
the theme rules in evalcore/problem_themes.toml changed, say). Prints what was done and every stored version the current
reader refuses (kept in the store, listed on the 数据管理 page). Exit status 0, also when versions need attention.
"""
from __future__ import annotations

import argparse

from .cli_common import store_or_none
from .facts.upgrade import attention, fill


def upgrade(args: argparse.Namespace) -> int:
    store = store_or_none()
    if store is None:
        return 1
    try:
        report = fill(store, refresh=True, progress=True) if args.refresh else store.opened_fill
        bad = len(report.unreadable)
        print(f"数据库 {store.url}：结构版本 {store.schema_version()}；本次写入事实表的版本 {report.total} 个"
              f"（解析 {report.filled} 个，回滚版本沿用原版本 {report.pointed} 个，无法读取 {bad} 个）")
        found = attention(store)
        if not found:
            print("全部已存储版本均可读取。")
            return 0
        print(f"需要处理的版本 {len(found)} 个（仍保存在数据库中，未计入评价总览；数据管理页同样列出）：")
        for a in found:
            current = "，当前版本" if a.active else ""
            print(f"  评价 {a.evaluation_id}「{a.label}」第 {a.number} 版（版本编号 {a.version_id}{current}，"
                  f"{a.file_name}）：{a.note}")
        return 0
    finally:
        store.dispose()


def register(sub: argparse._SubParsersAction) -> None:
    up = sub.add_parser("upgrade", help="升级数据库：为已存储的版本写入评价事实表，并列出无法读取的版本")
    up.add_argument("--refresh", action="store_true", help="删除全部事实后按已存储的工作簿重新写入（如主题规则已修改）")
    up.set_defaults(func=upgrade)


__all__ = ["register", "upgrade"]
