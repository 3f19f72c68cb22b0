"""Standard problem themes (问题主题): every problem category title of every evaluation mapped to one of a small
set of themes by a rule table kept as data (``evalcore/problem_themes.toml``), so an evaluator can edit the rules
without touching code. A title no rule matches is :data:`UNCLASSIFIED` (未归类), never forced into a theme.

The rule: normalise the title (:func:`evalcore.matching.normalise`), then go through the themes in the file's
order; the first theme with a keyword contained in the title wins. A category whose title only names the section
(存在的主要问题, 存在问题 …: what a report gives when it lists items without categories) says nothing about the
theme, so each of its items is classified by its own text instead (``by_item`` in :func:`problem_themes`).
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .matching import normalise
from .model import Evaluation

RULES_FILE = Path(__file__).with_name("problem_themes.toml")
UNCLASSIFIED = "未归类"


@dataclass(frozen=True)
class Theme:
    name: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class ThemeMatch:
    theme: str
    keyword: str  # the keyword that decided ("" for 未归类)


def parse_rules(text: str) -> tuple[Theme, ...]:
    """Themes from TOML text (``[[theme]] name = ..., keywords = [...]``); a Chinese ValueError when malformed."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"问题主题规则表格式错误：{exc}") from exc
    themes = []
    seen = set()
    for i, row in enumerate(data.get("theme", []), start=1):
        name = str(row.get("name", "")).strip()
        keywords = tuple(normalise(str(k)) for k in row.get("keywords", []) if normalise(str(k)))
        if not name or not keywords:
            raise ValueError(f"问题主题规则表第 {i} 个主题缺少名称或关键词")
        if name in seen or name == UNCLASSIFIED:
            raise ValueError(f"问题主题规则表中主题“{name}”重复或与“{UNCLASSIFIED}”同名")
        seen.add(name)
        themes.append(Theme(name, keywords))
    if not themes:
        raise ValueError("问题主题规则表中没有主题")
    return tuple(themes)


@lru_cache(maxsize=1)
def default_rules() -> tuple[Theme, ...]:
    return parse_rules(RULES_FILE.read_text(encoding="utf-8"))


def theme_names(rules: Sequence[Theme] | None = None) -> list[str]:
    """Every theme in rule order, then 未归类."""
    return [t.name for t in (rules or default_rules())] + [UNCLASSIFIED]


def classify(title: str, rules: Sequence[Theme] | None = None) -> ThemeMatch:
    text = normalise(title)
    if text:
        for theme in rules or default_rules():
            for kw in theme.keywords:
                if kw in text:
                    return ThemeMatch(theme.name, kw)
    return ThemeMatch(UNCLASSIFIED, "")


_GENERIC_WORDS = re.compile(r"存在的?|主要|问题|方面|及|和|与|[、，,:：。]")


def is_generic(title: str) -> bool:
    """True for a category title that only names the problems section (存在主要问题, 主要问题, 存在的问题 …)."""
    text = normalise(title)
    return bool(text) and "问题" in text and not _GENERIC_WORDS.sub("", text)


def problem_themes(entries: Iterable[tuple[int, Evaluation]], rules: Sequence[Theme] | None = None) -> pd.DataFrame:
    """One row per problem item of every evaluation: evaluation id, year, region, category number and title (as
    published), theme, the deciding keyword, item id and text. ``entries`` are (evaluation id, evaluation)."""
    rules = rules or default_rules()
    rows = []
    for eval_id, ev in entries:
        themes = {no: classify(title, rules) for no, title in ev.problem_categories}
        generic = {no for no, title in ev.problem_categories if is_generic(title)}
        for p in ev.problems:
            m = classify(p.text, rules) if p.category_no in generic else themes[p.category_no]
            rows.append({"evaluation_id": eval_id, "year": ev.meta.year, "region": ev.meta.region,
                         "title": ev.meta.title, "category_no": p.category_no, "category": p.category,
                         "theme": m.theme, "keyword": m.keyword, "by_item": p.category_no in generic,
                         "item": p.id, "text": p.text})
    return pd.DataFrame(rows, columns=["evaluation_id", "year", "region", "title", "category_no", "category", "theme",
                                       "keyword", "by_item", "item", "text"])


def theme_counts_by_year(themes: pd.DataFrame) -> pd.DataFrame:
    """theme x year -> how many evaluations raised the theme (``evaluations``) and how many items (``items``)."""
    cols = ["year", "theme", "evaluations", "categories", "items"]
    if themes.empty:
        return pd.DataFrame(columns=cols)
    df = themes.assign(year=themes["year"].fillna(0).astype(int))
    g = df.groupby(["year", "theme"]).agg(evaluations=("evaluation_id", "nunique"), items=("item", "size"))
    cats = df.drop_duplicates(["evaluation_id", "category_no", "theme"]).groupby(["year", "theme"]).size()
    g["categories"] = cats
    return g.reset_index()[cols].sort_values(["year", "theme"]).reset_index(drop=True)


__all__ = ["RULES_FILE", "UNCLASSIFIED", "Theme", "ThemeMatch", "classify", "default_rules", "is_generic",
           "parse_rules", "problem_themes", "theme_counts_by_year", "theme_names"]
