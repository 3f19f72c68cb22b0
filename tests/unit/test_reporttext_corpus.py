"""The parser on the corpus of published texts (tests/data/reports): the goal of issue 17 as an assertion.

Each text is stored as published with its source address and the figures it states, written by hand, in a JSON
sidecar; evalcore.reporttext.score compares the parser's output with them (deterministic: no timing here).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from evalcore.reporttext.score import (
    SUFFIXES,
    fit_part,
    held_out,
    in_part,
    score_corpus,
    score_text,
    source_stem,
    totals,
)

CORPUS = Path(__file__).resolve().parents[1] / "data" / "reports"


def test_corpus_is_at_least_twenty_sourced_texts() -> None:
    sidecars = sorted(CORPUS.glob("*.json"))
    assert len(sidecars) >= 20
    for p in sidecars:
        data = json.loads(p.read_text(encoding="utf-8"))
        assert data["source"].startswith("http"), p.name
        assert any((CORPUS / f"{p.stem}{suffix}").is_file() for suffix in SUFFIXES), p.name


def test_the_held_out_list_is_what_the_fixed_rule_gives() -> None:
    listed = re.findall(r"^- (\S+)$", (CORPUS / "HELDOUT.md").read_text(encoding="utf-8"), re.M)
    ruled = [p.stem for p in sorted(CORPUS.glob("*.json"))
             if held_out(p.stem, json.loads(p.read_text(encoding="utf-8")))]
    assert listed == ruled and len(ruled) >= 7
    new = [p for p in CORPUS.glob("*.json") if json.loads(p.read_text(encoding="utf-8")).get("added") == "issue 24"]
    assert len(new) >= 17


# The held-out part as last measured (docs/reporttext.md, "Eighth batch"): 74 of 191 stated figures right, 47 invented
# (44 of them figures, the rest counts; main's parser at 4245f5f, with the sixth pass, on the corpus of 230 texts after
# the eighth batch's 26 were added; on the 204 texts before them the same parser gives, by subtraction, 63 of 154, 32
# invented, as the seventh batch measured it before the sixth pass). After the seventh batch: 63 of 154, 32 invented (29
# of them figures, the rest counts; main's parser at 88a2f9d on the corpus of 204 texts after the seventh batch's 27
# were added; before them, after the sixth batch's 31, on 177 texts: 56 of 139, 30 invented, 27 of them figures; on 146
# texts after the fifth batch: 53 of 122, 18 invented, 16 of them figures; before the fifth batch: 48 of 91, 8
# invented). Issue 24's goal (75% right, none invented) is not met; the goal stays asserted below as an expected failure
# (strict: the day it passes, the mark must go), and this floor keeps the parser from getting worse on texts it was
# never tuned on.
# After the ninth and tenth batches (issue 24's tenth session: 90 texts, 38 of them held out; 320 texts, 131 held out)
# and that session's naming passes, measured once at the end: 113 of 258 right, 45 invented (42 of them figures, 29 a
# stated value under another unit's name; docs/reporttext.md, "Ninth and tenth batches, and naming"). On the 93 texts
# held out before, by subtraction: 81 of 191, 40 invented at the session's start; 88 of 191, 33 invented with its first
# passes (measured after the ninth batch's merge: 105 of 238, 43 invented).
# Issue 24's eleventh session (its parser passes, the scorer comparing names in simplified characters without pinyin,
# and the eleventh batch: 36 texts, 16 of them held out; 356 texts, 147 held out), measured once at the end: 149 of
# 295 right, 47 invented (44 of them figures; 27 a stated value under another unit's name). On the 131 texts held out
# before: 118 of 258, 41 invented (113 and 45 at the session's start). docs/reporttext.md, "Eleventh session".
# Issue 24's twelfth session (the twelfth, thirteenth and fourteenth batches: 90 texts, 47 of them held out; 446 texts,
# 194 held out; its parser passes), measured once at the end: 177 of 370 right, 58 invented (54 of them figures; 35 a
# stated value under another unit's name). On the 147 texts held out before: 154 of 295, 44 invented (149 and 47 at
# the session's start); on the 47 new held-out texts 23 of 75, 14 invented (the same totals as their helpers measured
# with the parsers of their branches). docs/reporttext.md, "Twelfth session".
# Issue 24's thirteenth session (half of check promoted to fit; the fifteenth batch: 18 texts, 7 of them held out; 464
# texts, 201 held out; its parser passes), measured once at the end: 187 of 380 right, 68 invented (64 of them
# figures; 41 a stated value under another unit's name). On the 194 texts held out before: 185 of 370, 59 invented
# (55 figures; 177 and 58, 54 figures, at the session's start); on the 7 new held-out texts 2 of 10, 9 invented.
# docs/reporttext.md, "Thirteenth session".
# Issue 24's fourteenth session (no texts added; its parser passes, most of them found by rewriting fit texts the ways
# published reports arrive: scripts/perturb_reports.py), measured once at the end: 194 of 380 right, 62 invented (58
# of them figures; 36 a stated value under another unit's name). docs/reporttext.md, "Fourteenth session".
HELD_OUT_RIGHT_AT_LEAST = 194
HELD_OUT_INVENTED_AT_MOST = 58


def _held_out_invented(scores) -> list[tuple[str, str, str | None]]:
    """Budgets, executed amounts, rates, scores and grades invented on the held-out part (a count of findings the
    text's annotation did not expect is reported, not asserted)."""
    return [(s.name, o.figure, o.found) for s in scores for o in s.outcomes
            if o.verdict == "invented" and "." in o.figure]


@pytest.mark.xfail(strict=True, reason="issue 24 open: the held-out part invents figures (docs/reporttext.md)")
def test_no_figure_invented_on_the_held_out_part() -> None:
    """The held-out part is never tuned on; its scores are reported in docs/reporttext.md. The goal: nothing
    invented there, and at least 75% of the stated figures right."""
    scores = score_corpus(CORPUS, "held-out")
    assert _held_out_invented(scores) == []
    t = totals(scores)
    assert t["right"] / t["stated"] >= 0.75, t


def test_the_held_out_part_is_no_worse_than_last_measured() -> None:
    scores = score_corpus(CORPUS, "held-out")
    t = totals(scores)
    assert t["stated"] >= 80
    assert t["right"] >= HELD_OUT_RIGHT_AT_LEAST, t
    assert len(_held_out_invented(scores)) <= HELD_OUT_INVENTED_AT_MOST, _held_out_invented(scores)


# The tuned part as last measured: since the third pass's 24 texts joined the corpus, main's parser invents there
# too (fit 109 of 132 right, 6 invented; check 87 of 98, 3 invented). A fourth pass of rules raised fit and left check
# where it was but made the held-out part invent more, and was not merged (docs/reporttext.md). With the fifth batch's
# tuned-part texts (and the PDF/HTML forms made from one of them): fit 113 of 144, 6 invented; check 96 of 111, 7.
# The fifth pass's general form reading (rows in any flattening, a row aligned on its percentage): fit 116, check 97.
# With the sixth batch's tuned-part texts (16, none tuned on; docs/reporttext.md, "Sixth batch"): fit 123 of 154, 7
# invented; check 98 of 118, 8 invented.
# The sixth pass, two helpers merged (measured on the 73/58-text halves after the sixth batch): units in running text
# (a list of evaluated projects, a clause ending in 我中心 / 本局 as the report's own unit, an amount after a list's
# component as a component, projects enumerated with their rates in one sentence, an average as nobody's figure,
# problems stated inline with their causes) and forms (a money part titled 预算数 (A) | 执行数 (B) | 执行率 (B/A), a
# bracketed item score refused, a 总分 printed before its label, one amount for two merged columns at 100%,
# 存在问题 / 改进措施 as a table's columns, a grade ending the total row): fit 148 of 154 with 1 invented; check 99 of
# 118, 8 invented.
# With the seventh batch's tuned-part texts (15, none tuned on; "Seventh batch"; main's parser before the sixth pass:
# fit 127 of 162, 11 invented; check 98 of 126, 16), measured with the sixth pass merged: fit 152 of 162, 5 invented;
# check 99 of 126, 16 invented.
# 本项目's full name from the title's project (the lead, after the seventh batch): fit 153 of 162, 4 invented; check
# 103 of 126, 11 invented.
# The scorer matches 本项目 by that full name as it matches any unit (by its end): fit 154, 3 invented.
# With the eighth batch's tuned-part texts (13, none tuned on; "Eighth batch"; main's parser at 4245f5f: fit 160 of
# 173, 9 invented; check 101 of 136, 21 invented), measured with main's parser at 00b3920: fit 162 of 173, 7
# invented; check 105 of 136, 16 invented.
# Seventh pass (noise): a form's executed and rate cells run together after its budget split (fit 148 → 150 on the
# 154-text fit of its branch); merged: fit 164 of 173, 7 invented; check 105 of 136, 16 invented.
# Seventh pass (forms): several projects' forms in one text, each its own project's figures; merged with the noise
# pass: fit 166 of 173, 5 invented; check 105 of 136, 16 invented.
# Seventh pass (roles in prose: an amount's role from its own clause, another year's or a plan's figures, score
# bands and targets, an indicator's score, 支付完成率; 下达 a budget only when written as one): fit 171 of 173, 4
# invented; check 105 of 136, 16 invented.
# Issue 24's tenth session: a form's own unit takes its unattached figures before an organisation its text only
# mentions (check 105 → 106 of 136, 15 invented). With the ninth batch's tuned-half texts (21, none tuned on): fit 173
# of 183, 7 invented; check 111 of 150, 18. Label | value rows beside a detail table (fit 175 of 183); a facility
# (农村厕所) is no organisation (with the tenth batch's tuned-half texts not yet added: fit 180 of 193, 9 invented).
# With the tenth batch's 31 tuned-half texts (main's parser unchanged, 3a7d367): fit 188 of 222, 14 invented; check
# 121 of 183, 26 invented.
# Issue 24's eleventh session: names compared in simplified characters without pinyin (the scorer; fit 192 of 222, 10
# invented; check 123 of 183, 23), then the pinyin residue removed before reading, carried-over money a budget by its
# rate, 实际全年执行: fit 199 of 222, 6 invented; check 125 of 183, 25 invented (2 more, both a stated value under an
# organisation the now readable text names, both marked for review).
# A form's money copied as label: / value cells, and 区域绩效目标 as a form title's own words: fit 201 of 222.
# With the eleventh batch's 20 tuned-half texts (main's parser at 3b270b7 on its branches): fit 208 of 233, 9
# invented; check 130 of 212, 41 invented. Then 总分值, 安排…预算支出, more of the report's sentences naming 本项目, and
# the project its opening lines name and the text repeats: fit 209 of 233, 8 invented; check 135 of 212, 34 invented.
# Issue 24's twelfth session: the 43 tuned-half texts of the twelfth to fourteenth batches (fit 233 → 296 stated, check
# 212 → 232), a results table copied with spaces, a base-data table by its years, forms run together, more of the ways
# a report names what it evaluates, findings' layouts: fit 271 of 296, 10 invented; check 146 of 232, 40 invented
# (docs/reporttext.md, "Twelfth session").
# Thirteenth session: half of check promoted to fit by a fixed rule (score.fit_part; fit 200 texts, check 74), with
# the parser at its start: fit 330 of 396, 20 invented; check 87 of 132, 30 invented. Then the session's passes
# (tests/unit/test_reporttext_pass13.py, docs/reporttext.md "Thirteenth session"):
# With the fifteenth batch's 11 tuned-half texts and the session's later passes, at its end: fit 367 of 406, 21
# invented (208 texts); check 91 of 138, 30 invented (77 texts).
# Fourteenth session, at its end: fit 371 of 406, 18 invented; check 91 of 138, 30 invented (unchanged).
TUNED_FLOORS = {"fit": (371, 18), "check": (91, 30)}


@pytest.mark.parametrize("part", sorted(TUNED_FLOORS))
def test_the_tuned_halves_are_no_worse_than_last_measured(part: str) -> None:
    right_at_least, invented_at_most = TUNED_FLOORS[part]
    t = totals(score_corpus(CORPUS, part))
    assert t["right"] >= right_at_least and t["invented"] <= invented_at_most, \
        {k: t[k] for k in ("stated", "right", "invented")}


@pytest.mark.xfail(strict=True, reason="issue 24 open: the tuned part invents figures since the third pass's texts "
                                       "joined it (docs/reporttext.md)")
def test_goal_on_the_tuned_part_at_least_85_percent_right_and_nothing_invented() -> None:
    scores = score_corpus(CORPUS, "tuned")
    t = totals(scores)
    assert t["invented"] == 0, {k: t[k] for k in ("stated", "right", "invented")}
    assert t["stated"] >= 30
    assert t["right"] / t["stated"] >= 0.85, t


def test_the_scorer_counts_an_invented_figure_and_a_wrong_one() -> None:
    text = "# 2023年度甲项目绩效评价结果\n\n一、基本情况\n\n项目预算资金300万元，实际支出240万元。\n"
    want = {"units": [{"name": "本项目", "aliases": [], "budget": "300", "executed": "250", "rate": None,
                       "score": None, "grade": None}], "problems": None, "recommendations": None}
    s = score_text(text, want)
    assert (s.count("right"), s.count("wrong"), s.count("invented"), s.count("missing")) == (1, 1, 0, 0)
    want["units"][0]["budget"] = None
    s = score_text(text, want)
    assert s.count("invented") == 1


def test_the_scorer_matches_本项目_by_the_full_name_the_title_gives_it_as_any_unit() -> None:
    text = "2022年度甲县乡村公路养护资金绩效自评报告\n一、基本情况\n项目预算资金300万元，实际支出240万元。\n"
    unit = {"aliases": [], "budget": "300", "executed": "240", "rate": None, "score": None, "grade": None}
    # its name, its name's end, 本项目 itself, its name with the year the parser leaves out of a unit's name
    for name in ("甲县乡村公路养护资金", "乡村公路养护资金", "本项目", "甲县2022年度乡村公路养护资金"):
        s = score_text(text, {"units": [{**unit, "name": name}], "problems": None, "recommendations": None})
        assert (s.count("right"), s.count("invented")) == (2, 0), name
    s = score_text(text, {"units": [{**unit, "name": "乙县农村饮水安全资金"}], "problems": None,
                          "recommendations": None})
    assert (s.count("right"), s.count("missing"), s.count("invented")) == (0, 2, 2)
    s = score_text(text.replace("2022年度甲县乡村公路养护资金绩效自评报告", "绩效自评报告"),
                   {"units": [{**unit, "name": "乡村公路养护资金"}], "problems": None, "recommendations": None})
    assert s.count("right") == 0, "本项目 without a full name matches only a sidecar that names 本项目"


@pytest.mark.parametrize("name", ["qingshen_2023_form_pipes", "langfang_2019_form_cells",
                                  "daying_sifa_2023_form_rows", "chizhou_2022_form_one_line"])
def test_self_evaluation_forms_give_their_amounts(name: str) -> None:
    want = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))
    s = score_text((CORPUS / f"{name}.txt").read_text(encoding="utf-8"), want, name)
    assert [o for o in s.outcomes if o.verdict != "right"] == []


