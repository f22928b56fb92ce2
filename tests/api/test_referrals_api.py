"""The referrals API: a referral with its steps (GET), a step of its uptake (POST), through the
one access decision; 400 with each field from the service, 401 signed out, 403 refused (a
referral Seen does not hold alike), 404 for what is not a referral's reference, 422 for a body
that is not the schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from seen.access import services as access
from seen.access.models import Role
from seen.audit.models import AuditEvent
from seen.casefile.subjects import resolve_child
from seen.facts.models import ServiceReferral, ServiceUptake
from seen.people.models import Person, SourceRecord
from seen.recording import referrals
from tests.directory.test_fitting import EVENINGS, service
from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db


def _worker(baby: Person) -> Any:
    user = make_user(Role.SOCIAL_WORKER, "SW1")
    access.record_basis(user, baby, "direct_care", "consent")
    return user


def _referral(baby: Person, user: Any) -> ServiceReferral:
    group = service(
        "Dads in Quillbrook",
        areas=("QBM",),
        schedules=EVENINGS,
        evenings=True,
        contact_within_days=3,
    )
    father = SourceRecord.objects.get(local_id="F1").person
    assert father is not None
    details = referrals.ReferralDetails(group.pk, "He asked for support.", "consent")
    return referrals.refer(
        user, "direct_care", resolve_child(baby.reference), father.reference, details
    ).referral


def _post(client: Client, reference: str, body: dict[str, Any]) -> Any:
    return client.post(
        f"/api/referrals/{reference}/uptake", json.dumps(body), content_type="application/json"
    )


def test_a_step_is_recorded_and_the_referral_read_with_it(baby: Person) -> None:
    user = _worker(baby)
    referral = _referral(baby, user)
    client = signed_in_client(user, purpose="direct_care")
    response = _post(
        client, referral.local_id, {"status": "attended", "occurred_on": "2025-07-11", "session": 1}
    )
    assert response.status_code == 201, response.content
    step = ServiceUptake.objects.get(pk=response.json()["id"])
    assert step.session == 1 and step.referral == referral and step.local_id.startswith("seen-")
    write = AuditEvent.objects.without_access_changes().get(
        action="write", object_type="referral_step"
    )
    assert write.subject == baby.reference

    body = client.get(f"/api/referrals/{referral.local_id}").json()
    assert body["child"] == baby.reference and body["service_name"] == "Dads in Quillbrook"
    assert body["basis"] == "consent" and body["reason"] == "He asked for support."
    assert body["status"] == "attended" and body["contact_due"] == "2025-07-14"
    assert not body["overdue"] and not body["ended"]
    assert [s["status"] for s in body["steps"]] == ["attended"]
    assert body["referrer"] == "Sol Worker" and body["agency"] == "QAV-CSC"
    assert client.get(f"/api/referrals/{referral.pk}").status_code == 200


def test_the_service_refuses_each_field_with_its_reason(baby: Person) -> None:
    user = _worker(baby)
    referral = _referral(baby, user)
    client = signed_in_client(user, purpose="direct_care")
    cases = [
        (
            {"status": "attended", "occurred_on": "2025-07-11"},
            {"session": "Give the number of the session"},
        ),
        (
            {"status": "declined", "occurred_on": "2025-07-11"},
            {"reason": "Say why he declined or dropped out (if no reason was given, say so)"},
        ),
        (
            {"status": "contacted", "occurred_on": "2025-07-01"},
            {"occurred_on": "The date of the step must be on or after the referral (11 July 2025)"},
        ),
        (
            {"status": "contacted", "occurred_on": "2026-01-01"},
            {"occurred_on": "The date of the step must be today or in the past"},
        ),
    ]
    for body, errors in cases:
        response = _post(client, referral.local_id, body)
        assert response.status_code == 400, body
        assert response.json()["errors"] == errors
    assert (
        _post(
            client, referral.local_id, {"status": "completed", "occurred_on": "2025-07-11"}
        ).status_code
        == 201
    )
    after = _post(client, referral.local_id, {"status": "contacted", "occurred_on": "2025-07-11"})
    assert after.status_code == 400 and "no step can follow" in after.json()["errors"]["status"]
    for bad in (
        {"status": "finished", "occurred_on": "2025-07-11"},
        {"status": "attended", "occurred_on": "2025-07-11", "session": 0},
        {"status": "contacted", "occurred_on": "not a date"},
        {"status": "contacted"},
    ):
        assert _post(client, referral.local_id, bad).status_code == 422, bad


def test_refusals(baby: Person) -> None:
    referral = _referral(baby, _worker(baby))
    body = {"status": "contacted", "occurred_on": "2025-07-11"}
    assert _post(Client(), referral.local_id, body).status_code == 401
    assert Client().get(f"/api/referrals/{referral.local_id}").status_code == 401
    for role, practitioner in ((Role.SOCIAL_WORKER, "SW2"), (Role.REVIEWER, None)):
        client = signed_in_client(make_user(role, practitioner), purpose="direct_care")
        assert _post(client, referral.local_id, body).status_code == 403
        assert client.get(f"/api/referrals/{referral.local_id}").status_code == 403
    # the health visitor sees the baby at the flag level: no referral before the basis
    visitor = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"), purpose="direct_care")
    refused = visitor.get(f"/api/referrals/{referral.local_id}")
    assert refused.status_code == 403 and "household" in refused.json()["detail"]
    # a referral Seen does not hold is refused as a child without a relationship
    unknown = visitor.get("/api/referrals/seen-unknown")
    assert unknown.status_code == 403 and "no legitimate relationship" in unknown.json()["detail"]
    assert visitor.get("/api/referrals/" + "x" * 300).status_code == 404
    assert _post(visitor, "a%20b", body).status_code == 404
    nul = visitor.post(
        f"/api/referrals/{referral.local_id}/uptake",
        json.dumps({**body, "reason": "a\x00b"}),
        content_type="application/json",
    )
    assert nul.status_code == 400
    assert not ServiceUptake.objects.exists()
    assert AuditEvent.objects.filter(outcome="denied", object_type__startswith="referral").exists()
