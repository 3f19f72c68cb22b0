"""What every ``python -m evalcore`` command that touches the store shares: the store it opens (the dashboard's,
from any folder, named on standard error so ``--json`` on standard output stays clean) and who it acts as.

Kept apart from :mod:`evalcore.cli` so the modules of single commands (``application_cli``, ``loop_cli``) use it
without importing the parser that registers them.
"""
from __future__ import annotations

import getpass
import sys

from .auth import Actor
from .store import Store, StoreError


def cli_actor() -> Actor:
    """The command line acts as an admin named after the system user (``张三@命令行``)."""
    try:
        who = getpass.getuser()
    except Exception:  # no user name in this environment
        who = ""
    return Actor(f"{who or '未知用户'}@命令行", "admin", "cli")


def open_store() -> Store:
    """The store the dashboard uses (``Store.from_env``: the same from any folder); says which on stderr.
    Raises :class:`~evalcore.store.StoreError` when it cannot be opened."""
    store = Store.from_env()
    print(f"数据库：{store.url}", file=sys.stderr)
    return store


def store_or_none() -> Store | None:
    """:func:`open_store`, or None after printing why it cannot be opened (the caller exits 1)."""
    try:
        return open_store()
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return None


__all__ = ["cli_actor", "open_store", "store_or_none"]
