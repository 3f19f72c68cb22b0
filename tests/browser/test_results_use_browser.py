"""结果应用 in real Chromium (issue 26): an admin changes a rule on 管理 › 结果应用规则 and the 评价总览's suggested
totals change with it (the seed: both units 良, 3400.06 + 10931.32 万元; 重点项目 · 良 cut by 37.5% gives
1275.02 + 4099.25 = 5374.27 万元 cut, 8957.11 万元 suggested)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def seed_url(tmp_path, ui):
    with ui.serve_app(tmp_path, env={"EVALBOARD_SAMPLES": "seed"}) as url:
        yield url


def _metric(page, label: str) -> str:
    box = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return box.locator("[data-testid='stMetricValue']").inner_text().strip()


def _pick(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label, exact=True).click()
    page.keyboard.press("ArrowDown")  # opens the list of options
    page.get_by_role("option", name=option, exact=True).click()


def test_changing_a_rule_changes_the_suggested_totals(seed_url, new_page, ui):
    page = new_page(1280, 800)
    ui.open_and_settle(page, seed_url + "/portfolio")
    ui.assert_no_errors(page)
    ui.wait_for_texts(page, ["结果应用", "据评价结果调减（万元）"])
    assert _metric(page, "据评价结果调减") == "0.00"
    assert _metric(page, "建议预算") == "14,331.38"

    ui.open_and_settle(page, seed_url + "/admin")
    page.get_by_role("textbox", name="操作人").fill("王管理")
    page.keyboard.press("Tab")
    ui.wait_for_app(page)
    page.get_by_role("tab", name="结果应用规则").click()
    ui.wait_for_texts(page, ["修改规则：重点项目 · 优"])
    _pick(page, "等次", "良")
    ui.wait_for_app(page)
    ui.wait_for_texts(page, ["修改规则：重点项目 · 良"])
    _pick(page, "处理方式", "调减")
    page.get_by_label("比例（%，调减或增加时填写）").fill("37.5")
    page.get_by_role("button", name="保存规则").click()
    ui.wait_for_app(page)
    ui.assert_no_errors(page)
    ui.wait_for_texts(page, ["已保存规则：重点项目 · 良", "现为 调减 37.5%"])

    ui.open_and_settle(page, seed_url + "/portfolio")
    ui.assert_no_errors(page)
    ui.wait_for_texts(page, ["据评价结果调减（万元）"])
    assert _metric(page, "据评价结果调减") == "5,374.27"
    assert _metric(page, "建议预算") == "8,957.11"
