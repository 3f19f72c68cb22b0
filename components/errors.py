"""What a user sees when a page fails: a Chinese message with an error id; the trace goes to the server log only.

Installed as ``st.App(on_script_error=...)`` in serve.py. Streamlit logs the full trace itself before calling the
handler; the handler logs the error id next to it (so the id a user reports finds the trace) and draws the
message. ``client.showErrorDetails = "none"`` (.streamlit/config.toml) keeps internals out of the browser even
when the app runs without serve.py.
"""
from __future__ import annotations

import logging
import secrets

import streamlit as st

from evalcore.auth import PermissionDenied
from evalcore.store import StoreError

from .text import plain

_LOG = logging.getLogger("evalboard.errors")


def store_write(action, *args, **kwargs) -> bool:
    """Call a store write; True if it succeeded, else show the refusal or the store's message in Chinese (the
    store checks the role again on every write) and return False."""
    try:
        action(*args, **kwargs)
    except PermissionDenied as exc:
        st.error(plain(f"{exc}。"))
    except (StoreError, ValueError) as exc:
        st.error(plain(str(exc)))
    else:
        return True
    return False


def new_error_id() -> str:
    return secrets.token_hex(4).upper()


def on_script_error(exc: Exception) -> bool:
    """Log the error under a new id and show the id with a Chinese message; True: no Streamlit error box."""
    error_id = new_error_id()
    _LOG.error("页面出错，错误编号 %s：%s", error_id, type(exc).__name__, exc_info=exc)
    st.error(f"页面出错，已记录在服务器日志中。请刷新页面后重试；如果问题仍然存在，请把错误编号 {error_id} "
             "告诉系统管理员。", icon=":material/error:")
    return True
