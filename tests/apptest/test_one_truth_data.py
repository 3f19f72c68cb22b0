"""One truth per view on 数据管理 (issue 28, items 8 and 9): after a 整改 save the page shows the new status (the
picker holds no status: the browser did not redraw its text, which showed a stale "（整改中）"), the change log
names versions as the user knows them ("第 2 版", not a database id), and the page stays on the 整改更新 tab."""
import pytest
from apptest_support import PAGES, ROOT
from streamlit.testing.v1 import AppTest

from evalcore.store import Store


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "evalboard.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(path))
    return path


def test_a_save_shows_the_new_status_and_version_numbers_and_keeps_the_tab(db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page(PAGES["数据管理"]).run()
    at.text_input(key="operator").input("李评价").run()
    at.session_state["data_tab"] = "整改更新"  # the evaluator opened the 整改更新 tab
    at.run()
    at.selectbox(key="rect_item").set_value("Z04").run()
    evaluation_id = at.session_state["evaluation_id"]
    prefix = f"rect_{evaluation_id}_Z04"
    assert "当前状态：整改中" in " ".join(t.value for t in at.text)
    assert all("整改中" not in o for o in at.selectbox(key="rect_item").options)  # no status in the picker to go stale
    at.selectbox(key=f"{prefix}_status").set_value("已整改")
    at.button(key=f"FormSubmitter:{prefix}_form-保存整改更新").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "当前状态：已整改" in " ".join(t.value for t in at.text)  # the saved version's status
    assert at.session_state["data_tab"] == "整改更新"  # still where the evaluator was
    log = next(df.value for df in at.dataframe if "版本" in df.value.columns and "字段" in df.value.columns)
    store = Store(f"sqlite:///{db}")
    try:
        numbers = {f"第 {v.number} 版" for v in store.versions(evaluation_id)}
    finally:
        store.engine.dispose()
    assert set(log["版本"]) <= numbers and "第 2 版" in set(log["版本"])
