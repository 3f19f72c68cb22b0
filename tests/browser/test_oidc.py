"""Sign-in with OpenID Connect (EVALBOARD_AUTH=oidc) in real Chromium, against a real IdP on loopback.

The IdP is tests/oidc_provider.py, run in this process on 127.0.0.1; the app is a Streamlit server of its own
(``serve_app`` of tests/browser/conftest.py) whose secrets come from a file written here, passed with
``STREAMLIT_SECRETS_FILES`` (Streamlit's ``secrets.files`` option): nothing is written to the repo's .streamlit/.

How ``st.login`` works over plain http on loopback (Streamlit 1.67, Authlib 1.9):

* no ``AUTHLIB_INSECURE_TRANSPORT`` is needed: Authlib treats ``http://127.0.0.1`` / ``http://localhost`` as a
  secure transport (RFC 8252 loopback), and its client never refused http anyway; the variable is removed from
  the server's environment so the test shows that;
* ``redirect_uri`` must use the host the browser uses (127.0.0.1 here, as ``serve_app`` does): the OAuth
  ``state`` lives in Streamlit's session cookie, set on the host of ``/auth/login``, and the user cookie is
  only accepted from the origin of ``redirect_uri``. With localhost vs 127.0.0.1 the callback finds no state,
  logs "Missing provider for OAuth callback" and the user silently stays signed out;
* ``redirect_uri = "http://127.0.0.1:{port}/oauth2callback"``: Streamlit fills in ``{port}`` from
  ``server.port``, so the secrets can be written before the server's free port is known.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.oidc_provider import OIDCProvider

pytestmark = pytest.mark.browser

SIGN_IN = "使用统一身份认证登录"
SIGN_OUT = "退出登录"
NO_ACCESS = re.compile(r"你的账号.*没有.*访问权限")  # "你的账号 … 没有访问权限"
UPLOADER_LABEL = "上传填好的工作簿"
UPLOADER = "[data-testid='stFileUploader']"
SIDEBAR = "[data-testid='stSidebar']"
# Figures of the seed evaluation on 总览 (as in test_browser_pages.py): execution rates of the two units.
OVERVIEW_FIGURES = ["82.69%", "98.36%"]
LOGIN_TIMEOUT_MS = 45_000

ROLE_RULES = {
    "admins": ["admin@czj.example.cn"],
    "evaluators": ["@pingjia.example.cn"],
    "viewers": ["@czj.example.cn"],
    "group_claim": "groups",
    "admin_groups": ["evalboard-admin"],
    "evaluator_groups": ["evalboard-evaluator"],
    "viewer_groups": ["evalboard-viewer"],
    "unit_claim": "evalboard_units",  # issue 25: 单位填报 for the units this claim names
}

CONFTEST = Path(__file__).with_name("conftest.py").resolve()


def _serve_app(config: pytest.Config):
    """``serve_app`` of tests/browser/conftest.py, found among pytest's loaded conftest plugins (no import:
    ``from conftest import`` is ambiguous with several conftest.py files)."""
    for plugin in config.pluginmanager.get_plugins():
        path = getattr(plugin, "__file__", None)
        if path and Path(path).resolve() == CONFTEST:
            return plugin.serve_app
    pytest.fail(f"{CONFTEST} is not loaded as a conftest plugin")


def _toml(value) -> str:
    return json.dumps(value, ensure_ascii=False)  # strings and string lists: JSON literals are valid TOML


def _secrets(idp: OIDCProvider, provider: str) -> str:
    """secrets.toml: Streamlit's [auth] pointing at the test IdP, and the role mapping of [evalboard.oidc]."""
    client = "\n".join([
        f"client_id = {_toml(idp.client_id)}",
        f"client_secret = {_toml(idp.client_secret)}",
        f"server_metadata_url = {_toml(idp.metadata_url)}",
    ])
    lines = [
        "[auth]",
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"',  # {port}: filled in by Streamlit
        f"cookie_secret = {_toml(secrets.token_urlsafe(32))}",
    ]
    lines += [client] if not provider else ["", f"[auth.{provider}]", client]
    lines += ["", "[evalboard]", 'auth = "oidc"', "", "[evalboard.oidc]", f"provider = {_toml(provider)}"]
    lines += [f"{key} = {_toml(value)}" for key, value in ROLE_RULES.items()]
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def _oidc_app(config: pytest.Config, idp: OIDCProvider, log_dir: Path, provider: str = "") -> Iterator[str]:
    """An app server in oidc mode, signing in at ``idp``; yields its base URL."""
    secrets_file = log_dir / "secrets.toml"
    secrets_file.write_text(_secrets(idp, provider), encoding="utf-8")
    with contextlib.ExitStack() as stack:
        env = stack.enter_context(pytest.MonkeyPatch.context())
        env.setenv("EVALBOARD_AUTH", "oidc")
        env.setenv("STREAMLIT_SECRETS_FILES", str(secrets_file))
        env.delenv("AUTHLIB_INSECURE_TRANSPORT", raising=False)  # not needed on loopback: prove it
        url = stack.enter_context(_serve_app(config)(log_dir))
        env.undo()  # the environment was for the server process only
        idp.register_redirect_uri(f"{url}/oauth2callback")  # from now on the IdP accepts exactly this one
        yield url


