"""father-seen-at-mandated-contact: a new-birth visit or 6-8 week review that did not see the
father and recorded no reason prompts the health visitor to engage him; seeing him at a later
mandated contact answers it."""

from __future__ import annotations

from datetime import date

from seen.rules.procedures.father_seen_at_mandated_contact import FatherSeenAtMandatedContact
from seen.rules.world import Child
from tests.rules.builder import WorldBuilder, explanations

RULE = FatherSeenAtMandatedContact()
TODAY = date(2026, 3, 1)
BORN = date(2025, 12, 1)


def _family(w: WorldBuilder) -> tuple[Child, int]:
    baby = w.child(dob=BORN)
    return baby, w.adult(baby)


def _contact(
    w: WorldBuilder,
    baby: Child,
    father: int | None,
    kind: str,
    on: date,
    seen: str,
    reason: str = "",
) -> None:
    w.fact(
        "contact",
        child=baby,
        occurred_on=on,
        kind=kind,
        mother_seen="yes",
        father=father,
        father_seen=seen,
        father_not_seen_reason=reason,
    )


def test_a_new_birth_visit_without_the_father_and_no_reason_fires() -> None:
    w = WorldBuilder(TODAY)
    baby, father = _family(w)
    _contact(w, baby, father, "new_birth", date(2025, 12, 12), "no")
    [why] = explanations(RULE, w)
    assert "did not see the baby's father at the new-birth visit on 12 December 2025" in why
    assert "no reason" in why and "out of hours" in why


def test_seeing_him_at_the_6_8_week_review_resolves_it() -> None:
    w = WorldBuilder(date(2026, 1, 10))
    baby, father = _family(w)
    _contact(w, baby, father, "new_birth", date(2025, 12, 12), "no")
    _contact(w, baby, father, "six_to_eight_weeks", date(2026, 1, 20), "yes")  # after today
    assert len(explanations(RULE, w)) == 1
    w.today = TODAY
    assert explanations(RULE, w) == []
    # unless the partnership keeps every unexplained miss open until answered
    [why] = explanations(RULE, w, seen_later_resolves=False)
    assert "he was seen at the 6-8 week review on 20 January 2026" in why


def test_missed_at_both_mandated_contacts_is_one_alert_naming_both() -> None:
    w = WorldBuilder(TODAY)
    baby, father = _family(w)
    _contact(w, baby, father, "new_birth", date(2025, 12, 12), "no")
    _contact(w, baby, father, "six_to_eight_weeks", date(2026, 1, 20), "no")
    [why] = explanations(RULE, w)
    assert "new-birth visit on 12 December 2025 and 6-8 week review on 20 January 2026" in why


def test_near_misses_do_not_fire() -> None:
    w = WorldBuilder(TODAY)
    no_father = w.child(dob=BORN)  # no father named
    _contact(w, no_father, None, "new_birth", date(2025, 12, 12), "not_applicable")
    baby, father = _family(w)  # he lives elsewhere: not seen by the midwife, with a reason
    reason = "Lives at a separate address"
    _contact(w, baby, father, "antenatal", date(2025, 9, 1), "no", reason)
    _contact(w, baby, father, "home_visit", date(2025, 12, 4), "no", reason)
    _contact(w, baby, father, "new_birth", date(2025, 12, 12), "yes")
    _contact(w, baby, father, "one_year", date(2026, 2, 12), "no")  # not a mandated contact here
    assert explanations(RULE, w) == []


def test_a_reason_recorded_at_a_mandated_contact_is_a_parameter() -> None:
    w = WorldBuilder(TODAY)
    baby, father = _family(w)
    _contact(w, baby, father, "new_birth", date(2025, 12, 12), "no", "Working away")
    assert explanations(RULE, w) == []
    [why] = explanations(RULE, w, reason_suffices=False)
    assert "the reason recorded: Working away" in why


def test_the_mandated_contacts_are_a_parameter() -> None:
    w = WorldBuilder(TODAY)
    baby, father = _family(w)
    _contact(w, baby, father, "one_year", date(2026, 2, 12), "no")
    assert explanations(RULE, w) == []
    assert (
        len(
            explanations(RULE, w, mandated_contacts=["new_birth", "six_to_eight_weeks", "one_year"])
        )
        == 1
    )
