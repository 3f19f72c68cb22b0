"""components.text.plain in real Streamlit 1.67 and Chromium: every case of plain_text_cases.CASES, in every kind
of Markdown context the app uses, shows exactly the text as typed and makes no element of it (no link, image,
emphasis, colour, badge, icon, emoji, formula, heading, list, table, code); nothing executes.

The page is tests/browser/plain_text_app.py on a server of its own. A Streamlit upgrade that changes its Markdown
(the front end's plug-ins are what plain() works around) fails here first.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import serving
from tests.browser.plain_text_cases import CASES

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
APP = Path(__file__).resolve().parent / "plain_text_app.py"
INLINE = {"bold", "title", "subheader", "badge", "metric", "expander", "tab", "segment"}
# where the rendered text is, inside each case's container
TARGET = {"expander": "summary [data-testid=stMarkdownContainer]", "tab": "[role=tab]", "segment": "button",
          "metric": "[data-testid=stMetricLabel]", "title": "h1", "subheader": "h3",
          "info": "[data-testid=stAlertContainer] [data-testid=stMarkdownContainer]",
          "warning": "[data-testid=stAlertContainer] [data-testid=stMarkdownContainer]"}
KINDS = ["markdown", "bold", "caption", "info", "warning", "title", "subheader", "badge", "metric", "expander", "tab",
         "segment"]
# Elements that would mean the text was read as markup (our bold wrapper and the badge itself excepted).
MARKUP = ("a, img, strong, em, del, code, pre, table, ul, ol, li, blockquote, hr, h1, h2, h3, h4, h5, h6, .katex, "
          ".stMarkdownColoredText, .stMarkdownColoredBackground, [role=img], script, iframe, "
          "svg:not([aria-hidden=true])")


@pytest.fixture(scope="module")
def text_app_url(tmp_path_factory):
    log = tmp_path_factory.mktemp("plain_text") / "server.log"
    env = {k: v for k, v in os.environ.items() if k != "EVALBOARD_DATABASE_URL"}

    def start(port: int) -> subprocess.Popen:
        with log.open("wb") as out:
            return subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", str(APP), *serving.streamlit_options(port)],
                cwd=REPO, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)

    try:
        process, url = serving.launch(start, 60, lambda: log.read_text(errors="replace")[-3000:])
    except serving.ServerError as exc:
        pytest.fail(f"the plain-text page did not start: {exc}")
    try:
        yield url
    finally:
        serving.stop(process)


def norm(text: str) -> str:
    return " ".join(text.split())


def test_plain_text_renders_literally_in_every_context(text_app_url, new_page, ui):
    page = new_page(1280, 800)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    ui.open_and_settle(page, text_app_url)
    ui.assert_no_errors(page)
    # every case in every context is drawn, and nothing more is loading (a formula's or an image's code or file
    # would be a request: the page has none once the network is idle)
    for i in range(len(CASES)):
        for kind in KINDS:
            expect(page.locator(f".st-key-{kind}_{i}").first).to_be_attached()
    page.wait_for_load_state("networkidle")
    problems = []
    for i, text in enumerate(CASES):
        for kind in KINDS:
            box = page.locator(f".st-key-{kind}_{i}").first
            target = box.locator(TARGET[kind]).first if kind in TARGET else box
            shown = target.inner_text()
            if kind == "bold":
                shown = shown.removeprefix("（一）")
            if norm(shown) != norm(text):
                problems.append(f"{kind} #{i}: {text[:50]!r} shown as {shown[:80]!r}")
            root = target if kind in ("title", "subheader") else box  # inside the heading itself
            markup = root.evaluate(
                """(el, selector) => [...el.querySelectorAll(selector)]
                    .filter(e => !e.closest('[data-testid=stHeaderActionElements], [data-testid=stExpanderIcon],'
                                           + ' [data-testid=stIconMaterial], [data-testid=stAlertDynamicIcon]'))
                    .map(e => e.outerHTML.slice(0, 80))""",
                MARKUP)
            if kind == "bold":  # our own **…**: exactly one <strong>
                markup = [m for m in markup if not m.startswith("<strong")] + \
                    [m for m in markup if m.startswith("<strong")][1:]
            if markup:
                problems.append(f"{kind} #{i}: {text[:50]!r} made {markup}")
    assert not problems, "\n".join(problems)
    assert not dialogs and page.evaluate("window.__pwned") is None
    assert page.evaluate("document.documentElement.scrollWidth") <= 1281
