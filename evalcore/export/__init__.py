"""Exports of an evaluation: a results workbook (xlsx), a deck (pptx) and a self-contained HTML report.

Each exporter is a function ``Evaluation -> bytes`` with no I/O of its own; the command line and the app's
download buttons write or serve the bytes. ``export_bytes`` picks one by format name (the command line and
``components.cache`` both call it); each exporter is imported only when asked for.
"""
from __future__ import annotations

import datetime as dt

from ..application import RuleSet
from ..model import Evaluation

EXPORT_FORMATS = ("xlsx", "pptx", "html", "md", "docx")


def export_bytes(ev: Evaluation, fmt: str, as_of: dt.date, rules: RuleSet | None = None) -> bytes:
    """One evaluation in one export format (the app's download buttons and ``evalcore export`` call this).
    ``rules``: the 结果应用 rules in force (the app passes the bureau's; without them the defaults)."""
    if fmt == "xlsx":
        from .xlsx import export_xlsx
        return export_xlsx(ev, as_of, rules)
    if fmt == "pptx":
        from .pptx import export_pptx
        return export_pptx(ev, as_of, rules)
    if fmt == "html":
        from .html import export_html
        return export_html(ev, as_of, rules)
    if fmt == "md":
        from ..reporttext import write_markdown
        return write_markdown(ev).encode("utf-8")
    if fmt == "docx":
        from ..reporttext import write_docx
        return write_docx(ev)
    raise ValueError(f"不支持的导出格式：{fmt}")
