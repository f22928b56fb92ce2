"""Input no page or operation can use is refused before any view runs (issue 13 finding 8): a NUL
character in the path, the query string or a form or JSON body (PostgreSQL cannot store or even
compare one: these were 500s) is a 400 with a clear message, audited as a refusal when someone is
signed in; a field longer than any form takes is a 400 too (a 200,000-character area name was a
500 on SQLite). A file's own content is left to the page that reads it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from seen.access.models import Role
from seen.audit.models import AuditEvent
from seen.learning.models import LeadershipStatement
from seen.people.models import Person
from seen.rules.models import Alert
from seen.thematic import reviews
from seen.thematic.models import Review, ReviewArea
from seen.thematic.reviews import Invalid
from tests.fixtures.alerts import make_alert
from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    # unlike signed_in_client's default: a request that raises answers with the 500 page a
    # browser would get (what these inputs used to cause) rather than raising in the test
    return signed_in_client(user, raise_request_exception=False)


def _refusals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="request").order_by("seq"))


def assert_refused(response: Any, where: str) -> None:
    assert response.status_code == 400, response.content[:300]
    text = response.content.decode()
    assert "NUL" in text and where in text, text[:500]


def test_a_nul_in_the_check_form_is_a_400(baby: Person) -> None:
    client = _client(make_user(Role.ED_CLINICIAN, agency="QAV-MAT"))
    response = client.get("/check/", {"search": "1", "surname": "Hol\x00lis", "forename": "Leo"})
    assert_refused(response, "query string")
    [event] = _refusals()
    assert (event.action, event.outcome, event.via) == ("denied", "denied", "page")
    assert "NUL" in event.reason and event.object_id == ""


@pytest.mark.parametrize(
    "path",
    [
        "/children/P%00/",
        "/children/P%00/incidents/new/",
        "/children/{reference}%00/chronology/",
        "/people/P%00/",
    ],
)
def test_a_nul_in_the_path_is_a_400_and_audited(baby: Person, path: str) -> None:
    client = _client(make_user(Role.SAFEGUARDING_LEAD, "SL1"))
    response = client.get(path.format(reference=baby.reference))
    assert_refused(response, "address")
    assert len(_refusals()) == 1
    assert client.post(path.format(reference=baby.reference), {}).status_code == 400
    assert len(_refusals()) == 2


def test_signed_out_a_nul_is_a_400_and_nothing_is_written() -> None:
    response = Client().get("/children/P%00/")
    assert_refused(response, "address")
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("field", ["note", "step", "purpose", "action", "reason", "outcome"])
def test_a_nul_in_an_alert_step_is_a_400_and_nothing_changes(
    baby: Person, field: str
) -> None:
    alert = make_alert(baby)
    client = _client(make_user(Role.HEALTH_VISITOR, "HV1"))
    form = {"step": "acknowledge", "note": "on it", field: "a\x00b"}
    response = client.post(f"/alerts/{alert.pk}/", form)
    assert_refused(response, "request body")
    assert Alert.objects.get(pk=alert.pk).status == alert.status
    assert not AuditEvent.objects.filter(action="write", object_type="alert").exists()
    assert len(_refusals()) == 1


@pytest.mark.parametrize("field", ["statement", "measure", "area", "period"])
def test_a_nul_in_a_learning_statement_is_a_400(baby: Person, field: str) -> None:
    client = _client(make_user(Role.STRATEGIC_LEADER, agency="QAV-CSC"))
    form = {"measure": "fathers-seen", "area": "QAV", "period": "", "statement": "we see them"}
    response = client.post("/learning/statements/new/", {**form, field: "x\x00"})
    assert_refused(response, "request body")
    assert not LeadershipStatement.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        '{"decision": "reject", "reason": "a\\u0000b"}',  # the JSON escape
        '{"decision": "reject", "reason": "fine", "a\\u0000": 1}',  # in a key
        '{"decision": "reject", "reason": ["x", {"y": "\\u0000"}]}',  # nested
    ],
)
def test_a_nul_in_a_json_body_is_a_400_with_a_json_detail(
    baby: Person, body: str
) -> None:
    client = _client(make_user(Role.MASH_PRACTITIONER, "MA1"))
    response = client.post(
        "/api/links/pairs/1/decision",
        data=body,
        content_type="application/json",
        HTTP_SEEN_PURPOSE="safeguarding",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "NUL" in response.json()["detail"]
    [event] = _refusals()
    assert event.via == "api"


def test_a_backslash_written_before_u0000_is_not_a_nul(baby: Person) -> None:
    client = _client(make_user(Role.MASH_PRACTITIONER, "MA1"))
    response = client.post(
        "/api/links/pairs/999999/decision",
        data=json.dumps({"decision": "reject", "reason": "a\\u0000 is six characters"}),
        content_type="application/json",
        HTTP_SEEN_PURPOSE="safeguarding",
    )
    assert response.status_code == 404  # past the check, to the pair that does not exist
    assert not _refusals()


def _reviewer_and_review() -> tuple[Client, Review]:
    user = make_user(Role.REVIEWER, agency="QAV-CSC")
    review = reviews.create_review(
        user, "review", title="Review", kind=Review.Kind.NATIONAL_THEMATIC
    )
    return _client(user), review


def test_a_file_holding_a_nul_is_left_to_the_page_that_reads_it(
    baby: Person,
) -> None:
    client, review = _reviewer_and_review()
    upload = SimpleUploadedFile("cases.csv", b"case_id\x00,area\n", "text/csv")
    response = client.post(
        f"/reviews/{review.pk}/dataset/", {"purpose": "review", "dataset": upload}
    )
    assert response.status_code == 400
    assert "The file holds a NUL character" in response.content.decode()
    assert not _refusals()


def test_a_200000_character_area_name_is_a_400(baby: Person) -> None:
    client, review = _reviewer_and_review()
    assert client.post(f"/reviews/{review.pk}/", {"area": "North"}).status_code == 303
    response = client.post(f"/reviews/{review.pk}/", {"area": "a" * 200_000})
    assert response.status_code == 400
    assert "200,000 characters long" in response.content.decode()
    assert ReviewArea.objects.count() == 1


def test_the_area_service_refuses_an_over_long_name_before_looking_it_up(
    baby: Person,
) -> None:
    _client_unused, review = _reviewer_and_review()
    user = review.created_by
    reviews.add_area(user, "review", review, "North")
    with pytest.raises(Invalid, match="100 characters or fewer"):
        reviews.add_area(user, "review", review, "a" * 200_000)
    assert ReviewArea.objects.count() == 1


@pytest.mark.parametrize("depth", [950, 100_000])
def test_json_nested_too_deeply_is_a_400_not_a_500(
    baby: Person, depth: int
) -> None:
    """Thousands of nested arrays: Python's json parser (or the walk over what it parsed) runs
    out of stack; that is the sender's fault, said as such."""
    client = _client(make_user(Role.MASH_PRACTITIONER, "MA1"))
    response = client.post(
        "/api/links/pairs/1/decision",
        data="[" * depth + "]" * depth,
        content_type="application/json",
        HTTP_SEEN_PURPOSE="safeguarding",
    )
    assert response.status_code in (400, 422), response.content[:300]
    if depth > 10_000:
        assert "nested too deeply" in response.json()["detail"]


def test_a_form_without_its_boundary_is_a_400_not_a_500(baby: Person) -> None:
    client = _client(make_user(Role.ED_CLINICIAN, "ED1"))
    response = client.post("/check/", data=b"garbage", content_type="multipart/form-data")
    assert response.status_code == 400, response.content[:300]
    assert "not a form Seen can read" in response.content.decode()
