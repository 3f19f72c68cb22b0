"""One meaning per colour, colour-blind safe, readable text (issue 28, item 5).

Each palette (grades, 整改 status, units and categories) is simulated as seen with deuteranopia, protanopia and
tritanopia (Machado et al. 2009 at full severity, through ``colorspacious``) and every two of its colours must
stay apart by a colour difference of at least :data:`MIN_DELTA_E` (CAM02-UCS ΔE; about 10 reads as clearly
different in a legend or side by side). Text colours reach 4.5:1 (WCAG AA) on the backgrounds they are used on.
"""
import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE

from evalcore.figures import style

MIN_DELTA_E = 10.0
DEFICIENCIES = ("deuteranomaly", "protanomaly", "tritanomaly")  # at severity 100: deuteranopia, protanopia, ...


def srgb(color: str) -> np.ndarray:
    return np.array([int(color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)])


def seen(color: str, deficiency: str | None) -> np.ndarray:
    if deficiency is None:
        return srgb(color)
    cvd = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
    return np.clip(cspace_convert(srgb(color), cvd, "sRGB1"), 0, 1)


def closest_pair(colors, deficiency) -> tuple[float, tuple[str, str]]:
    return min((float(deltaE(seen(a, deficiency), seen(b, deficiency), input_space="sRGB1")), (a, b))
               for a, b in itertools.combinations(colors, 2))


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
@pytest.mark.parametrize("palette", sorted(style.PALETTES))
def test_each_palette_stays_distinguishable(palette, deficiency):
    distance, pair = closest_pair(style.PALETTES[palette], deficiency)
    assert distance >= MIN_DELTA_E, (palette, deficiency, pair, round(distance, 1))


def test_the_simulation_can_fail():
    # red and green that normal vision tells apart merge with deuteranopia: the check above is not vacuous
    assert closest_pair(("#d62728", "#2ca02c"), None)[0] > 30
    assert closest_pair(("#d62728", "#2ca02c"), "deuteranomaly")[0] < MIN_DELTA_E


def test_the_meanings_do_not_share_a_colour():
    """No colour is used by two meanings, except ATTENTION for 未整改 (the status that needs attention)."""
    meanings = {"figure": {style.PRIMARY, style.BUDGET_COLOR}, "attention": {style.ATTENTION},
                "target": {style.TARGET_LINE}, "other": {style.OTHER}, "grades": set(style.GRADE_COLORS.values()),
                "status": set(style.STATUS_COLORS.values()) - {style.ATTENTION}, "categories": set(style.CATEGORICAL)}
    for (a, ca), (b, cb) in itertools.combinations(meanings.items(), 2):
        assert not ca & cb, (a, b, ca & cb)
    # the colours that sit side by side on one page (a grade, a status, the figure, attention) differ clearly too
    key = [style.PRIMARY, style.BUDGET_COLOR, style.ATTENTION, *style.GRADE_COLORS.values(),
           *(c for c in style.STATUS_COLORS.values() if c != style.ATTENTION)]
    distance, pair = closest_pair(key, None)
    assert distance >= MIN_DELTA_E, (pair, round(distance, 1))


TEXT = [  # (text colour, background, where)
    (style.INK, "#ffffff", "text"), (style.INK, style.PANEL, "text on a tile"),
    (style.MUTED, "#ffffff", "captions, labels"), (style.MUTED, style.PANEL, "tile labels"),
    (style.ACCENT_TEXT, "#ffffff", "示例数据 notes"), (style.TARGET_LINE, "#ffffff", "目标 labels"),
    ("#ffffff", style.PRIMARY, "table heads, labels in bars"), ("#ffffff", style.ATTENTION, "labels in bars"),
    ("#ffffff", style.ACCENT, "示例数据 tag"), (style.ON_PRIMARY_MUTED, style.PRIMARY, "the cover's small print"),
]


@pytest.mark.parametrize("text,background,where", TEXT)
def test_text_colours_reach_4_5_to_1(text, background, where):
    ratio = style.contrast(text, background)
    assert ratio >= 4.5, (where, text, background, round(ratio, 2))


@pytest.mark.parametrize("fill", [*style.STATUS_COLORS.values(), style.PRIMARY, style.ATTENTION])
def test_labels_on_filled_shapes_reach_4_5_to_1(fill):
    assert style.contrast(style.text_on(fill), fill) >= 4.5, fill


def test_caption_colour_of_the_pages_reaches_4_5_to_1():
    from components import a11y  # the captions' colour: INK at 78 % over white
    alpha = float(a11y.CSS.split("rgba(29, 36, 51, ")[1].split(")")[0])
    ink = srgb(style.INK)
    mixed = ink * alpha + np.ones(3) * (1 - alpha)
    caption = "#" + "".join(f"{round(c * 255):02x}" for c in mixed)
    assert style.contrast(caption, "#ffffff") >= 4.5, caption
