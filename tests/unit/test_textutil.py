"""evalcore.textutil.shorten: the one way a label is cut with "…"."""
from evalcore.textutil import ELLIPSIS, shorten


def test_shorten_keeps_short_text_and_cuts_long_text_to_the_limit():
    assert shorten("市数据局", 4) == "市数据局"
    assert shorten("市数据资源局", 4) == "市数据" + ELLIPSIS
    assert len(shorten("x" * 100, 36)) == 36
    assert shorten("abc", 1) == "a" + ELLIPSIS  # at least one character of the text stays
    assert shorten(12345, 3) == "12" + ELLIPSIS
