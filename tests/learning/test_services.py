"""The dashboard's services on the database: the measures from ingested facts and stored alerts,
and the statements leaders record (allowed by the policy, checked field by field)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from seen.access.models import Purpose, Role, StaffProfile
from seen.areas.models import Area
from seen.core import clock
from seen.ingest.loader import ingest_extract
from seen.learning import services
from seen.learning.models import LeadershipStatement
from seen.rules.models import Alert, AlertEvent

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime(2026, 3, 1, 12, 0))
STRATEGIC = Purpose.STRATEGIC.value


@pytest.fixture(autouse=True)
def fixed_clock() -> None:
    clock.set_now(NOW)


def _user(role: str | None, name: str = "lead") -> object:
    user = get_user_model().objects.create_user(
        name, password="a-long-test-password-1", first_name="Robin", last_name="Hale"
    )
    if role is not None:
        StaffProfile.objects.create(user=user, role=role)
    return user


def test_counts_from_an_ingested_extract(extract: Callable[..., Path]) -> None:
    ingest_extract(extract())
    found = {(c.measure, c.part, c.area, c.period): (c.numerator, c.denominator)
             for c in services.measured().counts}
    # the new birth visit where the father was not seen; the baby lives where its mother does
    assert found[("fathers-seen", "new_birth", "QAV", "2025-Q2")] == (0, 1)
    # the father is a man around the baby; his records are not linked yet, so one area only
    assert found[("men-across-areas", "linked", "QAV", "2025-Q2")] == (0, 1)


def _alert(key: str, raised: datetime, deadline: datetime) -> Alert:
    return Alert.objects.create(
        rule_id="was-not-brought", rule_version=1, key=key, child_key="child:1",
        explanation="x", severity="high", raised_at=raised, deadline=deadline,
        owner_role="health_visitor", routed_because="team",
    )


def test_an_alert_is_answered_by_a_persons_step_not_by_the_system() -> None:
    user = _user(Role.HEALTH_VISITOR, "hv")
    raised = NOW - timedelta(days=5)
    answered = _alert("a", raised, raised + timedelta(days=3))
    AlertEvent.objects.create(alert=answered, kind="seen", at=raised + timedelta(hours=1),
                              user=user, by="hv")
    AlertEvent.objects.create(alert=answered, kind="acknowledged", at=raised + timedelta(days=1),
                              user=user, by="hv")
    system = _alert("b", raised, raised + timedelta(days=3))
    AlertEvent.objects.create(alert=system, kind="escalated", at=raised + timedelta(days=3),
                              by="Seen")
    resolved = _alert("c", raised, raised + timedelta(days=3))
    AlertEvent.objects.create(alert=resolved, kind="resolved", at=raised + timedelta(days=1),
                              by="Seen")
    by_pk = {r["pk"]: r for r in services._alert_rows()}
    assert by_pk[answered.pk]["answered_at"] == raised + timedelta(days=1)
    assert by_pk[system.pk]["answered_at"] is None
    assert not by_pk[system.pk]["resolved_unanswered"]
    assert by_pk[resolved.pk]["resolved_unanswered"]


def test_a_strategic_leader_records_a_statement_with_who_and_when() -> None:
    Area.objects.create(code="QAV", name="Quarry Vale")
    user = _user(Role.STRATEGIC_LEADER)
    saved = services.record_statement(
        user, STRATEGIC,
        services.StatementIn("fathers-seen", "QAV", "2026-q1", "  We believe fathers are seen. "),
    )
    assert saved.statement == "We believe fathers are seen."
    assert saved.period == "2026-Q1" and saved.area is not None and saved.area.code == "QAV"
    assert saved.recorded_by_name == "Robin Hale" and saved.role == "Strategic Leader"
    assert saved.recorded_at == NOW


def test_bad_fields_are_named_and_nothing_is_written() -> None:
    user = _user(Role.SAFEGUARDING_LEAD)
    with pytest.raises(services.BadStatement) as bad:
        services.record_statement(
            user, STRATEGIC, services.StatementIn("nonsense", "NOWHERE", "2026-Q9", " ")
        )
    assert set(bad.value.errors) == {"measure", "area", "period", "statement"}
    with pytest.raises(services.BadStatement) as long:
        services.record_statement(
            user, STRATEGIC, services.StatementIn("alerts", "", "", "x" * 2001)
        )
    assert set(long.value.errors) == {"statement"}
    assert not LeadershipStatement.objects.exists()


@pytest.mark.parametrize("role", [Role.HEALTH_VISITOR, Role.REVIEWER, None])
def test_other_roles_are_refused(role: str | None) -> None:
    with pytest.raises(services.Refused):
        services.record_statement(
            _user(role), STRATEGIC, services.StatementIn("alerts", "", "", "We believe.")
        )
    assert not LeadershipStatement.objects.exists()


def test_the_latest_statement_for_the_area_and_range() -> None:
    area = Area.objects.create(code="QAV", name="Quarry Vale")
    user = _user(Role.STRATEGIC_LEADER)

    def said(text: str, period: str, days_ago: int, where: Area | None = area) -> None:
        LeadershipStatement.objects.create(
            measure="alerts", area=where, period=period, statement=text, recorded_by=user,
            recorded_by_name="R", role="Strategic leader",
            recorded_at=NOW - timedelta(days=days_ago),
        )

    said("any period", "", 10)
    said("about Q1", "2026-Q1", 5)
    said("about 2024", "2024-Q2", 1)
    said("partnership", "", 0, where=None)
    found = services.latest_statement("alerts", "QAV", "2025-Q2", "2026-Q1")
    assert found is not None and found.statement == "about Q1"
    found = services.latest_statement("alerts", "QAV", "2024-Q1", "2024-Q4")
    assert found is not None and found.statement == "about 2024"
    found = services.latest_statement("alerts", None, "2025-Q2", "2026-Q1")
    assert found is not None and found.statement == "partnership"
    assert services.latest_statement("fathers-seen", "QAV", None, None) is None
