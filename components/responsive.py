"""Phone screens: the CSS every page gets (``layout.page`` injects it once per page) and the phone test for charts.

Leaders open links from a chat on a phone (390x844 is a common size). There the sidebar starts collapsed
(``initial_sidebar_state="auto"``: Streamlit closes it at 768 px or narrower, and keeps it open on a desktop), and the
rules below make the page itself read at that width: columns and metrics one per row, tables scrolling inside their
own box, long words wrapping instead of widening the page, controls at least 44 px tall (a thumb), inputs at 16 px
(a phone zooms the page into a smaller input), and the 演示 page's previous / next buttons large and always in reach
at the bottom of the screen.

Selectors use Streamlit's ``data-testid`` attributes (kept stable across releases for its own tests, unlike its
generated class names) and the ``st-key-*`` classes Streamlit gives our keyed containers and widgets. Desktop
widths are untouched: every rule is inside ``@media (max-width: 640px)``.
"""
from __future__ import annotations

import re

import streamlit as st

PHONE_MAX_PX = 640  # at this width or below the phone rules apply (Streamlit stacks its columns below 640 px too)
TOUCH_PX = 44  # the smallest height of a control meant for a finger (Apple HIG 44 pt, Material 48 dp)

SCRIPT_BOX = "eb_phone_script"

CSS = f"""
<style>
.st-key-{SCRIPT_BOX}, [data-testid="stLayoutWrapper"]:has(> .st-key-{SCRIPT_BOX}) {{ display: none; }}
@media (max-width: {PHONE_MAX_PX}px) {{
  /* the page: a little less top padding, long words wrap, nothing wider than the screen */
  [data-testid="stMainBlockContainer"] {{ padding-top: 3.2rem; padding-left: 1rem; padding-right: 1rem; }}
  [data-testid="stMain"] h1 {{ font-size: 1.55rem !important; line-height: 1.3; }}
  [data-testid="stMain"] h2 {{ font-size: 1.3rem !important; }}
  [data-testid="stMain"] h3 {{ font-size: 1.12rem !important; }}
  [data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"], [data-testid="stHeading"],
  [data-testid="stAlertContainer"], [data-testid="stMetricLabel"], [data-testid="stHtml"] {{
    overflow-wrap: anywhere; min-width: 0; }}
  [data-testid="stElementContainer"], [data-testid="stVerticalBlock"], [data-testid="stColumn"] {{ min-width: 0; }}
  [data-testid="stMain"] img, [data-testid="stMain"] svg, [data-testid="stMain"] iframe {{ max-width: 100%; }}

  /* columns and metrics: one per row */
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"]) {{ flex-wrap: wrap; }}
  [data-testid="stColumn"] {{ flex: 1 1 100% !important; width: 100% !important; min-width: 100% !important; }}
  [data-testid="stMetricValue"] {{ font-size: 1.7rem; }}
  /* issue 28: fewer screens: columns inside a column (a unit card's 得分 | 执行率) stay side by side */
  [data-testid="stColumn"] [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] {{
    flex: 1 1 45% !important; width: auto !important; min-width: 45% !important; }}
  [data-testid="stMetricValue"] > div {{ white-space: normal; overflow-wrap: anywhere; }}

  /* tables scroll inside their own box, never the page */
  [data-testid="stTable"], [data-testid="stDataFrame"], [data-testid="stMarkdownContainer"] table,
  [data-testid="stHtml"] table {{ display: block; max-width: 100%; overflow-x: auto; }}

  /* controls a thumb can hit */
  [data-testid^="stBaseButton-"] {{ min-height: {TOUCH_PX}px; }}
  [data-testid="stPageLink-NavLink"] {{ min-height: {TOUCH_PX}px; align-items: center; }}
  [data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapseButton"] button {{
    min-width: {TOUCH_PX}px; min-height: {TOUCH_PX}px; }}
  [data-testid="stExpander"] summary {{ min-height: {TOUCH_PX}px; align-items: center; }}
  [data-testid="stSelectbox"] [data-baseweb="select"] > div,
  [data-testid="stMultiSelect"] [data-baseweb="select"] > div {{ min-height: {TOUCH_PX}px; }}
  [data-testid="stTextInput"] input, [data-testid="stDateInput"] input, [data-testid="stNumberInput"] input,
  [data-testid="stTextArea"] textarea, [data-testid="stSelectbox"] input {{ font-size: 16px; }}
  [data-testid="stTextInput"] input, [data-testid="stDateInput"] input, [data-testid="stNumberInput"] input {{
    min-height: {TOUCH_PX}px; }}
  [data-testid="stRadio"] label, [data-testid="stCheckbox"] label {{ min-height: 36px; align-items: center; }}
  [data-testid="stTabs"] [role="tab"] {{ min-height: {TOUCH_PX}px; }}
  /* keyboard shortcut hints mean nothing on a phone */
  [data-testid^="stBaseButton-"] kbd {{ display: none; }}

  /* 演示: the slide first, then the controls in a bar kept at the bottom of the screen (in thumb reach):
     large previous / next on the first line, the downloads on the second. Streamlit wraps a keyed container in
     a stLayoutWrapper, which is the item of the page's column that can be ordered and made sticky. */
  .st-key-present_slide, [data-testid="stLayoutWrapper"]:has(> .st-key-present_slide) {{ order: 1; }}
  .st-key-present_slide {{ min-height: 0 !important; }}
  [data-testid="stLayoutWrapper"]:has(> .st-key-present_controls) {{ order: 2; position: sticky; bottom: 0;
    z-index: 10; background: #ffffff; padding: .5rem 0 calc(.5rem + env(safe-area-inset-bottom));
    box-shadow: 0 -6px 10px -6px rgba(29, 36, 51, .25); }}
  .st-key-present_controls {{ flex-wrap: wrap; row-gap: .5rem; column-gap: .5rem; }}
  .st-key-present_controls [data-testid="stElementContainer"]:has([data-testid="stCaptionContainer"]) {{
    display: none; }}
  .st-key-slide_prev, .st-key-slide_next {{ flex: 1 1 28% !important; }}
  .st-key-slide_prev button, .st-key-slide_next button {{ width: 100%; min-height: 56px; font-size: 1.1rem; }}
  .st-key-slide_first button {{ min-height: 56px; min-width: 56px; }}
  .st-key-slide_first [data-testid="stMarkdownContainer"] {{ display: none; }}
  .st-key-present_download_pptx, .st-key-present_download_html {{ flex: 1 1 40% !important; }}
  .st-key-present_download_pptx button, .st-key-present_download_html button {{ width: 100%; }}
  .st-key-present_slide .eb-tiles, .st-key-present_slide .eb-blocks {{ grid-template-columns: minmax(0, 1fr); }}
  .st-key-present_slide .eb-tile .value {{ white-space: normal; }}
  .st-key-present_slide .eb-head {{ flex-wrap: wrap; }}
  .st-key-present_slide .eb-cover {{ min-height: 0; padding: 2rem 1.4rem; }}
  .st-key-present_slide .eb-table {{ overflow-x: auto; }}
}}
</style>
"""

