"""A small but real OpenID Connect provider for tests, served in-process on 127.0.0.1.

It speaks the authorization-code flow the way a production IdP (Keycloak, Authing, Azure AD ...) does,
enough for Streamlit's ``st.login()`` (Authlib's Starlette client) to sign a browser in against it:

* ``/.well-known/openid-configuration``: the discovery document;
* ``/authorize``: no login form: it approves the request at once as the provider's "current user"
  (``provider.set_user(...)``), then redirects to ``redirect_uri`` with ``code`` and ``state``.
  A ``nonce`` is put into the ID token, a PKCE ``code_challenge`` (S256 or plain) is remembered;
* ``/token``: exchanges a code for an RS256-signed ``id_token`` and an ``access_token``. It checks the client
  (``client_secret_basic`` or ``client_secret_post``), that the code is known, unexpired, used only once and
  issued to that client, that ``redirect_uri`` is the one of the authorization request, and the PKCE verifier;
* ``/jwks``: the public signing key; ``/userinfo``: the user's claims for a Bearer access token;
* ``/logout``: the RP-initiated logout ``end_session_endpoint`` (redirects to ``post_logout_redirect_uri``).

Tokens are signed with joserfc (the JOSE library Authlib itself uses). The server only listens on loopback
and never makes a request of its own. Each request is kept in ``provider.requests`` for assertions.

    with OIDCProvider(client_id="app", client_secret="s3cret") as idp:
        idp.set_user(email="wang@czj.example.cn", name="王五", groups=["evalboard-viewer"])
        idp.metadata_url   # -> http://127.0.0.1:PORT/.well-known/openid-configuration
"""

from __future__ import annotations

import base64
import hashlib
import html
import ipaddress
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

SIGNING_ALG = "RS256"
CODE_TTL_S = 60
TOKEN_TTL_S = 3600


@dataclass
class User:
    """The person the provider signs in. ``claims`` are extra ID-token/userinfo claims."""

    sub: str
    email: str | None = None
    name: str | None = None
    groups: list[str] | None = None
    claims: dict[str, Any] = field(default_factory=dict)

    def as_claims(self, scopes: set[str]) -> dict[str, Any]:
        """The claims released for ``scopes`` (``email``/``profile`` as in OIDC Core 5.4; groups always)."""
        out: dict[str, Any] = {"sub": self.sub}
        if "email" in scopes and self.email is not None:
            out["email"] = self.email
            out["email_verified"] = True
        if "profile" in scopes and self.name is not None:
            out["name"] = self.name
            out["preferred_username"] = (self.email or self.sub).split("@")[0]
        if self.groups is not None:
            out["groups"] = list(self.groups)
        out.update(self.claims)
        return out


@dataclass
class _Grant:
    """What an authorization code stands for until it is redeemed."""

    client_id: str
    redirect_uri: str
    scopes: set[str]
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    user: User
    auth_time: int
    expires_at: float


@dataclass
class _AccessToken:
    client_id: str
    scopes: set[str]
    user: User
    expires_at: float


