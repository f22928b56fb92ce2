"""The API fuzzed with schemathesis: every operation in /api/openapi.json, called through Django's
WSGI application with inputs generated from the document (valid and invalid), by a signed-in MASH
practitioner declaring a purpose, on a database holding the small partnership, a child on a
child-protection plan and a pair in the review band. No input may make it answer 5xx, and what
it answers must agree with the document: its status codes, content types and bodies."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from seen.access.models import Role, StaffProfile
from seen.api.main import api
from seen.areas.models import Practitioner
from seen.core import clock
from seen.ingest.loader import ingest_extract
from seen.linkage import decisions
from seen.linkage.models import CandidatePair, ClericalDecision, LinkRun
from seen.linkage.resolve import recluster
from seen.people.models import SourceRecord
from tests.fixtures.partnership import NOW, partnership_tables

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 50  # per operation: enough to reach the edges, bounded for CI
# every status code the API answers is one its document declares (seen.api.main adds the errors
# every operation can give; each operation declares its own others)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def partnership(extract: Callable[..., Path]) -> dict[str, Any]:
    """The small partnership with the shared agencies (partnership_tables): a baby on a
    child-protection plan (records joined by decisions) and the father's two records left in
    the review band."""
    clock.set_now(NOW)
    ingest_extract(extract(**partnership_tables()))
    records = SourceRecord.objects.order_by("pk")
    for other in ("HB1", "CB1"):
        decisions.confirm(*records.filter(local_id__in=["B1", other]), user=None, reason="baby")
    run = LinkRun.objects.create(
        kind=LinkRun.Kind.BATCH,
        auto_link_threshold=0.99,
        review_threshold=0.5,
        started_at=clock.now(),
    )
    left, right = sorted(records.filter(local_id__in=["F1", "P77"]).values_list("pk", flat=True))
    pair = CandidatePair.objects.create(
        record_l_id=left,
        record_r_id=right,
        match_probability=0.7,
        match_weight=1.2,
        evidence={"forename": 3.1, "surname": -1.4},
        band="review",
        run=run,
    )
    recluster(run)
    baby = records.get(local_id="B1").person
    assert baby is not None
    return {
        "pair_id": pair.pk,
        "reference": baby.reference,
        "decision_id": ClericalDecision.objects.order_by("pk").values_list("pk", flat=True)[0],
    }


@pytest.fixture
def credentials(partnership: dict[str, Any]) -> dict[str, dict[str, str]]:
    """A MASH practitioner's session cookie, a CSRF token (cookie and header, for writes) and the
    declared purpose."""
    user = get_user_model().objects.create_user("fuzzer", password="a-long-test-password-1")
    worker = Practitioner.objects.get(local_id="MA1")
    StaffProfile.objects.create(
        user=user, role=Role.MASH_PRACTITIONER, practitioner=worker, agency=worker.agency
    )
    client = Client()
    client.force_login(user)
    token = _get_new_csrf_string()
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
        "headers": {"Seen-Purpose": "safeguarding", "X-CSRFToken": token},
    }


@pytest.fixture
def same_connection() -> Iterator[None]:
    """Like Django's test client, requests through the WSGI application keep the test's database
    connection (and so its transaction) open."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


# The document as the application serves it to a signed-in user (signed out, /api/openapi.json
# is a 401: tests/web/test_headers.py), read from the API object itself, and the application to
# call.
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
schema.app = get_wsgi_application()


@schema.parametrize()
@schema.given(data=st.data())
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_input_makes_the_api_fail(
    case: Any,
    data: st.DataObject,
    partnership: dict[str, Any],
    credentials: dict[str, dict[str, str]],
    same_connection: None,
) -> None:
    # Half the time aim at what exists (the pair, the baby, a decision), so that generated bodies
    # and queries get past the 404 to the service behind it.
    for name in list(case.path_parameters or {}):
        if name in partnership and data.draw(st.booleans(), label=f"existing {name}"):
            case.path_parameters[name] = partnership[name]
    response = case.call(headers=credentials["headers"], cookies=credentials["cookies"])
    case.validate_response(response, checks=CHECKS)


# What the fuzzer is after, pinned: inputs PostgreSQL cannot store are refused before any query
# (they were 500s: a NUL character in a reason or a child's reference): a NUL anywhere in the
# request is a 400 (seen.web.hostile_input), an over-long reference a 422 (its schema).
@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        (
            "post",
            "/api/links/pairs/{pair_id}/decision",
            {"decision": "reject", "reason": "a\x00b"},
            400,
        ),
        ("post", "/api/links/decisions/{decision_id}/undo", {"reason": "\x00"}, 400),
        ("get", "/api/children/P%00/flags", None, 400),
        ("get", "/api/children/{reference}%00/flags", None, 400),
        ("get", "/api/children/" + "9" * 500 + "/flags", None, 422),
    ],
)
def test_input_the_database_cannot_store_is_refused(
    partnership: dict[str, Any],
    credentials: dict[str, dict[str, str]],
    method: str,
    url: str,
    body: Any,
    status: int,
) -> None:
    client = Client(headers={"Seen-Purpose": "safeguarding"}, raise_request_exception=False)
    client.cookies["sessionid"] = credentials["cookies"]["sessionid"]
    url = url.format(**partnership)
    if body is None:
        response = client.get(url)
    else:
        response = client.post(url, data=json.dumps(body), content_type="application/json")
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    assert ClericalDecision.objects.count() == 2  # the fixture's two; nothing recorded


@pytest.mark.parametrize(
    "url",
    [
        "/api/links/pairs/99999999999999999999",
        "/api/links/pairs/-9223372036854775809",
        "/api/children/P99999999999999999999/flags",
    ],
)
def test_numbers_beyond_the_database_are_not_found(
    credentials: dict[str, dict[str, str]], url: str
) -> None:
    client = Client(headers={"Seen-Purpose": "safeguarding"}, raise_request_exception=False)
    client.cookies["sessionid"] = credentials["cookies"]["sessionid"]
    assert client.get(url).status_code in (404, 422)
