"""The alerts API: the alerts a user answers for, one alert, and the steps on it, through the
same services as the pages; every bad input a 4xx with a message, declared in the OpenAPI
document; every read, step and refusal audited."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from seen.access.models import Role
from seen.api.main import api
from seen.audit.models import AuditEvent
from seen.people.models import Person
from seen.rules.models import Alert
from tests.fixtures.alerts import make_alert
from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    # signed_in_client declaring the practitioner's purpose, as the API asks of every request
    return signed_in_client(user, purpose="direct_care")


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_signed_out_is_401_everywhere(baby: Person) -> None:
    alert = make_alert(baby)
    client = Client(headers={"Seen-Purpose": "direct_care"})
    assert client.get("/api/alerts/").status_code == 401
    assert client.get(f"/api/alerts/{alert.pk}").status_code == 401
    for step in ("acknowledge", "action", "escalate", "close"):
        assert _post(client, f"/api/alerts/{alert.pk}/{step}", {}).status_code == 401
    assert list(alert.events.values_list("kind", flat=True)) == ["raised"]


def test_the_list_is_the_users_own_with_the_inbox_filter(baby: Person) -> None:
    mine = make_alert(baby, key="mine", hours=-1)
    make_alert(baby, owner=None, agency="QAV-CSC", role=Role.MASH_PRACTITIONER, key="theirs")
    client = _client(make_user(Role.HEALTH_VISITOR, "HV1"))
    response = client.get("/api/alerts/")
    assert response.status_code == 200
    [item] = response.json()
    assert item["id"] == mine.pk and item["child"] == baby.reference and item["overdue"]
    assert item["summary"] == "The baby was bruised while not yet mobile."
    assert item["owner"] == "Hana Visitor"
    assert [a["id"] for a in client.get("/api/alerts/?show=overdue").json()] == [mine.pk]
    assert client.get("/api/alerts/?show=closed").json() == []
    bad = client.get("/api/alerts/?show=everything")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "show"
    assert client.get("/api/alerts/?limit=0").status_code == 422
    event = AuditEvent.objects.filter(action="read", via="api").first()
    assert event is not None and event.subject == baby.reference
    assert event.disclosed["alerts"] == [mine.pk]


def test_the_list_needs_a_case_role_and_a_purpose(baby: Person) -> None:
    make_alert(baby)
    assert _client(make_user(Role.STRATEGIC_LEADER, agency="QAV-HV")).get(
        "/api/alerts/"
    ).status_code == 403
    refused = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1")).get("/api/alerts/")
    assert refused.status_code == 403 and "declare why" in refused.json()["detail"]
    assert AuditEvent.objects.filter(outcome="denied").count() == 2


def test_one_alert_for_its_owner_marks_it_seen(baby: Person) -> None:
    alert = make_alert(baby)
    response = _client(make_user(Role.HEALTH_VISITOR, "HV1")).get(f"/api/alerts/{alert.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["explanation"].startswith("The baby was bruised")
    assert body["facts"][0]["kind"] == "contact" and body["facts"][0]["occurred_on"] == "2025-06-02"
    assert body["facts"][1] == {"kind": "injury", "id": 999999, "occurred_on": None, "agency": ""}
    assert body["people"][0]["role"] == "birth mother"
    assert [e["kind"] for e in body["events"]] == ["raised", "seen"]
    assert body["status"] == "seen" and body["routed_because"].startswith("the child's named")
    events = AuditEvent.objects.filter(object_type="alert").order_by("seq")
    actions = list(events.values_list("action", flat=True))
    assert actions == ["write", "read"]


def test_unknown_not_yours_and_bad_ids_are_4xx(baby: Person) -> None:
    alert = make_alert(baby)
    owner_user = make_user(Role.HEALTH_VISITOR, "HV1")
    owner = _client(owner_user)
    missing = owner.get("/api/alerts/999999")
    assert missing.status_code == 404 and missing.json()["detail"] == "no alert 999999"
    assert owner.get("/api/alerts/not-a-number").status_code == 422
    for huge in ("99999999999999999999", "9223372036854775808", "0"):
        assert owner.get(f"/api/alerts/{huge}").status_code in (404, 422)
    assert signed_in_client(owner_user).get("/alerts/99999999999999999999/").status_code == 404
    other = _client(make_user(Role.SOCIAL_WORKER, "SW2"))
    refused = other.get(f"/api/alerts/{alert.pk}")
    assert refused.status_code == 403 and "not yours to answer" in refused.json()["detail"]
    step = _post(other, f"/api/alerts/{alert.pk}/acknowledge", {"note": "mine now"})
    assert step.status_code == 403
    assert list(alert.events.values_list("kind", flat=True)) == ["raised"]
    denied = AuditEvent.objects.filter(outcome="denied")
    assert denied.count() == 2 and {e.subject for e in denied} == {baby.reference}


def test_the_owner_takes_each_step(baby: Person) -> None:
    alert = make_alert(baby)
    client = _client(make_user(Role.HEALTH_VISITOR, "HV1"))
    url = f"/api/alerts/{alert.pk}"
    response = _post(client, f"{url}/acknowledge", {})
    assert response.status_code == 200 and response.json()["status"] == "acknowledged"
    response = _post(client, f"{url}/action", {"action": "no_further_action", "note": " "})
    assert response.status_code == 409
    assert response.json()["detail"] == "no further action needs a reason"
    response = _post(client, f"{url}/close", {"outcome": "done"})
    assert response.status_code == 409
    assert "action taken before closing" in response.json()["detail"]
    response = _post(client, f"{url}/action", {"action": "strategy_discussion", "note": "held"})
    assert response.status_code == 200 and response.json()["status"] == "actioned"
    response = _post(client, f"{url}/escalate", {"reason": "the family moved away"})
    assert response.status_code == 200 and response.json()["escalated_to"] == "Sam Lead"
    response = _post(client, f"{url}/escalate", {"reason": "again"})
    assert response.status_code == 409 and "already escalated" in response.json()["detail"]
    response = _post(client, f"{url}/close", {"outcome": "child protection enquiry opened"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "closed" and body["outcome"] == "child protection enquiry opened"
    assert [e["kind"] for e in body["events"]] == [
        "raised",
        "acknowledged",
        "action",
        "escalated",
        "closed",
    ]
    for step in ("acknowledge", "action", "escalate", "close"):
        body = {"action": "referral_made", "reason": "r", "outcome": "o"}
        refused = _post(client, f"{url}/{step}", body)
        assert refused.status_code == 409 and refused.json()["detail"] == "this alert is closed"
    writes = AuditEvent.objects.filter(action="write", outcome="allowed", object_type="alert")
    assert [w.disclosed["step"] for w in writes.order_by("seq")] == [
        "acknowledge",
        "action",
        "escalate",
        "close",
    ]
    assert AuditEvent.objects.filter(action="write", outcome="denied").count() == 7


@pytest.mark.parametrize(
    ("step", "body"),
    [
        ("action", {"action": "shrug"}),
        ("action", {}),
        ("escalate", {}),
        ("escalate", {"reason": "   "}),
        ("close", {"outcome": ""}),
        ("close", {"outcome": "x" * 201}),
        # (a NUL: 400 before any operation, tests/web/test_hostile_input.py)
        ("acknowledge", {"note": "x" * 5001}),
        ("action", "not an object"),
        ("close", ["outcome"]),
    ],
)
def test_a_bad_body_is_a_422(baby: Person, step: str, body: Any) -> None:
    alert = make_alert(baby)
    client = _client(make_user(Role.HEALTH_VISITOR, "HV1"))
    response = _post(client, f"/api/alerts/{alert.pk}/{step}", body)
    assert response.status_code == 422, response.content
    assert response.json()["detail"]
    alert.refresh_from_db()
    assert alert.status == Alert.Status.RAISED


def _codes(operation: dict[str, Any]) -> set[str]:
    return {str(code) for code in operation["responses"]}


def test_the_openapi_document_declares_every_refusal() -> None:
    paths = api.get_openapi_schema()["paths"]
    # 400: a NUL or an over-long value, refused before any operation (seen.web.hostile_input)
    assert _codes(paths["/api/alerts/"]["get"]) == {"200", "400", "401", "403", "422"}
    assert _codes(paths["/api/alerts/{alert_id}"]["get"]) == {
        "200",
        "400",
        "401",
        "403",
        "404",
        "422",
    }
    for step in ("acknowledge", "action", "escalate", "close"):
        operation = paths[f"/api/alerts/{{alert_id}}/{step}"]["post"]
        assert _codes(operation) == {"200", "400", "401", "403", "404", "409", "422"}
        assert operation["tags"] == ["alerts"]
