"""产出成果及效益 on 总览: one bordered card per area on a desktop; on a phone (issue 28, "4 screens or fewer for
总览") one expander per area, so the areas' titles read in one screen and their items open with a tap."""
from __future__ import annotations

import streamlit as st

from evalcore import findings
from evalcore.model import Evaluation

from . import responsive
from .text import plain, plain_inline


def show(ev: Evaluation) -> None:
    st.subheader("产出成果及效益")
    phone = responsive.is_phone()
    for no, area in ev.achievement_areas:
        items = [a for a in ev.achievements if a.area_no == no]
        title = f"（{findings.cn_number(no)}）{plain_inline(area)}"
        body = ("\n".join(f"{i}. {plain(a.text)}" for i, a in enumerate(items, 1)) if len(items) > 1
                else plain(items[0].text) if items else "")
        box = st.expander(title) if phone else st.container(border=True)
        with box:
            if not phone:
                st.markdown(f"**{title}**")
            if body:
                st.caption(body)
