"""Chinese everywhere a person reads or hears (issue 28, item 4): every page's visible text (the page and its
frames) and every ARIA label, placeholder and title is free of English words, apart from names (Excel, PDF,
HTML, XLSX, ...) and code a page quotes; the upload widget says what the app accepts (.xlsx, 30 MB); a multiselect
with no match says so in Chinese; icon ligatures ("arrow_forward") are hidden from screen readers."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGES = ["/", "/units", "/problems", "/rectification", "/present", "/data", "/admin", "/portfolio",
         f"/unit?unit={quote('市数据局')}"]
# Names and formats that stay as they are in Chinese text.
ALLOWED = {"excel", "pdf", "html", "xlsx", "xlsm", "xls", "csv", "json", "pptx", "docx", "md", "txt", "word",
           "markdown", "evalboard", "readme", "vba", "activex", "wps", "id", "url", "mb", "kb", "sql", "ppt",
           "postgresql", "sqlite", "oidc", "sso"}

COLLECT = r"""(doc = document) => {
  const out = [];
  const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || el.closest('script, style, noscript, code, pre, [aria-hidden="true"]')) continue;
    if (!el.checkVisibility({checkVisibilityCSS: true})) continue;
    const text = node.nodeValue.trim();
    if (text) out.push(['text', text]);
  }
  doc.querySelectorAll('[aria-label], [placeholder], [title], [alt]').forEach((el) => {
    if (el.closest('[aria-hidden="true"]')) return;
    for (const name of ['aria-label', 'placeholder', 'title', 'alt']) {
      const v = el.getAttribute(name);
      if (v) out.push([name, v]);
    }
  });
  return out;
}"""


# english_words() in JavaScript, over what COLLECT finds in the page and in every frame of it: true once nothing
# English is left (the translating script works on what each run draws, as the front end draws it).
NO_ENGLISH = r"""(allowed) => {
  const collect = COLLECT;
  const docs = [document];
  for (let i = 0; i < docs.length; i++) {
    for (const frame of docs[i].querySelectorAll('iframe')) {
      try { if (frame.contentDocument && frame.contentDocument.body) docs.push(frame.contentDocument); } catch (e) {}
    }
  }
  const english = (t) => /^[A-Za-z]{2,}$/.test(t) && !allowed.includes(t.toLowerCase());
  return docs.every((doc) => collect(doc).every(([kind, text]) =>
    !(text.match(/[A-Za-z0-9_.\/=:@\-]+/g) || []).some(english)));
}""".replace("COLLECT;", COLLECT + ";")


def english_words(text: str) -> list[str]:
    """Words of Latin letters that are not names: a token with a digit, a dot, a slash, an underscore or "=" is
    code or a file name (evalcore/themes.toml, changsha_2023.xlsx, EVALBOARD_AUTH=password) and is not counted."""
    words = []
    for token in re.findall(r"[A-Za-z0-9_./=:@\-]+", text):
        if re.fullmatch(r"[A-Za-z]{2,}", token) and token.lower() not in ALLOWED:
            words.append(token)
    return words


def _english(page) -> list[tuple[str, str]]:
    found = []
    for frame in page.frames:
        try:
            items = frame.evaluate(COLLECT)
        except Exception:  # a frame detached while we walked
            continue
        for kind, text in items:
            if english_words(text):
                found.append((kind, text[:120]))
    return sorted(set(found))


def test_english_words_are_found():
    assert english_words("Skip to main content") == ["Skip", "to", "main", "content"]
    assert english_words("导出 Excel · 下载 PPTX · changsha_2023.xlsx · evalcore/themes.toml") == []


@pytest.mark.parametrize("path", PAGES)
def test_no_english_on_the_page(app_url, new_page, ui, path):
    page = new_page(1280, 800)
    ui.open_and_settle(page, app_url + path)
    ui.assert_no_errors(page)
    ui.wait_until(page, NO_ENGLISH, sorted(ALLOWED), 5_000)
    assert _english(page) == []
    expect(page.locator("[data-testid='stIconMaterial']:not([aria-hidden='true'])")).to_have_count(0)


def test_the_upload_widget_says_what_the_app_accepts(app_url, new_page, ui):
    page = new_page(1280, 800)
    ui.open_and_settle(page, app_url + "/data")
    box = page.locator(".st-key-upload_file")
    hint = box.locator("[data-testid='stFileUploaderDropzoneInstructions']").evaluate(
        "el => getComputedStyle(el, '::after').content")
    assert ".xlsx" in hint and "30 MB" in hint
    expect(box).not_to_contain_text("per file", use_inner_text=True)
    expect(box).not_to_contain_text("Upload", use_inner_text=True)
    button = box.locator("[data-testid='stFileUploaderDropzone'] button").evaluate(
        "el => getComputedStyle(el, '::after').content")
    assert "选择文件" in button
    # once a file is chosen: its chip and the add button speak Chinese, and its size is written once, by the page
    box.locator("input[type='file']").set_input_files(
        files=[{"name": "填报.xlsx", "mimeType": "application/octet-stream", "buffer": b"not a workbook"}])
    ui.wait_for_app(page)
    expect(box.locator("[data-testid='stFileChipName']", has_text="填报.xlsx")).to_be_visible()  # its chip is drawn
    ui.wait_until(page, NO_ENGLISH, sorted(ALLOWED), 5_000)
    labels = box.evaluate("e => Array.from(e.querySelectorAll('[aria-label]')).map(x => x.getAttribute('aria-label'))")
    assert not [x for x in labels if english_words(x)], labels
    # Streamlit's own "0.0KB" next to the file is hidden
    expect(box).not_to_contain_text("KB", use_inner_text=True)


def test_a_file_over_the_limit_is_refused_in_chinese_in_the_browser(app_url, new_page, ui):
    """Streamlit's front end refuses a file over the limit itself, before sending it; it says so in Chinese."""
    page = new_page(1280, 800)
    ui.open_and_settle(page, app_url + "/data")
    box = page.locator(".st-key-upload_file")
    box.locator("input[type='file']").set_input_files(
        files=[{"name": "太大.xlsx", "mimeType": "application/octet-stream", "buffer": b"0" * (31 * 1024 * 1024)}])
    expect(page.locator("body")).to_contain_text("文件不能超过", timeout=15_000, use_inner_text=True)
    expect(box).not_to_contain_text("File must be", use_inner_text=True)
    expect(box).not_to_contain_text("or smaller", use_inner_text=True)


def test_no_results_in_chinese(app_url, new_page, ui):
    page = new_page(1280, 800)
    ui.open_and_settle(page, app_url + "/admin")
    box = page.locator("[data-testid='stMultiSelect']").first
    box.click()
    page.keyboard.type("没有这样的操作zz")
    listbox = page.locator("[role='listbox'], [data-baseweb='popover']").last
    expect(listbox).to_contain_text("没有匹配的选项", use_inner_text=True)
    expect(listbox).not_to_contain_text("No results", use_inner_text=True)
