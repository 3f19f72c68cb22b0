"""An evaluation whose active version the current reader refuses (issue 27): its pages show a Chinese message that
points an admin to the versions panel (never an error id, never a traceback), 数据管理 shows that panel, and a
rollback from it makes the evaluation readable again."""
import pytest
from apptest_support import ROOT
from streamlit.testing.v1 import AppTest

from evalcore.store import Store
from tests.unreadable import store_with_unreadable_active


@pytest.fixture
def broken(tmp_path, monkeypatch):
    db = tmp_path / "evalboard.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(db))
    return db, store_with_unreadable_active(db)


def _open(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    if page != "app.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", ["app.py", "pages/1_units.py", "pages/3_rectification.py"])
def test_the_evaluations_pages_say_so_in_chinese(broken, page):
    at = _open(page)
    said = " ".join(e.value for e in at.error)
    assert "当前版本（第 2 版）无法被当前程序读取" in said and "数据管理 → 版本记录" in said and "回滚" in said
    assert "错误编号" not in said and "Traceback" not in said


def test_the_versions_panel_and_rollback_work(broken):
    db, (eid, v1, v2) = broken
    at = _open("pages/5_data.py")
    assert any("无法被当前程序读取" in e.value for e in at.error)
    table = next(df.value for df in at.dataframe if "版本" in df.value.columns)
    assert list(table["版本"]) == ["第 2 版（当前）", "第 1 版"]
    at.text_input(key="operator").input("王管理").run()
    at.selectbox(key="version_pick").select(1).run()
    at.checkbox(key="rollback_confirm").check().run()
    at.button(key="rollback_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [e for e in at.error if "无法被当前程序读取" in e.value]  # the page reads the evaluation again
    store = Store.sqlite(db)
    try:
        info = store.evaluation(eid)
        assert info.active_number == 3 and store.workbook(info.active_version_id) == store.workbook(v1)
        assert store.audit_log(limit=1)[0].action == "rollback"
    finally:
        store.dispose()
