"""Page frame: page config, the Chinese navigation, the evaluation picker and the page header."""
from __future__ import annotations

from typing import Literal, overload

import streamlit as st

from evalcore import clock
from evalcore.archive.query import latest_evaluation_id
from evalcore.figures.narrow import narrow
from evalcore.model import Evaluation

from . import a11y, auth, cache, evaluation_search, nav, responsive, theme, unreadable, zh
from .text import plain

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

_SELECTED = "evaluation_id"
_CURRENT = "_current_evaluation"
_UNREADABLE = "_unreadable_evaluation"  # set by the picker when the active version cannot be read
_PENDING = "_select_evaluation"
_PICKER = "_evaluation_picker"

# The view lives in the URL, so a link reopens it (on a cold server too): ?eval=ID, plus each page's own keys
# (the unit page's unit=KEY, 单位对比's filters).
EVAL_PARAM = "eval"


def url_get(name: str) -> str | None:
    """A query parameter of the page's URL (the last one when repeated)."""
    value = st.query_params.get(name)
    return value if value else None


def url_set(name: str, value: str | list[str] | None) -> None:
    """Write a query parameter (None or empty removes it); untouched when it already says so."""
    if value is None or value == "" or value == []:
        if name in st.query_params:
            del st.query_params[name]
        return
    current = st.query_params.get_all(name) if isinstance(value, list) else st.query_params.get(name)
    if current != value:
        st.query_params[name] = value


def _parse_id(text: str | None) -> int | None:
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        return None


def evaluation_from_url() -> int | None:
    """The evaluation id the URL names (``?eval=ID``), or None when it names none or not a number. Whether that
    evaluation exists is checked by :func:`page` (a clear message and the list, never another one silently)."""
    return _parse_id(url_get(EVAL_PARAM))


def _choose(evaluation_id: int) -> None:
    st.session_state[_SELECTED] = evaluation_id
    st.session_state[_PICKER] = evaluation_id
    url_set(EVAL_PARAM, str(evaluation_id))


def _missing_evaluation(wanted: str, infos) -> None:
    """The link names an evaluation that is not shown: say why in Chinese and offer the list (never another
    evaluation silently)."""
    parsed = _parse_id(wanted)
    try:  # one row, not the list (issue 23)
        named = None if parsed is None else cache.store().evaluation(parsed)
    except Exception:
        named = None
    archived = {parsed: named} if named is not None and named.archived else {}
    if parsed in archived:
        st.error(plain(f"链接中的评价“{archived[parsed].label}”（编号 {parsed}）已归档，不再显示。"
                       "请从下面的列表中选择要查看的评价。"), icon=":material/inventory_2:")
    else:
        st.error(plain(f"链接中的评价（编号 {wanted}）不存在，可能已被删除或链接有误。"
                       "请从下面的列表中选择要查看的评价。"),
                 icon=":material/link_off:")
    st.markdown("**现有评价**")
    for info in infos:
        st.button(info.label, key=f"_choose_eval_{info.id}", on_click=_choose, args=(info.id,),
                  icon=":material/arrow_forward:")
    st.page_link(nav.PORTFOLIO, label="查看评价总览", icon=":material/table_view:")


def latest(infos):
    """The most recently published evaluation (by the time of its active version, not by its year): what a page
    opens on when neither its URL nor this visitor's session names one. None for an empty list."""
    return max(infos, key=lambda i: (i.updated_at, i.id)) if infos else None


def default_evaluation(infos) -> int | None:
    """The evaluation a page shows when its URL names none: the one this visitor last looked at (session state),
    else the most recently published one."""
    ids = {i.id for i in infos}
    for key in (_PENDING, _SELECTED):
        if st.session_state.get(key) in ids:
            return st.session_state[key]
    newest = latest(infos)
    return newest.id if newest is not None else None


def _overview_params() -> dict[str, str] | None:
    """The 总览 link names the evaluation (app.py opens the portfolio when the URL names none)."""
    current = st.session_state.get(_PENDING) or st.session_state.get(_SELECTED)  # what this visitor looks at
    if current is None:
        try:  # else the most recently published: one query, not the list (issue 23)
            current = latest_evaluation_id(cache.store())
        except Exception:  # the picker says what is wrong with the database
            return None
    return {"eval": str(current)} if current is not None else None


