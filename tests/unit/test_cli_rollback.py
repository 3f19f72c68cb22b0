"""``python -m evalcore rollback EVALUATION_ID VERSION`` (issue 27): works when the active version cannot be read
(the case it exists for), says what it did, leaves an audit entry, and exits 1 with a Chinese message for an
unknown evaluation or version, or for a version that cannot be read either."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evalcore.store import Store, StoreError
from tests.unreadable import store_with_unreadable_active


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture
def cli(db: Path, run_cli: Callable[..., Any]) -> Callable[..., Any]:
    return lambda *args: run_cli(*args, db=db)


def test_rollback_when_the_active_version_cannot_be_read(db: Path, cli) -> None:
    eid, v1, v2 = store_with_unreadable_active(db)
    store = Store.sqlite(db)
    try:
        with pytest.raises(StoreError, match="无法读取"):
            store.load(v2)
    finally:
        store.dispose()
    proc = cli("rollback", str(eid), "1")
    assert proc.returncode == 0, proc.stderr
    assert f"已回滚评价 {eid}" in proc.stdout and "第 1 版的内容已发布为第 3 版" in proc.stdout
    assert "原当前版本为第 2 版" in proc.stdout and "审计日志" in proc.stdout
    store = Store.sqlite(db)
    try:
        info = store.evaluation(eid)
        assert info.active_number == 3
        assert store.workbook(info.active_version_id) == store.workbook(v1)
        assert store.load(info.active_version_id).meta.title  # readable again
        entry = store.audit_log(limit=1)[0]
        assert entry.action == "rollback" and entry.actor.endswith("@命令行") and "回滚到第 1 版" in entry.summary
    finally:
        store.dispose()


def test_rollback_refusals_are_chinese_and_exit_1(db: Path, cli) -> None:
    eid, _, _ = store_with_unreadable_active(db)
    unknown = cli("rollback", "999", "1")
    assert unknown.returncode == 1 and "没有编号为 999 的评价" in unknown.stderr
    missing = cli("rollback", str(eid), "7")
    assert missing.returncode == 1 and "没有第 7 版" in missing.stderr and "现有版本：1、2" in missing.stderr
    broken = cli("rollback", str(eid), "2")  # the unreadable one itself
    assert broken.returncode == 1 and "也无法被当前程序读取" in broken.stderr
    assert "Traceback" not in unknown.stderr + missing.stderr + broken.stderr
    store = Store.sqlite(db)
    try:
        assert store.evaluation(eid).active_number == 2  # nothing changed
        assert not [e for e in store.audit_log() if e.action == "rollback"]
    finally:
        store.dispose()
