"""A health visitor records a new-birth contact where the father was not seen, in a real
browser: without a reason the form refuses with an error summary; with one it is saved and the
procedure's prompt appears. axe on every page of the journey."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from seen.access.models import Role
from seen.facts.models import Contact
from seen.people.models import Person
from tests.e2e.test_journeys import PASSWORD, sign_in
from tests.fixtures.partnership import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_health_visitor_records_a_new_birth_contact_and_the_prompt_appears(
    page: Page,
    live_server: Any,
    baby: Person,
    accessible: Callable[[Page], None],
) -> None:
    visitor = make_user(Role.HEALTH_VISITOR, "HV1")
    visitor.set_password(PASSWORD)
    visitor.save()
    assert sign_in(page, live_server.url, visitor.username, PASSWORD).ok

    page.goto(f"{live_server.url}/children/{baby.reference}/contacts/new/")
    expect(page.get_by_role("heading", name="Record a contact")).to_be_visible()
    accessible(page)
    page.locator('input[name="occurred_on-day"]').fill("10")
    page.locator('input[name="occurred_on-month"]').fill("7")
    page.locator('input[name="occurred_on-year"]').fill("2025")
    page.get_by_label("New birth visit (10 to 14 days)").check()
    page.locator('input[name="mother_seen"][value="yes"]').check()
    page.locator('input[name="father"][value="not_known"]').check()
    page.locator('input[name="father_seen"][value="no"]').check()
    page.get_by_role("button", name="Save").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Say why the father or male carer was not seen")
    expect(page).to_have_title(re.compile("^Error: "))
    accessible(page)
    assert not Contact.objects.filter(local_id__startswith="seen-").exists()
    summary.get_by_role("link").click()  # the summary leads to the field
    page.get_by_label("If he was not seen, why not?").fill("At work; offered an evening visit")
    expect(page.locator('input[name="father_seen"][value="no"]')).to_be_checked()
    expect(page.locator('input[name="father"][value="not_known"]')).to_be_checked()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Contact recorded")).to_be_visible()
    prompt = page.locator("#prompt-father-seen-at-mandated-contact")
    expect(prompt).to_contain_text("should see the father")
    expect(prompt).to_contain_text("out of hours")
    expect(page.locator("main")).to_contain_text("At work; offered an evening visit")
    accessible(page)
    contact = Contact.objects.get(local_id__startswith="seen-")
    assert contact.father_seen == "no" and contact.kind == "new_birth"
    assert f"/children/{baby.reference}/recorded/contact/{contact.pk}/" in page.url


def test_every_record_page_passes_axe(
    page: Page,
    live_server: Any,
    baby: Person,
    accessible: Callable[[Page], None],
) -> None:
    """The other forms (empty and with errors), an injury's confirmation with the alert it
    raised, and the page for a child Seen does not hold."""
    # the lead practitioner: every form is open to her
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    worker.set_password(PASSWORD)
    worker.save()
    assert sign_in(page, live_server.url, worker.username, PASSWORD).ok
    for path, heading in [
        ("assessments", "Record a pre-birth assessment"),
        ("was-not-brought", "Record a child not brought to an appointment"),
        ("injuries", "Record an injury"),
    ]:
        page.goto(f"{live_server.url}/children/{baby.reference}/{path}/new/")
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        accessible(page)
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        accessible(page)

    page.locator('input[name="occurred_on-day"]').fill("10")
    page.locator('input[name="occurred_on-month"]').fill("7")
    page.locator('input[name="occurred_on-year"]').fill("2025")
    page.get_by_label("Bruise").check()
    page.get_by_label("Where on the body is it?").fill("left cheek")
    page.get_by_label("Non-mobile").check()
    page.get_by_label("The explanation given").fill("None given")
    page.get_by_role("button", name="Save").click()
    prompt = page.locator("#prompt-non-mobile-injury")
    expect(prompt).to_contain_text("same-day referral")
    expect(prompt).to_contain_text("Alert raised: A bruise was recorded")
    accessible(page)

    # refused as a child without a relationship is (it was "Page not found": issue 13)
    page.goto(f"{live_server.url}/children/P99999999/contacts/new/")
    expect(page.get_by_role("heading", name="You cannot see this page")).to_be_visible()
    accessible(page)
    page.goto(f"{live_server.url}/children/X99/contacts/new/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    accessible(page)
