"""Password sign-in in real Chromium: the form, a refusal, a viewer without write controls, an evaluator with them."""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

import sample_data
from evalcore.auth import Actor
from evalcore.store import Store
from evalcore.workbook import read_workbook, workbook_bytes

pytestmark = pytest.mark.browser

PASSWORD = "Liu-Lan-Qi-2025"
UPLOADER = "[data-testid='stFileUploader']"
SIDEBAR = "[data-testid='stSidebar']"


@pytest.fixture(scope="module")
def password_url(ui, tmp_path_factory) -> Iterator[str]:
    log_dir = tmp_path_factory.mktemp("password-app")
    store = Store.sqlite(log_dir / "evalboard.db")
    for name, role in (("wang", "viewer"), ("li", "evaluator")):
        store.add_user(name, role, PASSWORD, by=Actor("测试@命令行", "admin", "cli"))
    store.dispose()
    # serve.py: the app with its sign-in cookie route (sessions bound to the browser)
    with ui.serve_app(log_dir, env={"EVALBOARD_AUTH": "password"}, script="serve.py") as url:
        url_db[url] = log_dir / "evalboard.db"
        yield url


url_db: dict[str, object] = {}


def sign_in(page, ui, name: str, password: str = PASSWORD) -> None:
    page.get_by_role("textbox", name="用户名").fill(name)
    page.get_by_role("textbox", name="密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    ui.wait_for_app(page)


def test_viewer_signs_in_and_is_offered_no_write_control(password_url, new_page, ui):
    page = new_page(1280, 800)
    ui.open_and_settle(page, password_url + "/")
    body = page.inner_text("body")
    assert "82.69%" not in body and page.locator(f"{SIDEBAR} a").count() == 0  # nothing before signing in
    sign_in(page, ui, "wang", "not-the-password")
    ui.wait_for_texts(page, ["用户名或密码错误"])
    assert "82.69%" not in page.inner_text("body")
    sign_in(page, ui, "wang")
    ui.wait_for_texts(page, ["82.69%", "98.36%"])
    assert "已登录：wang（查看者）" in page.locator(SIDEBAR).inner_text()
    ui.assert_no_errors(page)
    expect(page.locator(f"{SIDEBAR} a", has_text="管理").filter(has_not_text="数据")).to_have_count(0)
    page.locator(f"{SIDEBAR} a", has_text="数据管理").click()  # the same session: no new sign-in
    ui.wait_for_app(page)
    ui.wait_for_texts(page, ["你的角色是查看者", "版本记录"])
    expect(page.locator(UPLOADER)).to_have_count(0)
    assert page.get_by_role("button", name="发布").count() == 0 and page.get_by_role("button", name="回滚").count() == 0


def test_evaluator_gets_the_uploader_after_a_deep_link(password_url, new_page, ui):
    page = new_page(1920, 1080)
    ui.open_and_settle(page, password_url + "/data")
    expect(page.locator(UPLOADER)).to_have_count(0)
    sign_in(page, ui, "li")
    ui.wait_for_texts(page, ["上传填好的工作簿"])
    assert "已登录：li（评价人员）" in page.locator(SIDEBAR).inner_text()
    expect(page.locator(UPLOADER)).to_have_count(3)  # the workbook, the report text, the bulk import (other tabs)
    ui.assert_no_errors(page)
    page.get_by_role("button", name="退出登录").click()
    ui.wait_for_app(page)
    ui.wait_for_texts(page, ["已退出登录"])
    expect(page.locator(UPLOADER)).to_have_count(0)


def test_a_signed_in_evaluators_upload_passes_the_guard(password_url, new_page, ui, tmp_path):
    """serve.py's guard refuses uploads from anyone not signed in as an evaluator or admin with the session's own
    cookie (components/guard.py); a real browser's upload from a signed-in evaluator goes through."""
    import sample_data
    page = new_page(1920, 1080)
    ui.open_and_settle(page, password_url + "/data")
    sign_in(page, ui, "li")
    ui.wait_for_texts(page, ["上传填好的工作簿"])
    path = tmp_path / "长沙2023.xlsx"
    path.write_bytes(Path(sample_data.WORKBOOK).read_bytes())
    page.locator(f"{UPLOADER} input[type='file']").first.set_input_files(str(path))
    ui.wait_for_texts(page, ["长沙2023.xlsx", "与当前版本比较"], timeout_ms=30_000)
    ui.assert_no_errors(page)


def wang_sign_ins(url: str) -> int:
    store = Store.sqlite(url_db[url])
    try:
        return len([e for e in store.audit_log(actions=["sign_in"]) if e.actor == "wang"])
    finally:
        store.dispose()


def test_a_reload_a_bookmark_and_a_new_tab_stay_signed_in(password_url, new_page, ui):
    before = wang_sign_ins(password_url)
    page = new_page(1280, 800)
    ui.open_and_settle(page, password_url + "/")
    sign_in(page, ui, "wang")
    ui.wait_for_texts(page, ["82.69%"])
    cookie = {c["name"]: c for c in page.context.cookies()}["evalboard_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "evalboard_session" not in page.evaluate("document.cookie")  # no script can read it
    page.reload()
    ui.wait_for_app(page)
    ui.wait_for_texts(page, ["82.69%"])
    assert "已登录：wang（查看者）" in page.locator(SIDEBAR).inner_text()
    tab = page.context.new_page()  # a new tab on a bookmarked page
    ui.open_and_settle(tab, password_url + "/data")
    ui.wait_for_texts(tab, ["你的角色是查看者"])
    assert wang_sign_ins(password_url) == before + 1  # one sign-in: the reload and the new tab add none
    tab.get_by_role("button", name="退出登录").click()
    ui.wait_for_app(tab)
    page.reload()  # signed out everywhere: the cookie no longer names a live session
    ui.wait_for_app(page)
    expect(page.get_by_role("textbox", name="密码")).to_have_count(1)


def test_sign_in_returns_to_the_link_with_its_query_string(password_url, new_page, ui):
    """A link with ``?eval=ID`` opened before signing in comes back to that evaluation (issue 28): the handoff
    keeps the query string that ``st.context.url`` drops."""
    first = new_page(1280, 800)
    ui.open_and_settle(first, password_url + "/units")
    sign_in(first, ui, "wang")  # the server seeds its store with the first-run samples on a signed-in page run
    expect(first.locator(SIDEBAR)).to_contain_text("已登录：wang（查看者）")
    store = Store.sqlite(url_db[password_url])
    try:  # a second evaluation, published later: a page without ?eval= would open that one (the last test here)
        ev = read_workbook(sample_data.WORKBOOK).evaluation
        later = dataclasses.replace(ev, meta=dataclasses.replace(ev.meta, year=2024,
                                                                 title=ev.meta.title.replace("2023", "2024")))
        store.publish(workbook_bytes(later), file_name="2024.xlsx", by=Actor("测试@命令行", "evaluator", "cli"))
        infos = store.evaluations()
    finally:
        store.dispose()
    assert len(infos) >= 2
    newest = max(infos, key=lambda i: (i.updated_at, i.id))
    other = next(i for i in infos if i.id != newest.id)  # not the one a page opens on without ?eval=
    page = new_page(1280, 800)  # another browser, not signed in, opens a link naming that evaluation
    ui.open_and_settle(page, password_url + f"/units?eval={other.id}")
    expect(page.get_by_role("textbox", name="密码")).to_have_count(1)
    sign_in(page, ui, "wang")
    expect(page.locator(SIDEBAR)).to_contain_text("已登录：wang（查看者）")
    expect(page).to_have_url(re.compile(rf"/units\?(.*&)?eval={other.id}\b"))
    expect(page.locator("[data-testid='stMain']")).to_contain_text(other.title)  # that evaluation, not the newest
    ui.assert_no_errors(page)
