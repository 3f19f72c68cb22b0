"""A person's review of the problems and recommendations found in a report text (issue 24, item 3): each item with
its place and its doubt, the evaluator's corrections, removals and additions applied to the evaluation (categories
numbered 1, 2, 3 …, items in order, recommendations still answering their problems), described for the version's
note; the seed report is the oracle (19 problems in 6 categories, 18 recommendations in 6)."""
from __future__ import annotations

from pathlib import Path

import pytest

from evalcore.model import Evaluation
from evalcore.reporttext import parse_report, parse_report_file
from evalcore.reporttext.items_review import apply_item_review, item_rows, review_items
from evalcore.reporttext.review import apply_review, count_doubts, figure_rows
from evalcore.workbook import read_workbook, workbook_bytes

SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "000_66e64902f2a5a998.txt"
LOOSE = ("某项目绩效评价报告\n一、基本情况\n区教育局项目预算300万元。\n二、存在的问题\n项目进度滞后，资金拨付慢。\n"
         "档案管理不规范。\n三、建议\n1.加快进度。\n2.规范档案。\n")


@pytest.fixture(scope="module")
def seed():
    return parse_report_file(SEED.read_bytes(), SEED.name)


def table(result) -> list[dict]:
    """The review's table as the parser filled it (what the panel shows before any edit)."""
    return [{"kind": "问题" if r.kind == "problems" else "建议", "category": r.category, "text": r.text, "id": r.id}
            for r in item_rows(result)]


def ids(ev: Evaluation) -> list[str]:
    return [p.id for p in ev.problems] + [r.id for r in ev.recommendations]


def valid(ev: Evaluation) -> Evaluation:
    """The reviewed evaluation goes through the workbook's validation, as the panel does before publishing."""
    result = read_workbook(workbook_bytes(ev))
    assert result.ok, [str(m) for m in result.errors]
    assert result.evaluation is not None
    return result.evaluation


def test_every_item_of_the_seed_is_listed_with_its_line_and_no_doubt(seed) -> None:
    rows = item_rows(seed)
    assert [r.kind for r in rows].count("problems") == 19 and [r.kind for r in rows].count("recommendations") == 18
    assert rows[0].id == "P1-1" and rows[0].category == "资金使用管理效率有待提高"
    assert rows[0].text == "个别项目上年结转资金未及时使用。" and rows[0].where == "第43行"
    assert rows[-1].id == "R6-3" and rows[-1].where == "第89行"
    assert count_doubts(seed) == [] and all(r.uncertain == "" for r in rows)


def test_a_count_doubt_marks_the_items_of_its_section() -> None:
    result = parse_report(LOOSE)
    assert [d.split(" · ")[0] for d in count_doubts(result)] == ["问题"]
    marked = {r.id: r.uncertain for r in item_rows(result)}
    loose = "没有编号，一段文字算作一条"
    assert marked == {"P1-1": loose, "P1-2": loose, "R1-1": "", "R1-2": ""}


def test_the_table_unchanged_changes_nothing(seed) -> None:
    ev, changes = apply_item_review(seed.evaluation, table(seed))
    assert changes == []
    assert ev.problems == seed.evaluation.problems and ev.recommendations == seed.evaluation.recommendations


def test_text_as_the_table_shows_it_is_no_correction(seed) -> None:
    rows = table(seed)
    rows[0]["text"] = "  个别项目上年结转资金未及时使用。\u202e "  # spaces and a bidi mark: as shown
    ev, changes = apply_item_review(seed.evaluation, rows)
    assert changes == [] and ev.problems == seed.evaluation.problems


def test_a_corrected_text_and_category_are_described_and_kept_in_place(seed) -> None:
    rows = table(seed)
    rows[0]["text"] = "个别项目上年结转资金未及时使用，形成沉淀。"
    for r in rows[2:5]:  # the whole second category renamed
        r["category"] = "统筹集约建设体系有待完善"
    ev, changes = apply_item_review(seed.evaluation, rows)
    assert changes[0] == ("更正 问题 1.1 “个别项目上年结转资金未及时使用。” → "
                          "“个别项目上年结转资金未及时使用，形成沉淀。”")
    assert changes[1] == "更正 问题 2.1 类别“项目统筹集约建设体系有待完善” → “统筹集约建设体系有待完善”"
    assert len(changes) == 4
    assert ev.problems[0].text == "个别项目上年结转资金未及时使用，形成沉淀。" and ev.problems[0].id == "P1-1"
    renamed = "统筹集约建设体系有待完善"
    assert [(p.id, p.category) for p in ev.problems[2:5]] == [(f"P2-{i}", renamed) for i in (1, 2, 3)]
    assert ids(ev) == ids(seed.evaluation)
    assert valid(ev).problem_categories[1] == (2, "统筹集约建设体系有待完善")


def test_a_problem_names_its_unit_as_parsed_or_as_corrected() -> None:
    text = ("2023年度甲区项目绩效评价报告\n一、基本情况\n区教育局项目预算300万元，实际支出240万元，预算执行率80%。"
            "区卫健局项目预算100万元，实际支出100万元，预算执行率100%。\n二、存在的问题\n1.区教育局项目进度滞后。\n"
            "2.档案管理不规范。\n")
    result = parse_report(text)
    assert [p.unit for p in result.evaluation.problems] == ["区教育局", None]
    rows = table(result)
    rows[1]["text"] = "区卫健局档案管理不规范。"
    rows.append({"kind": "问题", "category": "", "text": "区教育局资金拨付慢。", "id": None})
    ev, _ = apply_item_review(result.evaluation, rows)
    assert [p.unit for p in ev.problems] == ["区教育局", "区卫健局", "区教育局"]
    valid(ev)


