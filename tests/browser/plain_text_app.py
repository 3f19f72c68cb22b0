"""A page for tests/browser/test_plain_text.py: every case of CASES through components.text in every kind of
Markdown context the app uses (st.markdown, st.caption, st.info / st.warning, headings, badges, labels, options).

Started as ``python -m streamlit run tests/browser/plain_text_app.py`` from the repository root, which ``-m`` puts
first on the path (so ``components`` and ``tests`` import as packages)."""
import streamlit as st

from components.text import badge, plain, plain_inline
from tests.browser.plain_text_cases import CASES

st.set_page_config(page_title="plain text", layout="wide")
for i, text in enumerate(CASES):
    block, line = plain(text), plain_inline(text)
    with st.container(key=f"markdown_{i}"):
        st.markdown(block)
    with st.container(key=f"bold_{i}"):
        st.markdown(f"**（一）{line}**")
    with st.container(key=f"caption_{i}"):
        st.caption(block)
    with st.container(key=f"info_{i}"):
        st.info(block, icon=":material/gavel:")
    with st.container(key=f"warning_{i}"):
        st.warning(block)
    with st.container(key=f"title_{i}"):
        st.title(line)
    with st.container(key=f"subheader_{i}"):
        st.subheader(line)
    with st.container(key=f"badge_{i}"):
        badge(text, "blue")
    with st.container(key=f"metric_{i}"):
        st.metric(line, "1")
    with st.container(key=f"expander_{i}"):
        with st.expander(line):
            st.write("x")
    with st.container(key=f"tab_{i}"):
        st.tabs([line])
    with st.container(key=f"segment_{i}"):
        st.segmented_control("options", [text], format_func=plain_inline, key=f"segment_widget_{i}")
