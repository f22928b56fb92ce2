"""marac-baby: a MARAC case with a baby or pregnancy in the household has a child-protection
assessment and a safety plan linked."""

from __future__ import annotations

from datetime import date

from seen.rules.procedures.marac_baby import MaracBaby
from tests.rules.builder import WorldBuilder, anchored

RULE = MaracBaby()
TODAY = date(2026, 3, 1)


def _assessment(w: WorldBuilder, child: object, on: date, kind: str = "section_47") -> None:
    w.fact(
        "assessment",
        child=child,
        occurred_on=on,
        kind=kind,
        father_involved="yes",
        father_not_involved_reason="",
        mother_checks_done="yes",
        father_checks_done="yes",
    )


def test_a_pregnant_victim_with_no_safety_plan_or_assessment_fires() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 5, 1))
    ex = w.person("male")
    w.fact(
        "maraccase",
        victim=unborn.mother,
        perpetrator=ex,
        occurred_on=date(2026, 1, 20),
        safety_plan="no",
    )
    [(anchor, why)] = anchored(RULE, w)
    assert anchor.startswith("maraccase:")
    assert why == (
        "A MARAC case, in which the mother is the victim, was heard on 20 January 2026 when the "
        "mother was pregnant (due 1 May 2026), and it has no safety plan and no "
        "child-protection assessment linked."
    )


def test_the_alert_resolves_once_both_are_linked() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 11, 1))
    w.fact(
        "maraccase",
        victim=baby.mother,
        perpetrator=w.person("male"),
        occurred_on=date(2026, 1, 20),
        safety_plan="no",
    )
    _assessment(w, baby, date(2026, 2, 1))
    [(_, why)] = anchored(RULE, w)
    assert "no safety plan linked" in why and "assessment" not in why
    w.facts[0].row["safety_plan"] = "yes"
    assert anchored(RULE, w) == []


def test_an_old_assessment_is_not_linked_unless_the_window_allows_it() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 6, 1))
    w.fact(
        "maraccase",
        victim=baby.mother,
        perpetrator=w.person("male"),
        occurred_on=date(2026, 1, 20),
        safety_plan="yes",
    )
    _assessment(w, baby, date(2025, 10, 1), kind="child_and_family")
    [(_, why)] = anchored(RULE, w)
    assert "no child-protection assessment linked" in why
    assert anchored(RULE, w, assessment_before_days=120) == []


def test_a_man_around_the_baby_as_perpetrator_counts() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 11, 1))
    man = w.adult(baby, "birth_father")
    w.fact(
        "maraccase",
        victim=w.person("female"),
        perpetrator=man,
        occurred_on=date(2026, 2, 1),
        safety_plan="yes",
    )
    [(_, why)] = anchored(RULE, w)
    assert "in which the baby's father is the perpetrator" in why
    assert anchored(RULE, w, include_perpetrator_around_baby=False) == []


def test_near_misses_do_not_fire() -> None:
    w = WorldBuilder(TODAY)
    # a MARAC case with no baby or pregnancy
    w.fact(
        "maraccase",
        victim=w.person("female"),
        perpetrator=w.person("male"),
        occurred_on=date(2026, 1, 1),
        safety_plan="no",
    )
    # the victim's baby was over one when the case was heard
    toddler = w.child(dob=date(2024, 6, 1))
    w.fact(
        "maraccase",
        victim=toddler.mother,
        perpetrator=w.person("male"),
        occurred_on=date(2025, 9, 1),
        safety_plan="no",
    )
    # a case heard after today
    unborn = w.child(expected=date(2026, 6, 1))
    w.fact(
        "maraccase",
        victim=unborn.mother,
        perpetrator=w.person("male"),
        occurred_on=date(2026, 3, 20),
        safety_plan="no",
    )
    assert anchored(RULE, w) == []
