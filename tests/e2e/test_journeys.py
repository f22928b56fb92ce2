"""Journeys through Seen as its users make them, in a real browser: signing in and out, being
locked out after five wrong passwords, and an emergency-department clinician checking a child
on a child-protection plan (the flags and whom to call; the lead practitioner told)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import Page, expect

from seen.access.models import Notification, Role
from seen.audit.models import AuditEvent
from seen.people.models import Person
from tests.fixtures.partnership import BABY_NHS, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "lantern-harbour-copper-62"  # synthetic: the demo accounts' password for this test
WRONG = "not-the-password-at-all"


def sign_in(page: Page, base: str, username: str, password: str) -> Any:
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation() as navigation:
        page.locator("form").get_by_role("button", name=re.compile("sign in", re.I)).click()
    return navigation.value


def test_a_demo_user_signs_in_and_out(
    page: Page, live_server: Any, accessible: Callable[[Page], None]
) -> None:
    call_command("demo-users", "--password", PASSWORD, stdout=io.StringIO())
    page.goto(f"{live_server.url}/sign-in/")
    accessible(page)
    response = sign_in(page, live_server.url, "demo-health-visitor", PASSWORD)
    assert response is not None and response.ok
    assert "/sign-in/" not in page.url
    expect(page.get_by_text(re.compile("demo-health-visitor"))).to_be_visible()
    accessible(page)

    page.get_by_role("button", name=re.compile("sign out", re.I)).click()
    expect(page.get_by_text(re.compile("you have signed out", re.I))).to_be_visible()
    accessible(page)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text(re.compile("demo-health-visitor"))).to_have_count(0)


def test_five_wrong_passwords_show_the_lockout_page(
    page: Page, live_server: Any, accessible: Callable[[Page], None]
) -> None:
    get_user_model().objects.create_user("locked.tester", password=PASSWORD)
    statuses = [sign_in(page, live_server.url, "locked.tester", WRONG).status for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    expect(page.locator("body")).to_contain_text(re.compile("too many attempts to sign in", re.I))
    expect(page.locator("body")).to_contain_text("15 minutes")
    accessible(page)
    # even the right password, until the pause ends
    assert sign_in(page, live_server.url, "locked.tester", PASSWORD).status == 429


def test_an_ed_clinician_checks_a_flagged_child_and_the_lead_is_told(
    page: Page,
    live_server: Any,
    baby: Person,
    accessible: Callable[[Page], None],
) -> None:
    doctor = make_user(Role.ED_CLINICIAN, "ED1")
    doctor.set_password(PASSWORD)
    doctor.save()
    assert sign_in(page, live_server.url, doctor.username, PASSWORD).ok
    accessible(page)

    url = f"{live_server.url}/api/children/{baby.reference}/flags"
    refused = page.request.get(url, headers={"Seen-Purpose": "direct_care"})
    assert refused.status == 403  # not presenting now: no relationship
    response = page.request.get(url, headers={"Seen-Purpose": "unscheduled_care"})
    assert response.status == 200, response.text()
    body = response.json()
    assert body["flagged"] and body["flags"] == ["child protection plan"]
    assert body["call"][0]["name"] == "Sol Worker" and body["lead_told"]
    for detail in ("Hollis", "Tanner", "QA1", "2025-06-01"):
        assert detail not in response.text()  # the flag, never the household

    [note] = Notification.objects.all()
    assert note.to.local_id == "SW1" and "Quarry Vale Hospital ED" in note.text
    assert AuditEvent.objects.filter(
        action="read", object_type="child_flags", subject=baby.reference, via="api"
    ).exists()
    assert page.request.get(url).status == 403  # no purpose declared: refused


def test_the_api_refuses_a_browser_that_has_not_signed_in(page: Page, live_server: Any) -> None:
    response = page.request.get(
        f"{live_server.url}/api/links/review", headers={"Seen-Purpose": "safeguarding"}
    )
    assert response.status == 401


def test_an_ed_clinician_checks_a_flagged_child_on_the_page(
    page: Page,
    live_server: Any,
    flagged: Person,
    accessible: Callable[[Page], None],
) -> None:
    doctor = make_user(Role.ED_CLINICIAN, "ED1")
    doctor.set_password(PASSWORD)
    doctor.save()
    assert sign_in(page, live_server.url, doctor.username, PASSWORD).ok
    page.locator("#main-content").get_by_role("link", name="Check a child").click()
    accessible(page)
    expect(page.get_by_label(re.compile("presenting in my setting now", re.I))).to_be_checked()
    page.get_by_label("NHS number").fill(BABY_NHS)
    page.get_by_role("button", name="Check").click()
    card = page.locator(f"#child-{flagged.reference}")
    expect(card).to_contain_text("child protection plan")
    expect(card).to_contain_text("Sol Worker")
    expect(card).to_contain_text("lead practitioner has been told")
    # what confirms the child: the baby's own name and date of birth, never the parents'
    expect(card).to_contain_text("Leo Hollis")
    expect(card).to_contain_text("1 June 2025")
    expect(page.locator("main")).not_to_contain_text("Jade")
    expect(page.locator("main")).not_to_contain_text("Tanner")
    accessible(page)
    assert Notification.objects.get().to.local_id == "SW1"


def test_the_remaining_pages_pass_axe(
    page: Page,
    live_server: Any,
    accessible: Callable[[Page], None],
    baby: Person,
) -> None:
    """The pages no other journey visits: the administrator's counts, a refused child page
    with its break-glass form, a child Seen does not hold, and the alerts inbox's filters."""
    call_command("demo-users", "--password", PASSWORD, stdout=io.StringIO())
    assert sign_in(page, live_server.url, "demo-system-admin", PASSWORD).ok
    page.goto(f"{live_server.url}/loaded/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    accessible(page)
    page.get_by_role("button", name=re.compile("sign out", re.I)).click()

    worker = make_user(Role.SOCIAL_WORKER, "SW2")  # no relationship with the baby
    worker.set_password(PASSWORD)
    worker.save()
    assert sign_in(page, live_server.url, worker.username, PASSWORD).ok
    refused = page.goto(f"{live_server.url}/children/{baby.reference}/")
    assert refused is not None and refused.status == 403
    expect(page.get_by_role("button", name="Break glass")).to_be_visible()
    accessible(page)
    # a reference Seen does not hold: the same refusal (a 404 before issue 13)
    missing = page.goto(f"{live_server.url}/children/P99999999/")
    assert missing is not None and missing.status == 403
    expect(page.get_by_role("button", name="Break glass")).to_be_visible()
    accessible(page)
    not_one = page.goto(f"{live_server.url}/children/X99/")
    assert not_one is not None and not_one.status == 404
    accessible(page)
    for show in ("open", "overdue", "closed"):
        page.goto(f"{live_server.url}/alerts/?show={show}")
        accessible(page)
