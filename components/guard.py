"""The HTTP and WebSocket guard in front of Streamlit's server (``st.App(middleware=...)`` in serve.py).

Streamlit 1.67 serves more than the app's pages: a WebSocket that accepts an Origin from ``localhost`` on any port,
a public ``/_stcore/metrics``, and an upload endpoint that takes a body from any visitor with a session id. This
ASGI middleware answers before any of that is reached (docs/security-attacks.md):

* ``/_stcore/stream``: a browser's WebSocket is accepted only from this site: its ``Origin`` must name the very
  host (and port) the request was sent to (the ``Host`` header, which nginx passes through). A page on another
  port of the same machine is another site, though a browser sends it the same SameSite cookies.
* ``/_stcore/metrics``: closed (404).
* ``/_stcore/upload_file/<session>/<file>``: refused before the body is read unless the request states its length,
  the length is within :data:`UPLOAD_BODY_MAX` (the workbook limit :data:`MAX_FILE_BYTES` plus the form's
  framing), the session's pending uploads stay within :data:`PENDING_MAX`, and, with sign-in on, the session is
  signed in with a role that uploads (evaluator and admin: workbooks; a unit's reporter: evidence) and, in
  password mode, the request carries that session's cookie. Every refusal has a Chinese body. Only the refusal for
  the session's pending uploads (a signed-in uploader, a file of an allowed size) reads the body first, at most
  :data:`UPLOAD_BODY_MAX`, so that the answer is not lost when the connection closes under a body still being sent.
* every 413 an upstream handler still returns gets the Chinese body too.
* a page load without the ``evalboard_bind`` cookie gets one (random, HttpOnly): a sign-in's one-time handoff
  code is bound to it, so a sign-in link redeems only in the browser that asked for it (login CSRF).
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from evalcore import auth
from evalcore.workbook import MAX_FILE_BYTES, MAX_PENDING_UPLOAD_BYTES

from . import session_cookie

_LOG = logging.getLogger("evalboard.guard")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MB = 1024 * 1024
UPLOAD_LIMIT_MB = MAX_FILE_BYTES // MB  # the one limit: Streamlit's server.maxUploadSize and nginx derive from it
FORM_OVERHEAD = MB  # multipart framing around one file; nginx's client_max_body_size is the limit plus this
UPLOAD_BODY_MAX = MAX_FILE_BYTES + FORM_OVERHEAD
PENDING_MAX = MAX_PENDING_UPLOAD_BYTES  # bytes a session may hold in uploaded files not yet removed

UPLOAD_PREFIX = "/_stcore/upload_file/"
CLOSED = ("/_stcore/metrics",)

TOO_LARGE = (f"上传的文件过大：单个文件上限 {UPLOAD_LIMIT_MB} MB。正常的评价工作簿只有几 MB；请删除图片、多余的工作表"
             "和空行后另存为 .xlsx 再上传。")
TOO_MUCH_PENDING = (f"本页已有待处理的上传文件（合计上限 {PENDING_MAX // MB} MB）：请先移除已上传的文件或刷新页面，"
                    "再上传。")
NO_LENGTH = "上传请求缺少文件大小（Content-Length），已拒绝。请使用浏览器上传。"
NOT_SIGNED_IN = "请先登录：只有已登录的评价人员和管理员可以上传文件。"
BAD_ORIGIN = "拒绝来自其他网站的连接。"
NOT_FOUND = "未找到该页面。"


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _cookies(scope: Scope) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in _header(scope, b"cookie").split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            out.setdefault(name, value)
    return out


def origin_allowed(origin: str, host: str) -> bool:
    """A WebSocket's Origin is this site: same host and port as the request (no Origin: not a browser, which
    carries no one else's cookie)."""
    if not origin:
        return True
    from urllib.parse import urlsplit
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(host) and parts.netloc.lower() == host.lower()


def cookie_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def _answer(send: Send, status: int, text: str, headers: list | None = None) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"), (b"connection", b"close"), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


