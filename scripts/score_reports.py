"""Score ``parse-report`` on the corpus of published texts: per text and overall, the figures right, missing, wrong
and invented (see evalcore/reporttext/score.py for the rules).

    .venv/bin/python scripts/score_reports.py [FOLDER] [-v]

FOLDER defaults to tests/data/reports. -v lists every figure that is not right. Exit 1 when the goal (at least 85% of
stated figures right, none invented) is not met.
"""
from __future__ import annotations

import sys
from pathlib import Path

from evalcore.reporttext.score import score_corpus, totals

GOAL = 0.85


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    folder = Path(args[0]) if args else Path(__file__).resolve().parents[1] / "tests" / "data" / "reports"
    scores = score_corpus(folder)
    print(f"{'text':44} {'stated':>6} {'right':>5} {'miss':>5} {'wrong':>5} {'invent':>6}")
    for s in scores:
        print(f"{s.name[:44]:44} {s.stated:6} {s.count('right'):5} {s.count('missing'):5} {s.count('wrong'):5} "
              f"{s.count('invented'):6}")
        if verbose:
            for o in s.outcomes:
                if o.verdict != "right":
                    print(f"    {o.verdict:8} {o.figure}: expected {o.expected}, found {o.found}")
    t = totals(scores)
    share = t["right"] / t["stated"] if t["stated"] else 1.0
    print(f"{'overall (' + str(len(scores)) + ' texts)':44} {t['stated']:6} {t['right']:5} {t['missing']:5} "
          f"{t['wrong']:5} {t['invented']:6}")
    print(f"right: {share:.1%} of stated figures (goal ≥ {GOAL:.0%}); invented: {t['invented']} (goal 0)")
    return 0 if share >= GOAL and t["invented"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
