"""Aggregates for strategic leaders: counts by rule and area, small numbers suppressed, no
child, and only for the roles allowed."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from seen.access.models import Role, StaffProfile
from seen.areas.models import Agency, Area
from seen.casefile.aggregates import alert_counts, suppressed
from seen.core import clock
from seen.rules.models import Alert
from tests.fixtures.partnership import signed_in_client

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime(2026, 3, 1, 12, 0))


@pytest.fixture
def alerts() -> None:
    clock.set_now(NOW)
    area = Area.objects.create(code="QAV", name="Quarry Vale")
    agency = Agency.objects.create(
        code="QAV-CSC", name="CSC", kind="childrens_social_care", area=area
    )
    for n in range(7):  # 7 open, 3 of them overdue; 2 closed
        Alert.objects.create(
            rule_id="non-mobile-injury",
            rule_version=1,
            key=f"k{n}",
            child_key=f"child:{n}",
            explanation="x",
            severity="same_day",
            raised_at=NOW - timedelta(days=2),
            deadline=NOW - timedelta(days=1) if n < 3 else NOW + timedelta(days=1),
            owner_agency=agency,
            owner_role="mash_practitioner",
            routed_because="team",
        )
    for n in range(2):
        Alert.objects.create(
            rule_id="non-mobile-injury",
            rule_version=1,
            key=f"c{n}",
            child_key=f"child:c{n}",
            explanation="x",
            severity="same_day",
            raised_at=NOW,
            deadline=NOW,
            owner_agency=agency,
            owner_role="mash_practitioner",
            routed_because="team",
            status="closed",
        )


def test_small_numbers_are_suppressed(alerts: None) -> None:
    [row] = alert_counts()
    assert (row.rule, row.area, row.open, row.overdue, row.closed) == (
        "non-mobile-injury",
        "QAV",
        7,
        "<5",
        "<5",
    )
    assert suppressed(0) == 0 and suppressed(4) == "<5" and suppressed(5) == 5


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.STRATEGIC_LEADER, 200),
        (Role.SAFEGUARDING_LEAD, 200),
        (Role.SOCIAL_WORKER, 403),
        (Role.REVIEWER, 403),
        (Role.SYSTEM_ADMINISTRATOR, 403),
    ],
)
def test_only_leaders_see_the_aggregates(alerts: None, role: str, status: int) -> None:
    user = get_user_model().objects.create_user("leader", password="a-long-test-password-1")
    StaffProfile.objects.create(user=user, role=role)
    client = signed_in_client(user, purpose="strategic")
    response = client.get("/api/aggregates/alerts")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["suppressed_below"] == 5 and body["alerts"][0]["open"] == 7
        assert "child:" not in response.content.decode()
