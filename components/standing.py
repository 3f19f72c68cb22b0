"""Where a figure stands (issue 28, "KPI cards that say where a figure stands"): the execution rate's red / amber /
green mark with its rule in words next to it, and a unit's figures against the same unit a year earlier (同比),
matched across evaluations by normalised name and the alias table (the archive's facts tables).

Where there is no last year nothing is said: no "—" and no empty row.
"""
from __future__ import annotations

from decimal import Decimal

import streamlit as st

from evalcore import kpi
from evalcore.archive import query as archive
from evalcore.model import Evaluation

from . import cache, layout
from .portfolio import aliases
from .text import plain


def rate_mark(rate: Decimal | None, target: Decimal | None) -> None:
    """The mark (a word and a colour, never colour alone) with its rule in words beside it; nothing without a
    rate or a target."""
    mark = kpi.rate_mark(rate, target)
    if mark is None:
        return
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.badge(f"执行率{mark.label}", color=mark.colour)  # type: ignore[arg-type]
        st.caption(f"标记规则：{mark.rule}")


def unit_last_year(ev: Evaluation, key: str) -> dict | None:
    """The unit's facts (budget, executed, rate, score, year) in the evaluation a year earlier, or None."""
    info = layout.current_info()
    if info is None or ev.meta.year is None:
        return None
    try:
        store = cache.store()
        names = aliases()
        mine = archive.unit_rows(store, names, evaluation_id=info.id)
        row = mine[mine["unit"] == key]
        if row.empty:
            return None
        history = archive.unit_history(store, str(row.iloc[0]["identity"]), names)
        return kpi.previous_unit_row(history.to_dict("records"), info.id, ev.meta.year, ev.meta.title)
    except Exception:  # 同比 is extra information: never take the unit page down
        return None


def decimal_or_none(value) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def unit_rate_change(now: Decimal | None, last: dict | None) -> str | None:
    """One line for the execution rate against last year ("同比（2022 年）：预算执行率 +3.20 个百分点"), or None."""
    if last is None or now is None or decimal_or_none(last.get("rate")) is None:
        return None
    return plain(f"同比（{int(last['year'])} 年）：预算执行率 {kpi.points(now - last['rate'])}")
