"""Plans, programmes and conferences written in Seen (seen.recording.plans): the step-down
checklist, the conference's required invitations (or the reason), programme engagement, and
the rules run for the child after each write."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from seen.areas.models import Practitioner
from seen.casefile.subjects import Subject, resolve_child
from seen.facts.models import Conference, Plan, ProgrammeEvent
from seen.people.models import Pregnancy, SourceRecord
from seen.recording import plans as planning
from seen.rules.models import Alert
from seen.triage.models import LeftOut

pytestmark = pytest.mark.django_db
ON = date(2025, 7, 10)


def _cp_plan() -> Plan:
    return Plan.objects.get(local_id="PL1")


def _key_worker() -> Practitioner:
    return Practitioner.objects.get(local_id="SW2")


def test_step_down_is_refused_without_the_checklist(subject: Subject, worker: Any) -> None:
    with pytest.raises(planning.PlanningRefused) as refused:
        planning.step_down(
            worker,
            subject,
            plan=_cp_plan(),
            on=ON,
            key_worker=None,
            information_sharing_plan="no",
            review_date=None,
        )
    assert [f for f, _ in refused.value.errors] == [
        "key_worker",
        "information_sharing_plan",
        "review_date",
    ]
    assert Plan.objects.count() == 1


def test_a_step_down_with_its_checklist_is_a_new_plan_stepped_down_from_the_old(
    subject: Subject, worker: Any
) -> None:
    cin = planning.step_down(
        worker,
        subject,
        plan=_cp_plan(),
        on=ON,
        key_worker=_key_worker(),
        information_sharing_plan="yes",
        review_date=date(2025, 10, 10),
    )
    assert cin.kind == Plan.Kind.CHILD_IN_NEED and cin.stepped_down_from == "PL1"
    assert cin.local_id.startswith("seen-") and cin.key_worker == _key_worker()
    assert cin.lead_practitioner is not None and cin.lead_practitioner.local_id == "SW1"
    assert cin.child is not None and cin.child.person_id == subject.ref.person
    # and on to Early Help: the Seen-written plan it leaves ends that day
    early_help = planning.step_down(
        worker,
        subject,
        plan=cin,
        on=date(2025, 7, 11),
        key_worker=_key_worker(),
        information_sharing_plan="yes",
        review_date=date(2025, 9, 1),
    )
    assert early_help.kind == Plan.Kind.EARLY_HELP
    cin.refresh_from_db()
    assert cin.end == date(2025, 7, 11)
    assert not Alert.objects.filter(rule_id="step-down").exists()
    with pytest.raises(planning.PlanningRefused, match="cannot be stepped down"):
        planning.step_down(
            worker,
            subject,
            plan=early_help,
            on=date(2025, 7, 11),
            key_worker=_key_worker(),
            information_sharing_plan="yes",
            review_date=date(2025, 9, 1),
        )


def test_a_step_down_alert_resolves_when_the_checklist_is_met(
    subject: Subject, worker: Any
) -> None:
    """An Early Help plan stepped down without its checklist (from an agency's extract) has an
    alert; a new step-down with the checklist answers the rule for the plan that replaces it."""
    planning.start_plan(
        worker, subject, kind="child_in_need", start=date(2025, 6, 25),
        information_sharing_plan="yes",
    )
    cin = Plan.objects.get(kind="child_in_need")
    Plan.objects.create(
        agency=cin.agency, local_id="EH-LOOSE", occurred_on=date(2025, 7, 1), child=cin.child,
        kind="early_help", stepped_down_from=cin.local_id, information_sharing_plan="no",
    )
    planning.start_plan(  # any write runs the rules for the child
        worker, subject, kind="early_help", start=date(2025, 7, 2), information_sharing_plan="no"
    )
    alert = Alert.objects.get(rule_id="step-down")
    assert "no key worker" in alert.explanation and alert.status != Alert.Status.CLOSED
    loose = Plan.objects.get(local_id="EH-LOOSE")
    loose.key_worker, loose.review_date = _key_worker(), date(2025, 9, 1)
    loose.information_sharing_plan = "yes"
    loose.save()
    planning.start_plan(
        worker, subject, kind="early_help", start=date(2025, 7, 3), information_sharing_plan="no"
    )
    alert.refresh_from_db()
    assert alert.status == Alert.Status.CLOSED and alert.outcome == "resolved by new facts"


def test_a_conference_without_the_father_is_refused_without_a_reason(
    subject: Subject, worker: Any
) -> None:
    with pytest.raises(planning.PlanningRefused) as refused:
        planning.record_conference(
            worker,
            subject,
            kind="initial",
            on=ON,
            invited=["mother", "gp", "housing", "social_worker"],
            attended=["mother", "social_worker"],
            left_out={},
        )
    assert refused.value.errors == [("reason_father", "Invite the father, or say why not")]
    assert not Conference.objects.exists()


def test_a_conference_leaving_the_father_out_keeps_the_reason_and_the_rule_still_asks(
    subject: Subject, worker: Any
) -> None:
    conference = planning.record_conference(
        worker,
        subject,
        kind="initial",
        on=ON,
        invited=["mother", "gp", "housing", "social_worker"],
        attended=["mother", "social_worker", "gp"],
        left_out={"father": "the mother fears for her safety if he is told"},
    )
    assert conference.invited == ["mother", "gp", "housing", "social_worker"]
    [reason] = LeftOut.objects.filter(conference=conference)
    assert reason.role == "father" and "safety" in reason.reason
    alert = Alert.objects.get(rule_id="conference-invitations")
    assert "father or male carer" in alert.explanation


def test_a_conference_inviting_the_male_carer_the_gp_and_housing_needs_no_reason(
    subject: Subject, worker: Any
) -> None:
    planning.record_conference(
        worker,
        subject,
        kind="review",
        on=ON,
        invited=["mother", "male_carer", "gp", "housing"],
        attended=["mother", "male_carer"],
        left_out={},
    )
    assert not LeftOut.objects.exists()
    assert not Alert.objects.filter(rule_id="conference-invitations").exists()


def test_a_conference_records_only_the_invited_as_attending(
    subject: Subject, worker: Any
) -> None:
    with pytest.raises(planning.PlanningRefused, match="Only those invited"):
        planning.record_conference(
            worker,
            subject,
            kind="review",
            on=ON,
            invited=["father", "gp", "housing"],
            attended=["police"],
            left_out={},
        )


def test_programme_attendance_is_counted_per_programme(subject: Subject, worker: Any) -> None:
    father = SourceRecord.objects.get(local_id="F1")
    plan = _cp_plan()
    for status, day in [("referred", 1), ("attended", 3), ("missed", 5), ("attended", 8)]:
        planning.record_programme_event(
            worker,
            subject,
            plan=plan,
            participant=father,
            programme="domestic_abuse_perpetrator",
            status=status,
            on=date(2025, 7, day),
        )
    [programme] = planning.programmes_of(planning.plans_of(subject))
    assert (programme.attended, programme.missed, programme.status) == (2, 1, "attended")
    assert ProgrammeEvent.objects.values("programme_ref").distinct().count() == 1
    stranger = SourceRecord.objects.get(local_id="P77")  # the father's police record: no
    with pytest.raises(planning.PlanningRefused, match="who attends"):  # relationship on it
        planning.record_programme_event(
            worker, subject, plan=plan, participant=stranger,
            programme="parenting", status="referred", on=ON,
        )


def test_a_child_protection_plan_needs_its_category(subject: Subject, worker: Any) -> None:
    with pytest.raises(planning.PlanningRefused, match="category of abuse"):
        planning.start_plan(worker, subject, kind="child_protection", start=ON)
    with pytest.raises(planning.PlanningRefused, match="unborn"):
        planning.start_plan(worker, subject, kind="pre_birth", start=ON)


def test_a_pre_birth_conference_for_an_unborn_child(worker: Any) -> None:
    mother = SourceRecord.objects.get(local_id="M1")
    pregnancy = Pregnancy.objects.create(
        agency=mother.agency, local_id="PR2", mother=mother, expected_date=date(2026, 3, 1)
    )
    unborn = resolve_child(f"U{pregnancy.pk}")
    assert planning.must_invite(unborn) == ["gp", "housing"]  # no man known around it yet
    conference = planning.record_conference(
        worker,
        unborn,
        kind="pre_birth",
        on=ON,
        invited=["mother", "gp"],
        attended=["mother", "gp"],
        left_out={"housing": "the family owns its home"},
    )
    assert conference.pregnancy == pregnancy and conference.child is None
    assert planning.conferences_of(unborn) == [conference]


def test_attendance_recorded_later_resolves_the_alert(subject: Subject, worker: Any) -> None:
    conference = planning.record_conference(
        worker,
        subject,
        kind="initial",
        on=date(2025, 7, 1),
        invited=["mother", "father", "gp", "housing"],
        attended=[],
        left_out={},
    )
    alert = Alert.objects.get(rule_id="conference-invitations")
    assert "no record of who attended" in alert.explanation
    assert planning.awaiting_attendance(subject, worker) == [conference]
    with pytest.raises(planning.PlanningRefused, match="Only those invited"):
        planning.record_attendance(worker, subject, conference=conference, attended=["police"])
    planning.record_attendance(worker, subject, conference=conference, attended=["mother", "gp"])
    alert.refresh_from_db()
    assert alert.status == Alert.Status.CLOSED
    assert planning.awaiting_attendance(subject, worker) == []
    with pytest.raises(planning.PlanningRefused, match="Choose a conference"):
        planning.record_attendance(worker, subject, conference=conference, attended=["father"])
