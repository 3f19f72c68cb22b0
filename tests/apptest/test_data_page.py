"""数据管理 in AppTest: upload a good and a bad workbook, preview, publish, 整改 updates with a conflict, rollback."""
import dataclasses
from decimal import Decimal

import pytest
from apptest_support import PAGES, ROOT, texts, unescape
from streamlit.testing.v1 import AppTest

from evalcore.auth import Actor
from evalcore.store import Store
from evalcore.workbook import read_workbook, workbook_bytes

SAMPLE = ROOT / "sample_data" / "changsha_2023.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A fresh store for each test (the app seeds it with the sample on first use)."""
    path = tmp_path / "evalboard.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(path))
    return path


def open_data_page(operator: str | None = "李评价") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(PAGES["数据管理"]).run()
    assert not at.exception, [e.value for e in at.exception]
    if operator:
        at.text_input(key="operator").input(operator).run()
    return at


def frame(at: AppTest, *columns: str):
    """The first table shown with these columns (AppTest's dataframes carry no key)."""
    for df in [*at.dataframe, *at.table]:
        value = df.value.reset_index() if df.value.index.name else df.value
        if set(columns) <= set(value.columns):
            # st.table cells are Markdown, so they hold workbook text escaped: compare what a reader sees
            return value.map(unescape) if df in at.table else value
    raise AssertionError(f"no table with columns {columns}")


def changed_sample() -> bytes:
    ev = read_workbook(SAMPLE).evaluation
    lines = list(ev.budget_lines)
    lines[0] = dataclasses.replace(lines[0], executed=Decimal("2900.00"), stated_rate=None)
    return workbook_bytes(dataclasses.replace(ev, budget_lines=tuple(lines)))


def versions(db) -> list:
    store = Store(f"sqlite:///{db}")
    [info] = store.evaluations()
    return store.versions(info.id)


def test_the_page_offers_the_template_and_every_section(db):
    at = open_data_page(operator=None)
    labels = [t.label for t in at.tabs]
    assert labels == ["上传工作簿", "从报告文本导入", "批量导入", "整改更新", "单位别名", "版本记录", "导出"]
    assert at.get("download_button"), "template download button missing"
    assert any("第 1 版（当前）" in str(v) for v in frame(at, "版本", "类型")["版本"])


def test_a_bad_workbook_shows_every_error_and_cannot_be_published(db):
    at = open_data_page()
    before = versions(db)
    bad = read_workbook(SAMPLE).evaluation
    lines = list(bad.budget_lines)
    lines[0] = dataclasses.replace(lines[0], budget=Decimal("-1"))
    lines[1] = dataclasses.replace(lines[1], unit="不存在的单位")
    at.file_uploader(key="upload_file").upload("坏文件.xlsx", workbook_bytes(
        dataclasses.replace(bad, budget_lines=tuple(lines))), XLSX)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("有错误的文件不能发布" in e.value for e in at.error)
    table = frame(at, "级别", "工作表")
    assert "预算执行" in set(table["工作表"])
    assert {"-1", "不存在的单位"} <= set(table["填写的值"])
    assert not [b for b in at.button if b.key == "upload_publish"], "a file with errors offers no publish button"
    assert versions(db) == before  # nothing written


def test_not_a_workbook_is_refused_with_a_chinese_message(db):
    at = open_data_page()
    at.file_uploader(key="upload_file").upload("数据.csv", "单位,预算\n市数据局,3400.06\n".encode(), "text/csv")
    at.run()
    assert not at.exception
    table = frame(at, "级别", "工作表")
    assert list(table["工作表"]) == ["（文件）"]
    assert len(versions(db)) == 1


