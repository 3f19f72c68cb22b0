"""Unit matching across evaluations: normalisation, 简称 ↔ 全称 per region, aliases with chains and cycles."""
import pytest

from evalcore.matching import (
    Alias,
    AliasCycleError,
    UnitMatcher,
    UnitName,
    check_aliases,
    normalise,
    prefixed_key,
    region_prefixed,
    resolve_alias,
)


def test_normalise_full_width_spaces_and_punctuation():
    assert normalise("　长沙市 数据局\t") == "长沙市数据局"
    assert normalise("长沙市（大数据中心）") == "长沙市(大数据中心)"  # full-width brackets -> ASCII by NFKC
    assert normalise("ＡＢＣ１２３局。") == "ABC123局"
    assert normalise(None) == "" and normalise("   ") == ""


def test_region_prefixed_short_names():
    assert region_prefixed("长沙市", "市数据局") == "长沙市数据局"
    assert region_prefixed("南县", "县财政局") == "南县财政局"
    assert region_prefixed("长沙市", "长沙市数据局") == ""  # already prefixed
    assert region_prefixed("长沙市", "数智科技集团") == ""  # does not start with 市


@pytest.mark.parametrize("region", ["长沙市", " 长沙市。", "南县", "", "市", "ＡＢ市"])
@pytest.mark.parametrize("short", ["市数据局", "　市 数据局；", "长沙市数据局", "数智科技集团", "", "市", "县财政局"])
def test_prefixed_key_of_normalised_keys_is_region_prefixed(region: str, short: str):
    """The facts' prefixed_key from the keys they already hold (evalcore.facts.rows) is region_prefixed's."""
    assert prefixed_key(normalise(region), normalise(short)) == region_prefixed(region, short)


def test_full_name_matches_after_normalisation():
    m = UnitMatcher([UnitName("长沙市", "市数据局", "长沙市数据局"), UnitName("长沙市", "数据局", "长沙市 数据局 ")])
    a = m.identity(UnitName("长沙市", "市数据局", "长沙市数据局"))
    b = m.identity(UnitName("长沙市", "数据局", "长沙市 数据局 "))
    assert a.key == b.key == "长沙市数据局" and a.via == "全称"


def test_short_name_takes_the_full_name_of_the_same_region_only():
    units = [UnitName("长沙市", "市数据局", "长沙市数据局"), UnitName("长沙市", "市数据局"),
             UnitName("株洲市", "市数据局")]
    m = UnitMatcher(units)
    assert m.identity(units[1]).key == "长沙市数据局" and m.identity(units[1]).via == "简称"
    other = m.identity(units[2])  # 株洲's 市数据局 is not 长沙's
    assert other.key == "市数据局" and other.key != m.identity(units[0]).key


def test_region_prefixed_short_name_matches_a_known_full_name():
    units = [UnitName("长沙市", "长沙市数据局", "长沙市数据局"), UnitName("长沙市", "市数据局")]
    m = UnitMatcher(units)
    ident = m.identity(units[1])
    assert ident.key == "长沙市数据局" and ident.via == "地区+简称"


def test_ambiguous_short_name_is_not_expanded():
    units = [UnitName("长沙市", "市中心", "长沙市大数据中心"), UnitName("长沙市", "市中心", "长沙市政务服务中心"),
             UnitName("长沙市", "市中心")]
    assert UnitMatcher(units).identity(units[2]).key == "市中心"


def test_alias_renamed_department_and_chain():
    aliases = [Alias("长沙市大数据中心", "长沙市数据资源中心"), ("长沙市数据资源中心", "长沙市数据中心（新）")]
    m = UnitMatcher([UnitName("长沙市", "市数据中心", "长沙市大数据中心")], aliases)
    ident = m.identity(UnitName("长沙市", "市数据中心", "长沙市大数据中心"))
    assert ident.display == "长沙市数据中心（新）" and ident.via == "别名" and ident.alias_from == "长沙市大数据中心"
    assert ident.key == normalise("长沙市数据中心(新)")
    amap = {normalise("长沙市大数据中心"): "X局"}
    assert resolve_alias("长沙市 大数据中心", amap) == ("X局", True)


def test_alias_cycle_is_refused_and_resolution_stops():
    rows = [("甲局", "乙局"), ("乙局", "甲局")]
    with pytest.raises(AliasCycleError, match="循环"):
        check_aliases(rows)
    name, used = resolve_alias("甲局", {"甲局": "乙局", "乙局": "甲局"})
    assert name == "乙局" and used
    check_aliases([("甲局", "乙局"), ("丙局", "乙局")])  # a merger: two names onto one, no cycle
