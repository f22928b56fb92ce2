"""Clerical review of uncertain links (/review/): the next pair side by side with its evidence,
deciding it (confirm or reject with a reason, or skip), through the access decision, shielded
values replaced, every read, write and refusal audited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from seen.access.models import Role, Shield, StaffProfile
from seen.audit.models import AuditEvent
from seen.core import clock
from seen.linkage import decisions
from seen.linkage.models import CandidatePair, ClericalDecision
from seen.linkage.resolve import recluster
from seen.people.models import SourceRecord
from tests.access.matrix import audit_pages as audit_matrix
from tests.access.matrix import review as review_matrix
from tests.fixtures.matrix import EVERYONE, matrix_client
from tests.fixtures.partnership import signed_in_client

pytestmark = pytest.mark.django_db


def _client(role: str | None = Role.MASH_PRACTITIONER, name: str = "reviewer") -> Client:
    # more than signed_in_client: makes the user, of a role with no practitioner or agency (or
    # with no staff profile at all), as reviewing links asks no relationship with a child
    user = get_user_model().objects.create_user(name, password="a-long-test-password-1")
    if role is not None:
        StaffProfile.objects.create(user=user, role=role)
    return signed_in_client(user)


def test_the_next_pair_is_shown_side_by_side_with_its_evidence(
    pairs: list[CandidatePair],
) -> None:
    response = _client().get("/review/")
    assert response.status_code == 200
    text = response.content.decode()
    assert f"Review pair {pairs[0].pk}" in text  # the man around a baby comes first
    assert "Robert" in text and "Bob" in text and "Tanner" in text and "Taner" in text
    assert "Quarry Vale Maternity (Quarry Vale)" in text
    assert "Partnership Police (across the partnership)" in text
    assert "QB1 4XY" in text  # the police record's postcode, not shielded
    assert "70.0%" in text and "+3.1 for" in text and "-1.4 against" in text
    assert "+8.0 for" in text and "not compared" in text
    assert "2 pairs waiting" in text
    [event] = AuditEvent.objects.without_access_changes().all()
    assert (event.action, event.via, event.object_type) == ("read", "page", "candidate_pair")
    assert event.object_id == str(pairs[0].pk) and len(event.disclosed["subjects"]) == 2
    assert "postcode" in event.disclosed["fields"]


def test_rejecting_with_a_reason_records_it_and_shows_the_next(
    pairs: list[CandidatePair],
) -> None:
    client = _client()
    response = client.post(
        f"/review/pairs/{pairs[0].pk}/",
        {"decision": "reject", "reason": "different dates of birth"},
    )
    assert response.status_code == 303 and response["Location"] == "/review/"
    decision = ClericalDecision.objects.get()
    assert decision.kind == "reject" and decision.reason == "different dates of birth"
    assert decision.decided_by is not None and decision.decided_by.username == "reviewer"
    write = AuditEvent.objects.without_access_changes().get(action="write")
    assert write.object_type == "clerical_decision" and write.disclosed["decision"] == "reject"
    assert write.disclosed["pair"] == pairs[0].pk
    text = client.get("/review/").content.decode()
    assert f"Pair {pairs[0].pk} recorded as different people" in text
    assert f"Review pair {pairs[1].pk}" in text and "1 pair waiting" in text


def test_confirming_links_the_two_records(pairs: list[CandidatePair]) -> None:
    client = _client(Role.SAFEGUARDING_LEAD)
    response = client.post(
        f"/review/pairs/{pairs[0].pk}/", {"decision": "confirm", "reason": "same phone"}
    )
    assert response.status_code == 303
    people = SourceRecord.objects.filter(local_id__in=["F1", "P77"]).values_list(
        "person_id", flat=True
    )
    assert len(set(people)) == 1


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"decision": "reject", "reason": "  "}, "Enter the reason for your decision"),
        ({"decision": "confirm"}, "Enter the reason for your decision"),
        ({"decision": "maybe", "reason": "why not"}, "Select same person, different people"),
        ({"decision": "x" * 300, "reason": "why not"}, "Select same person, different people"),
        ({"reason": "no choice"}, "Select same person, different people"),
        ({"decision": "reject", "reason": "x" * 2001}, "2,000 characters or fewer"),
        ({"decision": "skip", "reason": "x" * 2001}, "2,000 characters or fewer"),
        # (a NUL is refused before any page: tests/web/test_hostile_input.py)
    ],
)
def test_a_bad_form_is_a_400_naming_the_problem(
    pairs: list[CandidatePair], form: dict[str, str], message: str
) -> None:
    response = _client().post(f"/review/pairs/{pairs[0].pk}/", form)
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text and message in text
    assert not ClericalDecision.objects.exists()
    assert "x" * 300 not in text.split("govuk-error-summary")[1].split("</div>")[0]


def test_the_reason_is_as_long_as_the_api_allows(pairs: list[CandidatePair]) -> None:
    """The page and the API (seen.api.linkage) take a reason of the same length."""
    response = _client().post(
        f"/review/pairs/{pairs[0].pk}/",
        {"decision": "reject", "reason": "x" * decisions.REASON_MAX},
    )
    assert response.status_code == 303
    assert ClericalDecision.objects.get().reason == "x" * decisions.REASON_MAX


def test_a_refused_decision_is_a_400_with_its_message(pairs: list[CandidatePair]) -> None:
    left, right = pairs[0].record_l_id, pairs[0].record_r_id
    decisions.confirm(left, right, user=None, reason="same man")
    response = _client().post(
        f"/review/pairs/{pairs[0].pk}/", {"decision": "reject", "reason": "not the same"}
    )
    assert response.status_code == 400
    assert "contradicts a decision in force" in response.content.decode()
    assert ClericalDecision.objects.count() == 1
    assert not AuditEvent.objects.without_access_changes().filter(action="write").exists()


def test_skip_moves_on_and_the_skipped_come_back(pairs: list[CandidatePair]) -> None:
    client = _client()
    for pair in pairs:
        response = client.post(f"/review/pairs/{pair.pk}/", {"decision": "skip"})
        assert response.status_code == 303
    text = client.get("/review/").content.decode()
    assert "You skipped every pair waiting (2)" in text
    assert not ClericalDecision.objects.exists()
    text = client.get("/review/?again=1").content.decode()
    assert f"Review pair {pairs[0].pk}" in text


def test_an_empty_queue_says_so(pairs: list[CandidatePair]) -> None:
    for pair in pairs:
        decisions.reject(pair.record_l_id, pair.record_r_id, user=None, reason="different")
    text = _client().get("/review/").content.decode()
    assert "No pair of records waits for a decision" in text


def test_one_pair_opens_at_its_address_and_an_unknown_one_is_404(
    pairs: list[CandidatePair],
) -> None:
    client = _client()
    text = client.get(f"/review/pairs/{pairs[1].pk}/").content.decode()
    assert f"Review pair {pairs[1].pk}" in text and "Jade" in text
    missing = client.get("/review/pairs/999999/")
    assert missing.status_code == 404 and "no pair 999999" in missing.content.decode()


@pytest.mark.parametrize(
    "role", [Role.HEALTH_VISITOR, Role.SOCIAL_WORKER, Role.DATA_PROTECTION_OFFICER, None]
)
def test_other_roles_are_refused_and_audited(pairs: list[CandidatePair], role: Any) -> None:
    client = _client(role)
    for response in (
        client.get("/review/"),
        client.get(f"/review/pairs/{pairs[0].pk}/"),
        client.post(f"/review/pairs/{pairs[0].pk}/", {"decision": "reject", "reason": "no"}),
    ):
        assert response.status_code == 403
        assert "Robert" not in response.content.decode()
    assert not ClericalDecision.objects.exists()
    if role is not None:
        assert AuditEvent.objects.filter(action="denied").count() == 3
        assert not AuditEvent.objects.without_access_changes().exclude(action="denied").exists()


def test_signed_out_goes_to_sign_in(pairs: list[CandidatePair]) -> None:
    for response in (
        Client().get("/review/"),
        Client().post(f"/review/pairs/{pairs[0].pk}/", {"decision": "reject", "reason": "x"}),
    ):
        assert response.status_code == 302 and "/sign-in/" in response["Location"]
    assert not ClericalDecision.objects.exists()


def test_a_shielded_record_is_never_shown_without_clearance(pairs: list[CandidatePair]) -> None:
    police = SourceRecord.objects.get(local_id="P77")
    Shield.objects.create(record=police, scope="record", reason="refuge", created_at=clock.now())
    maternity = SourceRecord.objects.get(local_id="F1")
    SourceRecord.objects.filter(pk=maternity.pk).update(postcode="QA9 9ZZ", phone="01632 960999")
    Shield.objects.create(
        record=maternity, scope="address", reason="refuge", created_at=clock.now()
    )
    client = _client()
    text = client.get(f"/review/pairs/{pairs[0].pk}/").content.decode()
    assert "[shielded]" in text and "Robert" in text and "01632 960999" in text
    for value in ("Bob", "Taner", "1995-11-02", "QB1 4XY", "QA9 9ZZ"):
        assert value not in text, value
    # a bad form shows the pair again, still shielded
    text = client.post(f"/review/pairs/{pairs[0].pk}/", {"decision": "confirm"}).content.decode()
    assert "[shielded]" in text and "Taner" not in text and "QA9 9ZZ" not in text
    StaffProfile.objects.filter(user__username="reviewer").update(shielding_clearance=True)
    text = client.get(f"/review/pairs/{pairs[0].pk}/").content.decode()
    assert "Taner" in text and "QA9 9ZZ" in text and "[shielded]" not in text


def test_the_purpose_declared_is_kept_and_an_unknown_one_refused(
    pairs: list[CandidatePair],
) -> None:
    client = _client()
    assert client.get("/review/?purpose=safeguarding").status_code == 200
    assert AuditEvent.objects.without_access_changes().get().purpose == "safeguarding"
    response = client.post(
        f"/review/pairs/{pairs[0].pk}/?purpose=safeguarding",
        {"decision": "reject", "reason": "different men"},
    )
    assert response["Location"] == "/review/?purpose=safeguarding"
    assert AuditEvent.objects.without_access_changes().get(action="write").purpose == "safeguarding"
    assert client.get("/review/?purpose=curiosity").status_code == 403


# The access matrix's entries for the review and audit pages, against the matrix's own world
# with each route's parameters filled in (<int:pair_id> -> the world's pair_id).


@pytest.mark.parametrize("who", EVERYONE)
def test_the_matrix_entries_of_these_pages_hold(who: str, matrix_world: dict[str, Any]) -> None:
    client = matrix_client(who)
    wrong = []
    for (_, route), policy in sorted({**review_matrix.MATRIX, **audit_matrix.MATRIX}.items()):
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).format(**matrix_world)
        status = client.get(url).status_code
        if status != policy(who):
            wrong.append((route, status, policy(who)))
    assert not wrong, f"{who}: (route, got, policy) {wrong}"


def test_a_held_back_link_says_why_seen_did_not_link_it(pairs: list[CandidatePair]) -> None:
    SourceRecord.objects.filter(local_id="F1").update(nhs_number="9990000026")
    SourceRecord.objects.filter(local_id="P77").update(nhs_number="9990000018")
    CandidatePair.objects.filter(pk=pairs[0].pk).update(band="link", match_probability=0.9999)
    recluster(pairs[0].run)
    response = _client().get(f"/review/pairs/{pairs[0].pk}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "automatic link, held back for review" in text
    assert "99.990% (total weight" in text  # never rounded up to a certainty
    assert "Why Seen did not link them itself" in text
    assert "two different NHS numbers" in text


def test_the_page_adds_up_in_words(pairs: list[CandidatePair]) -> None:
    CandidatePair.objects.filter(pk=pairs[0].pk).update(
        match_weight=1.26,
        levels={"forename": "short form or other spelling of the same name (Bob / Robert)"},
    )
    text = _client().get(f"/review/pairs/{pairs[0].pk}/").content.decode()
    assert "Before comparing anything" in text and "about one time in" in text
    assert "a short form or another spelling of the same first name" in text
    parts = [float(w) for w in re.findall(r"([+-]\d+\.\d) (?:for|against|neither)", text)]
    [total] = re.findall(r"<strong>([+-]\d+\.\d)</strong>", text)
    assert len(parts) == 5  # the prior and four comparisons
    assert round(sum(parts), 1) == float(total) == 1.3