def test_a_good_workbook_is_previewed_then_published_and_shown(db):
    at = open_data_page()
    at.file_uploader(key="upload_file").upload("长沙2023-修订.xlsx", changed_sample(), XLSX)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # passes; the changed rate moves the rule-scored B11, so the breakdown no longer sums to the stated 86.98
    assert any("校验通过，但有 1 个警告" in w.value for w in at.warning)
    assert any("第 2 版" in i.value and "修改 " in i.value for i in at.info)
    diff = frame(at, "部分", "字段")
    row = diff[diff["字段"] == "实际执行金额（万元）"].iloc[0]
    assert (row["原值"], row["新值"]) == ("2811.47", "2900.00")
    publish = at.button(key="upload_publish")
    assert publish.disabled  # not before the confirmation
    at.checkbox(key="upload_confirm").check().run()
    at.button(key="upload_publish").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已发布第 2 版" in s.value for s in at.success)
    [v2, v1] = versions(db)
    assert (v2.number, v2.by, v2.active, v1.active) == (2, "李评价", True, False)
    at.switch_page("app.py").run()
    assert "2,900.00" in " ".join(m.value for m in at.metric) or "85.29%" in texts(at)


def test_publishing_needs_an_operator(db):
    at = open_data_page(operator=None)
    at.file_uploader(key="upload_file").upload("x.xlsx", changed_sample(), XLSX)
    at.run()
    at.checkbox(key="upload_confirm").check().run()
    assert at.button(key="upload_publish").disabled


def _rect_keys(at: AppTest, item: str) -> str:
    evaluation_id = versions_info(at)
    return f"rect_{evaluation_id}_{item}"


def versions_info(at: AppTest) -> int:
    return at.session_state["evaluation_id"]


def test_rectification_update_is_saved_with_its_history(db):
    at = open_data_page()
    at.selectbox(key="rect_item").set_value("Z01").run()
    prefix = _rect_keys(at, "Z01")
    # inside a form the values travel with the submit, so no run in between
    at.text_input(key=f"{prefix}_evidence").input("长数据发〔2024〕12号")
    at.text_area(key=f"{prefix}_note").input("已完成资金清理")
    at.button(key=f"FormSubmitter:{prefix}_form-保存整改更新").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已保存 Z01 的整改更新" in s.value for s in at.success)
    changes = frame(at, "字段", "操作人", "原值")
    assert "佐证材料" in set(changes["字段"]) and "李评价" in set(changes["操作人"])
    assert versions(db)[0].kind == "rectification"


def test_a_concurrent_edit_of_the_same_item_is_a_conflict_and_keeps_my_input(db):
    at = open_data_page()
    at.selectbox(key="rect_item").set_value("Z02").run()
    prefix = _rect_keys(at, "Z02")
    # someone else saves Z02 while this editor is typing
    store = Store(f"sqlite:///{db}")
    [info] = store.evaluations()
    item = next(i for i in store.load(info.active_version_id).rectification if i.id == "Z02")
    store.update_rectification(info.id, "Z02", base_version_id=info.active_version_id, status=item.status,
                               progress=item.progress, note="王审核的修改", evidence=item.evidence,
                               by=Actor("王审核", "evaluator"))
    at.text_area(key=f"{prefix}_note").input("我的修改")
    at.button(key=f"FormSubmitter:{prefix}_form-保存整改更新").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("王审核" in e.value for e in at.error), [e.value for e in at.error]
    assert at.text_area(key=f"{prefix}_note").value == "我的修改"  # the input is kept
    stored = Store(f"sqlite:///{db}")
    latest = stored.load(stored.evaluations()[0].active_version_id)
    assert next(i for i in latest.rectification if i.id == "Z02").note == "王审核的修改"


def test_rollback_publishes_the_old_content_as_a_new_version(db):
    at = open_data_page()
    at.file_uploader(key="upload_file").upload("v2.xlsx", changed_sample(), XLSX)
    at.run()
    at.checkbox(key="upload_confirm").check().run()
    at.button(key="upload_publish").click().run()
    at.selectbox(key="version_pick").set_value(1).run()
    at.checkbox(key="rollback_confirm").check().run()
    at.button(key="rollback_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已回滚" in s.value for s in at.success)
    v3, v2, v1 = versions(db)
    assert v3.kind == "rollback" and v3.file_hash == v1.file_hash and v3.active
    assert any(m.value == "82.69%" for m in AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run().metric)
