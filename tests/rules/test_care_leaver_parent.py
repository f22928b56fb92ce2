"""care-leaver-parent: a parent who is a care leaver is offered a pre-birth assessment and their
personal adviser is named for the pregnancy."""

from __future__ import annotations

from datetime import date

from seen.rules.procedures.care_leaver_parent import CareLeaverParent
from seen.rules.world import Child, Duty
from tests.rules.builder import WorldBuilder, anchored

RULE = CareLeaverParent()
TODAY = date(2026, 3, 1)


def _name_adviser(child: Child, start: date) -> None:
    child.duties.append(Duty("personal_adviser", 7, start, None))


def _care_leaver(w: WorldBuilder, person: int | None, on: date) -> None:
    assert person is not None
    leaving_care = w.agency("leaving_care", name="Quay Leaving Care Service")
    w.fact(
        "careleaverstatus",
        subject=person,
        occurred_on=on,
        care_leaver="yes",
        personal_adviser=7,
        agency=leaving_care,
    )


def _pre_birth_assessment(w: WorldBuilder, child: Child, on: date) -> None:
    w.fact(
        "assessment",
        child=child,
        occurred_on=on,
        kind="pre_birth",
        father_involved="yes",
        father_not_involved_reason="",
        mother_checks_done="yes",
        father_checks_done="yes",
    )


def test_a_pregnant_care_leaver_with_no_adviser_named_fires_after_two_weeks() -> None:
    w = WorldBuilder(date(2026, 1, 10))
    unborn = w.child(expected=date(2026, 6, 20))  # 17 weeks on 1 February
    _care_leaver(w, unborn.mother, date(2026, 1, 5))
    assert anchored(RULE, w) == []  # five days after: the adviser may still be named
    w.today = date(2026, 1, 20)
    [(anchor, why)] = anchored(RULE, w)
    assert anchor == f"care-leaver:{unborn.mother}"
    assert why == (
        "The mother is recorded as a care leaver by Quay Leaving Care Service (since 5 January "
        "2026) and a baby is due on 20 June 2026, but no personal adviser has been named for the "
        "pregnancy and no pre-birth assessment has been recorded yet."
    )
    assert anchored(RULE, w, adviser_named_within_days=30) == []


def test_an_adviser_named_and_an_assessment_by_28_weeks_satisfy_it() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 5, 1))  # 31 weeks today
    _care_leaver(w, unborn.mother, date(2025, 10, 20))
    _name_adviser(unborn, date(2025, 10, 20))
    [(_, why)] = anchored(RULE, w)  # 28 weeks was 6 February: no assessment by then
    assert why.endswith(
        "but no pre-birth assessment had begun by 28 weeks of pregnancy (6 February 2026)."
    )
    _pre_birth_assessment(w, unborn, date(2026, 1, 15))
    assert anchored(RULE, w) == []


def test_the_assessment_is_not_due_before_28_weeks() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 6, 20))  # 24 weeks today
    _care_leaver(w, unborn.mother, date(2025, 12, 1))
    _name_adviser(unborn, date(2025, 12, 2))
    assert anchored(RULE, w) == []
    assert len(anchored(RULE, w, assessment_by_weeks=20)) == 1  # a partnership asking for 20 weeks


def test_a_baby_born_with_no_pre_birth_assessment_fires() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 11, 23), expected=date(2026, 3, 1))  # born at 26 weeks
    _care_leaver(w, baby.mother, date(2025, 8, 1))
    _name_adviser(baby, date(2025, 8, 1))
    [(_, why)] = anchored(RULE, w)
    assert "no pre-birth assessment had begun by the birth (23 November 2025)" in why


def test_a_care_leaver_father_counts_unless_the_partnership_says_not() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 6, 20))
    father = w.adult(unborn, "birth_father")
    _care_leaver(w, father, date(2026, 1, 10))
    [(_, why)] = anchored(RULE, w)
    assert why.startswith("The father is recorded as a care leaver")
    assert anchored(RULE, w, include_fathers=False) == []


def test_near_misses_do_not_fire() -> None:
    w = WorldBuilder(TODAY)
    not_leaver = w.child(expected=date(2026, 6, 20))  # status says no
    w.fact(
        "careleaverstatus",
        subject=not_leaver.mother,
        occurred_on=date(2026, 1, 1),
        care_leaver="no",
        personal_adviser=None,
    )
    known_after = w.child(dob=date(2025, 5, 1))  # known as a care leaver only after the birth
    _care_leaver(w, known_after.mother, date(2025, 9, 1))
    later = w.child(expected=date(2026, 8, 1))  # recorded after today
    _care_leaver(w, later.mother, date(2026, 3, 15))
    done = w.child(expected=date(2026, 4, 1))  # adviser named, assessed at 22 weeks
    _care_leaver(w, done.mother, date(2025, 8, 20))
    _name_adviser(done, date(2025, 8, 20))
    _pre_birth_assessment(w, done, date(2025, 11, 1))
    assert anchored(RULE, w) == []
