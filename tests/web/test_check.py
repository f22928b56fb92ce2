"""Check a child (the look-up page): by NHS number, through the access decision, the flag level
only, the lead told of an ED look-up, audited; bad input is a 400 with a message."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from seen.access.models import Notification, Role
from seen.audit.models import AuditEvent
from seen.core import clock
from seen.ingest.loader import ingest_extract
from seen.linkage import decisions
from seen.people.models import Person, SourceRecord
from tests.access.test_policy import NOW, _tables, _user

pytestmark = pytest.mark.django_db
BABY_NHS = "9990000026"  # 999 test range, valid check digit


@pytest.fixture
def flagged(extract: Callable[..., Path]) -> Iterator[Person]:
    """The baby on a child protection plan, with the health visitor's record holding its NHS
    number."""
    clock.set_now(NOW)
    tables = _tables()
    for row in tables["people"]:
        if row["id"] == "HB1":
            row["nhs_number"] = BABY_NHS
    ingest_extract(extract(**tables))
    records = SourceRecord.objects.order_by("pk")
    decisions.confirm(*records.filter(local_id__in=["B1", "HB1"]), user=None, reason="same")
    decisions.confirm(*records.filter(local_id__in=["B1", "CB1"]), user=None, reason="same")
    baby = SourceRecord.objects.get(local_id="B1").person
    assert baby is not None
    yield baby
    clock.set_now(None)


def _page(user: Any, **query: str) -> Any:
    client = Client()
    client.force_login(user)
    return client.get("/check/", {"search": "1", **query})


def test_ed_checks_a_flagged_child_by_nhs_number(flagged: Person) -> None:
    doctor = _user(Role.ED_CLINICIAN, "ED1")
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
    visitor = _user(Role.HEALTH_VISITOR, "HV2")
    text = _page(visitor, nhs_number=BABY_NHS).content.decode()
    assert "You cannot see this child" in text and "child protection plan" not in text
    assert AuditEvent.objects.without_access_changes().get().outcome == "denied"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"nhs_number": "12345"}, "not a valid NHS number"),
        ({"surname": "Hollis"}, "at least a surname and a date of birth"),
        ({"surname": "Hollis", "dob": "01/06/2025"}, "YYYY-MM-DD"),
        ({"surname": "Hollis", "dob": "2025-06-01"}, "needs the linkage model"),
    ],
)
def test_bad_details_are_a_400_with_a_message(
    flagged: Person, query: dict[str, str], message: str
) -> None:
    response = _page(_user(Role.ED_CLINICIAN, "ED1"), **query)
    assert response.status_code == 400 and message in response.content.decode()


def test_an_unknown_number_finds_no_child(flagged: Person) -> None:
    text = _page(_user(Role.ED_CLINICIAN, "ED1"), nhs_number="9990000034").content.decode()
    assert 'id="no-match"' in text


def test_the_form_needs_no_javascript(flagged: Person) -> None:
    client = Client()
    client.force_login(_user(Role.GP, "HV1"))
    text = client.get("/check/").content.decode()
    assert "<script" not in text and 'method="get"' in text
