"""Referring a parent to a service and recording the steps of its uptake (seen.recording.referrals):
decided about the child, the man one the recording forms offer, the service one that fits him,
consent or the lawful basis; written with the author's agency and a local id of Seen's own; the
steps in their order; every refusal with its reason."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from seen.access import services as access
from seen.access.models import Role
from seen.areas.models import Practitioner
from seen.casefile.subjects import Subject, resolve_child
from seen.core import clock
from seen.facts.models import ServiceReferral, ServiceUptake
from seen.people.models import Person, SourceRecord
from seen.recording import referrals
from seen.recording.facts import RecordingInvalid, RecordingRefused
from seen.recording.referrals import ReferralDetails, StepDetails
from seen.rules.models import AlertEvent
from tests.directory.test_fitting import EVENINGS, service
from tests.fixtures.alerts import make_alert
from tests.fixtures.partnership import make_user

pytestmark = pytest.mark.django_db
DIRECT = "direct_care"


def worker(baby: Person) -> Any:
    """The social worker leading the baby's plan, the lawful basis recorded: household level."""
    user = make_user(Role.SOCIAL_WORKER, "SW1")
    access.record_basis(user, baby, DIRECT, "consent")
    return user


def father(baby: Person) -> str:
    person = SourceRecord.objects.get(local_id="F1").person
    assert person is not None
    return person.reference


def record(local_id: str) -> int:
    return SourceRecord.objects.get(local_id=local_id).pk


def subject(baby: Person) -> Subject:
    return resolve_child(baby.reference)


def details(service_id: int | None, **changes: Any) -> ReferralDetails:
    values: dict[str, Any] = {
        "service": service_id,
        "reason": "He asked for help with the baby's crying at night.",
        "basis": "consent",
        "lawful_basis": "",
        "procedure": "",
    }
    values.update(changes)
    return ReferralDetails(**values)


def dads(**fields: Any) -> Any:
    return service(
        "Dads in Quillbrook", areas=("QBM",), schedules=EVENINGS, evenings=True, **fields
    )


def test_a_referral_is_written_with_the_authors_agency_his_record_and_the_childs(
    baby: Person,
) -> None:
    group = dads(contact_within_days=5)
    referred = referrals.refer(worker(baby), DIRECT, subject(baby), father(baby), details(group.pk))
    referral = ServiceReferral.objects.get(pk=referred.referral.pk)
    assert referral.agency.code == "QAV-CSC" and referral.local_id.startswith("seen-")
    assert referral.subject_id == record("P77")  # no record in her agency: his latest
    assert referral.child_id == record("CB1")  # her agency's own record of the baby
    assert referral.pregnancy is None
    assert referral.referrer_id == Practitioner.objects.get(local_id="SW1").pk
    assert referral.service == group and referral.basis == "consent"
    assert referral.lawful_basis == "" and referral.occurred_on == clock.today()
    uptake = referrals.uptake_of(referral)
    assert uptake.status == "referred" and uptake.contact_due == date(2025, 7, 16)
    assert not uptake.overdue and referrals.uptake_of(referral, date(2025, 7, 17)).overdue


def test_his_record_in_the_authors_agency_is_the_one_pointed_at(baby: Person) -> None:
    group = dads()
    midwife = make_user(Role.SAFEGUARDING_LEAD, agency="QAV-MAT")
    # a safeguarding lead of the maternity service, to whom an alert was escalated
    alert = make_alert(baby, owner=None, agency="QAV-MAT", role=Role.SAFEGUARDING_LEAD)
    alert.escalated_at = clock.now()
    alert.save()
    access.record_basis(midwife, baby, DIRECT, "consent")
    referred = referrals.refer(midwife, DIRECT, subject(baby), father(baby), details(group.pk))
    assert referred.referral.subject_id == record("F1")
    assert referred.referral.child_id == record("B1")


def test_without_consent_the_lawful_basis_is_needed(baby: Person) -> None:
    group = dads()
    user = worker(baby)
    with pytest.raises(RecordingInvalid) as refused:
        referrals.refer(
            user,
            DIRECT,
            subject(baby),
            father(baby),
            details(group.pk, basis="lawful_basis", lawful_basis="  "),
        )
    assert refused.value.errors == {
        "lawful_basis": "Give the lawful basis for referring him without his consent"
    }
    referred = referrals.refer(
        user,
        DIRECT,
        subject(baby),
        father(baby),
        details(group.pk, basis="lawful_basis", lawful_basis="Child protection plan: s.47"),
    )
    assert referred.referral.lawful_basis == "Child protection plan: s.47"
    # with consent, a lawful basis typed as well is not kept
    kept = referrals.refer(
        user, DIRECT, subject(baby), father(baby), details(group.pk, lawful_basis="not needed")
    )
    assert kept.referral.lawful_basis == ""


