"""The access decision: every case role with and without its relationship, with and without
break glass, the lawful basis before household detail, the roles that see no case data, and
one query per decision."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from seen.access import services
from seen.access.models import Role
from seen.access.policy import Action, ChildRef, Level, decide
from seen.areas.models import Agency, Practitioner
from seen.core import clock
from seen.people.models import Person, SourceRecord
from seen.rules.models import Alert
from tests.fixtures.partnership import NOW, make_user, view

pytestmark = pytest.mark.django_db


def test_a_health_visitor_sees_the_flag_of_a_child_on_her_caseload(baby: Person) -> None:
    mine = view(make_user(Role.HEALTH_VISITOR, "HV1"), baby)
    assert mine.allowed and mine.level == Level.FLAG and mine.relationships == {"caseload"}
    other = view(make_user(Role.HEALTH_VISITOR, "HV2"), baby)
    assert not other.allowed and "no legitimate relationship" in other.reason


def test_break_glass_gives_time_limited_access_and_is_reviewed(baby: Person) -> None:
    visitor = make_user(Role.HEALTH_VISITOR, "HV2")
    with pytest.raises(services.AccessRefused, match="reason"):
        services.break_glass(visitor, baby, "   ")
    session = services.break_glass(visitor, baby, "mother called the duty line in distress")
    decision = view(visitor, baby)
    assert decision.allowed and decision.break_glass and decision.level == Level.FLAG
    assert services.break_glass_to_review() == [session]
    clock.set_now(NOW + timedelta(hours=5))  # expired
    assert not view(visitor, baby).allowed
    lead = make_user(Role.SAFEGUARDING_LEAD, "SL1")
    with pytest.raises(services.AccessRefused, match="safeguarding lead"):
        services.review_break_glass(session, visitor, "fine")
    services.review_break_glass(session, lead, "proportionate: duty call")
    assert services.break_glass_to_review() == []


def test_the_lead_practitioner_sees_the_household_once_the_basis_is_recorded(
    baby: Person,
) -> None:
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    before = view(worker, baby, "safeguarding")
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
    after = view(worker, baby, "safeguarding")
    assert after.allowed and after.level == Level.HOUSEHOLD and after.relationships == {"lead"}
    assert not view(make_user(Role.SOCIAL_WORKER, "SW2"), baby, "safeguarding").allowed


def test_ed_sees_the_flag_of_a_child_presenting_now_and_the_lead_is_told(baby: Person) -> None:
    doctor = make_user(Role.ED_CLINICIAN, "ED1")
    check = decide(doctor, Action.CHECK_CHILD, "unscheduled_care", ChildRef(person=baby.pk))
    assert check.allowed and check.level == Level.FLAG and "presenting" in check.relationships
    assert not decide(doctor, Action.CHECK_CHILD, "direct_care", ChildRef(person=baby.pk)).allowed
    told = services.notify_lead_of_unscheduled_view(doctor, baby, ["child protection plan"])
    assert told == 1
    from seen.access.models import Notification

    [note] = Notification.objects.all()
    assert note.to.local_id == "SW1" and "Quarry Vale Hospital ED" in note.text


def test_mash_sees_a_child_with_a_contact_under_triage(baby: Person) -> None:
    mash = make_user(Role.MASH_PRACTITIONER, "MA1")
    assert not view(mash, baby, "mash_triage").allowed
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
    decision = view(mash, baby, "mash_triage")
    assert decision.allowed and decision.needs_basis
    # the contact under triage; and the alert that brought it, which the MASH team answers for
    assert decision.relationships == {"mash_triage", "answers_alert"}


def test_police_holding_the_fathers_history_see_the_flag_and_probation_does_not(
    baby: Person,
) -> None:
    police = view(make_user(Role.POLICE_OFFICER, "PO1"), baby, "safeguarding")
    assert police.allowed and police.level == Level.FLAG
    assert police.relationships == {"holds_history"}
    assert not view(make_user(Role.PROBATION_OFFICER, "PB1"), baby, "safeguarding").allowed


@pytest.mark.parametrize(
    ("role", "allowed_action", "purpose"),
    [
        (Role.STRATEGIC_LEADER, Action.VIEW_AGGREGATES, "strategic"),
        # each with its own purpose: a reviewer or the administrator declaring "strategic"
        # used to be allowed, and is refused since issue 13 (PURPOSES_BY_ROLE)
        (Role.REVIEWER, Action.VIEW_REVIEW_DATA, "review"),
        (Role.SYSTEM_ADMINISTRATOR, Action.ADMINISTER, "administration"),
    ],
)
def test_roles_without_case_data(
    baby: Person, role: str, allowed_action: str, purpose: str
) -> None:
    user = make_user(role, agency="QAV-CSC")
    assert not view(user, baby).allowed
    assert decide(user, allowed_action, purpose).allowed
    assert not decide(user, allowed_action, "safeguarding").allowed
    assert not decide(user, Action.DECIDE_LINKS, "administration").allowed
    with pytest.raises(services.AccessRefused, match="cannot break glass"):
        services.break_glass(user, baby, "I would like to see this child please")


def test_review_work_is_for_reviewers_and_leads_and_lists_for_their_roles(
    baby: Person,
) -> None:
    reviewer = make_user(Role.REVIEWER, agency="QAV-CSC")
    lead = make_user(Role.SAFEGUARDING_LEAD, agency="QAV-CSC")
    visitor = make_user(Role.HEALTH_VISITOR, "HV1")
    strategic = make_user(Role.STRATEGIC_LEADER, agency="QAV-CSC")
    for user in (reviewer, lead):
        assert decide(user, Action.LIST_CHRONOLOGIES, "review").allowed
        refused = decide(user, Action.LIST_CHRONOLOGIES, "safeguarding")
        assert not refused.allowed and "only for: review" in refused.reason
        assert decide(user, Action.MANAGE_REVIEW, "review").allowed
    assert not decide(visitor, Action.LIST_CHRONOLOGIES, "review").allowed
    assert not decide(visitor, Action.MANAGE_REVIEW, "review").allowed
    assert decide(lead, Action.LIST_INCIDENTS, "safeguarding").allowed
    assert not decide(reviewer, Action.LIST_INCIDENTS, "review").allowed
    assert decide(strategic, Action.STATE_PARTNERSHIP_VIEW, "strategic").allowed
    assert not decide(reviewer, Action.STATE_PARTNERSHIP_VIEW, "strategic").allowed


# ---- issue 13 ---------------------------------------------------------------------------------


def _incident_by(lead: Any, baby: Person) -> Any:
    from seen.incidents.models import Incident

    return Incident.objects.create(
        child=baby,
        occurred_on=clock.today(),
        learned_on=clock.today(),
        description="a notifiable incident",
        recorded_at=clock.now(),
        recorded_by=lead,
        recorded_by_name=lead.get_username(),
    )


def _escalated_to(lead: Any, baby: Person) -> Alert:
    return Alert.objects.create(
        rule_id="escalated-in-a-test",
        rule_version=1,
        key="e",
        child_key=f"child:{baby.pk}",
        child=baby,
        explanation="x",
        severity="high",
        raised_at=NOW,
        deadline=NOW,
        owner_role="social_worker",
        routed_because="test",
        escalated_to=lead.staff_profile.practitioner,
    )


def test_a_notification_and_a_chronology_are_decided_about_their_child(baby: Person) -> None:
    """Issue 13, finding 3: recording a notification and reading a chronology were decided by
    role alone, so a lead with no relationship recorded one and read the chronology. Now both
    need a relationship with that child: the lead's own (household, lawful basis recorded),
    break glass then the basis, or the notification the lead recorded; for a reviewer, a rapid
    review a lead shared with them. Without a child named, nothing."""
    child = ChildRef(person=baby.pk)
    lead = make_user(Role.SAFEGUARDING_LEAD, "SL1")
    reviewer = make_user(Role.REVIEWER, agency="QAV-CSC")
    for action, purpose in (
        (Action.RECORD_INCIDENT, "safeguarding"),
        (Action.VIEW_CHRONOLOGY, "review"),
    ):
        assert not decide(lead, action, purpose).allowed  # no child named
        refused = decide(lead, action, purpose, child)
        assert not refused.allowed and "no legitimate relationship" in refused.reason
        assert refused.may_break_glass
    _escalated_to(lead, baby)
    flag = decide(lead, Action.RECORD_INCIDENT, "safeguarding", child)
    assert not flag.allowed and flag.needs_basis  # household only with the basis
    services.record_basis(lead, baby, "safeguarding", "consent")
    assert decide(lead, Action.RECORD_INCIDENT, "safeguarding", child).allowed
    assert decide(lead, Action.VIEW_CHRONOLOGY, "review", child).allowed
    assert not decide(lead, Action.VIEW_CHRONOLOGY, "safeguarding", child).allowed
    # the reviewer: nothing until a lead shares the rapid review; never break glass
    no_review = decide(reviewer, Action.VIEW_CHRONOLOGY, "review", child)
    assert not no_review.allowed and not no_review.may_break_glass
    assert "rapid review" in no_review.reason
    assert not decide(reviewer, Action.RECORD_INCIDENT, "review", child).allowed
    from seen.incidents import services as incidents

    incident = _incident_by(lead, baby)
    incidents.share_with_reviewer(lead, "safeguarding", incident, str(reviewer.pk))
    shared = decide(reviewer, Action.VIEW_CHRONOLOGY, "review", child)
    assert shared.allowed and shared.relationships == {"rapid_review"}
    assert not view(reviewer, baby, "review").allowed  # the chronology, nothing else
    # the lead who recorded keeps the chronology once the alert is long closed
    Alert.objects.update(status="closed", closed_at=NOW - timedelta(days=40))
    assert not view(lead, baby, "safeguarding").allowed
    kept = decide(lead, Action.VIEW_CHRONOLOGY, "review", child)
    assert kept.allowed and kept.relationships == {"notified"}


def test_recording_a_lawful_basis_is_never_a_way_in(baby: Person) -> None:
    """A share is recorded only by a user the decision already lets see the child, waiting
    for the basis; and one recorded for the purpose of review gives a case role nothing."""
    stranger = make_user(Role.SOCIAL_WORKER, "SW2")
    with pytest.raises(services.AccessRefused, match="no legitimate relationship"):
        services.record_basis(stranger, baby, "safeguarding", "consent")
    clinician = make_user(Role.ED_CLINICIAN, "ED1")  # the flag level only: nothing to record
    with pytest.raises(services.AccessRefused, match="flag level"):
        services.record_basis(clinician, baby, "unscheduled_care", "consent")
    from seen.access.models import Share

    assert not Share.objects.exists()


# the purposes each role may declare (issue 13, finding 9): a health visitor or a social worker
# reading a case file "for" strategy, administration, audit or review was allowed
NOT_CARE = ["strategic", "administration", "audit", "review"]


@pytest.mark.parametrize("purpose", NOT_CARE)
@pytest.mark.parametrize(
    ("role", "practitioner"), [(Role.HEALTH_VISITOR, "HV1"), (Role.SOCIAL_WORKER, "SW1")]
)
def test_a_case_file_is_refused_for_a_purpose_the_role_may_not_declare(
    baby: Person, role: str, practitioner: str, purpose: str
) -> None:
    user = make_user(role, practitioner)  # the relationship: her caseload, his plan
    assert view(user, baby, "direct_care").allowed
    refused = view(user, baby, purpose)
    assert not refused.allowed and not refused.may_break_glass
    assert "may declare only" in refused.reason or "is only for" in refused.reason


@pytest.mark.parametrize("role", [r for r in Role.values])
def test_every_role_declares_only_its_listed_purposes(baby: Person, role: str) -> None:
    """For each role and each purpose, the decision on the role's own kind of request (a
    child it holds break glass on, for the case roles; its one action, for the others) is
    allowed exactly for the purposes PURPOSES_BY_ROLE lists (and, about a child, that the
    action serves)."""
    from seen.access.models import BreakGlass, Purpose
    from seen.access.policy import (
        ACTION_PURPOSES,
        ALLOWED_ROLES,
        CASE_ROLES,
        PURPOSES_BY_ROLE,
    )

    user = make_user(role, agency="QAV-CSC")
    assert PURPOSES_BY_ROLE[role], "every role declares at least one purpose"
    if role in CASE_ROLES:
        BreakGlass.objects.create(
            user=user,
            child=baby,
            reason="test",
            started_at=NOW,
            expires_at=NOW + timedelta(hours=4),
        )
        for purpose in Purpose.values:
            expected = (
                purpose in PURPOSES_BY_ROLE[role]
                and purpose in (ACTION_PURPOSES[Action.VIEW_CHILD])
            )
            assert view(user, baby, purpose).allowed == expected, purpose
        return
    action = next(a for a, roles in ALLOWED_ROLES.items() if role in roles)
    for purpose in Purpose.values:
        expected = purpose in PURPOSES_BY_ROLE[role] and purpose in ACTION_PURPOSES.get(
            action, Purpose.values
        )
        assert decide(user, action, purpose).allowed == expected, (action, purpose)


def test_a_reference_seen_does_not_hold_is_decided_as_a_child_without_a_relationship(
    baby: Person,
) -> None:
    """Issue 13, finding 12: the decision for a reference Seen holds no child under is the
    decision for a child the user has no relationship with, word for word."""
    from seen.access.policy import decide_unknown_child

    other = Person.objects.exclude(pk=baby.pk).order_by("pk").first()
    assert other is not None
    for role, practitioner in (
        (Role.HEALTH_VISITOR, "HV2"),
        (Role.SAFEGUARDING_LEAD, "SL1"),
        (Role.STRATEGIC_LEADER, None),
    ):
        user = make_user(role, practitioner, "QAV-CSC")
        for action in (Action.VIEW_CHILD, Action.RECORD_INCIDENT, Action.VIEW_CHRONOLOGY):
            for purpose in ("direct_care", "review", "curiosity"):
                real = decide(user, action, purpose, ChildRef(person=other.pk))
                assert decide_unknown_child(user, action, purpose) == real
    doctor = make_user(Role.ED_CLINICIAN, "ED1")  # may see any child presenting: told there is none
    assert decide_unknown_child(doctor, Action.VIEW_CHILD, "unscheduled_care").allowed


def test_deny_by_default(baby: Person) -> None:
    no_profile = get_user_model().objects.create_user("plain", password="a-long-test-password-1")
    assert not view(no_profile, baby).allowed
    assert not view(None, baby).allowed
    visitor = make_user(Role.HEALTH_VISITOR, "HV1")
    assert "declare why" in view(visitor, baby, "curiosity").reason
    assert "not an action" in decide(visitor, "export_everything", "direct_care").reason
    assert not decide(visitor, Action.VIEW_CHILD, "direct_care", None).allowed


def test_one_query_per_decision(baby: Person, django_assert_num_queries: Any) -> None:
    """One UNION query; and before it, for the roles that reach a child through its records,
    the two indexed look-ups of those records (seen.people.about)."""
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    with django_assert_num_queries(3):
        view(worker, baby, "safeguarding")
    mash = make_user(Role.MASH_PRACTITIONER, "MA1")
    with django_assert_num_queries(1):
        view(mash, baby, "mash_triage")


def test_answering_for_an_alert_is_a_relationship_until_a_month_after_it_closes(
    baby: Person,
) -> None:
    """A health visitor whose team an alert about a child was routed to may see the child's
    flags (to answer it), without the child being on her caseload; a month after the alert is
    closed, no longer."""
    from datetime import timedelta

    from seen.rules.models import Alert

    other_visitor = make_user(Role.HEALTH_VISITOR, "HV2")
    assert not view(other_visitor, baby).allowed
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
    decision = view(other_visitor, baby)
    assert decision.allowed and decision.level == Level.FLAG
    assert decision.relationships == {"answers_alert"}
    Alert.objects.filter(pk=alert.pk).update(status="closed", closed_at=clock.now())
    assert view(other_visitor, baby).allowed  # looking back at what she answered
    Alert.objects.filter(pk=alert.pk).update(closed_at=clock.now() - timedelta(days=31))
    assert not view(other_visitor, baby).allowed


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
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    unborn = ChildRef(pregnancies=(pregnancy.pk,))
    before = decide(worker, Action.VIEW_CHILD, "safeguarding", unborn)
    assert before.allowed and before.level == Level.FLAG and before.needs_basis
    services.record_basis(worker, None, "safeguarding", "consent", pregnancy=pregnancy.pk)
    after = decide(worker, Action.VIEW_CHILD, "safeguarding", unborn)
    assert after.level == Level.HOUSEHOLD
    assert decide(worker, Action.MANAGE_PLAN, "safeguarding", unborn).allowed
    with pytest.raises(services.AccessRefused):
        services.record_basis(worker, baby, "safeguarding", "consent", pregnancy=pregnancy.pk)


# ---- break glass (issue 13, finding 10) -------------------------------------------------------


@pytest.mark.parametrize(
    "reason",
    [
        "aaaaaaaaaa",  # counted as a reason before: ten characters
        "a a a a a a a a a a a a",
        "need need need need need",  # five words, one of them
        "12345 67890 12345 67890 12345",
        "x" * 2_000_000,  # 2 MB was stored, and copied into the audit entry
        "the mother called\x00 the duty line in distress",
    ],
)
def test_break_glass_wants_a_real_sentence(baby: Person, reason: str) -> None:
    from seen.access.models import BreakGlass

    visitor = make_user(Role.HEALTH_VISITOR, "HV2")
    with pytest.raises(services.AccessRefused) as refused:
        services.break_glass(visitor, baby, reason)
    assert len(str(refused.value)) < 200  # the message names the rule, never echoes the text
    assert not BreakGlass.objects.exists()


def test_a_long_reason_is_refused_over_the_bound_and_kept_under_it(baby: Person) -> None:
    from seen.access.services import REASON_MAX_CHARS

    visitor = make_user(Role.HEALTH_VISITOR, "HV2")
    sentence = "the mother rang the duty line in distress about the baby. "
    too_long = (sentence * 100)[: REASON_MAX_CHARS + 1]
    with pytest.raises(services.AccessRefused, match="at most 1,000 characters"):
        services.break_glass(visitor, baby, too_long)
    session = services.break_glass(visitor, baby, too_long[:REASON_MAX_CHARS])
    assert len(session.reason) <= REASON_MAX_CHARS


def test_break_glass_answers_only_a_refusal_for_want_of_a_relationship(baby: Person) -> None:
    """Not an invalid purpose, not a purpose the role may not declare, not a child the user may
    see already, not an adult's reference."""
    from seen.access.models import BreakGlass

    visitor = make_user(Role.HEALTH_VISITOR, "HV2")
    reason = "the mother rang the duty line in distress about the baby"
    for purpose in ("bogus", "strategic", "review"):
        with pytest.raises(services.AccessRefused, match="cannot answer"):
            services.break_glass(visitor, baby, reason, purpose=purpose)
    with pytest.raises(services.AccessRefused, match="already"):
        services.break_glass(make_user(Role.HEALTH_VISITOR, "HV1"), baby, reason)  # her caseload
    father = SourceRecord.objects.get(local_id="F1").person
    assert father is not None
    with pytest.raises(services.AccessRefused, match="Seen holds no child"):
        services.break_glass(visitor, father, reason)
    assert not BreakGlass.objects.exists()
    session = services.break_glass(visitor, baby, reason, purpose="safeguarding")
    assert session.reason == reason
