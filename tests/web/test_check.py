"""Check a child (the look-up page): by NHS number, through the access decision, the flag level
only, the lead told of an ED look-up, audited; bad input is a 400 with a message."""

from __future__ import annotations

from typing import Any

import pytest

from seen.access.models import Notification, Role
from seen.audit.models import AuditEvent
from seen.people.models import Person
from tests.fixtures.forms import date_boxes
from tests.fixtures.partnership import BABY_NHS, make_user, signed_in_client

pytestmark = pytest.mark.django_db


def _page(user: Any, **query: str) -> Any:
    return signed_in_client(user).get("/check/", {"search": "1", **query})


def test_ed_checks_a_flagged_child_by_nhs_number(flagged: Person) -> None:
    doctor = make_user(Role.ED_CLINICIAN, "ED1")
    response = _page(doctor, nhs_number="999 000 0026", purpose="unscheduled_care")
    assert response.status_code == 200
    text = response.content.decode()
    assert f"Child {flagged.reference}" in text and "child protection plan" in text
    assert "Sol Worker" in text and "lead practitioner has been told" in text
    for detail in ("Hollis", "Tanner", "QA1 2BC", "2025-06-01"):
        assert detail not in text  # the flag, not the household
    assert Notification.objects.get().to.local_id == "SW1"
    event = AuditEvent.objects.get(action="read", via="page")
    assert event.subject == flagged.reference and event.disclosed["flags"]


def test_without_a_relationship_the_page_says_why_and_shows_nothing(flagged: Person) -> None:
    visitor = make_user(Role.HEALTH_VISITOR, "HV2")
    text = _page(visitor, nhs_number=BABY_NHS).content.decode()
    assert "You cannot see this child" in text and "child protection plan" not in text
    assert AuditEvent.objects.without_access_changes().get().outcome == "denied"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"nhs_number": "12345"}, "not a valid NHS number"),
        ({"surname": "Hollis"}, "at least a surname and a date of birth"),
        ({"surname": "Hollis", **date_boxes("dob", "01/06/2025")}, "must include a month"),
        ({"surname": "Hollis", **date_boxes("dob", "2025-06-01")}, "needs the linkage model"),
    ],
)
def test_bad_details_are_a_400_with_a_message(
    flagged: Person, query: dict[str, str], message: str
) -> None:
    response = _page(make_user(Role.ED_CLINICIAN, "ED1"), **query)
    assert response.status_code == 400 and message in response.content.decode()


def test_an_unknown_number_finds_no_child(flagged: Person) -> None:
    text = _page(make_user(Role.ED_CLINICIAN, "ED1"), nhs_number="9990000034").content.decode()
    assert 'id="no-match"' in text


def test_the_form_needs_no_javascript(flagged: Person) -> None:
    text = signed_in_client(make_user(Role.GP, "HV1")).get("/check/").content.decode()
    assert "<script" not in text and 'method="get"' in text
