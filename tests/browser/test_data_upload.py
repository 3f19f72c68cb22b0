"""数据管理 in real Chromium: upload through the file chooser, read the errors, publish, see it on the overview."""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from evalcore.workbook import read_workbook, workbook_bytes
from tests.browser import sidebar

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "changsha_2023.xlsx"


def _variant(tmp_path: Path, name: str, **line0) -> Path:
    ev = read_workbook(SAMPLE).evaluation
    lines = list(ev.budget_lines)
    lines[0] = dataclasses.replace(lines[0], **line0)
    path = tmp_path / name
    path.write_bytes(workbook_bytes(dataclasses.replace(ev, budget_lines=tuple(lines))))
    return path


def _upload(page, path: Path) -> None:
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(str(path))


def test_upload_bad_then_good_workbook_and_publish(cold_app_url, new_page, ui, tmp_path):
    bad = _variant(tmp_path, "有错误.xlsx", budget=Decimal("-5"))
    good = _variant(tmp_path, "修订版.xlsx", executed=Decimal("2900.00"), stated_rate=None)
    page = new_page(1920, 1080)
    ui.open_and_settle(page, cold_app_url + "/data")
    page.get_by_role("textbox", name="操作人").fill("李评价")
    page.get_by_role("textbox", name="操作人").press("Enter")
    ui.wait_for_app(page)

    _upload(page, bad)
    ui.wait_for_texts(page, ["有错误的文件不能发布", "有错误.xlsx"], timeout_ms=30_000)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    table = page.locator("[data-testid='stTable']").first
    table.wait_for()
    text = table.inner_text()  # the error table names sheet, row, column, value and what to do
    assert all(t in text for t in ("预算执行", "预算金额（万元）", "-5", "请")), text
    expect(page.get_by_role("button", name="发布")).to_have_count(0)  # no way to publish a file with errors

    _upload(page, good)
    ui.wait_for_texts(page, ["与当前版本比较", "将成为"], timeout_ms=30_000)
    ui.wait_for_app(page)
    page.get_by_text("我已核对以上内容，确认发布").click()
    ui.wait_for_app(page)
    page.get_by_role("button", name="发布", exact=True).click()
    ui.wait_for_texts(page, ["已发布第 2 版"], timeout_ms=30_000)

    sidebar.link(page, "总览").click()
    ui.wait_for_app(page)
    ui.wait_for_texts(page, ["85.29%", "13,652.13 万元"])  # 2900.00 ÷ 3400.06; 2900.00 + 10752.13
    ui.assert_no_errors(page)
