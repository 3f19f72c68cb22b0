"""The report of a load run: the figures (``build_report``, also written as JSON) and the Markdown text
(``render``), and with ``--profile`` the top functions per page from the server's cProfile dumps."""
from __future__ import annotations

import argparse
import dataclasses
import os
import re
from pathlib import Path
from typing import Any

from benchmarks.load.pages import BY_PATH, KIND_LABEL, KINDS, PAGES, ROOT
from benchmarks.load.procs import loadavg, machine
from benchmarks.load.server import Server
from benchmarks.load.sessions import Problem, Run
from benchmarks.load.summary import fmt, mib, stats


def build_report(args: argparse.Namespace, run: Run, server: Server, outcome: dict[str, Any],
                 started: str, load_start: list[float], auth: str) -> dict[str, Any]:
    navs = [n for n in run.navs if n.phase >= 1]
    timed = [n for n in navs if n.ok and n.seconds is not None]
    by_page: dict[str, Any] = {}
    for spec in PAGES:
        row = {"all": stats([n.seconds for n in timed if n.page == spec.path])}
        for kind in KINDS:
            row[kind] = stats([n.seconds for n in timed if n.page == spec.path and n.kind == kind])
            row[f"{kind}_script_done"] = stats([n.script_done_s for n in timed if n.page == spec.path
                                                and n.kind == kind and n.script_done_s is not None])
        row["all_script_done"] = stats([n.script_done_s for n in timed if n.page == spec.path
                                        and n.script_done_s is not None])
        by_page[spec.path] = row
    overall = {"all": stats([n.seconds for n in timed]),
               "all_script_done": stats([n.script_done_s for n in timed if n.script_done_s is not None])}
    for kind in KINDS:
        overall[kind] = stats([n.seconds for n in timed if n.kind == kind])
        overall[f"{kind}_script_done"] = stats([n.script_done_s for n in timed
                                                if n.kind == kind and n.script_done_s is not None])

    cpu_per_page = []
    for spec in PAGES:
        for kind in KINDS:
            ns = [n for n in timed if n.page == spec.path and n.kind == kind and n.client_cpu_s is not None]
            if ns:
                cpu_per_page.append({"page": spec.path, "kind": kind, "n": len(ns),
                                     "client_cpu": stats([n.client_cpu_s for n in ns]),
                                     "server_cpu": stats([n.server_cpu_s for n in ns])})
    phases = outcome.get("phases", [])
    runs = server.script_runs()
    server_exceptions = [r for r in runs if r.get("exception")]
    for r in server_exceptions:
        run.problems.append(Problem("server", r.get("page", "?"), 0.0, "server-exception", r["exception"]))
    in_phase = [r for r in runs if any(p["unix_start"] <= r["t"] <= p["unix_end"] for p in phases)]
    script = {}
    for spec in PAGES:
        rs = [r for r in in_phase if r["page"] == spec.source and not r.get("rerun") and not r.get("stopped")]
        script[spec.source] = {"runs": len(rs), "wall": stats([r["wall"] for r in rs]),
                               "cpu": stats([r["cpu"] for r in rs]), "cpu_total_s": round(sum(r["cpu"] for r in rs), 2)}
    sources = {s.source for s in PAGES}
    for label, rs in (
        ("runs ended by st.rerun (sign-in, publish) or a newer request", [r for r in in_phase if r.get("rerun")]),
        ("runs stopped early by st.stop (the sign-in form)",
         [r for r in in_phase if r.get("stopped") and not r.get("rerun")]),
        ("other pages", [r for r in in_phase if r["page"] not in sources and not r.get("rerun")
                         and not r.get("stopped")]),
    ):
        script[label] = {"runs": len(rs), "wall": stats([r["wall"] for r in rs]), "cpu": stats([r["cpu"] for r in rs]),
                         "cpu_total_s": round(sum(r["cpu"] for r in rs), 2)}

    # What the viewers saw after each publish.
    for rec in run.publishes:
        if not rec.get("ok"):
            continue
        seen_after = [n for n in navs if n.phase == rec["phase"] and n.ok and n.start >= rec["done_at"]
                      and "evaluator" not in n.session]
        stale = [n for n in seen_after if (n.version or 0) < rec["version"]]
        for n in stale:
            run.problems.append(Problem(n.session, n.page, n.start, "stale-version",
                                        f"started {n.start - rec['done_at']:.1f} s after version {rec['version']} "
                                        f"was published, showed version {n.version}"))
        first_seen: dict[str, float] = {}
        for n in sorted(seen_after, key=lambda n: n.start):
            if (n.version or 0) >= rec["version"] and n.session not in first_seen:
                first_seen[n.session] = n.start + (n.seconds or 0) - rec["done_at"]
        rec["viewers_after"] = len({n.session for n in seen_after})
        rec["viewers_saw_new"] = len(first_seen)
        rec["navigations_after"] = len(seen_after)
        rec["stale_after"] = len(stale)
        rec["seen_within_s"] = stats(list(first_seen.values()))

    per_phase = []
    for p in phases:
        ns = [n for n in navs if n.phase == p["phase"]]
        ok = [n.seconds for n in ns if n.ok and n.seconds is not None]
        per_phase.append({"phase": p["phase"], "navigations": len(ns), "rendered": len(ok), "time": stats(ok),
                          "errors": sum(1 for e in run.problems if e.session.startswith(f"p{p['phase']}-")),
                          "end_rss_kib": p["end_rss_kib"],
                          "peak_rss_kib": max((s["server_rss_kib"] for s in run.samples if s["phase"] == p["phase"]),
                                              default=None)})
    samples = run.samples
    before, after = outcome.get("before"), outcome.get("after")
    phase_samples = [s for s in samples if s["phase"] >= 1]
    peak = max((s["server_rss_kib"] for s in phase_samples), default=None)
    cpu = {}
    if before and after:
        wall = after["t"] - before["t"]
        cpu = {"window_s": round(wall, 1),
               "server_s": round(after["server_cpu_s"] - before["server_cpu_s"], 1),
               "load_generator_s": round(after["generator_cpu_s"] - before["generator_cpu_s"], 1),
               "available_s": round(wall * (os.cpu_count() or 1), 1)}
    load1 = [s["loadavg"][0] for s in phase_samples if s["loadavg"]]
    problems = [dataclasses.asdict(p) for p in run.problems]
    publish_ok = all(r.get("ok") for r in run.publishes) if args.publish_at is not None else None
    return {
        "started": started,
        "config": {"sessions": args.sessions, "seconds": args.seconds, "repeat": args.repeat, "think_s": args.think,
                   "full_every": args.full_every, "ramp_s": args.ramp, "publish_at": args.publish_at,
                   "auth": auth, "nav_timeout_s": args.nav_timeout, "browser_nice": args.browser_nice,
                   "max_rendering": args.max_rendering,
                   "seed": args.seed, "profile": args.profile,
                   "viewport": run.viewport},
        "machine": machine(),
        "loadavg": {"start": load_start, "end": loadavg(), "max_1min_during": max(load1, default=None)},
        "navigations": {"count": len(navs), "ok": len(timed),
                        "queued_s": stats([n.queued_s for n in navs if "viewer" in n.session]),
                        "by_kind_count": {k: sum(1 for n in navs if n.kind == k) for k in KINDS},
                        "signed_in": sum(1 for n in navs if n.signed_in),
                        "signed_in_by_kind": {k: sum(1 for n in navs if n.signed_in and n.kind == k) for k in KINDS},
                        "signin_s": stats([n.signin_s for n in navs if n.signin_s is not None]),
                        "overall": overall, "by_page": by_page},
        "phases": per_phase,
        "cpu_per_navigation": cpu_per_page,
        "warm_up": [{"page": n.page, "seconds": n.seconds, "ok": n.ok} for n in outcome.get("warm_up", [])],
        "errors": problems,
        "error_count": len(problems),
        "ignored_console": [{"reason": k, "count": v, "example": run.ignored_examples[k]}
                            for k, v in run.ignored.items()],
        "publish": run.publishes,
        "publish_ok": publish_ok,
        "server_script_runs": script,
        "server_exceptions": len(server_exceptions),
        "memory": {
            "at_start_kib": next((s["server_rss_kib"] for s in samples if s["label"].startswith("server started")),
                                 None),
            "before_kib": before["server_rss_kib"] if before else None,
            "peak_kib": peak,
            "end_of_phase_kib": [p["end_rss_kib"] for p in phases],
            "after_kib": after["server_rss_kib"] if after else None,
            "growth_kib": (after["server_rss_kib"] - before["server_rss_kib"]) if before and after else None,
            "load_generator_peak_pss_kib": max((s["generator_pss_kib"] for s in phase_samples), default=None),
            "samples": [{k: s[k] for k in ("t", "label", "phase", "server_rss_kib", "generator_pss_kib", "loadavg")}
                        for s in samples],
        },
        "cpu": cpu,
    }


