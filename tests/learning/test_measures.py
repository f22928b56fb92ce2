"""The learning measures on small worlds built by hand, each with a known answer."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from seen.learning.measures import Count, Placement, compute, parse_quarter, quarter_of
from seen.rules.world import Child
from tests.rules.builder import WorldBuilder

TODAY = date(2026, 3, 1)


def _counts(w: WorldBuilder, **options: Any) -> dict[tuple[str, str, str, str], tuple[int, int]]:
    world = w.build()
    placement = options.pop("placement", None) or Placement(world)
    found: list[Count] = compute(world, placement, **options)
    return {(c.measure, c.part, c.area, c.period): (c.numerator, c.denominator) for c in found}


def _only(counts: dict[tuple[str, str, str, str], tuple[int, int]], measure: str) -> dict:
    return {k[1:]: v for k, v in counts.items() if k[0] == measure}


def test_quarters() -> None:
    assert quarter_of(date(2025, 3, 31)) == "2025-Q1"
    assert quarter_of(date(2025, 10, 1)) == "2025-Q4"
    assert parse_quarter(" 2025-q3 ") == "2025-Q3"
    for bad in ("2025-Q5", "2025Q3", "25-Q1", "", "2025-Q3x", "abcd-Q1", "0001-Q1"):
        assert parse_quarter(bad) is None, bad


def test_fathers_seen_per_mandated_contact_kind() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 12, 1))
    midwifery = w.agency("midwifery")
    on = date(2025, 12, 12)
    w.fact("contact", child=baby, occurred_on=on, kind="new_birth", father_seen="yes")
    w.fact("contact", child=baby, occurred_on=on, kind="new_birth", father_seen="no")
    w.fact("contact", child=baby, occurred_on=on, kind="new_birth", father_seen="not_known")
    # no father or male carer: not counted
    w.fact("contact", child=baby, occurred_on=on, kind="new_birth", father_seen="not_applicable")
    w.fact("contact", child=baby, occurred_on=date(2026, 1, 20), kind="six_to_eight_weeks",
           father_seen="yes")
    # a midwife's antenatal contact is not the health visitor's mandated one; a home visit is
    # no mandated contact at all
    w.fact("contact", child=baby, occurred_on=on, kind="antenatal", father_seen="no",
           agency=midwifery)
    w.fact("contact", child=baby, occurred_on=on, kind="home_visit", father_seen="no")
    assert _only(_counts(w), "fathers-seen") == {
        ("new_birth", "QAV", "2025-Q4"): (1, 3),
        ("six_to_eight_weeks", "QAV", "2026-Q1"): (1, 1),
    }


def test_pre_birth_assessments_father_involved_and_both_checked() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 5, 1))
    on = date(2026, 1, 10)

    def assessment(involved: str, mother: str, father: str) -> None:
        w.fact("assessment", child=unborn, occurred_on=on, kind="pre_birth",
               father_involved=involved, mother_checks_done=mother, father_checks_done=father)

    assessment("yes", "yes", "yes")  # involved, both checked
    assessment("no", "yes", "no")  # neither
    assessment("yes", "no", "yes")  # involved, only the father checked
    assessment("not_applicable", "yes", "not_applicable")  # no father: in neither denominator
    w.fact("assessment", child=unborn, occurred_on=on, kind="child_and_family",
           father_involved="no", mother_checks_done="no", father_checks_done="no")
    assert _only(_counts(w), "pre-birth-assessments") == {
        ("father-involved", "QAV", "2026-Q1"): (2, 3),
        ("both-checked", "QAV", "2026-Q1"): (1, 3),
    }


def test_was_not_brought_followed_up_within_the_rules_window() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 9, 1))

    def miss(on: date, followed: date | None = None, outcome: str = "was_not_brought") -> None:
        w.fact("appointment", subject=baby, occurred_on=on, service="health_visiting",
               outcome=outcome, followed_up_on=followed)

    miss(date(2026, 1, 5), date(2026, 1, 12))  # followed up on day 7: in time
    miss(date(2026, 2, 2), date(2026, 2, 16))  # day 14: late
    miss(date(2026, 2, 3))  # never: late
    miss(date(2026, 1, 8), outcome="attended")  # not a miss
    miss(date(2026, 2, 25))  # window still open (due 4 March): not yet counted
    miss(date(2026, 1, 9), outcome="did_not_attend")
    # a referral within the window answers a miss before it (not the later ones)
    w.fact("referral", child=baby, occurred_on=date(2026, 1, 10), kind="early_help")
    assert _only(_counts(w), "was-not-brought") == {("in-time", "QAV", "2026-Q1"): (2, 4)}
    # the partnership's own window, as the rule reads it
    counts = _counts(w, parameters={"was-not-brought": {"follow_up_within_days": 14}})
    assert _only(counts, "was-not-brought") == {("in-time", "QAV", "2026-Q1"): (3, 4)}


def test_injuries_on_non_mobile_babies_referred_the_same_day() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 12, 1))
    older = w.child(dob=date(2025, 1, 1))
    on = date(2026, 1, 15)
    w.fact("injury", child=baby, occurred_on=on, kind="bruise", mobility="not_recorded")
    w.fact("referral", child=baby, occurred_on=on, kind="childrens_social_care")
    w.fact("referral", child=baby, occurred_on=on, kind="paediatric_assessment")
    w.fact("injury", child=baby, occurred_on=date(2026, 2, 1), kind="bruise",
           mobility="non_mobile")
    w.fact("referral", child=baby, occurred_on=date(2026, 2, 2), kind="childrens_social_care")
    w.fact("injury", child=baby, occurred_on=date(2026, 2, 3), kind="burn", mobility="non_mobile")
    # older and mobile: not counted; older but recorded as non-mobile: counted
    w.fact("injury", child=older, occurred_on=on, kind="bruise", mobility="walking")
    w.fact("injury", child=older, occurred_on=on, kind="fracture", mobility="non_mobile")
    w.fact("referral", child=older, occurred_on=on, kind="childrens_social_care")
    w.fact("referral", child=older, occurred_on=on, kind="paediatric_assessment")
    assert _only(_counts(w), "non-mobile-injury") == {
        ("bruising", "QAV", "2026-Q1"): (1, 2),
        ("any-injury", "QAV", "2026-Q1"): (2, 4),
    }


def test_programme_completion_of_started_and_of_ended() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 6, 1))
    father = w.adult(baby)
    plan = w.fact("plan", child=baby, occurred_on=date(2025, 7, 1), kind="child_in_need")

    def step(ref: str, on: date, status: str, plan_id: int | None = plan.id) -> None:
        w.fact("programmeevent", subject=father, plan=plan_id, programme_ref=ref,
               programme="domestic_abuse_perpetrator", occurred_on=on, status=status)

    step("A", date(2025, 7, 10), "referred")
    step("A", date(2025, 11, 10), "completed")  # completed: counted in its first quarter
    step("B", date(2025, 8, 1), "referred")
    step("B", date(2025, 9, 1), "withdrawn")
    step("C", date(2025, 9, 5), "referred")  # still going
    step("D", date(2025, 9, 5), "referred", plan_id=None)  # in no plan: not counted
    assert _only(_counts(w), "programme-completion") == {
        ("of-started", "QAV", "2025-Q3"): (1, 3),
        ("of-ended", "QAV", "2025-Q3"): (1, 2),
    }


def _alert(child: Child, raised: datetime, hours: int, **row: Any) -> dict[str, Any]:
    return {
        "child_key": child.key,
        "raised_at": raised,
        "deadline": raised + timedelta(hours=hours),
        "escalated_at": None,
        "answered_at": None,
        "resolved_unanswered": False,
        **row,
    }


def test_alerts_answered_by_the_deadline_and_escalated() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 12, 1))
    raised = datetime(2026, 1, 5, 9, tzinfo=UTC)
    now = datetime(2026, 2, 20, 9, tzinfo=UTC)
    alerts = [
        _alert(baby, raised, 72, answered_at=raised + timedelta(hours=2)),  # in time
        _alert(baby, raised, 72, answered_at=raised + timedelta(hours=80)),  # late
        _alert(baby, raised, 72, escalated_at=raised + timedelta(hours=72)),  # never answered
        _alert(baby, raised, 72, resolved_unanswered=True),  # new facts closed it: left out
        _alert(baby, now - timedelta(hours=1), 72),  # not yet due: only in escalations
        _alert(Child(key="child:999", person=999), raised, 72),  # no such child: left out
    ]
    counts = _only(_counts(w, alerts=alerts, now=now), "alerts")
    assert counts == {
        ("answered", "QAV", "2026-Q1"): (1, 3),
        ("escalated", "QAV", "2026-Q1"): (1, 5),
    }


def test_men_linked_across_areas_counted_once_per_area_and_quarter() -> None:
    w = WorldBuilder(TODAY)
    w.agency("police", area=None)
    baby = w.child(dob=date(2026, 1, 5))
    twin = w.child(dob=date(2026, 1, 5), mother=baby.mother)
    roaming = w.person(areas=("QAV", "QBM"))  # has lived in two areas
    w.adult(baby, person=roaming)
    w.adult(twin, person=roaming)  # the same man around two babies: counted once
    local = w.adult(baby, "mothers_partner")
    w.fact("conviction", subject=local, occurred_on=date(2020, 1, 1),
           offence_category="violence_against_the_person")  # QAV agency: still one area
    elsewhere = w.child(dob=date(2026, 2, 1), area="QBM")
    carer = w.adult(elsewhere, "male_carer", area="QBM")
    w.adult(baby, "household_adult", person=carer)  # around children in two areas
    w.adult(baby, "household_adult", sex="female")  # not a man
    counts = _only(_counts(w), "men-across-areas")
    assert counts == {
        ("linked", "QAV", "2026-Q1"): (2, 3),
        ("linked", "QBM", "2026-Q1"): (1, 1),
    }


def test_the_childs_area_is_its_residence_on_the_day_else_the_mothers() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 6, 1), area="QAV")
    unborn = w.child(expected=date(2026, 6, 1), area="QAV")
    w.fact("contact", child=baby, occurred_on=date(2025, 6, 12), kind="new_birth",
           father_seen="yes")
    w.fact("contact", child=baby, occurred_on=date(2025, 7, 20), kind="six_to_eight_weeks",
           father_seen="yes")
    w.fact("assessment", child=unborn, occurred_on=date(2026, 1, 10), kind="pre_birth",
           father_involved="yes", mother_checks_done="yes", father_checks_done="yes")
    world = w.build()
    assert baby.person is not None and unborn.mother is not None
    placement = Placement(
        world,
        {
            baby.person: [(None, date(2025, 6, 30), "QBM"), (date(2025, 7, 1), None, "QCW")],
            unborn.mother: [(date(2020, 1, 1), None, "QDX")],
        },
    )
    counts = {(c.measure, c.area) for c in compute(world, placement)}
    assert counts == {
        ("fathers-seen", "QBM"),  # moved on 1 July: the new birth visit was in QBM
        ("fathers-seen", "QCW"),
        ("pre-birth-assessments", "QDX"),  # an unborn child lives where its mother does
    }
