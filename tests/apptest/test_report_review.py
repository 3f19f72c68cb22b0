"""数据管理 › 从报告文本导入 in AppTest (issue 24): the figures to review, marked when uncertain, a publication only
after the evaluator's confirmation (the version's note says it was reviewed, the audit log who), and the texts
that ``import`` kept for review (待复核) listed, reviewed and published or discarded."""
import pandas as pd
import pytest
from apptest_support import PAGES, ROOT, texts
from streamlit.testing.v1 import AppTest

from components.review import edited_rows
from evalcore.auth import Actor
from evalcore.importer import PENDING, import_bytes
from evalcore.store import Store

UNCLEAR = "2023年度乙项目绩效评价报告\n一、基本情况\n项目预算资金300万元，实际支出240万元。\n"
CLEAR = ("2023年度甲区项目绩效评价报告\n一、基本情况\n区教育局项目预算300万元，实际支出240万元，预算执行率80%。\n"
         "二、评价结论\n区教育局综合得分88分，等级为良。\n")


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "evalboard.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(path))
    return path


def open_text_tab(operator: str | None = "李评价") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(PAGES["数据管理"]).run()
    assert not at.exception, [e.value for e in at.exception]
    if operator:
        at.text_input(key="operator").input(operator).run()
    return at


def review_table(at: AppTest) -> pd.DataFrame:
    for df in at.dataframe:
        if {"单位", "项目", "数值", "待核对", "原单位"} <= set(df.value.columns):
            return df.value
    raise AssertionError("no review table")


def test_a_pasted_text_is_reviewed_then_published_with_its_note(db):
    at = open_text_tab()
    at.text_area(key="report_text").input(UNCLEAR).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("有 2 处需要人工核对" in w.value for w in at.warning)
    table = review_table(at)
    assert list(table["数值"]) == ["300.00", "240.00"]
    assert all(x.startswith("⚠ ") for x in table["待核对"])
    assert list(table["出处位置"]) == ["第3行", "第3行"]
    publish = at.button(key="parsed_review_publish")
    assert publish.disabled  # not before the confirmation
    at.checkbox(key="parsed_review_confirm").check().run()
    at.button(key="parsed_review_publish").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("版本说明记录了核对结果" in s.value for s in at.success)
    store = Store(f"sqlite:///{db}")
    info = next(e for e in store.evaluations() if e.title == "2023年度乙项目绩效评价报告")
    (version,) = store.versions(info.id)
    # the figures the text gave no unit are published under the name the title gives the project (the default)
    assert version.by == "李评价" and version.note == "由报告“粘贴的文本.txt”解析导入，经人工核对；命名 本项目 → 乙项目"
    entry = next(e for e in store.audit_log() if e.action == "publish" and e.evaluation_id == info.id)
    assert entry.actor == "李评价"
    published = store.load(version.id)
    assert [u.key for u in published.units] == ["乙项目"] and published.budget_lines[0].unit == "乙项目"
    store.dispose()


def test_本项目_is_published_under_a_name_the_text_gives_or_one_typed_never_nameless(db):
    at = open_text_tab()
    at.text_area(key="report_text").input(UNCLEAR).run()
    choice = at.selectbox(key="parsed_subject")
    assert choice.options == ["乙项目（报告标题所述项目）", "其他名称（在下方填写）"] and choice.value == "乙项目"
    # a text that states its own unit gives that unit the figures: there is no 本项目 to name
    own = UNCLEAR.replace("一、基本情况\n", "单位名称：乙县农业农村局\n一、基本情况\n")
    at.text_area(key="report_text").input(own).run()
    assert not [s for s in at.selectbox if s.key == "parsed_subject"]
    assert set(review_table(at)["单位"]) == {"乙县农业农村局"}
    # a text with no name for what it is about: nothing can be published until one is typed
    at.text_area(key="report_text").input(UNCLEAR.replace("2023年度乙项目绩效评价报告", "绩效评价报告")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [s for s in at.selectbox if s.key == "parsed_subject"]  # nothing to choose from: a name is typed
    assert any("请先在上方为“本项目”选择或填写名称" in w.value for w in at.warning)
    assert not [b for b in at.button if b.key == "parsed_review_publish"]
    at.text_input(key="parsed_subject_typed").input("本项目").run()  # 本项目 itself is no name
    assert not [b for b in at.button if b.key == "parsed_review_publish"]
    at.text_input(key="parsed_subject_typed").input("乙县道路养护项目").run()
    at.checkbox(key="parsed_review_confirm").check().run()
    at.button(key="parsed_review_publish").click().run()
    assert not at.exception, [e.value for e in at.exception]
    store = Store(f"sqlite:///{db}")
    info = next(e for e in store.evaluations() if e.title == "绩效评价报告")
    (version,) = store.versions(info.id)
    assert version.note.endswith("命名 本项目 → 乙县道路养护项目")
    assert [u.key for u in store.load(version.id).units] == ["乙县道路养护项目"]
    store.dispose()


def test_publishing_after_review_needs_an_operator(db):
    at = open_text_tab(operator=None)
    at.text_area(key="report_text").input(CLEAR).run()
    assert "解析器对以下数值没有疑问" in texts(at)
    at.checkbox(key="parsed_review_confirm").check().run()
    assert at.button(key="parsed_review_publish").disabled


def test_texts_kept_by_import_are_listed_reviewed_and_published_or_discarded(db):
    at = open_text_tab()  # the app creates the store (with the sample) on first use
    store = Store(f"sqlite:///{db}")
    who = Actor("王导入", "evaluator")
    assert import_bytes(store, UNCLEAR.encode(), "乙.txt", by=who).status == PENDING
    assert import_bytes(store, UNCLEAR.replace("乙", "丙").encode(), "丙.txt", by=who).status == PENDING
    at.run()
    assert "待复核的报告（2）" in texts(at)
    listed = next(df.value for df in at.dataframe if "提交人" in df.value.columns)
    assert list(listed["文件"]) == ["乙.txt", "丙.txt"] and set(listed["提交人"]) == {"王导入"}
    first, second = (p.id for p in store.pending_reports())
    at.selectbox(key="pending_choice").set_value(first).run()
    assert not at.exception, [e.value for e in at.exception]
    assert list(review_table(at)["数值"]) == ["300.00", "240.00"]
    at.checkbox(key=f"pending_{first}_review_confirm").check().run()
    at.button(key=f"pending_{first}_review_publish").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [p.id for p in store.pending_reports()] == [second]
    done = store.pending_report(first)
    assert done is not None and (done.resolution, done.resolved_by) == ("published", "李评价")
    at.selectbox(key="pending_choice").set_value(second).run()
    at.text_input(key=f"pending_{second}_discard_reason").input("重复").run()
    at.button(key=f"pending_{second}_discard").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert store.pending_reports() == []
    assert "待复核的报告（0）" in texts(at)
    assert any(e.action == "pending_discard" and e.actor == "李评价" for e in store.audit_log())
    store.dispose()


def test_the_edited_table_becomes_rows_for_the_review():
    edited = pd.DataFrame([
        {"单位": "乙区水利局", "项目": "实际执行", "数值": "250", "原单位": "本项目"},
        {"单位": "乙区水利局", "项目": "得分", "数值": "91", "原单位": None},  # a row the evaluator added
        {"单位": None, "项目": None, "数值": None, "原单位": None},  # an empty row the editor left
    ])
    assert edited_rows(edited) == [
        {"unit": "乙区水利局", "kind": "实际执行", "value": "250", "orig_unit": "本项目"},
        {"unit": "乙区水利局", "kind": "得分", "value": "91", "orig_unit": None}]
