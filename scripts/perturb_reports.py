"""How the parser's score on the fit texts changes when each text is written another common way (issue 24).

    .venv/bin/python -m scripts.perturb_reports [REWRITING ...] [--pdf] [-v]      (from the repository's root)

A published report reaches the parser as a PDF's text layer, a page saved from a browser, a .docx or text copied
from a site, and each of them writes the same report differently: full-width figures, a site's header and footer,
lines cut every 36 characters, page numbers between the rows of a table, no blank lines between paragraphs. The
held-out texts (tests/data/reports/HELDOUT.md) come in all these forms, and a rule made from a fit text written one
way can fail on the same words written another. This script rewrites every **fit** text (docs/reporttext.md, "Fit
and check"; never a check or held-out one) in each way below, parses the rewritten text as its form would arrive
(through :func:`read_document`) and prints, per rewriting, the change in right and invented figures against the
text as stored. A rewriting that loses figures points at a reading that depends on the layout, not on the words.

REWRITING: any of the names in ``REWRITINGS`` (all by default), ``html`` (the page scripts/make_report_pdfs.py makes),
``docx`` (prose lines as paragraphs, ``|`` rows as a table); ``--pdf`` adds the page printed by Chromium
(``/usr/bin/chromium`` through Playwright, as scripts/make_report_pdfs.py does). -v lists the texts that changed.

Some rewritings cannot keep every layout, and a loss there is the rewriting's, not the parser's: a table copied with
runs of spaces loses its empty cells in an HTML ``<p>``, and cutting a site's breadcrumb at 36 characters makes a
header no page has (docs/reporttext.md, "Fourteenth session", lists them).
"""
from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

from evalcore.reporttext.score import in_part, score_text
from evalcore.reporttext.source import read_document
from scripts.make_report_pdfs import page_title, to_html

ROOT = Path(__file__).resolve().parents[1]

CORPUS = ROOT / "tests" / "data" / "reports"
WIDE = str.maketrans("0123456789.%", "０１２３４５６７８９．％")


def wrap(line: str, width: int = 36) -> str:
    """A prose line cut every ``width`` characters, never inside a number (a table row is kept)."""
    if len(line) <= width or re.search(r"[|\t ]", line.strip()):
        return line
    out, cur = [], ""
    for ch in line:
        cur += ch
        if len(cur) >= width and not ch.isdigit() and ch not in ".,":
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return "\n".join(out)


def _lines(t: str, f: Callable[[str], str]) -> str:
    return "\n".join(f(line) for line in t.split("\n"))


HEADER = ("首页 > 信息公开 > 财政信息 > 绩效管理\n发布时间：2023-06-26 09:34  来源：本站  浏览次数：128\n"
          "【字体：大 中 小】 打印本页 关闭窗口\n\n")
FOOTER = ("\n\n【打印本页】【关闭窗口】\n主办单位：某县人民政府办公室  版权所有\n"
          "网站标识码：4313000001  备案号：湘ICP备12345678号\n联系我们 | 网站地图\n")


def _no_blank(t: str) -> str:
    return re.sub(r"\n\s*\n", "\n", t)


def _page_numbers(t: str) -> str:
    lines = t.split("\n")
    return "\n".join(line + (f"\n\n— {k // 15 + 1} —\n" if k % 15 == 14 else "") for k, line in enumerate(lines))


def _cn_punct(t: str) -> str:
    t = re.sub(r"(?<!\d),|,(?!\d)", "，", t)
    return t.replace(":", "：").replace(";", "；").replace("(", "（").replace(")", "）")


