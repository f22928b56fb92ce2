"""Secure headers on every response (issue 13 finding 7): personal data is never stored by a
browser or a proxy (`Cache-Control: no-store` on pages, API answers, refusals, errors and
downloads alike; only the static assets under /assets/ may be cached), a Content-Security-Policy
without inline script, a Permissions-Policy turning off the browser's powerful features, no
`Server-Timing` outside debugging, and the OpenAPI document only for a signed-in user."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpResponseBase
from django.test import Client

from seen.access import services
from seen.access.models import Role
from seen.incidents.models import Incident
from seen.people.models import Person, SourceRecord
from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db

CSP_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
)
FEATURES_OFF = ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()")


def _client(user: Any) -> Client:
    # unlike signed_in_client's default: a request that raises answers with the 500 page a
    # browser would get (whose headers these tests check) rather than raising in the test
    return signed_in_client(user, raise_request_exception=False)


def assert_secure_headers(response: HttpResponseBase) -> None:
    assert "no-store" in response["Cache-Control"], response.get("Cache-Control")
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    for directive in CSP_DIRECTIVES:
        assert directive in policy, (directive, policy)
    assert not any("unsafe-inline" in part or "unsafe-eval" in part for part in policy)
    for feature in FEATURES_OFF:
        assert feature in response["Permissions-Policy"]
    assert "Server-Timing" not in response
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_child_page(baby: Person) -> None:
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    services.record_basis(worker, baby, "direct_care", "consent")
    response = _client(worker).get(f"/children/{baby.reference}/")
    assert response.status_code == 200 and "Hollis" in response.content.decode()
    assert_secure_headers(response)


def test_an_api_answer(baby: Person) -> None:
    client = _client(make_user(Role.SOCIAL_WORKER, "SW1"))
    response = client.get(f"/api/children/{baby.reference}/flags", HTTP_SEEN_PURPOSE="direct_care")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert_secure_headers(response)


def test_a_refusal_a_missing_page_and_the_sign_in_page(baby: Person) -> None:
    client = _client(make_user(Role.HEALTH_VISITOR, "HV2"))
    refused = client.get(f"/children/{baby.reference}/")
    assert refused.status_code == 403
    assert_secure_headers(refused)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert_secure_headers(missing)
    api_missing = client.get("/api/no-such-operation")
    assert api_missing.status_code == 404
    assert_secure_headers(api_missing)
    assert_secure_headers(Client().get("/sign-in/"))


def test_the_chronology_downloads(
    reviewing: Any, incident: Incident, baby: Person
) -> None:
    client = _client(reviewing)
    for wanted in ("csv", "docx"):
        response = client.get(f"/children/{baby.reference}/chronology/?format={wanted}")
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        assert_secure_headers(response)


@pytest.mark.parametrize("wanted", ["pdf", "csv", "markdown", "html"])
def test_the_subject_access_downloads(baby: Person, wanted: str) -> None:
    mother = SourceRecord.objects.get(local_id="M1").person
    assert mother is not None
    response = _client(make_user(Role.DATA_PROTECTION_OFFICER)).get(
        "/subject-access/", {"reference": mother.reference, "format": wanted}
    )
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert_secure_headers(response)


def test_static_assets_may_still_be_cached() -> None:
    response = Client().get("/assets/govuk-frontend.min.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_server_timing_only_when_asked_for(settings: Any) -> None:
    assert "Server-Timing" not in Client().get("/sign-in/")
    settings.SEEN_SERVER_TIMING = True
    assert Client().get("/sign-in/")["Server-Timing"].startswith("app;dur=")


def test_the_openapi_document_is_for_signed_in_users_only(baby: Person) -> None:
    signed_out = Client().get("/api/openapi.json")
    assert signed_out.status_code == 401 and signed_out.json()["detail"]
    assert "paths" not in signed_out.json()
    assert_secure_headers(signed_out)
    assert Client().get("/api/docs").status_code in (401, 404)
    signed_in = _client(make_user(Role.SOCIAL_WORKER, "SW1")).get("/api/openapi.json")
    assert signed_in.status_code == 200 and "/api/children/{reference}/flags" in signed_in.json()[
        "paths"
    ]
