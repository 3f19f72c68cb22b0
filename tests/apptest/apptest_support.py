"""Helpers for the AppTest suite (a uniquely named module, so it never clashes with another conftest)."""
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGES = {
    "评价总览": "pages/7_portfolio.py",
    "总览": None,
    "单位对比": "pages/1_units.py",
    "问题分析": "pages/2_problems.py",
    "建议与整改": "pages/3_rectification.py",
    "演示": "pages/4_present.py",
    "数据管理": "pages/5_data.py",
    "管理": "pages/6_admin.py",
}


def open_page(page: str | None, timeout: float = 60) -> AppTest:
    """Run the app from its entry file, then switch to a page (how Streamlit resolves page links)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout).run()
    assert not at.exception, [e.value for e in at.exception]
    if page:
        at.switch_page(page).run()
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
