"""What a page shows as someone's, they can open: on a synthetic partnership whose year ends
today (ingested, linked, the rules run, the overdue escalated), every demo account's home page
and alerts inbox are read, and every alert and child they link to is opened as that account.
One rule gives what is owed and what may be opened (seen.access.policy.answering), so no link
answers 403."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from seen.rules.models import Alert
from tests.fixtures.demo import make_demo
from tests.fixtures.partnership import signed_in_client

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

TODAY = date(2026, 3, 2)
PAGES = (
    "/",
    "/alerts/",
    "/alerts/?show=overdue",
    "/alerts/?show=closed",
    "/caseload/",
    "/alerts/partnership/?status=all",
)
LINK = re.compile(r'href="(/(?:alerts/\d+|children/[PU]\d+)/)"')


@pytest.fixture
def demo(tmp_path: Path) -> list[str]:
    make_demo(tmp_path / "x", TODAY)
    return list(
        get_user_model()
        .objects.filter(staff_profile__isnull=False)
        .order_by("username")
        .values_list("username", flat=True)
    )


def test_every_alert_and_child_a_page_shows_as_yours_opens(demo: list[str]) -> None:
    assert Alert.objects.exclude(status=Alert.Status.CLOSED).count() >= 10
    opened = 0
    shown_alerts = set()
    for username in demo:
        client = signed_in_client(get_user_model().objects.get(username=username))
        links: set[str] = set()
        for page in PAGES:
            response = client.get(page, follow=True)  # a role with no alerts: its own page
            if response.status_code == 403:  # a role with no inbox (strategic leader, admin…)
                continue
            assert response.status_code == 200, (username, page)
            links |= set(LINK.findall(response.content.decode()))
        for link in sorted(links):
            response = client.get(link)
            assert response.status_code == 200, (username, link, response.status_code)
            opened += 1
        shown_alerts |= {link for link in links if link.startswith("/alerts/")}
        if username == "demo-safeguarding-lead":  # escalated to her: hers to open
            assert any(link.startswith("/alerts/") for link in links)
    assert len(shown_alerts) >= 5  # the test saw alerts to open, not only empty inboxes
    assert opened >= len(shown_alerts)
