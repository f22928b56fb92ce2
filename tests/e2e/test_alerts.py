"""An alert's owner in a real browser: the inbox, the alert, acknowledging it, recording the
action, a refused step (closing without an outcome) showing the error summary, and closing it
with the outcome; axe on every page on the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from seen.access.models import Role
from seen.audit.models import AuditEvent
from seen.people.models import Person
from seen.rules.models import Alert
from tests.e2e.test_journeys import PASSWORD, sign_in
from tests.fixtures.alerts import make_alert
from tests.fixtures.partnership import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_owner_answers_an_alert_from_the_inbox_to_its_close(
    page: Page,
    live_server: Any,
    baby: Person,
    accessible: Callable[[Page], None],
) -> None:
    alert = make_alert(baby, hours=-1)  # overdue
    owner = make_user(Role.HEALTH_VISITOR, "HV1")
    owner.set_password(PASSWORD)
    owner.save()
    assert sign_in(page, live_server.url, owner.username, PASSWORD).ok

    page.goto(f"{live_server.url}/alerts/")
    row = page.locator(f"#alert-{alert.pk}")
    expect(row).to_contain_text("The baby was bruised while not yet mobile.")
    expect(row).to_contain_text("Overdue")
    expect(row.get_by_role("link", name=baby.reference)).to_be_visible()
    accessible(page)
    page.get_by_role("link", name="Overdue", exact=True).click()
    expect(page.locator(f"#alert-{alert.pk}")).to_be_visible()
    accessible(page)

    row = page.locator(f"#alert-{alert.pk}")
    row.get_by_role("link", name=re.compile(f"Alert {alert.pk}")).click()
    expect(page.locator("h1")).to_contain_text("Non mobile injury")
    expect(page.locator("#facts")).to_contain_text("Quarry Vale Maternity")
    expect(page.locator("#status")).to_have_text("Seen")
    accessible(page)

    page.get_by_label("Acknowledge: a note (optional)").fill("Calling the family now.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You acknowledged the alert")
    expect(page.locator("#status")).to_have_text("Acknowledged")
    expect(page.locator("#lifecycle")).to_contain_text("Calling the family now.")
    accessible(page)

    # closing before the outcome is written: refused, with the GOV.UK error summary
    page.get_by_role("button", name="Close the alert").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter the outcome of the alert")
    accessible(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label(re.compile("Close the alert: its outcome"))).to_be_focused()

    page.get_by_label("Referral made").check()
    page.get_by_label("What was done").fill("Referred to the MASH by phone.")
    page.get_by_role("button", name="Record the action").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("action taken is recorded")
    expect(page.locator("#status")).to_have_text("Action recorded")
    accessible(page)

    page.get_by_label(re.compile("Close the alert: its outcome")).fill("Enquiry opened")
    page.get_by_role("button", name="Close the alert").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("closed with its outcome")
    expect(page.locator("#outcome")).to_contain_text("Enquiry opened")
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)
    accessible(page)

    alert.refresh_from_db()
    assert alert.status == Alert.Status.CLOSED and alert.outcome == "Enquiry opened"
    assert list(alert.events.values_list("kind", flat=True)) == [
        "raised",
        "seen",
        "acknowledged",
        "action",
        "closed",
    ]
    steps = AuditEvent.objects.filter(action="write", object_type="alert").order_by("seq")
    assert [s.disclosed["step"] for s in steps] == ["seen", "acknowledge", "action", "close"]

    page.goto(f"{live_server.url}/alerts/?show=closed")
    expect(page.locator(f"#alert-{alert.pk}")).to_be_visible()
    accessible(page)


def test_another_practitioner_is_refused_the_alert(
    page: Page,
    live_server: Any,
    baby: Person,
    accessible: Callable[[Page], None],
) -> None:
    alert = make_alert(baby)
    other = make_user(Role.SOCIAL_WORKER, "SW2")
    other.set_password(PASSWORD)
    other.save()
    assert sign_in(page, live_server.url, other.username, PASSWORD).ok
    page.goto(f"{live_server.url}/alerts/")
    expect(page.locator("#no-alerts")).to_be_visible()
    accessible(page)
    response = page.goto(f"{live_server.url}/alerts/{alert.pk}/")
    assert response is not None and response.status == 403
    expect(page.locator("main")).to_contain_text("not yours to answer")
    expect(page.locator("main")).not_to_contain_text("bruised")
    accessible(page)
