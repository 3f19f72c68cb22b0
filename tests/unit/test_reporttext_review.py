"""A person's review before publishing (issue 24): what is uncertain, the evaluator's corrections, removals and
additions applied to the parsed evaluation and described for the version's note; parse-report --json gives each
figure's source (page and line, or table, row and cell) and its certainty."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from evalcore.reporttext import parse_report, parse_report_file, provenance
from evalcore.reporttext.result import SYNTHETIC_UNIT
from evalcore.reporttext.review import apply_review, doubts, figure_rows, subject_choices
from evalcore.workbook import read_workbook, workbook_bytes

REPORTS = Path(__file__).resolve().parents[1] / "data" / "reports"
NAMED = ("2023年度甲区项目绩效评价报告\n一、基本情况\n区教育局项目预算300万元，实际支出240万元，预算执行率80%。"
         "区卫健局项目预算100万元，实际支出100万元，预算执行率100%。\n二、评价结论\n区教育局综合得分88分，等级为良。\n")


def test_a_text_with_named_units_and_clear_words_has_nothing_uncertain() -> None:
    result = parse_report(NAMED)
    assert doubts(result) == []
    rows = {(r.unit, r.kind): r.value for r in figure_rows(result)}
    assert rows == {("区教育局", "budget"): "300.00", ("区教育局", "executed"): "240.00", ("区教育局", "rate"): "80.00",
                    ("区教育局", "score"): "88.00", ("区教育局", "grade"): "良", ("区卫健局", "budget"): "100.00",
                    ("区卫健局", "executed"): "100.00", ("区卫健局", "rate"): "100.00"}


def test_what_makes_a_text_uncertain() -> None:
    unnamed = parse_report("某项目绩效评价报告\n一、基本情况\n项目预算资金300万元，实际支出240万元。\n")
    why = "报告未写明单位，归于“本项目”（报告标题所述项目为“某项目”），请核对单位"
    assert [d.split("：")[1].split("；")[0] for d in doubts(unnamed)] == [why] * 2
    confirmed = parse_report("某项目绩效评价报告\n一、基本情况\n上级下达资金1235.60万元，实际兑付1198.30万元，"
                             "预算执行率96.98%。\n")
    assert any("推定" in d for d in doubts(confirmed))  # a 下达 amount taken as the budget because the rate fits
    implausible = parse_report("某项目绩效评价报告\n一、基本情况\n区农业局项目预算100万元，预算执行率820%。\n")
    assert implausible.warnings and any("820" in d or "执行率" in d for d in doubts(implausible))


def test_corrections_removals_and_additions_are_applied_and_described() -> None:
    result = parse_report(NAMED)
    rows = [{"unit": r.unit, "kind": r.kind, "value": r.value} for r in figure_rows(result)]
    for row in rows:
        if (row["unit"], row["kind"]) == ("区教育局", "executed"):
            row["value"] = "245"
    rows = [r for r in rows if (r["unit"], r["kind"]) != ("区卫健局", "executed")]
    rows.append({"unit": "区卫健局", "kind": "得分", "value": "91.5"})
    reviewed = apply_review(result, rows)
    assert reviewed.changes == ["更正 区教育局 实际执行 240.00 → 245.00", "删除 区卫健局 实际执行 100.00",
                                "补充 区卫健局 得分 91.50"]
    ev = reviewed.evaluation
    lines = {b.unit: (b.budget, b.executed, b.stated_rate) for b in ev.budget_lines}
    assert lines == {"区教育局": (Decimal("300.00"), Decimal("245.00"), Decimal("80.00")),
                     "区卫健局": (Decimal("100.00"), None, Decimal("100.00"))}
    assert {r.unit: (r.stated_score, r.stated_grade) for r in ev.results} == {
        "区教育局": (Decimal("88.00"), "良"), "区卫健局": (Decimal("91.50"), None)}
    assert read_workbook(workbook_bytes(ev)).ok
    note = reviewed.note("甲区.pdf")
    assert note.startswith("由报告“甲区.pdf”解析导入，经人工核对；更正 区教育局 实际执行 240.00 → 245.00")


def test_unchanged_review_and_the_synthetic_unit_renamed() -> None:
    result = parse_report("某项目绩效评价报告\n一、基本情况\n项目预算资金300万元，实际支出240万元。\n")
    same = apply_review(result, [{"unit": r.unit, "kind": r.kind, "value": r.value} for r in figure_rows(result)])
    assert same.changes == [] and same.note("a.txt").endswith("数值未改动")
    renamed = apply_review(result, [{"unit": "区水利局", "kind": r.kind, "value": r.value}
                                    for r in figure_rows(result)])
    assert [u.key for u in renamed.evaluation.units] == ["区水利局"]
    assert read_workbook(workbook_bytes(renamed.evaluation)).ok


def test_本项目_named_in_the_review_is_one_naming_line_and_the_unit_everywhere() -> None:
    text = ("2022年度某县乡村公路养护资金绩效自评报告\n一、基本情况\n项目预算资金300万元，实际支出240万元。\n"
            "存在的问题：一是进度偏慢。\n")
    result = parse_report(text)
    assert subject_choices(result) == [("某县乡村公路养护资金", "报告标题所述项目")]
    rows = [{"unit": r.unit, "kind": r.kind, "value": r.value, "orig_unit": r.unit} for r in figure_rows(result)]
    assert {r["unit"] for r in rows} == {"本项目"}
    named = apply_review(result, rows, subject="某县乡村公路养护资金")
    assert named.changes == ["命名 本项目 → 某县乡村公路养护资金"]
    ev = named.evaluation
    assert [u.key for u in ev.units] == ["某县乡村公路养护资金"] and [b.unit for b in ev.budget_lines] == [
        "某县乡村公路养护资金"]
    assert read_workbook(workbook_bytes(ev)).ok
    # a correction made in the same review is listed under the new name
    rows[0]["value"] = "310"
    assert apply_review(result, rows, subject="某县交通运输局").changes == [
        "命名 本项目 → 某县交通运输局", "更正 某县交通运输局 预算 300.00 → 310.00"]
    # 本项目 itself is no name: the rows stay as they are (the page asks for a name before publishing)
    assert apply_review(result, rows, subject=SYNTHETIC_UNIT).changes == ["更正 本项目 预算 300.00 → 310.00"]


def test_本项目_named_as_a_unit_with_figures_of_its_own_merges_or_says_where_they_differ() -> None:
    result = parse_report("2022年度某县乡村公路养护资金绩效自评报告\n一、基本情况\n"
                          "项目预算资金300万元，实际支出240万元。\n")
    # as if the parser had also found a named unit's score (a text can give 本项目 money and a unit its score)
    result.stated["units"]["某县交通运输局"] = {"score": "88"}
    rows = [{"unit": r.unit, "kind": r.kind, "value": r.value, "orig_unit": r.unit} for r in figure_rows(result)]
    merged = apply_review(result, rows, subject="某县交通运输局")
    assert merged.changes == ["命名 本项目 → 某县交通运输局（并入该单位已有的数值）",
                              "更正 本项目 → 某县交通运输局 预算 300.00",
                              "更正 本项目 → 某县交通运输局 实际执行 240.00"]
    assert [b.unit for b in merged.evaluation.budget_lines] == ["某县交通运输局"]
    rows.append({"unit": "某县交通运输局", "kind": "budget", "value": "500", "orig_unit": None})
    with pytest.raises(ValueError, match="填了两个不同的数值"):
        apply_review(result, rows, subject="某县交通运输局")


@pytest.mark.parametrize(("row", "says"), [
    ({"unit": "区教育局", "kind": "budget", "value": "三百"}, "不是数字"),
    ({"unit": "区教育局", "kind": "score", "value": "120"}, "超过100分"),
    ({"unit": "区教育局", "kind": "grade", "value": "良好的"}, "优、良、中、差"),
    ({"unit": "", "kind": "budget", "value": "1"}, "请填写单位"),
    ({"unit": "区教育局", "kind": "", "value": "1"}, "请选择项目"),
])
def test_a_bad_value_gets_a_chinese_message(row: dict, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        apply_review(parse_report(NAMED), [row])


def test_json_gives_page_table_row_and_cell_and_certainty() -> None:
    p = provenance(parse_report_file(REPORTS / "daying_sifa_2023_form_rows_print.pdf"))
    figures = p["units"][0]["figures"]
    assert figures["rate"]["source"] == {"page": 1, "table": 1, "row": 15, "cell": 5}
    assert figures["executed"]["source"]["cell"] == 4 and figures["budget"]["certain"] is True
    assert p["needs_review"] == []
    web = provenance(parse_report_file(REPORTS / "sanmen_2024_bond_table_web.html"))
    assert web["units"][0]["figures"]["grade"]["source"] == {"table": 1, "row": 2, "cell": 7}
    json.dumps(p, ensure_ascii=False)  # plain data


def test_a_verdict_outside_the_four_grades_is_not_offered_for_review() -> None:
    """“质量鉴定为合格” is no 等次: the parser stores no grade for it, so the review table must not offer one that
    apply_review would then refuse (the evaluator could not publish the table as it came)."""
    text = ("# 甲县交通运输局2022年度项目绩效自评报告\n\n一、资金情况\n\n项目资金共2179万元，已完成支出2113.63万元，"
            "执行率97%。\n\n二、绩效目标完成情况\n\n1、产出指标完成情况分析\n\n"
            "已组织相关技术人员对该项目进行验收,质量鉴定为合格。\n")
    result = parse_report(text)
    assert result.stated["units"]["甲县交通运输局"]["grade"] == "合格"  # found and highlighted in the text, as stated
    rows = figure_rows(result)
    assert {r.kind for r in rows} >= {"budget", "executed", "rate"} and "grade" not in {r.kind for r in rows}
    reviewed = apply_review(result, [{"unit": r.unit, "kind": r.kind, "value": r.value} for r in rows])
    assert [b.budget for b in reviewed.evaluation.budget_lines] == [Decimal("2179.00")]