class OAuthError(Exception):
    """An OAuth error response: ``error`` code, description and HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error, self.description, self.status = error, description, status


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _s256(verifier: str) -> str:
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def _is_loopback_uri(uri: str) -> bool:
    try:
        parts = urlsplit(uri)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.fragment:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def _with_params(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


class OIDCProvider:
    """An OpenID Connect provider on ``http://127.0.0.1:<free port>``, run in a background thread.

    ``redirect_uris``: the client's registered redirect URIs (exact match). Left empty, any loopback
    ``http(s)`` URI is accepted (tests often learn the app's port late); ``register_redirect_uri`` adds one.
    ``end_session``: advertise the ``/logout`` end-session endpoint in the discovery document.
    """

    def __init__(
        self,
        client_id: str = "evalboard-test",
        client_secret: str | None = None,
        *,
        redirect_uris: list[str] | tuple[str, ...] = (),
        end_session: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"the test provider only listens on loopback, not {host}")
        self.client_id = client_id
        self.client_secret = client_secret if client_secret is not None else secrets.token_urlsafe(24)
        self.redirect_uris: list[str] = list(redirect_uris)
        self.end_session = end_session
        self.kid = secrets.token_hex(8)
        self._key = RSAKey.generate_key(2048, parameters={"kid": self.kid, "use": "sig", "alg": SIGNING_ALG})
        self._lock = threading.Lock()
        self._codes: dict[str, _Grant] = {}
        self._tokens: dict[str, _AccessToken] = {}
        self._user: User | None = None
        self.requests: list[dict[str, Any]] = []  # every request: method, path, params (secrets masked)
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        self.issuer = f"http://{host}:{self._server.server_address[1]}"

    # ------------------------------------------------------------ lifecycle

    def start(self) -> OIDCProvider:
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, name="oidc-provider", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> OIDCProvider:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ------------------------------------------------------------ configuration

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def set_user(
        self,
        email: str | None = None,
        name: str | None = None,
        groups: list[str] | None = None,
        *,
        sub: str | None = None,
        **claims: Any,
    ) -> User:
        """Make this person the one ``/authorize`` approves from now on."""
        user = User(sub=sub or f"user-{hashlib.sha256((email or name or '').encode()).hexdigest()[:12]}",
                    email=email, name=name, groups=list(groups) if groups is not None else None, claims=claims)
        with self._lock:
            self._user = user
        return user

    def clear_user(self) -> None:
        """Nobody is signed in at the provider: ``/authorize`` answers ``access_denied``."""
        with self._lock:
            self._user = None

    def register_redirect_uri(self, uri: str) -> None:
        with self._lock:
            if uri not in self.redirect_uris:
                self.redirect_uris.append(uri)

    def requests_to(self, path: str) -> list[dict[str, Any]]:
        """The recorded requests to one endpoint path (e.g. ``"/token"``)."""
        with self._lock:
            return [r for r in self.requests if r["path"] == path]

    @property
    def jwks(self) -> dict[str, Any]:
        return {"keys": [self._key.as_dict(private=False)]}

    def metadata(self) -> dict[str, Any]:
        doc = {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [SIGNING_ALG],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash",
                                 "email", "email_verified", "name", "preferred_username", "groups"],
            "code_challenge_methods_supported": ["S256", "plain"],
        }
        if self.end_session:
            doc["end_session_endpoint"] = f"{self.issuer}/logout"
        return doc

    def sign(self, claims: dict[str, Any]) -> str:
        """An RS256 JWT over ``claims`` with the provider's key (for tests that need a token directly)."""
        return jwt.encode({"alg": SIGNING_ALG, "kid": self.kid, "typ": "JWT"}, claims, self._key)

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a token this provider signed; raises ``joserfc.errors.JoseError`` otherwise."""
        decoded = jwt.decode(token, KeySet.import_key_set(self.jwks), algorithms=[SIGNING_ALG])
        return dict(decoded.claims)

    # ------------------------------------------------------------ protocol

    def _redirect_uri_ok(self, uri: str) -> bool:
        with self._lock:
            registered = list(self.redirect_uris)
        return uri in registered if registered else _is_loopback_uri(uri)

    def _authorize(self, params: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """The ``/authorize`` answer: (status, headers, body)."""
        client_id = params.get("client_id", "")
        redirect_uri = params.get("redirect_uri", "")
        if client_id != self.client_id:
            return self._html(400, "unknown client", f"client_id {client_id!r} is not registered")
        if not redirect_uri or not self._redirect_uri_ok(redirect_uri):
            return self._html(400, "invalid redirect_uri", f"{redirect_uri!r} is not registered for this client")
        state = params.get("state")

        def back(query: dict[str, str]) -> tuple[int, dict[str, str], str]:
            if state is not None:
                query["state"] = state
            return 302, {"Location": _with_params(redirect_uri, query)}, ""

        def error(code: str, description: str) -> tuple[int, dict[str, str], str]:
            return back({"error": code, "error_description": description})

        if params.get("response_type") != "code":
            return error("unsupported_response_type", "only the authorization code flow is supported")
        scopes = set(params.get("scope", "").split())
        if "openid" not in scopes:
            return error("invalid_scope", "the openid scope is required")
        challenge = params.get("code_challenge")
        method = params.get("code_challenge_method") or ("plain" if challenge else None)
        if challenge is not None and method not in ("S256", "plain"):
            return error("invalid_request", f"code_challenge_method {method!r} is not supported")
        if challenge is None and "code_challenge_method" in params:
            return error("invalid_request", "code_challenge_method without code_challenge")
        with self._lock:
            user = self._user
        if user is None:
            return error("access_denied", "nobody is signed in at the provider")
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._codes[code] = _Grant(
                client_id=client_id, redirect_uri=redirect_uri, scopes=scopes, nonce=params.get("nonce"),
                code_challenge=challenge, code_challenge_method=method, user=user,
                auth_time=int(time.time()), expires_at=time.monotonic() + CODE_TTL_S,
            )
        return back({"code": code})

    def _authenticate_client(self, headers: dict[str, str], form: dict[str, str]) -> str:
        auth = headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            try:
                raw = base64.b64decode(auth[6:].strip(), validate=True).decode("utf-8")
                client_id, _, client_secret = raw.partition(":")
                client_id, client_secret = unquote_plus(client_id), unquote_plus(client_secret)
            except (ValueError, UnicodeDecodeError):
                raise OAuthError("invalid_client", "malformed Basic credentials", 401) from None
        else:
            client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        if not (secrets.compare_digest(client_id, self.client_id)
                and secrets.compare_digest(client_secret.encode(), self.client_secret.encode())):
            raise OAuthError("invalid_client", "client authentication failed", 401)
        return client_id

    def _token(self, headers: dict[str, str], form: dict[str, str]) -> dict[str, Any]:
        client_id = self._authenticate_client(headers, form)
        if form.get("grant_type") != "authorization_code":
            raise OAuthError("unsupported_grant_type", f"grant_type {form.get('grant_type')!r} is not supported")
        code = form.get("code", "")
        with self._lock:
            grant = self._codes.pop(code, None)  # single use: gone whatever happens next
        if grant is None:
            raise OAuthError("invalid_grant", "unknown or already used authorization code")
        if time.monotonic() > grant.expires_at:
            raise OAuthError("invalid_grant", "the authorization code has expired")
        if grant.client_id != client_id:
            raise OAuthError("invalid_grant", "the code was issued to another client")
        if form.get("redirect_uri") != grant.redirect_uri:
            raise OAuthError("invalid_grant", "redirect_uri does not match the authorization request")
        verifier = form.get("code_verifier")
        if grant.code_challenge is not None:
            if not verifier:
                raise OAuthError("invalid_grant", "code_verifier is required (PKCE)")
            expected = _s256(verifier) if grant.code_challenge_method == "S256" else verifier
            if not secrets.compare_digest(expected, grant.code_challenge):
                raise OAuthError("invalid_grant", "code_verifier does not match code_challenge")
        elif verifier:
            raise OAuthError("invalid_grant", "code_verifier without a code_challenge in the authorization request")

        now = int(time.time())
        access_token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[access_token] = _AccessToken(client_id, grant.scopes, grant.user,
                                                      time.monotonic() + TOKEN_TTL_S)
        digest = hashlib.sha256(access_token.encode("ascii")).digest()
        claims = grant.user.as_claims(grant.scopes) | {
            "iss": self.issuer,
            "aud": client_id,
            "azp": client_id,
            "iat": now,
            "exp": now + TOKEN_TTL_S,
            "auth_time": grant.auth_time,
            "at_hash": _b64url(digest[: len(digest) // 2]),
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        return {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_TTL_S,
            "scope": " ".join(sorted(grant.scopes)),
            "id_token": self.sign(claims),
        }

    def _userinfo(self, headers: dict[str, str]) -> dict[str, Any]:
        auth = headers.get("authorization", "")
        if not auth.lower().startswith("bearer "):
            raise OAuthError("invalid_token", "a Bearer access token is required", 401)
        with self._lock:
            token = self._tokens.get(auth[7:].strip())
        if token is None or time.monotonic() > token.expires_at:
            raise OAuthError("invalid_token", "unknown or expired access token", 401)
        return token.user.as_claims(token.scopes)

    def _logout(self, params: dict[str, str]) -> tuple[int, dict[str, str], str]:
        hint = params.get("id_token_hint")
        if hint:
            try:
                claims = self.verify(hint)
            except (JoseError, ValueError):
                return self._html(400, "invalid id_token_hint", "the id_token_hint was not issued by this provider")
            if claims.get("aud") != self.client_id:
                return self._html(400, "invalid id_token_hint", "the id_token_hint was issued to another client")
        target = params.get("post_logout_redirect_uri")
        if target:
            if not self._redirect_uri_ok(target):
                return self._html(400, "invalid post_logout_redirect_uri", f"{target!r} is not registered")
            query = {"state": params["state"]} if "state" in params else {}
            return 302, {"Location": _with_params(target, query)}, ""
        return self._html(200, "signed out", "you have been signed out of the test provider")

    @staticmethod
    def _html(status: int, title: str, text: str) -> tuple[int, dict[str, str], str]:
        title, text = html.escape(title), html.escape(text)
        body = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{text}</p>"
        return status, {"Content-Type": "text/html; charset=utf-8"}, body

    # ------------------------------------------------------------ HTTP

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "EvalBoardTestOIDC/1.0"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
                pass  # requests are recorded in provider.requests instead

            def do_GET(self) -> None:
                self._dispatch("GET")

            def do_POST(self) -> None:
                self._dispatch("POST")

            def _dispatch(self, method: str) -> None:
                parts = urlsplit(self.path)
                params = dict(parse_qsl(parts.query, keep_blank_values=True))
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if method == "POST" and self.headers.get_content_type() == "application/x-www-form-urlencoded":
                    params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
                headers = {k.lower(): v for k, v in self.headers.items()}
                masked = {k: ("***" if k in ("client_secret", "code_verifier") else v) for k, v in params.items()}
                basic = headers.get("authorization", "").lower().startswith("basic ")
                with provider._lock:
                    provider.requests.append(
                        {"method": method, "path": parts.path, "params": masked, "basic_auth": basic})
                try:
                    self._route(method, parts.path, params, headers)
                except OAuthError as exc:
                    extra = {"WWW-Authenticate": f'Bearer error="{exc.error}"'} if exc.status == 401 else {}
                    self._json(exc.status, {"error": exc.error, "error_description": exc.description}, extra)

            def _route(self, method: str, path: str, params: dict[str, str], headers: dict[str, str]) -> None:
                if path == "/.well-known/openid-configuration" and method == "GET":
                    self._json(200, provider.metadata())
                elif path == "/jwks" and method == "GET":
                    self._json(200, provider.jwks)
                elif path == "/authorize":
                    self._send(*provider._authorize(params))
                elif path == "/token" and method == "POST":
                    self._json(200, provider._token(headers, params), {"Pragma": "no-cache"})
                elif path == "/userinfo":
                    self._json(200, provider._userinfo(headers))
                elif path == "/logout" and provider.end_session:
                    self._send(*provider._logout(params))
                else:
                    self._json(404, {"error": "not_found", "error_description": f"{method} {path}"})

            def _json(self, status: int, payload: dict[str, Any], extra: dict[str, str] | None = None) -> None:
                headers = {"Content-Type": "application/json", "Cache-Control": "no-store"} | (extra or {})
                self._send(status, headers, json.dumps(payload, ensure_ascii=False))

            def _send(self, status: int, headers: dict[str, str], body: str) -> None:
                data = body.encode("utf-8")
                self.send_response(status, HTTPStatus(status).phrase)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
