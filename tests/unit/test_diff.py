"""The change preview shown before publishing."""
import dataclasses
from decimal import Decimal

from evalcore import diff
from evalcore.model import Problem, Unit, UnitResult
from evalcore.workbook import read_workbook, workbook_bytes
from evalcore.workbook.spec import SPEC


def test_no_previous_version_means_no_changes(ev):
    assert diff.diff(None, ev) == []


def test_the_same_evaluation_has_no_changes(ev):
    assert diff.diff(ev, ev) == []


def test_a_changed_amount_names_both_values(ev):
    lines = list(ev.budget_lines)
    lines[0] = dataclasses.replace(lines[0], executed=Decimal("2900"))
    new = dataclasses.replace(ev, budget_lines=tuple(lines))
    [change] = diff.diff(ev, new)
    assert (change.section, change.field, change.kind) == ("预算执行", "实际执行金额（万元）", "修改")
    assert change.key.startswith("市数据局")
    assert (change.old, change.new) == ("2811.47", "2900.00")


def test_added_removed_and_changed_items_and_scores(ev):
    problems = (*ev.problems[1:], Problem("P9-1", 9, "新类别", 1, "新增的问题"))
    results = tuple(dataclasses.replace(r, stated_score=Decimal("90.10")) if r.unit == "市数据局" else r
                    for r in ev.results)
    items = list(ev.rectification)
    items[0] = dataclasses.replace(items[0], status="已整改", evidence="文件一")
    new = dataclasses.replace(ev, problems=problems, results=results, rectification=tuple(items))
    changes = diff.diff(ev, new)
    kinds = {(c.section, c.key, c.kind) for c in changes}
    assert ("问题", "P9-1", "新增") in kinds
    assert ("问题", ev.problems[0].id, "删除") in kinds
    assert ("评价结果", "市数据局", "修改") in kinds
    assert ("得分", "市数据局", "修改") in kinds
    fields = {c.field for c in changes if c.section == "整改"}
    assert {"佐证材料"} <= fields
    assert diff.counts(changes)["新增"] == 1


def test_a_unit_without_a_result_before_is_an_added_score(ev):
    results = (*ev.results, UnitResult("数智科技集团", Decimal("70"), "中"))
    changes = diff.diff(ev, dataclasses.replace(ev, results=results))
    assert any(c.section == "得分" and c.kind == "新增" and c.new == "70.00" for c in changes)


def _published(evaluation):
    """An evaluation as the publish preview sees it: written as a workbook, uploaded, read back."""
    result = read_workbook(workbook_bytes(evaluation))
    assert result.ok, [str(m) for m in result.errors]
    return result.evaluation


def test_the_preview_of_a_workbook_adding_a_unit_lists_the_unit(ev):
    added = Unit("新区数据中心", "××市新区数据中心", "实施单位")
    new = _published(dataclasses.replace(ev, units=(*ev.units, added)))
    changes = diff.diff(ev, new)
    [change] = [c for c in changes if c.section == "单位"]
    assert (change.key, change.field, change.kind) == ("新区数据中心", "", "新增")
    assert (change.old, change.new) == ("", "××市新区数据中心·实施单位")
    assert diff.counts(changes)["新增"] == 1


def test_the_preview_of_a_workbook_removing_a_unit_lists_the_unit(ev):
    current = dataclasses.replace(ev, units=(*ev.units, Unit("新区数据中心")))
    changes = diff.diff(current, _published(ev))
    [change] = [c for c in changes if c.section == "单位"]
    assert (change.key, change.kind, change.old, change.new) == ("新区数据中心", "删除", "新区数据中心", "")
    assert diff.counts(changes) == {"新增": 0, "删除": 1, "修改": 0}


def test_every_field_is_named_as_its_sheet_names_it(ev):
    """The preview names a section by its sheet and a field by its column header in the workbook spec, never by a
    label of its own (it once said 实际执行（万元） for the column 实际执行金额（万元）)."""
    headers = {s.name: {c.header for c in s.columns} for s in SPEC}
    lines = [dataclasses.replace(b, budget=Decimal("1"), executed=Decimal("1"), stated_rate=Decimal("1"))
             for b in ev.budget_lines]
    units = [dataclasses.replace(u, name="新名称", role="新类型") for u in ev.units]
    problems = [dataclasses.replace(p, category="新类别", text="新内容", unit="市数据局") for p in ev.problems]
    meta = dataclasses.replace(ev.meta, title="新标题", region="新地区", stated_total_budget=Decimal("1"))
    new = dataclasses.replace(ev, meta=meta, budget_lines=tuple(lines), units=tuple(units), problems=tuple(problems))
    changes = [c for c in diff.diff(ev, new) if c.kind == "修改" and c.section in headers]
    assert {c.section for c in changes} >= {"评价信息", "单位", "预算执行", "问题"}
    assert [c for c in changes if c.field not in headers[c.section]] == []
    assert "实际执行金额（万元）" in {c.field for c in changes}
