"""Helpers for the AppTest suite (a uniquely named module, so it never clashes with another conftest)."""
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from components import nav

ROOT = Path(__file__).resolve().parents[2]
# The pages a viewer's sidebar links, label -> file (None: the entry page), from the app's own list
# (components.nav.PAGES); 我的整改 is only for 单位填报 accounts.
PAGES = {label: None if path == "app.py" else path for path, label, _ in nav.PAGES if path != nav.MY_ITEMS}


def open_page(page: str | None, timeout: float = 60) -> AppTest:
    """Run the app from its entry file, then switch to a page (how Streamlit resolves page links)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout).run()
    assert not at.exception, [e.value for e in at.exception]
    if page:
        at.switch_page(page).run()
    return at


def pasted_report(text: str, timeout: float = 90) -> AppTest:
    """数据管理 › 从报告文本导入 with ``text`` pasted by an evaluator (李评价), the page run without an exception."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout).run()
    at.switch_page(PAGES["数据管理"]).run()
    at.text_input(key="operator").input("李评价").run()
    at.text_area(key="report_text").input(text).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape(text: object) -> object:
    """Markdown backslash escapes removed (components.text.plain), so tests compare what a reader sees."""
    return _MD_ESCAPE.sub(r"\1", text) if isinstance(text, str) else text


def texts(at: AppTest) -> str:
    """Every piece of text the page shows (markdown, captions, metrics, titles, alerts, badges)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts.extend(str(e.value) for e in getattr(at, kind))
    for m in at.metric:
        parts.append(f"{m.label} {m.value}")
    parts.extend(str(getattr(e, "value", "")) for e in at.get("badge"))
    parts.extend(str(getattr(e, "proto", "")) for e in at.get("badge"))
    # workbook text reaches markdown escaped (components.text.plain): compare what a reader sees
    return _MD_ESCAPE.sub(r"\1", "\n".join(parts))