def _picker() -> Evaluation | None:
    st.session_state.pop(_UNREADABLE, None)
    try:
        infos = evaluation_search.choices(st.session_state.get(_PENDING), evaluation_from_url(),  # bounded (issue 23)
                                          st.session_state.get(_SELECTED))
    except Exception as exc:  # the database cannot be opened: say where, keep the page alive
        st.sidebar.error(f"无法打开数据库：{exc}")
        return None
    if not infos:
        st.sidebar.error("数据库中还没有评价，请在“数据管理”页上传工作簿。")
        return None
    ids = [i.id for i in infos]
    by_id = {i.id: i for i in infos}
    pending = st.session_state.pop(_PENDING, None)
    wanted = url_get(EVAL_PARAM)
    if pending in ids:  # set by select(): applied before the widget exists, as Streamlit requires
        st.session_state[_SELECTED] = pending
        st.session_state[_PICKER] = pending
    elif wanted is not None:  # a link (or a refresh) names the evaluation: it wins over the session's choice
        linked = evaluation_from_url()
        if linked not in ids:
            _missing_evaluation(wanted, infos)
            return None
        st.session_state[_SELECTED] = linked
        st.session_state[_PICKER] = linked
    current = st.session_state.get(_SELECTED)
    if current not in ids:  # nothing named: the most recently published one (never the newest year's by default)
        current = default_evaluation(infos) or ids[0]

    def remember() -> None:
        st.session_state[_SELECTED] = st.session_state[_PICKER]
        url_set(EVAL_PARAM, str(st.session_state[_PICKER]))
        for name in _EVALUATION_SCOPED:  # a unit or a filter of the evaluation left behind means nothing now
            url_set(name, None)

    # The widget's value is set here on every run, never also by index= (both make Streamlit warn on every deep
    # link); a value left from another page's widget would otherwise be dropped for the first option.
    st.session_state[_PICKER] = current
    choice = st.sidebar.selectbox("评价", ids, format_func=lambda i: by_id[i].label, key=_PICKER,
                                  on_change=remember)
    st.session_state[_SELECTED] = choice
    url_set(EVAL_PARAM, str(choice))  # the URL always names the evaluation shown, so it can be copied as a link
    info = by_id[choice]
    st.session_state[_CURRENT] = info
    try:
        return cache.load(info.active_version_id)
    except Exception as exc:  # a version valid when stored, refused by a tightened rule: never a traceback
        st.session_state[_UNREADABLE] = info.id
        unreadable.notice(info, str(exc))
        return None


# URL keys that belong to one evaluation: dropped when the picker switches to another.
_EVALUATION_SCOPED = ("unit", "type", "grade", "below", "q", "sel")


def select(evaluation_id: int) -> None:
    """Make an evaluation the one every page shows from the next run on (after publishing it, say)."""
    st.session_state[_PENDING] = evaluation_id


def current_info():
    """The store record (id, active version) of the evaluation the page shows."""
    return st.session_state.get(_CURRENT)


def derived(fn, *args):
    """``fn(ev, *args)`` for the evaluation the page shows, cached per stored version for every session (the one
    way pages get derived tables; :func:`components.cache.per_version` is the cache underneath, for any version)."""
    return cache.per_version(fn, current_info().active_version_id, *args)


Sidebar = Literal["auto", "expanded", "collapsed"]


@overload
def page(title: str, header: bool = True, sidebar: Sidebar = "auto", picker: Literal[True] = True,
         unreadable_ok: bool = False, units_page: bool = False) -> Evaluation: ...


@overload
def page(title: str, header: bool = True, sidebar: Sidebar = "auto", *, picker: Literal[False],
         unreadable_ok: bool = False, units_page: bool = False) -> None: ...


