"""Chinese everywhere a person reads or hears (issue 28, item 4): what Streamlit's own front end writes in English.

Streamlit 1.67 has no locale setting: its widgets draw English words ("Upload", "200MB per file • XLSX, XLSM",
"No results", "Choose an option", the shortcut key "Home") and English screen-reader labels ("Skip to main
content", "Collapse sidebar", "Help for …", the date picker's "year, …", the table toolbar's "Search"), and the
Material icons are ligatures whose names ("arrow_forward") a screen reader reads aloud. Two pieces, added to every
page by ``layout.page``:

- CSS for the upload widgets: the English instructions and button label are hidden and our own Chinese text is
  drawn in their place (what the app accepts: .xlsx, 30 MB, which is checked by the app itself, in Chinese).
- A small script in the page (a constant, no data in it) that translates the fixed English strings of Streamlit's
  front end as they appear (a MutationObserver), and hides icon ligatures from screen readers (``aria-hidden``).

The browser test ``tests/browser/test_chinese_everywhere.py`` walks every page's visible text and ARIA labels for
English words (names such as Excel, PDF, HTML, XLSX are allowed).
"""
from __future__ import annotations

import json

import streamlit as st

from evalcore.workbook import MAX_FILE_BYTES

MB = 1024 * 1024
SCRIPT_BOX = "eb_zh_script"

# The text under each upload widget (by its key): what the app accepts. Widgets not listed get the generic text.
UPLOAD_HINTS = {
    "upload_file": f"Excel 工作簿（.xlsx），不超过 {MAX_FILE_BYTES // MB} MB",
    "report_file": f"报告文件（.md、.txt、.docx、.pdf、.html），不超过 {MAX_FILE_BYTES // MB} MB",
    "bulk_files": f"工作簿（.xlsx）或报告文件（.md、.txt、.docx、.pdf、.html），可多选，"
                  f"每个不超过 {MAX_FILE_BYTES // MB} MB",
}
UPLOAD_HINT = f"单个文件不超过 {MAX_FILE_BYTES // MB} MB"
UPLOAD_BUTTON = "选择文件"


def _css_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a CSS string literal (double quotes, escapes)


def upload_css() -> str:
    rules = [
        # the English "200MB per file • XLSX, XLSM, XLS, CSV": hidden; ours is drawn instead
        '[data-testid="stFileUploaderDropzoneInstructions"] > * { display: none; }',
        f'[data-testid="stFileUploaderDropzoneInstructions"]::after {{ content: {_css_string(UPLOAD_HINT)}; '
        "font-size: .875rem; color: rgba(29, 36, 51, .72); }",
        # the button's English "Upload": its label hidden, ours drawn (the icon stays)
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] { display: none; }',
        # (only the button that had the English label: not the uploaded file's delete button)
        f'[data-testid="stFileUploaderDropzone"] button:has([data-testid="stMarkdownContainer"])::after '
        f'{{ content: {_css_string(UPLOAD_BUTTON)}; white-space: nowrap; }}',
        # an uploaded file's size in Streamlit's own format ("46.0KB"): the page writes it once, its own way
        '[data-testid="stFileChipName"] + * { display: none; }',
    ]
    for key, hint in UPLOAD_HINTS.items():
        rules.append(f'.st-key-{key} [data-testid="stFileUploaderDropzoneInstructions"]::after '
                     f"{{ content: {_css_string(hint)}; }}")
    return "<style>\n" + "\n".join(rules) + "\n</style>"


# Exact English strings of Streamlit's front end (text, placeholder, aria-label, title) -> Chinese.
EXACT = {
    "Skip to main content": "跳到主要内容",
    "Sidebar": "侧边栏",
    "Collapse sidebar": "收起侧边栏",
    "Expand sidebar": "展开侧边栏",
    "Link to heading": "本节链接",
    "Open": "展开选项",
    "Close": "关闭",
    "Clear all": "全部清除",
    "Clear value": "清除",
    "Choose an option": "请选择",
    "Choose options": "请选择",
    "No results": "没有匹配的选项",
    "No options to select": "没有可选的选项",
    "Choose date": "选择日期",
    "Choose date range": "选择日期范围",
    "Show/hide columns": "显示或隐藏列",
    "Download as CSV": "下载 CSV",
    "Search": "搜索",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Show password": "显示密码",
    "Hide password": "隐藏密码",
    "Upload": UPLOAD_BUTTON,
    "Home": "⇱",
    "Shortcut Home": "快捷键：首页键",
    "Shortcut ←": "快捷键：左方向键",
    "Shortcut →": "快捷键：右方向键",
    "Running...": "正在运行…",
    "Stop": "停止",
    "Previous month.": "上个月",
    "Next month.": "下个月",
    "Delete": "删除",
    "Remove file": "移除文件",
    "file upload": UPLOAD_BUTTON,
    "Add files": "添加文件",
    "Add file": "添加文件",
    "st_aggrid.AgGrid.agGrid": "数据表格",
    "Deploy": "部署",
    "Decrement": "减少",
    "Increment": "增加",
    # the upload widget's own refusals, drawn in the browser before anything is sent
    "File size is too small.": "文件太小（空文件）",
    "Only one file is allowed.": "只能选择一个文件",
    "Unexpected error. Please try again.": "出现意外错误，请重试",
}
# Patterns (JavaScript regular expressions) for text Streamlit's front end draws itself (never data) -> Chinese.
TEXT_PATTERNS = [
    (r"^(?:Error: )?File must be (.+) or smaller\.$", "错误：文件不能超过 $1，请删除多余内容或拆分后再上传"),
    (r"^(?:Error: )?(.+) files are not allowed\.$", "错误：不接受 $1 类型的文件"),
    (r"^Error: (.+)$", "错误：$1"),
]
# Patterns (JavaScript regular expressions, applied to aria-labels) -> replacement ($1 is the widget's label).
PATTERNS = [  # applied in this order, each to the result of the one before
    (r"^Help for (.*)$", "$1的说明"),
    (r"^(.*) start date$", "$1：开始日期"),
    (r"^(.*) end date$", "$1：结束日期"),
    (r"^year, (.*)$", "$1：年"),
    (r"^month, (.*)$", "$1：月"),
    (r"^day, (.*)$", "$1：日"),
    (r"^Shortcut (.*)$", "快捷键：$1"),
    (r"^Remove (.*)$", "移除 $1"),
    (r"^(.+), [0-9.]+ ?(?:B|KB|MB|GB)$", "$1"),  # an uploaded file's size in Streamlit's format: the page says it
]
# An icon's English name ("info icon" on a badge or an alert): hidden from screen readers (the text next to it
# says it all). Its label is kept, so a test looking for an icon that workbook text must never produce still finds
# one (text from a workbook is escaped and cannot produce icons: components.text.plain).
ALERT_ICON = r"^[a-z_]+ icon$"

