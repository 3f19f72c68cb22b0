"""Page frame: page config, the Chinese navigation, the evaluation picker and the page header."""
from __future__ import annotations

import streamlit as st

from evalcore.model import Evaluation

from . import data

# The file-based multipage app: pages/ is the page registry (deep links work natively); the default
# navigation is hidden in .streamlit/config.toml and drawn here with Chinese labels.
PAGES: list[tuple[str, str, str]] = [
    ("app.py", "总览", ":material/dashboard:"),
    ("pages/1_units.py", "单位对比", ":material/compare_arrows:"),
    ("pages/2_problems.py", "问题分析", ":material/report:"),
    ("pages/3_rectification.py", "建议与整改", ":material/task_alt:"),
]

_CSS = """
<style>
  .block-container { padding-top: 2.2rem; padding-bottom: 2rem; max-width: 1800px; }
  [data-testid="stMetricValue"] { font-size: clamp(1.6rem, 2.3vw, 2.8rem); font-weight: 650;
                                  font-variant-numeric: tabular-nums; line-height: 1.25; }
  [data-testid="stMetricValue"] * { line-height: 1.25; }
  [data-testid="stMetricLabel"] p { font-size: 1.0rem; }
  h1 { font-size: 2.0rem !important; }
  @media (min-width: 1800px) { html { font-size: 17px; } }
</style>
"""

_SELECTED = "evaluation_path"


def _picker() -> Evaluation | None:
    sources = data.available()
    if not sources:
        st.sidebar.error("没有可用的评价数据：sample_data/ 中没有工作簿。")
        return None
    paths = [str(s.path) for s in sources]
    labels = {str(s.path): s.label for s in sources}
    current = st.session_state.get(_SELECTED)
    if current not in paths:
        current = paths[0]

    def remember() -> None:
        st.session_state[_SELECTED] = st.session_state["_evaluation_picker"]

    choice = st.sidebar.selectbox("评价", paths, index=paths.index(current), format_func=labels.get,
                                  key="_evaluation_picker", on_change=remember)
    st.session_state[_SELECTED] = choice
    ev, errors = data.load(next(s.path for s in sources if str(s.path) == choice))
    if ev is None:
        st.error("该评价数据未通过校验，无法显示：")
        for m in errors[:20]:
            st.text(f"• {m}")  # plain text: file content is never rendered as markdown
    return ev


def page(title: str, header: bool = True) -> Evaluation:
    """Set up a page and return the evaluation chosen in the sidebar; stop the page when it cannot be shown.

    With ``header`` the page gets its title and a caption naming the evaluation (总览 draws its own).
    """
    st.set_page_config(page_title=f"{title} · EvalBoard 绩效评价看板", page_icon=":material/insights:",
                       layout="wide", initial_sidebar_state="expanded")
    st.html(_CSS)
    with st.sidebar:
        st.markdown("### EvalBoard 绩效评价看板")
        for path, label, icon in PAGES:
            st.page_link(path, label=label, icon=icon)
        st.divider()
    ev = _picker()
    if ev is None:
        st.stop()
    st.sidebar.caption(f"{ev.meta.evaluator}　{ev.meta.year or ''} 年度")
    if header:
        _header(ev, title)
    return ev


def _header(ev: Evaluation, subtitle: str) -> None:
    st.title(subtitle)
    parts = [ev.meta.title]
    if ev.meta.evaluator:
        parts.append(ev.meta.evaluator)
    st.caption("　·　".join(parts))


def chart(fig, key: str, **kwargs):
    """Show a Plotly figure with our own template (Streamlit's chart theme would override it)."""
    return st.plotly_chart(fig, key=key, theme=None, config={"displayModeBar": False, "locale": "zh-CN"}, **kwargs)
