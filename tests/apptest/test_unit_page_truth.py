"""单位详情 (issue 28): a unit's problems include those its 整改 items answer (never "涉及的问题（0 项）" above
four 整改 items), and the page has a way back."""
from apptest_support import ROOT, texts
from streamlit.testing.v1 import AppTest


def test_unit_problems_and_a_way_back(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(tmp_path / "unit.db"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["eval"] = "1"
    at.query_params["unit"] = "市数据局"
    at.run()
    at.switch_page("pages/8_unit.py").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    items = next(s.value for s in at.subheader if s.value.startswith("整改事项"))
    problems = next(s.value for s in at.subheader if s.value.startswith("涉及的问题"))
    assert items == "整改事项（4 项）"
    assert problems != "涉及的问题（0 项）" and "由该单位的整改事项" in shown
    rate = next(m for m in at.metric if m.label == "预算执行率")
    assert rate.value == "82.69%" and rate.delta == "-7.31 个百分点"  # where it stands against the 90% target
    links = [p.proto.label for p in at.get("page_link")]
    assert "返回单位对比" in links and "返回总览" in links
