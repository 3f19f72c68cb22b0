"""Text that Streamlit's Markdown would turn into something else: components.text.plain must show it as typed."""

CASES = [
    "[x](javascript:window.__pwned=1)",
    "![img](javascript:window.__pwned=1)",
    "**粗体** __u__ *i* _i_",
    "<b>bold</b> <i>i</i>",
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    ":red[红] :blue-background[蓝] :small[小] :orange-badge[徽]",
    ":material/home: :material_home:",
    ":smile: :+1: :streamlit:",
    "$x^2$ and $$y$$",
    "# heading",
    "1. list",
    "2) list",
    "- item",
    "+ item",
    "> quote",
    "&lt; &amp; &#60; &copy;",
    "a -> b <- c <-> d -- e >= f <= g ~= h",
    "~~strike~~ `code` ``` x ```",
    "| a | b |",
    "https://evil.example/x www.evil.example WWW.evil.example a@b.example",
    "%{x} {y} =1+1 @user ^sup^ ==hl==",
    "\\ \\\\ \\* trailing backslash \\",
    "[^1] footnote [ref][r]",
    "***",
    "===",
    ":help[帮助] :shimmer[闪]",
    "（一）中文：全角【括号】",
    "A" * 300,
]

# Several lines: shown line by line in block contexts, on one line in headings and labels.
CASES += [
    "line1\nline2\n# h2\n1. x",
    "a\n\nb\n\n    code?\n  - x",
]
