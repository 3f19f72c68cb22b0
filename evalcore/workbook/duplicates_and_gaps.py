"""Checks of what a careless copy or a missing part does to the figures: duplicated rows, absent sheets, and
stated figures with nothing to compare them to. :mod:`.validate` calls them once the sheets are read.

Decisions (each message names both rows, or the field and what is missing):

- **Budget lines** are the same line when they name the same unit (by 简称 or 全称) and the same project name
  (blank counts as one name). With the same amounts (预算金额, 实际执行金额 and 报告执行率 all equal) the second
  row is an **error**: an exact copy has no reading in which both rows are meant, and keeping it would double the
  unit's budget and spending in every total, rate and chart; a report that lists two equal tranches of one
  project names them apart. With different amounts it is a **warning**: two tranches or two years of one project
  can share a name, and both rows are added up, which the message says.
- **Score rows** with the same unit (by 简称 or 全称), indicator and expert are an error (the row already counted
  is named): one expert gives one score. An indicator of a unit that lacks the score of an expert who scored all
  of that unit's other indicators (at least three indicators) is a warning on its first row: the mean of the
  others is used, which moves the unit's total without any stated figure to disagree with it when the report
  states no score.
- **Problems, recommendations and 整改 items** whose text is the same (ignoring spaces) are an error within the
  same category (problem, recommendation) or for the same problem and responsible unit (整改): a copied row that
  would add one to every count. The same sentence in another category, or the same task for another unit or
  problem, is left alone: one measure may answer two categories and one task may be given to several units.
- **A sheet of the template that is absent** is an error where the evaluation cannot be shown without it (评价信息,
  单位: :mod:`.validate`), otherwise a warning that says what the dashboard will lack.
- **A stated figure with nothing to compare it to** is a warning: a stated 资金总额 (实际执行总额) with no budget
  line, or with lines lacking the amount; a stated score of a unit without any indicator score (see
  :func:`unchecked_figures` for when a workbook of published totals only is left alone); a unit with indicator
  scores whose total cannot be rolled up and that has no stated score (its score would vanish from the app).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from .. import scoring
from ..budget import unit_rates
from ..model import Evaluation
from ..numbers import fmt2
from .cells import norm_text
from .messages import Collector
from .sheets import Record
from .spec import (
    BUDGET,
    BUDGET_HEADER,
    EXECUTED_HEADER,
    META,
    PROBLEMS,
    RECOMMENDATIONS,
    RECTIFICATION,
    RESULTS,
    SCORES,
    SPEC,
)

Resolve = Callable[[Any], "str | None"]

# What the dashboard lacks without each optional sheet.
_WITHOUT = {
    "budget": "看板将没有任何预算金额、实际执行金额和预算执行率",
    "indicators": "看板将没有指标体系，得分无法按指标汇总和核对",
    "scores": "看板将没有指标得分，报告得分无法核对",
    "results": "看板将没有报告得分和等次",
    "achievements": "看板将没有产出成效",
    "problems": "看板将没有问题清单",
    "recommendations": "看板将没有建议",
    "rectification": "看板将没有整改事项和整改率",
    "history": "整改事项将没有状态变化记录",
}


def missing_sheets(present: set[str], out: Collector) -> None:
    """Every optional sheet of the template that the file lacks, named (a required one is an error already)."""
    for spec in SPEC:
        if not spec.required and spec.name not in present:
            out.warn(spec.name, None, "", "",
                     f"文件中没有“{spec.name}”工作表，{_WITHOUT[spec.key]}；报告有这部分内容的，请从模板复制该"
                     "工作表并填写（工作表名称须与模板一致），报告确无这部分内容的可忽略本警告", gap=True)


def _amounts(r: Record) -> tuple[Any, ...]:
    v = r.values
    return v["budget"], v["executed"], v["stated_rate"]


def duplicate_budget_lines(records: list[Record], unit_of: Resolve, out: Collector) -> None:
    """The same unit and project on two rows: an error with the same amounts, a warning with others."""
    seen: dict[tuple[str, str], Record] = {}
    for r in records:
        unit = unit_of(r.values.get("unit"))
        if unit is None:
            continue
        key = (unit, norm_text(r.values.get("project") or ""))
        first = seen.setdefault(key, r)
        if first is r:
            continue
        project = f"项目“{r.values.get('project')}”" if r.values.get("project") else "未填项目名称的项目"
        if _amounts(first) == _amounts(r):
            out.error(BUDGET.name, r.row, BUDGET.column("project").header, r.values.get("project") or "",
                      f"与第{first.row}行重复：同一单位“{unit}”、同一{project}，预算金额、实际执行金额和报告执行率也"
                      "完全相同；重复的行会使该单位和全部单位的预算、实际执行合计及执行率都多算一次。"
                      "请删除其中一行；如确为同一项目的两笔资金，请在项目名称中区分（如“一期”“二期”）")
        else:
            out.warn(BUDGET.name, r.row, BUDGET.column("project").header, r.values.get("project") or "",
                     f"与第{first.row}行是同一单位“{unit}”、同一{project}，但金额不同；两行都会计入该单位的预算、"
                     "实际执行合计和执行率。请核对：如是重复填写，请删除其中一行；如是同一项目的两笔资金，"
                     "请在项目名称中区分（如“一期”“二期”）")


def duplicate_scores(records: list[Record], unit_of: Resolve, out: Collector) -> None:
    """One score per unit, indicator and expert, also when one row names the unit by its 全称."""
    seen: dict[tuple[str, Any, Any], int] = {}
    for r in records:
        unit = unit_of(r.values.get("unit"))
        if unit is None:
            continue
        key = (unit, r.values.get("indicator"), r.values.get("expert"))
        if key in seen and seen[key] != r.row:
            out.error(SCORES.name, r.row, SCORES.column("unit").header, r.values.get("unit"),
                      f"与第{seen[key]}行重复：同一单位“{unit}”、同一指标“{key[1]}”、同一专家“{key[2]}”只能有一个得分，"
                      "重复的行会改变该单位的得分；请删除或改正其中一行")
        seen.setdefault(key, r.row)


def duplicate_texts(records: list[Record], sheet: str, text_key: str, scope_keys: tuple[str, ...],
                    scope_label: str, out: Collector) -> None:
    """Items whose text is the same (ignoring whitespace) in the same scope (category; problem and unit): an
    error naming the first row."""
    by_text: dict[str, list[Record]] = {}
    spec = next(s for s in SPEC if s.name == sheet)
    header = spec.column(text_key).header
    for r in records:
        text = norm_text(r.values.get(text_key) or "")
        if not text:
            continue
        earlier = by_text.setdefault(text, [])
        same = next((e for e in earlier if all(e.values.get(k) == r.values.get(k) for k in scope_keys)), None)
        if same is not None:
            out.error(sheet, r.row, header, r.values.get(text_key),
                      f"与第{same.row}行的{header}完全相同（{scope_label}也相同），是重复的一行，会使条目数多算一条；"
                      "请删除其中一行，或改正内容")
        earlier.append(r)


def missing_expert_scores(records: list[Record], unit_of: Resolve, out: Collector) -> None:
    """An indicator of a unit without the score of an expert who scored every other indicator of that unit: a
    row left out (or deleted) that silently moves the indicator's mean and the unit's total. A warning on the
    indicator's first row; experts who each score only some indicators by design are left alone."""
    experts: dict[str, dict[Any, set[str]]] = {}
    first_row: dict[tuple[str, Any], int] = {}
    for r in records:
        unit = unit_of(r.values.get("unit"))
        expert = str(r.values.get("expert") or "").strip()
        indicator = r.values.get("indicator")
        if unit is None or not expert or indicator in (None, ""):
            continue
        experts.setdefault(unit, {}).setdefault(indicator, set()).add(expert)
        first_row.setdefault((unit, indicator), r.row)
    for unit, by_indicator in experts.items():
        n = len(by_indicator)
        if n < 3:
            continue
        scored = Counter(e for have in by_indicator.values() for e in have)
        all_but_one = {e for e, k in scored.items() if k == n - 1}  # the one they lack is the gap
        if not all_but_one:
            continue
        for indicator, have in by_indicator.items():
            lacking = sorted(all_but_one - have)
            if lacking:
                out.warn(SCORES.name, first_row[(unit, indicator)], SCORES.column("expert").header, indicator,
                         f"“{unit}”的指标“{indicator}”没有{'、'.join(lacking)}的得分，而该单位其他各项指标都有："
                         f"该指标按其余 {len(have)} 位专家的得分计算，会改变该单位的得分；请核对是否漏填", gap=True)


