"""The small partnership's baby (tests.access.test_policy, "now" Friday 11 July 2025 09:00),
a safeguarding lead (Quarry Vale Children's Social Care) and a reviewer, and a notification
recorded by the lead: the local authority learned of the incident on Monday 7 July, so the
panel is due on Monday 14 July and the rapid review on Monday 28 July."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from seen.access.models import Role
from seen.incidents import services
from seen.incidents.models import Incident
from seen.people.models import Person, Pregnancy
from tests.access.test_policy import _user, baby  # noqa: F401 (the fixture)


@pytest.fixture
def lead(baby: Person) -> Any:  # noqa: F811
    return _user(Role.SAFEGUARDING_LEAD, "SL1")


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


def unborn_reference() -> str:
    """An unborn child: the baby's mother's next pregnancy, due in March 2026."""
    first = Pregnancy.objects.get(local_id="PR1")
    pregnancy = Pregnancy.objects.create(
        mother=first.mother, agency=first.agency, local_id="PR2", expected_date=date(2026, 3, 1)
    )
    return f"U{pregnancy.pk}"
