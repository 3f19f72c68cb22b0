"""evalcore.rectification: one 整改 item updated with a dated history entry, and what changed between two versions."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from evalcore.model import Evaluation, RectificationItem, StatusChange
from evalcore.rectification import apply_update, find_item, item_changes, progress_text, status_on
from evalcore.workbook import read_workbook, workbook_bytes

D = Decimal
ON = dt.date(2025, 6, 30)


def _update(ev: Evaluation, item_id: str = "Z05", **changes) -> Evaluation:
    item = find_item(ev, item_id)
    assert item is not None
    values = {"status": item.status, "progress": item.progress, "note": item.note, "evidence": item.evidence,
              "by": "张三", "on": ON}
    values.update(changes)
    return apply_update(ev, item_id, **values)


def test_status_change_replaces_the_item_and_appends_history(ev: Evaluation) -> None:
    before = find_item(ev, "Z05")
    assert before is not None and before.status == "整改中"
    new = _update(ev, status="已整改", progress=D(100), note="已完成", evidence="长数据〔2025〕3号", by="张三")
    item = find_item(new, "Z05")
    assert item is not None
    assert (item.status, item.progress, item.note, item.evidence) == ("已整改", D(100), "已完成", "长数据〔2025〕3号")
    assert item.history[:-1] == before.history
    assert item.history[-1] == StatusChange("Z05", ON, "整改中", "已整改", D(100), "已完成", "张三")
    # everything else is untouched, and the input is not modified (immutable model)
    assert [i for i in new.rectification if i.id != "Z05"] == [i for i in ev.rectification if i.id != "Z05"]
    assert [i.id for i in new.rectification] == [i.id for i in ev.rectification]
    assert find_item(ev, "Z05") == before
    assert dataclasses.replace(new, rectification=ev.rectification) == ev
    assert status_on(item, ON) == "已整改" and status_on(item, ON - dt.timedelta(days=1)) == "整改中"


def test_update_survives_the_workbook_round_trip(ev: Evaluation) -> None:
    new = _update(ev, status="已整改", progress=D("95.5"), note="备注", evidence="文件")
    result = read_workbook(workbook_bytes(new))
    assert result.ok, [str(m) for m in result.errors]
    assert result.evaluation == new
    assert not [w for w in result.warnings if w.sheet == "整改"]


def test_only_note_or_evidence_changed_still_records_a_dated_entry(ev: Evaluation) -> None:
    new = _update(ev, evidence="会议纪要")
    item = find_item(new, "Z05")
    assert item is not None and item.status == "整改中" and item.evidence == "会议纪要"
    assert item.history[-1].old_status == item.history[-1].new_status == "整改中"


def test_values_are_the_new_values_not_a_patch(ev: Evaluation) -> None:
    new = _update(ev, progress=None)  # clears the progress
    item = find_item(new, "Z05")
    assert item is not None and item.progress is None


def test_text_is_trimmed_and_same_progress_in_another_form_is_no_change(ev: Evaluation) -> None:
    item = find_item(ev, "Z05")
    assert item is not None and item.progress == D("50.0")
    with pytest.raises(ValueError, match="没有任何修改"):
        _update(ev, progress=D(50), note="  ", evidence="")
    new = _update(ev, note="  说明  ")
    assert find_item(new, "Z05").note == "说明"


def test_progress_bounds_are_inclusive(ev: Evaluation) -> None:
    assert find_item(_update(ev, progress=D(0)), "Z05").progress == D(0)
    assert find_item(_update(ev, progress=D(100)), "Z05").progress == D(100)


def test_same_day_as_last_history_is_allowed(ev: Evaluation) -> None:
    last = find_item(ev, "Z05").history[-1].date
    new = _update(ev, note="同日补充", on=last)
    assert find_item(new, "Z05").history[-1].date == last


def test_item_without_history(ev: Evaluation) -> None:
    z19 = find_item(ev, "Z19")
    assert z19 is not None and z19.history == ()
    new = _update(ev, "Z19", status="整改中", progress=D(10), on=dt.date(2020, 1, 1))
    assert find_item(new, "Z19").history == (
        StatusChange("Z19", dt.date(2020, 1, 1), "未开始", "整改中", D(10), "", "张三"),)


# --- refusals ---


def test_unknown_item_is_refused(ev: Evaluation) -> None:
    with pytest.raises(ValueError, match="整改事项 Z99 不存在"):
        apply_update(ev, "Z99", status="已整改", progress=None, note="", evidence="", by="张三", on=ON)


def test_unknown_status_is_refused(ev: Evaluation) -> None:
    with pytest.raises(ValueError, match="未知的整改状态“完成”，可选：未开始、整改中、已整改、未整改"):
        _update(ev, status="完成")


def test_custom_statuses_come_from_the_evaluation(ev: Evaluation) -> None:
    meta = dataclasses.replace(ev.meta, statuses=("未完成", "已完成"), closed_statuses=("已完成",))
    custom = dataclasses.replace(ev, meta=meta)
    assert find_item(_update(custom, status="已完成"), "Z05").status == "已完成"
    with pytest.raises(ValueError, match="未知的整改状态"):
        _update(custom, status="已整改")


@pytest.mark.parametrize("progress", [D("-0.01"), D("100.01"), D(-5), D(250)])
def test_progress_outside_0_to_100_is_refused(ev: Evaluation, progress: Decimal) -> None:
    with pytest.raises(ValueError, match="整改进度应在 0 到 100 之间"):
        _update(ev, progress=progress)


def test_progress_that_is_not_a_number_is_refused(ev: Evaluation) -> None:
    with pytest.raises(ValueError, match="整改进度应为 0 到 100 之间的数值"):
        _update(ev, progress="一半")


def test_no_change_at_all_is_refused(ev: Evaluation) -> None:
    with pytest.raises(ValueError, match="^没有任何修改$"):
        _update(ev)


def test_date_before_the_last_recorded_change_is_refused(ev: Evaluation) -> None:
    last = find_item(ev, "Z05").history[-1].date
    with pytest.raises(ValueError, match=f"早于该事项上一次整改记录的日期 {last.isoformat()}"):
        _update(ev, status="已整改", on=last - dt.timedelta(days=1))


# --- item_changes ---


def _item(**kw) -> RectificationItem:
    base = {"id": "Z01", "problem": "P1-1", "task": "任务", "unit": "市数据局", "deadline": None, "status": "整改中",
            "progress": D(50), "note": "", "evidence": ""}
    base.update(kw)
    return RectificationItem(**base)


def test_item_changes_lists_each_changed_field_in_order() -> None:
    old = _item()
    new = _item(status="已整改", progress=D(100), note="完成", evidence="文号")
    assert item_changes(old, new) == [
        ("整改状态", "整改中", "已整改"),
        ("整改进度", "50%", "100%"),
        ("备注", "", "完成"),
        ("佐证材料", "", "文号"),
    ]


def test_item_changes_only_what_differs() -> None:
    assert item_changes(_item(), _item()) == []
    assert item_changes(_item(), _item(progress=D("50.00"))) == []
    assert item_changes(_item(), _item(note="说明")) == [("备注", "", "说明")]
    assert item_changes(_item(), _item(progress=None)) == [("整改进度", "50%", "")]
    assert item_changes(_item(progress=None), _item(progress=D("33.5"))) == [("整改进度", "", "33.5%")]
    # the task, deadline and history are not edited here and not reported
    assert item_changes(_item(), _item(task="别的", history=(StatusChange("Z01", ON, "a", "b"),))) == []


def test_progress_text() -> None:
    assert [progress_text(v) for v in (None, D(0), D("0.00"), D("100.0"), D("33.50"), D("1E+2"))] == [
        "", "0%", "0%", "100%", "33.5%", "100%"]