@pytest.fixture(scope="module")
def idp() -> Iterator[OIDCProvider]:
    with OIDCProvider(client_id="evalboard-browser-test") as provider:
        yield provider


@pytest.fixture(scope="module")
def oidc_url(request, idp, tmp_path_factory) -> Iterator[str]:
    """One oidc-mode server for this module (the tests change only the IdP's user, never data)."""
    with _oidc_app(request.config, idp, tmp_path_factory.mktemp("oidc-app")) as url:
        yield url


# ---------------------------------------------------------------- helpers


def _body(page) -> str:
    return re.sub(r"\s+", "", page.inner_text("body"))


def _sidebar(page) -> str:
    sidebar = page.locator(SIDEBAR)
    return re.sub(r"\s+", "", sidebar.first.inner_text()) if sidebar.count() else ""


def assert_signed_out(page, ui) -> None:
    """The sign-in panel and nothing of the evaluation."""
    page.get_by_role("button", name=SIGN_IN).wait_for(state="visible")
    ui.assert_no_errors(page)
    body = _body(page)
    leaked = [f for f in OVERVIEW_FIGURES if f in body]
    assert not leaked, f"signed out, yet {leaked} shown on {page.url}: {body[:800]}"
    expect(page.locator(UPLOADER), f"signed out, yet a file uploader on {page.url}").to_have_count(0)
    assert "已登录" not in _sidebar(page)


def sign_in(page, ui, idp: OIDCProvider, base_url: str) -> None:
    """Click the sign-in button and follow the redirects through the IdP back to the app."""
    authorize_calls, token_calls = len(idp.requests_to("/authorize")), len(idp.requests_to("/token"))
    # /auth/login -> IdP /authorize -> /oauth2callback -> /: one navigation that ends on the app's base URL
    with page.expect_navigation(url=f"{base_url}/", wait_until="domcontentloaded", timeout=LOGIN_TIMEOUT_MS):
        page.get_by_role("button", name=SIGN_IN).click()
    ui.wait_for_app(page, LOGIN_TIMEOUT_MS)
    authorize = idp.requests_to("/authorize")[authorize_calls:]
    assert len(authorize) == 1, f"expected one trip through the IdP, saw {len(authorize)}: {idp.requests[-6:]}"
    params = authorize[0]["params"]
    assert params["redirect_uri"] == f"{base_url}/oauth2callback"
    assert params.get("nonce") and params.get("code_challenge_method") == "S256", params  # nonce and PKCE used
    assert len(idp.requests_to("/token")) == token_calls + 1, "the app did not redeem the code at the IdP"
    assert any(c["name"] == "_streamlit_user" for c in page.context.cookies()), "no identity cookie was set"


