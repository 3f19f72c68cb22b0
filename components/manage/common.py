"""What every 数据管理 block shares: the operator recorded with each change, times as shown, a refusal."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from evalcore import clock
from evalcore.auth import Actor, PermissionDenied

from .. import auth
from ..text import plain

NEED_OPERATOR = "请先在上方填写操作人。"


def when(at: dt.datetime) -> str:
    return clock.format_time(at, seconds=True)


def operator() -> Actor | None:
    """Who is making changes, recorded with every publish, rollback and 整改 update: the signed-in person, or
    with sign-in off the 操作人 typed here. None until there is a name."""
    auth.operator_input("发布、回滚和整改更新都会记录操作人和时间。")
    return auth.named_actor()


def refused(exc: PermissionDenied) -> None:
    st.error(plain(f"{exc}。如需此权限，请联系管理员。"))
