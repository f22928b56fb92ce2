"""was-not-brought: a missed appointment is followed up by the named practitioner; repeated
misses, or a miss while the child has a plan, are referred."""

from __future__ import annotations

from datetime import date, timedelta

from seen.rules.procedures.was_not_brought import WasNotBrought
from tests.rules.builder import WorldBuilder, anchored

RULE = WasNotBrought()
TODAY = date(2026, 3, 1)


def _missed(w: WorldBuilder, subject: object, on: date, **columns: object) -> None:
    row = {"service": "immunisation", "outcome": "was_not_brought", "followed_up_on": None}
    w.fact("appointment", subject=subject, occurred_on=on, **{**row, **columns})


def test_two_immunisations_not_brought_need_a_referral() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 10, 1))
    _missed(w, baby, date(2025, 11, 28))
    _missed(w, baby, date(2025, 12, 26))
    [(anchor, why)] = anchored(RULE, w)
    assert anchor == f"missed:{baby.person}"
    assert "not brought to 2 appointments" in why and "no referral" in why


def test_a_referral_after_the_misses_resolves_it() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 10, 1))
    _missed(w, baby, date(2025, 11, 28))
    _missed(w, baby, date(2025, 12, 26))
    w.fact("referral", child=baby, occurred_on=date(2026, 1, 5), kind="childrens_social_care")
    assert anchored(RULE, w) == []


def test_a_single_miss_followed_up_within_days_does_not_fire() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 10, 1))
    _missed(w, baby, date(2025, 12, 1), followed_up_on=date(2025, 12, 4))
    assert anchored(RULE, w) == []


def test_a_single_miss_not_followed_up_fires_once_overdue() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 10, 1))
    _missed(w, baby, date(2026, 2, 25))
    assert anchored(RULE, w) == []  # four days ago: the practitioner still has time
    w.today = date(2026, 3, 5)
    [(anchor, why)] = anchored(RULE, w)
    assert anchor == f"missed:{baby.person}"
    assert why.endswith("on 25 February 2026, and it was not followed up within 7 days.")
    assert anchored(RULE, w, follow_up_within_days=14) == []  # a partnership allowing two weeks


def test_a_late_follow_up_resolves_the_single_miss() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 10, 1))
    _missed(w, baby, date(2026, 1, 5), followed_up_on=date(2026, 2, 20))
    assert anchored(RULE, w) == []
    w.today = date(2026, 2, 1)  # before the follow-up: it was overdue
    assert len(anchored(RULE, w)) == 1


def test_a_single_miss_under_a_plan_needs_a_referral_at_once() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 10, 1))
    csc = w.agency("childrens_social_care", name="Quay Children's Social Care")
    w.fact(
        "plan", child=baby, occurred_on=date(2026, 1, 1), kind="child_in_need", end=None, agency=csc
    )
    _missed(w, baby, date(2026, 2, 27), followed_up_on=date(2026, 2, 28))
    [(anchor, why)] = anchored(RULE, w)
    assert anchor == f"missed:{baby.person}"
    assert "child in need plan (Quay Children's Social Care)" in why


def test_a_pregnant_mothers_missed_antenatal_appointments_count() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 6, 1))
    pregnancy = min(unborn.pregnancies)
    for on in (date(2026, 1, 5), date(2026, 2, 2)):
        w.fact(
            "appointment",
            subject=unborn.mother,
            pregnancy=pregnancy,
            occurred_on=on,
            service="antenatal",
            outcome="did_not_attend",
            followed_up_on=None,
        )
    [(_, why)] = anchored(RULE, w)
    assert why.startswith("The mother did not attend 2 appointments")


def test_near_misses_do_not_fire() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 6, 1))
    # attended, cancelled, and two misses months apart, each followed up
    w.fact(
        "appointment",
        subject=baby,
        occurred_on=date(2025, 7, 30),
        service="immunisation",
        outcome="attended",
        followed_up_on=None,
    )
    w.fact(
        "appointment",
        subject=baby,
        occurred_on=date(2025, 8, 27),
        service="immunisation",
        outcome="cancelled",
        followed_up_on=None,
    )
    _missed(w, baby, date(2025, 9, 1), followed_up_on=date(2025, 9, 3))
    _missed(w, baby, date(2026, 2, 1), followed_up_on=date(2026, 2, 2))
    assert anchored(RULE, w) == []
    # the same two misses inside a longer window are repeated, if followed-up misses count
    assert anchored(RULE, w, repeated_within_days=180) == []
    assert len(anchored(RULE, w, repeated_within_days=180, count_followed_up_misses=True)) == 1


def test_misses_after_today_are_ignored() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 10, 1))
    _missed(w, baby, date(2026, 2, 1), followed_up_on=date(2026, 2, 2))
    _missed(w, baby, date(2026, 3, 10))
    assert anchored(RULE, w) == []


def test_a_single_miss_that_becomes_repeated_stays_one_alert() -> None:
    w = WorldBuilder(date(2026, 1, 20))
    baby = w.child(dob=date(2025, 10, 1))
    _missed(w, baby, date(2025, 11, 28))
    [(first, why)] = anchored(RULE, w)
    assert "not followed up" in why
    _missed(w, baby, date(2026, 1, 19))
    [(second, why)] = anchored(RULE, w)
    assert second == first and "not brought to 2 appointments" in why


def test_two_followed_up_antenatal_misses_count_only_if_the_partnership_says_so() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 6, 1))
    pregnancy = min(unborn.pregnancies)
    for on in (date(2026, 1, 5), date(2026, 2, 2)):
        w.fact(
            "appointment",
            subject=unborn.mother,
            pregnancy=pregnancy,
            occurred_on=on,
            service="antenatal",
            outcome="did_not_attend",
            followed_up_on=on + timedelta(days=3),
        )
    assert anchored(RULE, w) == []
    assert len(anchored(RULE, w, count_followed_up_misses=True)) == 1