def assert_signed_in_as(page, ui, who: str, role: str) -> None:
    ui.assert_no_errors(page)
    expected = f"已登录：{who}（{role}）"
    spaced = re.compile(r"\s*".join(map(re.escape, expected)))  # as _sidebar() reads it: white space aside
    expect(page.locator(SIDEBAR).first, f"sidebar should show {expected!r}").to_contain_text(
        spaced, timeout=15_000, use_inner_text=True)
    assert expected in _sidebar(page), f"sidebar should show {expected!r}: {_sidebar(page)[:600]}"
    expect(page.get_by_role("button", name=SIGN_OUT)).to_be_visible()
    expect(page.get_by_role("button", name=SIGN_IN)).to_have_count(0)


def wait_for_no_access(page, ui, timeout_ms: int = 15_000) -> None:
    # (_body() reads the page without white space; the page itself may break the message over lines)
    expect(page.locator("body")).to_contain_text(re.compile(NO_ACCESS.pattern, re.DOTALL), timeout=timeout_ms,
                                                 use_inner_text=True)
    assert NO_ACCESS.search(_body(page)), f"no '你的账号 … 没有访问权限' on {page.url}: {_body(page)[:800]}"
    # the message may well be an error box; an exception may not
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def open_data_page(page, ui) -> None:
    """Go to 数据管理 through the sidebar link, as a user would."""
    page.locator(f"{SIDEBAR} a", has_text="数据管理").first.click()
    page.wait_for_url(re.compile(r"/data(\?.*)?$"))
    ui.wait_for_app(page)
    ui.assert_no_errors(page)


# ---------------------------------------------------------------- tests


def test_signed_out_sees_only_the_sign_in_panel(oidc_url, new_page, ui):
    page = new_page(1920, 1080)
    ui.open_and_settle(page, oidc_url + "/")
    assert_signed_out(page, ui)
    ui.open_and_settle(page, oidc_url + "/data")  # every page, not just 总览
    assert_signed_out(page, ui)
    assert UPLOADER_LABEL not in _body(page)


def test_viewer_signs_in_sees_overview_but_cannot_upload(oidc_url, idp, new_page, ui):
    idp.set_user(email="wang@czj.example.cn", name="王五")  # viewers: "@czj.example.cn"
    page = new_page(1920, 1080)
    ui.open_and_settle(page, oidc_url + "/")
    sign_in(page, ui, idp, oidc_url)
    ui.wait_for_texts(page, OVERVIEW_FIGURES)
    assert_signed_in_as(page, ui, "王五", "查看者")

    page.reload(wait_until="domcontentloaded")  # the identity cookie keeps the user signed in
    ui.wait_for_app(page)
    ui.wait_for_texts(page, OVERVIEW_FIGURES)
    assert_signed_in_as(page, ui, "王五", "查看者")

    open_data_page(page, ui)
    expect(page.locator(UPLOADER), "a viewer must not get the file uploader on 数据管理").to_have_count(0)
    assert UPLOADER_LABEL not in _body(page)
    expect(page.get_by_role("button", name="发布", exact=True)).to_have_count(0)


@pytest.mark.parametrize(("user", "who", "role"), [
    (dict(email="li@pingjia.example.cn", name="李评价"), "李评价", "评价人员"),  # evaluators: "@pingjia.example.cn"
    (dict(email="admin@czj.example.cn"), "admin@czj.example.cn", "管理员"),  # admins by address beat the viewer domain
    (dict(email="zhao@partner.example.org", name="赵管理", groups=["staff", "evalboard-admin"]), "赵管理", "管理员"),
], ids=["evaluator-by-domain", "admin-by-address-no-name", "admin-by-group"])
def test_evaluator_and_admin_get_the_uploader(oidc_url, idp, new_page, ui, user, who, role):
    idp.set_user(**user)
    page = new_page(1920, 1080)
    ui.open_and_settle(page, oidc_url + "/")
    sign_in(page, ui, idp, oidc_url)
    ui.wait_for_texts(page, OVERVIEW_FIGURES)
    assert_signed_in_as(page, ui, who, role)

    open_data_page(page, ui)
    uploader = page.locator(UPLOADER).filter(has_text=UPLOADER_LABEL)
    uploader.first.wait_for(state="visible")
    assert_signed_in_as(page, ui, who, role)