def test_fit_and_check_split_the_tuned_part_and_a_made_form_goes_with_its_source() -> None:
    stems = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in CORPUS.glob("*.json")}
    tuned = {s for s, e in stems.items() if in_part(s, e, "tuned")}
    fit = {s for s, e in stems.items() if in_part(s, e, "fit")}
    check = {s for s, e in stems.items() if in_part(s, e, "check")}
    assert fit | check == tuned and not fit & check and fit and check
    assert not tuned & {s for s, e in stems.items() if in_part(s, e, "held-out")}
    for stem, e in stems.items():
        source = source_stem(stem, e)
        if source != stem:
            assert source in stems and fit_part(stem, e) == fit_part(source, stems[source]), stem
    assert source_stem("a_print", {}) == "a" and source_stem("b", {"added": "issue 24 (made from c)"}) == "c"


def test_the_scorer_tells_invented_figures_a_person_would_review_from_those_published_unseen() -> None:
    """Additional information beside the headline count: an invented figure the parser marked uncertain (here given
    to 本项目 because the text names no unit) goes to a person's review, so import does not publish it as it is."""
    text = "# 2023年度甲项目绩效评价结果\n\n一、基本情况\n\n项目预算资金300万元，实际支出240万元。\n"
    want = {"units": [{"name": "本项目", "aliases": [], "budget": None, "executed": "240", "rate": None,
                       "score": None, "grade": None}], "problems": None, "recommendations": None}
    s = score_text(text, want)
    t = totals([s])
    assert (t["invented"], t["invented_flagged"], t["invented_unreviewed"]) == (1, 1, 0) and s.reviewed
    text = ("# 乙县水利局2023年度部门整体支出绩效自评报告\n\n一、基本情况\n\n"
            "预算资金300万元，实际支出240万元，执行率80%。\n")
    want["units"][0].update(name="乙县水利局", rate="80")  # three figures that agree: nothing uncertain
    t = totals([score_text(text, want)])
    assert (t["invented"], t["invented_flagged"], t["invented_unreviewed"]) == (1, 0, 1)


