"""`GET /fhir/R4/AuditEvent?patient:identifier=…`: who looked at a flagged child for unscheduled
care, on every face, as CP-IS's AuditEvents with the PractitionerRole included; a silent read
is not among them; the search is itself audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from seen.access.models import Role
from seen.audit.models import AuditEvent
from seen.facts.models import Plan
from seen.fhir.terms import NHS_NUMBER
from seen.people.models import Person
from tests.fhir.conftest import search
from tests.fhir.validation import fhir_json
from tests.fixtures.partnership import BABY_NHS, make_user, signed_in_client

pytestmark = pytest.mark.django_db


def _looks(client: Client) -> dict[str, Any]:
    response = search(client, "AuditEvent", BABY_NHS, None)  # the header is CareTeam's
    assert response.status_code == 200, response.content
    bundle = fhir_json(response)
    assert bundle["type"] == "searchset" and bundle["total"] == sum(
        1 for e in bundle["entry"] if e["search"]["mode"] == "match"
    )
    return bundle


def test_who_looked_names_the_practitioner_role(
    numbers: Person, ed_user: Any, ed_client: Client
) -> None:
    search(ed_client, "CareTeam", BABY_NHS, "true")  # a look through this face
    api = signed_in_client(ed_user, purpose="unscheduled_care")
    assert api.get(f"/api/children/{numbers.reference}/flags").status_code == 200  # the API's
    bundle = _looks(ed_client)
    events = [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == "match"]
    roles = [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == "include"]
    assert len(events) == 2 and len(roles) == 1  # one clinician, two looks, newest first
    api_look, fhir_look = events
    assert int(api_look["id"].removeprefix("look-")) > int(fhir_look["id"].removeprefix("look-"))
    assert api_look["recorded"] == "2025-07-11T08:00:00+00:00"  # Seen's clock, in UTC
    for event in events:
        patient, looked = event["agent"]
        assert patient["who"]["identifier"] == {"system": NHS_NUMBER, "value": BABY_NHS}
        assert patient["requestor"] is False and looked["requestor"] is True
        assert looked["who"] == {"reference": f"PractitionerRole/{roles[0]['id']}"}
        assert event["source"]["observer"] == looked["who"]
        assert event["type"]["code"] == "access" and event["action"] == "R"
    (role,) = roles
    assert role["practitioner"] == {"display": "Eve Doctor"}
    assert role["organization"] == {"display": "Quarry Vale Hospital ED"}
    assert role["code"] == [{"text": "ED or urgent-care clinician"}]
    entry = bundle["entry"][-1]
    assert entry["fullUrl"] == f"http://testserver/fhir/R4/PractitionerRole/{role['id']}"


def test_a_silent_read_is_not_a_look(numbers: Person, ed_client: Client) -> None:
    search(ed_client, "CareTeam", BABY_NHS, "false")
    assert _looks(ed_client)["entry"] == []
    search(ed_client, "CareTeam", BABY_NHS, "true")
    assert _looks(ed_client)["total"] == 1


def test_the_search_is_audited_and_is_not_itself_a_look(numbers: Person, ed_client: Client) -> None:
    _looks(ed_client)
    _looks(ed_client)
    entries = AuditEvent.objects.filter(object_type="unscheduled_looks", action="read")
    assert entries.count() == 2
    assert {e.subject for e in entries} == {numbers.reference}
    assert {e.purpose for e in entries} == {"unscheduled_care"}
    assert _looks(ed_client)["total"] == 0


def test_a_child_with_no_flag_shows_no_looks(numbers: Person, ed_client: Client) -> None:
    """Who looked goes with the flag: once the plan has ended, nothing at the flag level."""
    search(ed_client, "CareTeam", BABY_NHS, "true")
    assert _looks(ed_client)["total"] == 1
    Plan.objects.filter(local_id="PL1").update(end="2025-06-21")
    assert _looks(ed_client)["entry"] == []


def test_another_role_s_look_is_not_an_unscheduled_care_look(
    numbers: Person, ed_client: Client
) -> None:
    visitor = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"), purpose="direct_care")
    assert visitor.get(f"/api/children/{numbers.reference}/flags").status_code == 200
    assert _looks(ed_client)["entry"] == []
