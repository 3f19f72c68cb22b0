"""One name per page and no file paths for leaders (issue 28): the sidebar calls the portfolio 评价总览 as the page
does, and the problem-themes caption says in words where the themes come from (no path to a rules file)."""
from apptest_support import ROOT, texts
from streamlit.testing.v1 import AppTest


def test_portfolio_named_as_its_page_and_no_path_in_its_captions(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(tmp_path / "names.db"))
    monkeypatch.setenv("EVALBOARD_SAMPLES", "seed")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    labels = [p.proto.label for p in at.sidebar.get("page_link")]
    assert "评价总览" in labels and "全部评价" not in labels
    at.switch_page("pages/7_portfolio.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "评价总览"
    shown = texts(at)
    assert "问题主题规则" in shown
    assert ".toml" not in shown and "evalcore/" not in shown
