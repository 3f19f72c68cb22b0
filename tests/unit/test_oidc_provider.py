"""The test OpenID Connect provider (tests/oidc_provider.py) behaves like a real one, over real HTTP on loopback."""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet, RSAKey

from tests.oidc_provider import OIDCProvider

CLIENT_ID, CLIENT_SECRET = "evalboard", "s3cret-for-tests"
REDIRECT_URI = "http://127.0.0.1:8501/oauth2callback"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # keep the 302 for the test to read
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _call(url: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None):
    """(status, headers, body) of a GET, or of a form POST when ``data`` is given; redirects not followed."""
    body = urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def _basic(client_id: str = CLIENT_ID, secret: str = CLIENT_SECRET) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


@pytest.fixture
def idp() -> Iterator[OIDCProvider]:
    with OIDCProvider(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT_URI]) as provider:
        provider.set_user(email="li@pingjia.example.cn", name="李评价", groups=["evalboard-evaluator"])
        yield provider


def _authorize(idp: OIDCProvider, **overrides: str) -> dict[str, list[str]]:
    """Run /authorize with nonce and PKCE (S256); the query of the redirect back to the client."""
    params = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI,
              "scope": "openid email profile", "state": "st-1", "nonce": "n-1",
              "code_challenge": _challenge("v" * 50), "code_challenge_method": "S256"} | overrides
    status, headers, _ = _call(f"{idp.issuer}/authorize?{urlencode(params)}")
    assert status == 302
    location = urlsplit(headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == params["redirect_uri"]
    return parse_qs(location.query)


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _exchange(idp: OIDCProvider, code: str, verifier: str = "v" * 50, **overrides: str):
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier} | overrides
    status, _, body = _call(f"{idp.issuer}/token", form, _basic())
    return status, json.loads(body)


def test_discovery_document(idp):
    status, headers, body = _call(idp.metadata_url)
    assert status == 200 and headers.get_content_type() == "application/json"
    doc = json.loads(body)
    assert doc["issuer"] == idp.issuer and idp.issuer.startswith("http://127.0.0.1:")
    for key, path in [("authorization_endpoint", "/authorize"), ("token_endpoint", "/token"),
                      ("jwks_uri", "/jwks"), ("userinfo_endpoint", "/userinfo"), ("end_session_endpoint", "/logout")]:
        assert doc[key] == idp.issuer + path
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert "S256" in doc["code_challenge_methods_supported"]  # Streamlit then sends PKCE


def test_code_flow_id_token_verifies_against_jwks(idp):
    query = _authorize(idp)
    assert query["state"] == ["st-1"]
    status, token = _exchange(idp, query["code"][0])
    assert status == 200, token
    assert token["token_type"] == "Bearer" and token["access_token"]

    _, _, jwks = _call(f"{idp.issuer}/jwks")
    keys = json.loads(jwks)
    assert all("d" not in key for key in keys["keys"])  # public part only
    decoded = jwt.decode(token["id_token"], KeySet.import_key_set(keys), algorithms=["RS256"])
    claims = decoded.claims
    assert claims["iss"] == idp.issuer and claims["aud"] == CLIENT_ID and claims["nonce"] == "n-1"
    assert claims["email"] == "li@pingjia.example.cn" and claims["name"] == "李评价"
    assert claims["groups"] == ["evalboard-evaluator"]
    # what Authlib (inside st.login) checks: essential claims, issuer, audience, nonce, expiry, at_hash
    CodeIDToken(claims, decoded.header, {"iss": {"values": [idp.issuer]}},
                {"nonce": "n-1", "client_id": CLIENT_ID, "access_token": token["access_token"]}).validate()

    status, _, body = _call(f"{idp.issuer}/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert status == 200 and json.loads(body)["email"] == "li@pingjia.example.cn"
    assert _call(f"{idp.issuer}/userinfo", headers={"Authorization": "Bearer nope"})[0] == 401


def test_token_signed_by_another_key_does_not_verify(idp):
    other = RSAKey.generate_key(2048, parameters={"kid": idp.kid, "alg": "RS256"})
    forged = jwt.encode({"alg": "RS256", "kid": idp.kid}, {"iss": idp.issuer, "sub": "x"}, other)
    with pytest.raises(BadSignatureError):
        idp.verify(forged)


def test_code_is_single_use(idp):
    code = _authorize(idp)["code"][0]
    assert _exchange(idp, code)[0] == 200
    status, error = _exchange(idp, code)
    assert status == 400 and error["error"] == "invalid_grant"


@pytest.mark.parametrize(("change", "status", "error"), [
    ({"verifier": "w" * 50}, 400, "invalid_grant"),                  # PKCE verifier does not match
    ({"redirect_uri": "http://127.0.0.1:9/cb"}, 400, "invalid_grant"),  # not the authorization request's URI
    ({"grant_type": "password"}, 400, "unsupported_grant_type"),
])
def test_token_request_checks(idp, change, status, error):
    code = _authorize(idp)["code"][0]
    got_status, body = _exchange(idp, code, **change)
    assert (got_status, body["error"]) == (status, error)


def test_client_must_authenticate(idp):
    code = _authorize(idp)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": "v" * 50}
    status, _, body = _call(f"{idp.issuer}/token", form, _basic(secret="wrong"))
    assert status == 401 and json.loads(body)["error"] == "invalid_client"
    # an unauthenticated request does not use the code up; client_secret_post works as well as Basic
    status, _, body = _call(f"{idp.issuer}/token", form | {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
    assert status == 200 and "id_token" in json.loads(body)


def test_authorize_refuses_unregistered_redirect_and_reports_errors(idp):
    params = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": "http://127.0.0.1:1/evil",
              "scope": "openid", "state": "s"}
    assert _call(f"{idp.issuer}/authorize?{urlencode(params)}")[0] == 400  # never redirects to it
    assert _authorize(idp, scope="email")["error"] == ["invalid_scope"]
    idp.clear_user()
    query = _authorize(idp, state=secrets.token_hex(4))
    assert query["error"] == ["access_denied"] and "code" not in query
