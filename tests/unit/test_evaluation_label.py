"""An evaluation's name and identity have one home (evalcore.model.evaluation_label / evaluation_identity): the
picker (EvaluationInfo.label), the parsed workbook (Meta.label), the portfolio's rows (pandas years) agree."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from evalcore.model import Meta, evaluation_identity, evaluation_label
from evalcore.store import EvaluationInfo

TITLE = "2023年度长沙市信息化建设和运维项目绩效评价结果"


def _info(region: str, year: int | None) -> EvaluationInfo:
    return EvaluationInfo(id=1, region=region, year=year, title=TITLE, active_version_id=1, active_number=1,
                          versions=1, updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


def test_the_label_names_region_year_and_title_and_leaves_out_what_is_missing():
    assert evaluation_label("长沙市", 2023, TITLE) == f"长沙市 · 2023 · {TITLE}"
    assert evaluation_label("", None, TITLE) == TITLE
    assert evaluation_label(None, 2023, TITLE) == f"2023 · {TITLE}"
    assert evaluation_label("长沙市", math.nan, TITLE) == f"长沙市 · {TITLE}"  # a pandas row without a year
    assert evaluation_label("长沙市", 2023.0, TITLE) == f"长沙市 · 2023 · {TITLE}"  # a pandas float year


def test_the_store_record_the_workbook_and_a_portfolio_row_give_the_same_label_and_identity():
    for region, year in (("长沙市", 2023), ("", None)):
        meta = Meta(title=TITLE, year=year, region=region)
        info = _info(region, year)
        assert info.label == meta.label == evaluation_label(region, year, TITLE)
        assert info.identity == meta.identity == (region, year, TITLE)
    row = next(pd.DataFrame([{"region": "长沙市", "year": None, "title": TITLE},
                             {"region": "长沙市", "year": 2023, "title": TITLE}]).itertuples())
    assert evaluation_label(row.region, row.year, row.title) == Meta(title=TITLE, region="长沙市").label


def test_identity_is_what_makes_a_new_workbook_a_new_version():
    assert evaluation_identity("长沙市", 2023, TITLE) == evaluation_identity("长沙市", 2023.0, TITLE)
    assert evaluation_identity("长沙市", 2023, TITLE) != evaluation_identity("长沙市", 2024, TITLE)
    assert evaluation_identity(None, None, TITLE) == Meta(title=TITLE).identity
