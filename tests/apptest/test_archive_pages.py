"""The archive in AppTest (issue 23): a stored version the current reader refuses is listed on 数据管理 as needing
attention, the portfolio leaves its evaluation out with a visible note, and the other evaluations' pages and
figures are unaffected; the portfolio's evaluations table pages in the database."""
import os

import pytest
import sqlalchemy as sa
from apptest_support import PAGES, ROOT, texts
from streamlit.testing.v1 import AppTest

import sample_data
from evalcore.catalog import ensure_samples
from evalcore.store import T_EVAL, T_VER, Store
from evalcore.tables import T_FACT_VER


@pytest.fixture
def refused(tmp_path, monkeypatch):
    """The first-run samples, with the stored bytes of 大英县 2021 no longer readable and its facts not yet
    written (as a store upgraded from before the fact tables would be)."""
    path = tmp_path / "archive.db"
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(path))
    monkeypatch.setenv("EVALBOARD_SAMPLES", "all")
    s = Store.sqlite(path)
    ensure_samples(s, sample_data.first_run())
    with s.engine.begin() as conn:
        eid, vid = conn.execute(sa.select(T_EVAL.c.id, T_EVAL.c.active_version_id)
                                .where(T_EVAL.c.title.contains("大英县"))).one()
        conn.execute(sa.update(T_VER).where(T_VER.c.id == vid).values(data=b"PK\x03\x04 not a workbook"))
        conn.execute(sa.delete(T_FACT_VER).where(T_FACT_VER.c.version_id == vid))
    s.dispose()
    return eid


def test_the_portfolio_leaves_a_refused_version_out_and_says_so(refused):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("1 个评价的当前版本无法被本程序读取" in w.value for w in at.warning)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["评价"] == "6 个" and metrics["涉及资金"] == "18,392.84 万元"
    html = "".join(str(h.proto.body) for h in at.get("html"))
    assert "大英县" not in html and "长沙市" in html


def _changsha() -> int:
    """The seed's id in the test's store (ids follow the first-run order)."""
    s = Store.sqlite(os.environ["EVALBOARD_DB_PATH"])
    try:
        return next(i.id for i in s.evaluations() if "长沙" in i.title)
    finally:
        s.dispose()


def test_the_data_page_lists_the_version_that_needs_attention(refused):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["eval"] = str(_changsha())  # its pages are unaffected
    at.run()
    at.switch_page(PAGES["数据管理"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "需要处理的版本（1 个）" in [e.label for e in at.expander]
    assert any("未做任何删除" in w.value for w in at.warning)
    table = next(df.value for df in at.dataframe if "读取时的问题" in df.value.columns)
    assert len(table) == 1 and "大英县" in table["评价"].iloc[0] and "当前" in table["版本"].iloc[0]
    assert "2023年度长沙市信息化建设和运维项目绩效评价结果" in texts(at)


def test_no_attention_list_when_every_version_reads(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALBOARD_DB_PATH", str(tmp_path / "fine.db"))
    monkeypatch.setenv("EVALBOARD_SAMPLES", "seed")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page(PAGES["数据管理"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [e for e in at.expander if "需要处理的版本" in e.label]
