"""Check a child (the look-up page): by NHS number, through the access decision, what confirms
the child (name, date of birth and age, postcode district) and the flag level only, the lead
told of an ED look-up, audited; bad input is a 400 with a message."""

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
    assert flagged.reference in text and "child protection plan" in text
    assert "Sol Worker" in text and "lead practitioner has been told" in text
    # what confirms it is the child in front of the clinician: name, date of birth and age,
    # postcode district (the newest record's name: the health visitor's or social care's)
    identity = text[text.index(f'id="identity-{flagged.reference}"') :]
    assert "Leo Hollis" in text and "1 June 2025" in identity and "1 month" in identity
    assert "Postcode district" in identity  # the baby's own records hold no address here
    for detail in ("Jade", "Tanner", "QA1 2BC", "2025-06-01"):
        assert detail not in text  # the flag, not the household: no parent, no address
    assert Notification.objects.get().to.local_id == "SW1"
    event = AuditEvent.objects.get(action="read", via="page")
    assert event.subject == flagged.reference and event.disclosed["flags"]
    assert event.disclosed["identity"] == ["name", "dob", "age", "postcode district"]


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


@pytest.mark.parametrize(
    ("query", "message", "href"),
    [
        ({"nhs_number": "9" * 300}, "NHS number must be 20 characters or fewer", "#nhs_number"),
        ({"nhs_number": "12345"}, "That is not a valid NHS number", "#nhs_number"),
        ({"surname": "H" * 300, **date_boxes("dob", "2025-06-01")}, "100 characters", "#surname"),
        ({"forename": "L" * 300, "surname": "Hollis"}, "100 characters or fewer", "#forename"),
        ({"surname": "Hollis", "postcode": "QA1 2BC" * 40}, "8 characters", "#postcode"),
        (
            {"surname": "Hollis", **date_boxes("dob", "2999-06-01")},
            "today or in the past",
            "#dob-day",
        ),
        (
            {"surname": "Hollis", "dob-day": "1", "dob-month": "6"},
            "must include a year",
            "#dob-day",
        ),
        (
            {"surname": "Hollis", **date_boxes("dob", "2025-02-30")},
            "must be a real date",
            "#dob-day",
        ),
        ({"surname": "Hollis"}, "Give an NHS number, or at least a surname", "#nhs_number"),
    ],
)
def test_a_refused_look_up_links_to_the_detail_and_keeps_what_was_typed(
    flagged: Person, query: dict[str, str], message: str, href: str
) -> None:
    response = _page(make_user(Role.ED_CLINICIAN, "ED1"), **query)
    text = response.content.decode()
    assert response.status_code == 400 and message in text
    assert f'href="{href}"' in text and f'id="{href[1:]}"' in text
    assert "<title>Error: " in text and 'id="no-match"' not in text
    for typed in query.values():  # kept to mend, too long or not
        assert f'value="{typed}"' in text
    assert not AuditEvent.objects.without_access_changes().exists()


def test_the_empty_form_is_no_look_up_and_any_detail_is_one(flagged: Person) -> None:
    client = signed_in_client(make_user(Role.ED_CLINICIAN, "ED1"))
    empty = client.get("/check/", {"purpose": "unscheduled_care"})
    assert empty.status_code == 200 and "There is a problem" not in empty.content.decode()
    assert 'id="no-match"' not in empty.content.decode()
    # a detail in the address is a look-up, with or without the form's own marker
    found = client.get("/check/", {"nhs_number": BABY_NHS, "purpose": "unscheduled_care"})
    assert found.status_code == 200 and f'id="child-{flagged.reference}"' in found.content.decode()


def test_an_age_is_said_as_a_babys_is() -> None:
    from datetime import date

    from seen.casefile.lookup import age_of

    today = date(2026, 3, 2)
    assert age_of(date(2026, 3, 1), today) == "1 day"
    assert age_of(date(2026, 2, 5), today) == "25 days"
    assert age_of(date(2026, 1, 3), today) == "1 month"
    assert age_of(date(2025, 3, 3), today) == "11 months"
    assert age_of(date(2025, 3, 2), today) == "1 year"
    assert age_of(date(2024, 12, 2), today) == "1 year 3 months"
    assert age_of(date(2026, 4, 1), today) == "not yet born"
    assert age_of(None, today) == "not known"


def test_an_adult_with_a_relevant_history_is_a_flag_with_whom_to_call_never_the_history(
    flagged: Person,
) -> None:
    from seen.rules.models import Alert
    from tests.fixtures.alerts import make_alert

    alert = make_alert(
        flagged, why="The father has a conviction for assault occasioning actual bodily harm."
    )
    Alert.objects.filter(pk=alert.pk).update(rule_id="man-with-relevant-history")
    doctor = make_user(Role.ED_CLINICIAN, "ED1")
    text = _page(doctor, nhs_number=BABY_NHS, purpose="unscheduled_care").content.decode()
    assert "an adult around this child has a relevant history" in text
    assert "open safeguarding alert" in text
    assert "conviction" not in text and "assault" not in text
    call = text[text.index("Call now") :]
    assert alert.owner_practitioner is not None
    assert alert.owner_practitioner.name in call  # the alert's owner: whom to call about it
