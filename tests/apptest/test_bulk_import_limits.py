"""数据管理 › 批量导入 with the import limits (issue 27): an over-size file is refused by its size and never read, and
a batch over the total is refused before any file is read; nothing is published from either."""
from apptest_support import ROOT
from streamlit.testing.v1 import AppTest

from evalcore.importer import MAX_IMPORT_BYTES
from evalcore.store import Store

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TXT = "text/plain"


def _data_page(monkeypatch, tmp_path) -> AppTest:
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(tmp_path / "data.db"))
    monkeypatch.setenv("EVALBOARD_SAMPLES", "seed")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page("pages/5_data.py").run()
    at.text_input(key="operator").input("李评价").run()
    return at


def _versions(tmp_path) -> int:
    store = Store(f"sqlite:///{tmp_path / 'data.db'}")
    try:
        return sum(len(store.versions(e.id)) for e in store.evaluations(include_archived=True))
    finally:
        store.dispose()


def test_an_oversize_report_text_is_refused_by_its_size(tmp_path, monkeypatch):
    from sample_data import WORKBOOK
    at = _data_page(monkeypatch, tmp_path)
    before = _versions(tmp_path)
    big = "问题".encode() * (MAX_IMPORT_BYTES // 6 + 1)  # a text report just over the limit
    files = [("巨大的报告.txt", big, TXT), ("changsha.xlsx", WORKBOOK.read_bytes(), XLSX)]
    at.file_uploader(key="bulk_files").set_value(files).run()
    at.button(key="bulk_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(df.value for df in at.dataframe if "结果" in df.value.columns)
    rows = dict(zip(table["文件"], table["说明"], strict=True))
    assert "文件过大" in rows["巨大的报告.txt"] and "上限 30.0 MB" in rows["巨大的报告.txt"]
    assert _versions(tmp_path) == before  # the sample is a duplicate of the seed: nothing new either way


def test_a_batch_over_the_total_is_refused_before_reading(tmp_path, monkeypatch):
    import evalcore.importer as importer
    monkeypatch.setattr(importer, "MAX_IMPORT_TOTAL_BYTES", 100 * 1024)  # a small total, with small files
    at = _data_page(monkeypatch, tmp_path)
    before = _versions(tmp_path)
    files = [(f"报告{i}.txt", "问题".encode() * 10_000, TXT) for i in range(3)]  # 3 x 60 KB
    at.file_uploader(key="bulk_files").set_value(files).run()
    at.button(key="bulk_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("合计" in e.value and "分批导入" in e.value for e in at.error), [e.value for e in at.error]
    assert not [df for df in at.dataframe if "结果" in df.value.columns]
    assert _versions(tmp_path) == before