async def _drain(receive: Receive, limit: int) -> int:
    """Read and drop a request's body, at most ``limit`` bytes (and what the last message brings); returns the bytes
    read."""
    read = 0
    while read <= limit:
        message = await receive()
        if message.get("type") != "http.request":
            break  # http.disconnect
        read += len(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return read


def _session_state(session_id: str):
    """The Streamlit session's state, or None (no such session)."""
    try:
        from streamlit.runtime import Runtime
        info = Runtime.instance()._session_mgr.get_active_session_info(session_id)
    except Exception:  # no runtime yet
        return None
    return None if info is None else info.session.session_state


def _pending_bytes(session_id: str) -> int:
    try:
        from streamlit.runtime import Runtime
        storage = Runtime.instance().uploaded_file_mgr.file_storage.get(session_id) or {}  # type: ignore[attr-defined]
        return sum(len(rec.data) for rec in list(storage.values()))
    except Exception:
        return 0


def _get(state: Any, key: str) -> Any:
    try:
        return state[key] if key in state else None
    except Exception:
        return None


def upload_refusal(scope: Scope, session_id: str, *, auth_mode: str) -> tuple[int, str] | None:
    """Why this upload request is refused (status, Chinese text), or None; decided from its headers alone."""
    if _header(scope, b"transfer-encoding") or not _header(scope, b"content-length").strip().isdigit():
        return 411, NO_LENGTH
    if auth_mode != "none":
        state = _session_state(session_id)
        actor = _get(state, "_auth_actor") if state is not None else None
        if not (auth.can(actor, "publish") or auth.can(actor, "report")):  # evaluators, admins; unit reporters
            return 403, NOT_SIGNED_IN
        if auth_mode == "password" and session_cookie.enabled():
            token = _cookies(scope).get(session_cookie.COOKIE, "")
            if not token or _get(state, session_cookie.STATE_DIGEST) != cookie_digest(token):
                return 403, NOT_SIGNED_IN
    length = int(_header(scope, b"content-length"))
    if length > UPLOAD_BODY_MAX:
        return 413, TOO_LARGE
    if _pending_bytes(session_id) + length > PENDING_MAX + FORM_OVERHEAD:
        return 413, TOO_MUCH_PENDING
    return None


def _auth_mode() -> str:
    import os

    try:
        return auth.load_config(_secrets(), os.environ).mode
    except auth.AuthConfigError:
        return "password"  # a broken setting: treat as signed-in only (the pages refuse anyway)


def _secrets() -> dict:
    try:
        import streamlit as st
        return st.secrets.to_dict()
    except Exception:
        return {}


class Guard:
    """ASGI middleware; see the module's docstring."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope.get("type")
        path = scope.get("path", "")
        if kind == "websocket":
            if not origin_allowed(_header(scope, b"origin"), _header(scope, b"host")):
                _LOG.warning("refused a WebSocket from origin %r (host %r)", _header(scope, b"origin"),
                             _header(scope, b"host"))
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        if kind != "http":
            await self.app(scope, receive, send)
            return
        if path.rstrip("/") in CLOSED:
            await _answer(send, 404, NOT_FOUND)
            return
        if path.startswith(UPLOAD_PREFIX) and scope.get("method") == "PUT":
            session_id = path[len(UPLOAD_PREFIX):].split("/", 1)[0]
            refusal = upload_refusal(scope, session_id, auth_mode=_auth_mode())
            if refusal is not None:
                if refusal[1] == TOO_MUCH_PENDING:
                    # a signed-in uploader's file of an allowed size, refused for what the session already holds:
                    # its body is read (at most UPLOAD_BODY_MAX) before answering, or the connection closed under a
                    # body still being sent can lose the answer (the browser would show a network error, not why)
                    await _drain(receive, UPLOAD_BODY_MAX)
                await _answer(send, *refusal)
                return
        await self.app(scope, receive, self._send(scope, send))

    @staticmethod
    def _send(scope: Scope, send: Send) -> Send:
        """Downstream responses: a Chinese body for a 413; the bind cookie on a page without one."""
        needs_bind = scope.get("method") == "GET" and session_cookie.BIND not in _cookies(scope)
        replacing = False

        async def wrapped(message: Message) -> None:
            nonlocal replacing
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                if message["status"] == 413:
                    replacing = True
                    await _answer(send, 413, TOO_LARGE)
                    return
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if needs_bind and content_type.startswith(b"text/html"):
                    secure = "; Secure" if _header(scope, b"x-forwarded-proto") == "https" else ""
                    value = f"{session_cookie.BIND}={secrets.token_urlsafe(24)}; Path=/; HttpOnly; SameSite=Lax{secure}"
                    headers.append((b"set-cookie", value.encode()))
                    message = {**message, "headers": headers}
            elif replacing:
                return
            await send(message)
        return wrapped
