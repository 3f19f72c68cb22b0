"""evalcore.store on SQLite (always) and PostgreSQL (when EVALBOARD_TEST_POSTGRES_URL is set).

Each PostgreSQL test runs in a database of its own, created for the test and dropped after it, so the role in
EVALBOARD_TEST_POSTGRES_URL needs CREATEDB (e.g. ``postgresql+psycopg://evalboard:pw@127.0.0.1:5432/evalboard``).
"""
from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

import evalcore.store as store_module
import sample_data
from evalcore.auth import Actor
from evalcore.model import Evaluation
from evalcore.rectification import find_item
from evalcore.store import (
    METADATA,
    SCHEMA_VERSION,
    ConflictError,
    PublishError,
    Store,
    StoreError,
    UpdateError,
    VersionInfo,
)
from evalcore.workbook import read_workbook, workbook_bytes

D = Decimal
PG_ENV = "EVALBOARD_TEST_POSTGRES_URL"
TABLES = ("schema_version", "evaluations", "versions", "changes", "users", "sign_in_failures", "audit_log")
SAMPLE = sample_data.WORKBOOK
GROUP = Actor("评价组", "evaluator")
ZHANG = Actor("张三", "evaluator")
LI = Actor("李四", "evaluator")
WANG = Actor("王五", "admin")


# --- backends ---------------------------------------------------------------------------------------------


# --- helpers ----------------------------------------------------------------------------------------------


def counts(s: Store) -> dict[str, int]:
    with s.engine.connect() as conn:
        return {t: conn.scalar(sa.select(sa.func.count()).select_from(sa.table(t))) for t in TABLES}


def variant(**meta: object) -> bytes:
    """The sample workbook with some 评价信息 fields changed, e.g. variant(年度=2024, 数据来源="x")."""
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb["评价信息"]
    rows = {row[0].value: row[1] for row in ws.iter_rows(min_row=2)}
    for label, value in meta.items():
        rows[label].value = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def edit(s: Store, evaluation_id: int, item_id: str, base: int, by: str, **kw) -> VersionInfo:
    values = {"status": "整改中", "progress": D(80), "note": f"{by}的备注", "evidence": ""}
    values.update(kw)
    return s.update_rectification(evaluation_id, item_id, base_version_id=base, by=Actor(by, "evaluator"),
                                  on=dt.date(2025, 6, 30), **values)


