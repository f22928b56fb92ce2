"""The identity-decision API: the review queue, a pair's evidence, deciding and undoing, with
the checks every request passes (signed in, permitted, CSRF on writes, valid input)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from seen.access.models import Role, StaffProfile
from seen.core import clock
from seen.ingest.loader import ingest_extract
from seen.linkage.models import CandidatePair, ClericalDecision, LinkRun
from seen.linkage.resolve import recluster
from seen.people.models import SourceRecord
from tests.fixtures.partnership import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def review_pair(extract: Callable[..., Path]) -> CandidatePair:
    """The father at maternity and a police record of him, left in the review band."""
    ingest_extract(extract())
    run = LinkRun.objects.create(
        kind=LinkRun.Kind.BATCH,
        auto_link_threshold=0.99,
        review_threshold=0.5,
        started_at=clock.now(),
    )
    left, right = sorted(
        SourceRecord.objects.filter(local_id__in=["F1", "P77"]).values_list("pk", flat=True)
    )
    pair = CandidatePair.objects.create(
        record_l_id=left,
        record_r_id=right,
        match_probability=0.7,
        match_weight=1.2,
        evidence={"forename": 3.1, "surname": -1.4, "phone": 8.0},
        band="review",
        run=run,
    )
    recluster(run)
    return pair


def _client(role: str | None = Role.MASH_PRACTITIONER, *, csrf: bool = False) -> Client:
    """A signed-in user of the role (None: no profile), declaring a safeguarding purpose: more
    than signed_in_client, it makes the user (reviewing links asks no relationship)."""
    user = get_user_model().objects.create_user("reviewer", password="a-long-test-password-1")
    if role is not None:
        StaffProfile.objects.create(user=user, role=role)
    return signed_in_client(user, purpose="safeguarding", enforce_csrf_checks=csrf)


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _persons_of_pair(pair: CandidatePair) -> set[int | None]:
    return set(
        SourceRecord.objects.filter(pk__in=[pair.record_l_id, pair.record_r_id]).values_list(
            "person_id", flat=True
        )
    )


def test_the_queue_lists_the_pair_with_its_evidence(review_pair: CandidatePair) -> None:
    response = _client().get("/api/links/review")
    assert response.status_code == 200, response.content
    [item] = response.json()
    assert item["pair"] == review_pair.pk
    assert item["why_first"] == "a man linked to a baby or pregnancy"
    assert item["evidence"] == {"forename": 3.1, "surname": -1.4, "phone": 8.0}
    assert {item["left"]["local_id"], item["right"]["local_id"]} == {"F1", "P77"}

    detail = _client_again().get(f"/api/links/pairs/{review_pair.pk}")
    assert detail.json()["match_probability"] == 0.7


def _client_again() -> Client:
    reviewer = get_user_model().objects.get(username="reviewer")
    return signed_in_client(reviewer, purpose="safeguarding")


def test_confirm_then_undo(review_pair: CandidatePair) -> None:
    client = _client()
    assert len(_persons_of_pair(review_pair)) == 2
    response = _post(
        client,
        f"/api/links/pairs/{review_pair.pk}/decision",
        {"decision": "confirm", "reason": "same phone and the mother names him"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "confirm" and body["decided_by"] == "reviewer" and body["in_force"]
    assert len(body["persons"]) == 1
    assert len(_persons_of_pair(review_pair)) == 1
    assert client.get("/api/links/review").json() == []  # decided pairs leave the queue

    undone = _post(client, f"/api/links/decisions/{body['decision']}/undo", {"reason": "wrong"})
    assert undone.status_code == 200, undone.content
    assert undone.json()["in_force"] is False
    assert len(_persons_of_pair(review_pair)) == 2
    again = _post(client, f"/api/links/decisions/{body['decision']}/undo", {"reason": "twice"})
    assert again.status_code == 409
    assert "already been undone" in again.json()["detail"]


def test_a_contradicting_decision_is_a_conflict(review_pair: CandidatePair) -> None:
    client = _client()
    url = f"/api/links/pairs/{review_pair.pk}/decision"
    assert _post(client, url, {"decision": "reject", "reason": "not him"}).status_code == 201
    response = _post(client, url, {"decision": "confirm", "reason": "is him"})
    assert response.status_code == 409
    assert "contradicts a decision in force" in response.json()["detail"]
    assert ClericalDecision.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"decision": "confirm", "reason": "   "},
        {"decision": "confirm"},
        {"decision": "maybe", "reason": "unsure"},
        {"reason": "no decision"},
        [],
    ],
)
def test_bad_input_is_a_422_and_records_nothing(review_pair: CandidatePair, body: Any) -> None:
    client = _client()
    response = _post(client, f"/api/links/pairs/{review_pair.pk}/decision", body)
    assert response.status_code == 422, response.content
    assert response.json()["detail"]
    assert not ClericalDecision.objects.exists()


def test_unknown_pair_is_404(review_pair: CandidatePair) -> None:
    client = _client()
    assert client.get("/api/links/pairs/999999").status_code == 404
    response = _post(
        client, "/api/links/pairs/999999/decision", {"decision": "reject", "reason": "x"}
    )
    assert response.status_code == 404


def test_deny_by_default(review_pair: CandidatePair) -> None:
    anonymous = Client()
    assert anonymous.get("/api/links/review").status_code == 401
    assert _post(anonymous, f"/api/links/pairs/{review_pair.pk}/decision", {}).status_code == 401

    no_profile = _client(None)
    response = no_profile.get("/api/links/review")
    assert response.status_code == 403
    assert "not signed in with a role" in response.json()["detail"]
    assert not ClericalDecision.objects.exists()


@pytest.mark.parametrize("role", [Role.HEALTH_VISITOR, Role.STRATEGIC_LEADER, Role.REVIEWER])
def test_roles_that_do_not_decide_identity_are_refused(
    review_pair: CandidatePair, role: str
) -> None:
    client = _client(role)
    response = client.get("/api/links/review")
    assert response.status_code == 403 and "may not view link queue" in response.json()["detail"]
    body = {"decision": "reject", "reason": "x"}
    assert _post(client, f"/api/links/pairs/{review_pair.pk}/decision", body).status_code == 403
    assert not ClericalDecision.objects.exists()


def test_an_undeclared_purpose_is_refused(review_pair: CandidatePair) -> None:
    client = _client()
    response = client.get("/api/links/review", headers={"Seen-Purpose": ""})
    assert response.status_code == 403 and "declare why" in response.json()["detail"]


def test_writes_need_the_csrf_token(review_pair: CandidatePair) -> None:
    client = _client(csrf=True)
    response = _post(
        client, f"/api/links/pairs/{review_pair.pk}/decision", {"decision": "reject", "reason": "x"}
    )
    assert response.status_code == 403
    assert not ClericalDecision.objects.exists()


def test_the_openapi_document_describes_the_operations() -> None:
    # the document is for signed-in users (tests/web/test_headers.py)
    client = signed_in_client(get_user_model().objects.create_user("reader"))
    document = client.get("/api/openapi.json").json()
    paths = document["paths"]
    assert "/api/links/review" in paths
    assert "post" in paths["/api/links/pairs/{pair_id}/decision"]
    assert "post" in paths["/api/links/decisions/{decision_id}/undo"]


def test_a_shielded_record_is_never_sent_to_a_user_without_clearance(
    review_pair: CandidatePair,
) -> None:
    from seen.access.models import Shield

    police = SourceRecord.objects.get(local_id="P77")
    Shield.objects.create(record=police, scope="record", reason="refuge", created_at=clock.now())
    client = _client()
    for url in ("/api/links/review", f"/api/links/pairs/{review_pair.pk}"):
        text = client.get(url).content.decode()
        assert "[shielded]" in text
        for value in ("Bob", "Taner", "1995-11-02"):
            assert value not in text, (url, value)
    StaffProfile.objects.filter(user__username="reviewer").update(shielding_clearance=True)
    text = client.get(f"/api/links/pairs/{review_pair.pk}").content.decode()
    assert "Taner" in text and "[shielded]" not in text


def test_a_request_costs_one_query_for_its_access_decision(
    review_pair: CandidatePair, django_assert_max_num_queries: Any
) -> None:
    """The user and profile come in one query (seen.access.backends), the decision in one more;
    the rest is the operation's own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/links/pairs/{review_pair.pk}").status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    access = [q for q in sql if "UNION" in q or "staff_profile" in q or "access_" in q]
    user_queries = [q for q in sql if 'FROM "auth_user"' in q]
    assert len(user_queries) == 1 and "access_staffprofile" in user_queries[0]
    assert len([q for q in access if "UNION" in q or "access_kind" in q]) <= 1


