"""The service navigation shows each role the pages its role can open, and no others."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from seen.access.models import Role, StaffProfile
from tests.fixtures.partnership import signed_in_client

pytestmark = pytest.mark.django_db


def _signed_in(role: str | None) -> Client:
    user = get_user_model().objects.create_user(f"nav-{role}", password="a-long-test-password-1")
    if role is not None:
        StaffProfile.objects.create(user=user, role=role)
    return signed_in_client(user)


def _links(html: str) -> dict[str, str]:
    nav = html.split('class="govuk-service-navigation__list"', 1)[1].split("</ul>", 1)[0]
    return {
        text.strip(): href
        for href, text in re.findall(
            r'class="govuk-service-navigation__link" href="([^"]+)"[^>]*>\s*(?:<strong[^>]*>)?'
            r"([^<]+)",
            nav,
        )
    }


def test_a_health_visitor_sees_the_case_pages_and_not_the_administrators() -> None:
    links = _links(_signed_in(Role.HEALTH_VISITOR).get("/").content.decode())
    assert links["What you owe"] == "/"
    assert links["Check a child"] == "/check/"
    assert "What is loaded" not in links


def test_the_system_administrator_sees_only_the_administration() -> None:
    links = _links(_signed_in(Role.SYSTEM_ADMINISTRATOR).get("/loaded/").content.decode())
    assert links == {"What is loaded": "/loaded/"}


def test_the_current_page_is_marked() -> None:
    html = _signed_in(Role.HEALTH_VISITOR).get("/check/").content.decode()
    current = re.search(r'<a class="govuk-service-navigation__link" href="/check/"[^>]*>', html)
    assert current and 'aria-current="page"' in current.group(0)


def test_no_role_no_navigation() -> None:
    html = _signed_in(None).get("/").content.decode()
    assert "govuk-service-navigation__list" not in html or not _links(html)


REVIEW_AND_LEARNING = {"Serious incidents", "Chronologies", "Reviews", "Partnership learning"}


@pytest.mark.parametrize(
    ("role", "page", "expected"),
    [
        (Role.SAFEGUARDING_LEAD, "/", REVIEW_AND_LEARNING),
        (Role.REVIEWER, "/reviews/", {"Chronologies", "Reviews"}),
        (Role.STRATEGIC_LEADER, "/learning/", {"Partnership learning"}),
        (Role.HEALTH_VISITOR, "/", set()),
        (Role.SOCIAL_WORKER, "/", set()),
    ],
)
def test_the_review_and_learning_pages_are_offered_to_their_roles_only(
    role: str, page: str, expected: set[str]
) -> None:
    response = _signed_in(role).get(page)
    assert response.status_code == 200
    links = _links(response.content.decode())
    assert set(links) & REVIEW_AND_LEARNING == expected


def test_a_decisions_relationships_are_said_in_words() -> None:
    from seen.web.jinja_env import in_words

    assert in_words("answers_alert, caseload, lead") == (
        "you answer for an alert about the child, the child is on your caseload and you lead "
        "the child's plan"
    )
    assert in_words("mash_triage; record the lawful basis to see the household") == (
        "MASH is triaging a contact about the child; record the lawful basis to see the household"
    )
    # anything else is left as it is: "lead" inside a sentence is not a code
    said = "only the child's lead practitioner or a safeguarding lead sees who looked"
    assert in_words(said) == said
    assert in_words("break glass") == "break glass"