REWRITINGS: dict[str, Callable[[str], str]] = {
    "full_width_figures": lambda t: t.translate(WIDE),
    "chinese_punctuation": _cn_punct,
    "ascii_punctuation": lambda t: t.replace("，", ",").replace("：", ":").replace("；", ";").replace("（", "(")
    .replace("）", ")"),
    "no_blank_lines": _no_blank,
    "blank_line_after_every_line": lambda t: t.replace("\n", "\n\n"),
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "indented": lambda t: _lines(t, lambda line: "　　" + line if line.strip() else line),
    "trailing_spaces": lambda t: _lines(t, lambda line: line + "  " if line.strip() else line),
    "thousands_separators": lambda t: re.sub(r"(?<![\d.,])(\d{1,3})(\d{3})(\.\d+)?(?=\s*万元)",
                                             lambda m: m.group(1) + "," + m.group(2) + (m.group(3) or ""), t),
    "space_before_figures": lambda t: re.sub(r"([\u4e00-\u9fff])(\d+(?:\.\d+)?(?:万元|%))", r"\1 \2", t),
    "wrapped_at_36": lambda t: _lines(t, wrap),
    "site_header": lambda t: HEADER + t,
    "site_footer": lambda t: t + FOOTER,
    "page_numbers": _page_numbers,
    "year_without_du": lambda t: re.sub(r"(20\d{2})年度", r"\1年", t),
    "numbering_dun_to_dot": lambda t: re.sub(r"(?m)^(\s*[一二三四五六七八九十]{1,3})、", r"\1.", t),
    "numbering_arabic_dun_to_dot": lambda t: re.sub(r"(?m)^(\s*\d{1,2})、", r"\1.", t),
    "wan_without_yuan": lambda t: re.sub(r"(\d)万元(?=[,，。;；)])", r"\1万", t),
    "corner_quotes": lambda t: t.replace("“", "「").replace("”", "」"),
    "traditional_characters": lambda t: _traditional(t),
    "pdf_like": lambda t: _page_numbers(_lines(_no_blank(t), wrap)),
    "web_like": lambda t: HEADER + _cn_punct(t) + FOOTER,
}


def _traditional(t: str) -> str:
    from zhconv import convert  # the parser's own converter (formats.py), used the other way

    return convert(t, "zh-hant")


def to_docx(raw: str) -> bytes:
    import docx

    d = docx.Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            table = d.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for i, r in enumerate(rows):
                for j, c in enumerate(r):
                    table.cell(i, j).text = c
            rows.clear()

    for line in raw.split("\n"):
        s = line.strip()
        if s.count("|") >= 2 and (s.startswith("|") or s.endswith("|")):
            rows.append([c.strip() for c in s.strip("|").split("|")])
            continue
        flush()
        if s:
            d.add_paragraph(s)
    flush()
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def fit_texts() -> list[tuple[str, Path, dict]]:
    """(stem, text file, expectations) of every fit text written as .txt or .md; never a check or held-out one."""
    out = []
    for exp_path in sorted(CORPUS.glob("*.json")):
        stem = exp_path.stem
        expected = json.loads(exp_path.read_text(encoding="utf-8"))
        if not in_part(stem, expected, "fit"):
            continue
        texts = [p for p in CORPUS.glob(stem + ".*") if p.suffix in (".txt", ".md") and p.stem == stem]
        if texts:
            out.append((stem, texts[0], expected))
    return out


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    pdf = "--pdf" in argv
    names = [a for a in argv if not a.startswith("-")] or [*REWRITINGS, "html", "docx"]
    unknown = [n for n in names if n not in REWRITINGS and n not in ("html", "docx")]
    if unknown:
        print("不认识的改写方式:", " ".join(unknown), file=sys.stderr)
        return 2
    if pdf:
        names.append("pdf")
    texts = fit_texts()
    totals = {n: [0, 0] for n in names}
    browser_page = None
    playwright = browser = None
    if pdf:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        browser_page = browser.new_page()
    try:
        for stem, path, expected in texts:
            raw = path.read_text(encoding="utf-8")
            text, name = read_document(path)
            base = score_text(text, expected, name)
            before = (base.count("right"), base.count("invented"))
            for n in names:
                if n == "html":
                    data, fname = to_html(raw, page_title(raw, stem)).encode("utf-8"), stem + ".html"
                elif n == "docx":
                    data, fname = to_docx(raw), stem + ".docx"
                elif n == "pdf":
                    assert browser_page is not None
                    browser_page.set_content(to_html(raw, page_title(raw, stem)))
                    data, fname = browser_page.pdf(format="A4", print_background=True), stem + ".pdf"
                else:
                    data, fname = REWRITINGS[n](raw).encode("utf-8"), path.name
                t2, n2 = read_document(data, fname)
                s = score_text(t2, expected, n2)
                after = (s.count("right"), s.count("invented"))
                if after != before:
                    totals[n][0] += after[0] - before[0]
                    totals[n][1] += after[1] - before[1]
                    if verbose:
                        print(f"  {n:28} {stem[:56]:56} right {before[0]}->{after[0]} "
                              f"invented {before[1]}->{after[1]}")
    finally:
        if browser is not None:
            browser.close()
        if playwright is not None:
            playwright.stop()
    print(f"{len(texts)} fit texts; change against the text as stored, per rewriting:")
    for n, (right, invented) in totals.items():
        print(f"{n:28} right {right:+4d}  invented {invented:+4d}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