def test_unmapped_account_gets_no_access(oidc_url, idp, new_page, ui):
    idp.set_user(email="someone@elsewhere.example.com", name="路人", groups=["staff"])  # no list, no group
    page = new_page(1920, 1080)
    ui.open_and_settle(page, oidc_url + "/")
    sign_in(page, ui, idp, oidc_url)
    wait_for_no_access(page, ui)
    body = _body(page)
    assert "someone@elsewhere.example.com" in body, body[:800]  # says which account has no access
    assert not [f for f in OVERVIEW_FIGURES if f in body], f"no access, yet data shown: {body[:800]}"
    assert "已登录" not in _sidebar(page)

    ui.open_and_settle(page, oidc_url + "/data")  # nor on any other page
    wait_for_no_access(page, ui)
    expect(page.locator(UPLOADER)).to_have_count(0)
    assert not [f for f in OVERVIEW_FIGURES if f in _body(page)]

    # the account can be switched: signing out leads back to the sign-in panel
    with page.expect_navigation(url=f"{oidc_url}/", wait_until="domcontentloaded", timeout=LOGIN_TIMEOUT_MS):
        page.get_by_role("button", name=SIGN_OUT).click()
    ui.wait_for_app(page)
    assert_signed_out(page, ui)


def test_sign_out_returns_to_the_sign_in_panel(oidc_url, idp, new_page, ui):
    idp.set_user(email="wang@czj.example.cn", name="王五")
    page = new_page(1920, 1080)
    ui.open_and_settle(page, oidc_url + "/")
    sign_in(page, ui, idp, oidc_url)
    assert_signed_in_as(page, ui, "王五", "查看者")

    logouts = len(idp.requests_to("/logout"))
    # /auth/logout -> the IdP's end_session_endpoint -> /oauth2callback -> /
    with page.expect_navigation(url=f"{oidc_url}/", wait_until="domcontentloaded", timeout=LOGIN_TIMEOUT_MS):
        page.get_by_role("button", name=SIGN_OUT).click()
    ui.wait_for_app(page)
    assert_signed_out(page, ui)
    assert len(idp.requests_to("/logout")) == logouts + 1, "st.logout() should end the session at the IdP too"
    assert not any(c["name"].startswith("_streamlit_user") for c in page.context.cookies())

    page.reload(wait_until="domcontentloaded")  # and it stays signed out
    ui.wait_for_app(page)
    assert_signed_out(page, ui)


def test_named_provider_section(request, idp, tmp_path, new_page, ui):
    """``[evalboard.oidc] provider = "czj"`` signs in with the ``[auth.czj]`` section (st.login("czj"))."""
    idp.set_user(email="li@pingjia.example.cn", name="李评价")
    with _oidc_app(request.config, idp, tmp_path, provider="czj") as url:
        page = new_page(1920, 1080)
        ui.open_and_settle(page, url + "/")
        assert_signed_out(page, ui)
        sign_in(page, ui, idp, url)
        ui.wait_for_texts(page, OVERVIEW_FIGURES)
        assert_signed_in_as(page, ui, "李评价", "评价人员")


def test_a_unit_identity_signs_in_by_its_claim_and_sees_only_its_items(oidc_url, idp, new_page, ui):
    idp.set_user(email="dsj@unit.example.cn", name="数据局填报", evalboard_units=["长沙市数据局"])
    page = new_page(1400, 1000)
    ui.open_and_settle(page, oidc_url + "/")
    sign_in(page, ui, idp, oidc_url)
    assert_signed_in_as(page, ui, "数据局填报", "单位填报")
    ui.wait_for_texts(page, ["单位填报账户只能查看和报送本单位的整改事项"])
    assert not [f for f in OVERVIEW_FIGURES if f in _body(page)]
    ui.open_and_settle(page, oidc_url + "/my_items")
    ui.wait_for_texts(page, ["本账户负责的单位：长沙市数据局", "加快统筹集约建设项目实施和支付"])  # Z02, the first
    assert "清理上年结转资金" not in page.inner_text("body")  # 市数据中心's Z01
    ui.assert_no_errors(page)