def test_the_scorer_counts_texts_published_without_review_and_the_errors_in_them() -> None:
    """The certainty columns beside the headline counts: texts ``import`` would publish with no review, those of them
    with a figure wrong or invented, and how many such figures; a text kept for review holds no unreviewed error."""
    named = ("# 乙县水利局2023年度部门整体支出绩效自评报告\n\n一、基本情况\n\n"
             "预算资金300万元，实际支出240万元，执行率80%。\n")
    unnamed = "# 2023年度甲项目绩效评价结果\n\n一、基本情况\n\n项目预算资金300万元，实际支出240万元，执行率80%。\n"
    unit = {"aliases": [], "rate": "80", "score": None, "grade": None}
    right = {"units": [{**unit, "name": "乙县水利局", "budget": "300", "executed": "240"}],
             "problems": None, "recommendations": None}
    wrong = {"units": [{**unit, "name": "乙县水利局", "budget": "300", "executed": "250"}],
             "problems": None, "recommendations": None}
    invented = {"units": [{**unit, "name": "乙县水利局", "budget": None, "executed": "250"}],
                "problems": None, "recommendations": None}
    reviewed = {"units": [{**unit, "name": "本项目", "budget": None, "executed": "250"}],
                "problems": None, "recommendations": None}
    scores = [score_text(named, right), score_text(named, wrong), score_text(named, invented),
              score_text(unnamed, reviewed)]
    assert [s.reviewed for s in scores] == [False, False, False, True]
    assert [s.unreviewed_errors for s in scores] == [0, 1, 2, 0] and scores[3].errors == 2
    t = totals(scores)
    assert (t["published"], t["published_right"], t["unreviewed_error_texts"], t["unreviewed_errors"]) == (3, 1, 2, 3)
    assert t["unreviewed_count_errors"] == 0
    counted = score_text(named + "\n二、存在的问题\n\n一是进度滞后。二是档案不全。\n", right)  # problems: null
    assert not counted.reviewed and totals([counted])["unreviewed_count_errors"] == 1 == counted.unreviewed_errors
    assert (t["wrong"], t["invented"]) == (3, 2)  # the headline counts are unchanged by the new columns


