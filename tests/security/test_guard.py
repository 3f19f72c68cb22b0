"""What serve.py's guard (components/guard.py) refuses before Streamlit sees it: WebSockets from another site
(another port of localhost included), /_stcore/metrics, uploads from anonymous visitors, uploads above the one
limit or above a session's pending bound (each refused from its headers, before its body is read, with a Chinese
body), and a sign-in link redeemed by another browser than the one that signed in (login CSRF)."""
from __future__ import annotations

import re
import socket
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from st_wire import Client
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string
from test_wire import browser_cookie, sign_in
from websockets.exceptions import InvalidStatus

from components import guard
from evalcore.workbook import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024
BOUNDARY = "----evalboard-test-boundary"


def put_headers_only(base: str, session_id: str, length: int | None, cookies: str = "",
                     timeout: float = 20) -> tuple[int, str]:
    """A PUT to the upload endpoint that states ``length`` bytes (None: a chunked body) and sends none of them: the
    answer can only come from the headers. A server that waits for the body gives no answer (socket.timeout: the
    test fails)."""
    xsrf = generate_xsrf_token_string()
    parts = urlsplit(base)
    cookie = "; ".join(c for c in (f"_streamlit_xsrf={xsrf}", cookies) if c)
    head = (f"PUT /_stcore/upload_file/{session_id}/file-1 HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
            + ("Transfer-Encoding: chunked\r\n" if length is None else f"Content-Length: {length}\r\n") +
            f"X-Xsrftoken: {xsrf}\r\nCookie: {cookie}\r\nOrigin: {base}\r\n\r\n")
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(head.encode("latin-1"))
        data = b""
        while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < _length(data):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data.split(b"\r\n\r\n", 1)[1].decode("utf-8", "replace")


def _length(data: bytes) -> int:
    found = re.search(rb"(?i)content-length: *(\d+)", data.split(b"\r\n\r\n", 1)[0])
    return int(found.group(1)) if found else 0


def upload(base: str, session_id: str, file_id: str, size: int, cookies: str) -> httpx.Response:
    xsrf = generate_xsrf_token_string()
    return httpx.put(f"{base}/_stcore/upload_file/{session_id}/{file_id}",
                     files={"file": ("数据.xlsx", b"x" * size, "application/octet-stream")},
                     headers={"X-Xsrftoken": xsrf, "Cookie": f"_streamlit_xsrf={xsrf}; {cookies}", "Origin": base},
                     timeout=120)


def test_the_metrics_endpoint_is_closed(password_server: str) -> None:
    response = httpx.get(password_server + "/_stcore/metrics")
    assert response.status_code == 404
    assert "streamlit" not in response.text.lower() and "session" not in response.text.lower()


def test_a_websocket_from_another_port_of_localhost_is_refused_even_with_the_cookie(password_server: str) -> None:
    client, cookie = sign_in(password_server, "li")
    client.close()
    port = urlsplit(password_server).port
    for origin in (f"http://localhost:{port + 1}", f"http://127.0.0.1:{port + 1}", "http://evil.example",
                   "null"):
        with pytest.raises(InvalidStatus):
            Client(password_server, cookies=cookie, origin=origin)
    same = Client(password_server, cookies=cookie)  # the site itself still connects
    try:
        assert "已登录：li" in same.rerun().text
    finally:
        same.close()


def test_an_anonymous_visitor_cannot_upload_and_is_refused_before_the_body(password_server: str) -> None:
    visitor = Client(password_server)
    try:
        run = visitor.rerun()
        assert run.ids.get("_sign_in_password")  # a live session, not signed in
        status, body = put_headers_only(password_server, run.session_id, 50 * MB)
    finally:
        visitor.close()
    assert status == 403
    assert "请先登录" in body


def test_a_signed_in_viewer_cannot_upload(password_server: str) -> None:
    client, cookie = sign_in(password_server, "wang")
    try:
        run = client.rerun()
        assert "已登录：wang" in run.text
        status, body = put_headers_only(password_server, run.session_id, MB, cookies=cookie)
    finally:
        client.close()
    assert status == 403 and "请先登录" in body


def test_a_signed_in_unit_reporter_may_upload_evidence(password_server: str) -> None:
    client, cookie = sign_in(password_server, "zhou")  # 单位填报: uploads its 佐证材料 (issue 25)
    try:
        run = client.rerun()
        assert "zhou" in run.text
        done = upload(password_server, run.session_id, "f1", MB, cookie)
    finally:
        client.close()
    assert done.status_code == 204


def test_a_session_id_without_its_cookie_cannot_upload(password_server: str) -> None:
    client, _ = sign_in(password_server, "li")
    try:
        run = client.rerun()
        assert "已登录：li" in run.text
        status, _ = put_headers_only(password_server, run.session_id, MB, cookies=browser_cookie(password_server))
    finally:
        client.close()
    assert status == 403


