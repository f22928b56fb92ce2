"""The access matrix: every URL, every API operation and every command that shows case data,
against every role (and no role, and not signed in), asserting the policy of docs/access.md.

A URL, API operation or command that is not in the matrix fails the test: whoever adds one
must say here who may use it. (Child-level pages, where relationship and break glass change
the answer, arrive with the practitioners' service; tests/access/test_policy.py covers those
dimensions of the decision itself.)"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.urls import URLPattern, URLResolver, get_resolver

from seen.access.models import Role
from seen.api.main import api
from seen.audit.models import AuditEvent
from seen.people.models import SourceRecord
from tests.access.matrix import families
from tests.fixtures.forms import date_boxes
from tests.fixtures.matrix import ANONYMOUS, EVERYONE, NO_PROFILE, matrix_client, purpose_of

pytestmark = pytest.mark.django_db

IDENTITY_DECIDERS = {Role.MASH_PRACTITIONER, Role.SAFEGUARDING_LEAD}
STARTS_ELSEWHERE = {
    Role.STRATEGIC_LEADER,
    Role.REVIEWER,
    Role.SYSTEM_ADMINISTRATOR,
    Role.DATA_PROTECTION_OFFICER,
}


def _identity(ok: int) -> Callable[[str], int]:
    """The identity operations: deciders get `ok`, others 403, the signed-out 401."""
    return lambda who: 401 if who == ANONYMOUS else ok if who in IDENTITY_DECIDERS else 403


# (method, route) -> who -> the status the policy gives
MATRIX: dict[tuple[str, str], Callable[[str], int]] = {
    # the home page, "what you owe": signed out to sign in; the alerts for case roles; a role
    # that answers for no alerts sent on (302) to its own first page, where it has one (leaders,
    # reviewers, the data-protection officer, the administrator), else a plain message; an
    # account with no role is refused by the one gate, as on every page
    ("GET", ""): lambda who: (
        302 if who in {ANONYMOUS, *STARTS_ELSEWHERE} else 403 if who == NO_PROFILE else 200
    ),
    # what the demo loaded (counts only): the system administrator's
    ("GET", "loaded/"): lambda who: (
        302 if who == ANONYMOUS else 200 if who == Role.SYSTEM_ADMINISTRATOR else 403
    ),
    # the look-up form (no child until a search; each result passes the decision: test_check)
    ("GET", "check/"): lambda who: 302 if who == ANONYMOUS else 403 if who == NO_PROFILE else 200,
    ("GET", "sign-in/"): lambda who: 200 if who == ANONYMOUS else 302,  # signed in: onwards
    ("POST", "sign-out/"): lambda who: 200,  # the "you have signed out" page
    ("GET", "admin/"): lambda who: 302,  # no role is staff: the admin sends everyone to sign in
    ("GET", "api/"): lambda who: 404,  # nothing at the root
    # the document, no data: for a signed-in user only (it maps every operation)
    ("GET", "api/openapi.json"): lambda who: 401 if who == ANONYMOUS else 200,
    ("GET", "api/links/review"): _identity(200),
    ("GET", "api/links/pairs/{pair_id}"): _identity(200),
    ("POST", "api/links/pairs/{pair_id}/decision"): _identity(201),
    ("POST", "api/links/decisions/{decision_id}/undo"): _identity(200),
    ("GET", "api/aggregates/alerts"): lambda who: (
        401
        if who == ANONYMOUS
        else 200
        if who in (Role.STRATEGIC_LEADER, Role.SAFEGUARDING_LEAD)
        else 403
    ),
    # a child's flags: no relationship with the child in this world (see the break-glass test)
    ("GET", "api/children/{reference}/flags"): lambda who: 401 if who == ANONYMOUS else 403,
}

for _family in families():
    assert not set(_family.MATRIX) & set(MATRIX), _family.__name__
    MATRIX.update(_family.MATRIX)

# commands that show case data -> who may run them (with a purpose); the rest are the system's
# own jobs, run on the server and not by practitioners
CASE_DATA_COMMANDS: dict[str, set[str]] = {
    "review-links": IDENTITY_DECIDERS,
    "alerts": {
        Role.MIDWIFE,
        Role.HEALTH_VISITOR,
        Role.GP,
        Role.ED_CLINICIAN,
        Role.SOCIAL_WORKER,
        Role.EARLY_HELP_KEY_WORKER,
        Role.MASH_PRACTITIONER,
        Role.POLICE_OFFICER,
        Role.PROBATION_OFFICER,
        Role.MENTAL_HEALTH_PRACTITIONER,
        Role.PERSONAL_ADVISER,
        Role.SAFEGUARDING_LEAD,
    },
    "audit who-looked": {Role.SAFEGUARDING_LEAD, Role.DATA_PROTECTION_OFFICER},
    "audit subject-access": {Role.DATA_PROTECTION_OFFICER},
    "access break-glass-reviews": {Role.SAFEGUARDING_LEAD},
}
SYSTEM_COMMANDS = {
    "ingest",
    "import",  # a local authority's national-format data, loaded as `ingest` loads an extract
    "link",
    "link-file",
    "rules",
    "synth",
    "bench",
    "quarantine",
    "extract_schema",
    "demo-users",
    "audit verify",
    "review",
    "services",  # the directory of services for parents: no case data
}


def _routes() -> set[tuple[str, str]]:
    """Every (method, route) the project serves: Django's URL patterns, and for the API each
    operation of its OpenAPI document."""
    found: set[tuple[str, str]] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    found.add(("GET", route))  # one door: the admin's own staff check
                elif pattern.namespace != "api":
                    walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                method = "POST" if pattern.name == "sign-out" else "GET"
                found.add((method, route))

    walk(get_resolver().url_patterns, "")
    found |= {("GET", "api/"), ("GET", "api/openapi.json")}
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method in operations:
            found.add((method.upper(), path.removeprefix("/")))
    return found


def test_every_url_and_operation_is_in_the_matrix() -> None:
    assert _routes() == set(MATRIX), "add the new route to MATRIX with who may use it"


def test_every_seen_command_is_classified() -> None:
    commands = {name for name, app in get_commands().items() if app.startswith("seen")}
    named = {c.split()[0] for c in CASE_DATA_COMMANDS} | {c.split()[0] for c in SYSTEM_COMMANDS}
    assert commands == named, "say whether the new command shows case data"


BODIES = {
    "decision": {"decision": "reject", "reason": "different men"},
    "undo": {"reason": "decided in error"},
}
for _family in families():
    BODIES.update(_family.BODIES)


@pytest.mark.parametrize("who", EVERYONE)
def test_the_matrix_holds_for(who: str, matrix_world: dict[str, int]) -> None:
    client = matrix_client(who)
    wrong = []
    for (method, route), policy in sorted(MATRIX.items()):
        # Django's <int:pair_id> and the API's {pair_id} both name a key of the world
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).format(**matrix_world)
        if method == "GET":
            response = client.get(url)
        else:
            body = next((b for key, b in BODIES.items() if route.endswith(key)), {})
            response = client.post(url, data=json.dumps(body), content_type="application/json")
        if response.status_code != policy(who):
            wrong.append((method, route, response.status_code, policy(who)))
    assert not wrong, f"{who}: (method, route, got, policy) {wrong}"


def _command(name: str) -> list[str]:
    if name.startswith("access "):
        return name.split()
    if name == "audit who-looked":
        return ["audit", "who-looked", SourceRecord.objects.get(local_id="B1").person.reference]
    if name == "audit subject-access":
        return ["audit", "subject-access", "P00000001", "--out", "/tmp/seen-matrix-sar.md"]
    return [name]


@pytest.mark.parametrize("who", [NO_PROFILE, *Role.values])
def test_commands_showing_case_data_hold_the_matrix(
    who: str, matrix_world: dict[str, int], tmp_path: Path
) -> None:
    matrix_client(who)  # makes the user
    username = f"u-{who}".replace(" ", "-")
    for name, allowed in CASE_DATA_COMMANDS.items():
        args = _command(name)
        if name == "audit subject-access":
            args[-1] = str(tmp_path / "sar.md")
        try:
            call_command(
                *args,
                "--user",
                username,
                "--purpose",
                purpose_of(who),
                stdout=io.StringIO(),
                stderr=io.StringIO(),
            )
            ran = True
        except CommandError as error:
            assert "refused" in str(error) or "not signed in" in str(error), error
            ran = False
        assert ran == (who in allowed), (name, who)


@pytest.mark.parametrize("who", [NO_PROFILE, *Role.values])
def test_break_glass_opens_the_child_level_routes_to_case_roles_only(
    who: str, matrix_world: dict[str, int]
) -> None:
    from seen.access import services
    from seen.access.policy import CASE_ROLES
    from seen.people.models import Person

    client = matrix_client(who)
    user = get_user_model().objects.get(username=f"u-{who}".replace(" ", "-"))
    child = Person.objects.get(reference=matrix_world["reference"])
    url = f"/api/children/{child.reference}/flags"
    assert client.get(url).status_code == 403  # no relationship
    try:
        services.break_glass(user, child, "a reason long enough to be a sentence")
    except services.AccessRefused:
        assert who not in CASE_ROLES
    assert client.get(url).status_code == (200 if who in CASE_ROLES else 403)


# ---- no page or export reachable by creating a record (issue 13, finding 3) ------------------

# every write about one child a user can send: (address, form fields); each is decided about
# that child before anything is written
INCIDENT_DATES = {
    "occurred_on-day": "5", "occurred_on-month": "7", "occurred_on-year": "2025",
    "learned_on-day": "7", "learned_on-month": "7", "learned_on-year": "2025",
}
CHILD_WRITES: list[tuple[str, dict[str, str]]] = [
    ("children/{reference}/incidents/new/", {**INCIDENT_DATES, "description": "an incident"}),
    ("incidents/new/", {
        "reference": "{reference}", **INCIDENT_DATES, "description": "an incident",
    }),
    ("children/{reference}/contacts/new/", {"kind": "home_visit", "mother_seen": "yes"}),
    ("children/{reference}/assessments/new/", {"father_involved": "yes"}),
    ("children/{reference}/was-not-brought/new/", {"service": "health_visiting"}),
    ("children/{reference}/injuries/new/", {"kind": "bruise", "explanation": "a fall"}),
    ("children/{reference}/triage/", {"step": "open"}),
    ("children/{reference}/plans/", {"step": "start", "kind": "early_help"}),
    ("children/{reference}/conferences/new/", {"kind": "initial", "decision": "cp_plan"}),
    ("children/{reference}/basis/", {"basis": "consent"}),
    ("people/{person_reference}/refer/?child={reference}", {
        "service": "1", "reason": "a reason", "consent": "yes",
    }),
    ("incidents/{incident_id}/", {"step": "reviewer", "reviewer": "1"}),
    ("incidents/{incident_id}/", {
        "step": "notification", **date_boxes("notification_on", "2025-07-10"),
    }),
    # break glass for a purpose the role may not declare: not an answer to that refusal
    ("children/{reference}/break-glass/?purpose=strategic", {
        "reason": "a sentence of reason, long enough to be one",
    }),
]
WHO_LOOKS = {Role.SAFEGUARDING_LEAD, Role.DATA_PROTECTION_OFFICER}
# what a user could read about the child once a record they created gave them a way in
CHILD_READS = [
    "children/{reference}/",
    "children/{reference}/?purpose=safeguarding",
    "children/{reference}/chronology/",
    "children/{reference}/chronology/?format=csv",
    "children/{reference}/chronology/?format=docx",
    "children/{reference}/who-looked/",
    "children/{reference}/plans/",
    "children/{reference}/triage/",
    "incidents/{incident_id}/",
    "api/children/{reference}",
    "api/children/{reference}/flags",
]


@pytest.mark.parametrize("who", [NO_PROFILE, *Role.values])
def test_no_page_or_export_is_reachable_by_creating_a_record(
    who: str, matrix_world: dict[str, Any]
) -> None:
    """In the matrix's world no user has a relationship with the child. Whatever any role
    writes about the child (a notification, a fact, a triage, a plan, a conference, a lawful
    basis, a reviewer, a step, break glass for the wrong purpose), it is refused before it is
    written, and afterwards every face of the child still refuses it: no relationship is made
    by creating a record (the attack: a lead notified, then downloaded the chronology)."""
    from seen.access.models import BreakGlass, Share
    from seen.facts.models import ServiceReferral
    from seen.incidents.models import Incident
    from seen.triage.models import Triage

    client = matrix_client(who)

    def reads() -> dict[str, int]:
        return {a: client.get("/" + a.format(**matrix_world)).status_code for a in CHILD_READS}

    refused_before = reads()
    # who looked at a child is the safeguarding lead's and the data-protection officer's
    # audit of any child (docs/access.md); everything else about the child is refused
    assert all(
        status in (403, 404)
        for address, status in refused_before.items()
        if not (address.endswith("who-looked/") and who in WHO_LOOKS)
    ), refused_before
    before = (Incident.objects.count(), Share.objects.count(), BreakGlass.objects.count(),
              Triage.objects.count(), ServiceReferral.objects.count(),
              AuditEvent.objects.filter(action="write").count())
    written = []
    for address, form in CHILD_WRITES:
        url = "/" + address.format(**matrix_world)
        data = {k: v.format(**matrix_world) for k, v in form.items()}
        response = client.post(url, data)
        if response.status_code != 403:
            written.append((address, response.status_code))
    assert not written, f"{who}: a write about the child was not refused: {written}"
    after = (Incident.objects.count(), Share.objects.count(), BreakGlass.objects.count(),
             Triage.objects.count(), ServiceReferral.objects.count(),
             AuditEvent.objects.filter(action="write").count())
    assert after == before
    assert reads() == refused_before, f"{who}: a record created opened a face of the child"
