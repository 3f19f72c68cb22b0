"""components.flash, the one way an action leaves a message for the rerun: shown once, escaped, in its own slot."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script() -> None:
    import streamlit as st

    from components import flash

    if st.button("保存", key="save"):
        flash.leave("已保存 **张三** 的更新", "section")
        st.rerun()
    st.text("页面顶部")
    flash.show()  # the page's slot: not this message
    st.text("本节")
    flash.show("section")


def test_a_message_is_shown_once_in_its_slot_as_plain_text():
    at = AppTest.from_function(_script).run()
    assert not at.success
    at.button(key="save").click().run()
    assert not at.exception
    assert len(at.success) == 1
    shown = [e.value for e in at.main if type(e).__name__ in ("Text", "Success")]
    assert shown.index(at.success[0].value) == shown.index("本节") + 1  # in its section, not at the top
    # escaped: the workbook's asterisks are shown, not read as bold
    assert "\\*\\*张三\\*\\*" in at.success[0].value
    at.run()  # the next run: gone
    assert not at.success
