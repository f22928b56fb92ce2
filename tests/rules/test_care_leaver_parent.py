"""care-leaver-parent: a parent who is a care leaver is offered a pre-birth assessment and their
personal adviser is informed."""

from __future__ import annotations

from datetime import date

from seen.rules.procedures.care_leaver_parent import CareLeaverParent
from tests.rules.builder import WorldBuilder

RULE = CareLeaverParent()
TODAY = date(2026, 3, 1)


def _run(w: WorldBuilder, **params: object) -> list[tuple[str, str]]:
    world = w.build()
    values = {**RULE.defaults, **params}
    return [
        (f.anchor, f.explanation)
        for c in world.children.values()
        for f in RULE.evaluate(world, c, values)
    ]


def _care_leaver(w: WorldBuilder, person: int, on: date, adviser: int | None = 7) -> None:
    leaving_care = w.agency("leaving_care", name="Quay Leaving Care Service")
    w.fact(
        "careleaverstatus",
        subject=person,
        occurred_on=on,
        care_leaver="yes",
        personal_adviser=adviser,
        agency=leaving_care,
    )


def test_a_pregnant_care_leaver_with_no_pre_birth_assessment_fires() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 6, 20))
    assert unborn.mother is not None
    _care_leaver(w, unborn.mother, date(2025, 12, 1))
    [(anchor, why)] = _run(w)
    assert anchor == f"care-leaver:{unborn.mother}"
    assert "care leaver by Quay Leaving Care Service" in why
    assert "due on 20 June 2026" in why and "no pre-birth assessment" in why


def test_a_pre_birth_assessment_resolves_it() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 6, 20))
    assert unborn.mother is not None
    _care_leaver(w, unborn.mother, date(2025, 12, 1))
    w.fact(
        "assessment",
        child=unborn,
        occurred_on=date(2026, 2, 1),
        kind="pre_birth",
        father_involved="yes",
        father_not_involved_reason="",
        mother_checks_done="yes",
        father_checks_done="yes",
    )
    assert _run(w) == []


def test_no_personal_adviser_named_fires_even_after_the_assessment() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 6, 20))
    assert unborn.mother is not None
    _care_leaver(w, unborn.mother, date(2025, 12, 1), adviser=None)
    w.fact(
        "assessment",
        child=unborn,
        occurred_on=date(2026, 2, 1),
        kind="pre_birth",
        father_involved="yes",
        father_not_involved_reason="",
        mother_checks_done="yes",
        father_checks_done="yes",
    )
    [(_, why)] = _run(w)
    assert "no personal adviser is named" in why and "pre-birth" not in why.split("but")[1]
    assert _run(w, require_personal_adviser=False) == []


def test_a_care_leaver_father_counts_unless_the_partnership_says_not() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 6, 20))
    father = w.adult(unborn, "birth_father")
    _care_leaver(w, father, date(2026, 1, 10))
    [(_, why)] = _run(w)
    assert why.startswith("The father is recorded as a care leaver")
    assert _run(w, include_fathers=False) == []


def test_near_misses_do_not_fire() -> None:
    w = WorldBuilder(TODAY)
    not_leaver = w.child(expected=date(2026, 6, 20))  # status says no
    assert not_leaver.mother is not None
    w.fact(
        "careleaverstatus",
        subject=not_leaver.mother,
        occurred_on=date(2026, 1, 1),
        care_leaver="no",
        personal_adviser=None,
    )
    known_after = w.child(dob=date(2025, 5, 1))  # known as a care leaver only after the birth
    assert known_after.mother is not None
    _care_leaver(w, known_after.mother, date(2025, 9, 1))
    later = w.child(expected=date(2026, 8, 1))  # recorded after today
    assert later.mother is not None
    _care_leaver(w, later.mother, date(2026, 3, 15))
    assert _run(w) == []
