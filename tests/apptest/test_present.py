"""AppTest of the 演示 page: one slide at a time from the slide plan, previous / next / first, the counter, the
seed figures on their slides, the 示例数据 labels, the download buttons."""
import re

import pytest
from apptest_support import PAGES, open_page, texts

PAGE = PAGES["演示"]
TOTAL = 10
TITLES = ["2023年度长沙市信息化建设和运维项目绩效评价结果", "关键数据", "预算资金安排与执行", "评价得分与等次",
          "产出成果及效益", "存在的主要问题", "建议", "整改进展", "结果应用：下年度预算建议", "评价结论"]


def html(at) -> str:
    """The page's st.html bodies (the slide's text is drawn there, escaped)."""
    return "\n".join(e.proto.body for e in at.get("html"))


def counter(at) -> str:
    found = re.findall(r'class="eb-counter">(\d+ / \d+)<', html(at))
    assert len(found) == 1, found
    return found[0]


def slide_title(at) -> str:
    found = re.findall(r"<h1[^>]*>(.*?)</h1>", html(at))
    assert len(found) == 1, found
    return found[0]


def ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.fixture
def at():
    at = open_page(PAGE)
    ok(at)
    return at


def test_opens_on_the_cover(at):
    assert counter(at) == f"1 / {TOTAL}"
    assert slide_title(at) == TITLES[0]
    assert "长沙市财政局绩效评价工作组" in html(at)
    assert at.button(key="slide_prev").disabled and at.button(key="slide_first").disabled
    assert not at.button(key="slide_next").disabled
    assert "2023年度长沙市信息化建设和运维项目绩效评价结果" in texts(at)  # also in the caption of the controls


def test_next_walks_every_slide_and_previous_comes_back(at):
    for n in range(2, TOTAL + 1):
        at.button(key="slide_next").click().run()
        ok(at)
        assert counter(at) == f"{n} / {TOTAL}"
        assert slide_title(at) == TITLES[n - 1]
    assert at.button(key="slide_next").disabled  # at the end: no next
    at.button(key="slide_prev").click().run()
    ok(at)
    assert counter(at) == f"{TOTAL - 1} / {TOTAL}" and slide_title(at) == "结果应用：下年度预算建议"
    at.button(key="slide_first").click().run()
    assert counter(at) == f"1 / {TOTAL}"


def go_to(at, n: int):
    at.session_state["slide"] = n - 1
    at.run()
    ok(at)
    assert counter(at) == f"{n} / {TOTAL}"
    return at


def test_key_figures_slide(at):
    go_to(at, 2)
    shown = html(at)
    for figure in ("14,331.38 万元", "13,563.60 万元", "94.64%", "86.98", "86.38", "等次：良", "19 项", "18 条"):
        assert figure in shown, figure


def test_budget_slide_has_the_seed_sentences_and_two_charts(at):
    go_to(at, 3)
    shown = html(at)
    assert "市数据局实际执行项目资金预算2811.47万元，项目预算执行率为82.69%。" in shown
    assert "市数据中心实际执行项目资金预算10752.13万元，项目预算执行率为98.36%。" in shown
    assert "数智科技集团：无预算安排" in shown
    assert len(at.get("plotly_chart")) == 2


def test_illustrative_slides_are_labelled(at):
    for n in range(1, TOTAL + 1):
        go_to(at, n)
        labelled = '<span class="eb-tag">示例数据</span>' in html(at)
        assert labelled == (n in (4, 8)), n  # scores and 整改: what the sample flags as illustrative
    go_to(at, 8)
    assert "截至" in html(at) and len(at.get("plotly_chart")) == 2


def test_every_slide_with_charts_draws_them(at):
    expected = {3: 2, 4: 1, 6: 1, 7: 1, 8: 2}
    for n in range(1, TOTAL + 1):
        go_to(at, n)
        assert len(at.get("plotly_chart")) == expected.get(n, 0), n


def test_a_slide_index_out_of_range_falls_back_to_the_cover(at):
    at.session_state["slide"] = 42
    at.run()
    ok(at)
    assert counter(at) == f"1 / {TOTAL}"


def test_download_buttons(at):
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载 PPTX", "下载 HTML"]