def test_a_removed_item_renumbers_its_category_and_a_removed_category_the_ones_after(seed) -> None:
    rows = table(seed)
    rows[3]["remove"] = True  # P2-2
    del rows[18]  # P6-1, the only item of the sixth category: the row deleted in the editor
    ev, changes = apply_item_review(seed.evaluation, rows)
    assert changes == ["删除 问题 2.2 “数智科技集团未能及时建立健全内控制度。”",
                       "删除 问题 6.1 “市数据中心编报的绩效目标细化、量化程度不高，数量……”"]
    assert [p.id for p in ev.problems if p.category_no == 2] == ["P2-1", "P2-2"]
    assert ev.problems[3].text == "统筹集约建设项目竣工验收后，未明确交付使用的资产最终权属。"
    assert len(ev.problems) == 17 and ev.problem_categories[-1][0] == 5
    assert ev.recommendations[-1].answers == ()  # its problem category is gone
    assert ev.recommendations[0].answers == ("P1",)
    valid(ev)


def test_an_added_item_joins_its_category_or_starts_one(seed) -> None:
    rows = table(seed)
    rows.insert(5, {"kind": "问题", "category": "项目统筹集约建设体系有待完善", "text": "项目档案管理不规范。",
                    "id": None})
    rows.append({"kind": "建议", "category": "", "text": "加强档案管理。", "id": None})  # no category: the last one
    rows.append({"kind": "建议", "category": "加强宣传", "text": "做好政策宣传。", "id": None})
    ev, changes = apply_item_review(seed.evaluation, rows)
    assert changes == ["新增 问题 2.4 “项目档案管理不规范。”", "新增 建议 6.4 “加强档案管理。”",
                       "新增 建议 7.1 “做好政策宣传。”"]
    assert (ev.problems[5].id, ev.problems[5].category_no, ev.problems[5].seq) == ("P2-4", 2, 4)
    six = [r for r in ev.recommendations if r.category_no == 6]
    assert six[-1].text == "加强档案管理。" and six[-1].answers == ("P6",)  # what its category answers
    assert ev.recommendations[-1].id == "R7-1" and ev.recommendations[-1].answers == ()
    assert len(ev.problems) == 20 and len(ev.recommendations) == 20
    valid(ev)


def test_an_item_moved_to_another_kind_or_category(seed) -> None:
    rows = table(seed)
    rows[14]["kind"] = "建议"  # P4-5 is a recommendation, under the fourth recommendation category's title
    rows[14]["category"] = "进一步强化项目管理提升建设成效"
    ev, changes = apply_item_review(seed.evaluation, rows)
    assert changes == ["更正 问题 4.5 改为建议 4.5，类别“项目产出效益有待提高” → “进一步强化项目管理提升建设成效”"]
    fourth = [r for r in ev.recommendations if r.category_no == 4]
    assert [r.id for r in fourth] == ["R4-1", "R4-2", "R4-3", "R4-4", "R4-5"]
    assert fourth[-1].text == "政务云管理效能有待进一步提升。" and fourth[-1].answers == ("P4",)
    assert len(ev.problems) == 18
    valid(ev)


@pytest.mark.parametrize(("kind", "text", "item_id", "message"), [
    ("问题", "  ", None, "：内容为空；不要的条目请勾选“删除”"),
    ("成效", "某事。", None, "：类型“成效”，应为 问题 或 建议"),
    (None, "某事。", None, "：类型未填，应为 问题 或 建议"),
    ("问题", "某事。", "P9-9", "（P9-9）：原编号“P9-9”不是解析出的条目"),
    ("问题", "某事。", "P1-1", "（P1-1）：条目 P1-1 出现了两次"),
])
def test_bad_rows_are_refused_with_the_row_named(seed, kind, text, item_id, message) -> None:
    row = {"kind": kind, "category": "甲", "text": text, "id": item_id}
    with pytest.raises(ValueError) as err:
        apply_item_review(seed.evaluation, [*table(seed), row])
    assert str(err.value).startswith("问题与建议表第38行" + message)


def test_one_note_for_figures_and_items() -> None:
    result = parse_report(LOOSE)
    figures = [{"unit": r.unit, "kind": r.kind, "value": r.value, "orig_unit": r.unit} for r in figure_rows(result)]
    rows = table(result)
    rows[0]["text"] = "项目进度滞后。"
    rows.insert(1, {"kind": "问题", "category": "存在的问题", "text": "资金拨付慢。", "id": None})
    reviewed = review_items(apply_review(result, figures), rows)
    assert reviewed.note("乙.txt") == ("由报告“乙.txt”解析导入，经人工核对；"
                                      "更正 问题 1.1 “项目进度滞后，资金拨付慢。” → “项目进度滞后。”；"
                                      "新增 问题 1.2 “资金拨付慢。”")
    assert [(p.id, p.text) for p in reviewed.evaluation.problems] == [
        ("P1-1", "项目进度滞后。"), ("P1-2", "资金拨付慢。"), ("P1-3", "档案管理不规范。")]
    assert reviewed.evaluation.budget_lines == apply_review(result, figures).evaluation.budget_lines