def test_an_upload_above_the_limit_is_refused_in_chinese_before_the_body(password_server: str) -> None:
    client, cookie = sign_in(password_server, "li")
    try:
        run = client.rerun()
        status, body = put_headers_only(password_server, run.session_id, MAX_FILE_BYTES + 2 * MB, cookies=cookie)
        # a request that does not state its length is refused too (nothing to check before reading it)
        status_chunked, body_chunked = put_headers_only(password_server, run.session_id, None, cookies=cookie)
    finally:
        client.close()
    assert status == 413 and f"上限 {MAX_FILE_BYTES // MB} MB" in body
    assert status_chunked == 411 and "Content-Length" in body_chunked


def test_pending_uploads_of_a_session_are_bounded(password_server: str) -> None:
    client, cookie = sign_in(password_server, "li")
    size = 21 * MB
    try:
        run = client.rerun()
        sid = run.session_id
        assert upload(password_server, sid, "f1", size, cookie).status_code == 204
        assert upload(password_server, sid, "f2", size, cookie).status_code == 204
        third = upload(password_server, sid, "f3", size, cookie)
    finally:
        client.close()
    assert third.status_code == 413
    assert "待处理的上传文件" in third.text


def test_a_sign_in_link_opened_in_another_browser_does_not_sign_that_browser_in(password_server: str) -> None:
    """Login CSRF: the attacker signs in as zhao and sends the unredeemed link to li's browser."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState
    from test_wire import PASSWORD
    victim, victim_cookie = sign_in(password_server, "li")
    victim.close()
    attacker_bind = browser_cookie(password_server)
    attacker = Client(password_server, cookies=attacker_bind)
    try:
        first = attacker.rerun()
        ids = first.ids
        submitted = attacker.rerun(page_hash=first.page_hash, widgets=[
            WidgetState(id=ids["_sign_in_name"], string_value="zhao"),
            WidgetState(id=ids["_sign_in_password"], string_value=PASSWORD),
            WidgetState(id=ids["FormSubmitter:sign_in_form-登录"], trigger_value=True)])
    finally:
        attacker.close()
    link = next(t for t in submitted.texts if t.startswith("/api/evalboard/session?code="))
    opened = httpx.get(password_server + link, follow_redirects=False, headers={"Cookie": victim_cookie})
    assert opened.status_code == 303 and opened.headers.get("set-cookie") is None
    still = Client(password_server, cookies=victim_cookie)
    try:
        assert "已登录：li（评价人员）" in still.rerun().text
    finally:
        still.close()
    # a browser with no bind cookie at all (a link opened in a fresh browser) is not signed in either
    assert httpx.get(password_server + link, follow_redirects=False).headers.get("set-cookie") is None
    # the browser that signed in still can
    mine = httpx.get(password_server + link, follow_redirects=False, headers={"Cookie": attacker_bind})
    assert "evalboard_session=" in mine.headers.get("set-cookie", "")


def test_the_upload_limit_is_stated_once() -> None:
    """One constant (MAX_FILE_BYTES); Streamlit's setting, nginx's limit and its Chinese 413 follow from it."""
    assert guard.UPLOAD_LIMIT_MB == 30
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == guard.UPLOAD_LIMIT_MB
    site = (ROOT / "deploy" / "nginx" / "evalboard.conf").read_text(encoding="utf-8")
    limits = re.findall(r"^\s*client_max_body_size\s+(\d+)m;", site, re.M)
    assert limits == [str(guard.UPLOAD_BODY_MAX // MB)]
    assert re.search(r"^\s*error_page 413 ", site, re.M)
    assert f"上限 {guard.UPLOAD_LIMIT_MB} MB" in site
    serve = (ROOT / "serve.py").read_text(encoding="utf-8")
    assert 'set_option("server.maxUploadSize", guard.UPLOAD_LIMIT_MB' in serve


def test_streamlits_own_limit_is_the_same_and_answers_in_chinese(password_server: str) -> None:
    """A file a little over 30 MB whose request is within nginx's framing margin passes the guard's header check;
    Streamlit's own limit (server.maxUploadSize, set from the constant by serve.py) then refuses it, and the
    guard gives its 413 the Chinese body."""
    client, cookie = sign_in(password_server, "li")
    try:
        run = client.rerun()
        response = upload(password_server, run.session_id, "f-over", MAX_FILE_BYTES + MB // 2, cookie)
    finally:
        client.close()
    assert response.status_code == 413
    assert f"上限 {MAX_FILE_BYTES // MB} MB" in response.text
