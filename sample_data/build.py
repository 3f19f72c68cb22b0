"""Build ``sample_data/changsha_2023.xlsx`` from the readable source ``sample_data/source/changsha_2023.toml``.

    python -m sample_data.build            # writes the workbook, then reads it back and validates it
    python -m sample_data.build --check    # exit 1 if the committed workbook differs from the source

The workbook is written through ``evalcore.workbook.write_workbook`` so it is in exactly the template format.
"""
from __future__ import annotations

import argparse
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

from evalcore import scoring
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
from evalcore.workbook import read_workbook, write_workbook

from . import SOURCE, WORKBOOK

EXPERTS = ("专家A", "专家B", "专家C")


def _d(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def load_source(path: Path = SOURCE) -> Evaluation:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    m = data["meta"]
    illustrative = frozenset({"指标得分": "scores", "整改": "rectification"}[s]
                             for s in m.get("illustrative", "").replace(";", "；").split("；") if s)
    meta = Meta(
        title=m["title"], year=m["year"], region=m["region"], evaluator=m["evaluator"], project=m["project"],
        conclusion=m["conclusion"], grade_bands=scoring.parse_bands(m["grade_bands"]),
        expert_method=scoring.EXPERT_METHOD_BY_LABEL[m["expert_method"]], rate_target=Decimal(m["rate_target"]),
        statuses=tuple(m["statuses"].split("；")), closed_statuses=tuple(m["closed_statuses"].split("；")),
        illustrative=illustrative, illustrative_note=m["illustrative_note"], source=m["source"],
        stated_total_budget=_d(m.get("stated_total_budget")), stated_total_executed=_d(m.get("stated_total_executed")),
    )
    units = tuple(Unit(u["key"], u.get("name", ""), u.get("role", ""), u.get("note", "")) for u in data["units"])
    budget = tuple(BudgetLine(b["unit"], _d(b["budget"]), _d(b["executed"]), b.get("project", ""), b.get("kind", ""),
                              _d(b.get("stated_rate")), b.get("note", "")) for b in data["budget"])
    results = tuple(UnitResult(r["unit"], _d(r["score"]), r["grade"]) for r in data["results"])
    achievements = tuple(Achievement(a["area_no"], a["area"], i, text)
                         for a in data["achievements"] for i, text in enumerate(a["items"], start=1))
    problems = tuple(Problem(f"P{c['category_no']}-{i}", c["category_no"], c["category"], i, text,
                             c.get("units", {}).get(str(i)))
                     for c in data["problems"] for i, text in enumerate(c["items"], start=1))
    recommendations = tuple(Recommendation(f"R{c['category_no']}-{i}", c["category_no"], c["category"], i, text,
                                           tuple(c.get("answers", ())))
                            for c in data["recommendations"] for i, text in enumerate(c["items"], start=1))
    methods = scoring.METHOD_BY_LABEL
    indicators = tuple(Indicator(i["id"], i["name"], Decimal(i["points"]), i["level"], i.get("parent"),
                                 methods.get(i.get("method", ""), "manual"), i.get("params", ""), i.get("note", ""))
                       for i in data["indicators"])
    notes = data.get("score_notes", {})
    scores = tuple(Score(unit, ind, EXPERTS[k], Decimal(v), notes.get(f"{unit}.{ind}", "") if k == 0 else "")
                   for unit, table in data["scores"].items()
                   for ind, values in table.items() for k, v in enumerate(values))
    rect = tuple(RectificationItem(
        r["id"], r.get("problem"), r["task"], r.get("unit"), r.get("deadline"), r["status"], _d(r.get("progress")),
        r.get("note", ""),
        tuple(StatusChange(r["id"], h["date"], h["from"], h["to"], _d(h.get("progress")), h.get("note", ""),
                           h.get("by", "")) for h in r.get("history", ())),
    ) for r in data["rectification"])
    return Evaluation(meta, units, budget, indicators, scores, results, achievements, problems, recommendations,
                      rect)


def build(out: Path = WORKBOOK) -> Evaluation:
    ev = load_source()
    write_workbook(ev, out)
    result = read_workbook(out)
    if not result.ok:
        raise SystemExit("样例工作簿未通过校验：\n" + "\n".join(map(str, result.errors)))
    if result.evaluation != ev:
        raise SystemExit("样例工作簿读回后与来源不一致")
    return ev


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare the committed workbook with the source")
    ap.add_argument("--out", type=Path, default=WORKBOOK)
    a = ap.parse_args(argv)
    if a.check:
        result = read_workbook(a.out)
        same = result.ok and result.evaluation == load_source()
        print("up to date" if same else f"{a.out} is stale: run python -m sample_data.build")
        return 0 if same else 1
    build(a.out)
    print(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