# The certainty of what is found (docs/reporttext.md, "Certainty"), as measured with the doubt rules of issue 24
# item 3: (unreviewed errors at most — wrong or invented figures and counts in texts import would publish without a
# person's review —, texts published without review at least). The held-out part was scored once, in totals only.
# Reset after the fifth batch's 30 texts were added (before: fit (0, 32), check (1, 26), held-out (3, 19)), then by the
# second doubt pass (a rate its amounts cannot confirm, a count from unnumbered paragraphs): the held-out part, scored
# once afterwards in totals, went from (5, 28) to (3, 25).
# After the sixth batch's 31 texts were added (none of them published unreviewed with an error): fit (0, 40), check
# (0, 30), held out (2, 30). The sixth pass's enumeration of projects finds five lone rates in a fit text that gave
# nothing before, which send it to review; an average is nobody's own figure (a wrong figure gone on check): fit
# (0, 39), check (0, 31). After the seventh batch's 27 (none of them published unreviewed with an error; main's
# parser before the sixth pass: fit (0, 42), check (0, 34), held out (2, 39)), with the sixth pass: fit (0, 41),
# check (0, 35). After the eighth batch's 26 (none of them published unreviewed with an error), as measured: fit
# (0, 42), check (0, 38), held out (2, 43).
# The seventh pass (noise) splits a form's executed and rate cells run together after its budget
# (年度资金总额50万元47.6895.00%); the fit text it was published from with one of three figures now has all three, two
# of them marked for review (no cut is confirmed by arithmetic): fit (0, 41).
# The seventh pass (roles) reads a 下达 amount its sentence writes as a budget (下达…预算): a fit text that gave nothing
# before now gives its budget, alone and so uncorroborated, and goes to review: fit (0, 40).
# After the ninth and tenth batches (none of their texts published unreviewed with an error), as measured at the end of
# issue 24's tenth session: fit (0, 55), check (0, 49), held out (2, 66) (the one held-out text with 2 invented figures
# is the one measured since the fifth batch; a fit text whose report says 我局 under a publisher's page goes to review
# since the publisher is no longer taken as its unit: 56 → 55).
# Eleventh session: three check texts whose pinyin hid every figure now give figures a person must confirm, and go to
# review (49 → 46; all 46 published are right); a fit text gives its figures (55 → 56). A fit text whose form was
# copied as 预算数: / 2.38 cells gave nothing and now gives its two amounts to 本项目, for review (56 → 55).
# Tables separated by tabs or spaces, and short numbered result items read as figure lines: one held-out text more
# goes to review (66 → 65; the tests score the held-out part in these totals at every run, no text was looked at).
# With the eleventh batch and the session's later passes, as measured at its end: fit (0, 59), check (0, 51), held out
# (3, 70): the held-out text with 2 invented figures published unreviewed since the fifth batch, and one of the
# eleventh batch's held-out texts with 1 (its helper measured it so with the parser of its branch).
# Twelfth session, at its end: fit (0, 63), check (0, 66), held out (5, 94): besides the two held-out texts above, one
# of the thirteenth batch's held-out texts publishes 2 wrong figures unreviewed (its helper measured it so with the
# parser of its branch, before any of the session's later passes).
# Thirteenth session, the new split at its start: fit (0, 97), check (0, 32); after the first passes: fit (0, 94)
# (three texts whose nothing was found before now give figures a person must confirm).
# At its end, measured once: fit (0, 93), check (0, 32), held out (3, 94): 2 held-out texts publish 3 wrong or
# invented figures unreviewed (3 texts, 5 figures at the session's start).
# Fourteenth session, at its end (measured once): fit (0, 94), check (0, 32), held out (3, 94): 2 held-out
# texts publish 3 wrong or invented figures unreviewed (1 of them a count).
CERTAINTY_FLOORS = {"fit": (0, 94), "check": (0, 32), "held-out": (3, 94)}


