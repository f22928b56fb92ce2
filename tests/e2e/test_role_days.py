"""Each role's day on the demo, in chromium: a synthetic partnership whose year ends today, every
demo account signing in and doing its job end to end through the links the pages offer (not
addresses typed in), with axe on every page, and every page at 320 and 1280 pixels wide:
photographed, and at 320 no wider than the screen (a wide table scrolls in its own region).

The screenshots go to $SEEN_SCREENSHOTS if it is set (one folder per role), else to the test's
temporary folder."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Exists, OuterRef
from playwright.sync_api import Page, expect

from seen.people.models import SourceRecord
from seen.rules.models import Alert
from tests.e2e.test_journeys import sign_in
from tests.fixtures.demo import DEMO_PASSWORD, make_demo

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TODAY = date(2026, 3, 2)
WIDTHS = (320, 1280)


class Day:
    """One account's day: every page it reaches is checked and photographed."""

    def __init__(
        self, page: Page, base: str, folder: Path, accessible: Callable[[Page], None]
    ) -> None:
        self.page, self.base, self.folder, self.accessible = page, base, folder, accessible
        self.seen: list[str] = []

    def start(self, username: str) -> None:
        self.page.context.clear_cookies()
        response = sign_in(self.page, self.base, username, DEMO_PASSWORD)
        assert response is not None and response.ok, username
        self.username = username
        self.check()

    def go(self, address: str) -> None:
        response = self.page.goto(self.base + address)
        assert response is not None and response.status < 400, (address, response.status)
        self.check()

    def follow(
        self, name: str | re.Pattern[str], *, within: str = "main", refused: bool = False
    ) -> None:
        """Click the first link of that name, as the user would, and check where it lands
        (`refused`: a page that refuses, saying what to do, as 403)."""
        link = self.page.locator(within).get_by_role("link", name=name).first
        with self.page.expect_navigation() as navigation:
            link.click()
        response = navigation.value
        assert response is not None, self.page.url
        assert response.status == 403 if refused else response.status < 400, (
            self.page.url,
            response.status,
        )
        self.check()

    def submit(self, button: str | re.Pattern[str]) -> None:
        with self.page.expect_navigation() as navigation:
            self.page.locator("main").get_by_role("button", name=button).first.click()
        response = navigation.value
        assert response is not None and response.status < 400, (self.page.url, response.status)
        self.check()

    def check(self) -> None:
        page = self.page
        self.accessible(page)
        name = re.sub(r"[^a-z0-9]+", "-", page.url.removeprefix(self.base).lower()).strip("-")
        number = len(self.seen)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            folder = self.folder / self.username
            folder.mkdir(parents=True, exist_ok=True)
            shot = folder / f"{number:02d}-{name or 'home'}-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            if width == 320:
                wide = page.evaluate("document.documentElement.scrollWidth")
                assert wide <= 320, f"{page.url} is {wide} px wide on a 320 px screen"
        self.seen.append(page.url)


@pytest.fixture
def day(page: Page, live_server: Any, accessible: Callable[[Page], None], tmp_path: Path) -> Day:
    make_demo(tmp_path / "extract", TODAY)
    folder = Path(os.environ.get("SEEN_SCREENSHOTS") or tmp_path / "screenshots")
    return Day(page, live_server.url, folder, accessible)


def _a_child_with_an_nhs_number() -> SourceRecord:
    child = (
        SourceRecord.objects.filter(
            Exists(Alert.objects.filter(child=OuterRef("person"))), dob__isnull=False
        )
        .exclude(nhs_number="")
        .select_related("person")
        .order_by("person_id")
        .first()
    )
    assert child is not None and child.person is not None
    return child


