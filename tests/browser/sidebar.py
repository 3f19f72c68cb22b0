"""The sidebar's page links as a person reads them: a link is found by its whole label, so 总览 is not 评价总览."""
from __future__ import annotations

import re

LINK = "[data-testid='stSidebar'] a"


def whole_label(label: str) -> re.Pattern[str]:
    """The link text ending with ``label`` with no Chinese character before it (the icon's name may come first)."""
    return re.compile(rf"(?<![\u4e00-\u9fff]){re.escape(label)}\s*$")


def link(page, label: str):
    """The sidebar link labelled ``label``."""
    return page.locator(LINK, has_text=whole_label(label)).first
