"""Undoing identity decisions from the review pages: after a decision the next page offers to undo
it; the recent decisions, newest first and a page at a time, each open on its own page, where
one in force is undone with a reason through the service (seen.linkage.decisions.undo), which
keeps the decision and who undid it and why; only those who decide identity may, every read,
write and refusal audited; bad input a 400 or 404 with a message, never a server error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from seen.access.models import Role, StaffProfile
from seen.audit.models import AuditEvent
from seen.core import clock
from seen.linkage import decisions
from seen.linkage.models import CandidatePair, ClericalDecision
from seen.linkage.review import review_queue
from seen.people.models import SourceRecord
from tests.fixtures.partnership import signed_in_client

pytestmark = pytest.mark.django_db


def _client(role: str | None = Role.MASH_PRACTITIONER, name: str = "reviewer") -> Client:
    user = get_user_model().objects.create_user(name, password="a-long-test-password-1")
    if role is not None:
        StaffProfile.objects.create(user=user, role=role)
    return signed_in_client(user)


def _persons() -> set[int | None]:
    return set(
        SourceRecord.objects.filter(local_id__in=["F1", "P77"]).values_list("person_id", flat=True)
    )


def test_after_a_decision_the_review_page_offers_to_undo_it(pairs: list[CandidatePair]) -> None:
    client = _client()
    client.post(f"/review/pairs/{pairs[0].pk}/", {"decision": "reject", "reason": "two men"})
    decision = ClericalDecision.objects.get()
    text = client.get("/review/").content.decode()
    assert f"Pair {pairs[0].pk} recorded as different people" in text
    assert f'id="undo-decision" href="/review/decisions/{decision.pk}/"' in text
    # offered once, on the page after the decision
    assert "undo-decision" not in client.get("/review/").content.decode()


def test_undoing_a_confirmation_gives_the_two_persons_back(pairs: list[CandidatePair]) -> None:
    client = _client(Role.SAFEGUARDING_LEAD)
    before = _persons()
    assert len(before) == 2
    client.post(f"/review/pairs/{pairs[0].pk}/", {"decision": "confirm", "reason": "same phone"})
    assert len(_persons()) == 1
    decision = ClericalDecision.objects.get()
    response = client.post(
        f"/review/decisions/{decision.pk}/", {"reason": "the phone is the family's landline"}
    )
    assert response.status_code == 303
    assert _persons() == before  # each record back in its own person, with its reference
    decision.refresh_from_db()
    assert decision.undone_at is not None and decision.undone_by is not None
    assert decision.undone_by.username == "reviewer"
    assert decision.undone_reason == "the phone is the family's landline"
    write = AuditEvent.objects.without_access_changes().filter(action="write").last()
    assert write is not None and write.object_id == str(decision.pk)
    assert write.disclosed["undo"] is True and len(write.disclosed["subjects"]) == 2
    assert pairs[0].pk in [item.pair.pk for item in review_queue()]  # to be reviewed again


def test_the_recent_decisions_newest_first_each_with_its_state(
    pairs: list[CandidatePair],
) -> None:
    first = decisions.reject(
        pairs[1].record_l_id, pairs[1].record_r_id, user=None, reason="mother and a man"
    )
    clock.set_now(clock.now() + timedelta(minutes=5))
    second = decisions.confirm(
        pairs[0].record_l_id, pairs[0].record_r_id, user=None, reason="same man"
    )
    decisions.undo(first, user=None, reason="entered on the wrong pair")
    client = _client()
    text = client.get("/review/decisions/").content.decode()
    assert text.index(f'id="decision-{second.pk}"') < text.index(f'id="decision-{first.pk}"')
    row = text.split(f'id="decision-{first.pk}"')[1].split("</tr>")[0]
    assert "Undone" in row and "Different people: two records kept apart" in row
    row = text.split(f'id="decision-{second.pk}"')[1].split("</tr>")[0]
    assert "In force" in row and "Seen (no one signed in)" in row
    event = AuditEvent.objects.without_access_changes().get(object_type="clerical_decisions")
    assert event.disclosed["decisions"] == [second.pk, first.pk]
    # an undone decision's page says who undid it and why, and offers no undo
    page = client.get(f"/review/decisions/{first.pk}/").content.decode()
    assert "entered on the wrong pair" in page and "Undo the decision" not in page
    again = client.post(f"/review/decisions/{first.pk}/", {"reason": "once more"})
    assert again.status_code == 400 and "already been undone" in again.content.decode()


def test_the_recent_decisions_are_paged(pairs: list[CandidatePair]) -> None:
    left, right = pairs[0].record_l_id, pairs[0].record_r_id
    made = []
    for n in range(51):  # 51 decisions: two pages
        decision = decisions.reject(left, right, user=None, reason=f"reason {n}")
        decisions.undo(decision, user=None, reason="again")
        made.append(decision.pk)
    client = _client()
    first = client.get("/review/decisions/").content.decode()
    assert first.count('id="decision-') == 50 and "Decisions 1 to 50 of 51" in first
    assert f'id="decision-{made[0]}"' not in first  # the oldest is on page 2
    assert 'href="/review/decisions/?page=2#decisions"' in first
    last = client.get("/review/decisions/?page=2").content.decode()
    assert last.count('id="decision-') == 1 and f'id="decision-{made[0]}"' in last
    assert client.get("/review/decisions/?page=99").content.decode().count('id="decision-') == 1
    for bad in ("0", "-1", "two", "9" * 300):
        response = client.get("/review/decisions/", {"page": bad})
        assert response.status_code == 400, bad
        text = response.content.decode()
        assert "Enter a page number" in text and 'href="#decisions"' in text
        assert text.count('id="decision-') == 50  # the first page shown


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter why the decision should be undone"),
        ("   ", "Enter why the decision should be undone"),
        ("x" * (decisions.REASON_MAX + 1), "2,000 characters or fewer"),
    ],
)
def test_an_undo_needs_a_reason_of_bounded_length(
    pairs: list[CandidatePair], reason: str, message: str
) -> None:
    decision = decisions.reject(
        pairs[0].record_l_id, pairs[0].record_r_id, user=None, reason="two men"
    )
    response = _client().post(f"/review/decisions/{decision.pk}/", {"reason": reason})
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text and 'href="#undo-reason"' in text
    decision.refresh_from_db()
    assert decision.in_force
    assert not AuditEvent.objects.without_access_changes().filter(action="write").exists()


def test_a_nul_a_forged_or_an_unknown_decision_is_refused_plainly(
    pairs: list[CandidatePair],
) -> None:
    decision = decisions.reject(
        pairs[0].record_l_id, pairs[0].record_r_id, user=None, reason="two men"
    )
    client = _client()
    nul = client.post(f"/review/decisions/{decision.pk}/", {"reason": "wrong\x00"})
    assert nul.status_code == 400
    for missing in ("999999", "9" * 30):
        assert client.get(f"/review/decisions/{missing}/").status_code == 404
        posted = client.post(f"/review/decisions/{missing}/", {"reason": "forged"})
        assert posted.status_code == 404
    assert client.get("/review/decisions/abc/").status_code == 404
    decision.refresh_from_db()
    assert decision.in_force


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.DATA_PROTECTION_OFFICER, None])
def test_others_may_not_see_or_undo_decisions(pairs: list[CandidatePair], role: str) -> None:
    decision = decisions.reject(
        pairs[0].record_l_id, pairs[0].record_r_id, user=None, reason="two men"
    )
    client = _client(role)
    for response in (
        client.get("/review/decisions/"),
        client.get(f"/review/decisions/{decision.pk}/"),
        client.post(f"/review/decisions/{decision.pk}/", {"reason": "let me"}),
    ):
        assert response.status_code == 403
        assert "two men" not in response.content.decode()
    decision.refresh_from_db()
    assert decision.in_force
    if role is not None:
        assert AuditEvent.objects.filter(action="denied").count() == 3
