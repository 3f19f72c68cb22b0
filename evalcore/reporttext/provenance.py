"""Where every figure taken from a report text came from, as plain data (``parse-report --json``, the import page).

    marks(result) -> [Mark(line, start, end, label, kind)]   the spans of the source text to highlight

    provenance(result) -> {"source", "title", "units": [{"unit", "name", "figures": {kind: {"value", "line", "text",
                           "shown", "uncertain", "source": {"page", "line"} | {"page", "table", "row", "cell"}
                           | {"line"}, "certain"}}, "not_found": [kind…]}], "totals", "problems": {"count", "items":
                           [{"line", "text", "category"}]}, "recommendations", "achievements", "not_found",
                           "warnings", "notes", "unplaced", "needs_review": [why…]}

Money is in 万元 and rates in %, as strings with exactly 2 decimals (the CLI's JSON contract); ``text`` is the line
(sentence, paragraph or table row / form cells) the figure was read from, ``shown`` the figure as written there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..numbers import fmt2
from .result import FIGURE_KINDS, LABELS, SYNTHETIC_UNIT, ParseResult
from .review import doubts, rule_doubts
from .text import norm, source_lines


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
            line = src.get("line")
            where = result.where[line - 1] if line and line <= len(result.where) else {}
            if where.get("table"):
                cell = _cell_of(src.get("text") or "", src.get("shown") or "", last=kind == "executed")
                where = {**where, **({"cell": cell} if cell else {})}
            value = _value(kind, raw)
            assert value is not None  # a stated figure has a value
            uncertain = "；".join(x for x in (src.get("uncertain"), rule_doubts(result, u.key, kind, value, src)) if x)
            figures[kind] = {"value": value, "line": line, "text": src.get("text"),
                             "shown": src.get("shown"), "uncertain": uncertain or None,
                             "source": {**({"line": line} if line and not where else where)},
                             "certain": not uncertain and u.key != SYNTHETIC_UNIT}
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
        "needs_review": doubts(result),
    }


def _cell_of(row: str, shown: str, last: bool = False) -> int | None:
    """The (1-based) cell of a table row ``a | b | c`` holding the figure as shown (its last word: a form's figure
    is shown with its column's label). When several cells hold the same value (年初 = 调整后 = 执行数), the executed
    amount is the last of them and any other figure the first."""
    value = norm(shown.rsplit(" ", 1)[-1]).strip()
    if not value:
        return None
    cells = [norm(c).strip() for c in row.strip().strip("|").split("|")]
    for test in (lambda c: c == value, lambda c: value in c):
        hits = [i for i, c in enumerate(cells, start=1) if test(c)]
        if hits:
            return hits[-1] if last else hits[0]
    return None


def _find(line: str, shown: str) -> tuple[int, int] | None:
    """Where ``shown`` (a figure as the parser read it, in normalised width) is written in ``line``."""
    if not shown:
        return None
    n = norm(line)
    at = n.find(shown)
    if at >= 0:
        return at, at + len(shown)
    number = re.search(r"\d[\d,]*(?:\.\d+)?", shown)
    if number:
        m = re.search(rf"(?<![\d.]){re.escape(number.group(0))}(?![\d])", n)
        if m:
            return m.start(), m.end()
    return None


@dataclass(frozen=True)
class Mark:
    """A span of one source line that a figure or an item was read from."""

    line: int  # 1-based line number in ``ParseResult.source_text``
    start: int
    end: int
    label: str  # e.g. "市数据局 · 预算 3400.06"
    kind: str  # budget | executed | rate | score | grade | problem | recommendation


def marks(result: ParseResult) -> list[Mark]:
    """The spans of the source text that the taken figures and items were read from, in text order. A figure
    read from a paragraph joined across lines is looked for on the following lines too."""
    lines = source_lines(result.source_text)
    out: list[Mark] = []

    def locate(start_line: int, shown: str, label: str, kind: str, length: int = 0) -> bool:
        for no in range(max(1, start_line), min(len(lines), start_line + 12) + 1):
            text = lines[no - 1]
            span = _find(text, shown)
            if span is not None and span[1] > span[0]:
                end = min(len(text.rstrip()), span[0] + length) if length else span[1]
                out.append(Mark(no, span[0], max(end, span[1]), label, kind))
                return True
        return False

    prov = provenance(result)
    for u in prov["units"]:
        for kind, f in u["figures"].items():
            if f["line"]:
                shown = f["shown"] or ""
                if f["text"] and "|" in (f["text"] or "") and " " in shown:  # a form or table cell: its value
                    shown = shown.rsplit(" ", 1)[-1]
                locate(f["line"], norm(shown), f"{u['unit']} · {LABELS[kind]} {f['value']}", kind)
    for kind, label in (("problems", "问题"), ("recommendations", "建议")):
        for item in prov[kind]["items"]:
            text = norm(item["text"]).strip()
            for head in (text[:12], text[:6]):  # the item's start, then its whole length on that line
                if head and locate(item["line"], head, f"{label}：{item['category']}", kind[:-1], len(text)):
                    break
    spans: dict[tuple[int, int], Mark] = {}
    for m in sorted(out, key=lambda m: (m.line, m.start, -m.end)):
        spans.setdefault((m.line, m.start), m)
    kept: list[Mark] = []
    for m in spans.values():  # overlapping spans on a line: the first one wins
        if kept and kept[-1].line == m.line and m.start < kept[-1].end:
            continue
        kept.append(m)
    return kept
