"""Serve EvalBoard with its sign-in cookie route: ``streamlit run serve.py`` (``make run`` does this).

``app.py`` stays the entry page (and what AppTest runs); this launcher wraps it in ``st.App`` so that password
sign-in can bind each session to the browser with an HttpOnly cookie (components/session_cookie.py), and an error
in a page shows a Chinese message with an error id while its trace goes to the server log (components/errors.py).
See README, "Threat model". ``streamlit run app.py`` still works, without either.
"""
import streamlit as st

from components import errors, session_cookie

app = st.App("app.py", routes=session_cookie.routes(), on_script_error=errors.on_script_error)
