"""Build the portfolio sample workbooks (``sample_data/portfolio/*.xlsx``): real published evaluation results of
other places, kinds and years, besides the Changsha 2023 seed, so a first run opens on a portfolio.

    python -m sample_data.build_portfolio            # writes every workbook, reads each back and validates it
    python -m sample_data.build_portfolio --check    # exit 1 if a committed workbook differs from its source

Each sample keeps its published text under ``sample_data/reports/`` with its source address. A sample is
built one of two ways (see README, "Sample data"):

* ``text``: the published text through today's report parser (:func:`evalcore.reporttext.parse_to_workbook`),
  exactly as ``python -m evalcore import`` would;
* ``toml``: where today's parser cannot read that text correctly, from a readable source
  ``sample_data/source/<name>.toml`` typed from the published text, every figure exactly as the text states it
  (like ``sample_data/build.py`` builds the seed). Illustrative additions are labelled 示例数据.
"""
from __future__ import annotations

import argparse
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

from evalcore.model import Achievement, BudgetLine, Evaluation, Meta, Problem, Recommendation, Unit, UnitResult
from evalcore.reporttext import parse_report_file
from evalcore.workbook import read_workbook, workbook_bytes

from . import HERE

REPORTS = HERE / "reports"
SOURCES = HERE / "source"
OUT = HERE / "portfolio"

# name -> how it is built. Every name has its published text in reports/<name>.txt (except the illustrative one).
SAMPLES: dict[str, str] = {
    "honghe_sjzx_2024": "text",
    "nanxian_czj_2020": "toml",
    "nanxian_czj_2021": "toml",
    "nanxian_czj_2022_illustrative": "toml",
    "nanxian_czj_2022_self_illustrative": "toml",  # 自评偏差 (issue 26); not in FIRST_RUN
    "daying_2021": "toml",
    "fengze_2019": "toml",
}


def _d(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def load_toml(path: Path) -> Evaluation:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    m = data["meta"]
    meta = Meta(title=m["title"], year=m.get("year"), region=m.get("region", ""), evaluator=m.get("evaluator", ""),
                project=m.get("project", ""), conclusion=m.get("conclusion", ""), kind=m.get("kind", ""),
                source=m.get("source", ""), illustrative_note=m.get("illustrative_note", ""),
                stated_total_budget=_d(m.get("stated_total_budget")),
                stated_total_executed=_d(m.get("stated_total_executed")))
    units = tuple(Unit(u["key"], u.get("name", ""), u.get("role", ""), u.get("note", "")) for u in data["units"])
    budget = tuple(BudgetLine(b["unit"], _d(b.get("budget")), _d(b.get("executed")), b.get("project", ""),
                              b.get("kind", ""), _d(b.get("stated_rate")), b.get("note", ""))
                   for b in data.get("budget", ()))
    results = tuple(UnitResult(r["unit"], _d(r.get("score")), r.get("grade")) for r in data.get("results", ()))
    achievements = tuple(Achievement(a["area_no"], a["area"], i, text)
                         for a in data.get("achievements", ()) for i, text in enumerate(a["items"], start=1))
    problems = tuple(Problem(f"P{c['category_no']}-{i}", c["category_no"], c["category"], i, text)
                     for c in data.get("problems", ()) for i, text in enumerate(c["items"], start=1))
    recs = tuple(Recommendation(f"R{c['category_no']}-{i}", c["category_no"], c["category"], i, text)
                 for c in data.get("recommendations", ()) for i, text in enumerate(c["items"], start=1))
    return Evaluation(meta, units, budget, (), (), results, achievements, problems, recs, ())


def source_evaluation(name: str) -> Evaluation:
    """The evaluation a sample's workbook must hold (评价类型 included, as its source states or is read)."""
    if SAMPLES[name] == "text":
        return parse_report_file(REPORTS / f"{name}.txt").evaluation
    return load_toml(SOURCES / f"{name}.toml")


def workbook_path(name: str) -> Path:
    return OUT / f"{name}.xlsx"


def build(name: str) -> Path:
    ev = source_evaluation(name)
    out = workbook_path(name)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(workbook_bytes(ev))
    result = read_workbook(out)
    if not result.ok:
        raise SystemExit(f"{out} 未通过校验：\n" + "\n".join(map(str, result.errors)))
    if result.evaluation != ev:
        raise SystemExit(f"{out} 读回后与来源不一致")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare the committed workbooks with their sources")
    a = ap.parse_args(argv)
    stale = []
    for name in SAMPLES:
        if a.check:
            result = read_workbook(workbook_path(name)) if workbook_path(name).exists() else None
            if result is None or not result.ok or result.evaluation != source_evaluation(name):
                stale.append(name)
        else:
            print(build(name))
    if a.check:
        print("up to date" if not stale
              else "stale: " + ", ".join(stale) + " (run python -m sample_data.build_portfolio)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
