"""Several evaluated units in running text, and whose figures a sentence gives (issue 24, sixth pass).

Two layouts that recur in results announcements and in reports about several projects:

* **a list of evaluated projects**: numbered paragraphs of one numbering style, at least two, each opening with the
  name of a project (…项目 / …工程) and each stating its own result (得分 / 等级 / 评为 …): a finance bureau's
  publication of its key evaluations, one paragraph per project. Each paragraph's figures belong to the project it
  opens with, whatever organisation its running text mentions (the town that built the road, the firm that
  evaluated it). One paragraph alone, or paragraphs without a result of their own (the parts of one project), are no
  such list.
"""
from __future__ import annotations

import re

from .lines import Line, title_like
from .text import norm

# the name of a project opening a paragraph: up to the first comma (or full stop) after …项目 / …工程; a comma inside
# the name (村内干道,巷道路面硬化建设项目) is kept, a sentence's end or a colon is not crossed
PROJECT_AT_START = re.compile(r"^[^。；;：:]{4,40}?(?:项目|工程)(?=[，,。；;：:\s(]|$)")
# a paragraph stating an evaluation's result (a score or a grade) of its own
_RESULT = re.compile(r"得分|总分|评分|等级|等次|评为|评定为")


def listed_projects(lines: list[Line]) -> dict[int, str]:
    """Line number → project name for the paragraphs of a list of evaluated projects (see the module's docstring);
    empty unless at least two numbered paragraphs of one style qualify and each names a different project."""
    found: dict[str, dict[int, str]] = {}
    for ln in lines:
        num = ln.num if ln.no and ln.cells is None else None
        if num is None or title_like(num.rest):
            continue  # a heading, not a paragraph
        m = PROJECT_AT_START.match(num.rest.strip())
        if m and _RESULT.search(norm(num.rest)):
            found.setdefault(num.style, {})[ln.no] = m.group(0).strip()
    best = max(found.values(), key=len, default={})
    if len(best) < 2 or len(set(best.values())) < len(best):
        return {}
    return best
