"""演示: the evaluation one slide at a time, for a projector; the same slides as the PPTX and HTML downloads.

Previous / next by the buttons or the arrow keys (Streamlit's button shortcuts), Home for the first slide.
"""
import streamlit as st

from components import cache, layout, slides
from components.text import plain
from evalcore import clock

ev = layout.page("演示", header=False, sidebar="collapsed")
slides.style()

as_of = clock.today()
version_id = layout.current_info().active_version_id
plan = cache.plan(version_id, as_of)
total = len(plan)

SLIDE = "slide"  # 0-based index of the slide shown
index = st.session_state.get(SLIDE, 0)
if not isinstance(index, int) or not 0 <= index < total:
    index = 0
st.session_state[SLIDE] = index


def _go(step: int | None) -> None:
    """step +1 / -1; None: back to the first slide."""
    current = st.session_state.get(SLIDE, 0)
    st.session_state[SLIDE] = 0 if step is None else max(0, min(total - 1, current + step))


with st.container(horizontal=True, key="present_controls", vertical_alignment="center", gap="small"):
    st.button("首页", icon=":material/first_page:", key="slide_first", on_click=_go, args=(None,),
              disabled=index == 0, shortcut="Home")
    st.button("上一页", icon=":material/chevron_left:", key="slide_prev", on_click=_go, args=(-1,),
              disabled=index == 0, shortcut="Left")
    st.html(f'<span class="eb-counter">{index + 1} / {total}</span>', width="content")
    st.button("下一页", icon=":material/chevron_right:", key="slide_next", on_click=_go, args=(1,),
              disabled=index == total - 1, shortcut="Right", type="primary")
    st.caption("　·　".join(plain(p) for p in (ev.meta.title, ev.meta.evaluator) if p), width="stretch")
    slides.download_buttons(ev, version_id, as_of)

with st.container(key="present_slide"):
    slides.render(plan[index], ev, key=f"present_{index}")
