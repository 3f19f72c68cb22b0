"""Attacks over Streamlit's WebSocket, with a client that speaks the protocol directly (tests/security/st_wire.py):
widget values of the wrong type, and a second client that claims someone else's session id."""
from __future__ import annotations

import re

import httpx
from st_wire import Client
from streamlit.proto.WidgetStates_pb2 import WidgetState

PASSWORD = "Mi-Ma-2025-abc"  # the accounts of the password_server fixture (tests/security/conftest.py)
INTERNALS = ("Traceback", "File \"", ".py", "/work", "site-packages", "TypeError", "deserialize")


def test_a_widget_value_of_the_wrong_type_shows_no_internals(password_server: str) -> None:
    client = Client(password_server)
    try:
        first = client.rerun()
        ids = first.ids
        forged = [WidgetState(id=ids["_sign_in_name"], double_value=3.5),  # a number where text belongs
                  WidgetState(id=ids["_sign_in_password"], string_value="x"),
                  WidgetState(id=ids["FormSubmitter:sign_in_form-登录"], trigger_value=True)]
        run = client.rerun(page_hash=first.page_hash, widgets=forged)
    finally:
        client.close()
    assert run.finished
    shown = "\n".join(run.texts)
    for leak in INTERNALS:
        assert leak not in shown, leak
    # a Chinese message with an error id; the id leads to the trace in the server log
    message = [t for t in run.texts if "错误编号" in t]
    assert message, "the forged value no longer fails the run: pick another"
    error_id = re.search(r"错误编号 ([0-9A-F]{8})", message[0]).group(1)
    log = password_server.log.read_text(errors="replace")
    assert f"错误编号 {error_id}" in log and "Traceback" in log


def browser_cookie(base: str) -> str:
    """The ``evalboard_bind`` cookie a browser gets with its first page (a sign-in is bound to it)."""
    page = httpx.get(base + "/")
    assert page.status_code == 200
    return f"evalboard_bind={page.cookies['evalboard_bind']}"


def sign_in(base: str, name: str, password: str = PASSWORD) -> tuple[Client, str]:
    """Sign in as a browser does: its page load (the bind cookie), the form over the WebSocket, then the one-time
    handoff over HTTP for the cookie, then a new connection carrying it. Returns that connection and the cookie
    header."""
    bind = browser_cookie(base)
    client = Client(base, cookies=bind)
    first = client.rerun()
    ids = first.ids
    submitted = client.rerun(page_hash=first.page_hash, widgets=[
        WidgetState(id=ids["_sign_in_name"], string_value=name),
        WidgetState(id=ids["_sign_in_password"], string_value=password),
        WidgetState(id=ids["FormSubmitter:sign_in_form-登录"], trigger_value=True)])
    client.close()
    urls = [t for t in submitted.texts if t.startswith("/api/evalboard/session?code=")]
    assert urls, submitted.text
    response = httpx.get(base + urls[0], follow_redirects=False, headers={"Cookie": bind})
    assert response.status_code == 303 and response.headers["location"] == "/"
    set_cookie = response.headers["set-cookie"]
    assert "httponly" in set_cookie.lower() and "samesite=strict" in set_cookie.lower()
    cookie = set_cookie.split(";", 1)[0]
    assert httpx.get(base + urls[0], follow_redirects=False, headers={"Cookie": bind}).headers.get(
        "set-cookie") is None  # one use only
    return Client(base, cookies=f"{cookie}; {bind}"), f"{cookie}; {bind}"


def test_a_reused_session_id_signs_nobody_in(password_server: str) -> None:
    victim, _ = sign_in(password_server, "li")
    signed = victim.rerun()
    assert "已登录：li（评价人员）" in signed.text
    # the attacker read the id from an upload URL and resumes it, without the victim's cookie
    attacker = Client(password_server, session_id=victim.session_id)
    try:
        run = attacker.rerun(page_hash=signed.page_hash)
        assert "已登录：li" not in run.text
        assert run.ids.get("_sign_in_password") and "请重新登录" in run.text
        again = attacker.rerun(page_hash=signed.page_hash)  # and stays signed out
        assert "已登录：li" not in again.text
    finally:
        attacker.close()
        victim.close()


def test_a_reload_or_new_tab_keeps_the_session_and_is_no_new_sign_in(password_server: str) -> None:
    from evalcore.store import Store
    first, cookie = sign_in(password_server, "zhao")
    assert "已登录：zhao" in first.rerun().text
    first.close()
    for _ in range(2):  # a reload, a new tab: new connections with the cookie
        tab = Client(password_server, cookies=cookie)
        try:
            assert "已登录：zhao（评价人员）" in tab.rerun().text
        finally:
            tab.close()
    db = Store.sqlite(password_server.db)
    try:
        assert len([e for e in db.audit_log(actions=["sign_in"]) if e.actor == "zhao"]) == 1
    finally:
        db.dispose()
