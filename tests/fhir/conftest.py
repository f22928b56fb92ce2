"""The FHIR face's tests share the small partnership's flagged baby (tests.fixtures.partnership:
on a child protection plan led by the social worker SW1 of Quarry Vale's children's social care,
its NHS number BABY_NHS on the health visitor's record), with the numbers CP-IS gives: the
social worker's own (office hours) and the local authority's duty number."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from seen.access.models import Role
from seen.areas.models import Agency, Practitioner
from seen.people.models import Person
from tests.fixtures.partnership import make_user, signed_in_client

WORKER_PHONE = "01632 960123"
DUTY_PHONE = "01632 960999"
MOTHER_NHS = "9990000018"  # the mother's record in the small partnership
UNKNOWN_NHS = "9990000034"  # valid, held by no one


@pytest.fixture
def numbers(flagged: Person) -> Person:
    """The flagged baby, its social worker and her agency's duty team with their numbers."""
    Practitioner.objects.filter(local_id="SW1").update(phone=WORKER_PHONE)
    Agency.objects.filter(code="QAV-CSC").update(duty_phone=DUTY_PHONE)
    return flagged


@pytest.fixture
def ed_user(db: Any) -> Any:
    """An ED clinician of Quarry Vale's hospital (the practitioner ED1, Eve Doctor)."""
    return make_user(Role.ED_CLINICIAN, "ED1")


@pytest.fixture
def ed_client(ed_user: Any) -> Client:
    """The ED clinician signed in. It declares no Seen-Purpose: the face's purpose is always
    unscheduled care."""
    return signed_in_client(ed_user)


def search(client: Client, resource: str, number: str, unscheduled: str | None = "true") -> Any:
    headers = {} if unscheduled is None else {"IsUnscheduledAccessEvent": unscheduled}
    return client.get(
        f"/fhir/R4/{resource}",
        {"patient:identifier": f"https://fhir.nhs.uk/Id/nhs-number|{number}"},
        headers=headers,
    )