@pytest.mark.parametrize("part", sorted(CERTAINTY_FLOORS))
def test_no_more_errors_reach_the_dashboard_unreviewed_than_last_measured(part: str) -> None:
    errors_at_most, published_at_least = CERTAINTY_FLOORS[part]
    t = totals(score_corpus(CORPUS, part))
    assert t["unreviewed_errors"] <= errors_at_most and t["published"] >= published_at_least, \
        {k: t[k] for k in ("published", "published_right", "unreviewed_error_texts", "unreviewed_errors")}


def test_the_scorer_counts_a_stated_value_given_to_another_units_name() -> None:
    """An additional column: a figure found with the value the text states, but under another unit's name than the
    one written down, is invented under that name and missing under the other; the totals count such pairs once."""
    text = "2022年度甲县乡村公路养护资金绩效自评报告\n一、基本情况\n项目预算资金300万元，实际支出240万元。\n"
    unit = {"name": "乙县农村饮水安全资金", "aliases": [], "budget": "300", "executed": "240", "rate": None,
            "score": None, "grade": None}
    t = totals([score_text(text, {"units": [unit], "problems": None, "recommendations": None})])
    assert (t["invented"], t["missing"], t["invented_renamed"]) == (2, 2, 2)
    unit.update(budget="310")  # a different value is no renaming: the budget is only invented and missing
    t = totals([score_text(text, {"units": [unit], "problems": None, "recommendations": None})])
    assert (t["invented"], t["missing"], t["invented_renamed"]) == (2, 2, 1)
    unit.update(name="甲县乡村公路养护资金", budget="300")
    t = totals([score_text(text, {"units": [unit], "problems": None, "recommendations": None})])
    assert (t["right"], t["invented_renamed"]) == (2, 0)
