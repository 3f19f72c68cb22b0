"""Issue 24, fifth pass: general mechanisms, each shown on texts made for the test (synthetic) in the layouts that recur
across provinces, not on any one published text (docs/reporttext.md, "Fifth pass (general mechanisms)")."""
from __future__ import annotations

from evalcore.reporttext import parse_report
from evalcore.reporttext.forms import ALIGNED_BY_PERCENT, find_forms
from evalcore.reporttext.review import doubts


def units(text: str) -> dict:
    return parse_report(text).stated.get("units", {})


# -- a form's rows in any flattening: cells separated by spaces, a total row's label and value in one cell ----------

HEAD = "项目支出绩效自评表\n（2022年度）\n项目名称 某某项目\n实施单位 某县水利局\n"
WANT = {"某县水利局": {"budget": "120", "executed": "108", "rate": "90"}}


def test_a_forms_rows_with_cells_separated_by_spaces() -> None:
    rows = ("项目资金（万元） 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n年度资金总额 100 120 108 10 90% 9\n"
            "其中：当年财政拨款 100 120 108 — 90% —\n")
    assert units(HEAD + rows) == WANT
    assert units(HEAD + rows.replace("） 年初", "）\n年初")) == WANT  # the header's first cell on a line of its own
    # a line of prose with figures and words between them is not a row of cells
    assert find_forms(HEAD + "项目资金 全年预算 120 万元 执行 108 万元\n") == []


def test_any_wording_of_a_total_row_and_its_label_with_the_first_value_in_one_cell() -> None:
    dept = ("某县水利局2022年度部门整体支出绩效自评表\n"
            "| 年度预算申请（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n"
            "| 年度总金额 | 100 | 120 | 108 | 10 | 90% | 9 |\n")
    assert units(dept) == WANT
    assert units(dept.replace("| 年度总金额 | 100 |", "| 年度总金额：100 |")) == WANT
    cells_ = dept.replace(" | ", "\n").replace("| ", "").replace(" |", "")  # one cell per line
    assert units(cells_) == WANT


# -- a form's row that lost a cell: aligned on its percentage, the one value whose column the text marks -----------

FORM = ("项目支出绩效自评表\n实施单位 | 某县水利局 |\n"
        "| 项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n"
        "| 年度资金总额 | 100 | 120 | 108 | 10 | 90% | 9 |\n")


def test_a_row_missing_its_empty_initial_budget_is_aligned_on_its_percentage_and_marked() -> None:
    assert units(FORM) == WANT
    dropped = FORM.replace("| 100 | 120 |", "| 120 |")  # by position: budget 108, executed 10 (the weight), rate 9
    result = parse_report(dropped)
    assert result.stated["units"] == WANT
    assert all(s["uncertain"] == ALIGNED_BY_PERCENT for s in result.stated["sources"]["某县水利局"].values())
    assert doubts(result)
    flat = ("某县项目支出绩效自评表 项目名称 某某项目 实施单位 某县水利局 项目资金 "
            "年初预算数 全年预算数 全年执行数 分值 执行率 得分 120 108 10 90% 9 "
            "其中：当年财政拨款 120 108 — 90% — 上年结转资金 — — 预期目标 实际完成情况 一级 指标\n")
    assert units(flat) == WANT


def test_a_misaligned_row_whose_amounts_do_not_give_its_percentage_is_not_read() -> None:
    # cells missing, and no reading on the percentage agrees: nothing is taken from the row
    text = FORM.replace("| 100 | 120 | 108 | 10 | 90% | 9 |", "| 120 | 100 | 10 | 90% | 9 |")
    result = parse_report(text)
    assert all("budget" not in f and "executed" not in f for f in result.stated["units"].values())
    assert any("未能对齐" in n for n in result.notes)
    # nor from the 其中：财政拨款 row below it, which is read only when the total row was left empty
    assert all("budget" not in f for f in units(text + "| 其中：当年财政拨款 | 120 | 100 | — | 90% | — |\n").values())
    # a percentage right of its title (a cell too many): which is extra is not known
    text = FORM.replace("| 100 | 120 | 108 | 10 | 90% | 9 |", "| 100 | 120 | 108 | 10 | 1 | 90% | 9 |")
    assert all("budget" not in f and "executed" not in f for f in units(text).values())
    # the stated rate under its title is kept as stated, even when the amounts give another (a person checks it)
    text = FORM.replace("| 90% |", "| 100% |")
    assert units(text) == {"某县水利局": {"budget": "120", "executed": "108", "rate": "100"}}
