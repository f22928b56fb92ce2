"""Journeys through the review and audit pages in a real browser, with axe on every page: a MASH
practitioner rejects an uncertain link with a reason and is shown the next pair; a safeguarding
lead sees who has looked at a child and reviews a break-glass session; the data-protection
officer finds a person, makes a subject-access report and downloads it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from seen.access import services
from seen.access.models import BreakGlass, Role, StaffProfile
from seen.audit.models import AuditEvent
from seen.linkage.models import CandidatePair, ClericalDecision
from seen.people.models import Person, SourceRecord
from tests.e2e.test_journeys import PASSWORD, sign_in
from tests.fixtures.partnership import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _with_password(user: Any) -> Any:
    user.set_password(PASSWORD)
    user.save()
    return user


def test_a_mash_practitioner_rejects_a_pair_and_sees_the_next(
    page: Page,
    live_server: Any,
    pairs: list[CandidatePair],
    accessible: Callable[[Page], None],
) -> None:
    user = get_user_model().objects.create_user("mash.reviewer", password=PASSWORD)
    StaffProfile.objects.create(user=user, role=Role.MASH_PRACTITIONER)
    assert sign_in(page, live_server.url, "mash.reviewer", PASSWORD).ok
    page.goto(f"{live_server.url}/review/")
    expect(page.locator("h1")).to_have_text("Are these records the same person?")
    table = page.locator("#side-by-side")
    expect(table).to_contain_text("Robert")
    expect(table).to_contain_text("Taner")
    expect(table).to_contain_text("Partnership Police")
    expect(table).to_contain_text("+3.1 for")
    accessible(page)

    # a decision without its reason is refused, with the field named
    page.get_by_label("Different people").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason")
    accessible(page)
    assert not ClericalDecision.objects.exists()

    page.get_by_label("Different people").check()
    page.get_by_label("Why?").fill("Different dates of birth and no shared address")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Pair {pairs[0].pk} recorded as different people"
    )
    expect(page).to_have_title(re.compile(f"Review pair {pairs[1].pk}"))
    expect(page.locator("#side-by-side")).to_contain_text("Jade")
    accessible(page)
    decision = ClericalDecision.objects.get()
    assert decision.kind == "reject" and decision.decided_by == user

    # the last one skipped: the queue says so
    page.get_by_label("Skip for now").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("#queue-state")).to_contain_text("You skipped every pair waiting")
    accessible(page)
    page.goto(f"{live_server.url}/review/pairs/999999/")
    expect(page.locator("main")).to_contain_text("There is no pair 999999")
    accessible(page)


def test_a_safeguarding_lead_sees_who_looked_and_reviews_break_glass(
    page: Page,
    live_server: Any,
    baby: Person,
    accessible: Callable[[Page], None],
) -> None:
    visitor = make_user(Role.HEALTH_VISITOR, "HV2")
    session = services.break_glass(visitor, baby, "the mother rang the duty line in distress")
    lead = _with_password(make_user(Role.SAFEGUARDING_LEAD, "SL1"))
    assert sign_in(page, live_server.url, lead.username, PASSWORD).ok

    page.goto(f"{live_server.url}/children/{baby.reference}/who-looked/")
    expect(page.locator("h1")).to_have_text("Who has looked at this child")
    accessible(page)
    page.reload()  # the first look is now in the log
    expect(page.locator("#looks")).to_contain_text(lead.username)
    accessible(page)

    page.goto(f"{live_server.url}/break-glass/")
    card = page.locator(f"#session-{session.pk}")
    expect(card).to_contain_text("rang the duty line in distress")
    accessible(page)
    card.get_by_role("button", name=f"Record review of session {session.pk}").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the outcome")
    accessible(page)
    page.get_by_label(f"Outcome of your review of session {session.pk}").fill(
        "Justified: the duty call needed the flag at once"
    )
    page.get_by_role("button", name=f"Record review of session {session.pk}").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("reviewed")
    expect(page.locator("#none-to-review")).to_be_visible()
    accessible(page)
    assert BreakGlass.objects.get().review_outcome.startswith("Justified")


def test_the_data_protection_officer_makes_a_subject_access_report(
    page: Page,
    live_server: Any,
    baby: Person,
    accessible: Callable[[Page], None],
) -> None:
    officer = _with_password(make_user(Role.DATA_PROTECTION_OFFICER))
    mother = SourceRecord.objects.get(local_id="M1").person
    assert mother is not None
    assert sign_in(page, live_server.url, officer.username, PASSWORD).ok
    page.goto(f"{live_server.url}/subject-access/")
    accessible(page)
    page.get_by_role("button", name="Make the report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a person reference")
    accessible(page)

    # found by her name and date of birth, and chosen from those listed
    page.get_by_label("Last name").fill("Hollis")
    page.get_by_label("Year").fill("1999")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Day").fill("3")
    page.get_by_role("button", name="Make the report").click()
    expect(page.locator(f"#person-{mother.reference}")).to_contain_text("3 April 1999")
    accessible(page)
    page.locator(f"#person-{mother.reference} a").click()
    expect(page.locator("#report")).to_have_text(f"Subject-access report for {mother.reference}")
    expect(page.locator("main")).to_contain_text("Jade")
    accessible(page)
    with page.expect_download() as pdf:
        page.locator("#download-pdf").click()
    assert pdf.value.suggested_filename == f"subject-access-{mother.reference}.pdf"
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as download:
        page.locator("#download-markdown").click()
    saved = download.value
    assert saved.suggested_filename == f"subject-access-{mother.reference}.md"
    text = Path(saved.path()).read_text(encoding="utf-8")
    assert text.startswith(f"# Subject-access report for {mother.reference}")
    assert AuditEvent.objects.filter(
        username=officer.username, action="export", subject=mother.reference
    ).exists()
    assert AuditEvent.objects.filter(
        username=officer.username, action="read", subject=mother.reference
    ).exists()