def test_every_read_write_and_refusal_is_audited(review_pair: CandidatePair) -> None:
    from seen.audit.log import verify
    from seen.audit.models import AuditEvent

    client = _client()
    client.get(f"/api/links/pairs/{review_pair.pk}")
    _post(
        client,
        f"/api/links/pairs/{review_pair.pk}/decision",
        {"decision": "reject", "reason": "different dates of birth"},
    )
    Client().get("/api/links/review")  # not signed in: refused before any data is read
    _client_as("nobody", Role.STRATEGIC_LEADER).get("/api/links/review")
    events = list(AuditEvent.objects.without_access_changes().order_by("seq"))
    assert [(e.action, e.via, e.object_type, e.outcome) for e in events] == [
        ("read", "api", "candidate_pair", "allowed"),
        ("write", "api", "clerical_decision", "allowed"),
        ("denied", "api", "review_queue", "denied"),
    ]
    read, write, denied = events
    assert read.username == "reviewer" and read.role == Role.MASH_PRACTITIONER
    assert read.purpose == "safeguarding" and len(read.disclosed["subjects"]) == 2
    # a look at two persons is found by who-looked for either
    from seen.casefile.disclosure import who_looked
    from seen.people.models import Person

    for reference in read.disclosed["subjects"]:
        looks = who_looked(Person.objects.get(reference=reference))
        assert read.seq in [row["seq"] for row in looks]
    assert "forename" in read.disclosed["fields"]
    assert write.disclosed["decision"] == "reject" and write.disclosed["pair"] == review_pair.pk
    assert len(write.disclosed["subjects"]) == 2  # the two persons the decision keeps apart
    assert denied.username == "nobody" and "may not" in denied.reason
    assert verify().ok


