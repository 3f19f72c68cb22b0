"""Score ``parse-report`` on the corpus of published texts: per text and overall, the figures right, missing, wrong
and invented (see evalcore/reporttext/score.py for the rules), for the tuned part and the held-out part separately
(tests/data/reports/HELDOUT.md: the held-out part is never tuned on, and its score is the one that counts).

    .venv/bin/python scripts/score_reports.py [FOLDER] [-v] [--part tuned|fit|check|held-out|all]

--part fit / check: the two halves of the tuned part (docs/reporttext.md, "Fit and check"): rules are changed only
from misses on fit texts; check is read in totals only (-q), to see whether a rule holds on texts it was not made from.
-q prints the overall lines only (always use it for held-out and check).

FOLDER defaults to tests/data/reports. -v lists every figure that is not right. Exit 1 when the goal on the held-out
part (at least 75% of stated figures right, none invented) or on the tuned part (85%, none invented) is not met.
"""
from __future__ import annotations

import sys
from pathlib import Path

from evalcore.reporttext.score import TextScore, score_corpus, totals

GOALS = {"tuned": 0.85, "fit": 0.85, "check": 0.85, "held-out": 0.75}


def report(title: str, scores: list[TextScore], verbose: bool, quiet: bool = False) -> tuple[float, int]:
    print(f"== {title}")
    print(f"{'text':44} {'stated':>6} {'right':>5} {'miss':>5} {'wrong':>5} {'invent':>6}  review")
    for s in [] if quiet else scores:
        flag = "待复核" if s.reviewed else ("published, ERRORS" if s.errors else "published")
        print(f"{s.name[:44]:44} {s.stated:6} {s.count('right'):5} {s.count('missing'):5} {s.count('wrong'):5} "
              f"{s.count('invented'):6}  {flag}")
        if verbose:
            for o in s.outcomes:
                if o.verdict != "right":
                    print(f"    {o.verdict:8} {o.figure}: expected {o.expected}, found {o.found}")
    t = totals(scores)
    share = t["right"] / t["stated"] if t["stated"] else 1.0
    print(f"{'overall (' + str(len(scores)) + ' texts)':44} {t['stated']:6} {t['right']:5} {t['missing']:5} "
          f"{t['wrong']:5} {t['invented']:6}")
    print(f"right: {share:.1%} of {t['stated']} stated figures; invented: {t['invented']}")
    print(f"of the invented: {t['invented_flagged']} marked uncertain (⚠ in the review); {t['invented_unreviewed']} in "
          f"texts import would publish without a person's review (no doubt in the text); {t['invented_renamed']} a "
          f"stated value given to another unit's name than the one written down")
    print(f"published without review: {t['published']} of {len(scores)} texts ({t['published_right']} with every "
          f"figure right); unreviewed errors: {t['unreviewed_error_texts']} of them with a figure wrong or invented, "
          f"{t['unreviewed_errors']} such figures ({t['unreviewed_count_errors']} of them counts of problems or "
          f"recommendations)")
    return share, t["invented"]


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    quiet = "-q" in argv
    args = [a for a in argv if a not in ("-v", "-q")]
    parts = ["tuned", "held-out"]
    if "--part" in args:
        at = args.index("--part")
        parts = [args[at + 1]] if args[at + 1] != "all" else parts
        del args[at:at + 2]
    folder = Path(args[0]) if args else Path(__file__).resolve().parents[1] / "tests" / "data" / "reports"
    ok = True
    for part in parts:
        share, invented = report(part, score_corpus(folder, part), verbose and not quiet, quiet)
        met = share >= GOALS[part] and invented == 0
        ok = ok and met
        print(f"goal ({part}): ≥ {GOALS[part]:.0%} right, 0 invented: {'met' if met else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
