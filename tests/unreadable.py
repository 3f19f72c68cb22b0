"""A store whose evaluation has an active version the current reader refuses (issue 27), as happens when a rule is
tightened after the version was published: two valid versions are published, then the second's stored bytes are
replaced, in the database, by a workbook the current reader refuses (a formula in a column no reader looks at),
with the hash and size recorded to match, as if it had been stored like that."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import openpyxl
import sqlalchemy as sa

import sample_data
from evalcore.auth import Actor
from evalcore.store import Store

GROUP = Actor("评价组", "evaluator")


def refused_workbook() -> bytes:
    """The sample with a formula in 预算执行!J2 (what the current reader refuses)."""
    wb = openpyxl.load_workbook(sample_data.WORKBOOK)
    wb["预算执行"]["J2"] = '=WEBSERVICE("http://x.invalid/")'
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def revised() -> bytes:
    wb = openpyxl.load_workbook(sample_data.WORKBOOK)
    for row in wb["评价信息"].iter_rows(min_row=2):
        if row[0].value == "数据来源":
            row[1].value = "修订稿"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def make_unreadable(store: Store, version_id: int) -> None:
    bad = refused_workbook()
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE versions SET data = :d, file_hash = :h, size = :n WHERE id = :i"),
                     {"d": bad, "h": hashlib.sha256(bad).hexdigest(), "n": len(bad), "i": version_id})


def store_with_unreadable_active(db: Path) -> tuple[int, int, int]:
    """(evaluation id, id of 第 1 版 (readable), id of 第 2 版 (active, unreadable)) in a new SQLite store."""
    store = Store.sqlite(db)
    try:
        v1 = store.publish(sample_data.WORKBOOK.read_bytes(), file_name="长沙2023.xlsx", by=GROUP)
        v2 = store.publish(revised(), file_name="长沙2023-修订.xlsx", by=GROUP)
        make_unreadable(store, v2.id)
        return v1.evaluation_id, v1.id, v2.id
    finally:
        store.dispose()