def run_together(*jobs: Callable[[], object]) -> list[object]:
    """Run the jobs in threads released at the same moment; each result is a value or the exception raised."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i: int, job: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[i] = job()
        except Exception as exc:  # the test inspects it
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def is_utc(at: dt.datetime) -> bool:
    return at.tzinfo is not None and at.utcoffset() == dt.timedelta(0)


@pytest.fixture(scope="module")
def sample_ev() -> Evaluation:
    result = read_workbook(SAMPLE)
    assert result.evaluation is not None
    return result.evaluation


# --- schema -----------------------------------------------------------------------------------------------


def test_schema_created_from_nothing_and_reopened(db_url: str, open_store) -> None:
    s = open_store()
    assert s.schema_version() == SCHEMA_VERSION
    inspector = sa.inspect(s.engine)
    assert set(TABLES) <= set(inspector.get_table_names())
    for table in METADATA.tables.values():  # running every migration gives the schema the queries use
        assert {c["name"] for c in inspector.get_columns(table.name)} == set(table.c.keys())
    with s.engine.connect() as conn:
        first = conn.execute(sa.text("SELECT version, applied_at FROM schema_version")).all()
    assert [r[0] for r in first] == [v for v, _, _ in store_module.MIGRATIONS]

    again = open_store()  # upgrade is a no-op
    assert again.schema_version() == SCHEMA_VERSION
    with again.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version, applied_at FROM schema_version")).all() == first
    assert counts(again)["evaluations"] == 0


def test_a_new_migration_runs_once_on_an_existing_database(db_url: str, open_store, monkeypatch) -> None:
    s = open_store()
    s.ensure_sample(SAMPLE)
    calls: list[int] = []

    def step(conn: sa.Connection) -> None:
        calls.append(1)
        conn.execute(sa.text("CREATE TABLE extra_test (id INTEGER PRIMARY KEY)"))

    extra = (SCHEMA_VERSION + 1, "测试迁移", step)
    # the store reads the list from its schema module when it opens a database
    monkeypatch.setattr(store_module.schema, "MIGRATIONS", (*store_module.MIGRATIONS, extra))
    upgraded = open_store()
    assert calls == [1] and upgraded.schema_version() == SCHEMA_VERSION + 1
    assert "extra_test" in sa.inspect(upgraded.engine).get_table_names()
    assert counts(upgraded)["versions"] == 1  # the data survived
    open_store()
    assert calls == [1]


def test_a_database_newer_than_the_program_is_refused(db_url: str, open_store) -> None:
    s = open_store()
    with s.engine.begin() as conn:
        conn.execute(sa.insert(store_module.T_VERSION).values(version=99, description="未来",
                                                              applied_at=dt.datetime.now(dt.UTC)))
    with pytest.raises(StoreError, match="数据库结构版本为 99，高于本程序支持的版本"):
        Store(db_url)


def test_two_processes_creating_the_schema_at_once(db_url: str, open_store) -> None:
    results = run_together(open_store, open_store)
    assert all(isinstance(r, Store) for r in results), results
    assert [r.schema_version() for r in results] == [SCHEMA_VERSION] * 2
    assert counts(results[0])["schema_version"] == len(store_module.MIGRATIONS)  # each step ran once


# --- publish and load -------------------------------------------------------------------------------------


def test_publish_the_sample_then_load_gives_the_same_evaluation(store: Store, sample_ev: Evaluation) -> None:
    data = SAMPLE.read_bytes()
    v = store.publish(data, file_name="/some/where/changsha_2023.xlsx", by=GROUP, note="首次发布")
    assert (v.number, v.kind, v.kind_label, v.file_name, v.by, v.note, v.active) == (
        1, "publish", "发布", "changsha_2023.xlsx", "评价组", "首次发布", True)
    assert v.size == len(data) and len(v.file_hash) == 64 and v.source_version_id is None
    assert is_utc(v.at) and abs(dt.datetime.now(dt.UTC) - v.at) < dt.timedelta(minutes=1)
    assert store.workbook(v.id) == data
    assert store.load(v.id) == sample_ev
    assert store.version(v.id) == v
    [info] = store.evaluations()
    assert (info.region, info.year, info.title) == ("长沙市", 2023, sample_ev.meta.title)
    assert (info.active_version_id, info.active_number, info.versions) == (v.id, 1, 1)
    assert info.label == f"长沙市 · 2023 · {sample_ev.meta.title}"
    assert is_utc(info.updated_at)
    assert store.evaluation(info.id) == info
    assert store.versions(info.id) == [v]


@pytest.mark.parametrize("case", ["not_xlsx", "missing_sheet", "bad_number"])
def test_a_bad_workbook_is_refused_and_nothing_is_written(store: Store, case: str) -> None:
    store.publish(SAMPLE.read_bytes(), file_name="a.xlsx", by=GROUP)
    before = counts(store)
    if case == "not_xlsx":
        data = b"this is not a workbook"
    else:
        wb = openpyxl.load_workbook(SAMPLE)
        if case == "missing_sheet":
            del wb["单位"]
        else:
            ws = wb["预算执行"]
            header = [c.value for c in ws[1]]
            ws.cell(row=2, column=header.index("预算金额（万元）") + 1, value="三千万")
        buf = io.BytesIO()
        wb.save(buf)
        data = buf.getvalue()
    with pytest.raises(PublishError) as info:
        store.publish(data, file_name="bad.xlsx", by=GROUP)
    assert info.value.messages and all(m.level == "error" for m in info.value.messages)
    assert "未通过校验" in str(info.value) and "未发布" in str(info.value)
    assert isinstance(info.value, StoreError)
    assert counts(store) == before


def test_a_failure_in_the_middle_of_publish_leaves_nothing(store: Store, monkeypatch) -> None:
    before = counts(store)

    def boom(*args, **kwargs):
        raise RuntimeError("磁盘已满（模拟）")

    # _activate runs after the evaluation row and the version row are inserted
    monkeypatch.setattr(Store, "_activate", staticmethod(boom))
    with pytest.raises(RuntimeError, match="模拟"):
        store.publish(SAMPLE.read_bytes(), file_name="a.xlsx", by=GROUP)
    assert counts(store) == before
    assert store.evaluations() == []
    monkeypatch.undo()
    v = store.publish(SAMPLE.read_bytes(), file_name="a.xlsx", by=GROUP)
    assert v.number == 1  # the failed attempt left no trace, not even a version number


def test_a_failure_in_the_middle_of_a_rectification_update_leaves_nothing(store: Store, monkeypatch) -> None:
    v1 = store.publish(SAMPLE.read_bytes(), file_name="a.xlsx", by=GROUP)
    before = counts(store)

    def boom(*args, **kwargs):
        raise RuntimeError("断电（模拟）")

    monkeypatch.setattr(Store, "_activate", staticmethod(boom))
    with pytest.raises(RuntimeError, match="模拟"):
        edit(store, v1.evaluation_id, "Z05", v1.id, "张三")
    assert counts(store) == before
    assert store.evaluation(v1.evaluation_id).active_version_id == v1.id


def test_identical_republish_is_refused(store: Store) -> None:
    data = SAMPLE.read_bytes()
    store.publish(data, file_name="a.xlsx", by=GROUP)
    before = counts(store)
    with pytest.raises(StoreError, match="^与当前版本内容相同，无需重复发布$"):
        store.publish(data, file_name="again.xlsx", by=LI)
    assert counts(store) == before
    v2 = store.publish(variant(数据来源="修订版"), file_name="b.xlsx", by=GROUP)
    assert v2.number == 2
    v3 = store.publish(data, file_name="a.xlsx", by=GROUP)  # not the active one any more: allowed
    assert v3.number == 3


def test_a_resaved_file_with_the_same_data_is_refused_too(store: Store) -> None:
    """Excel stamps the save time into the file, so the bytes differ while the data does not."""
    store.publish(SAMPLE.read_bytes(), file_name="a.xlsx", by=GROUP)
    resaved = workbook_bytes(read_workbook(SAMPLE).evaluation)
    assert resaved != SAMPLE.read_bytes()
    with pytest.raises(StoreError, match="与当前版本内容相同"):
        store.publish(resaved, file_name="resaved.xlsx", by=LI)


def test_a_second_evaluation_is_listed_separately(store: Store) -> None:
    v2023 = store.publish(SAMPLE.read_bytes(), file_name="2023.xlsx", by=GROUP)
    v2024 = store.publish(variant(年度=2024), file_name="2024.xlsx", by=GROUP)
    v_other = store.publish(variant(年度=2024, 地区="株洲市"), file_name="zz.xlsx", by=GROUP)
    v_noyear = store.publish(variant(年度=None, 地区="长沙市"), file_name="noyear.xlsx", by=GROUP)
    assert len({v2023.evaluation_id, v2024.evaluation_id, v_other.evaluation_id, v_noyear.evaluation_id}) == 4
    assert all(v.number == 1 for v in (v2023, v2024, v_other, v_noyear))
    infos = store.evaluations()
    assert [(e.year, e.region) for e in infos] == [(2024, "株洲市"), (2024, "长沙市"), (2023, "长沙市"),
                                                   (None, "长沙市")]
    assert infos[3].label.startswith("长沙市 · 2023年度")  # no year: left out of the label
    assert [v.id for v in store.versions(v2024.evaluation_id)] == [v2024.id]
    assert store.load(v2024.id).meta.year == 2024
    # another version of the 2024 evaluation does not touch the 2023 one
    store.publish(variant(年度=2024, 数据来源="修订"), file_name="2024b.xlsx", by=GROUP)
    assert store.evaluation(v2023.evaluation_id).versions == 1
    assert store.evaluation(v2024.evaluation_id).versions == 2


def test_unknown_ids_are_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="评价不存在"):
        store.evaluation(42)
    with pytest.raises(StoreError, match="评价不存在"):
        store.versions(42)
    with pytest.raises(StoreError, match="版本不存在"):
        store.version(42)
    with pytest.raises(StoreError, match="版本不存在"):
        store.workbook(42)


# --- rollback ---------------------------------------------------------------------------------------------


def test_rollback_makes_a_new_version_with_the_old_bytes(store: Store) -> None:
    first = SAMPLE.read_bytes()
    v1 = store.publish(first, file_name="v1.xlsx", by=GROUP)
    second = variant(数据来源="第二版")
    v2 = store.publish(second, file_name="v2.xlsx", by=GROUP)
    before = counts(store)
    v3 = store.rollback(v1.evaluation_id, v1.id, by=WANG)
    assert (v3.number, v3.kind, v3.kind_label, v3.source_version_id, v3.by, v3.active) == (
        3, "rollback", "回滚", v1.id, "王五", True)
    assert v3.note == "回滚到第 1 版" and v3.file_name == "v1.xlsx"
    assert store.workbook(v3.id) == first and v3.file_hash == v1.file_hash
    assert store.load(v3.id) == store.load(v1.id)
    after = counts(store)
    assert after["versions"] == before["versions"] + 1 and after["evaluations"] == before["evaluations"]
    # nothing deleted: every version is still there, only the active flag moved
    assert [(v.number, v.active) for v in store.versions(v1.evaluation_id)] == [(3, True), (2, False), (1, False)]
    assert store.workbook(v1.id) == first and store.workbook(v2.id) == second
    assert store.evaluation(v1.evaluation_id).active_version_id == v3.id


def test_rollback_refusals(store: Store) -> None:
    v1 = store.publish(SAMPLE.read_bytes(), file_name="v1.xlsx", by=GROUP)
    other = store.publish(variant(年度=2024), file_name="other.xlsx", by=GROUP)
    with pytest.raises(StoreError, match="已是当前版本"):
        store.rollback(v1.evaluation_id, v1.id, by=WANG)
    with pytest.raises(StoreError, match="该评价没有这个版本"):
        store.rollback(v1.evaluation_id, other.id, by=WANG)
    v2 = store.publish(variant(数据来源="二"), file_name="v2.xlsx", by=GROUP)
    store.rollback(v1.evaluation_id, v1.id, by=WANG)
    with pytest.raises(StoreError, match="与当前版本内容相同"):  # v3 holds v1's bytes
        store.rollback(v1.evaluation_id, v1.id, by=WANG)
    assert store.rollback(v1.evaluation_id, v2.id, by=WANG).number == 4


# --- 整改 updates -----------------------------------------------------------------------------------------


def test_update_rectification_writes_a_version_and_change_rows(store: Store) -> None:
    v1 = store.publish(SAMPLE.read_bytes(), file_name="changsha.xlsx", by=GROUP)
    v2 = store.update_rectification(v1.evaluation_id, "Z05", base_version_id=v1.id, status="已整改",
                                    progress=D(100), note="已印发", evidence="长数据〔2025〕3号", by=ZHANG,
                                    on=dt.date(2025, 7, 1))
    assert (v2.number, v2.kind, v2.kind_label, v2.by, v2.active) == (2, "rectification", "整改更新", "张三", True)
    assert v2.note == "整改更新 Z05：整改中 → 已整改"
    assert v2.file_name == "changsha.xlsx"
    ev = store.load(v2.id)
    item = find_item(ev, "Z05")
    assert item is not None
    assert (item.status, item.progress, item.note, item.evidence) == ("已整改", D(100), "已印发", "长数据〔2025〕3号")
    assert item.history[-1].date == dt.date(2025, 7, 1) and item.history[-1].by == "张三"
    assert [i for i in ev.rectification if i.id != "Z05"] == [
        i for i in store.load(v1.id).rectification if i.id != "Z05"]
    changes = store.changes(v1.evaluation_id)
    assert [(c.item_id, c.field, c.old, c.new, c.by, c.version_id) for c in changes] == [
        ("Z05", "整改状态", "整改中", "已整改", "张三", v2.id),
        ("Z05", "整改进度", "50%", "100%", "张三", v2.id),
        ("Z05", "备注", "", "已印发", "张三", v2.id),
        ("Z05", "佐证材料", "", "长数据〔2025〕3号", "张三", v2.id),
    ]
    assert all(is_utc(c.at) and c.at == v2.at for c in changes)
    # a second save on another field: newest first, and the per-item filter
    v3 = edit(store, v1.evaluation_id, "Z12", v2.id, "李四", progress=D(75))
    assert v3.note == "整改更新 Z12：整改进度、备注"
    assert [c.item_id for c in store.changes(v1.evaluation_id)] == ["Z12", "Z12"] + ["Z05"] * 4
    assert [c.field for c in store.changes(v1.evaluation_id, "Z12")] == ["整改进度", "备注"]
    assert store.changes(v1.evaluation_id, "Z01") == []


def test_update_refusals_write_nothing(store: Store) -> None:
    v1 = store.publish(SAMPLE.read_bytes(), file_name="a.xlsx", by=GROUP)
    before = counts(store)
    item = find_item(store.load(v1.id), "Z05")
    assert item is not None
    same = {"status": item.status, "progress": item.progress, "note": item.note, "evidence": item.evidence}
    with pytest.raises(UpdateError, match="没有任何修改"):
        store.update_rectification(v1.evaluation_id, "Z05", base_version_id=v1.id, by=ZHANG, **same)
    with pytest.raises(ValueError, match="未知的整改状态"):  # UpdateError is also a ValueError
        edit(store, v1.evaluation_id, "Z05", v1.id, "张三", status="完成了")
    with pytest.raises(UpdateError, match="整改进度应在 0 到 100 之间"):
        edit(store, v1.evaluation_id, "Z05", v1.id, "张三", progress=D(101))
    with pytest.raises(UpdateError, match="Z99 在当前版本中不存在"):
        edit(store, v1.evaluation_id, "Z99", v1.id, "张三")
    other = store.publish(variant(年度=2024), file_name="b.xlsx", by=GROUP)
    before = counts(store)
    with pytest.raises(StoreError, match="该评价没有这个版本"):
        edit(store, v1.evaluation_id, "Z05", other.id, "张三")
    with pytest.raises(StoreError, match="评价不存在"):
        edit(store, 999, "Z05", v1.id, "张三")
    assert counts(store) == before


def test_edit_conflict_the_second_editor_is_told_who_saved_first(store: Store) -> None:
    v1 = store.publish(SAMPLE.read_bytes(), file_name="a.xlsx", by=GROUP)
    base = v1.id  # both editors opened version 1
    first = edit(store, v1.evaluation_id, "Z05", base, "张三", status="已整改", progress=D(100))
    before = counts(store)
    with pytest.raises(ConflictError) as info:
        edit(store, v1.evaluation_id, "Z05", base, "李四", status="未整改", progress=D(10))
    err = info.value
    assert err.item_id == "Z05" and err.changed_by == "张三" and err.changed_at == first.at
    assert err.current == find_item(store.load(first.id), "Z05")
    assert err.current.status == "已整改"
    assert str(err).startswith("整改事项 Z05 已被 张三 于 ")
    assert str(err).endswith("修改，你的修改未保存，请核对后重新提交")
    assert isinstance(err, StoreError)
    assert counts(store) == before  # the second edit wrote nothing
    active = store.evaluation(v1.evaluation_id)
    assert active.active_version_id == first.id
    assert {c.by for c in store.changes(v1.evaluation_id)} == {"张三"}
    # after reloading (base = the new version), the second editor can save
    again = edit(store, v1.evaluation_id, "Z05", first.id, "李四", status="未整改", progress=D(10))
    assert find_item(store.load(again.id), "Z05").status == "未整改"


def test_a_conflict_from_a_publish_names_the_publisher(store: Store) -> None:
    v1 = store.publish(SAMPLE.read_bytes(), file_name="a.xlsx", by=GROUP)
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb["整改"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "Z05":
            row[header.index("备注")].value = "上传时改的"
    buf = io.BytesIO()
    wb.save(buf)
    v2 = store.publish(buf.getvalue(), file_name="b.xlsx", by=Actor("王五", "evaluator"))
    with pytest.raises(ConflictError) as info:
        edit(store, v1.evaluation_id, "Z05", v1.id, "张三")
    assert info.value.changed_by == "王五" and info.value.changed_at == v2.at


def test_two_editors_on_different_items_both_succeed(store: Store) -> None:
    v1 = store.publish(SAMPLE.read_bytes(), file_name="a.xlsx", by=GROUP)
    a = edit(store, v1.evaluation_id, "Z05", v1.id, "张三", status="已整改", progress=D(100))
    b = edit(store, v1.evaluation_id, "Z12", v1.id, "李四", progress=D(90))  # base is still version 1
    assert (a.number, b.number) == (2, 3)
    ev = store.load(b.id)
    assert find_item(ev, "Z05").status == "已整改"  # 张三's edit kept
    assert find_item(ev, "Z12").progress == D(90)


# --- concurrency ------------------------------------------------------------------------------------------


def test_concurrent_publishers_are_both_recorded(open_store) -> None:
    one, two = open_store(), open_store()  # two processes, same database
    results = run_together(
        lambda: one.publish(variant(数据来源="甲"), file_name="a.xlsx", by=Actor("甲", "evaluator")),
        lambda: two.publish(variant(数据来源="乙"), file_name="b.xlsx", by=Actor("乙", "evaluator")),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    [info] = one.evaluations()  # the same new evaluation, created once
    assert sorted(r.number for r in results) == [1, 2]
    assert info.versions == 2 and info.active_number == 2


def test_concurrent_editors_of_different_items_are_both_recorded(open_store) -> None:
    one, two = open_store(), open_store()
    v1 = one.publish(SAMPLE.read_bytes(), file_name="a.xlsx", by=GROUP)
    results = run_together(
        lambda: edit(one, v1.evaluation_id, "Z05", v1.id, "张三", status="已整改", progress=D(100)),
        lambda: edit(two, v1.evaluation_id, "Z12", v1.id, "李四", progress=D(90)),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.number for r in results) == [2, 3]
    ev = one.load(one.evaluation(v1.evaluation_id).active_version_id)
    assert find_item(ev, "Z05").status == "已整改"
    assert find_item(ev, "Z12").progress == D(90)
    assert {c.by for c in one.changes(v1.evaluation_id)} == {"张三", "李四"}


def test_concurrent_editors_of_the_same_item_one_wins(open_store) -> None:
    one, two = open_store(), open_store()
    v1 = one.publish(SAMPLE.read_bytes(), file_name="a.xlsx", by=GROUP)
    results = run_together(
        lambda: edit(one, v1.evaluation_id, "Z05", v1.id, "张三", status="已整改"),
        lambda: edit(two, v1.evaluation_id, "Z05", v1.id, "李四", status="未整改"),
    )
    conflicts = [r for r in results if isinstance(r, ConflictError)]
    saved = [r for r in results if not isinstance(r, Exception)]
    assert len(conflicts) == 1 and len(saved) == 1, results
    winner = saved[0].by
    assert conflicts[0].changed_by == winner
    assert {c.by for c in one.changes(v1.evaluation_id)} == {winner}
    assert one.evaluation(v1.evaluation_id).versions == 2


# --- first run --------------------------------------------------------------------------------------------


def test_ensure_sample_is_idempotent(store: Store, sample_ev: Evaluation) -> None:
    v = store.ensure_sample(SAMPLE)
    assert v is not None and (v.kind, v.kind_label, v.by, v.number) == ("sample", "示例数据", "系统", 1)
    assert store.load(v.id) == sample_ev
    before = counts(store)
    assert store.ensure_sample(SAMPLE) is None
    assert counts(store) == before


def test_ensure_sample_does_nothing_when_an_evaluation_exists(store: Store) -> None:
    store.publish(variant(年度=2024), file_name="a.xlsx", by=GROUP)
    assert store.ensure_sample(SAMPLE) is None
    assert [e.year for e in store.evaluations()] == [2024]


def test_ensure_sample_from_two_processes_at_once(open_store) -> None:
    one, two = open_store(), open_store()
    results = run_together(lambda: one.ensure_sample(SAMPLE), lambda: two.ensure_sample(SAMPLE))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r is not None for r in results) == 1
    assert counts(one)["versions"] == 1 and counts(one)["evaluations"] == 1


# --- configuration ----------------------------------------------------------------------------------------


def test_from_env_default_path(tmp_path: Path) -> None:
    s = Store.from_env({}, root=tmp_path)
    try:
        assert (tmp_path / ".evalboard" / "evalboard.db").is_file()
        assert s.backend == "sqlite" and s.url.endswith("/.evalboard/evalboard.db")
    finally:
        s.dispose()


def test_from_env_db_path_and_database_url(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "x.db"
    s = Store.from_env({"EVALBOARD_DB_PATH": str(path)}, root=tmp_path / "unused")
    s.dispose()
    assert path.is_file() and not (tmp_path / "unused").exists()
    url = sa.URL.create("sqlite", database=str(tmp_path / "by_url.db")).render_as_string()
    s = Store.from_env({"EVALBOARD_DATABASE_URL": url, "EVALBOARD_DB_PATH": str(path)})
    s.dispose()
    assert (tmp_path / "by_url.db").is_file()


def test_url_hides_the_password(store: Store, db_url: str) -> None:
    url = sa.make_url(db_url)
    if url.password:
        secret = f":{url.password}@"
        assert secret not in store.url and ":***@" in store.url
        assert secret not in repr(store)
    assert store.url.startswith(store.backend)


def test_a_database_that_cannot_be_opened_is_a_store_error(tmp_path: Path, db_url: str) -> None:
    url = sa.make_url(db_url)
    if url.get_backend_name() == "sqlite":
        bad = url.set(database=str(tmp_path))  # a folder, not a file
    else:
        bad = url.set(password="wrong-password")
    with pytest.raises(StoreError, match="^无法打开数据库 ") as info:
        Store(bad)
    assert "wrong-password" not in str(info.value)


def test_plain_postgresql_urls_use_psycopg() -> None:
    u = store_module.normalise_url("postgresql://u:p@db.example:5432/evalboard")
    assert u.drivername == "postgresql+psycopg"
    assert store_module.normalise_url("postgres://u:p@h/e").drivername == "postgresql+psycopg"
    assert store_module.normalise_url("sqlite:///x.db").drivername == "sqlite"


def test_in_memory_sqlite_is_one_database_for_every_thread() -> None:
    s = Store("sqlite://")
    try:
        s.ensure_sample(SAMPLE)
        [result] = run_together(lambda: len(s.evaluations()))
        assert result == 1
    finally:
        s.dispose()