def duplicates(recs: dict[str, list[Record]], unit_of: Resolve, out: Collector) -> None:
    duplicate_budget_lines(recs["budget"], unit_of, out)
    duplicate_scores(recs["scores"], unit_of, out)
    missing_expert_scores(recs["scores"], unit_of, out)
    duplicate_texts(recs["problems"], PROBLEMS.name, "text", ("category_no",), "问题类别", out)
    duplicate_texts(recs["recommendations"], RECOMMENDATIONS.name, "text", ("category_no",), "建议类别", out)
    duplicate_texts(recs["rectification"], RECTIFICATION.name, "task", ("problem", "unit"), "对应问题编号和责任单位",
                    out)


def _no_roll_up(ev: Evaluation) -> dict[str, str]:
    """Units with indicator scores whose total cannot be rolled up the indicator tree, and why: a leaf scored by
    evaluators without any score for the unit, or a leaf scored by rule (the execution rate) when the unit has
    no computable rate. Decided from the scores and the rates alone, without scoring every unit again."""
    leaves = scoring.leaves(ev.indicators)
    rule = [leaf.id for leaf in leaves if leaf.method in ("rate_proportional", "banded")]
    manual = [leaf.id for leaf in leaves if leaf.id not in set(rule)]
    scored: dict[str, set[str]] = {}
    for sc in ev.scores:
        scored.setdefault(sc.unit, set()).add(sc.indicator)
    rates = unit_rates(ev) if rule else {}
    out = {}
    for unit, ids in scored.items():
        missing = [i for i in manual if i not in ids]
        rate = rates.get(unit)
        reasons = []
        if missing:
            reasons.append(f"指标 {'、'.join(missing[:3])}{' 等' if len(missing) > 3 else ''} 没有得分")
        if rule and (rate is None or rate.rate is None):
            reasons.append(f"按规则计分的指标 {'、'.join(rule[:3])} 缺少该单位的预算执行率")
        if reasons:
            out[unit] = "；".join(reasons)
    return out


