"""The one list of pages: their files, the Chinese labels and icons of the sidebar, and which role a link needs.

The app is Streamlit's file-based multipage mode (pages/ is the registry, so deep links work natively); the default
navigation is hidden in .streamlit/config.toml and :func:`components.layout.page` draws this list instead. Every
link to a page (``st.page_link``, ``st.switch_page``) names its file through the constants here, and the AppTest
suite reads the same list.
"""
from __future__ import annotations

OVERVIEW = "app.py"
PORTFOLIO = "pages/7_portfolio.py"
UNITS = "pages/1_units.py"
PROBLEMS = "pages/2_problems.py"
RECTIFICATION = "pages/3_rectification.py"
PRESENT = "pages/4_present.py"
DATA = "pages/5_data.py"
ADMIN = "pages/6_admin.py"
UNIT = "pages/8_unit.py"  # 单位详情: reached from a unit, not from the sidebar
# The only page a 单位填报 account opens (issue 25). Not "9_my_rectification.py": Streamlit's frontend takes a URL
# path that ends with another page's path (/my_rectification, /rectification) for a base path plus that page,
# and a deep link or the return after signing in lands on /my_/my_rectification.
MY_ITEMS = "pages/9_my_items.py"

# The sidebar, in order: (file, label, icon).
PAGES: list[tuple[str, str, str]] = [
    (PORTFOLIO, "评价总览", ":material/table_view:"),
    (OVERVIEW, "总览", ":material/dashboard:"),
    (UNITS, "单位对比", ":material/compare_arrows:"),
    (PROBLEMS, "问题分析", ":material/report:"),
    (RECTIFICATION, "建议与整改", ":material/task_alt:"),
    (PRESENT, "演示", ":material/slideshow:"),
    (DATA, "数据管理", ":material/upload_file:"),
    (ADMIN, "管理", ":material/admin_panel_settings:"),
    (MY_ITEMS, "我的整改", ":material/assignment_turned_in:"),
]
# Links only some roles need (the pages check the role themselves too).
PAGE_ACTIONS = {ADMIN: "view_audit", MY_ITEMS: "report"}
