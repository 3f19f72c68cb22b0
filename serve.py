"""Serve EvalBoard with its sign-in cookie route: ``streamlit run serve.py`` (``make run``, scripts/cluster.sh and
deploy/systemd do this).

``app.py`` stays the entry page (and what AppTest runs); this launcher wraps it in ``st.App`` so that password
sign-in can bind each session to the browser with an HttpOnly cookie (components/session_cookie.py), an error
in a page shows a Chinese message with an error id while its trace goes to the server log (components/errors.py),
and the guard (components/guard.py) checks WebSocket origins, closes /_stcore/metrics and refuses uploads that are
too large, too many or anonymous before their bodies are read. See docs/security-attacks.md. ``streamlit run app.py``
still works, without any of these.
"""
import streamlit as st
from starlette.middleware import Middleware
from streamlit import config

from components import errors, guard, session_cookie

# the one upload limit (evalcore.workbook.MAX_FILE_BYTES), whatever .streamlit/config.toml says
config.set_option("server.maxUploadSize", guard.UPLOAD_LIMIT_MB, where_defined="serve.py")

app = st.App("app.py", routes=session_cookie.routes(), middleware=[Middleware(guard.Guard)],
             on_script_error=errors.on_script_error)