def page(title: str, header: bool = True, sidebar: Sidebar = "auto", picker: bool = True,
         unreadable_ok: bool = False, units_page: bool = False) -> Evaluation | None:
    """Set up a page and return the evaluation chosen in the sidebar; stop the page when it cannot be shown.

    Typed for the pages: with the picker it returns an :class:`Evaluation`, never None (no evaluation to show
    ends the page run through ``st.stop()``, which never returns), so a page uses ``ev`` without a check.

    With ``header`` the page gets its title and a caption naming the evaluation (总览 draws its own).
    ``sidebar="auto"`` (default): open on a wide screen, closed on a phone (768 px or narrower), so a link opened
    on a phone shows the figures first; ``"collapsed"`` starts closed everywhere (the presentation page).
    ``picker=False``: a page about every evaluation (管理): no picker, returns None.
    ``unreadable_ok=True``: when the active version cannot be read, return None after the notice instead of
    stopping (数据管理 then shows the versions panel, components/unreadable.py).
    """
    st.set_page_config(page_title=f"{title} · EvalBoard 绩效评价看板", page_icon=a11y.FAVICON,  # local: no request out
                       layout="wide", initial_sidebar_state=sidebar)
    st.html(_CSS)
    theme.register()  # the Plotly template of every chart (idempotent; never an import side effect)
    responsive.inject()  # phone widths: stacked metrics, tables scrolling in their box, touch-size controls
    zh.inject()  # Streamlit's own English (upload widget, ARIA labels, icon names) in Chinese (issue 28)
    a11y.inject()  # visible keyboard focus; the charts' text alternatives (chart() below)
    auth.gate()  # draws the sign-in panel and stops the page until someone is signed in
    unit_account = auth.can("report")  # a 单位填报 account: its own 整改 items only (issue 25)
    with st.sidebar:
        st.markdown("### EvalBoard 绩效评价看板")
        for path, label, icon in nav.PAGES:
            if unit_account and path != nav.MY_ITEMS:
                continue
            if path not in nav.PAGE_ACTIONS or auth.can(nav.PAGE_ACTIONS[path]):
                st.page_link(path, label=label, icon=icon,
                             query_params=_overview_params() if path == nav.OVERVIEW else None)
        st.divider()
    auth.sidebar_status()
    if unit_account and not units_page:
        if title != "总览":
            auth.record_refused_visit(title, "report")
        st.info("单位填报账户只能查看和报送本单位的整改事项，请进入“我的整改”页面。")
        st.page_link(nav.MY_ITEMS, label="进入我的整改", icon=":material/assignment_turned_in:")
        st.stop()
    if not picker:
        if header:
            st.title(title)
        return None
    ev = _picker()
    if ev is None:
        if unreadable_ok and st.session_state.get(_UNREADABLE) is not None:
            return None
        st.stop()
    info = current_info()
    who_when = "　".join(p for p in (ev.meta.evaluator, f"{ev.meta.year} 年度" if ev.meta.year else "") if p)
    if who_when:  # nothing at all rather than a bare "年度" when the report states neither
        st.sidebar.caption(plain(who_when))
    if info is not None:
        updated = clock.format_time(info.updated_at)
        st.sidebar.caption(f"当前第 {info.active_number} 版（共 {info.versions} 版）· 更新于 {updated}")
    if header:
        _header(ev, title)
    return ev


def _header(ev: Evaluation, subtitle: str) -> None:
    st.title(subtitle)
    parts = [ev.meta.title]
    if ev.meta.evaluator:
        parts.append(ev.meta.evaluator)
    st.caption(plain("　·　".join(parts)))


def chart(fig, key: str, **kwargs):
    """Show a Plotly figure with our own template (Streamlit's chart theme would override it).

    On a phone the figure is laid out again for the narrow screen (``evalcore.figures.narrow``); a chart whose
    selection the page reads (``on_select``) keeps its bar orientation."""
    if not fig.data and fig.layout.annotations:  # nothing to draw: say so in words, not in an empty frame
        st.caption(plain(fig.layout.annotations[0].text or ""))
        return None
    if responsive.is_phone():
        fig = narrow(fig, flip_bars="on_select" not in kwargs)
    a11y.describe(fig)  # what the chart shows and its key figure, for screen readers
    return st.plotly_chart(fig, key=key, theme=None, config={"displayModeBar": False, "locale": "zh-CN"}, **kwargs)
