"""The child look-up: flags and whom to call, for ED presenting now, a caseload, or break
glass; the lead practitioner told of an ED look-up; never the detail."""

from __future__ import annotations

from typing import Any

import pytest

from seen.access import services
from seen.access.models import Notification, Role
from seen.audit.models import AuditEvent
from seen.people.models import Person
from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db


def _get(user: Any, child: Person, purpose: str) -> Any:
    return signed_in_client(user, purpose=purpose).get(f"/api/children/{child.reference}/flags")


def test_ed_sees_the_flag_and_whom_to_call_and_the_lead_is_told(baby: Person) -> None:
    doctor = make_user(Role.ED_CLINICIAN, "ED1")
    response = _get(doctor, baby, "unscheduled_care")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["flagged"] and body["flags"] == ["child protection plan"]
    assert body["call"][0]["name"] == "Sol Worker" and body["lead_told"]
    assert Notification.objects.get().to.local_id == "SW1"
    for detail in ("Hollis", "Tanner", "QA1", "2025-06-01"):
        assert detail not in response.content.decode()  # the flag, not the household
    event = AuditEvent.objects.get(action="read")
    assert event.disclosed["flags"] == ["child protection plan"] and event.subject == baby.reference
    assert _get(doctor, baby, "direct_care").status_code == 403  # not presenting: no relationship


def test_a_caseload_or_break_glass_opens_the_flags(baby: Person) -> None:
    assert _get(make_user(Role.HEALTH_VISITOR, "HV1"), baby, "direct_care").status_code == 200
    other = make_user(Role.HEALTH_VISITOR, "HV2")
    refused = _get(other, baby, "direct_care")
    assert refused.status_code == 403 and "break glass" in refused.json()["detail"]
    services.break_glass(other, baby, "covering the caseload while the named HV is away")
    assert _get(other, baby, "direct_care").status_code == 200
    assert not Notification.objects.exists()  # only unscheduled care tells the lead


def test_an_unknown_child_is_404_only_to_who_may_see_any_child(baby: Person) -> None:
    """An ED clinician with a child presenting may see any child's flags: told there is none.
    Anyone else is refused as for a real child they have no relationship with (a 404 before
    issue 13, which told a health visitor which children exist)."""
    client = signed_in_client(make_user(Role.ED_CLINICIAN, "ED1"), purpose="unscheduled_care")
    assert client.get("/api/children/P99999999/flags").status_code == 404
    visitor = make_user(Role.HEALTH_VISITOR, "HV2")
    real = _get(visitor, baby, "direct_care")
    other = signed_in_client(visitor, purpose="direct_care")
    missing = other.get("/api/children/P99999999/flags")
    assert real.status_code == missing.status_code == 403 and real.json() == missing.json()
    assert AuditEvent.objects.filter(action="denied", object_type="child_flags").count() == 2
