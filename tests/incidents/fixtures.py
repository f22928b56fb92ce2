"""The small partnership's baby (tests.access.test_policy, "now" Friday 11 July 2025 09:00),
a safeguarding lead (Quarry Vale Children's Social Care) with a legitimate relationship with
the baby (an alert about the baby escalated to them, and the lawful basis recorded: recording a
notification is decided about the child, docs/access.md), a reviewer, and a notification
recorded by the lead: the local authority learned of the incident on Monday 7 July, so the
panel is due on Monday 14 July and the rapid review on Monday 28 July. `share` is the lead
sharing the rapid review with the reviewer, which opens the chronology to them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from seen.access import services as access
from seen.access.models import Role
from seen.areas.models import Practitioner
from seen.core import clock
from seen.incidents import services
from seen.incidents.models import Incident
from seen.people.models import Person, Pregnancy
from seen.rules.models import Alert
from tests.access.test_policy import _user, baby  # noqa: F401 (the fixture)


def escalate_to(lead: Any, baby: Person) -> Alert:  # noqa: F811
    """An open alert about the baby escalated to the lead: their relationship with the child
    (of a rule Seen does not run, so no evaluation closes it)."""
    return Alert.objects.create(
        rule_id="escalated-in-a-test",
        rule_version=1,
        key=f"child:{baby.pk}|escalated",
        child_key=f"child:{baby.pk}",
        child=baby,
        explanation="Escalated to the safeguarding lead.",
        severity="high",
        raised_at=clock.now(),
        deadline=clock.now() + timedelta(days=1),
        owner_role="social_worker",
        owner_practitioner=Practitioner.objects.get(local_id="SW1"),
        routed_because="the named social worker",
        escalated_to=lead.staff_profile.practitioner,
    )


def with_relationship(lead: Any, baby: Person) -> Any:  # noqa: F811
    """The lead, with an alert about the baby escalated to them and the lawful basis recorded
    (the household level: what recording a notification needs)."""
    escalate_to(lead, baby)
    access.record_basis(
        lead,
        baby,
        "safeguarding",
        "safeguarding_without_consent",
        "a serious incident: seeking consent could prejudice the enquiry",
    )
    return lead


@pytest.fixture
def lead(baby: Person) -> Any:  # noqa: F811
    return with_relationship(_user(Role.SAFEGUARDING_LEAD, "SL1"), baby)


@pytest.fixture
def reviewer(baby: Person) -> Any:  # noqa: F811
    return _user(Role.REVIEWER, agency="QAV-CSC")


def notify(lead: Any, baby: Person, **changes: str) -> Incident:  # noqa: F811
    values = {
        "reference": baby.reference,
        "occurred_on": "2025-07-05",
        "learned_on": "2025-07-07",
        "description": "The baby was taken to hospital with a head injury.",
        **changes,
    }
    return services.record(lead, "safeguarding", **values)


@pytest.fixture
def incident(lead: Any, baby: Person) -> Incident:  # noqa: F811
    return notify(lead, baby)


def share(lead: Any, incident: Incident, reviewer: Any) -> Any:
    """The lead shares the incident's rapid review with the reviewer: the reviewer's
    relationship with the child's chronology."""
    services.share_with_reviewer(lead, "safeguarding", incident, str(reviewer.pk))
    return reviewer


@pytest.fixture
def reviewing(lead: Any, incident: Incident, reviewer: Any) -> Any:
    """The reviewer the lead shared the incident's rapid review with."""
    return share(lead, incident, reviewer)


def unborn_reference() -> str:
    """An unborn child: the baby's mother's next pregnancy, due in March 2026."""
    first = Pregnancy.objects.get(local_id="PR1")
    pregnancy = Pregnancy.objects.create(
        mother=first.mother, agency=first.agency, local_id="PR2", expected_date=date(2026, 3, 1)
    )
    return f"U{pregnancy.pk}"