def unchecked_figures(ev: Evaluation, result_rows: dict[str, int], meta_rows: dict[str, int],
                      present: set[str], out: Collector) -> None:
    """Stated figures that nothing in the workbook can confirm: said, so that a missing part is not silent.

    A stated score is unconfirmed when the unit has no indicator score although the workbook has an indicator
    system, or has no 指标评分 sheet at all. A workbook with the 指标评分 and 指标体系 sheets present and both empty
    says that the report publishes totals only (the seed report does): nothing is missing, nothing is said.
    """
    for key, attr, label, amount_header in (("stated_total_budget", "budget", "资金总额", BUDGET_HEADER),
                                             ("stated_total_executed", "executed", "实际执行总额", EXECUTED_HEADER)):
        stated = getattr(ev.meta, key)
        if stated is None:
            continue
        header = META.column(key).header
        lacking = sum(1 for b in ev.budget_lines if getattr(b, attr) is None)
        if not ev.budget_lines:
            out.warn(META.name, meta_rows.get(key), header, fmt2(stated),
                     f"报告所列{label} {fmt2(stated)} 万元无法核对：“预算执行”中没有任何预算行（该工作表缺少或为空），"
                     "看板将没有各单位的预算数据；请按报告补填各单位的预算执行情况，报告确只列了总额的可忽略本警告",
                     gap=True)
        elif lacking:
            out.warn(META.name, meta_rows.get(key), header, fmt2(stated),
                     f"报告所列{label} {fmt2(stated)} 万元无法核对：“预算执行”中有 {lacking} 行未填“{amount_header}”，"
                     "已填各行之和不是总额；报告列明了这些金额的请补填", gap=True)
    scored = {s.unit for s in ev.scores}
    stated_scores = {r.unit: r.stated_score for r in ev.results if r.stated_score is not None}
    for unit, why in _no_roll_up(ev).items():
        if unit in stated_scores:
            out.warn(RESULTS.name, result_rows.get(unit), RESULTS.column("stated_score").header,
                     fmt2(stated_scores[unit]),
                     f"“{unit}”的报告得分 {fmt2(stated_scores[unit])} 分无法与指标得分核对：按指标体系算不出总得分"
                     f"（{why}）；看板以报告得分为准。请补填后再核对", gap=True)
        else:
            out.warn(SCORES.name, None, SCORES.column("score").header, unit,
                     f"“{unit}”有指标得分，但按指标体系算不出总得分（{why}），“评价结果”中也没有该单位的报告得分，"
                     "看板将不显示其得分；请补填", gap=True)
    if not ev.indicators and SCORES.name in present:
        return
    for res in ev.results:
        if res.stated_score is not None and res.unit not in scored:
            out.warn(RESULTS.name, result_rows.get(res.unit), RESULTS.column("stated_score").header,
                     fmt2(res.stated_score),
                     f"“{res.unit}”的报告得分 {fmt2(res.stated_score)} 分无法核对："
                     "“指标评分”中没有该单位的任何指标得分；看板以报告得分为准。"
                     "报告公布了指标得分的请补填，未公布的可忽略本警告", gap=True)
