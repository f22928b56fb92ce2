"""coping-with-crying: excessive crying, colic or feeding difficulty calls for ICON advice to both
parents; a concern recording it as not given to either raises the alert, and a later concern
recording it given closes it."""

from __future__ import annotations

from datetime import date

from seen.rules.procedures.coping_with_crying import CopingWithCrying
from seen.rules.world import Child
from tests.rules.builder import WorldBuilder, explanations

RULE = CopingWithCrying()
TODAY = date(2026, 3, 1)
BORN = date(2025, 12, 1)


def _concern(
    w: WorldBuilder,
    baby: Child,
    on: date,
    mother: str,
    father: str,
    concern: str = "excessive_crying",
) -> None:
    w.fact(
        "cryingfeedingconcern",
        child=baby,
        occurred_on=on,
        concern=concern,
        icon_advice_mother=mother,
        icon_advice_father=father,
    )


def test_advice_not_given_to_the_father_fires() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=BORN)
    w.adult(baby)
    _concern(w, baby, date(2026, 1, 5), "yes", "no")
    [why] = explanations(RULE, w)
    assert "Excessive crying was raised with health visiting 1 on 5 January 2026" in why
    assert "not given to the father (it was given to the mother)" in why


def test_advice_not_given_to_the_mother_fires_too() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=BORN)
    _concern(w, baby, date(2026, 1, 5), "no", "not_applicable", "colic")
    [why] = explanations(RULE, w)
    assert why.startswith("Colic was raised") and "not given to the mother" in why


def test_a_later_concern_recording_the_advice_resolves_it() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=BORN)
    w.adult(baby)
    _concern(w, baby, date(2026, 1, 5), "yes", "no")
    _concern(w, baby, date(2026, 1, 19), "yes", "yes", "feeding_difficulty")
    assert explanations(RULE, w) == []


def test_a_later_concern_after_today_does_not_resolve_it() -> None:
    w = WorldBuilder(date(2026, 1, 10))
    baby = w.child(dob=BORN)
    _concern(w, baby, date(2026, 1, 5), "yes", "no")
    _concern(w, baby, date(2026, 1, 19), "yes", "yes")
    assert len(explanations(RULE, w)) == 1


def test_near_misses_do_not_fire() -> None:
    w = WorldBuilder(TODAY)
    both = w.child(dob=BORN)  # advice to both parents
    w.adult(both)
    _concern(w, both, date(2026, 1, 5), "yes", "yes")
    no_father = w.child(dob=BORN)  # no father named
    _concern(w, no_father, date(2026, 1, 5), "yes", "not_applicable")
    assert explanations(RULE, w) == []


def test_advice_owed_to_the_mother_only_is_a_parameter() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=BORN)
    _concern(w, baby, date(2026, 1, 5), "yes", "no")
    assert len(explanations(RULE, w)) == 1
    assert explanations(RULE, w, both_parents=False) == []
    assert explanations(RULE, w, concerns=["colic"]) == []  # excessive crying not watched
