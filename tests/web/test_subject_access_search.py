"""Finding the person a subject-access request is about: by reference, NHS number, name or date
of birth, each listing the persons matched (reference, name, date of birth in words, postcode
district) to choose from; no match said plainly; each search audited by the details' names and
the number found, never what was typed; bad input a 400 with the message on the form, never a
500."""

from __future__ import annotations

import html
import json
from typing import Any

import pytest
from django.test import Client

from seen.access.models import Role
from seen.audit.models import AuditEvent
from seen.casefile import disclosure
from seen.people.models import Person, SourceRecord
from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db

MOTHER_NHS = "9990000018"  # her maternity record's (tests.fixtures.partnership)
FULL_WIDTH_NHS = "999" + "\uff10" * 6 + "\uff11\uff18"  # her number in full-width digits


def _dpo() -> Client:
    return signed_in_client(make_user(Role.DATA_PROTECTION_OFFICER))


def _person(local_id: str) -> Person:
    person = SourceRecord.objects.get(local_id=local_id).person
    assert person is not None
    return person


def _searches() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="person_search").order_by("seq"))


def _listed(text: str) -> set[str]:
    """The references the page lists to choose from."""
    return {ref for ref in ("P00000001", "P00000002", "P00000003") if f"person-{ref}" in text}


@pytest.mark.parametrize(
    ("query", "searched"),
    [
        ({"nhs_number": MOTHER_NHS}, ["nhs_number"]),
        ({"nhs_number": "999 000 0018"}, ["nhs_number"]),  # typed as people write it
        ({"forename": "jade", "surname": "HOLLIS"}, ["forename", "surname"]),
        ({"dob-day": "3", "dob-month": "4", "dob-year": "1999"}, ["dob"]),
        (
            {"surname": "Hollis", "dob-day": "03", "dob-month": "04", "dob-year": "1999"},
            ["surname", "dob"],
        ),
    ],
)
def test_each_key_finds_the_mother_with_what_confirms_her(
    baby: Person, query: dict[str, str], searched: list[str]
) -> None:
    mother = _person("M1")
    response = _dpo().get("/subject-access/", query)
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert _listed(text) == {mother.reference}
    row = text[text.index(f"person-{mother.reference}") :]
    row = row[: row.index("</tr>")]
    for shown in ("Jade Hollis", "3 April 1999", "QA1"):
        assert shown in row, shown
    assert "QA1 2BC" not in row  # the district, never the postcode
    assert f"?reference={mother.reference}" in row  # chosen, it makes her report
    (search,) = _searches()
    assert search.disclosed["searched"] == searched and search.disclosed["found"] == 1
    assert search.subject == mother.reference  # the listing is a display of her identity
    typed = json.dumps(search.disclosed) + search.object_id + search.reason
    for value in ("Jade", "jade", "HOLLIS", "Hollis", MOTHER_NHS, "1999"):
        assert value not in typed, value  # what was searched by, never what was typed
    assert search.seq in [row["seq"] for row in disclosure.subject_access(mother)["seen_by"]]


def test_a_name_shared_by_several_lists_each_to_choose_from(baby: Person) -> None:
    response = _dpo().get("/subject-access/", {"surname": "Hollis"})
    text = html.unescape(response.content.decode())
    mother, child = _person("M1"), _person("B1")
    assert _listed(text) == {mother.reference, child.reference}
    assert "2 persons match" in text and "1 June 2025" in text
    (search,) = _searches()
    assert search.disclosed["found"] == 2
    assert sorted(search.disclosed["subjects"]) == sorted([mother.reference, child.reference])


def test_an_earlier_last_name_finds_the_person(baby: Person) -> None:
    SourceRecord.objects.filter(local_id="P77").update(previous_surnames="Smith; Okafor")
    text = _dpo().get("/subject-access/", {"surname": "okafor"}).content.decode()
    assert _listed(text) == {_person("P77").reference}


def test_a_reference_goes_straight_to_the_report(baby: Person) -> None:
    mother = _person("M1")
    response = _dpo().get("/subject-access/", {"reference": mother.reference})
    assert response.status_code == 200
    assert f"Subject-access report for {mother.reference}" in response.content.decode()
    assert not _searches()


