"""数据管理 › 上传工作簿 against careless and hostile files (issue 13): the caption says what is stored and what
is refused, an over-limit file gets the app's Chinese message before it is read, a hostile part is refused by
name, and the gaps of an accepted workbook are listed next to the publish button. Nothing stored changes."""
import pytest
from apptest_support import PAGES, ROOT, texts, unescape
from streamlit.testing.v1 import AppTest

from evalcore.store import Store
from evalcore.workbook import MAX_FILE_BYTES
from tests.unit import badfiles  # the bad-file builders of the unit suite

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "evalboard.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(path))
    return path


def data_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page(PAGES["数据管理"]).run()
    at.text_input(key="operator").input("李评价").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def stored(db) -> list:
    store = Store(f"sqlite:///{db}")
    return [(v.id, v.file_hash, v.active) for e in store.evaluations() for v in store.versions(e.id)]


def _cells(at: AppTest) -> str:
    """Every cell of the tables shown (the validation messages), as a reader sees them."""
    return " ".join(str(unescape(v)) for t in [*at.table, *at.dataframe] for v in t.value.to_numpy().ravel())


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="upload_file").upload(name, content, XLSX)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_caption_says_what_is_stored_and_refused(db):
    shown = texts(data_page())
    for word in ("原样保存", "公式", "外部链接", "宏", "嵌入对象", "图片", f"{MAX_FILE_BYTES // 1024 // 1024} MB"):
        assert word in shown, word


def test_an_over_limit_file_gets_the_apps_chinese_message(db):
    at = data_page()
    before = stored(db)
    upload(at, "大文件.xlsx", b"PK\x03\x04" + bytes(MAX_FILE_BYTES + 1))
    assert any("有错误的文件不能发布" in e.value for e in at.error)
    assert "文件过大" in _cells(at) and "上限 30 MB" in _cells(at)
    assert not [b for b in at.button if b.key == "upload_publish"]
    assert stored(db) == before


def test_a_hostile_part_is_refused_by_name_and_nothing_is_stored(db):
    at = data_page()
    before = stored(db)
    upload(at, "带外部链接.xlsx", badfiles.external_link_part())
    assert any("有错误的文件不能发布" in e.value for e in at.error)
    assert "外部链接" in _cells(at) and "externalLink1.xml" in _cells(at)
    assert not [b for b in at.button if b.key == "upload_publish"]
    assert stored(db) == before


def test_gaps_are_listed_before_publishing(db):
    at = data_page()
    upload(at, "缺预算执行.xlsx", badfiles.missing_budget_sheet())
    gaps = [unescape(w.value) for w in at.warning if "发布前请注意" in unescape(w.value)]
    assert gaps, [w.value for w in at.warning]
    assert "预算执行" in gaps[0] and "无法核对" in gaps[0]
    assert [b for b in at.button if b.key == "upload_publish"]  # a warning does not block publishing
