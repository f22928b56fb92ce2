"""MASH triage in a real browser: a MASH practitioner opens a triage (red, from the alert: due
the next working day, in words), sees what Seen holds for each check and whom to call, the
partnership's police checked once; cannot record a decision before every check is done (the
refusal names the checks still to do); after marking each done with its result the decision is
recorded. The plans and conference pages, for the lead social worker,
with a step-down refused without its checklist and a conference leaving the father out refused
without a reason. axe on every page visited."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from seen.areas.models import Practitioner
from seen.audit.models import AuditEvent
from seen.facts.models import Conference, Plan
from seen.people.models import Person
from seen.triage.models import Triage
from tests.e2e.test_journeys import PASSWORD, sign_in
from tests.fixtures.forms import fill_date

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _signed_in(page: Page, base: str, user: Any) -> None:
    user.set_password(PASSWORD)
    user.save()
    assert sign_in(page, base, user.username, PASSWORD).ok


def test_a_mash_practitioner_cannot_decide_before_the_checks_are_done(
    page: Page, live_server: Any, baby: Person, mash: Any, accessible: Callable[[Page], None]
) -> None:
    _signed_in(page, live_server.url, mash)
    page.goto(f"{live_server.url}/children/{baby.reference}/triage/")
    accessible(page)
    expect(page.get_by_label("Red", exact=True)).to_be_checked()  # the alert's severity suggests it
    page.get_by_role("button", name="Open a triage").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Triage opened")
    expect(page.locator("#timescale")).to_contain_text("by 9am on 14 July 2025")
    # 5 local kinds in each of 2 areas; police, probation and adult mental health once
    expect(page.locator("main")).to_contain_text("0 of 13 done")
    expect(page.locator("main")).to_contain_text("Quillbrook")  # the father's other area
    police = Triage.objects.get().checks.get(agency_kind="police", area__isnull=True)
    card = page.locator(f"#check-{police.pk}")
    expect(card).to_contain_text("The father known as Bob Taner")
    expect(card).to_contain_text("Conviction (the father): domestic abuse")
    expect(card.get_by_role("textbox")).to_have_value(re.compile("^Seen holds:"))
    accessible(page)

    page.get_by_label("Child in need assessment (section 17)").check()
    page.get_by_label("Reason for the decision").fill("the father's conviction for domestic abuse")
    page.get_by_role("button", name="Record the decision").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The decision needs every check done first")
    expect(summary).to_contain_text("Police across the partnership")
    expect(summary).to_contain_text("Health visiting in Quarry Vale")
    accessible(page)
    assert not Triage.objects.get().decided

    triage = Triage.objects.get()
    for check in triage.checks.select_related("area"):
        name = f"{check.get_agency_kind_display()}"
        row = page.locator(f"#check-{check.pk}")
        row.get_by_role("textbox").fill(f"checked with {name}: nothing further held")
        row.get_by_role("button", name=re.compile("^Mark done")).click()
        expect(page.locator(f"#check-{check.pk}")).to_contain_text("Done")
    expect(page.locator("main")).to_contain_text("13 of 13 done")
    accessible(page)

    page.get_by_label("Child in need assessment (section 17)").check()
    page.get_by_label("Reason for the decision").fill("the father's conviction for domestic abuse")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Decision recorded")
    accessible(page)
    triage.refresh_from_db()
    assert triage.decision == "child_in_need" and triage.decided_by == mash
    assert AuditEvent.objects.filter(action="write", object_type="triage_check").count() == 13


def test_the_lead_steps_down_and_records_a_conference(
    page: Page, live_server: Any, baby: Person, worker: Any, accessible: Callable[[Page], None]
) -> None:
    _signed_in(page, live_server.url, worker)
    page.goto(f"{live_server.url}/children/{baby.reference}/plans/")
    expect(page.locator("#plans")).to_contain_text("Child protection plan")
    accessible(page)

    step_down = page.locator("form").filter(has=page.get_by_role("button", name="Step down"))
    cp_plan = Plan.objects.get(local_id="PL1")
    step_down.get_by_label("Plan to step down from").select_option(value=str(cp_plan.pk))
    fill_date(step_down, "on", "2025-07-10")
    step_down.get_by_role("button", name="Step down").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Name the key worker")
    expect(summary).to_contain_text("Set a review date")
    accessible(page)
    step_down = page.locator("form").filter(has=page.get_by_role("button", name="Step down"))
    expect(step_down.get_by_label("Plan to step down from")).to_have_value(str(cp_plan.pk))
    key_worker = Practitioner.objects.get(local_id="SW2")
    step_down.get_by_label("Key worker").select_option(value=str(key_worker.pk))
    step_down.get_by_label("Yes").check()
    fill_date(step_down, "review_date", "2025-10-10")
    step_down.get_by_role("button", name="Step down").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("child in need plan")
    assert Plan.objects.get(kind="child_in_need").stepped_down_from == "PL1"

    page.get_by_role("link", name="Record a conference").click()
    accessible(page)
    page.get_by_label("Initial child protection conference").check()
    fill_date(page, "on", "2025-07-10")
    invited = page.get_by_role("group", name="Invited")
    for role in ("Mother", "GP", "Housing", "Social worker"):
        invited.get_by_label(role, exact=True).check()
    page.get_by_role("button", name="Record the conference").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Invite the father, or say why not"
    )
    accessible(page)
    assert not Conference.objects.exists()
    page.get_by_label("If the father was not invited, why not").fill(
        "he is in custody; his solicitor was sent the report"
    )
    page.get_by_role("button", name="Record the conference").click()
    expect(page.locator("#conferences")).to_contain_text("he is in custody")
    accessible(page)
    attendance = page.locator("form").filter(
        has=page.get_by_role("button", name="Record attendance")
    )
    for role in ("Mother", "GP"):
        attendance.get_by_label(role, exact=True).check()
    attendance.get_by_role("button", name="Record attendance").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Attendance recorded")
    expect(page.locator("#conferences")).to_contain_text("Mother, GP")
    accessible(page)
    assert Conference.objects.get().attended == ["mother", "gp"]
