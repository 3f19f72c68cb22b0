"""Charts that follow the 整改 loop (issue 25): the tables under them from a loop history, and the figures."""
from __future__ import annotations

import datetime as dt

from evalcore.clock import CHINA_TZ
from evalcore.figures import loop
from evalcore.verification import ACCEPT, ACCEPTED, OPEN, PENDING, REPORT, RETURN, RETURNED, LoopItem, LoopStep


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2025, 3, day, hour, tzinfo=CHINA_TZ)


def step(n: int, kind: str, day: int, hour: int = 10) -> LoopStep:
    return LoopStep(n, kind, "someone", "unit" if kind == REPORT else "evaluator", at(day, hour), "说明")


def item(item_id: str, unit: str, state: str, steps: tuple[LoopStep, ...] = ()) -> LoopItem:
    return LoopItem(1, "评价", item_id, "任务", unit, unit, dt.date(2025, 6, 30), "整改中", state, steps=steps)


ITEMS = [
    item("a", "甲局", ACCEPTED, (step(1, REPORT, 1), step(2, RETURN, 3), step(3, REPORT, 5), step(4, ACCEPT, 6, 22))),
    item("b", "甲局", PENDING, (step(5, REPORT, 4),)),
    item("c", "乙中心", RETURNED, (step(6, REPORT, 2), step(7, RETURN, 2, 16))),
    item("d", "乙中心", OPEN),
    item("e", "乙中心", ACCEPTED),  # closed on the editor, no loop steps
]


def test_states_over_time_per_unit_and_for_all() -> None:
    df = loop.states_over_time(ITEMS, dt.date(2025, 3, 10), "甲局")
    table = df.pivot(index="date", columns="state", values="count")
    assert [d.day for d in table.index] == [1, 3, 4, 5, 6, 10]
    assert table.loc[dt.date(2025, 3, 1)].to_dict() == {OPEN: 1, PENDING: 1, RETURNED: 0, ACCEPTED: 0}
    assert table.loc[dt.date(2025, 3, 3)].to_dict() == {OPEN: 1, PENDING: 0, RETURNED: 1, ACCEPTED: 0}
    assert table.loc[dt.date(2025, 3, 4)].to_dict() == {OPEN: 0, PENDING: 1, RETURNED: 1, ACCEPTED: 0}
    assert table.loc[dt.date(2025, 3, 10)].to_dict() == {OPEN: 0, PENDING: 1, RETURNED: 0, ACCEPTED: 1}
    every = loop.states_over_time(ITEMS, dt.date(2025, 3, 10))
    last = every[every["date"] == dt.date(2025, 3, 10)].set_index("state")["count"].to_dict()
    assert last == {OPEN: 1, PENDING: 1, RETURNED: 1, ACCEPTED: 2}
    fig = loop.states_over_time_figure(df)
    assert [t.name for t in fig.data] == [OPEN, PENDING, RETURNED, ACCEPTED] and fig.layout.barmode == "stack"


def test_decision_times() -> None:
    df = loop.decision_times(ITEMS)
    rows = [(r["item_id"], r["decision"], round(r["days"], 2)) for r in df.to_dict("records")]
    assert rows == [("a", "退回", 2.0), ("a", "销号", 1.5), ("c", "退回", 0.25)]
    fig = loop.decision_time_figure(df)
    assert {t.name for t in fig.data} == {"甲局", "乙中心"}


def test_units_with_most_send_backs() -> None:
    df = loop.returns_by_unit(ITEMS)
    assert df.to_dict("records") == [{"unit": "乙中心", "returned": 1, "items": 1},
                                     {"unit": "甲局", "returned": 1, "items": 1}]
    assert loop.returns_by_unit(ITEMS, 1)["unit"].tolist() == ["乙中心"]
    fig = loop.returns_figure(df)
    assert list(fig.data[0].x) == [1, 1]
    assert loop.returns_figure(loop.returns_by_unit([])).layout.annotations[0].text == "没有被退回的报送"


def test_hostile_unit_names_are_escaped() -> None:
    bad = [item("x", "<b>乙</b>", RETURNED, (step(1, REPORT, 1), step(2, RETURN, 2)))]
    assert loop.returns_figure(loop.returns_by_unit(bad)).data[0].y[0] == "&lt;b&gt;乙&lt;/b&gt;"
