"""Every error of the FHIR face is an OperationOutcome with its status, as FHIR JSON and never
cached: 401 signed out, 403 for a caller who may not check a child presenting now (the same
whether or not the NHS number is known), 404 for an unknown number only to a caller who may
check any child, 400 for a search Seen cannot read (each audited), 405 and 406."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from seen.access.models import Role
from seen.audit.models import AuditEvent
from seen.people.models import Person
from tests.fhir.conftest import UNKNOWN_NHS, search
from tests.fhir.validation import outcome
from tests.fixtures.partnership import BABY_NHS, make_user, signed_in_client

pytestmark = pytest.mark.django_db

SEARCHES = ("CareTeam", "AuditEvent")
EVERY_ROUTE = ("/fhir/R4/metadata", "/fhir/R4/CodeSystem/seen-flag", "/fhir/R4/Patient")
NHS = "https://fhir.nhs.uk/Id/nhs-number"


@pytest.mark.parametrize("resource", SEARCHES)
def test_signed_out_is_401(resource: str, flagged: Person) -> None:
    assert "Sign in" in outcome(search(Client(), resource, BABY_NHS), 401)
    for path in EVERY_ROUTE:
        outcome(Client().get(path), 401)
    assert not AuditEvent.objects.filter(outcome="allowed").exists()


@pytest.mark.parametrize("resource", SEARCHES)
@pytest.mark.parametrize(
    "role", [Role.GP, Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD, Role.SYSTEM_ADMINISTRATOR]
)
def test_a_role_that_may_not_check_a_child_presenting_now_is_403(
    resource: str, role: str, flagged: Person
) -> None:
    """Whatever the number, known, unknown or not one at all: the same refusal, audited."""
    client = signed_in_client(make_user(role, agency="QAV-CSC"))
    known = outcome(search(client, resource, BABY_NHS), 403)
    unknown = outcome(search(client, resource, UNKNOWN_NHS), 403)
    unreadable = outcome(client.get(f"/fhir/R4/{resource}", {"patient:identifier": "x"}), 403)
    assert known == unknown == unreadable
    assert AuditEvent.objects.filter(action="denied", outcome="denied").count() == 3
    assert not AuditEvent.objects.filter(action="read").exists()


def test_an_account_without_a_role_is_403(flagged: Person) -> None:
    user = get_user_model().objects.create_user("no-role", password="a-long-test-password-1")
    client = signed_in_client(user)
    for resource in SEARCHES:
        assert "with a role in Seen" in outcome(search(client, resource, BABY_NHS), 403)


@pytest.mark.parametrize("resource", SEARCHES)
def test_an_unknown_number_is_404_to_who_may_check_any_child(
    resource: str, flagged: Person, ed_client: Client
) -> None:
    assert "no child" in outcome(search(ed_client, resource, UNKNOWN_NHS), 404)
    entry = AuditEvent.objects.without_access_changes().get()
    assert entry.disclosed == {"found": 0} and entry.purpose == "unscheduled_care"


HOSTILE: list[tuple[str, Any]] = [
    ("no identifier", {}),
    ("twice", {"patient:identifier": [f"{NHS}|{BABY_NHS}", f"{NHS}|{UNKNOWN_NHS}"]}),
    ("no system", {"patient:identifier": BABY_NHS}),
    ("empty system", {"patient:identifier": f"|{BABY_NHS}"}),
    ("wrong system", {"patient:identifier": f"https://fhir.nhs.uk/Id/ods-code|{BABY_NHS}"}),
    ("too long", {"patient:identifier": f"{NHS}|{'9' * 5000}"}),
    ("not digits", {"patient:identifier": f"{NHS}|999000002X"}),
    ("spaced", {"patient:identifier": f"{NHS}|999 000 0026"}),
    ("bad check digit", {"patient:identifier": f"{NHS}|9990000027"}),
    ("SQL", {"patient:identifier": f"{NHS}|' OR 1=1 --"}),
    ("markup", {"patient:identifier": f"{NHS}|<script>alert(1)</script>"}),
]


@pytest.mark.parametrize("resource", SEARCHES)
@pytest.mark.parametrize(("what", "query"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_identifier_is_400_audited_and_never_echoed(
    resource: str, what: str, query: dict[str, Any], flagged: Person, ed_client: Client
) -> None:
    response = ed_client.get(
        f"/fhir/R4/{resource}", query, headers={"IsUnscheduledAccessEvent": "true"}
    )
    reason = outcome(response, 400)
    for sent in ("<script>", "OR 1=1", "9" * 20, "999000002X", "ods-code"):
        assert sent not in reason
    entry = AuditEvent.objects.without_access_changes().get()
    assert entry.action == "denied" and entry.reason == reason


@pytest.mark.parametrize("header", [None, "", "yes", "1", "true, false"])
def test_care_team_needs_is_unscheduled_access_event_true_or_false(
    header: str | None, flagged: Person, ed_client: Client
) -> None:
    reason = outcome(search(ed_client, "CareTeam", BABY_NHS, header), 400)
    assert "IsUnscheduledAccessEvent" in reason
    assert AuditEvent.objects.without_access_changes().get().action == "denied"


def test_a_nul_is_400_as_an_operation_outcome(flagged: Person, ed_client: Client) -> None:
    """Refused before any view (seen.web.hostile_input), answered as FHIR
    (seen.fhir.middleware)."""
    response = ed_client.get(
        "/fhir/R4/CareTeam",
        {"patient:identifier": f"{NHS}|999000\x000026"},
        headers={"IsUnscheduledAccessEvent": "true"},
    )
    assert "NUL" in outcome(response, 400)
    assert "Content-Security-Policy" in response  # the headers of the refusal are kept


def test_the_outcome_middleware_wraps_what_answers_before_the_views() -> None:
    order = settings.MIDDLEWARE
    ours = order.index("seen.fhir.middleware.OperationOutcomeErrors")
    assert ours < order.index("seen.web.hostile_input.RefuseHostileInputMiddleware")
    assert ours < order.index("django.middleware.csrf.CsrfViewMiddleware")
    assert ours > order.index("seen.web.secure_headers.NoStoreMiddleware")


def test_a_post_is_refused_as_an_operation_outcome(flagged: Person, ed_user: Any) -> None:
    client = signed_in_client(ed_user)
    outcome(client.post("/fhir/R4/CareTeam"), 405)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(ed_user)
    outcome(strict.post("/fhir/R4/CareTeam"), 403)  # no form token: Django's CSRF check


def test_only_fhir_json_is_written(flagged: Person, ed_client: Client) -> None:
    outcome(ed_client.get("/fhir/R4/metadata", {"_format": "xml"}), 406)
    outcome(ed_client.get("/fhir/R4/metadata", headers={"Accept": "application/fhir+xml"}), 406)
    for accept in ("application/fhir+json", "application/json", "*/*", "text/html, */*;q=0.8"):
        response = ed_client.get("/fhir/R4/metadata", headers={"Accept": accept})
        assert response.status_code == 200, accept
    assert ed_client.get("/fhir/R4/metadata", {"_format": "json"}).status_code == 200
