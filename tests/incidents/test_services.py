"""Recording a notification and its steps: the access decision, validation naming each field,
the clock as of a day."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from seen.access import services as access
from seen.access.models import Role
from seen.incidents import services
from seen.incidents.models import Incident
from seen.people.models import Person
from tests.fixtures.incidents import notify, unborn_reference
from tests.fixtures.partnership import make_user

pytestmark = pytest.mark.django_db


def test_a_notification_starts_the_clock_from_the_day_the_authority_learned_of_it(
    incident: Incident, lead: Any, baby: Person
) -> None:
    assert incident.child == baby and incident.recorded_by == lead
    assert incident.notification_due == date(2025, 7, 14)
    assert incident.rapid_review_due == date(2025, 7, 28)
    notification, review = services.steps_of(incident, date(2025, 7, 11))
    assert (notification.left, notification.status) == (1, "1 working day left")
    assert (review.left, review.overdue) == (11, False)
    late, _ = services.steps_of(incident, date(2025, 7, 16))
    assert late.overdue and late.status == "Overdue by 2 working days"


def test_only_the_safeguarding_lead_records(baby: Person) -> None:
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    with pytest.raises(services.Refused):
        notify(worker, baby)
    assert not Incident.objects.exists()


def test_every_problem_is_named_and_nothing_is_written(lead: Any, baby: Person) -> None:
    with pytest.raises(services.Invalid) as raised:
        notify(lead, baby, occurred_on="2025-02-30", learned_on="2026-01-01", description=" ")
    fields = [f for f, _ in raised.value.errors]
    assert fields == ["occurred_on", "learned_on", "description"]
    with pytest.raises(services.Invalid) as raised:
        notify(lead, baby, occurred_on="2025-07-08", learned_on="2025-07-07")
    assert raised.value.errors == [
        ("learned_on", "The local authority cannot have learned of it before it happened")
    ]
    with pytest.raises(services.Invalid) as raised:
        notify(lead, baby, occurred_on="0001-01-01", learned_on="2007-07-10")
    assert raised.value.errors == [
        ("occurred_on", "The date of the incident must be within the last 18 years"),
        ("learned_on", "The date it was learned of must be within the last 18 years"),
    ]
    with pytest.raises(services.Invalid) as raised:
        notify(lead, baby, reference="X99999", description="x" * 1001)
    assert [f for f, _ in raised.value.errors] == ["reference", "description"]
    assert not Incident.objects.exists()


def test_a_reference_seen_does_not_hold_is_refused_as_a_child_without_a_relationship(
    lead: Any, baby: Person
) -> None:
    """Issue 13: the form said "no child P99999" for an unknown reference and refused a real
    child without a relationship, which told the lead which children exist. (It used to be a
    field error; now both are the same refusal, before any field is read.)"""
    with pytest.raises(services.Refused) as unknown:
        notify(lead, baby, reference="P99999", description="x" * 1001)
    other = Person.objects.exclude(pk=baby.pk).order_by("pk").first()
    assert other is not None
    with pytest.raises(services.Refused) as real:
        notify(lead, baby, reference=other.reference, description="x" * 1001)
    assert str(unknown.value) == str(real.value) and "no legitimate relationship" in str(
        real.value
    )
    assert not Incident.objects.exists()


def test_an_unborn_child_is_not_notified(lead: Any, baby: Person) -> None:
    reference = unborn_reference()
    # the lead's relationship with the unborn child first (break glass, then the basis), so
    # that what is refused is the unborn child, not the lead
    pregnancy = int(reference[1:])
    access.break_glass(
        lead, None, "The hospital has called about the mother tonight, at risk.",
        pregnancy=pregnancy, purpose="safeguarding",
    )
    access.record_basis(lead, None, "safeguarding", "consent", pregnancy=pregnancy)
    with pytest.raises(services.Invalid) as raised:
        notify(lead, baby, reference=reference)
    assert raised.value.errors == [
        ("reference", "A notification is for a born child: use the baby's reference (P…)")
    ]


def test_marking_the_steps_done(incident: Incident, lead: Any) -> None:
    with pytest.raises(services.Invalid) as raised:
        services.mark_done(lead, "safeguarding", incident, "notification", "2025-07-06")
    assert "before the local authority learned" in raised.value.errors[0][1]
    with pytest.raises(services.Invalid):
        services.mark_done(lead, "safeguarding", incident, "notification", "2025-07-12")
    done = services.mark_done(lead, "safeguarding", incident, "notification", "2025-07-10")
    assert done.notified_on == date(2025, 7, 10) and done.notified_by == lead
    with pytest.raises(services.Invalid) as raised:
        services.mark_done(lead, "safeguarding", done, "notification", "2025-07-11")
    assert "Already recorded" in raised.value.errors[0][1]
    with pytest.raises(services.Invalid):
        services.mark_done(lead, "safeguarding", done, "something_else", "2025-07-11")
    steps = services.steps_of(done, date(2025, 7, 11))
    assert steps[0].status == "Done on 2025-07-10" and not steps[0].late


def test_a_step_done_late_says_how_late(incident: Incident, lead: Any) -> None:
    from seen.core import clock

    clock.set_now(date(2025, 7, 18))
    done = services.mark_done(lead, "safeguarding", incident, "notification", "2025-07-16")
    step = services.steps_of(done)[0]
    assert step.late and step.status == "Done on 2025-07-16, 2 working days late"


def test_the_list_puts_the_soonest_due_first(lead: Any, baby: Person) -> None:
    later = notify(lead, baby, learned_on="2025-07-10", occurred_on="2025-07-09")
    sooner = notify(lead, baby)
    assert services.incidents() == [sooner, later]
    services.mark_done(lead, "safeguarding", sooner, "notification", "2025-07-08")
    services.mark_done(lead, "safeguarding", sooner, "rapid_review", "2025-07-11")
    assert services.incidents() == [later, sooner]  # completed last