_SCRIPT = """
<script>
(() => {
  if (window.__ebZh) return;
  window.__ebZh = true;
  const doc = window.parent && window.parent !== window && window.parent.document ? window.parent.document : document;
  const EXACT = %(exact)s;
  const PATTERNS = %(patterns)s.map(([p, r]) => [new RegExp(p), r]);
  const TEXT_PATTERNS = %(text_patterns)s.map(([p, r]) => [new RegExp(p), r]);
  const ALERT_ICON = new RegExp(%(alert_icon)s);
  const ATTRS = ["aria-label", "placeholder", "title"];
  // text the app draws from data (markdown, HTML, tables, grids): never translated, even if it reads "Search"
  const DATA = '[data-testid="stMarkdownContainer"], [data-testid="stHtml"], [data-testid="stTable"], ' +
               '[data-testid="stDataFrame"], [data-testid="stText"], [data-testid="stCode"], .ag-root-wrapper';
  const ICONS = '[data-testid="stIconMaterial"], [data-testid="stIconEmoji"], span[translate="no"][class*="material"]';
  function attr(el, name) {
    const v = el.getAttribute(name);
    if (!v) return;
    if (Object.prototype.hasOwnProperty.call(EXACT, v)) { el.setAttribute(name, EXACT[v]); return; }
    if (name === "aria-label" && ALERT_ICON.test(v)) { el.setAttribute("aria-hidden", "true"); return; }
    let out = v;
    for (const [re, rep] of PATTERNS) { if (out && re.test(out)) out = out.replace(re, rep); }
    if (out === v) return;
    if (out) { el.setAttribute(name, out); } else { el.removeAttribute(name); el.setAttribute("aria-hidden", "true"); }
  }
  function fix(root) {
    if (!root || root.nodeType !== 1) return;
    const all = [root, ...root.querySelectorAll("*")];
    for (const el of all) {
      for (const name of ATTRS) attr(el, name);
      if (el.matches(ICONS)) el.setAttribute("aria-hidden", "true");
      // an element holding only text (React may split "Error: {message}" into several text nodes): the nodes are
      // kept, the first gets the translation and the others are emptied, so React can still update them
      const nodes = Array.from(el.childNodes);
      if (nodes.length && nodes.every((n) => n.nodeType === 3)) {
        const t = el.textContent.trim();
        let out = null;
        if (t && !el.closest(DATA)) {
          if (Object.prototype.hasOwnProperty.call(EXACT, t)) {
            out = EXACT[t];
          } else {
            const hit = TEXT_PATTERNS.find(([re]) => re.test(t));
            if (hit) out = t.replace(hit[0], hit[1]);
          }
        }
        if (out !== null) nodes.forEach((n, i) => { n.nodeValue = i === 0 ? out : ""; });
      }
    }
  }
  fix(doc.body);
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "attributes") { attr(r.target, r.attributeName); continue; }
      if (r.type === "characterData") { fix(r.target.parentElement); continue; }
      r.addedNodes.forEach((n) => fix(n.nodeType === 1 ? n : n.parentElement));
    }
  }).observe(doc.body, { subtree: true, childList: true, characterData: true, attributes: true,
                         attributeFilter: ATTRS });
})();
</script>
"""


def script() -> str:
    return _SCRIPT % {"exact": json.dumps(EXACT, ensure_ascii=False), "patterns": json.dumps(PATTERNS),
                      "text_patterns": json.dumps(TEXT_PATTERNS), "alert_icon": json.dumps(ALERT_ICON)}


def inject() -> None:
    """The upload widgets' Chinese text and the translating script (once per page run; the script installs its
    observer once per browser tab)."""
    st.html(upload_css())
    with st.container(key=SCRIPT_BOX):  # hidden (see the CSS): it holds a script and takes no room
        st.html(script(), unsafe_allow_javascript=True)
        st.html(f"<style>.st-key-{SCRIPT_BOX}, [data-testid='stLayoutWrapper']:has(> .st-key-{SCRIPT_BOX}) "
                "{ display: none; }</style>")
