"""A thematic review in a real browser, with axe on every page: a reviewer starts a national
thematic review, imports the case dataset with one bad row and sees that row's line and reason
(the good rows stored), views the headline tables, adds a candidate case with an excerpt and
codes it; the meeting form and the agreement page are checked too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from seen.audit.models import AuditEvent
from seen.thematic.models import Review
from tests.e2e.test_journeys import sign_in
from tests.fixtures.thematic import GOOD, PASSWORD, dataset

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_imports_the_dataset_and_reads_the_headline_tables(
    page: Page,
    live_server: Any,
    first_reviewer: Any,
    accessible: Callable[[Page], None],
) -> None:
    base = live_server.url
    assert sign_in(page, base, first_reviewer.username, PASSWORD).ok
    page.goto(f"{base}/reviews/")
    expect(page.locator("#no-reviews")).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="Start the review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the review's title")
    accessible(page)
    page.get_by_label("Title").fill("Fathers and babies under 1")
    page.get_by_label("National thematic review").check()
    page.get_by_role("button", name="Start the review").click()
    expect(page.locator("h1")).to_have_text("Fathers and babies under 1")
    accessible(page)
    review = Review.objects.get()

    page.get_by_role("link", name="Case dataset").click()
    expect(page.locator("#no-rows")).to_be_visible()
    accessible(page)
    content = dataset(GOOD.format(n=1, age=3), GOOD.format(n=2, age=14), GOOD.format(n=3, age=5))
    page.set_input_files(
        "#dataset", files=[{"name": "cases.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="Import the dataset").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "2 rows stored (0 replacing rows with the same case_id); 1 refused"
    )
    refused = page.locator("#refused-line-3")
    expect(refused).to_contain_text("3")
    expect(refused).to_contain_text("age_months")
    expect(page.locator("#rows")).to_contain_text("rr-1")
    expect(page.locator("#rows")).not_to_contain_text("rr-2")
    accessible(page)

    page.get_by_role("link", name="Headline tables").click()
    expect(page.locator("#cases-counted")).to_contain_text("Counted from 2 cases")
    expect(page.locator("#table-outcome")).to_contain_text("Seriously harmed")
    accessible(page)
    page.get_by_role("link", name="Show for publication (small counts suppressed)").click()
    expect(page.locator("#table-outcome")).to_contain_text("fewer than 5")
    accessible(page)

    page.goto(f"{base}/reviews/{review.pk}/cases/new/")
    accessible(page)
    page.get_by_label("Case identifier").fill("rr-1")
    page.get_by_label("Why it is considered").fill("NAI in a baby under 1; father known")
    page.get_by_role("button", name="Add to the longlist").click()
    expect(page.locator("#stage")).to_contain_text("Longlist")
    accessible(page)
    page.get_by_label("Add an excerpt").fill("The father was not seen at any contact.")
    page.get_by_role("button", name="Add the excerpt").click()
    page.locator("#excerpts a").first.click()
    expect(page.locator("#excerpt-text")).to_contain_text("The father was not seen")
    accessible(page)
    page.get_by_role("button", name="Record my coding").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say whether")
    accessible(page)

    page.goto(f"{base}/reviews/{review.pk}/meetings/new/")
    accessible(page)
    page.goto(f"{base}/reviews/{review.pk}/agreement/")
    expect(page.locator("#kappa")).to_contain_text("Domestic abuse")
    accessible(page)
    assert AuditEvent.objects.filter(
        username=first_reviewer.username,
        action="write",
        object_type="review_dataset",
        purpose="review",
    ).exists()