# Streamlit remembers a sidebar opened by hand in localStorage ("stSidebarCollapsed-…") and then opens it on every
# later page of that browser, whatever initial_sidebar_state says; and choosing a page with st.page_link leaves it
# open over the new page. On a phone that would put the navigation over the figures again, so each page, once it
# is shown at 768 px or narrower (Streamlit's "auto" breakpoint), forgets that state and closes the sidebar.
# A constant of ours: no text from a workbook or a request ever enters it.
SCRIPT = """
<script>
(() => {
  if (!window.matchMedia("(max-width: 768px)").matches) return;
  for (const key of Object.keys(window.localStorage)) {
    if (key.startsWith("stSidebarCollapsed-")) window.localStorage.removeItem(key);
  }
  let tries = 0;
  const close = () => {
    const bar = document.querySelector('[data-testid="stSidebar"]');
    const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (bar && bar.getAttribute("data-collapsed") === "false" && button) {
      button.click();
      setTimeout(() => {
        for (const key of Object.keys(window.localStorage)) {
          if (key.startsWith("stSidebarCollapsed-")) window.localStorage.removeItem(key);
        }
      }, 0);
    } else if (!bar || bar.getAttribute("data-collapsed") !== "true") {
      if (++tries < 20) setTimeout(close, 50);
    }
  };
  close();
})();
</script>
"""

# "Mobi" is in the User-Agent of phone browsers (and of the in-app browsers of chat apps), not of tablets or desktops.
_PHONE_AGENT = re.compile(r"Mobi|iPhone|Android.+Mobile|HarmonyOS.+Phone", re.I)


def inject() -> None:
    """Add the phone rules to the page (no effect above ``PHONE_MAX_PX``) and the script that closes the sidebar
    when a page is shown on a phone (no effect above 768 px)."""
    st.html(CSS)
    with st.container(key=SCRIPT_BOX):  # hidden at every width: it holds a script and must take no room
        st.html(SCRIPT, unsafe_allow_javascript=True)


FILTER_LABEL = "筛选"


def filter_label(active: int) -> str:
    """The one button a phone's filters sit behind: "筛选", with how many are set ("筛选（已选 2 项）")."""
    return FILTER_LABEL + (f"（已选 {active} 项）" if active else "")


def filter_panel(active: int = 0, key: str | None = None):
    """Where a page's filter row goes: on a phone behind one button (a popover, issue 28: the key figures first,
    not five filters filling the first screen); on a desktop the row as it is."""
    if is_phone():
        return st.popover(filter_label(active), icon=":material/filter_list:", width="stretch", key=key)
    return st.container()


def is_phone_agent(user_agent: str | None) -> bool:
    return user_agent is not None and _PHONE_AGENT.search(user_agent) is not None


def is_phone() -> bool:
    """Whether this session's browser is a phone (by its User-Agent, sent when the page was opened).

    The server never learns the screen width; CSS handles the page at any width, and this only decides how charts
    are laid out (``evalcore.figures.narrow``). A desktop window made narrow keeps the desktop charts."""
    try:
        agent = st.context.headers.get("User-Agent")
    except Exception:  # no browser session (AppTest, a bare script run): not a phone
        return False
    return is_phone_agent(agent)
