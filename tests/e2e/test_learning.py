"""The partnership learning dashboard in a real browser: a strategic leader opens the dashboard
on the data's own quarter (named in words, marked partial), sees each measure as a chart with
its table, a quarter the data does not cover in the address is the error summary, records what
she believes is happening (a wrong quarter first: the error summary, nothing lost), and sees
her statement beside the figure; the measure over time. axe on every page visited."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from seen.access.models import Role, StaffProfile
from seen.ingest.loader import ingest_extract
from seen.learning.models import LeadershipStatement
from tests.e2e.test_journeys import PASSWORD, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SAID = "We believe fathers are seen at most new birth visits."


def test_a_strategic_leader_records_what_she_believes_beside_the_figures(
    page: Page,
    live_server: Any,
    extract: Callable[[], Path],
    accessible: Callable[[Page], None],
) -> None:
    ingest_extract(extract())
    leader = get_user_model().objects.create_user(
        "leader", password=PASSWORD, first_name="Robin", last_name="Hale"
    )
    StaffProfile.objects.create(user=leader, role=Role.STRATEGIC_LEADER)
    base = live_server.url
    assert sign_in(page, base, "leader", PASSWORD).ok

    page.goto(f"{base}/learning/")
    expect(page.get_by_role("heading", name="Partnership learning")).to_be_visible()
    # the data is two days of June 2025: its quarter, whatever today is
    expect(page.get_by_label("From quarter")).to_have_value("2025-Q2")
    expect(page.locator("#period")).to_contain_text("April to June 2025 (partial: data from")
    expect(page.locator("#table-fathers-seen")).to_contain_text("Whole partnership")
    expect(page.locator("#statement-fathers-seen")).to_contain_text("No statement recorded")
    accessible(page)

    page.goto(f"{base}/learning/?from=last+year")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the first quarter")
    accessible(page)
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)

    page.goto(f"{base}/learning/?area=QAV")
    page.locator("#statement-fathers-seen").get_by_role("link").click()
    expect(page.get_by_label("Measure")).to_have_value("fathers-seen")
    accessible(page)
    page.get_by_label("Quarter (optional)").fill("2025-Q5")
    page.get_by_label("What you believe is happening").fill(SAID)
    page.get_by_role("button", name="Record statement").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the quarter")
    expect(page.get_by_label("What you believe is happening")).to_have_value(SAID)
    accessible(page)
    page.get_by_label("Quarter (optional)").fill("2025-Q2")
    page.get_by_role("button", name="Record statement").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your statement is recorded")
    beside = page.locator("#statement-fathers-seen")
    expect(beside).to_contain_text(SAID)
    expect(beside).to_contain_text("Robin Hale")
    expect(page.locator("#table-fathers-seen")).to_contain_text("Quarry Vale")
    accessible(page)
    assert LeadershipStatement.objects.get().period == "2025-Q2"

    page.locator("#measure-fathers-seen").get_by_role("link", name="over time").click()
    expect(page.locator("#table-statements")).to_contain_text(SAID)
    accessible(page)
