"""整改 with the units (issue 25), the whole loop in real Chromium: a unit signs in, attaches a PDF and reports; the
evaluator sends it back; the unit reports again; the evaluator accepts (销号); the 整改率 changes."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from evalcore import clock, rectification
from evalcore.auth import Actor
from evalcore.numbers import fmt_rate
from evalcore.store import Store

pytestmark = pytest.mark.browser

PASSWORD = "Liu-Lan-Qi-2025"
CLI = Actor("测试@命令行", "admin", "cli")
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture(scope="module")
def served(ui, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("unit-loop")
    db = folder / "evalboard.db"
    store = Store.sqlite(db)
    store.add_user("li", "evaluator", PASSWORD, by=CLI)
    store.add_user("dsj", "unit", PASSWORD, by=CLI, units=["长沙市数据局"], email="dsj@example.cn")
    store.dispose()
    with ui.serve_app(folder, env={"EVALBOARD_AUTH": "password"}, script="serve.py") as url:
        yield url, db


def sign_in(page, ui, name: str) -> None:
    page.get_by_role("textbox", name="用户名").fill(name)
    page.get_by_role("textbox", name="密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    ui.wait_for_app(page)


def rate(page) -> str:
    metric = page.locator("[data-testid='stMetric']", has_text="整改率")
    return metric.locator("[data-testid='stMetricValue']").inner_text().strip()


def report(page, ui, text: str, pdf: Path | None) -> None:
    page.get_by_role("textbox", name="整改情况说明").fill(text)
    if pdf is not None:
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(pdf))
        ui.wait_for_texts(page, [pdf.name])
    page.get_by_role("button", name="报送", exact=True).click()
    ui.wait_for_app(page)
    ui.wait_for_texts(page, ["已报送整改事项 Z05"])


def expected_rate(db: Path) -> str:
    store = Store.sqlite(db)
    try:
        ev = store.load(store.evaluations()[0].active_version_id)
        return fmt_rate(rectification.rectification_summary(ev, clock.today()).rate)
    finally:
        store.dispose()


def test_report_send_back_report_accept(served, new_page, ui, tmp_path):
    url, db = served
    pdf = tmp_path / "资产移交办法.pdf"
    pdf.write_bytes(PDF)

    unit = new_page(1400, 1000)
    ui.open_and_settle(unit, url + "/my_items?item=1:Z05")
    sign_in(unit, ui, "dsj")
    ui.open_and_settle(unit, url + "/my_items?item=1:Z05")  # the browser's cookie signs it in again
    ui.wait_for_texts(unit, ["我的整改", "本账户负责的单位：长沙市数据局", "明确统筹集约建设项目交付资产"])
    body = unit.inner_text("body")
    assert "清理上年结转资金" not in body  # 市数据中心's Z01 is not this unit's
    report(unit, ui, "已印发资产移交办法", pdf)
    ui.wait_for_texts(unit, ["该事项已报送、正在等待财政部门审核。", "下载 资产移交办法.pdf"])
    ui.assert_no_errors(unit)

    bureau = new_page(1400, 1000)
    ui.open_and_settle(bureau, url + "/rectification")
    sign_in(bureau, ui, "li")
    ui.wait_for_texts(bureau, ["单位报送待审核（1 项）", "已印发资产移交办法", "下载 资产移交办法.pdf"])
    before = rate(bureau)
    assert before == expected_rate(db)
    bureau.get_by_role("textbox", name="审核意见（退回时必填，写明理由）").fill("请附印发文件的文号页")
    bureau.get_by_role("button", name="退回").click()
    ui.wait_for_app(bureau)
    ui.wait_for_texts(bureau, ["整改事项 Z05 已退回单位", "单位报送待审核（0 项）"])
    assert rate(bureau) == before  # a send-back counts nothing

    ui.open_and_settle(unit, url + "/my_items?item=1:Z05")
    ui.wait_for_texts(unit, ["财政部门退回了上次报送：请附印发文件的文号页"])
    report(unit, ui, "补充了印发文件的文号页", None)

    ui.open_and_settle(bureau, url + "/rectification")
    ui.wait_for_texts(bureau, ["单位报送待审核（1 项）", "补充了印发文件的文号页"])
    bureau.get_by_role("button", name="销号（通过）").click()
    ui.wait_for_app(bureau)
    ui.wait_for_texts(bureau, ["整改事项 Z05 已销号，整改率已更新"])
    after = rate(bureau)
    assert after != before and after == expected_rate(db)
    ui.assert_no_errors(bureau)

    ui.open_and_settle(unit, url + "/my_items?item=1:Z05")
    ui.wait_for_texts(unit, ["该事项已销号。"])
    store = Store.sqlite(db)
    try:
        steps = [(s.step, s.actor) for s in store.loop_item(Actor("li", "evaluator"), 1, "Z05").steps]
        assert steps == [("report", "dsj"), ("return", "li"), ("report", "dsj"), ("accept", "li")]
    finally:
        store.dispose()
