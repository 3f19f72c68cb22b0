"""components.text: workbook text made literal for Streamlit's Markdown (the rendering itself is checked in
Chromium by tests/browser/test_plain_text.py); file names from a title."""
import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.text import SPLIT, file_stem, plain, plain_inline
from evalcore.workbook import visible_text

# What Streamlit's Markdown would see once the escapes are read (CommonMark: backslash + ASCII punctuation).
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: str) -> str:
    """The text a reader sees: our empty directives removed, escapes read, hard line breaks as newlines."""
    return _UNESCAPE.sub(r"\1", markdown.replace(SPLIT, "").replace("\\\n", "\n"))


def unescaped_punctuation(markdown: str) -> list[str]:
    """ASCII punctuation that is not escaped (outside our own :small[] directives)."""
    out, i, s = [], 0, markdown.replace(SPLIT, "").replace("\\\n", "\n")
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s) and s[i + 1] in string.punctuation:
            i += 2
            continue
        if s[i] in string.punctuation:
            out.append(s[i])
        i += 1
    return out


HOSTILE = [
    "[x](javascript:alert(1))", "**b** __u__", "<b>x</b>", "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">', ":red[x]", ":material/home:", ":material_home:", ":smile:",
    ":streamlit:", "$x^2$", "# heading", "1. list", "- item", "> quote", "&lt;", "a -> b <- c <-> d -- e",
    "x >= 1 <= 2 ~= 3", "https://evil.example/x", "www.evil.example", "a@b.example", "`code`", "~~s~~", "| a |",
    "%{x}", "=1+1", "\\", "a\\*b", "（一）中文：全角",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_every_ascii_punctuation_is_escaped_and_the_text_is_kept(text):
    md = plain(text)
    assert unescaped_punctuation(md) == []
    assert shown(md) == text


@pytest.mark.parametrize(("text", "pattern"), [
    (":material_home:", ":material_home:"), (":streamlit:", ":streamlit:"), ("https://x.example", "https:"),
    ("www.x.example", "www."), ("WWW.x.example", "WWW."), ("a@b.example", "a@"), ("a -> b", "->"),
    ("a <- b", "<-"), ("a -- b", "--"), ("a >= b", ">="), ("a <= b", "<="), ("a ~= b", "~="),
])
def test_text_node_patterns_are_split(text, pattern):
    """Streamlit finds these in the parsed text (escapes already read): an empty directive splits them."""
    pieces = shown(plain(text).replace(SPLIT, "\0")).split("\0")
    assert all(pattern not in piece for piece in pieces), pieces


def test_emoji_shortcodes_never_reach_the_emoji_plugin():
    # Streamlit loads remark-emoji only when the raw source matches this (its own test, 1.67)
    emoji = re.compile(r":(?!material/|streamlit:)[\w+-][\w_+-]*:")
    for text in (":smile:", ":+1:", "a:b:c", ":material/home:"):
        source = plain(text)
        assert not any(emoji.search(part) for part in source.split(SPLIT)), source
    assert ":material/" not in plain(":material/home:")  # the front end rewrites it before parsing


def test_line_breaks():
    assert plain("第一行\n第二行") == "第一行\\\n第二行"  # a hard line break
    assert plain("a\r\nb\rc") == "a\\\nb\\\nc"
    assert plain("    缩进") == "缩进"  # four spaces would make a code block
    assert plain_inline("第一行\n  第二行\n\n第三行") == "第一行 第二行 第三行"
    assert "\n" not in plain_inline("# a\n1. b")


def test_none_and_numbers():
    assert plain(None) == "" and plain_inline(None) == ""
    assert plain(86.98) == "86\\.98"
    assert plain("2023年度长沙市信息化建设和运维项目绩效评价结果") == "2023年度长沙市信息化建设和运维项目绩效评价结果"


PIECES = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=5) | st.sampled_from(
    [*string.punctuation, "www.", ":material_home:", "->", "\n", " ", "1. ", "\\"])


@given(st.lists(PIECES, max_size=20).map("".join))
def test_any_text_is_shown_as_typed(text):
    md = plain(text)
    assert unescaped_punctuation(md) == []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # every format character (Cf) is dropped, by the one cleaning function (evalcore.workbook.visible_text; issue 27)
    assert shown(md) == "\n".join(visible_text(line).lstrip(" \t") for line in lines)


@pytest.mark.parametrize(("title", "stem"), [
    ("2023年度长沙市信息化建设和运维项目绩效评价结果", "2023年度长沙市信息化建设和运维项目绩效评价结果"),
    ('a/b\\c:d*e?f"g<h>i|j k\tl', "a_b_c_d_e_f_g_h_i_j_k_l"),
    ("../../etc/passwd", "etc_passwd"),
    ("", "绩效评价结果"), ("///", "绩效评价结果"), (None, "绩效评价结果"),
])
def test_file_stem(title, stem):
    assert file_stem(title) == stem


def test_file_stem_is_short():
    assert len(file_stem("长" * 2000)) == 80
    assert file_stem("x" * 79 + "/yyy") == "x" * 79
