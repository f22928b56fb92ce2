"""GET /api/services and /api/services/{id}: Open Referral UK's list and service object, for
the roles that may read the directory; paginated and filtered; 400 for what is not an id, an
area or an audience, 404 for an id the directory does not hold, 401 signed out, 403 (audited)
for a role the policy refuses."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from seen.access.models import Role
from seen.areas.models import Area
from seen.audit.models import AuditEvent
from seen.directory.models import Service
from seen.directory.oruk_import import import_file
from tests.directory.conftest import SERVICES, sample
from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def health_visitor(directory_areas: dict[str, Area]) -> Client:
    import_file(SERVICES)
    return signed_in_client(make_user(Role.HEALTH_VISITOR), purpose="direct_care")


def _names(body: dict[str, Any]) -> list[str]:
    return [service["name"] for service in body["contents"]]


def test_the_list_is_orUKs_envelope_a_page_at_a_time(health_visitor: Client) -> None:
    first = health_visitor.get("/api/services?per_page=3").json()
    assert first["total_items"] == 8 and first["total_pages"] == 3
    assert (first["page_number"], first["size"], first["first_page"], first["last_page"]) == (
        1, 3, True, False,
    )  # fmt: skip
    assert _names(first) == sorted(s["name"] for s in sample())[:3]
    last = health_visitor.get("/api/services?per_page=3&page=3").json()
    assert (last["size"], last["last_page"], last["empty"]) == (2, True, False)
    assert health_visitor.get("/api/services?page=9").json()["empty"] is True
    assert health_visitor.get("/api/services").json()["size"] == 8  # 50 to a page by default


def test_filters_by_area_audience_and_words(health_visitor: Client) -> None:
    quillbrook = _names(health_visitor.get("/api/services?area=QBM").json())
    # the services of Quillbrook, and those of the whole partnership
    assert "Quillbrook Saturday Dads" in quillbrook
    assert "Coping with Crying: a session for couples" in quillbrook
    assert "Quarry Vale Dads' Evening Group" not in quillbrook
    mothers = _names(health_visitor.get("/api/services?audience=mothers").json())
    assert set(mothers) == {
        "Bump Start antenatal class",
        "Coping with Crying: a session for couples",
        "Next Steps: parents who have left care",
    }
    assert _names(health_visitor.get("/api/services?search=perpetrator").json()) == [
        "Safer Homes perpetrator programme"
    ]
    assert _names(health_visitor.get("/api/services?search=Probation").json()) == [
        "Safer Homes perpetrator programme"
    ]  # the organisation's name
    both = health_visitor.get("/api/services?area=QAV&audience=fathers&search=dads").json()
    assert _names(both) == ["Dads' Minds perinatal support", "Quarry Vale Dads' Evening Group"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("per_page=0", 422),
        ("per_page=101", 422),
        ("per_page=abc", 422),
        ("page=0", 422),
        ("page=" + "9" * 300, 422),
        ("search=" + "a" * 101, 422),
        ("audience=grandparents", 400),
        ("area=ZZZ", 400),
        ("per_page=100", 200),
    ],
)
def test_bounds(health_visitor: Client, query: str, status: int) -> None:
    response = health_visitor.get(f"/api/services?{query}")
    assert response.status_code == status, response.content
    if status == 400:
        assert response.json()["detail"]


def test_one_service_is_an_oruk_service_object(health_visitor: Client) -> None:
    oruk_id = sample()[3]["id"]
    body = health_visitor.get(f"/api/services/{oruk_id}").json()
    assert body["id"] == oruk_id and body["name"] == "Safer Homes perpetrator programme"
    assert {"id", "name", "status", "url", "organization", "schedules", "attributes"} <= set(body)
    assert health_visitor.get(f"/api/services/{oruk_id.upper()}").json()["id"] == oruk_id


@pytest.mark.parametrize(
    ("service_id", "status"),
    [
        ("0b3f6c2e-1a2b-4c3d-8e9f-001122334455", 404),
        ("not-a-uuid", 400),
        ("x" * 300, 400),
        ("0b3f6c2e1a2b4c3d8e9f001122334455", 400),
    ],
)
def test_an_unknown_or_malformed_id(health_visitor: Client, service_id: str, status: int) -> None:
    response = health_visitor.get(f"/api/services/{service_id}")
    assert response.status_code == status
    assert response.json()["detail"]


def test_signed_out_is_401(directory_areas: dict[str, Area]) -> None:
    assert Client().get("/api/services").status_code == 401
    assert Client().get(f"/api/services/{sample()[0]['id']}").status_code == 401


@pytest.mark.parametrize(
    "role",
    [Role.REVIEWER, Role.SYSTEM_ADMINISTRATOR, Role.AGENCY_SYSTEM, Role.DATA_PROTECTION_OFFICER],
)
def test_a_role_without_the_directory_is_refused_and_the_refusal_audited(
    directory_areas: dict[str, Area], role: str
) -> None:
    import_file(SERVICES)
    user = make_user(role)
    client = signed_in_client(
        user,
        purpose=(
            "review"
            if role == Role.REVIEWER
            else "audit"
            if role == Role.DATA_PROTECTION_OFFICER
            else "administration"
        ),
    )
    oruk_id = sample()[0]["id"]
    for address in ("/api/services", f"/api/services/{oruk_id}"):
        response = client.get(address)
        assert response.status_code == 403
        assert "may not view directory" in response.json()["detail"]
    refusals = AuditEvent.objects.filter(username=user.username, action="denied")
    assert sorted(refusals.values_list("object_type", "object_id")) == [
        ("service", oruk_id), ("services", ""),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "role", [Role.STRATEGIC_LEADER, Role.POLICE_OFFICER, Role.SAFEGUARDING_LEAD]
)
def test_practitioners_and_leaders_read_it_and_the_read_is_not_audited(
    directory_areas: dict[str, Area], role: str
) -> None:
    import_file(SERVICES)
    user = make_user(role)
    purpose = "strategic" if role == Role.STRATEGIC_LEADER else "safeguarding"
    before = AuditEvent.objects.count()
    response = signed_in_client(user, purpose=purpose).get("/api/services")
    assert response.status_code == 200 and response.json()["total_items"] == 8
    assert AuditEvent.objects.count() == before  # no personal data in the directory


def test_a_purpose_the_role_may_not_declare_is_refused(directory_areas: dict[str, Area]) -> None:
    client = signed_in_client(make_user(Role.MIDWIFE), purpose="strategic")
    response = client.get("/api/services")
    assert response.status_code == 403
    assert "may declare only" in response.json()["detail"]


def test_an_empty_directory_is_an_empty_page(directory_areas: dict[str, Area]) -> None:
    Service.objects.all().delete()
    client = signed_in_client(make_user(Role.GP), purpose="direct_care")
    body = client.get("/api/services").json()
    assert body == {
        "total_items": 0, "total_pages": 1, "page_number": 1, "size": 0, "first_page": True,
        "last_page": True, "empty": True, "contents": [],
    }  # fmt: skip
