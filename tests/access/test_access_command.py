"""`seen access`: break glass and its review, the lawful basis, and shielding, each for the
roles the policy allows and each on the audit log."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from seen.access.models import BreakGlass, Role, Share, Shield
from seen.access.policy import Level
from seen.audit.models import AuditEvent
from seen.people.models import Person, SourceRecord
from tests.fixtures.partnership import make_user, view

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("access", *args, stdout=out)
    return out.getvalue()


def test_break_glass_then_review_by_a_lead(baby: Person) -> None:
    visitor = make_user(Role.HEALTH_VISITOR, "HV2")
    assert not view(visitor, baby).allowed
    said = _run(
        "break-glass",
        baby.reference,
        "--reason",
        "duty call: mother in distress",
        "--user",
        visitor.username,
        "--purpose",
        "direct_care",
    )
    assert "open on" in said and view(visitor, baby).allowed
    lead = make_user(Role.SAFEGUARDING_LEAD, "SL1")
    waiting = _run("break-glass-reviews", "--user", lead.username, "--purpose", "safeguarding")
    assert baby.reference in waiting and "duty call" in waiting
    session = BreakGlass.objects.get()
    _run(
        "review",
        str(session.pk),
        "--outcome",
        "proportionate",
        "--user",
        lead.username,
        "--purpose",
        "safeguarding",
    )
    assert BreakGlass.objects.get().reviewed_by == lead
    with pytest.raises(CommandError, match="refused"):
        _run("break-glass-reviews", "--user", visitor.username, "--purpose", "safeguarding")
    actions = list(AuditEvent.objects.without_access_changes().values_list("action", flat=True))
    assert actions == ["break_glass", "read", "write", "denied"]


def test_a_strategic_leader_cannot_break_glass(baby: Person) -> None:
    leader = make_user(Role.STRATEGIC_LEADER, agency="QAV-CSC")
    with pytest.raises(CommandError, match="cannot break glass"):
        _run(
            "break-glass",
            baby.reference,
            "--reason",
            "I want to look at this family",
            "--user",
            leader.username,
            "--purpose",
            "strategic",
        )
    assert not BreakGlass.objects.exists()
    assert AuditEvent.objects.without_access_changes().get().outcome == "denied"


def test_the_lawful_basis_opens_the_household(baby: Person) -> None:
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    assert view(worker, baby, "safeguarding").needs_basis
    with pytest.raises(CommandError, match="reason consent was not sought"):
        _run(
            "basis",
            baby.reference,
            "--basis",
            "safeguarding_without_consent",
            "--user",
            worker.username,
            "--purpose",
            "safeguarding",
        )
    _run(
        "basis",
        baby.reference,
        "--basis",
        "consent",
        "--user",
        worker.username,
        "--purpose",
        "safeguarding",
    )
    assert Share.objects.get().basis == "consent"
    assert view(worker, baby, "safeguarding").level == Level.HOUSEHOLD


def test_shielding_by_the_roles_allowed(baby: Person, tmp_path: Any) -> None:
    mother = SourceRecord.objects.get(local_id="M1")
    visitor = make_user(Role.HEALTH_VISITOR, "HV1")
    with pytest.raises(CommandError, match="may not shield"):
        _run(
            "shield",
            str(mother.pk),
            "--scope",
            "address",
            "--reason",
            "refuge",
            "--user",
            visitor.username,
            "--purpose",
            "safeguarding",
        )
    lead = make_user(Role.SAFEGUARDING_LEAD, "SL1")
    _run(
        "shield",
        str(mother.pk),
        "--scope",
        "address",
        "--reason",
        "refuge",
        "--user",
        lead.username,
        "--purpose",
        "safeguarding",
    )
    shield = Shield.objects.get()
    assert (shield.record, shield.scope, shield.created_by) == (mother, "address", lead)
    event = AuditEvent.objects.without_access_changes().filter(action="write").get()
    assert event.disclosed == {"scope": "address", "reason": "refuge"}
    assert "QA1" not in str(event.disclosed)  # what was shielded, never the value
