"""A store in password sign-in mode for tests that run the app under AppTest: the seed evaluation and the accounts
a test names, all with one password. The app finds the store through ``EVALBOARD_DB_PATH`` (set on ``monkeypatch``)."""
from __future__ import annotations

from pathlib import Path

import pytest

import sample_data
from evalcore.auth import Actor
from evalcore.store import Store

PASSWORD = "Mi-Ma-2025-abc"
CLI_ADMIN = Actor("测试@命令行", "admin", "cli")


def password_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, accounts: dict[str, str]) -> Store:
    """A new SQLite store under ``tmp_path`` with the seed and ``accounts`` (name → role); the caller disposes it."""
    db = tmp_path / "evalboard.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(db))
    monkeypatch.setenv("EVALBOARD_AUTH", "password")
    store = Store.sqlite(db)
    store.ensure_sample(sample_data.WORKBOOK)
    for name, role in accounts.items():
        store.add_user(name, role, PASSWORD, by=CLI_ADMIN)
    return store
