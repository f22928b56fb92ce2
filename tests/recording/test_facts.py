"""Recording facts in Seen (seen.recording.facts): each kind validated field by field, written
with the author's agency, the child's record and a local id of Seen's own, and the rules run for
the child at once, so that the procedure's alert and prompt follow the fact."""

from __future__ import annotations

from datetime import date

import pytest

from seen.access.models import Role
from seen.access.policy import Decision, Level
from seen.areas.models import Practitioner
from seen.casefile.subjects import Subject, resolve_child
from seen.facts.models import Appointment, Assessment, Contact, Injury
from seen.people.models import Person, Pregnancy, Responsibility, SourceRecord
from seen.recording import facts as recording
from seen.recording.facts import (
    AssessmentDetails,
    ContactDetails,
    InjuryDetails,
    RecordingInvalid,
    RecordingRefused,
    WasNotBroughtDetails,
)
from seen.rules.models import Alert, RuleParameter
from tests.fixtures.partnership import make_user

pytestmark = pytest.mark.django_db
DIRECT = "direct_care"
TODAY = date(2025, 7, 11)  # the fixture's clock


def _subject(person: Person) -> Subject:
    return resolve_child(person.reference)


def _visitor() -> object:
    return make_user(Role.HEALTH_VISITOR, "HV1")


def _contact(**changes: object) -> ContactDetails:
    values: dict[str, object] = {
        "occurred_on": date(2025, 7, 10),
        "kind": "new_birth",
        "mother_seen": "yes",
        "father": "not_known",
        "father_seen": "no",
        "father_not_seen_reason": "at work",
    }
    values.update(changes)
    return ContactDetails(**values)  # type: ignore[arg-type]


def test_a_contact_is_written_with_the_authors_agency_and_the_childs_record(
    baby: Person,
) -> None:
    recorded = recording.record_contact(_visitor(), DIRECT, _subject(baby), _contact())
    contact = Contact.objects.get(pk=recorded.fact.pk)
    assert contact.agency.code == "QAV-HV" and contact.local_id.startswith("seen-")
    assert contact.child is not None and contact.child.local_id == "HB1"  # its own agency's record
    assert contact.practitioner is not None and contact.practitioner.local_id == "HV1"
    assert contact.father_seen == "no" and contact.father_not_seen_reason == "at work"
    [prompt] = recorded.prompts
    assert prompt.rule == "father-seen-at-mandated-contact"
    assert "should see the father" in prompt.statement and "out of hours" in prompt.what_to_do


def test_the_rules_run_at_once_and_the_alert_rests_on_the_new_contact(
    baby: Person,
) -> None:
    RuleParameter.objects.create(
        rule_id="father-seen-at-mandated-contact", name="reason_suffices", value=False
    )
    recorded = recording.record_contact(_visitor(), DIRECT, _subject(baby), _contact())
    [alert] = recorded.alerts
    assert alert.rule_id == "father-seen-at-mandated-contact" and alert.status == "raised"
    assert ["contact", recorded.fact.pk] in alert.facts
    assert "10 July 2025" in alert.explanation
    assert recorded.prompts[0].alerts == (alert.explanation,)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"father_not_seen_reason": "  "}, "father_not_seen_reason", "Say why the father"),
        ({"father_seen": "not_known", "father_not_seen_reason": ""}, "father_not_seen_reason",
         "Say why"),
        ({"father_seen": "maybe"}, "father_seen", "Say whether the father"),
        ({"occurred_on": None}, "occurred_on", "Enter the date of the contact"),
        ({"occurred_on": date(2025, 7, 12)}, "occurred_on", "today or in the past"),
        ({"occurred_on": date(2025, 5, 1)}, "occurred_on", "on or after the child's date of birth"),
        ({"kind": "antenatal"}, "kind", "antenatal contact is the mother's"),
        ({"kind": "party"}, "kind", "Choose the kind of contact"),
        ({"mother_seen": ""}, "mother_seen", "Say whether the mother"),
        ({"father": "P99999"}, "father", "a man recorded around this child"),
        ({"father_not_seen_reason": "x\x00"}, "father_not_seen_reason", "cannot store"),
    ],
)
def test_a_bad_contact_says_what_is_wrong_with_each_field_and_writes_nothing(
    baby: Person,
    changes: dict[str, object],
    field: str,
    message: str,
) -> None:
    with pytest.raises(RecordingInvalid) as raised:
        recording.record_contact(_visitor(), DIRECT, _subject(baby), _contact(**changes))
    assert message in raised.value.errors[field]
    assert not Contact.objects.filter(local_id__startswith="seen-").exists()


def test_the_father_seen_needs_no_reason(baby: Person) -> None:
    recorded = recording.record_contact(
        _visitor(), DIRECT, _subject(baby), _contact(father_seen="yes", father_not_seen_reason="")
    )
    assert recorded.prompts == [] and recorded.fact.father_not_seen_reason == ""


def test_without_a_relationship_nothing_is_written(baby: Person) -> None:
    with pytest.raises(RecordingRefused, match="no legitimate relationship"):
        recording.record_contact(
            make_user(Role.HEALTH_VISITOR, "HV2"), DIRECT, _subject(baby), _contact()
        )
    with pytest.raises(RecordingRefused):
        recording.record_contact(_visitor(), "curiosity", _subject(baby), _contact())
    assert not Contact.objects.filter(local_id__startswith="seen-").exists()