def test_each_role_does_its_job_on_the_demo(day: Day) -> None:
    main = day.page.locator("main")

    # a health visitor: her caseload, a baby on it, and recording a contact from the child page
    day.start("demo-health-visitor")
    day.follow("Your caseload", within="nav")
    expect(main.locator("#caseload")).to_be_visible()
    day.follow(re.compile(r"\S"), within="#caseload tbody")
    expect(main.locator("#access-level")).to_contain_text("household")
    day.follow(re.compile("record a contact", re.I), within="#record-links")

    # a midwife, an Early Help key worker, a social worker, a personal adviser: their caseloads
    # and a child each
    for username in (
        "demo-midwife",
        "demo-early-help",
        "demo-social-worker",
        "demo-personal-adviser",
    ):
        day.start(username)
        day.follow("Your caseload", within="nav")
        if main.locator("#caseload").count():
            day.follow(re.compile(r"\S"), within="#caseload tbody")
            expect(main.locator("h1")).to_be_visible()

    # an ED clinician: checks a child by NHS number and is shown who the child is
    record = _a_child_with_an_nhs_number()
    day.start("demo-ed-clinician")
    day.follow("Check a child", within="nav")
    main.get_by_label("NHS number").fill(record.nhs_number)
    day.submit(re.compile("check", re.I))
    expect(main).to_contain_text(record.dob.strftime("%-d %B %Y"))

    # a GP: a child on her list, checked by name, date of birth and postcode as a parent would
    # give them (a child not hers is "not found", as Seen does not say who exists)
    day.start("demo-gp")
    day.follow("Your caseload", within="nav")
    row = main.locator("#caseload tbody tr").first
    reference = (row.get_attribute("id") or "").removeprefix("row-")
    named = (
        SourceRecord.objects.filter(person__reference=reference, dob__isnull=False)
        .exclude(forename__in=("", "Baby"))
        .exclude(postcode="")
        .first()
    )
    assert named is not None and named.dob is not None, reference
    day.follow("Check a child", within="nav")
    main.get_by_label("First name").fill(named.forename)
    main.get_by_label("Last name").fill(named.surname)
    for part, value in zip(
        ("day", "month", "year"), (named.dob.day, named.dob.month, named.dob.year), strict=True
    ):
        main.locator(f"#dob-{part}").fill(str(value))
    main.get_by_label("Postcode").fill(named.postcode)
    day.submit(re.compile("check", re.I))
    expect(main).to_contain_text(named.dob.strftime("%-d %B %Y"))
    expect(main).to_contain_text(reference)

    # MASH: an alert, then straight into triage for its child
    day.start("demo-mash")
    day.follow("Alerts", within="nav")
    day.follow(re.compile(r"^Alert \d+"), within="#alerts")
    # triage needs the household, so the lawful basis first: the refusal says where, and back
    day.follow("Triage this child in MASH", refused=True)
    day.follow("Record the lawful basis on the child's page")
    main.locator('input[name="basis"][value="consent"]').check()
    day.submit("Record the lawful basis")
    expect(main.locator("#access-level")).to_contain_text("household")
    day.follow("MASH triage", within="#record-links")
    expect(main.locator("h1")).to_contain_text(re.compile("triage", re.I))

    # the safeguarding lead: the partnership's alerts, the overdue ones, then one of hers
    day.start("demo-safeguarding-lead")
    day.follow("Partnership alerts", within="nav")
    expect(main.locator("#overview")).to_be_visible()
    main.get_by_label("Status").select_option("overdue")
    day.submit("Show alerts")
    day.follow("your alerts")
    day.follow(re.compile(r"^Alert \d+"), within="#alerts")
    if main.locator("#acknowledge-note").count():
        main.locator("#acknowledge-note").fill("Seen; calling the health visitor today.")
        day.submit("Acknowledge")
        expect(main).to_contain_text("You acknowledged the alert")
    day.follow("Serious incidents", within="nav")
    day.follow("Break-glass reviews", within="nav")

    # the history holders: what they owe, and the check
    for username in ("demo-police-officer", "demo-probation-officer", "demo-mental-health"):
        day.start(username)
        day.follow("Check a child", within="nav")

    # a strategic leader: the learning dashboard and one measure
    day.start("demo-strategic-leader")
    day.follow("Partnership learning", within="nav")

    # a reviewer, the data-protection officer and the system administrator
    day.start("demo-reviewer")
    day.follow("Reviews", within="nav")
    day.follow("Chronologies", within="nav")
    day.start("demo-dpo")
    day.follow("Subject access", within="nav")
    day.start("demo-system-admin")
    day.follow("What is loaded", within="nav")

    assert len(day.seen) >= 30