def test_every_field_is_refused_at_once_with_its_reason(baby: Person) -> None:
    with pytest.raises(RecordingInvalid) as refused:
        referrals.refer(
            worker(baby),
            DIRECT,
            subject(baby),
            father(baby),
            details(None, reason="", basis="maybe", procedure="no-such-procedure"),
        )
    assert refused.value.errors == {
        "service": "Choose the service to refer him to",
        "reason": "Say why you are referring him",
        "basis": "Say whether he consents to the referral",
        "procedure": "Seen knows no procedure 'no-such-procedure'",
    }
    assert not ServiceReferral.objects.exists()


def test_a_service_that_does_not_fit_him_is_refused_with_why(baby: Person) -> None:
    mums = service("Mums together", audiences=["mothers"])
    closed = dads(status="temporarily closed", oruk_id="closed")
    user = worker(baby)
    for chosen, why in (
        (mums, "Mums together does not fit him: It is for mothers; he is the birth father"),
        (closed, "Dads in Quillbrook does not fit him: It is temporarily closed"),
    ):
        with pytest.raises(RecordingInvalid) as refused:
            referrals.refer(user, DIRECT, subject(baby), father(baby), details(chosen.pk))
        assert refused.value.errors == {"service": why}


def test_only_a_man_around_the_child_the_author_may_see_is_referred(baby: Person) -> None:
    group = dads()
    mother = SourceRecord.objects.get(local_id="M1").person
    assert mother is not None
    user = worker(baby)
    for reference in (mother.reference, baby.reference, "P99999999", "x" * 300):
        with pytest.raises(RecordingInvalid) as refused:
            referrals.refer(user, DIRECT, subject(baby), reference, details(group.pk))
        assert set(refused.value.errors) == {"person"}
    # the health visitor at the flag level sees only the men her own agency records
    visitor = make_user(Role.HEALTH_VISITOR, "HV1")
    with pytest.raises(RecordingInvalid) as refused:
        referrals.refer(visitor, DIRECT, subject(baby), father(baby), details(group.pk))
    assert "not a father or male carer recorded around this child" in refused.value.errors["person"]


def test_refused_without_a_relationship_or_for_a_role_that_records_nothing(baby: Person) -> None:
    group = dads()
    for user in (
        make_user(Role.SOCIAL_WORKER, "SW2"),
        make_user(Role.SYSTEM_ADMINISTRATOR),
        make_user(Role.STRATEGIC_LEADER),
        None,
    ):
        with pytest.raises(RecordingRefused):
            referrals.refer(user, DIRECT, subject(baby), father(baby), details(group.pk))
    with pytest.raises(RecordingRefused) as refused:  # a purpose that is not for recording
        referrals.refer(worker(baby), "strategic", subject(baby), father(baby), details(group.pk))
    assert "record fact is only for" in str(refused.value)
    assert not ServiceReferral.objects.exists()


def test_from_an_alert_the_referral_is_the_action_taken(baby: Person) -> None:
    group = dads(procedures=["coping-with-crying"])
    user = worker(baby)
    alert = make_alert(baby, owner="SW1", agency="QAV-CSC", role=Role.SOCIAL_WORKER)
    alert.rule_id = "coping-with-crying"
    alert.save()
    referred = referrals.refer(
        user, DIRECT, subject(baby), father(baby), details(group.pk), alert=alert
    )
    assert referred.referral.procedure == "coping-with-crying"  # the alert's, when none given
    event = referred.alert_event
    assert event is not None and event.action == AlertEvent.Action.REFERRAL_MADE
    assert referred.referral.local_id in event.note and "Dads in Quillbrook" in event.note
    assert AlertEvent.objects.filter(alert=alert, kind="action").get() == event


def test_an_alert_about_another_child_is_refused(baby: Person) -> None:
    group = dads()
    user = worker(baby)
    mother = SourceRecord.objects.get(local_id="M1").person
    assert mother is not None
    other = make_alert(mother, owner="SW1", agency="QAV-CSC", role=Role.SOCIAL_WORKER)
    with pytest.raises(RecordingInvalid) as refused:
        referrals.refer(user, DIRECT, subject(baby), father(baby), details(group.pk), alert=other)
    assert refused.value.errors == {"alert": f"Alert {other.pk} is not about this child"}


def test_an_alert_the_author_does_not_answer_for_is_left_alone(baby: Person) -> None:
    group = dads()
    alert = make_alert(baby)  # the health visitor's
    referred = referrals.refer(
        worker(baby), DIRECT, subject(baby), father(baby), details(group.pk), alert=alert
    )
    assert referred.alert_event is None
    assert not AlertEvent.objects.filter(alert=alert, kind="action").exists()


