"""components.nav is the one page list: it names every page file there is, and only those."""
from __future__ import annotations

from pathlib import Path

from components import nav

ROOT = Path(__file__).resolve().parents[2]


def test_the_list_names_every_page_file_and_nothing_else():
    files = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")} | {"app.py"}
    constants = {v for k, v in vars(nav).items() if k.isupper() and isinstance(v, str)}
    assert constants == files
    linked = [path for path, _, _ in nav.PAGES]
    assert len(set(linked)) == len(linked)
    assert set(linked) == files - {nav.UNIT}  # 单位详情 is reached from a unit, not from the sidebar
    assert set(nav.PAGE_ACTIONS) <= set(linked)
