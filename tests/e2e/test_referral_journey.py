"""A father referred from an alert to an evening parenting group, in chromium, on the demo
partnership: the demo account that answers for an alert naming him signs in, opens the alert
from its inbox, records the lawful basis on the child's page (the referral's page shows the
household), follows "Refer him to a service", narrows the services to those open in the
evening, chooses the Dads' Group that meets on Tuesday evenings where he lives, gives the reason
and his consent, and lands on the referral; records that the group contacted him, offered him a
place and that he attended the first session, each on its day; finds the referral in "Your
referrals" with where it stands; and sees on the alert that the referral was the action taken.
Every page is reached through the links the pages offer (the sign-in aside), checked with axe
and at 320 pixels wide (test_role_days's `Day`).

The account is chosen from the database: a demo health visitor who answers an alert only for
its child sees the child at the flag level, whatever basis she records, and could not open the
referral she makes (tests/web/test_referral_pages.py covers where she is taken)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from seen.access.models import StaffProfile
from seen.access.policy import Action, Level, decide
from seen.casefile.subjects import resolve_child
from seen.core import clock
from seen.directory.fitting import services_for
from seen.facts.models import ServiceReferral
from seen.people.models import Person
from seen.recording.referrals import REFERRING_PROCEDURES
from seen.rules.inbox import child_reference, owed_by
from seen.rules.models import Alert
from seen.web.gate import DEFAULT_PURPOSE
from tests.e2e.test_role_days import TODAY, Day
from tests.fixtures.demo import make_demo

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

OPEN = (Alert.Status.RAISED, Alert.Status.SEEN, Alert.Status.ACKNOWLEDGED)
GROUP = "Dads' Group"
REASON = "He works days and asked for a group to meet other fathers in the evening."
# the referral is made on the demo's day (Thursday 5 March 2026); the steps follow on their days
CONTACTED = date(2026, 3, 9)
OFFERED = date(2026, 3, 10)
ATTENDED = date(2026, 3, 17)  # a Tuesday: the group meets 18:30-20:30


@dataclass(frozen=True)
class Chosen:
    username: str
    alert: Alert
    man: Person
    group: str  # the evening Dads' Group's name


def _evening_dads_group(man: Person, alert: Alert) -> str:
    """The name of the Dads' Group meeting on Tuesday evenings that fits him for the alert's
    child, or "" (the first area's group meets on a weekday afternoon)."""
    subject = resolve_child(child_reference(alert))
    for fit in services_for(man, subject, alert.rule_id):
        service = fit.service
        tuesday_evening = any(
            "TU" in s["days"] and s["opens_at"] >= "17:30" for s in service.schedules
        )
        if service.name.endswith(GROUP) and service.evenings and tuesday_evening:
            return service.name
    return ""


def _may_see_the_household(user: Any, alert: Alert) -> bool:
    """Whether the user may see the alert's child at the household level, at once or once
    the lawful basis is recorded: the referral's page shows the household."""
    subject = resolve_child(child_reference(alert))
    decision = decide(user, Action.VIEW_CHILD, DEFAULT_PURPOSE, subject.ref)
    return decision.allowed and (decision.level >= Level.HOUSEHOLD or decision.needs_basis)


def _an_alert_naming_a_father() -> Chosen:
    """An open alert of a procedure a service answers, which a demo account answers for and
    which names a man for whom an evening Dads' Group fits."""
    profiles = StaffProfile.objects.filter(user__username__startswith="demo-").select_related(
        "user"
    )
    for profile in profiles.order_by("user__username"):
        owed = owed_by(profile).filter(rule_id__in=REFERRING_PROCEDURES, status__in=OPEN)
        for alert in owed.order_by("pk"):
            if not _may_see_the_household(profile.user, alert):
                continue
            for pk, _role in alert.people:
                man = Person.objects.filter(pk=pk, records__sex="male").distinct().first()
                if man is not None and (group := _evening_dads_group(man, alert)):
                    return Chosen(profile.user.username, alert, man, group)
    raise AssertionError("the demo holds no open alert naming a father a demo account answers")


@pytest.fixture
def journey(
    page: Page, live_server: Any, accessible: Callable[[Page], None], tmp_path: Path
) -> Day:
    page.set_default_timeout(5000)
    make_demo(tmp_path / "extract", TODAY)
    folder = Path(os.environ.get("SEEN_SCREENSHOTS") or tmp_path / "screenshots")
    return Day(page, live_server.url, folder / "referral", accessible)


def _record_step(day: Day, step: str, on: date, *, session: int | None = None) -> None:
    """Record a step of the referral's uptake through the page's form, on its day."""
    clock.set_now(on)  # the live server reads the same clock: today is the step's day
    form = day.page.locator("main form").filter(has_text="Record the step")
    form.get_by_role("radio", name=step, exact=True).check()
    when = form.get_by_role("group", name="Date of the step")
    for part, value in (("Day", on.day), ("Month", on.month), ("Year", on.year)):
        when.get_by_label(part).fill(str(value))
    if session is not None:
        form.get_by_label("Session number").fill(str(session))
    day.submit("Record the step")
    expect(day.page.locator("main")).to_contain_text("A step is recorded")


def _rows(table: Locator) -> list[list[str]]:
    return [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]


def test_a_father_is_referred_to_an_evening_group_and_attends(journey: Day) -> None:
    day, main = journey, journey.page.locator("main")
    chosen = _an_alert_naming_a_father()
    alert, man = chosen.alert, chosen.man
    child = child_reference(alert)

    # the inbox, then the alert
    day.start(chosen.username)
    day.follow("Alerts", within="nav")
    day.follow(re.compile(rf"^Alert {alert.pk}\b"), within="#alerts")
    expect(main.locator("#people")).to_contain_text(man.reference)

    # the household first: the referral's page shows it, so the lawful basis on the child's page
    day.follow(child, within="#summary")
    if main.locator("#basis").count():
        main.locator('input[name="basis"][value="consent"]').check()
        day.submit("Record the lawful basis")
    expect(main.locator("#access-level")).to_contain_text("household")
    day.follow("Alerts", within="nav")
    day.follow(re.compile(rf"^Alert {alert.pk}\b"), within="#alerts")

    # refer him: the evening group, why, with his consent
    day.follow(re.compile(rf"^Refer him to a service\W+{man.reference}$"), within="#refer")
    expect(main.locator("h1")).to_have_text("Refer him to a service")
    # he can come only after work: the services open in the evening
    day.follow(re.compile("^Evenings"), within="#hours")
    expect(main.locator("#hours strong")).to_have_text("Evenings")
    expect(main.locator("#services")).not_to_contain_text("Sat ")
    group = main.locator("#services .govuk-radios__item").filter(has_text=chosen.group)
    expect(group).to_contain_text("Tue 18:30 to 20:30")
    expect(group).to_contain_text("Open evenings")
    group.get_by_role("radio").check()
    main.get_by_label("Why are you referring him?").fill(REASON)
    main.get_by_role("group", name="Does he consent to the referral?").get_by_label("Yes").check()
    day.submit("Refer him")

    # the referral's page
    referral = ServiceReferral.objects.get(subject__person=man)
    assert referral.occurred_on == clock.today()
    expect(main.locator("h1")).to_contain_text(f"Referral to {chosen.group}")
    expect(main.locator("#who")).to_contain_text(man.reference)
    expect(main.locator("#basis")).to_have_text("With his consent")
    expect(main.locator("#reason")).to_have_text(REASON)
    expect(main.locator("#no-steps")).to_be_visible()

    # the group's steps, each on its day, through the step form
    _record_step(day, "Contacted", CONTACTED)
    _record_step(day, "Offered", OFFERED)
    _record_step(day, "Attended", ATTENDED, session=1)
    assert _rows(main.locator("#steps")) == [
        [f"{CONTACTED.day} March 2026", "Contacted", "", ""],
        [f"{OFFERED.day} March 2026", "Offered", "", ""],
        [f"{ATTENDED.day} March 2026", "Attended", "1", ""],
    ]
    expect(main.locator("#status")).to_have_text("Attended")

    # Your referrals, from the navigation: this one, where it stands
    day.follow("Your referrals", within="nav")
    row = main.locator("#referrals tbody tr").filter(has_text=chosen.group)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(man.reference)
    expect(row.locator("td").last).to_have_text("Attended")
    day.follow(re.compile(r"\S"), within=f'#referrals tbody tr:has-text("{chosen.group}")')
    expect(main.locator("h1")).to_contain_text(f"Referral to {chosen.group}")

    # the alert: the referral is the action taken
    day.follow("Alerts", within="nav")
    day.follow(re.compile(rf"^Alert {alert.pk}\b"), within="#alerts")
    expect(main.locator("#status")).to_have_text("Action recorded")
    *_, (_, what, who, note) = _rows(main.locator("#lifecycle"))
    assert (what, who) == ("Action recorded: referral made", chosen.username)
    assert note == f"Referred {man.reference} to {chosen.group} (referral {referral.local_id})"
    assert len(day.seen) >= 12
