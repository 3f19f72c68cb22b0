"""The sign-in cookie (password mode): an HTTP route that turns a sign-in's one-time handoff code into an
HttpOnly, SameSite=Strict cookie holding the web session's secret.

Why a route: Streamlit 1.67 scripts talk to the browser over the WebSocket only, and no script can set an HttpOnly
cookie; ``st.login`` writes its own cookie only in its OIDC callback. ``st.App(routes=...)`` (serve.py) adds
this route to Streamlit's Starlette server. Every page run then reads the cookie from ``st.context.cookies`` (the
cookies of the WebSocket handshake of the client *currently* connected to the session), so a client that resumes
someone else's session id without the cookie is signed out (components/auth.py).
"""
from __future__ import annotations

import os
from urllib.parse import urlsplit

from evalcore import auth
from evalcore.store import Store

COOKIE = "evalboard_session"
BIND = "evalboard_bind"  # a browser's own random secret, set on page loads (components/guard.py): sign-ins bind to it
STATE_DIGEST = "_auth_cookie_digest"  # session_state: sha256 of the session's cookie (checked by the upload guard)
PATH = "/api/evalboard/session"
ENV = "EVALBOARD_SESSION_ROUTE"  # set by serve.py: the route exists in this process

_store = None


def enabled() -> bool:
    """True when the server runs with the route (``streamlit run serve.py``)."""
    return os.environ.get(ENV) == "1"


def safe_next(path: str | None) -> str:
    """A path on this site to return to (never another site: no scheme, host or ``//``)."""
    parts = urlsplit(path or "/")
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//") \
            or "\\" in (path or ""):
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def handoff_url(code: str, next_path: str) -> str:
    from urllib.parse import urlencode
    return f"{PATH}?{urlencode({'code': code, 'next': safe_next(next_path)})}"


def _the_store():
    global _store
    if _store is None:
        _store = Store.from_env()
    return _store


async def _redeem(request):
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import RedirectResponse


    target = safe_next(request.query_params.get("next"))
    token = await run_in_threadpool(lambda: _the_store().redeem_handoff(
        request.query_params.get("code", ""), browser=request.cookies.get(BIND, "")))
    response = RedirectResponse(target, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    if token is None:  # expired, used or made up: the page asks to sign in again
        return response
    try:
        hours = auth.load_config({}, os.environ).max_hours
    except auth.AuthConfigError:
        hours = 12
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"
    response.set_cookie(COOKIE, token, max_age=hours * 3600, path="/", httponly=True, samesite="strict",
                        secure=secure)
    return response


def routes() -> list:
    """The route for ``st.App(routes=...)``; marks this process as serving it."""
    from starlette.routing import Route
    os.environ[ENV] = "1"
    return [Route(PATH, _redeem, methods=["GET"])]