@pytest.mark.parametrize(
    "query",
    [
        {"nhs_number": "9990000034"},  # a valid number no record holds
        {"surname": "Nobody"},
        {"forename": "Jade", "surname": "Tanner"},  # each detail held, never together
        {"dob-day": "4", "dob-month": "4", "dob-year": "1999"},
    ],
)
def test_no_match_is_said_plainly_and_audited(baby: Person, query: dict[str, str]) -> None:
    response = _dpo().get("/subject-access/", query)
    assert response.status_code == 200
    text = response.content.decode()
    assert "No person in Seen matches these details." in text and not _listed(text)
    (search,) = _searches()
    assert search.disclosed["found"] == 0 and search.subject == ""


@pytest.mark.parametrize(
    ("query", "message", "link"),
    [
        (
            {"reference": "", "surname": "  "},
            "Enter a person reference, an NHS number, a name or a date of birth",
            "#reference",
        ),
        ({"nhs_number": "12345"}, "Enter an NHS number of 10 digits", "#nhs_number"),
        ({"nhs_number": "9990000019"}, "That is not a valid NHS number", "#nhs_number"),
        ({"nhs_number": "9" * 300}, "The NHS number must be 20 characters or fewer", "#nhs_number"),
        ({"nhs_number": FULL_WIDTH_NHS}, "Enter an NHS number of 10 digits", "#nhs_number"),
        ({"surname": "H" * 300}, "The last name must be 100 characters or fewer", "#surname"),
        ({"forename": "J" * 300}, "The first name must be 100 characters or fewer", "#forename"),
        (
            {"dob-day": "1", "dob-month": "1", "dob-year": "2999"},
            "The date of birth must be today or in the past",
            "#dob-day",
        ),
        (
            {"dob-day": "30", "dob-month": "2", "dob-year": "2025"},
            "must be a real date",
            "#dob-day",
        ),
        ({"dob-day": "3", "dob-month": "4"}, "must include a year", "#dob-day"),
        (
            {"dob-day": "1", "dob-month": "1", "dob-year": "9" * 300},
            "must be a real date",
            "#dob-day",
        ),
        (
            {"surname": "Hollis", "format": "pdf"},
            "Choose the person before downloading",
            "#reference",
        ),
        ({"reference": "P" + "1" * 300}, "Enter a person reference", "#reference"),
    ],
)
def test_bad_input_is_a_400_with_the_message_on_the_form(
    baby: Person, query: dict[str, str], message: str, link: str
) -> None:
    response = _dpo().get("/subject-access/", query)
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "There is a problem" in text and message in text
    assert f'href="{link}"' in text  # the error summary links to the box
    assert "Persons found" not in text and "Subject-access report for" not in text
    assert not AuditEvent.objects.without_access_changes().exists()


@pytest.mark.parametrize(
    "query",
    [{"surname": "Hol\x00lis"}, {"nhs_number": "999\x00"}, {"dob-year": "\x00"}],
)
def test_a_nul_is_refused_before_the_page(baby: Person, query: dict[str, str]) -> None:
    response = _dpo().get("/subject-access/", query)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert not _searches()


def test_what_was_typed_is_kept_in_the_boxes(baby: Person) -> None:
    text = (
        _dpo()
        .get(
            "/subject-access/",
            {
                "forename": "Jade",
                "surname": "Hollis",
                "dob-day": "3",
                "dob-month": "4",
                "dob-year": "2999",
            },
        )
        .content.decode()
    )
    for kept in ('value="Jade"', 'value="Hollis"', 'value="2999"'):
        assert kept in text, kept


def test_search_then_choose_then_download(baby: Person) -> None:
    """The officer's way through: find by details, follow the person's link, download."""
    client = _dpo()
    text = html.unescape(
        client.get("/subject-access/", {"nhs_number": MOTHER_NHS}).content.decode()
    )
    mother = _person("M1")
    link = text[text.index(f"/subject-access/?reference={mother.reference}") :].split('"')[0]
    report = client.get(link)
    assert report.status_code == 200 and "Subject-access report for" in report.content.decode()
    assert 'id="download-pdf"' in report.content.decode()
    actions: list[Any] = list(
        AuditEvent.objects.filter(role=Role.DATA_PROTECTION_OFFICER)
        .order_by("seq")
        .values_list("action", "object_type")
    )
    assert actions == [("read", "person_search"), ("read", "person")]
