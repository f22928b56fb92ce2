"""The child page and the person page in a real browser, axe on every page on the way:

1. a social worker opens a child, follows the link to the father's record in another area
   (his police record is in Quillbrook, the baby in Quarry Vale), and acts on an alert on the
   alert's page (acknowledges it);
2. an uncleared user never sees a shielded address, a cleared one does;
3. the flag level's lawful-basis form, and the refusal page's break glass, used as a user would."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from seen.access import services
from seen.access.models import BreakGlass, Role, Share
from seen.audit.models import AuditEvent
from seen.people.models import Person, Responsibility, SourceRecord
from seen.rules.models import Alert
from tests.e2e.test_journeys import PASSWORD, sign_in
from tests.fixtures.casefile import alert_about, shield_address
from tests.fixtures.partnership import NOW, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ADDRESS = "QA1 2BC"  # the mother's postcode in the small partnership


def _signed_in(page: Page, base: str, user: Any) -> None:
    user.set_password(PASSWORD)
    user.save()
    assert sign_in(page, base, user.username, PASSWORD).ok


def _social_worker(baby: Person, practitioner: str = "SW1", *, cleared: bool = False) -> Any:
    """A social worker with the baby on their caseload and the lawful basis recorded."""
    worker = make_user(Role.SOCIAL_WORKER, practitioner)
    record = SourceRecord.objects.get(local_id="CB1")
    Responsibility.objects.create(
        agency=record.agency,
        local_id=f"RS-{practitioner}",
        child=record,
        practitioner=worker.staff_profile.practitioner,
        role=Responsibility.Role.SOCIAL_WORKER,
        start=NOW.date(),
    )
    services.record_basis(worker, baby, "direct_care", "consent")
    if cleared:
        worker.staff_profile.shielding_clearance = True
        worker.staff_profile.save()
    return worker


def test_a_social_worker_opens_a_child_follows_the_father_and_acts_on_an_alert(
    page: Page,
    live_server: Any,
    baby: Person,
    accessible: Callable[[Page], None],
) -> None:
    alert = alert_about(baby, owner="SW1")
    worker = _social_worker(baby)
    _signed_in(page, live_server.url, worker)
    father = SourceRecord.objects.get(local_id="F1").person
    assert father is not None

    page.goto(f"{live_server.url}/children/{baby.reference}/")
    expect(page.locator("h1")).to_contain_text("Leo Hollis")
    expect(page.locator("#access-level")).to_contain_text("household level")
    expect(page.locator("main")).to_contain_text("Conviction")
    expect(page.locator(f"#alert-{alert.pk}")).to_contain_text("not seen at the new birth visit")
    accessible(page)

    page.get_by_role("link", name=re.compile(f"Open {father.reference}")).click()
    expect(page).to_have_url(re.compile(f"/people/{father.reference}/$"))
    records = page.locator("#records ~ .govuk-summary-card")
    expect(records).to_have_count(2)
    expect(page.locator("main")).to_contain_text("Partnership Police")
    expect(page.locator("main")).to_contain_text("Bob Taner")  # as the police recorded him
    expect(page.locator("main")).to_contain_text("Quillbrook")  # another area
    expect(page.locator("main")).to_contain_text("this person is the father")
    accessible(page)

    page.get_by_role("link", name=f"Open {baby.reference}").click()
    expect(page).to_have_url(re.compile(f"/children/{baby.reference}/$"))
    page.get_by_role("link", name=f"Open alert {alert.pk}").click()
    expect(page).to_have_url(re.compile(f"/alerts/{alert.pk}/"))
    accessible(page)
    page.get_by_label("Acknowledge: a note (optional)").fill("Visiting with the father on Monday.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You acknowledged the alert"
    )
    accessible(page)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED

    page.goto(f"{live_server.url}/children/{baby.reference}/")  # its life, on the child's page
    expect(page.locator(f"#alert-{alert.pk}")).to_contain_text("Visiting with the father")
    reads = AuditEvent.objects.filter(action="read", via="page")
    assert reads.filter(object_type="child", subject=baby.reference).count() == 3
    assert reads.filter(object_type="person", subject=father.reference).exists()


def test_an_uncleared_user_never_sees_a_shielded_address(
    page: Page,
    live_server: Any,
    baby: Person,
    accessible: Callable[[Page], None],
) -> None:
    shield_address("M1")
    uncleared = _social_worker(baby)
    cleared = _social_worker(baby, "SW2", cleared=True)
    mother = SourceRecord.objects.get(local_id="M1").person
    assert mother is not None

    _signed_in(page, live_server.url, uncleared)
    page.goto(f"{live_server.url}/children/{baby.reference}/")
    expect(page.locator("#person-1")).to_contain_text("Jade Hollis")
    expect(page.locator("#person-1")).to_contain_text("[shielded]")
    assert ADDRESS not in page.content()
    accessible(page)
    page.goto(f"{live_server.url}/people/{mother.reference}/")
    expect(page.locator("#records")).to_be_visible()
    assert ADDRESS not in page.content()
    accessible(page)
    api = page.request.get(
        f"{live_server.url}/api/children/{baby.reference}", headers={"Seen-Purpose": "direct_care"}
    )
    assert api.ok and ADDRESS not in api.text()

    page.context.clear_cookies()
    _signed_in(page, live_server.url, cleared)
    page.goto(f"{live_server.url}/children/{baby.reference}/")
    expect(page.locator("#person-1")).to_contain_text(ADDRESS)
    accessible(page)


def test_the_basis_form_and_break_glass_in_a_browser(
    page: Page,
    live_server: Any,
    baby: Person,
    accessible: Callable[[Page], None],
) -> None:
    worker = make_user(Role.SOCIAL_WORKER, "SW1")  # the plan's lead: no basis recorded yet
    _signed_in(page, live_server.url, worker)
    page.goto(f"{live_server.url}/children/{baby.reference}/")
    expect(page.locator("#access-level")).to_contain_text("flag level")
    accessible(page)
    page.get_by_role("button", name="Record the lawful basis").click()  # nothing chosen
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the lawful basis")
    accessible(page)
    page.get_by_label(re.compile("Safeguarding without consent")).check()
    page.get_by_label(re.compile("why consent was not sought")).fill(
        "Seeking consent would alert the father and place the baby at risk."
    )
    page.get_by_role("button", name="Record the lawful basis").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("lawful basis is recorded")
    expect(page.locator("#people")).to_be_visible()
    accessible(page)
    assert Share.objects.get().basis == "safeguarding_without_consent"

    page.context.clear_cookies()
    visitor = make_user(Role.HEALTH_VISITOR, "HV2")  # no relationship
    _signed_in(page, live_server.url, visitor)
    page.goto(f"{live_server.url}/children/{baby.reference}/")
    expect(page.locator("h1")).to_have_text("You cannot see this child")
    accessible(page)
    page.get_by_label("Why do you need to see this child now?").fill(
        "The mother rang the duty line in distress about the baby."
    )
    page.get_by_role("button", name="Break glass").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Break glass is open")
    expect(page.locator("#flags")).to_be_visible()
    accessible(page)
    assert BreakGlass.objects.get().user_id == visitor.pk

    # a reference Seen holds no child under is refused as a child without a relationship is
    # (it was "No child P99999999", which told whether the child exists: issue 13)
    page.goto(f"{live_server.url}/children/P99999999/")
    expect(page.locator("h1")).to_have_text("You cannot see this child")
    expect(page.locator("#refused-reason")).to_contain_text("no legitimate relationship")
    accessible(page)
    page.goto(f"{live_server.url}/children/X99/")
    expect(page.locator("#not-found")).to_contain_text("not a child reference")
    accessible(page)
