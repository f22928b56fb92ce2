"""Break glass is hard to open by accident or at whim (issue 13, finding 10): a reason is a real
sentence of bounded length; a session opens only on a child (or a pregnancy), only where the
decision refused for want of a relationship; every face validates the purpose, and the
command line lists the valid ones; the review of a session is an event in the audit chain."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from seen.access.models import BreakGlass, Purpose, Role
from seen.audit.log import verify
from seen.audit.models import AuditEvent
from seen.people.models import Person, SourceRecord
from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db
REASON = "the mother rang the duty line in distress about the baby"


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("access", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_2mb_reason_is_refused_on_the_page_and_never_stored_or_audited(
    baby: Person,
) -> None:
    visitor = make_user(Role.HEALTH_VISITOR, "HV2")
    client = signed_in_client(visitor)
    url = f"/children/{baby.reference}/break-glass/"
    for words in (400, 130_000):  # about 6 kB, and 2 MB (which was stored and audited)
        reason = "the mother rang " * words
        response = client.post(url, {"reason": reason})
        assert response.status_code == 400
        assert len(response.content) < 50_000  # the text kept to mend is bounded too
    assert "at most 1,000 characters" in response.content.decode() or "characters long" in (
        response.content.decode()
    )
    assert "at most 1,000 characters" in client.post(
        url, {"reason": "the mother rang " * 400}
    ).content.decode()
    assert not BreakGlass.objects.exists()
    for event in AuditEvent.objects.all():
        assert len(str(event.reason)) + len(str(event.disclosed)) < 2_000


@pytest.mark.parametrize("reason", ["aaaaaaaaaa", "b b b b b b b b", "!!!!! ????? ..... "])
def test_a_reason_that_is_not_a_sentence_is_refused_on_the_page(
    baby: Person,
    reason: str,
) -> None:
    response = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV2")).post(
        f"/children/{baby.reference}/break-glass/", {"reason": reason}
    )
    assert response.status_code == 400 and "at least a sentence" in response.content.decode()
    assert not BreakGlass.objects.exists()


@pytest.mark.parametrize("purpose", ["bogus", "strategic", "audit"])
def test_no_session_when_the_refusal_was_the_purpose(
    baby: Person,
    purpose: str,
) -> None:
    """A refusal for an invalid purpose, or one the role may not declare, is not answered by
    break glass: the page offers no form, and a post opens nothing (it did before)."""
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV2"))
    page = client.get(f"/children/{baby.reference}/", {"purpose": purpose})
    assert page.status_code == 403 and 'name="reason"' not in page.content.decode()
    posted = client.post(
        f"/children/{baby.reference}/break-glass/?purpose={purpose}", {"reason": REASON}
    )
    assert posted.status_code == 403 and not BreakGlass.objects.exists()


def test_no_session_on_an_adults_reference(baby: Person) -> None:
    father = SourceRecord.objects.get(local_id="F1").person
    assert father is not None
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV2"))
    posted = client.post(f"/children/{father.reference}/break-glass/", {"reason": REASON})
    assert posted.status_code == 400 and "Seen holds no child" in posted.content.decode()
    with pytest.raises(CommandError, match="Seen holds no child"):
        _run(
            "break-glass", father.reference, "--reason", REASON,
            "--user", "u-health_visitor-HV2", "--purpose", "direct_care",
        )
    assert not BreakGlass.objects.exists()


def test_the_command_refuses_a_purpose_seen_does_not_know_and_lists_the_valid_ones(
    baby: Person,
) -> None:
    visitor = make_user(Role.HEALTH_VISITOR, "HV2")
    with pytest.raises(CommandError) as refused:
        _run(
            "break-glass", baby.reference, "--reason", REASON,
            "--user", visitor.username, "--purpose", "bogus",
        )
    assert "bogus" in str(refused.value)
    assert all(purpose in str(refused.value) for purpose in Purpose.values)
    with pytest.raises(CommandError, match="break glass cannot answer"):
        _run(
            "break-glass", baby.reference, "--reason", REASON,
            "--user", visitor.username, "--purpose", "strategic",
        )
    with pytest.raises(CommandError, match="at least a sentence"):
        _run(
            "break-glass", baby.reference, "--reason", "aaaaaaaaaa",
            "--user", visitor.username, "--purpose", "direct_care",
        )
    assert not BreakGlass.objects.exists()
    for command in (["alerts"], ["review-links"], ["audit", "who-looked", baby.reference]):
        with pytest.raises(CommandError, match="invalid choice"):
            call_command(*command, "--user", visitor.username, "--purpose", "bogus",
                         stdout=io.StringIO(), stderr=io.StringIO())


def test_a_review_of_break_glass_is_an_event_in_the_audit_chain(
    baby: Person,
) -> None:
    visitor = make_user(Role.HEALTH_VISITOR, "HV2")
    opened = signed_in_client(visitor).post(
        f"/children/{baby.reference}/break-glass/", {"reason": REASON}
    )
    assert opened.status_code == 303
    session = BreakGlass.objects.get()
    lead = make_user(Role.SAFEGUARDING_LEAD, "SL1")
    reviewed = signed_in_client(lead).post(
        "/break-glass/", {"session": str(session.pk), "outcome": "proportionate: a duty call"}
    )
    assert reviewed.status_code == 303
    event = AuditEvent.objects.get(
        action="write", object_type="break_glass", username=lead.username
    )
    assert event.object_id == str(session.pk) and event.subject == baby.reference
    assert event.disclosed == {"outcome": "proportionate: a duty call"}
    assert verify().ok  # in the hash chain, intact
