"""数据管理 › 从报告文本导入 in AppTest (issue 24, item 3): below the figures, the problems and recommendations found,
the uncertain ones marked ⚠ with the reason; the evaluator's corrections, removals and additions published with
the version's note describing them; a bad row refused with a Chinese message naming it, and nothing stored lost."""
import pandas as pd
import pytest
from apptest_support import PAGES, ROOT, pasted_report
from streamlit.testing.v1 import AppTest

from components.review_items import edited_item_rows
from evalcore.auth import Actor
from evalcore.importer import PENDING, import_bytes
from evalcore.store import Store

TEXT = ("2023年度乙区项目绩效评价报告\n一、基本情况\n乙区水利局项目预算资金300万元，实际支出240万元，预算执行率80%。\n"
        "二、存在的问题\n项目进度滞后，资金拨付慢。\n档案管理不规范。\n以上问题需引起重视。\n"
        "三、建议\n1.加快项目进度。\n2.规范档案管理。\n四、评价结论\n乙区水利局综合得分88分，等级为良。\n")
TITLE = "2023年度乙区项目绩效评价报告"
TABLE = "parsed_items_table"


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "evalboard.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(path))
    return path


def pasted(text: str = TEXT) -> AppTest:
    return pasted_report(text)


def items_table(at: AppTest) -> pd.DataFrame:
    return at.data_editor(key=TABLE).value


def publish(at: AppTest, key: str = "parsed") -> None:
    at.checkbox(key=f"{key}_review_confirm").check().run()
    at.button(key=f"{key}_review_publish").click().run()
    assert not at.exception, [e.value for e in at.exception]


def published(db, title: str = TITLE):
    store = Store(f"sqlite:///{db}")
    info = next(e for e in store.evaluations() if e.title == title)
    (version,) = store.versions(info.id)
    ev = store.load(version.id)
    entry = next(e for e in store.audit_log() if e.action == "publish" and e.evaluation_id == info.id)
    store.dispose()
    return version, ev, entry


def test_the_items_are_listed_below_the_figures_with_their_doubts(db):
    at = pasted()
    table = items_table(at)
    assert list(table["原编号"]) == ["P1-1", "P1-2", "P1-3", "R1-1", "R1-2"]
    assert list(table["类型"]) == ["问题"] * 3 + ["建议"] * 2
    assert table["内容"][2] == "以上问题需引起重视。"  # a closing remark taken for an item: the count is uncertain
    assert list(table["出处位置"]) == ["第5行", "第6行", "第7行", "第9行", "第10行"]
    assert list(table["待核对"][:3]) == ["⚠ 没有编号，一段文字算作一条"] * 3 and list(table["待核对"][3:]) == ["", ""]
    assert not any(table["删除"])
    assert any("**问题与建议**（问题 3 条，建议 2 条，3 条标 ⚠）" in m.value for m in at.markdown)
    assert any("在此核对后发布，即确认了问题和建议的条数" in c.value for c in at.caption)
    assert any("问题 · 条数 3" in w.value for w in at.warning)


def test_corrections_removals_and_additions_are_published_with_the_note(db):
    at = pasted()
    at.session_state[TABLE] = {
        "edited_rows": {0: {"内容": "项目进度滞后。"}, 2: {"删除": True}, 4: {"类别": "档案管理"}},
        "added_rows": [{"删除": False, "类型": "问题", "类别": "存在的问题", "内容": "资金拨付慢。"}],
        "deleted_rows": []}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    changes = next(t.value for t in at.text if "删除 问题 1.3" in t.value)
    assert changes.splitlines() == ["更正 问题 1.1 “项目进度滞后，资金拨付慢。” → “项目进度滞后。”",
                                    "更正 建议 1.2 类别“建议” → “档案管理”",
                                    "新增 问题 1.3 “资金拨付慢。”",
                                    "删除 问题 1.3 “以上问题需引起重视。”"]
    publish(at)
    assert any("版本说明记录了核对结果" in s.value for s in at.success)
    version, ev, entry = published(db)
    assert [(p.id, p.text) for p in ev.problems] == [("P1-1", "项目进度滞后。"), ("P1-2", "档案管理不规范。"),
                                                    ("P1-3", "资金拨付慢。")]
    assert [(r.id, r.category) for r in ev.recommendations] == [("R1-1", "建议"), ("R2-1", "档案管理")]
    assert version.note == ("由报告“粘贴的文本.txt”解析导入，经人工核对；" + "；".join(changes.splitlines()))
    assert version.by == entry.actor == "李评价"


@pytest.mark.parametrize(("edit", "message"), [
    ({"edited_rows": {1: {"内容": " "}}, "added_rows": [], "deleted_rows": []},
     "问题与建议表第2行（P1-2）：内容为空；不要的条目请勾选“删除”"),
    ({"edited_rows": {}, "added_rows": [{"删除": False, "类别": "甲", "内容": "某事。"}], "deleted_rows": []},
     "问题与建议表第6行：类型未填，应为 问题 或 建议"),
])
def test_a_bad_row_is_named_and_nothing_is_published(db, edit, message):
    at = pasted()
    at.session_state[TABLE] = edit
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(message in e.value.replace("\\", "") for e in at.error), [e.value for e in at.error]
    assert "parsed_review_publish" not in [b.key for b in at.button]  # nothing to publish until the row is fixed
    store = Store(f"sqlite:///{db}")
    assert all(e.title != TITLE for e in store.evaluations())
    store.dispose()


def test_a_text_kept_for_review_shows_its_items_and_abandoning_the_review_keeps_it(db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page(PAGES["数据管理"]).run()
    store = Store(f"sqlite:///{db}")
    assert import_bytes(store, TEXT.encode(), "乙.txt", by=Actor("王导入", "evaluator")).status == PENDING
    (item,) = store.pending_reports()
    at.run()
    at.selectbox(key="pending_choice").set_value(item.id).run()
    assert not at.exception, [e.value for e in at.exception]
    key = f"pending_{item.id}_items_table"
    assert list(at.data_editor(key=key).value["原编号"]) == ["P1-1", "P1-2", "P1-3", "R1-1", "R1-2"]
    at.session_state[key] = {"edited_rows": {2: {"删除": True}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.selectbox(key="pending_choice").set_value(None).run()  # the review abandoned: the text still waits, unchanged
    assert [p.id for p in store.pending_reports()] == [item.id]
    assert store.pending_data(item.id) == TEXT.encode()
    store.dispose()


def test_the_edited_table_becomes_rows_for_the_review():
    columns = ["原编号", "删除", "类型", "类别", "待核对", "出处位置", "内容"]
    edited = pd.DataFrame([["P1-1", False, "问题", "资金", "", "第5行", "甲。"],
                           ["P1-2", True, "问题", "资金", "", "第6行", "乙。"],
                           [None, None, "建议", None, None, None, "丙。"],  # a row added without a category
                           [None, None, None, None, None, None, None]], columns=columns)  # an empty row left
    assert edited_item_rows(edited) == [
        {"kind": "问题", "category": "资金", "text": "甲。", "id": "P1-1", "remove": False},
        {"kind": "问题", "category": "资金", "text": "乙。", "id": "P1-2", "remove": True},
        {"kind": "建议", "category": "", "text": "丙。", "id": None, "remove": False}]
