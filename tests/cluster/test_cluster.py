"""Two EvalBoard instances on one PostgreSQL behind nginx, brought up by scripts/cluster.sh (issue 12).

What a publish through one instance's store path looks like through the proxy and on the other instance (HTTP and
a Chromium page load), a sign-in's cookie valid on both instances, the takeover attempt (an admin's Streamlit
session id alone signs nobody in, on either instance), a server error's Chinese message with an error id, a 整改
edit conflict between two processes, kill -9 of the instance that serves the browser (the proxy carries on, the
open page stays signed in on the survivor through its cookie), a publish killed in the middle of its transaction
(absent, never half-written), and what the run directory and the access log keep (0700/0600, no secrets). The
instances run serve.py in password mode, as in a shared deployment.

Needs nginx, Debian's chromium and a PostgreSQL role with CREATEDB (EVALBOARD_TEST_POSTGRES_URL); skipped without
them on a developer's machine, failed in CI (EVALBOARD_CI=1). Ports: free ones, or EVALBOARD_CLUSTER_BASE_PORT
(two instances there and the next port) and EVALBOARD_CLUSTER_PROXY_PORT.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import openpyxl
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from streamlit.proto.WidgetStates_pb2 import WidgetState

import sample_data
from evalcore.auth import SYSTEM_ACTOR, Actor
from evalcore.store import Store
from tests import pg, serving
from tests.security.st_wire import Client

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parents[2]
NGINX = os.environ.get("EVALBOARD_NGINX", "/usr/sbin/nginx")
CHROMIUM = serving.CHROMIUM
ADMIN, PASSWORD = "值班管理员", "cluster-测试-口令-2025"
GROUP = Actor("评价组", "evaluator")
VERSION_TEXT = re.compile(r"当前第 (\d+) 版（共 (\d+) 版）")
SEEN: list[str] = []  # session ids the tests saw: none may appear in the access log


def _missing(what: str) -> None:
    if os.environ.get("EVALBOARD_CI"):
        pytest.fail(f"{what}: the cluster tests must run in CI")
    pytest.skip(what)


def variant(**meta: object) -> bytes:
    wb = openpyxl.load_workbook(sample_data.WORKBOOK)
    rows = {row[0].value: row[1] for row in wb["评价信息"].iter_rows(min_row=2)}
    for label, value in meta.items():
        rows[label].value = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


@dataclass
class Cluster:
    url: str
    ports: list[int]
    proxy: int
    run: Path
    env: dict[str, str]

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.proxy}/"

    def script(self, command: str, check: bool = True) -> subprocess.CompletedProcess:
        return serving.cluster(command, self.env, check=check)

    def pid(self, port: int) -> int:
        return int((self.run / f"instance-{port}.pid").read_text())

    def serving(self) -> int:
        """The instance nginx sent the latest logged request to (ip_hash: every loopback request goes there)."""
        lines = [line for line in (self.run / "nginx" / "access.log").read_text().splitlines() if "upstream=" in line]
        last = lines[-1].rsplit("upstream=", 1)[1].split(",")[-1].strip()
        return int(last.rsplit(":", 1)[1])

    def store(self) -> Store:
        return Store(self.url)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    admin_url = pg.admin_url()
    if not admin_url:
        _missing(f"{pg.PG_ENV} is not set (a PostgreSQL role with CREATEDB)")
    if not os.access(NGINX, os.X_OK):
        _missing(f"nginx not found at {NGINX} (apt-get install nginx)")
    if not os.access(CHROMIUM, os.X_OK):
        _missing(f"{CHROMIUM} not found")
    base = int(os.environ.get("EVALBOARD_CLUSTER_BASE_PORT") or serving.free_ports(2))
    proxy = int(os.environ.get("EVALBOARD_CLUSTER_PROXY_PORT") or serving.free_ports(1))
    run = Path(tempfile.mkdtemp(prefix="evalboard-cluster-", dir="/tmp"))  # nginx workers must reach it
    with pg.new_database(admin_url, "evalboard_test_cluster") as url:
        env = serving.cluster_env({k: v for k, v in os.environ.items() if not k.startswith("EVALBOARD_")}, url,
                                  2, base, proxy, run, EVALBOARD_AUTH="password", EVALBOARD_NGINX=NGINX)
        c = Cluster(url, [base, base + 1], proxy, run, env)
        s = c.store()
        s.add_user(ADMIN, "admin", PASSWORD, by=SYSTEM_ACTOR)
        s.dispose()
        try:
            c.script("up")
            yield c
        finally:
            down = c.script("down", check=False)
            print(down.stdout, down.stderr)
            for log in sorted(run.glob("*.log")) + sorted(run.glob("nginx/*.log")):
                print(f"--- {log}\n{log.read_text()[-3000:]}")
            shutil.rmtree(run, ignore_errors=True)


@pytest.fixture
def chromium(cluster: Cluster, request: pytest.FixtureRequest):
    """The session's Chromium (``browser`` in tests/conftest.py, shared with the browser tests), asked for once the
    cluster is up: a machine without nginx or PostgreSQL skips before Chromium is looked for."""
    return request.getfixturevalue("browser")


def sign_in(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="用户名").fill(ADMIN)
    page.get_by_role("textbox", name="密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()


def shown_version(page, timeout: float = 45) -> tuple[int, int]:
    """(当前第 N 版, 共 M 版) from the sidebar, once the page shows them."""
    locator = page.get_by_text(VERSION_TEXT)
    locator.wait_for(timeout=timeout * 1000)
    found = VERSION_TEXT.search(locator.inner_text())
    assert found
    return int(found.group(1)), int(found.group(2))


def wait_for_version(page, expected: tuple[int, int], timeout: float = 45) -> None:
    text = f"当前第 {expected[0]} 版（共 {expected[1]} 版）"
    with contextlib.suppress(AssertionError):  # (the assertion below says what the page shows instead)
        expect(page.get_by_text(text).first).to_be_visible(timeout=timeout * 1000)
    assert (seen := shown_version(page, timeout)) == expected, f"page shows {seen}, expected {expected}"


def test_a_publish_is_seen_through_the_proxy_and_on_the_other_instance(cluster: Cluster, chromium) -> None:
    for port in cluster.ports:
        assert http_status(f"http://127.0.0.1:{port}/_stcore/health") == 200
    assert http_status(cluster.proxy_url + "_stcore/health") == 200
    assert 'id="root"' in urllib.request.urlopen(cluster.proxy_url, timeout=10).read().decode()
    # a page through the proxy, and one on the instance the proxy does not use, both showing version 1
    proxied = chromium.new_page(viewport={"width": 1280, "height": 800})
    sign_in(proxied, cluster.proxy_url)
    assert shown_version(proxied) == (1, 1)
    served = cluster.serving()
    other = next(p for p in cluster.ports if p != served)
    direct = chromium.new_page(viewport={"width": 1280, "height": 800})
    sign_in(direct, f"http://127.0.0.1:{other}/")
    assert shown_version(direct) == (1, 1)
    # a publish through the store path of the instance that serves the proxy's sessions
    s = cluster.store()
    try:
        s.publish(variant(数据来源="第二稿"), file_name="长沙2023-第二稿.xlsx", by=GROUP)
    finally:
        s.dispose()
    # the open sessions on both instances show it on their next run (a click in the navigation) ...
    for page in (proxied, direct):
        page.get_by_role("link", name="单位对比").click()
        wait_for_version(page, (2, 2))
    # ... and so does a new page load through the proxy
    fresh = chromium.new_page(viewport={"width": 1280, "height": 800})
    sign_in(fresh, cluster.proxy_url)
    assert shown_version(fresh) == (2, 2)
    for page in (proxied, direct, fresh):
        page.close()


def wire_sign_in(base: str, name: str = ADMIN, password: str = PASSWORD) -> tuple[Client, str]:
    """A browser's sign-in spoken at the wire (tests/security/st_wire.py): its page load (the bind cookie), the
    form over the WebSocket, the one-time handoff for the session cookie, then a connection carrying it."""
    page = httpx.get(base + "/")
    bind = f"evalboard_bind={page.cookies['evalboard_bind']}"
    client = Client(base, cookies=bind)
    first = client.rerun()
    ids = first.ids
    submitted = client.rerun(page_hash=first.page_hash, widgets=[
        WidgetState(id=ids["_sign_in_name"], string_value=name),
        WidgetState(id=ids["_sign_in_password"], string_value=password),
        WidgetState(id=ids["FormSubmitter:sign_in_form-登录"], trigger_value=True)])
    client.close()
    link = next(t for t in submitted.texts if t.startswith("/api/evalboard/session?code="))
    response = httpx.get(base + link, follow_redirects=False, headers={"Cookie": bind})
    cookie = f"{response.headers['set-cookie'].split(';', 1)[0]}; {bind}"
    return Client(base, cookies=cookie), cookie


def test_a_sign_in_through_the_proxy_holds_on_both_instances(cluster: Cluster, chromium) -> None:
    """One browser signs in once (through nginx); its HttpOnly cookie names a web session in the shared database,
    so each instance, reached directly, shows it signed in without a password, and records no second sign-in."""
    s = cluster.store()
    try:
        before = len(s.audit_log(actions=["sign_in"], limit=None))
    finally:
        s.dispose()
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        sign_in(page, cluster.proxy_url)
        shown_version(page)
        assert any(c["name"] == "evalboard_session" and c["httpOnly"] for c in context.cookies())
        for port in cluster.ports:
            direct = context.new_page()
            direct.goto(f"http://127.0.0.1:{port}/")
            shown_version(direct)
            expect(direct.get_by_text(f"已登录：{ADMIN}").first).to_be_attached()
            expect(direct.get_by_role("textbox", name="密码")).to_have_count(0)
            direct.close()
    finally:
        context.close()
    s = cluster.store()
    try:
        assert len(s.audit_log(actions=["sign_in"], limit=None)) == before + 1
    finally:
        s.dispose()


def test_an_admins_session_id_alone_signs_nobody_in(cluster: Cluster) -> None:
    """The red team's takeover: the admin's Streamlit session id (once readable in the access log) resumed by
    another client, through the proxy (the admin's instance) and on the other instance."""
    proxy = cluster.proxy_url.rstrip("/")
    admin, cookie = wire_sign_in(proxy)
    try:
        signed = admin.rerun()
        assert f"已登录：{ADMIN}" in signed.text
        session_id = admin.session_id
        served = cluster.serving()
        other = next(p for p in cluster.ports if p != served)
        for base in (proxy, f"http://127.0.0.1:{served}", f"http://127.0.0.1:{other}"):
            attacker = Client(base, session_id=session_id)
            try:
                run = attacker.rerun(page_hash=signed.page_hash)
                again = attacker.rerun(page_hash=signed.page_hash)
            finally:
                attacker.close()
            for shown in (run, again):
                assert f"已登录：{ADMIN}" not in shown.text and "已登录" not in shown.text, base
                assert shown.ids.get("_sign_in_password"), base  # the sign-in form, nothing else
    finally:
        admin.close()
    # (the resumed id took the admin's connection over, as Streamlit does; the admin's browser, with its cookie,
    # is still signed in on its next connection)
    back = Client(proxy, cookies=cookie)
    try:
        assert f"已登录：{ADMIN}" in back.rerun().text
    finally:
        back.close()
    SEEN.append(session_id)  # for the access-log check at the end


def test_a_server_error_in_the_cluster_shows_a_chinese_message_with_an_error_id(cluster: Cluster) -> None:
    client = Client(cluster.proxy_url.rstrip("/"))
    try:
        first = client.rerun()
        ids = first.ids
        run = client.rerun(page_hash=first.page_hash, widgets=[
            WidgetState(id=ids["_sign_in_name"], double_value=3.5),  # a number where text belongs
            WidgetState(id=ids["_sign_in_password"], string_value="x"),
            WidgetState(id=ids["FormSubmitter:sign_in_form-登录"], trigger_value=True)])
    finally:
        client.close()
    shown = "\n".join(run.texts)
    found = re.search(r"错误编号 ([0-9A-F]{8})", shown)
    assert found, shown[-2000:]
    for leak in ("Traceback", "File \"", ".py", "TypeError", "deserialize"):
        assert leak not in shown, leak
    logs = "".join(p.read_text(errors="replace") for p in cluster.run.glob("instance-*.log"))
    assert f"错误编号 {found.group(1)}" in logs


def test_a_rectification_conflict_between_two_processes(cluster: Cluster) -> None:
    """Two editors on different instances (two processes, each with its own Store) edit the same 整改 item
    from the same version: the second is refused with ConflictError naming the first."""
    s = cluster.store()
    try:
        info = s.evaluations()[0]
        base = info.active_version_id
    finally:
        s.dispose()
    editor = textwrap.dedent("""
        import sys
        from decimal import Decimal
        from evalcore.auth import Actor
        from evalcore.store import ConflictError, Store
        url, eid, base, who = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
        store = Store(url)
        try:
            v = store.update_rectification(eid, "Z05", base_version_id=base, status="已整改",
                                           progress=Decimal(100), note=who + "的备注", evidence="",
                                           by=Actor(who, "evaluator"))
            print("SAVED", v.number)
        except ConflictError as exc:
            print("CONFLICT", exc.changed_by, exc.item_id)
        finally:
            store.dispose()
    """)

    def run(who: str) -> str:
        done = subprocess.run([sys.executable, "-c", editor, cluster.url, str(info.id), str(base), who], cwd=ROOT,
                              capture_output=True, text=True, timeout=60, check=True)
        return done.stdout.strip()

    assert run("张三") == "SAVED 3"
    assert run("李四") == "CONFLICT 张三 Z05"
    s = cluster.store()
    try:
        assert [c.by for c in s.changes(info.id, "Z05")] and {c.by for c in s.changes(info.id, "Z05")} == {"张三"}
        assert len([a for a in s.audit_log(limit=None) if a.action == "rectify"]) == 1
    finally:
        s.dispose()


def test_kill_the_serving_instance_and_carry_on(cluster: Cluster, chromium) -> None:
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    sockets: list = []
    page.on("websocket", lambda ws: sockets.append(ws))
    sign_in(page, cluster.proxy_url)
    assert shown_version(page) == (3, 3)
    victim = cluster.serving()
    survivor = next(p for p in cluster.ports if p != victim)
    opened = len(sockets)
    os.kill(cluster.pid(victim), signal.SIGKILL)
    # The open page loses its WebSocket; Streamlit's client reconnects through the proxy, which sends it to the
    # survivor. The page keeps showing what it showed (no script run was interrupted, so the client asks for
    # none); its next run (here a click in the navigation) runs in a new session on the survivor, which finds
    # the browser's cookie (its web session is in the shared database) and keeps the person signed in.
    if len(sockets) == opened:  # (events reach Python only during a Playwright call: none is missed in between)
        try:
            page.wait_for_event("websocket", timeout=60_000)
        except PlaywrightError:
            pytest.fail("the page did not reconnect within 60 s")
    login = page.get_by_role("textbox", name="用户名")
    deadline = time.monotonic() + 90
    while True:
        with contextlib.suppress(PlaywrightError):
            page.get_by_role("link", name="单位对比").click(timeout=5_000)
        with contextlib.suppress(PlaywrightError):
            page.get_by_text(VERSION_TEXT).wait_for(timeout=5_000)
            if "/units" in page.url:
                break
        assert not login.is_visible(), "the survivor asked to sign in again despite the browser's cookie"
        assert time.monotonic() < deadline, ("the page did not run on the survivor within 90 s: "
                                             f"{page.url} {page.inner_text('body')[:1500]}")
    assert shown_version(page) == (3, 3) and not login.is_visible()
    expect(page.get_by_text(f"已登录：{ADMIN}").first).to_be_attached()
    page.goto(cluster.proxy_url)  # a new page load through the proxy: served by the survivor, still signed in
    assert shown_version(page) == (3, 3) and not login.is_visible()
    assert cluster.serving() == survivor
    # and what is published meanwhile shows there on the next run
    s = cluster.store()
    try:
        s.publish(variant(数据来源="第四稿"), file_name="第四稿.xlsx", by=GROUP)
    finally:
        s.dispose()
    page.get_by_role("link", name="问题分析").click()
    wait_for_version(page, (4, 4))
    assert http_status(cluster.proxy_url + "_stcore/health") == 200
    status = cluster.script("status", check=False)
    assert status.returncode == 3
    assert f"instance {victim}: not running" in status.stdout
    assert f"instance {survivor}: up" in status.stdout
    page.close()


def test_a_publish_killed_in_its_transaction_is_absent(cluster: Cluster, tmp_path: Path) -> None:
    """kill -9 of a process in the middle of a publish (its version row written, its audit entry not yet,
    nothing committed): the store has nothing of it, and the next publish goes through at once."""
    publisher = textwrap.dedent("""
        import sys, time
        import evalcore.store as store_module
        from evalcore.auth import Actor
        store = store_module.Store(sys.argv[1])
        real_audit = store_module.Store._audit

        def audit_then_hang(conn, *args, **kwargs):
            real_audit(conn, *args, **kwargs)
            print("IN_TRANSACTION", flush=True)
            time.sleep(120)

        store_module.Store._audit = staticmethod(audit_then_hang)
        store.publish(open(sys.argv[2], "rb").read(), file_name="中断.xlsx", by=Actor("评价组", "evaluator"))
    """)
    s = cluster.store()
    try:
        before = {e.id: (e.active_version_id, e.versions) for e in s.evaluations()}
        audit_before = len(s.audit_log(limit=None))
    finally:
        s.dispose()
    workbook = tmp_path / "interrupted.xlsx"  # (not in the run directory, which holds only what cluster.sh writes)
    workbook.write_bytes(variant(数据来源="被中断的发布"))
    proc = subprocess.Popen([sys.executable, "-c", publisher, cluster.url, str(workbook)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "IN_TRANSACTION", proc.stderr.read()
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    s = cluster.store()
    try:
        assert {e.id: (e.active_version_id, e.versions) for e in s.evaluations()} == before
        assert len(s.audit_log(limit=None)) == audit_before
        # the killed transaction holds no lock: the same publish goes through now
        started = time.monotonic()
        v = s.publish(workbook.read_bytes(), file_name="重新发布.xlsx", by=GROUP)
        assert time.monotonic() - started < 20
        assert (v.number, v.active) == (5, True)
        # every version has exactly one audit entry: nothing recorded twice, nothing lost
        entries = [a.version_id for a in s.audit_log(limit=None) if a.version_id is not None]
        ids = [x.id for e in s.evaluations() for x in s.versions(e.id)]
        assert sorted(entries) == sorted(ids)
    finally:
        s.dispose()


def test_nginx_refuses_large_uploads_in_chinese_and_closes_metrics(cluster: Cluster) -> None:
    import socket
    head = (f"PUT /_stcore/upload_file/some-session-id/file-1 HTTP/1.1\r\nHost: 127.0.0.1:{cluster.proxy}\r\n"
            f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {40 * 1024 * 1024}\r\n\r\n")
    with socket.create_connection(("127.0.0.1", cluster.proxy), timeout=20) as sock:
        sock.sendall(head.encode())  # and no body: nginx answers from the header
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data.split(b" ", 2)[1] == b"413"
    assert "上限 30 MB" in data.split(b"\r\n\r\n", 1)[1].decode("utf-8")
    assert http_status(cluster.proxy_url + "_stcore/metrics") == 404
    # the guard behind nginx: an anonymous visitor's upload is refused from its headers, in Chinese; a WebSocket
    # from another port of the same machine is refused (the same answers as one server: tests/security)
    from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string
    from websockets.exceptions import InvalidStatus
    proxy = cluster.proxy_url.rstrip("/")
    visitor = Client(proxy)
    try:
        session_id = visitor.rerun().session_id
        xsrf = generate_xsrf_token_string()
        head = (f"PUT /_stcore/upload_file/{session_id}/file-1 HTTP/1.1\r\nHost: 127.0.0.1:{cluster.proxy}\r\n"
                f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {1024 * 1024}\r\n"
                f"X-Xsrftoken: {xsrf}\r\nCookie: _streamlit_xsrf={xsrf}\r\nConnection: close\r\n\r\n")
        with socket.create_connection(("127.0.0.1", cluster.proxy), timeout=20) as sock:
            sock.sendall(head.encode())
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
    finally:
        visitor.close()
    assert data.split(b" ", 2)[1] == b"403", data[:300]
    assert "请先登录" in data.split(b"\r\n\r\n", 1)[1].decode("utf-8")
    SEEN.append(session_id)
    _, cookie = wire_sign_in(proxy)
    with pytest.raises(InvalidStatus):
        Client(proxy, cookies=cookie, origin=f"http://localhost:{cluster.proxy + 1}")
    alive = [p for p in cluster.ports if serving.health_ok(f"http://127.0.0.1:{p}")]  # (one was killed above)
    assert alive
    for port in alive:
        assert http_status(f"http://127.0.0.1:{port}/_stcore/metrics") == 404


def test_the_run_directory_is_private_and_the_access_log_keeps_no_secrets(cluster: Cluster) -> None:
    assert cluster.run.stat().st_mode & 0o777 == 0o700
    files = [p for p in cluster.run.rglob("*") if p.is_file()]
    assert any(p.name == "access.log" for p in files) and any(p.name.startswith("instance-") for p in files)
    for path in files:
        assert path.stat().st_mode & 0o077 == 0, f"{path} is {oct(path.stat().st_mode & 0o777)}"
    for path in (p for p in cluster.run.rglob("*") if p.is_dir()):
        assert path.stat().st_mode & 0o077 == 0, f"{path} is {oct(path.stat().st_mode & 0o777)}"
    log = (cluster.run / "nginx" / "access.log").read_text()
    assert "/api/evalboard/session" in log  # the sign-ins of this module went through the proxy ...
    assert "code=" not in log and "?" not in log  # ... and no code, no query string, was logged
    assert "/_stcore/upload_file/-" in log and "some-session-id" not in log
    assert SEEN and all(secret not in log for secret in SEEN)
