"""A serious incident in a real browser, with axe on every page: the safeguarding lead records a
notification (the form refused first without its dates, everything typed kept), sees its
statutory clock, finds it on the list, and shares the rapid review with a reviewer; the
reviewer opens the child's chronology from the list of chronologies shared with them, and
downloads it as a Word document with a panel-notes column."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from seen.audit.models import AuditEvent
from seen.incidents.models import Incident
from seen.people.models import Person
from tests.e2e.test_journeys import PASSWORD, sign_in
from tests.fixtures.forms import fill_date

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _signed_in(page: Page, base: str, user: Any) -> None:
    user.set_password(PASSWORD)
    user.save()
    assert sign_in(page, base, user.username, PASSWORD).ok


def test_the_lead_records_a_notification_and_the_reviewer_downloads_the_chronology(
    page: Page,
    live_server: Any,
    baby: Person,
    lead: Any,
    reviewer: Any,
    accessible: Callable[[Page], None],
) -> None:
    base = live_server.url
    _signed_in(page, base, lead)
    page.goto(f"{base}/incidents/new/")
    accessible(page)
    page.get_by_label("Child's reference").fill(baby.reference)
    page.get_by_label("What happened").fill("The baby was taken to hospital with a head injury.")
    page.get_by_role("button", name="Record the notification").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date of the incident")
    expect(summary).to_contain_text("Enter the date the local authority learned of it")
    expect(page.get_by_label("Child's reference")).to_have_value(baby.reference)
    accessible(page)

    fill_date(page, "occurred_on", "2025-07-05")
    fill_date(page, "learned_on", "2025-07-07")
    page.get_by_role("button", name="Record the notification").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "the national panel by 2025-07-14"
    )
    expect(page.locator("#notification-clock")).to_contain_text("1 working day left")
    expect(page.locator("#rapid_review-clock")).to_contain_text("due 2025-07-28")
    accessible(page)
    incident = Incident.objects.get()
    assert incident.child == baby and incident.recorded_by == lead

    page.get_by_role("link", name="Back to serious incidents").click()
    expect(page.locator(f"#incident-{incident.pk}")).to_contain_text(baby.reference)
    accessible(page)
    page.get_by_role("link", name=f"Notification {incident.pk}").click()
    fill_date(page, "notification_on", "2025-07-10")
    page.get_by_role("button", name="Mark the panel notified").click()
    expect(page.locator("#notification-clock")).to_contain_text("Done on 2025-07-10")
    accessible(page)
    # the reviewer sees the chronology once the lead shares the rapid review with them
    page.get_by_label("Share the rapid review with a reviewer").select_option(
        label=reviewer.username
    )
    page.get_by_role("button", name="Share the rapid review").click()
    expect(page.locator("#shared-with")).to_contain_text(reviewer.username)
    accessible(page)

    page.context.clear_cookies()
    _signed_in(page, base, reviewer)
    page.goto(f"{base}/chronologies/")
    accessible(page)
    page.get_by_role("link", name=f"Chronology for {baby.reference}").click()
    expect(page.locator("h1")).to_have_text("Chronology for the rapid review")
    expect(page.locator("#chronology")).to_contain_text("Partnership Police")
    accessible(page)
    with page.expect_download() as download:
        page.locator("#download-docx").click()
    saved = download.value
    assert saved.suggested_filename == f"chronology-{baby.reference}.docx"
    table = Document(io.BytesIO(Path(saved.path()).read_bytes())).tables[0]
    assert [c.text for c in table.rows[0].cells][-1] == "Panel notes"
    assert len(table.rows) == 4  # the heading and the three facts
    assert AuditEvent.objects.filter(
        username=reviewer.username, action="export", object_type="chronology", purpose="review"
    ).exists()
