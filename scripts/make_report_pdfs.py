"""Make the PDF and web-page forms of published texts in tests/data/reports (issue 24), the way a site publishes them.

    .venv/bin/python scripts/make_report_pdfs.py [STEM ...]

With no STEM every source below is made again; with stems only those (e.g. the texts added later, so the files
made before are not rewritten).

For each SOURCE below (a corpus text whose form rows are written ``a | b | c |``), writes next to it:

- ``STEM_web.html``: the text as a web page of a government site, with a navigation bar, a breadcrumb, a metadata
  line and a footer around it (which the reader must leave out), every ``|`` row a ``<tr>`` of a ``<table>`` with
  its cells as published, every other line a ``<p>``;
- ``STEM_print.pdf``: that page printed by Chromium (Playwright ``page.pdf()``), keeping the table layout, so the
  PDF has a text layer and ruled tables;
- ``STEM_scan.pdf`` (first source only): the page as an image in a PDF with no text layer (a scan);

and copies the source's ``.json`` expectations for the html and pdf forms (same stated figures, source address kept).
A form made from a text added in issue 24 is marked ``"added": "issue 24 (made from STEM)"``: it is the same text, so
it stays in its source's part of the corpus (only tuned-part texts are used as sources) instead of being held out or
not by the hash of its own name (tests/data/reports/HELDOUT.md).
"""
from __future__ import annotations

import base64
import html
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "reports"
SOURCES = ["daying_sifa_2023_form_rows", "sanmen_2024_bond_table", "xiping_2022_rural_roads_selfeval",
           "honghe_2024_project_selfeval",
           # texts added in issue 24 (tuned part): two forms as | rows, one metadata table with prose, three prose
           "tianjiaan_2024_employment_fund_form", "huoshan_2024_medical_aid_form",
           "zongyang_2023_public_health_selfeval",
           "honghe_mzj_2020_border_party_fund_selfeval", "taijiang_2023_compulsory_edu_transfer_selfeval",
           "jinghu_2023_disabled_fund_transfer",
           # fifth batch of issue 24 (tuned part): a town's whole-department 自评表 as | rows
           "suiyang_taibai_2021_dept_whole_form_rows"]

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;font-size:12px;margin:24px}}
table{{border-collapse:collapse;width:100%;margin:8px 0}} td{{border:1px solid #000;padding:3px 4px;font-size:10px}}
.nav a{{margin-right:12px}}</style></head>
<body>
<div class="nav" id="nav"><a href="/">首页</a><a href="/zwgk">政务公开</a><a href="/czyjs">财政预决算</a></div>
<div class="position">当前位置：首页 &gt; 政务公开 &gt; 财政预决算</div>
<div class="article">
<h1>{title}</h1>
<div class="info">发布时间：2024-05-20 来源：本站 浏览次数：1024</div>
{body}
</div>
<div class="footer" id="footer">主办单位：某某县人民政府办公室 网站标识码：5109230001 ICP备案：蜀ICP备00000000号</div>
</body></html>
"""


def to_html(text: str, title: str) -> str:
    parts: list[str] = []
    rows: list[list[str]] = []

    def close() -> None:
        if rows:
            width = max(len(r) for r in rows)
            trs = []
            for r in rows:
                cells = [f"<td>{html.escape(c)}</td>" for c in r[:-1]]
                last = r[-1] if r else ""
                span = width - len(r) + 1
                cells.append(f'<td colspan="{span}">{html.escape(last)}</td>' if span > 1 else
                             f"<td>{html.escape(last)}</td>")
                trs.append("<tr>" + "".join(cells) + "</tr>")
            parts.append("<table>" + "\n".join(trs) + "</table>")
            rows.clear()

    for line in text.splitlines():
        if "|" in line:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            while len(cells) > 1 and not cells[-1]:
                cells.pop()
            rows.append(cells)
        else:
            close()
            if line.strip():
                parts.append(f"<p>{html.escape(line.strip())}</p>")
    close()
    return PAGE.format(title=html.escape(title), body="\n".join(parts))


def page_title(text: str, stem: str) -> str:
    """The form's title cell, else the report's title line (绩效…报告/自评表), else the file name."""
    cells = [c.strip() for ln in text.splitlines() for c in ln.split("|")]
    form = next((c for c in cells if c.endswith(("自评表", "情况表", "自评表(2023年度)")) and len(c) < 60), None)
    if form:
        return form
    return next((c for c in cells if "绩效" in c and ("报告" in c or "自评表" in c) and len(c) < 60), stem)


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    unknown = [a for a in argv if a not in SOURCES]
    if unknown:
        print("不在 SOURCES 中:", " ".join(unknown), file=sys.stderr)
        return 2
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        for k, stem in enumerate(SOURCES):
            if argv and stem not in argv:
                continue
            text = (CORPUS / f"{stem}.txt").read_text(encoding="utf-8")
            expected = json.loads((CORPUS / f"{stem}.json").read_text(encoding="utf-8"))
            title = page_title(text, stem)
            page_html = to_html(text, title)
            (CORPUS / f"{stem}_web.html").write_text(page_html, encoding="utf-8")
            page.set_content(page_html, wait_until="load")
            page.pdf(path=str(CORPUS / f"{stem}_print.pdf"), format="A4", print_background=True,
                     margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"})
            for suffix, how in (("_web", "saved web page (.html) made from the published text by "
                                         "scripts/make_report_pdfs.py"),
                                ("_print", "PDF printed by Chromium from the _web.html page "
                                           "(scripts/make_report_pdfs.py)")):
                out = dict(expected)
                out["retrieved"] = how + "; the text as " + expected.get("retrieved", "published")
                if expected.get("added") == "issue 24":
                    out["added"] = f"issue 24 (made from {stem})"
                (CORPUS / f"{stem}{suffix}.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n",
                                                             encoding="utf-8")
            if k == 0 and not argv:
                shot = page.screenshot(full_page=True)
                img = base64.b64encode(shot).decode("ascii")
                page.set_content(f'<html><body style="margin:0"><img style="width:100%" '
                                 f'src="data:image/png;base64,{img}"></body></html>', wait_until="load")
                page.pdf(path=str(ROOT / "tests" / "data" / "report_scan.pdf"), format="A4")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
