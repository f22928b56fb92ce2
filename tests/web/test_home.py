"""The home page, "what you owe", per role; the pages' GOV.UK layout without JavaScript; the
GOV.UK Frontend assets served by the app itself (WhiteNoise, no DEBUG)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from seen.access.models import Role, StaffProfile
from seen.areas.models import Agency, Area
from seen.audit.models import AuditEvent
from seen.core import clock
from seen.rules.models import Alert
from tests.fixtures.partnership import signed_in_client

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime(2026, 3, 1, 12, 0))


@pytest.fixture
def agencies() -> dict[str, Agency]:
    clock.set_now(NOW)
    area = Area.objects.create(code="QAV", name="Quarry Vale")
    found = {
        "csc": Agency.objects.create(
            code="QAV-CSC", name="Quarry Vale CSC", kind="childrens_social_care", area=area
        ),
        "hv": Agency.objects.create(
            code="QAV-HV", name="Quarry Vale HV", kind="health_visiting", area=area
        ),
    }
    return found


def _alert(agency: Agency, role: str, key: str, deadline: datetime, why: str) -> Alert:
    return Alert.objects.create(
        rule_id="non-mobile-injury",
        rule_version=1,
        key=key,
        child_key=f"child:{key}",
        explanation=why,
        severity="same_day",
        raised_at=NOW - timedelta(days=2),
        deadline=deadline,
        owner_agency=agency,
        owner_role=role,
        routed_because="team",
    )


def _client(role: str | None, agency: Agency | None = None, name: str = "") -> Client:
    # more than signed_in_client: makes the user, of a role in an agency (or with no staff
    # profile), in this module's own small world of agencies rather than the partnership's
    user = get_user_model().objects.create_user(name or f"u-{role or 'none'}")
    if role is not None:
        StaffProfile.objects.create(user=user, role=role, agency=agency)
    return signed_in_client(user)


def test_signed_out_goes_to_sign_in() -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/"


def test_an_alert_owed_shows_overdue_first_and_another_teams_does_not(
    agencies: dict[str, Agency],
) -> None:
    later = _alert(
        agencies["csc"], Role.MASH_PRACTITIONER, "later", NOW + timedelta(days=1), "Due later."
    )
    late = _alert(
        agencies["csc"], Role.MASH_PRACTITIONER, "late", NOW - timedelta(hours=3), "Overdue one."
    )
    theirs = _alert(
        agencies["hv"], Role.HEALTH_VISITOR, "theirs", NOW - timedelta(days=1), "Not yours."
    )
    page = _client(Role.MASH_PRACTITIONER, agencies["csc"]).get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "What you owe" in html
    assert html.index(f'id="alert-{late.pk}"') < html.index(f'id="alert-{later.pk}"')
    assert "Overdue one." in html and "Due later." in html
    assert "1 March 2026, 9:00am" in html  # the overdue deadline, London time
    assert "Overdue" in html
    assert f'id="alert-{theirs.pk}"' not in html and "Not yours." not in html
    assert re.search(r'id="pairs-to-review">0 pairs', html)  # MASH reviews identity links
    assert "Break-glass sessions" not in html  # a safeguarding lead's

    event = AuditEvent.objects.filter(via="page", object_type="alerts").get()
    assert event.action == "read" and event.purpose == "direct_care"
    assert event.disclosed["alerts"] == [late.pk, later.pk]
    assert event.disclosed["children"] == ["child:late", "child:later"]
    assert event.subject == ""  # one person per entry's subject: more than one child here


def test_a_safeguarding_lead_sees_break_glass_reviews_and_the_alerts_she_answers_for(
    agencies: dict[str, Agency],
) -> None:
    """Her own alerts, as anyone's: what is routed to her team; not every alert of the
    partnership (she could not open those: what a page shows as hers, she can open)."""
    theirs = _alert(agencies["hv"], Role.HEALTH_VISITOR, "hv", NOW, "A health visitor's.")
    hers = _alert(agencies["csc"], Role.SAFEGUARDING_LEAD, "sl", NOW, "The lead's.")
    html = _client(Role.SAFEGUARDING_LEAD, agencies["csc"]).get("/").content.decode()
    assert "Break-glass sessions awaiting review" in html
    assert 'id="pairs-to-review"' in html
    assert f'id="alert-{hers.pk}"' in html
    assert f'id="alert-{theirs.pk}"' not in html


def test_a_break_glass_session_awaiting_review_shows_to_a_safeguarding_lead(
    agencies: dict[str, Agency],
) -> None:
    from seen.access.models import BreakGlass
    from seen.people.models import Person

    child = Person.objects.create(reference="P00000042")
    opener = get_user_model().objects.create_user("u-opener")
    BreakGlass.objects.create(
        user=opener,
        child=child,
        reason="presenting out of hours, no record here",
        started_at=NOW - timedelta(hours=1),
        expires_at=NOW + timedelta(hours=3),
    )
    html = _client(Role.SAFEGUARDING_LEAD, agencies["csc"]).get("/").content.decode()
    assert "1 awaiting your review" in html
    assert "P00000042" in html and "u-opener" in html and "presenting out of hours" in html
    event = AuditEvent.objects.get(via="page", object_type="alerts")
    assert len(event.disclosed["break_glass"]) == 1


def test_a_universal_role_sees_neither_reviews_nor_pairs(agencies: dict[str, Agency]) -> None:
    html = _client(Role.HEALTH_VISITOR, agencies["hv"]).get("/").content.decode()
    assert "You have no open alerts" in html
    assert "Break-glass" not in html and "pairs-to-review" not in html


@pytest.mark.parametrize(
    ("role", "first"),
    [
        (Role.STRATEGIC_LEADER, "/learning/"),
        (Role.REVIEWER, "/chronologies/"),
        (Role.DATA_PROTECTION_OFFICER, "/subject-access/"),
        (Role.SYSTEM_ADMINISTRATOR, "/loaded/"),
    ],
)
def test_a_role_without_alerts_starts_on_its_own_first_page(
    agencies: dict[str, Agency], role: str, first: str
) -> None:
    _alert(agencies["csc"], Role.MASH_PRACTITIONER, "a", NOW, "Hidden.")
    response = _client(role, agencies["csc"]).get("/")
    assert response.status_code == 302 and response["Location"] == first
    assert not AuditEvent.objects.filter(via="page", outcome="allowed").exists()


def test_a_role_without_alerts_or_pages_is_told_so_and_nothing_is_read(
    agencies: dict[str, Agency],
) -> None:
    _alert(agencies["csc"], Role.MASH_PRACTITIONER, "a", NOW, "Hidden.")
    html = _client(Role.AGENCY_SYSTEM, agencies["csc"]).get("/").content.decode()
    assert "Your role answers for no alerts" in html and "Hidden." not in html
    assert AuditEvent.objects.get(via="page").outcome == "denied"


def test_an_account_without_a_role_sees_a_plain_message() -> None:
    page = _client(None).get("/")
    assert page.status_code == 403  # the one gate: every page refuses an account without a role
    assert "Your account has no role in Seen" in page.content.decode()


def test_an_unknown_purpose_is_refused(agencies: dict[str, Agency]) -> None:
    _alert(agencies["csc"], Role.MASH_PRACTITIONER, "a", NOW, "Hidden.")
    page = _client(Role.MASH_PRACTITIONER, agencies["csc"]).get("/?purpose=curiosity")
    assert "Hidden." not in page.content.decode()
    assert "declare why you are looking" in page.content.decode()


# --- the layout, without JavaScript ------------------------------------------------------------


def _pages(agencies: dict[str, Agency]) -> dict[str, str]:
    pages = {"sign-in": Client().get("/sign-in/").content.decode()}
    for role in Role.values:
        # a role that answers for no alerts starts on its own first page
        pages[role] = _client(role, agencies["csc"]).get("/", follow=True).content.decode()
    pages["no role"] = _client(None).get("/").content.decode()
    admin = get_user_model().objects.get(username="u-system_administrator")
    client = signed_in_client(admin)
    pages["loaded"] = client.get("/loaded/").content.decode()
    pages["refused"] = _client(Role.GP, name="another-gp").get("/loaded/").content.decode()
    pages["signed out"] = client.post("/sign-out/").content.decode()
    return pages


def test_every_page_is_served_without_javascript(agencies: dict[str, Agency]) -> None:
    for name, html in _pages(agencies).items():
        assert "<script" not in html, name
        assert 'href="/assets/govuk-frontend.min.css"' in html, name
        assert 'class="govuk-skip-link"' in html and 'id="main-content"' in html, name
        assert "All data in this service is synthetic" in html, name  # the phase banner
        assert re.search(r'service-name">\s*<a href="/"[^>]*>\s*Seen\s*</a>', html), name
        # every form works by itself: a method, an action, a CSRF token when it posts (a
        # search or a filter is a GET)
        for form in re.findall(r"<form[^>]*>.*?</form>", html, re.S):
            assert re.search(r'method="(post|get)"', form) and "action=" in form, (name, form)
            if 'method="post"' in form:
                assert 'name="csrfmiddlewaretoken"' in form, (name, form)


def test_the_sign_out_button_is_a_post_form_with_csrf(agencies: dict[str, Agency]) -> None:
    html = _client(Role.GP, agencies["csc"]).get("/").content.decode()
    form = re.search(r'<form method="post" action="/sign-out/">.*?</form>', html, re.S)
    assert form and 'name="csrfmiddlewaretoken"' in form.group(0)
    assert re.search(r">\s*Sign out\s*</button>", form.group(0))


# --- static assets -----------------------------------------------------------------------------


def test_the_govuk_assets_are_served() -> None:
    css = Client().get("/assets/govuk-frontend.min.css")
    assert css.status_code == 200
    assert css["Content-Type"].startswith("text/css")
    body = b"".join(css.streaming_content).decode()  # type: ignore[attr-defined]
    assert ".govuk-header" in body
    # what the stylesheet asks for is there too
    for url in set(re.findall(r"url\((/assets/[^)]+)\)", body)):
        assert Client().get(url).status_code == 200, url
    assert Client().get("/assets/partnership/favicon.svg").status_code == 200
    assert Client().get("/assets/govuk-frontend.min.js").status_code == 200


def test_the_service_is_the_partnerships_not_govuks(agencies: dict[str, Agency]) -> None:
    """govuk-frontend's patterns under the partnership's own name: no crown, no GOV.UK
    logotype, no Crown copyright or licence, no GDS Transport font."""
    css = b"".join(
        Client().get("/assets/govuk-frontend.min.css").streaming_content  # type: ignore[attr-defined]
    ).decode()
    assert "GDS Transport" not in css and "/assets/fonts/" not in css
    assert "govuk-crest" not in css
    for icon in ("images/govuk-crest.svg", "images/govuk-icon-180.png", "manifest.json"):
        assert Client().get(f"/assets/{icon}").status_code == 404, icon
    pages = {**_pages(agencies), "sign-in": Client().get("/sign-in/").content.decode()}
    for name, html in pages.items():
        assert "Local Safeguarding Children Partnership" in html, name
        for govuk in ("crown", "Crown copyright", "govuk-logo", "Open Government Licence",
                      "GOV.UK", "images/favicon"):
            assert govuk not in html, (name, govuk)


def test_each_alert_on_the_home_page_links_to_its_page(agencies: dict[str, Agency]) -> None:
    user = get_user_model().objects.create_user("hv-links", password="a-long-test-password-1")
    StaffProfile.objects.create(user=user, role=Role.HEALTH_VISITOR, agency=agencies["hv"])
    alert = Alert.objects.create(
        rule_id="father-seen-at-mandated-contact",
        rule_version=1,
        key="k",
        child_key="child:1",
        explanation="The father was not seen at the new birth visit.",
        severity="medium",
        raised_at=NOW,
        deadline=NOW + timedelta(days=3),
        owner_agency=agencies["hv"],
        owner_role="health_visitor",
        routed_because="team",
    )
    html = signed_in_client(user).get("/").content.decode()
    assert f'href="/alerts/{alert.pk}/"' in html


def test_an_alert_names_its_child_by_reference_with_a_link_never_an_internal_key(
    agencies: dict[str, Agency],
) -> None:
    _alert(agencies["hv"], Role.HEALTH_VISITOR, "k", NOW, "A child's alert.")
    html = _client(Role.HEALTH_VISITOR, agencies["hv"]).get("/").content.decode()
    assert "child:k" not in html and "Not linked to a child's record yet" in html