def render(report: dict[str, Any]) -> str:
    c = report["config"]
    nav = report["navigations"]
    lines = [
        f"# EvalBoard load test: {c['sessions']} sessions × {c['seconds']:.0f} s"
        + (f" × {c['repeat']} phases" if c["repeat"] > 1 else "") + f", sign-in: {c['auth']}",
        "",
        f"- started {report['started']}; machine: {report['machine']}",
        f"- load average (1/5/15 min) at start {report['loadavg']['start']}, highest 1-min during the load "
        f"{report['loadavg']['max_1min_during']}, at the end {report['loadavg']['end']}",
        f"- think time {0.5 * c['think_s']:.1f}–{1.5 * c['think_s']:.1f} s between pages; every "
        f"{c['full_every']}th navigation a full page load, the others a click on a sidebar link; sessions arrive "
        f"over {c['ramp_s']:.0f} s; viewport {c['viewport']['width']}×{c['viewport']['height']}; "
        + (f"at most {c['max_rendering']} viewers navigating at once (waiting for a turn: p50 "
           f"{fmt(nav['queued_s']['p50'])} s, p95 {fmt(nav['queued_s']['p95'])} s, not in the times below)"
           if c["max_rendering"] else "no limit on viewers navigating at once")
        + ("; **server profiled with cProfile (times inflated)**" if c["profile"] else ""),
        "",
        f"## Time to a rendered page (s): {nav['count']} navigations, {nav['ok']} rendered"
        + (f", {nav['signed_in']} with a sign-in on the way" if nav["signed_in"] else ""),
        "",
        "| page | all: n | p50 | p95 | max | sidebar link: n | p50 | p95 | full load: n | p50 | p95 "
        "| first load: n | p50 | p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = [(p, report["navigations"]["by_page"][p]) for p in BY_PATH] + [("**all pages**", nav["overall"])]
    for name, row in rows:
        a, k, ld, f = row["all"], row["click"], row["load"], row["first"]
        lines.append(f"| {name} | {a['n']} | {fmt(a['p50'])} | {fmt(a['p95'])} | {fmt(a['max'])} | {k['n']} "
                     f"| {fmt(k['p50'])} | {fmt(k['p95'])} | {ld['n']} | {fmt(ld['p50'])} | {fmt(ld['p95'])} "
                     f"| {f['n']} | {fmt(f['p50'])} | {fmt(f['p95'])} |")
    if nav["signed_in"]:
        by = nav["signed_in_by_kind"]
        si = nav["signin_s"]
        lines += ["", f"Sign-ins on the way (included in the times above): {by['first']} first loads, "
                  f"{by['load']} full loads, {by['click']} sidebar clicks; "
                  f"filling the form → form gone p50 {fmt(si['p50'])} s, p95 {fmt(si['p95'])} s, "
                  f"max {fmt(si['max'])} s."]
    if len(report["phases"]) > 1:
        lines += ["", "| phase | navigations | rendered | p50 | p95 | max | errors | server RSS peak | at the end |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for p in report["phases"]:
            t = p["time"]
            lines.append(f"| {p['phase']} | {p['navigations']} | {p['rendered']} | {fmt(t['p50'])} | {fmt(t['p95'])} "
                         f"| {fmt(t['max'])} | {p['errors']} | {mib(p['peak_rss_kib'])} MiB "
                         f"| {mib(p['end_rss_kib'])} MiB |")
    warm = ", ".join(f"{w['page']} {fmt(w['seconds'])}" for w in report["warm_up"])
    lines += ["", f"Warm-up (one session alone, first visit of each page after the server started): {warm} s", ""]

    lines += ["## Where the time goes (p50, s)", "",
              "Script done: measured in the page, until the page's script run had finished and all its elements "
              "had arrived (before charts and tables are drawn). Drawn: the time to a rendered page above. Server "
              "wall/CPU: the script runs of that page file, timed inside the server.", "",
              "| page | link: script done | link: drawn | full load: script done | full load: drawn "
              "| server wall | server CPU |", "|---|---:|---:|---:|---:|---:|---:|"]
    for spec in PAGES:
        row = report["navigations"]["by_page"][spec.path]
        srv = report["server_script_runs"].get(spec.source, {})
        lines.append(f"| {spec.path} | {fmt(row['click_script_done']['p50'])} | {fmt(row['click']['p50'])} "
                     f"| {fmt(row['load_script_done']['p50'])} | {fmt(row['load']['p50'])} "
                     f"| {fmt(srv.get('wall', {}).get('p50'), 3)} | {fmt(srv.get('cpu', {}).get('p50'), 3)} |")
    lines += [""]
    if report["cpu_per_navigation"]:
        lines += ["## CPU per page view (one session alone: from one navigation to the next, pause included)", "",
                  "| page | kind | n | browser side CPU p50 (s) | server CPU p50 (s) |", "|---|---|---:|---:|---:|"]
        for r in report["cpu_per_navigation"]:
            lines.append(f"| {r['page']} | {KIND_LABEL[r['kind']]} | {r['n']} | {fmt(r['client_cpu']['p50'])} "
                         f"| {fmt(r['server_cpu']['p50'])} |")
        lines += [""]
    lines += ["## Server: script runs during the load (wall and script-thread CPU, s)", "",
              "| page file | runs | wall p50 | wall p95 | wall max | CPU p50 | CPU p95 | CPU total |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, s in report["server_script_runs"].items():
        if s["runs"]:
            lines.append(f"| {name} | {s['runs']} | {fmt(s['wall']['p50'], 3)} | {fmt(s['wall']['p95'], 3)} "
                         f"| {fmt(s['wall']['max'], 3)} | {fmt(s['cpu']['p50'], 3)} | {fmt(s['cpu']['p95'], 3)} "
                         f"| {s['cpu_total_s']:.1f} |")
    cpu = report["cpu"]
    if cpu:
        lines += ["", f"CPU over the {cpu['window_s']:.0f} s from before the first phase to the end "
                  f"({cpu['available_s']:.0f} core-seconds available): server {cpu['server_s']:.0f} s, "
                  f"load generator (Chromium, Playwright, this script) {cpu['load_generator_s']:.0f} s."]
    lines += ["", "## Publishing"]
    if not report["publish"]:
        lines.append("(no publish in this run)")
    for p in report["publish"]:
        if p.get("ok"):
            seen = p.get("seen_within_s") or {}
            lines.append(
                f"- phase {p['phase']}: version {p['version']} ({p['file']}, 市数据局 rate {p['expected_rate']}) "
                f"published at t={p['at']:.0f} s: 数据管理 rendered {fmt(p.get('open_s'))} s, upload → preview "
                f"{fmt(p.get('upload_to_preview_s'))} s, 发布 → 已发布 {fmt(p.get('publish_s'))} s, whole flow "
                f"{fmt(p.get('total_s'))} s. Afterwards {p['viewers_after']} viewers rendered "
                f"{p['navigations_after']} pages, {p['navigations_after'] - p['stale_after']} of them showing "
                f"version {p['version']}; each viewer saw it {fmt(seen.get('p50'), 1)} s (median), at most "
                f"{fmt(seen.get('max'), 1)} s after the publish (its next page).")
        else:
            lines.append(f"- phase {p['phase']}: version {p['version']} **failed**: {p.get('error')}")
    m = report["memory"]
    growth = "—" if m["growth_kib"] is None else f"{m['growth_kib'] / 1024:+.0f}"
    lines += ["", "## Server memory (RSS of the Streamlit process, MiB)", "",
              "| at start | before (after warm-up) | peak during the load | end of each phase | after (idle) "
              "| growth after − before |", "|---:|---:|---:|---:|---:|---:|",
              f"| {mib(m['at_start_kib'])} | {mib(m['before_kib'])} | {mib(m['peak_kib'])} "
              f"| {' / '.join(mib(x) for x in m['end_of_phase_kib'])} | {mib(m['after_kib'])} "
              f"| {growth} |", "",
              f"Load generator (Chromium + Playwright) peak PSS: {mib(m['load_generator_peak_pss_kib'])} MiB.", ""]
    lines.append(f"## Errors: {report['error_count']}")
    for e in report["errors"][:50]:
        lines.append(f"- t={e['t']:.1f}s {e['session']} {e['page']} [{e['category']}] {e['detail']}")
    if report["error_count"] > 50:
        lines.append(f"- … and {report['error_count'] - 50} more (see --json)")
    if report["ignored_console"]:
        lines += ["", "Not counted as errors (the browser console, explained):"]
        for i in report["ignored_console"]:
            lines.append(f"- {i['count']} × {i['reason']}; e.g. {i['example']}")
    return "\n".join(lines)


# pstats' table: (file, line, function) -> (primitive calls, calls, own s, cumulative s, callers)
StatsTable = dict[tuple[str, int, str], tuple[int, int, float, float, dict[Any, Any]]]


def stats_table(path: Path) -> StatsTable:
    """The table of a cProfile dump: ``pstats.Stats.stats``, an attribute pstats documents in its source but
    typeshed does not declare."""
    import pstats

    table: StatsTable = vars(pstats.Stats(str(path)))["stats"]
    return table


def profile_report(profile_dir: Path, runs: dict[str, Any], top: int) -> str:
    """Per page: the functions of this project (and Streamlit's element calls) by cumulative time per run."""
    lines = ["", "## Profile (cProfile in thread CPU time; per script run for the pages)", ""]
    keep = (str(ROOT / "evalcore"), str(ROOT / "components"), str(ROOT / "pages"), str(ROOT / "app.py"),
            "/streamlit/elements/", "/st_aggrid/", "/plotly/io/")
    main_thread = profile_dir / "_main_thread.prof"
    if main_thread.exists():
        table = stats_table(main_thread)
        total = sum(v[2] for v in table.values())
        rows = sorted(((tt, nc, ct, f"{re.sub(r'.*/site-packages/', '', file)}:{line}({func})")
                       for (file, line, func), (_cc, nc, tt, ct, _c) in table.items()), reverse=True)
        lines += [f"### the server's main thread (event loop: HTTP, websockets, sending messages): "
                  f"{total:.1f} s of CPU", "",
                  "| function | calls | own s | cumulative s |", "|---|---:|---:|---:|"]
        for tt, nc, ct, name in rows[:top]:
            lines.append(f"| `{name}` | {nc} | {tt:.2f} | {ct:.2f} |")
        lines.append("")
    for prof in sorted(profile_dir.glob("*.prof")):
        if prof.name == "_main_thread.prof":
            continue
        page = prof.stem.replace("__", "/") + ".py"
        table = stats_table(prof)
        total_runs = max(1, runs.get(page, {}).get("runs", 0) or 1)
        rows = []
        for (file, line, func), (_cc, nc, tt, ct, _callers) in table.items():
            if ".venv" in file and not any(k in file for k in keep[4:]):
                continue
            if not any(k in file for k in keep):
                continue
            if func.startswith("<") and func != "<module>":
                continue
            rel = file.replace(str(ROOT) + "/", "")
            rel = re.sub(r".*/site-packages/", "", rel)
            rows.append((ct, nc, tt, f"{rel}:{line}({func})"))
        rows.sort(reverse=True)
        lines += [f"### {page}: {total_runs} runs profiled", "",
                  "| function | calls per run | cumulative ms per run | own ms per run |", "|---|---:|---:|---:|"]
        for ct, nc, tt, name in rows[:top]:
            lines.append(f"| `{name}` | {nc / total_runs:.2f} | {ct / total_runs * 1000:.1f} "
                         f"| {tt / total_runs * 1000:.1f} |")
        lines.append("")
    return "\n".join(lines)
