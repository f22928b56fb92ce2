"""non-mobile-injury: any injury on a baby under 6 months or not yet mobile needs a same-day
referral to children's social care and a paediatric assessment."""

from __future__ import annotations

from datetime import date

from seen.rules.procedures.non_mobile_injury import NonMobileInjury
from tests.rules.builder import WorldBuilder, explanations

RULE = NonMobileInjury()
TODAY = date(2026, 3, 1)


def test_a_bruise_on_a_young_baby_without_referral_fires() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2026, 1, 1))
    w.fact(
        "injury", child=baby, occurred_on=date(2026, 2, 10), kind="bruise", mobility="not_recorded"
    )
    [why] = explanations(RULE, w)
    assert "40 days old" in why and "children's social care" in why
    assert why.endswith("were not made that day.")


def test_a_non_mobile_older_baby_fires() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 6, 1))
    w.fact(
        "injury", child=baby, occurred_on=date(2026, 2, 10), kind="fracture", mobility="non_mobile"
    )
    assert len(explanations(RULE, w)) == 1


def test_same_day_referrals_satisfy_the_rule() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2026, 1, 1))
    on = date(2026, 2, 10)
    w.fact("injury", child=baby, occurred_on=on, kind="bruise", mobility="non_mobile")
    w.fact("referral", child=baby, occurred_on=on, kind="childrens_social_care")
    assert len(explanations(RULE, w)) == 1  # the paediatric assessment is still missing
    w.fact("referral", child=baby, occurred_on=on, kind="paediatric_assessment")
    assert explanations(RULE, w) == []


def test_near_misses_do_not_fire() -> None:
    w = WorldBuilder(TODAY)
    walking = w.child(dob=date(2025, 4, 1))  # ten months, cruising
    w.fact(
        "injury", child=walking, occurred_on=date(2026, 2, 1), kind="bruise", mobility="cruising"
    )
    late = w.child(dob=date(2026, 1, 1))  # referred, but the next day
    assert explanations(RULE, w) == []
    w.fact("injury", child=late, occurred_on=date(2026, 2, 1), kind="bruise", mobility="non_mobile")
    w.fact("referral", child=late, occurred_on=date(2026, 2, 2), kind="childrens_social_care")
    w.fact("referral", child=late, occurred_on=date(2026, 2, 2), kind="paediatric_assessment")
    assert len(explanations(RULE, w)) == 1  # a referral the next day is not same-day
    assert (
        len(explanations(RULE, w, referral_within_days=1)) == 0
    )  # unless the partnership allows a day


def test_the_partnership_can_lower_the_age() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 10, 1))  # 4 months at the injury, rolling
    w.fact("injury", child=baby, occurred_on=date(2026, 2, 1), kind="bruise", mobility="rolling")
    assert len(explanations(RULE, w)) == 1
    assert explanations(RULE, w, non_mobile_under_days=90) == []