# --- the steps ------------------------------------------------------------------------------------


def _referred(baby: Person) -> tuple[Any, ServiceReferral]:
    user = worker(baby)
    group = dads()
    return user, referrals.refer(
        user, DIRECT, subject(baby), father(baby), details(group.pk)
    ).referral


def step(status: str, day: date | None = date(2025, 7, 11), **more: Any) -> StepDetails:
    return StepDetails(status, day, more.get("session"), more.get("reason", ""))


def test_a_step_copies_the_referrals_parent_and_child(baby: Person) -> None:
    user, referral = _referred(baby)
    stepped = referrals.record_step(user, DIRECT, referral, step("contacted"))
    made = ServiceUptake.objects.get(pk=stepped.step.pk)
    assert made.referral == referral and made.local_id.startswith("seen-")
    assert (made.subject_id, made.child_id, made.pregnancy_id) == (
        referral.subject_id,
        referral.child_id,
        referral.pregnancy_id,
    )
    assert made.agency.code == "QAV-CSC" and made.session is None
    assert referrals.uptake_of(referral).status == "contacted"


def test_the_date_is_not_before_the_referral_nor_in_the_future(baby: Person) -> None:
    user, referral = _referred(baby)
    cases = {
        date(2025, 7, 10): "The date of the step must be on or after the referral (11 July 2025)",
        date(2025, 7, 12): "The date of the step must be today or in the past",
        None: "Enter the date of the step",
    }
    for day, message in cases.items():
        with pytest.raises(RecordingInvalid) as refused:
            referrals.record_step(user, DIRECT, referral, step("contacted", day))
        assert refused.value.errors == {"occurred_on": message}


def test_sessions_and_reasons(baby: Person) -> None:
    user, referral = _referred(baby)
    refusals = [
        (step("attended"), {"session": "Give the number of the session"}),
        (step("missed", session=0), {"session": "The session's number must be from 1 to 500"}),
        (
            step("offered", session=2),
            {"session": "Give a session's number only for a session attended or missed"},
        ),
        (
            step("declined"),
            {"reason": "Say why he declined or dropped out (if no reason was given, say so)"},
        ),
        (
            step("dropped_out", reason="   "),
            {"reason": "Say why he declined or dropped out (if no reason was given, say so)"},
        ),
        (
            step("finished"),
            {
                "status": "Choose the step: contacted, offered, attended, missed, "
                "completed, declined, dropped out"
            },
        ),
        (step("contacted", reason="x" * 2001), {"reason": "Write no more than 2000 characters"}),
    ]
    for details_, errors in refusals:
        with pytest.raises(RecordingInvalid) as refused:
            referrals.record_step(user, DIRECT, referral, details_)
        assert refused.value.errors == errors, details_
    attended = referrals.record_step(user, DIRECT, referral, step("attended", session=1))
    assert attended.step.session == 1
    assert not ServiceUptake.objects.filter(status__in=["missed", "offered", "declined"]).exists()


def test_no_step_after_the_referral_ended(baby: Person) -> None:
    user, referral = _referred(baby)
    referrals.record_step(user, DIRECT, referral, step("contacted"))
    referrals.record_step(user, DIRECT, referral, step("declined", reason="works nights"))
    with pytest.raises(RecordingInvalid) as refused:
        referrals.record_step(user, DIRECT, referral, step("attended", session=1))
    assert refused.value.errors == {
        "status": "The referral ended (declined on 11 July 2025): no step can follow"
    }
    uptake = referrals.uptake_of(referral)
    assert uptake.ended and uptake.status == "declined"
    assert [s.status for s in uptake.steps] == ["contacted", "declined"]


def test_a_step_is_refused_without_a_relationship(baby: Person) -> None:
    _, referral = _referred(baby)
    for user in (make_user(Role.SOCIAL_WORKER, "SW2"), make_user(Role.REVIEWER), None):
        with pytest.raises(RecordingRefused):
            referrals.record_step(user, DIRECT, referral, step("contacted"))
    assert not ServiceUptake.objects.exists()


def test_a_referral_is_found_by_its_number_or_local_id(baby: Person) -> None:
    _, referral = _referred(baby)
    assert referrals.find_referral(str(referral.pk)) == referral
    assert referrals.find_referral(referral.local_id) == referral
    assert referrals.find_referral("seen-0") is None
    for hostile in ("x" * 300, "a b", "../1", ""):
        with pytest.raises(referrals.NoSuchReferral):
            referrals.find_referral(hostile)
