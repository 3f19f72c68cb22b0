"""Where every figure taken from a report text came from, as plain data (``parse-report --json``, the import page).

    provenance(result) -> {"source", "title", "units": [{"unit", "name", "figures": {kind: {"value", "line", "text",
                           "shown", "uncertain"}}, "not_found": [kind…]}], "totals", "problems": {"count", "items":
                           [{"line", "text", "category"}]}, "recommendations", "achievements", "not_found",
                           "warnings", "notes", "unplaced"}

Money is in 万元 and rates in %, as strings with exactly 2 decimals (the CLI's JSON contract); ``text`` is the line
(sentence, paragraph or table row / form cells) the figure was read from, ``shown`` the figure as written there.
"""
from __future__ import annotations

from decimal import Decimal

from ..numbers import fmt2
from .parse import FIGURE_KINDS, ParseResult

LABELS = {"budget": "预算", "executed": "实际执行", "rate": "执行率", "score": "得分", "grade": "等次"}


def _value(kind: str, raw: str | None) -> str | None:
    if raw is None:
        return None
    return raw if kind == "grade" else fmt2(Decimal(raw))


def found_nothing(result: ParseResult) -> bool:
    """No unit, no figure and no finding: the text is not a report the parser can read (issue 13)."""
    ev = result.evaluation
    return not (ev.units or ev.budget_lines or ev.results or ev.problems or ev.recommendations or ev.achievements
                or ev.meta.stated_total_budget is not None or ev.meta.stated_total_executed is not None)


def provenance(result: ParseResult) -> dict:
    ev = result.evaluation
    stated = result.stated
    sources = stated.get("sources", {})
    units = []
    for u in ev.units:
        figures = {}
        for kind, raw in stated.get("units", {}).get(u.key, {}).items():
            src = sources.get(u.key, {}).get(kind, {})
            figures[kind] = {"value": _value(kind, raw), "line": src.get("line"), "text": src.get("text"),
                             "shown": src.get("shown"), "uncertain": src.get("uncertain")}
        units.append({"unit": u.key, "name": u.name, "figures": figures,
                      "not_found": [k for k in FIGURE_KINDS if k not in figures]})
    findings = stated.get("finding_sources", {})
    return {
        "source": ev.meta.source,
        "title": ev.meta.title,
        "units": units,
        "totals": {"budget": fmt2(ev.meta.stated_total_budget) or None,
                   "executed": fmt2(ev.meta.stated_total_executed) or None,
                   "rate": _value("rate", stated.get("total_rate"))},
        **{kind: {"count": len(findings.get(kind, [])), "items": findings.get(kind, [])}
           for kind in ("problems", "recommendations", "achievements")},
        "not_found": list(FIGURE_KINDS) if not any(x["figures"] for x in units) else [],
        "nothing_found": found_nothing(result),
        "warnings": result.warnings,
        "notes": result.notes,
        "unplaced": [{"line": x.line_no, "text": x.text, "reason": x.reason} for x in result.unplaced],
    }