def test_the_men_around_the_child_at_the_flag_and_household_levels(
    baby: Person,
) -> None:
    subject = _subject(baby)
    visitor = _visitor()
    decision = recording.may_record(visitor, DIRECT, subject)
    assert recording.men_around(subject, visitor, decision) == []  # her agency records no man
    midwife_side = make_user(Role.SOCIAL_WORKER, "SW1")
    household = Decision(True, Level.HOUSEHOLD, "test")
    [man] = recording.men_around(subject, midwife_side, household)
    father = SourceRecord.objects.get(local_id="F1")
    assert father.person is not None and man.reference == father.person.reference
    assert man.label == "Robert Tanner (birth father)"


def test_a_named_father_is_the_record_the_contact_points_at(
    baby: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    father = SourceRecord.objects.get(local_id="F1")
    assert father.person is not None
    man = recording.Man(father.person.reference, father.pk, "Robert Tanner (birth father)")
    monkeypatch.setattr(recording, "men_around", lambda *args: [man])
    recorded = recording.record_contact(
        _visitor(), DIRECT, _subject(baby), _contact(father=man.reference)
    )
    assert recorded.fact.father_id == father.pk


def _assessment(**changes: object) -> AssessmentDetails:
    values: dict[str, object] = {
        "occurred_on": date(2025, 5, 20),
        "father": "not_known",
        "father_involved": "yes",
        "father_not_involved_reason": "",
        "mother_checks_done": "yes",
        "father_checks_done": "no",
    }
    values.update(changes)
    return AssessmentDetails(**values)  # type: ignore[arg-type]


def test_a_pre_birth_assessment_without_the_fathers_checks_raises_the_alert(
    baby: Person,
) -> None:
    worker = make_user(Role.SOCIAL_WORKER, "SW1")  # lead practitioner of the child's plan
    recorded = recording.record_pre_birth_assessment(
        worker, DIRECT, _subject(baby), _assessment()
    )
    assessment = Assessment.objects.get(pk=recorded.fact.pk)
    assert assessment.kind == "pre_birth" and assessment.agency.code == "QAV-CSC"
    [alert] = recorded.alerts
    assert alert.rule_id == "pre-birth-assessment-father"
    assert "made no background checks on the father" in alert.explanation
    [prompt] = recorded.prompts
    assert prompt.alerts == (alert.explanation,) and "background checks" in prompt.what_to_do


def test_a_pre_birth_assessment_of_an_unborn_child_points_at_the_pregnancy(
    baby: Person,
) -> None:
    mother = SourceRecord.objects.get(local_id="M1")
    pregnancy = Pregnancy.objects.create(
        agency=mother.agency, local_id="PR2", mother=mother, expected_date=date(2026, 3, 1)
    )
    Responsibility.objects.create(
        agency=mother.agency,
        local_id="RS9",
        pregnancy=pregnancy,
        practitioner=Practitioner.objects.get(local_id="SW1"),
        role="social_worker",
        start=date(2025, 7, 1),
    )
    subject = resolve_child(f"U{pregnancy.pk}")
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    with pytest.raises(RecordingInvalid) as raised:
        recording.record_pre_birth_assessment(
            worker, DIRECT, subject, _assessment(father_involved="no")
        )
    assert "Say why the father" in raised.value.errors["father_not_involved_reason"]
    recorded = recording.record_pre_birth_assessment(
        worker, DIRECT, subject, _assessment(occurred_on=date(2025, 7, 5), father_checks_done="yes")
    )
    assert recorded.fact.pregnancy_id == pregnancy.pk and recorded.fact.child_id is None
    assert recorded.alerts == [] and recorded.prompts == []


def test_was_not_brought_is_an_appointment_of_the_child(baby: Person) -> None:
    visitor = _visitor()
    details = WasNotBroughtDetails(date(2025, 7, 1), "health_visiting", None)
    recorded = recording.record_was_not_brought(visitor, DIRECT, _subject(baby), details)
    appointment = Appointment.objects.get(pk=recorded.fact.pk)
    assert appointment.outcome == "was_not_brought" and appointment.subject.local_id == "HB1"
    [prompt] = recorded.prompts
    assert prompt.rule == "was-not-brought" and "within 7 days" in prompt.what_to_do
    # the child is on a child protection plan: one miss needs a referral, at once
    [alert] = recorded.alerts
    assert "1 July 2025 while on a child protection plan" in alert.explanation
    with pytest.raises(RecordingInvalid) as raised:
        recording.record_was_not_brought(
            visitor,
            DIRECT,
            _subject(baby),
            WasNotBroughtDetails(date(2025, 7, 1), "dentist", date(2025, 6, 30)),
        )
    assert set(raised.value.errors) == {"service", "followed_up_on"}


def test_a_bruise_on_a_non_mobile_baby_raises_the_same_day_referral_alert(
    baby: Person,
) -> None:
    details = InjuryDetails(date(2025, 7, 10), "bruise", "left cheek", "non_mobile", "none given")
    recorded = recording.record_injury(_visitor(), DIRECT, _subject(baby), details)
    injury = Injury.objects.get(pk=recorded.fact.pk)
    assert injury.mobility == "non_mobile" and injury.child.local_id == "HB1"
    [alert] = recorded.alerts
    assert alert.rule_id == "non-mobile-injury" and alert.severity == "same_day"
    assert "bruise" in alert.explanation
    [prompt] = recorded.prompts
    assert "same-day referral" in prompt.statement and "today" in prompt.what_to_do
    assert Alert.objects.filter(rule_id="non-mobile-injury").count() == 1


def test_a_bad_injury_names_every_field(baby: Person) -> None:
    details = InjuryDetails(None, "", "", "flying", "")
    with pytest.raises(RecordingInvalid) as raised:
        recording.record_injury(_visitor(), DIRECT, _subject(baby), details)
    assert set(raised.value.errors) == {"occurred_on", "kind", "body_site", "mobility",
                                        "explanation"}
