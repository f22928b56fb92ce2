"""The steps on an alert as services (seen.rules.lifecycle) and who answers for one
(seen.rules.inbox): escalation by its owner with a reason, once, to the safeguarding lead; text
every database can store; `owns` agreeing with the inbox's `owed_by`; the access to an
alert needing both answering for it and the decision about its child."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from seen.access.models import Role
from seen.access.policy import Action, Level
from seen.core import clock
from seen.people.models import Person
from seen.rules import lifecycle
from seen.rules.inbox import (
    alert_access,
    child_ref,
    child_reference,
    owed_by,
    owed_shown,
    owns,
    summary,
)
from seen.rules.models import Alert, AlertEvent
from tests.fixtures.alerts import make_alert
from tests.fixtures.partnership import make_user

pytestmark = pytest.mark.django_db


def test_the_owner_escalates_with_a_reason_once(baby: Person) -> None:
    alert = make_alert(baby)
    owner = make_user(Role.HEALTH_VISITOR, "HV1")
    with pytest.raises(lifecycle.StepRefused, match="needs a reason"):
        lifecycle.escalate(alert, owner, "  ")
    with pytest.raises(lifecycle.StepRefused, match="signed-in"):
        lifecycle.escalate(alert, None, "why")
    event = lifecycle.escalate(alert, owner, "  the family cannot be reached  ")
    alert.refresh_from_db()
    assert alert.escalated_to is not None and alert.escalated_to.name == "Sam Lead"
    assert alert.escalated_at == clock.now() and alert.status == Alert.Status.RAISED
    assert event.kind == AlertEvent.Kind.ESCALATED and event.user == owner
    assert event.note == "escalated to Sam Lead: the family cannot be reached"
    with pytest.raises(lifecycle.StepRefused, match="already escalated to Sam Lead"):
        lifecycle.escalate(alert, owner, "again")
    assert lifecycle.escalate_overdue() == []  # escalated already: not again by its deadline


def test_a_closed_alert_cannot_be_escalated(baby: Person) -> None:
    alert = make_alert(baby, status=Alert.Status.CLOSED)
    with pytest.raises(lifecycle.StepRefused, match="closed"):
        lifecycle.escalate(alert, make_user(Role.HEALTH_VISITOR, "HV1"), "why")


def test_without_a_safeguarding_lead_escalation_is_refused(baby: Person) -> None:
    from seen.areas.models import Practitioner

    alert = make_alert(baby)
    Practitioner.objects.filter(role="safeguarding_lead").update(role="social_worker")
    with pytest.raises(lifecycle.StepRefused, match="no safeguarding lead"):
        lifecycle.escalate(alert, make_user(Role.HEALTH_VISITOR, "HV1"), "why")


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (lambda a, u: lifecycle.acknowledge(a, u, "a\x00b"), "control character"),
        (lambda a, u: lifecycle.record_action(a, u, "referral_made", "\x07"), "control"),
        (lambda a, u: lifecycle.escalate(a, u, "x" * 5001), "5000 characters or fewer"),
        (lambda a, u: lifecycle.close(a, u, "x" * 201), "200 characters or fewer"),
    ],
)
def test_text_is_what_every_database_stores(
    baby: Person,
    step: Callable[[Alert, Any], AlertEvent],
    message: str,
) -> None:
    alert = make_alert(baby)
    with pytest.raises(lifecycle.StepRefused, match=message):
        step(alert, make_user(Role.HEALTH_VISITOR, "HV1"))
    assert list(alert.events.values_list("kind", flat=True)) == ["raised"]


def test_line_breaks_in_a_note_are_kept(baby: Person) -> None:
    alert = make_alert(baby)
    event = lifecycle.acknowledge(alert, make_user(Role.HEALTH_VISITOR, "HV1"), "one\r\ntwo\tthree")
    assert event.note == "one\r\ntwo\tthree"


def test_owns_agrees_with_the_inbox(baby: Person) -> None:
    alerts = [
        make_alert(baby, key="named"),
        make_alert(baby, key="team", owner=None),
        make_alert(baby, key="mash", owner=None, agency="QAV-CSC", role=Role.MASH_PRACTITIONER),
        make_alert(baby, key="sw", owner="SW1", agency="QAV-CSC", role=Role.SOCIAL_WORKER),
    ]
    lifecycle.escalate(alerts[3], make_user(Role.SOCIAL_WORKER, "SW1"), "needs the lead")
    users = [
        make_user(Role.HEALTH_VISITOR, "HV1"),
        make_user(Role.HEALTH_VISITOR, "HV2"),
        make_user(Role.MASH_PRACTITIONER, "MA1"),
        make_user(Role.SOCIAL_WORKER, "SW2"),
        make_user(Role.SAFEGUARDING_LEAD, "SL1"),
        make_user(Role.MIDWIFE, "MW1"),
        make_user(Role.GP, agency="QAV-HV"),
    ]
    for user in users:
        profile = user.staff_profile
        owed = set(owed_by(profile).values_list("pk", flat=True))
        assert {a.pk for a in alerts if owns(profile, a)} == owed, user.username


def test_access_needs_both_answering_and_the_decision(baby: Person) -> None:
    named = make_alert(baby, key="named")
    team = make_alert(baby, key="team", owner=None)
    hv1 = make_user(Role.HEALTH_VISITOR, "HV1")  # the child is on her caseload
    hv2 = make_user(Role.HEALTH_VISITOR, "HV2")  # her team's, not her caseload
    lead = make_user(Role.SAFEGUARDING_LEAD, "SL1")
    sw1 = make_user(Role.SOCIAL_WORKER, "SW1")  # leads the child's plan, but not her alert
    assert alert_access(hv1, named, Action.ACT_ON_ALERT, "direct_care").allowed
    assert not alert_access(hv1, named, Action.ACT_ON_ALERT, "curiosity").allowed
    answering = alert_access(hv2, team, Action.VIEW_CHILD, "direct_care")
    assert answering.allowed and answering.reason == "answers_alert"
    assert answering.decision is not None and answering.decision.level == Level.FLAG
    # a safeguarding lead answers for what is routed or escalated to her, like anyone: this
    # alert is not on her inbox, and so not hers to open
    assert named.pk not in {a.pk for a in owed_by(lead.staff_profile)}
    refused = alert_access(lead, named, Action.VIEW_CHILD, "direct_care")
    assert not refused.allowed and "not yours to answer" in refused.reason
    refused = alert_access(sw1, named, Action.VIEW_CHILD, "direct_care")
    assert not refused.allowed and "not yours to answer" in refused.reason
    assert not alert_access(None, named, Action.VIEW_CHILD, "direct_care").allowed


def test_an_alert_raised_before_the_birth_is_about_the_baby(baby: Person) -> None:
    from seen.people.models import Pregnancy

    alert = make_alert(baby)
    pregnancy = Pregnancy.objects.get()
    alert.child = None
    alert.pregnancy = pregnancy
    alert.save()
    assert child_reference(alert) == baby.reference
    ref = child_ref(alert)
    assert ref.person == baby.pk and ref.pregnancies == (pregnancy.pk,)
    assert alert_access(
        make_user(Role.HEALTH_VISITOR, "HV1"), alert, Action.VIEW_CHILD, "direct_care"
    ).allowed


def test_the_inbox_filter_refuses_what_it_does_not_know(baby: Person) -> None:
    with pytest.raises(ValueError, match="show one of"):
        owed_shown(make_user(Role.HEALTH_VISITOR, "HV1").staff_profile, "all")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One sentence. Another.", "One sentence."),
        ("No full stop", "No full stop."),
        ("word " * 60, ("word " * 32).strip() + "…"),
    ],
)
def test_the_summary_is_the_first_sentence(text: str, expected: str) -> None:
    assert summary(text) == expected


def test_a_list_of_alerts_is_audited_by_the_childs_reference(baby: Person) -> None:
    from seen.rules.inbox import audit_subject

    alert = make_alert(baby)
    assert audit_subject([alert]) == (baby.reference, [baby.reference])
    alert.child = None  # an alert the rules could not tie to a person: their key
    assert audit_subject([alert]) == (alert.child_key, [alert.child_key])
