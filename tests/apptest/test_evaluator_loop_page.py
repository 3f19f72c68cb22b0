"""The evaluator's loop on 数据管理 (issue 28, item 9): a bad workbook comes back marked; a new evaluation is
summarised before its first publish; after publishing, the same file is not offered for publishing again."""
import dataclasses

import pytest
from apptest_support import PAGES, ROOT
from streamlit.testing.v1 import AppTest

from evalcore.model import Meta
from evalcore.workbook import read_workbook, workbook_bytes
from sample_data import WORKBOOK

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def at(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(tmp_path / "evalboard.db"))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    app.switch_page(PAGES["数据管理"]).run()
    app.text_input(key="operator").input("李评价").run()
    return app


def _new_evaluation() -> bytes:
    ev = read_workbook(WORKBOOK).evaluation
    meta: Meta = dataclasses.replace(ev.meta, title="2024年度长沙市信息化建设和运维项目绩效评价结果", year=2024)
    return workbook_bytes(dataclasses.replace(ev, meta=meta))


def test_a_bad_workbook_can_be_downloaded_marked(at):
    ev = read_workbook(WORKBOOK).evaluation
    lines = list(ev.budget_lines)
    lines[1] = dataclasses.replace(lines[1], unit="市数据")
    at.file_uploader(key="upload_file").upload("坏.xlsx", workbook_bytes(
        dataclasses.replace(ev, budget_lines=tuple(lines))), XLSX).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [b for b in at.get("download_button") if b.proto.label == "下载标注了问题单元格的工作簿"]


def test_summary_before_a_first_publish_then_a_clean_page(at):
    at.file_uploader(key="upload_file").upload("长沙2024.xlsx", _new_evaluation(), XLSX).run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["单位"] == "3 个" and metrics["资金"] == "14,331.38 万元"
    assert metrics["问题 / 建议 / 整改"] == "19 / 18 / 19"
    at.checkbox(key="upload_confirm").check().run()
    at.button(key="upload_publish").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已发布为第 1 版" in s.value for s in at.success)
    assert not [b for b in at.button if b.key == "upload_publish"]  # no live 发布 for the file just published
