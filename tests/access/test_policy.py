"""The access decision: every case role with and without its relationship, with and without
break glass, the lawful basis before household detail, the roles that see no case data, and
one query per decision."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from seen.access import services
from seen.access.models import Role, StaffProfile
from seen.access.policy import Action, ChildRef, Level, decide
from seen.areas.models import Agency, Practitioner
from seen.core import clock
from seen.ingest.loader import ingest_extract
from seen.linkage import decisions
from seen.people.models import Person, SourceRecord
from seen.rules.models import Alert
from tests.conftest import small_partnership

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime(2025, 7, 11, 9, 0))


def _tables() -> dict[str, list[dict[str, str]]]:
    tables = small_partnership()
    tables["agencies"] += [
        {
            "code": "QAV-HV",
            "name": "Quarry Vale Health Visiting",
            "kind": "health_visiting",
            "area": "QAV",
        },
        {
            "code": "QAV-CSC",
            "name": "Quarry Vale Children's Social Care",
            "kind": "childrens_social_care",
            "area": "QAV",
        },
        {"code": "QAV-ED", "name": "Quarry Vale Hospital ED", "kind": "hospital_ed", "area": "QAV"},
        {"code": "PROB", "name": "Partnership Probation", "kind": "probation"},
    ]
    tables["practitioners"] += [
        {"agency": "QAV-HV", "id": "HV1", "name": "Hana Visitor", "role": "health_visitor"},
        {"agency": "QAV-HV", "id": "HV2", "name": "Other Visitor", "role": "health_visitor"},
        {"agency": "QAV-CSC", "id": "SW1", "name": "Sol Worker", "role": "social_worker"},
        {"agency": "QAV-CSC", "id": "SW2", "name": "Other Worker", "role": "social_worker"},
        {"agency": "QAV-CSC", "id": "MA1", "name": "Mo Mash", "role": "mash_practitioner"},
        {"agency": "QAV-CSC", "id": "SL1", "name": "Sam Lead", "role": "safeguarding_lead"},
        {"agency": "QAV-ED", "id": "ED1", "name": "Eve Doctor", "role": "ed_clinician"},
        {
            "agency": "POL",
            "id": "PO1",
            "name": "Pat Officer",
            "role": "police_public_protection_officer",
        },
        {"agency": "PROB", "id": "PB1", "name": "Pip Probation", "role": "probation_officer"},
    ]
    tables["people"] += [
        {
            "agency": "QAV-HV",
            "id": "HB1",
            "forename": "Leo",
            "surname": "Hollis",
            "dob": "2025-06-01",
            "sex": "male",
        },
        {
            "agency": "QAV-CSC",
            "id": "CB1",
            "forename": "Leo",
            "surname": "Hollis",
            "dob": "2025-06-01",
            "sex": "male",
        },
    ]
    tables["responsibilities"] = [
        {
            "agency": "QAV-HV",
            "id": "RS1",
            "child": "HB1",
            "practitioner": "HV1",
            "role": "health_visitor",
            "start": "2025-06-10",
        },
    ]
    tables["plans"] = [
        {
            "agency": "QAV-CSC",
            "id": "PL1",
            "start": "2025-06-20",
            "child": "CB1",
            "kind": "child_protection",
            "category_of_abuse": "Neglect",
            "lead_practitioner": "SW1",
            "information_sharing_plan": "yes",
        },
    ]
    return tables


@pytest.fixture
def baby(extract: Callable[..., Path]) -> Person:
    clock.set_now(NOW)
    ingest_extract(extract(**_tables()))
    records = SourceRecord.objects.order_by("pk")
    decisions.confirm(*records.filter(local_id__in=["B1", "HB1"]), user=None, reason="same baby")
    decisions.confirm(*records.filter(local_id__in=["B1", "CB1"]), user=None, reason="same baby")
    decisions.confirm(*records.filter(local_id__in=["F1", "P77"]), user=None, reason="same man")
    person = SourceRecord.objects.get(local_id="B1").person
    assert person is not None
    yield person
    clock.set_now(None)


def _user(role: str, practitioner: str | None = None, agency: str | None = None) -> Any:
    user = get_user_model().objects.create_user(
        f"u-{role}-{practitioner or agency or 'none'}", password="a-long-test-password-1"
    )
    worker = Practitioner.objects.get(local_id=practitioner) if practitioner else None
    StaffProfile.objects.create(
        user=user,
        role=role,
        practitioner=worker,
        agency=worker.agency if worker else Agency.objects.filter(code=agency).first(),
    )
    return get_user_model().objects.select_related("staff_profile").get(pk=user.pk)


def _view(user: Any, baby: Person, purpose: str = "direct_care") -> Any:
    return decide(user, Action.VIEW_CHILD, purpose, ChildRef(person=baby.pk))


def test_a_health_visitor_sees_the_flag_of_a_child_on_her_caseload(baby: Person) -> None:
    mine = _view(_user(Role.HEALTH_VISITOR, "HV1"), baby)
    assert mine.allowed and mine.level == Level.FLAG and mine.relationships == {"caseload"}
    other = _view(_user(Role.HEALTH_VISITOR, "HV2"), baby)
    assert not other.allowed and "no legitimate relationship" in other.reason


def test_break_glass_gives_time_limited_access_and_is_reviewed(baby: Person) -> None:
    visitor = _user(Role.HEALTH_VISITOR, "HV2")
    with pytest.raises(services.AccessRefused, match="reason"):
        services.break_glass(visitor, baby, "   ")
    session = services.break_glass(visitor, baby, "mother called the duty line in distress")
    decision = _view(visitor, baby)
    assert decision.allowed and decision.break_glass and decision.level == Level.FLAG
    assert services.break_glass_to_review() == [session]
    clock.set_now(NOW + timedelta(hours=5))  # expired
    assert not _view(visitor, baby).allowed
    lead = _user(Role.SAFEGUARDING_LEAD, "SL1")
    with pytest.raises(services.AccessRefused, match="safeguarding lead"):
        services.review_break_glass(session, visitor, "fine")
    services.review_break_glass(session, lead, "proportionate: duty call")
    assert services.break_glass_to_review() == []


def test_the_lead_practitioner_sees_the_household_once_the_basis_is_recorded(
    baby: Person,
) -> None:
    worker = _user(Role.SOCIAL_WORKER, "SW1")
    before = _view(worker, baby, "safeguarding")
    assert before.allowed and before.level == Level.FLAG and before.needs_basis
    with pytest.raises(services.AccessRefused, match="reason consent was not sought"):
        services.record_basis(worker, baby, "safeguarding", "safeguarding_without_consent")
    services.record_basis(
        worker,
        baby,
        "safeguarding",
        "safeguarding_without_consent",
        "seeking consent would alert the father and place the baby at risk",
    )
    after = _view(worker, baby, "safeguarding")
    assert after.allowed and after.level == Level.HOUSEHOLD and after.relationships == {"lead"}
    assert not _view(_user(Role.SOCIAL_WORKER, "SW2"), baby, "safeguarding").allowed


def test_ed_sees_the_flag_of_a_child_presenting_now_and_the_lead_is_told(baby: Person) -> None:
    doctor = _user(Role.ED_CLINICIAN, "ED1")
    check = decide(doctor, Action.CHECK_CHILD, "unscheduled_care", ChildRef(person=baby.pk))
    assert check.allowed and check.level == Level.FLAG and "presenting" in check.relationships
    assert not decide(doctor, Action.CHECK_CHILD, "direct_care", ChildRef(person=baby.pk)).allowed
    told = services.notify_lead_of_unscheduled_view(doctor, baby, ["child protection plan"])
    assert told == 1
    from seen.access.models import Notification

    [note] = Notification.objects.all()
    assert note.to.local_id == "SW1" and "Quarry Vale Hospital ED" in note.text


def test_mash_sees_a_child_with_a_contact_under_triage(baby: Person) -> None:
    mash = _user(Role.MASH_PRACTITIONER, "MA1")
    assert not _view(mash, baby, "mash_triage").allowed
    Alert.objects.create(
        rule_id="domestic-abuse-checks",
        rule_version=1,
        key="k",
        child_key=f"child:{baby.pk}",
        child=baby,
        explanation="x",
        severity="high",
        raised_at=NOW,
        deadline=NOW,
        owner_agency=Agency.objects.get(code="QAV-CSC"),
        owner_role="mash_practitioner",
        routed_because="team",
    )
    decision = _view(mash, baby, "mash_triage")
    assert decision.allowed and decision.needs_basis
    # the contact under triage; and the alert that brought it, which the MASH team answers for
    assert decision.relationships == {"mash_triage", "answers_alert"}


def test_police_holding_the_fathers_history_see_the_flag_and_probation_does_not(
    baby: Person,
) -> None:
    police = _view(_user(Role.POLICE_OFFICER, "PO1"), baby, "safeguarding")
    assert police.allowed and police.level == Level.FLAG
    assert police.relationships == {"holds_history"}
    assert not _view(_user(Role.PROBATION_OFFICER, "PB1"), baby, "safeguarding").allowed


@pytest.mark.parametrize(
    ("role", "allowed_action"),
    [
        (Role.STRATEGIC_LEADER, Action.VIEW_AGGREGATES),
        (Role.REVIEWER, Action.VIEW_REVIEW_DATA),
        (Role.SYSTEM_ADMINISTRATOR, Action.ADMINISTER),
    ],
)
def test_roles_without_case_data(baby: Person, role: str, allowed_action: str) -> None:
    user = _user(role, agency="QAV-CSC")
    assert not _view(user, baby).allowed
    assert decide(user, allowed_action, "strategic").allowed
    assert not decide(user, Action.DECIDE_LINKS, "administration").allowed
    with pytest.raises(services.AccessRefused, match="cannot break glass"):
        services.break_glass(user, baby, "I would like to see this child please")


def test_a_chronology_is_for_a_review_only_and_review_work_for_reviewers_and_leads(
    baby: Person,
) -> None:
    reviewer = _user(Role.REVIEWER, agency="QAV-CSC")
    lead = _user(Role.SAFEGUARDING_LEAD, agency="QAV-CSC")
    visitor = _user(Role.HEALTH_VISITOR, "HV1")
    strategic = _user(Role.STRATEGIC_LEADER, agency="QAV-CSC")
    for user in (reviewer, lead):
        assert decide(user, Action.VIEW_CHRONOLOGY, "review").allowed
        refused = decide(user, Action.VIEW_CHRONOLOGY, "safeguarding")
        assert not refused.allowed and "only for: review" in refused.reason
        assert decide(user, Action.MANAGE_REVIEW, "review").allowed
    assert not decide(visitor, Action.VIEW_CHRONOLOGY, "review").allowed
    assert not decide(visitor, Action.MANAGE_REVIEW, "review").allowed
    assert decide(lead, Action.RECORD_INCIDENT, "safeguarding").allowed
    assert not decide(reviewer, Action.RECORD_INCIDENT, "review").allowed
    assert decide(strategic, Action.STATE_PARTNERSHIP_VIEW, "strategic").allowed
    assert not decide(reviewer, Action.STATE_PARTNERSHIP_VIEW, "strategic").allowed


def test_deny_by_default(baby: Person) -> None:
    no_profile = get_user_model().objects.create_user("plain", password="a-long-test-password-1")
    assert not _view(no_profile, baby).allowed
    assert not _view(None, baby).allowed
    visitor = _user(Role.HEALTH_VISITOR, "HV1")
    assert "declare why" in _view(visitor, baby, "curiosity").reason
    assert "not an action" in decide(visitor, "export_everything", "direct_care").reason
    assert not decide(visitor, Action.VIEW_CHILD, "direct_care", None).allowed


def test_one_query_per_decision(baby: Person, django_assert_num_queries: Any) -> None:
    """One UNION query; and before it, for the roles that reach a child through its records,
    the two indexed look-ups of those records (seen.people.about)."""
    worker = _user(Role.SOCIAL_WORKER, "SW1")
    with django_assert_num_queries(3):
        _view(worker, baby, "safeguarding")
    mash = _user(Role.MASH_PRACTITIONER, "MA1")
    with django_assert_num_queries(1):
        _view(mash, baby, "mash_triage")


def test_answering_for_an_alert_is_a_relationship_until_a_month_after_it_closes(
    baby: Person,
) -> None:
    """A health visitor whose team an alert about a child was routed to may see the child's
    flags (to answer it), without the child being on her caseload; a month after the alert is
    closed, no longer."""
    from datetime import timedelta

    from seen.rules.models import Alert

    other_visitor = _user(Role.HEALTH_VISITOR, "HV2")
    assert not _view(other_visitor, baby).allowed
    alert = Alert.objects.create(
        rule_id="father-seen-at-mandated-contact",
        rule_version=1,
        key="k",
        child_key=f"child:{baby.pk}",
        child=baby,
        explanation="test",
        severity="medium",
        raised_at=clock.now(),
        deadline=clock.now() + timedelta(days=5),
        owner_agency=Agency.objects.get(code="QAV-HV"),
        owner_role="health_visitor",
        routed_because="team",
    )
    decision = _view(other_visitor, baby)
    assert decision.allowed and decision.level == Level.FLAG
    assert decision.relationships == {"answers_alert"}
    Alert.objects.filter(pk=alert.pk).update(status="closed", closed_at=clock.now())
    assert _view(other_visitor, baby).allowed  # looking back at what she answered
    Alert.objects.filter(pk=alert.pk).update(closed_at=clock.now() - timedelta(days=31))
    assert not _view(other_visitor, baby).allowed


def test_the_lawful_basis_can_be_recorded_for_an_unborn_child(baby: Person) -> None:
    """Before birth the child is its pregnancy: a share recorded about the pregnancy opens the
    household to the plan's lead, and is still in force for the baby once born."""
    from datetime import timedelta

    from seen.access import services
    from seen.facts.models import Plan
    from seen.people.models import Pregnancy

    mother = SourceRecord.objects.get(local_id="M1")
    pregnancy = Pregnancy.objects.create(
        agency=mother.agency,
        local_id="PR2",
        mother=mother,
        expected_date=clock.today() + timedelta(days=60),
    )
    Plan.objects.create(
        agency=Agency.objects.get(code="QAV-CSC"),
        local_id="PL2",
        occurred_on=clock.today(),
        pregnancy=pregnancy,
        kind=Plan.Kind.PRE_BIRTH,
        lead_practitioner=Practitioner.objects.get(local_id="SW1"),
        information_sharing_plan="yes",
    )
    worker = _user(Role.SOCIAL_WORKER, "SW1")
    unborn = ChildRef(pregnancies=(pregnancy.pk,))
    before = decide(worker, Action.VIEW_CHILD, "safeguarding", unborn)
    assert before.allowed and before.level == Level.FLAG and before.needs_basis
    services.record_basis(worker, None, "safeguarding", "consent", pregnancy=pregnancy.pk)
    after = decide(worker, Action.VIEW_CHILD, "safeguarding", unborn)
    assert after.level == Level.HOUSEHOLD
    assert decide(worker, Action.MANAGE_PLAN, "safeguarding", unborn).allowed
    with pytest.raises(services.AccessRefused):
        services.record_basis(worker, baby, "safeguarding", "consent", pregnancy=pregnancy.pk)
