"""Unit matching across evaluations and years (单位跨年度匹配).

A unit is the same unit in two evaluations when its normalised full name (全称) is the same, after:

1. normalisation (:func:`normalise`): Unicode NFKC (full-width letters, digits and brackets become their ASCII
   forms, the ideographic space a plain space), every kind of white space removed, trailing punctuation removed;
2. 简称 → 全称: a unit listed without a 全称 takes the 全称 that another evaluation *of the same region* gives to
   the same 简称 (a 简称 such as 市数据局 means different bureaus in different cities, so never across regions);
   a 简称 that begins with the last character of the region (市数据局 in 长沙市) is also read as the region-prefixed
   full name (长沙市数据局);
3. aliases (别名): an evaluator's table "this name is now that name" (renamed departments, merged bureaus), applied
   after normalisation and followed through chains (A → B → C); a match made through an alias says so.

Pure functions, no I/O: the alias table comes from the store (:meth:`evalcore.store.Store.aliases`).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")
_TRAILING = re.compile(r"[。．.，,、；;：:]+$")


def normalise(name: str | None) -> str:
    """The form names are compared in: NFKC, no white space, no trailing punctuation."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name)
    text = _SPACE.sub("", text)
    return _TRAILING.sub("", text)


@dataclass(frozen=True)
class Alias:
    """One row of the alias table: ``alias`` (an old or other name) is the unit now called ``canonical``."""

    alias: str
    canonical: str
    note: str = ""


@dataclass(frozen=True)
class UnitIdentity:
    """Who a unit of one evaluation is across evaluations."""

    key: str  # the normalised identity (compare these)
    display: str  # the name to show (the canonical name as typed)
    via: str  # how the identity was found: 全称 / 简称 / 地区+简称 / 别名
    alias_from: str = ""  # with via 别名: the name the alias table translated


class AliasCycleError(ValueError):
    """The alias table would send a name back to itself."""


def alias_map(aliases: Iterable[Alias | tuple[str, str]]) -> dict[str, str]:
    """normalised alias -> canonical name as typed; a later row for the same alias replaces an earlier one."""
    out: dict[str, str] = {}
    for a in aliases:
        alias, canonical = (a.alias, a.canonical) if isinstance(a, Alias) else a
        na, nc = normalise(alias), normalise(canonical)
        if na and nc and na != nc:
            out[na] = canonical
    return out


def check_aliases(aliases: Iterable[Alias | tuple[str, str]]) -> None:
    """Raise :class:`AliasCycleError` (a Chinese message) if following the table can loop."""
    amap = alias_map(aliases)
    for start in amap:
        seen = [start]
        nxt = normalise(amap[start])
        while nxt in amap:
            if nxt in seen:
                chain = " → ".join([*seen, nxt])
                raise AliasCycleError(f"别名表出现循环：{chain}")
            seen.append(nxt)
            nxt = normalise(amap[nxt])


def resolve_alias(name: str, amap: Mapping[str, str]) -> tuple[str, bool]:
    """The canonical name for ``name`` (as typed) and whether an alias was used; follows chains, stops at a loop."""
    current = name
    used = False
    seen = {normalise(name)}
    while (n := normalise(current)) in amap:
        nxt = amap[n]
        if normalise(nxt) in seen:
            break
        seen.add(normalise(nxt))
        current, used = nxt, True
    return current, used


@dataclass(frozen=True)
class UnitName:
    """A unit as one evaluation lists it."""

    region: str
    key: str  # 简称
    name: str = ""  # 全称 ("" when the evaluation gives none)


def region_prefixed(region: str, short: str) -> str:
    """长沙市 + 市数据局 -> 长沙市数据局; "" when the 简称 does not begin with the region's last character
    or already begins with the region."""
    return prefixed_key(normalise(region), normalise(short))


def prefixed_key(region_key: str, short_key: str) -> str:
    """:func:`region_prefixed` of a region and a short name already through :func:`normalise` (the facts hold both)."""
    r, s = region_key, short_key
    if not r or not s or s.startswith(r) or s[0] != r[-1]:
        return ""
    return r[:-1] + s


class UnitMatcher:
    """Identities for units of many evaluations. Build it with every unit first (it learns 简称 → 全称 per
    region from all of them), then ask :meth:`identity` for each."""

    def __init__(self, units: Iterable[UnitName], aliases: Iterable[Alias | tuple[str, str]] = ()):
        self._aliases = alias_map(aliases)
        full: dict[tuple[str, str], set[str]] = {}
        self._names: set[str] = set()
        for u in units:
            if u.name:
                full.setdefault((normalise(u.region), normalise(u.key)), set()).add(u.name)
                self._names.add(normalise(u.name))
        # a 简称 that two different 全称 share in one region is ambiguous: it is not expanded
        self._short = {k: next(iter(v)) for k, v in full.items() if len({normalise(n) for n in v}) == 1}

    def identity(self, unit: UnitName) -> UnitIdentity:
        name, via = unit.name, "全称"
        if not normalise(name):
            learned = self._short.get((normalise(unit.region), normalise(unit.key)))
            prefixed = region_prefixed(unit.region, unit.key)
            if learned:
                name, via = learned, "简称"
            elif prefixed and prefixed in self._names:
                name, via = prefixed, "地区+简称"
            else:
                name, via = unit.key, "简称"
        canonical, used = resolve_alias(name, self._aliases)
        if used:
            return UnitIdentity(normalise(canonical), canonical, "别名", alias_from=name)
        return UnitIdentity(normalise(name), name, via)


__all__ = ["Alias", "AliasCycleError", "UnitIdentity", "UnitMatcher", "UnitName", "alias_map", "check_aliases",
           "normalise", "prefixed_key", "region_prefixed", "resolve_alias"]