def _client_as(username: str, role: str) -> Client:
    user = get_user_model().objects.create_user(username, password="a-long-test-password-1")
    StaffProfile.objects.create(user=user, role=role)
    return signed_in_client(user, purpose="strategic")


def test_the_review_links_command_passes_the_same_access_check(
    review_pair: CandidatePair,
) -> None:
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from seen.access.models import Shield
    from seen.audit.models import AuditEvent

    _client()  # the MASH practitioner "reviewer"
    Shield.objects.create(
        record=SourceRecord.objects.get(local_id="P77"),
        scope="record",
        reason="refuge",
        created_at=clock.now(),
    )
    out = io.StringIO()
    call_command(
        "review-links", "--json", "--user", "reviewer", "--purpose", "safeguarding", stdout=out
    )
    [item] = json.loads(out.getvalue())
    assert item["pair"] == review_pair.pk and "Taner" not in out.getvalue()
    assert item["held_back_because"] is None  # a pair of the review band, not a held link
    assert AuditEvent.objects.filter(via="command", action="read").count() == 1
    _client_as("leader", Role.STRATEGIC_LEADER)
    with pytest.raises(CommandError, match="refused"):
        call_command("review-links", "--user", "leader", "--purpose", "strategic")
    with pytest.raises(CommandError, match="--user"):
        call_command("review-links")
    call_command(
        "review-links",
        "decide",
        str(review_pair.pk),
        "reject",
        "--reason",
        "not him",
        "--user",
        "reviewer",
        "--purpose",
        "safeguarding",
        stdout=io.StringIO(),
    )
    assert ClericalDecision.objects.get().decided_by.username == "reviewer"


def test_a_purpose_that_is_not_one_is_refused_and_not_written(review_pair: CandidatePair) -> None:
    from seen.audit.models import AuditEvent

    client = _client()
    response = client.get("/api/links/review", headers={"Seen-Purpose": "snooping\x00"})
    assert response.status_code == 403
    assert AuditEvent.objects.without_access_changes().get().purpose == "undeclared"
