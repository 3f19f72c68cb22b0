"""Synthetic evaluations of any size that pass the validator, for benchmarks and scale tests (both import it
from here: the tests never import the benchmarks).

``synthetic_evaluation(units, projects_per_unit, indicators, experts, problems, seed)`` builds an
:class:`~evalcore.model.Evaluation` that ``read_workbook`` accepts without errors or warnings:

- an indicator tree (一级 → 二级 → 三级) with ``indicators`` leaves whose 分值 sum to 100 at the top and to
  their parent's 分值 at every level (split in whole cents, so the sums are exact);
- two rule-scored leaves (预算执行率 按比例, and 分档计分) when the tree is big enough, every other leaf scored
  by each expert within 0..分值, some with a 扣分说明;
- budget lines with executed <= budget and a stated rate equal to the computed one;
- each unit's stated total equal to its computed total (rounded half-up), with the matching grade;
- problems in up to six categories, three recommendations per category answering it, one 整改 item per
  problem with a dated history consistent with its status.

The same seed always gives the same evaluation.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from evalcore import scoring
from evalcore.budget import combine
from evalcore.model import (
    Achievement,
    BudgetLine,
    Evaluation,
    Indicator,
    Meta,
    Problem,
    Recommendation,
    RectificationItem,
    Score,
    StatusChange,
    Unit,
    UnitResult,
)
from evalcore.numbers import HUNDRED, ZERO, round2
from evalcore.workbook import workbook_bytes

CENT = Decimal("0.01")

DIMENSIONS = (("A", "决策", 15), ("B", "过程", 25), ("C", "产出", 30), ("D", "效益", 30))
GROUP_NAMES = ("项目立项", "绩效目标", "资金投入", "资金管理", "组织实施", "产出数量", "产出质量", "产出时效",
               "产出成本", "项目效益", "满意度")
LEAF_NAMES = ("立项依据充分性", "立项程序规范性", "绩效目标合理性", "绩效指标明确性", "预算编制科学性",
              "资金分配合理性", "资金使用合规性", "结转资金使用", "管理制度健全性", "制度执行有效性",
              "政府采购规范性", "实际完成率", "验收合格率", "完成及时性", "成本控制", "经济效益", "社会效益",
              "可持续影响", "服务对象满意度")
PROBLEM_CATEGORIES = ("资金使用管理效率有待提高", "项目统筹集约建设体系有待完善", "项目实施管理过程欠严格规范",
                      "项目产出效益有待提高", "政府采购管理有待进一步规范", "绩效目标编制质量不高")
RECOMMENDATION_CATEGORIES = ("进一步提高资金预算管理效率", "健全信息化统筹集约项目建设体系",
                             "进一步强化项目建设规范管理", "进一步强化项目管理提升建设成效",
                             "进一步规范政府采购管理", "推进信息化项目预算绩效管理")
PROBLEM_TEXTS = ("个别项目上年结转资金未及时使用。", "个别项目进度滞后。", "个别项目未及时签订政府采购合同。",
                 "项目配套制度建立不全。", "个别项目监理服务周期不全。", "绩效目标细化、量化程度不高。")
RECOMMENDATION_TEXTS = ("规范项目立项审批、招投标、政府采购等程序。", "细化计划管理程度，明确项目关键节点。",
                        "严格把关项目建设验收工作。")
DEDUCTION_NOTES = ("资料不全", "进度滞后", "制度未发布", "合同签订不及时", "指标填报模糊")


def split_points(total: Decimal, weights: list[int]) -> list[Decimal]:
    """``total`` split in proportion to ``weights`` in whole cents; the parts sum to ``total`` exactly."""
    cents = int((total / CENT).to_integral_value())
    whole = sum(weights)
    parts = [cents * w // whole for w in weights]
    for i in range(cents - sum(parts)):
        parts[i % len(parts)] += 1
    return [Decimal(p) * CENT for p in parts]


def synthetic_indicators(leaves: int) -> tuple[Indicator, ...]:
    """A three-level tree with ``leaves`` 三级指标, up to four 一级指标 and at most three leaves per 二级指标."""
    if leaves < 1:
        return ()
    dims = DIMENSIONS[:min(len(DIMENSIONS), leaves)]
    per_dim = [leaves // len(dims) + (1 if i < leaves % len(dims) else 0) for i in range(len(dims))]
    dim_points = split_points(HUNDRED, [w for _, _, w in dims])
    out: list[Indicator] = []
    name_no = 0
    for (code, name, _), n_leaves, points in zip(dims, per_dim, dim_points, strict=True):
        out.append(Indicator(code, name, points, 1))
        sizes = [3] * (n_leaves // 3) + ([n_leaves % 3] if n_leaves % 3 else [])
        group_points = split_points(points, sizes)
        for g, (size, gp) in enumerate(zip(sizes, group_points, strict=True), start=1):
            gid = f"{code}{g:02d}"
            out.append(Indicator(gid, f"{GROUP_NAMES[(g - 1) % len(GROUP_NAMES)]}{g}", gp, 2, code))
            for k, lp in enumerate(split_points(gp, [1] * size), start=1):
                name_no += 1
                out.append(Indicator(f"{gid}{k}", f"{LEAF_NAMES[(name_no - 1) % len(LEAF_NAMES)]}{name_no}", lp, 3,
                                     gid))
    # rule-scored leaves in 过程 (the second dimension) when it has at least two leaves
    leaf_ids = [i.id for i in out if i.level == 3 and i.id.startswith("B")]
    if len(leaf_ids) >= 2:
        rules = {leaf_ids[0]: ("rate_proportional", "", "预算执行率"),
                 leaf_ids[1]: ("banded", "95:100;90:80;80:60;0:0", "预算执行率（分档）")}
        out = [Indicator(i.id, rules[i.id][2], i.points, i.level, i.parent, rules[i.id][0], rules[i.id][1])
               if i.id in rules else i for i in out]
    return tuple(out)


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) * CENT


def synthetic_evaluation(units: int = 100, projects_per_unit: int = 3, indicators: int = 30, experts: int = 3,
                         problems: int = 19, seed: int = 0) -> Evaluation:
    """A valid evaluation of the given size (see the module docstring for what "valid" covers)."""
    rng = random.Random(seed)
    meta = Meta(
        title=f"合成绩效评价（{units} 个单位）",
        year=2023,
        region="合成市",
        evaluator="基准测试",
        project="信息化建设和运维项目",
        illustrative=frozenset({"scores", "rectification"}),
        illustrative_note="合成数据，仅用于基准测试和规模测试。",
        source="sample_data/synth.py",
    )
    unit_list = tuple(Unit(f"单位{i:04d}", f"合成市第{i}单位", "主管部门" if i % 5 == 1 else "实施单位")
                      for i in range(1, units + 1))

    lines: list[BudgetLine] = []
    for u in unit_list:
        for p in range(1, projects_per_unit + 1):
            b = _money(rng, 10, 5000)
            e = round2(b * Decimal(rng.randint(6000, 10000)) / Decimal(10000))
            lines.append(BudgetLine(u.key, b, e, f"项目{p}", "建设" if p % 2 else "运维", round2(e / b * HUNDRED)))

    tree = synthetic_indicators(indicators)
    leaf_list = scoring.leaves(tree)
    manual = [i for i in leaf_list if i.method == "manual"]
    rules = [i for i in leaf_list if i.method != "manual"]
    expert_names = [f"专家{k}" for k in range(1, experts + 1)]
    by_unit_lines: dict[str, list[BudgetLine]] = defaultdict(list)
    for ln in lines:
        by_unit_lines[ln.unit].append(ln)

    scores: list[Score] = []
    results: list[UnitResult] = []
    for u in unit_list:
        total = ZERO
        for ind in manual:
            values = []
            for name in expert_names:
                value = round2(ind.points * Decimal(rng.randint(55, 100)) / HUNDRED)
                note = ""
                if value < ind.points and rng.random() < 0.2:
                    note = f"{DEDUCTION_NOTES[rng.randrange(len(DEDUCTION_NOTES))]}（示例）"
                scores.append(Score(u.key, ind.id, name, value, note))
                values.append(value)
            combined = scoring.combine_experts(values, meta.expert_method)
            total += combined if combined is not None else ZERO
        rate = combine(by_unit_lines[u.key]).rate
        for ind in rules:
            ruled, _ = scoring.rule_score(ind, rate)
            total += ruled if ruled is not None else ZERO
        if expert_names and (manual or rules):
            stated = round2(total)
            results.append(UnitResult(u.key, stated, scoring.grade_for(stated, meta.grade_bands)))

    achievements = tuple(Achievement(a, f"成效领域{a}", s, f"成效领域{a}的第{s}项成果。")
                         for a in range(1, 6) for s in range(1, 3))

    n_cats = min(len(PROBLEM_CATEGORIES), problems)
    problem_list: list[Problem] = []
    seq: defaultdict[int, int] = defaultdict(int)
    for n in range(problems):
        cat = n % n_cats + 1
        seq[cat] += 1
        unit = unit_list[rng.randrange(units)].key if unit_list and rng.random() < 0.5 else None
        text = f"{PROBLEM_TEXTS[n % len(PROBLEM_TEXTS)][:-1]}（第{n + 1}条）。"
        problem_list.append(Problem(f"P{cat}-{seq[cat]}", cat, PROBLEM_CATEGORIES[cat - 1], seq[cat], text, unit))
    problem_list.sort(key=lambda p: (p.category_no, p.seq))
    recommendations = tuple(
        Recommendation(f"R{cat}-{s}", cat, RECOMMENDATION_CATEGORIES[cat - 1], s, RECOMMENDATION_TEXTS[s - 1],
                       (f"P{cat}",))
        for cat in range(1, n_cats + 1) for s in range(1, 4))

    rectification = []
    statuses = ("未开始", "整改中", "已整改", "未整改")
    start = dt.date(2024, 1, 1)
    for n, problem in enumerate(problem_list, start=1):
        item = f"Z{n:04d}"
        deadline = start + dt.timedelta(days=rng.randint(90, 360))
        status = statuses[rng.randrange(len(statuses))]
        unit = problem.unit or (unit_list[rng.randrange(units)].key if unit_list else None)
        began = start + dt.timedelta(days=rng.randint(10, 80))
        history: list[StatusChange] = []
        progress = ZERO
        if status != "未开始":
            progress = Decimal(rng.randint(1, 9) * 10)
            history.append(StatusChange(item, began, "未开始", "整改中", progress, "启动整改", unit or ""))
        if status == "已整改":
            progress = HUNDRED
            history.append(StatusChange(item, began + dt.timedelta(days=rng.randint(5, 200)), "整改中", "已整改",
                                        progress, "整改完成", unit or ""))
        if status == "未整改":
            history.append(StatusChange(item, deadline + dt.timedelta(days=10), "整改中", "未整改", progress,
                                        "逾期未完成", unit or ""))
        evidence = f"整改报告〔2024〕{n}号" if status == "已整改" else ""
        rectification.append(RectificationItem(item, problem.id, f"针对{problem.id}的整改措施", unit, deadline, status,
                                               progress, "", tuple(history), evidence))

    return Evaluation(meta, unit_list, tuple(lines), tree, tuple(scores), tuple(results), achievements,
                      tuple(problem_list), recommendations, tuple(rectification))


def synthetic_workbook(units: int = 100, projects_per_unit: int = 3, indicators: int = 30, experts: int = 3,
                       problems: int = 19, seed: int = 0) -> bytes:
    """The synthetic evaluation as a workbook in the template format (``evalcore.workbook.workbook_bytes``)."""
    return workbook_bytes(synthetic_evaluation(units, projects_per_unit, indicators, experts, problems, seed))
