"""The audit pages: who has looked at a child, the subject-access report (read and downloaded),
and the break-glass sessions awaiting review; through the access decision, shielded values
replaced, each read itself audited; bad input a 400 or 404 with a message."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client

from seen.access import services
from seen.access.models import BreakGlass, Role, Shield, StaffProfile
from seen.audit.log import record
from seen.audit.models import AuditEvent
from seen.core import clock
from seen.people.models import Person, Pregnancy, SourceRecord
from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db


def _look_at(user: Any, reference: str) -> None:
    record(
        user=user,
        action="read",
        via="page",
        purpose="direct_care",
        object_type="child",
        object_id=reference,
        subject=reference,
        disclosed={"fields": ["name", "flags"]},
    )


# -- who looked ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "practitioner"),
    [
        (Role.SOCIAL_WORKER, "SW1"),  # leads the child's plan
        (Role.SAFEGUARDING_LEAD, "SL1"),
        (Role.DATA_PROTECTION_OFFICER, None),
    ],
)
def test_who_looked_lists_every_look_and_is_itself_audited(
    baby: Person,
    role: str,
    practitioner: str | None,
) -> None:
    visitor = make_user(Role.HEALTH_VISITOR, "HV1")
    _look_at(visitor, baby.reference)
    viewer = make_user(role, practitioner)
    response = signed_in_client(viewer).get(f"/children/{baby.reference}/who-looked/")
    assert response.status_code == 200
    text = response.content.decode()
    assert visitor.username in text and "health visitor" in text
    assert "fields: name, flags" in text and "1 entry about" in text
    event = AuditEvent.objects.order_by("seq").last()
    assert event is not None and event.username == viewer.username
    assert (event.action, event.via, event.object_type) == ("read", "page", "person")
    assert event.subject == baby.reference and event.disclosed == {"audit_entries": 1}
    assert event.purpose == "audit"
    # the look just made is in the next answer
    again = signed_in_client(viewer).get(f"/children/{baby.reference}/who-looked/").content.decode()
    assert "2 entries about" in again and viewer.username in again


@pytest.mark.parametrize(
    ("role", "practitioner"),
    [
        (Role.SOCIAL_WORKER, "SW2"),  # no relationship with the child
        (Role.HEALTH_VISITOR, "HV1"),  # caseload, but not the lead practitioner
        (Role.MASH_PRACTITIONER, "MA1"),
        (Role.STRATEGIC_LEADER, None),
    ],
)
def test_who_looked_is_refused_to_others_and_the_refusal_audited(
    baby: Person,
    role: str,
    practitioner: str | None,
) -> None:
    _look_at(None, baby.reference)
    response = signed_in_client(make_user(role, practitioner)).get(
        f"/children/{baby.reference}/who-looked/"
    )
    assert response.status_code == 403 and "Seen refused because" in response.content.decode()
    denied = AuditEvent.objects.get(action="denied")
    assert denied.subject == baby.reference and denied.outcome == "denied"


def test_who_looked_signed_out_and_unknown_children(baby: Person) -> None:
    response = Client().get(f"/children/{baby.reference}/who-looked/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
    client = signed_in_client(make_user(Role.SAFEGUARDING_LEAD, "SL1"))
    missing = client.get("/children/P99999999/who-looked/")
    assert missing.status_code == 404 and "No child P99999999" in missing.content.decode()
    bad = client.get("/children/nonsense/who-looked/")
    assert bad.status_code == 404 and "is not a child reference" in bad.content.decode()
    assert not AuditEvent.objects.without_access_changes().exists()


def test_who_looked_at_an_unborn_child(baby: Person) -> None:
    pregnancy = Pregnancy.objects.get(local_id="PR1")
    Pregnancy.objects.filter(pk=pregnancy.pk).update(child=None, status="ongoing")
    reference = f"U{pregnancy.pk}"
    _look_at(None, reference)
    response = signed_in_client(make_user(Role.SAFEGUARDING_LEAD, "SL1")).get(
        f"/children/{reference}/who-looked/"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Unborn child" in text and "1 entry about" in text and "the system" in text


# -- subject access -----------------------------------------------------------------------------


def _dpo() -> Client:
    return signed_in_client(make_user(Role.DATA_PROTECTION_OFFICER))


def _dpo_again() -> Client:
    """The officer made by _dpo, signed in again (a second client)."""
    officer = StaffProfile.objects.get(role=Role.DATA_PROTECTION_OFFICER).user
    return signed_in_client(officer)


def _mother() -> Person:
    person = SourceRecord.objects.get(local_id="M1").person
    assert person is not None
    return person


def test_the_subject_access_report_shows_what_is_held_and_who_saw_it(
    baby: Person,
) -> None:
    mother = _mother()
    _look_at(make_user(Role.MIDWIFE, agency="QAV-MAT"), mother.reference)
    client = _dpo()
    form = client.get("/subject-access/")
    assert form.status_code == 200 and "Person reference" in form.content.decode()
    # the midwife's look: the form showed nothing
    assert AuditEvent.objects.without_access_changes().count() == 1
    response = client.get("/subject-access/", {"reference": mother.reference.lower()})
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert f"Subject-access report for {mother.reference}" in text
    assert "Jade" in text and "QA1 2BC" in text and "Quarry Vale Maternity" in text
    assert "u-midwife-QAV-MAT" in text  # who has seen it
    event = AuditEvent.objects.filter(role=Role.DATA_PROTECTION_OFFICER).get()
    assert (event.action, event.object_type, event.subject) == ("read", "person", mother.reference)
    assert event.disclosed["records"] == 1 and "forename" in event.disclosed["fields"]


def test_the_report_is_in_plain_words(baby: Person) -> None:
    """Field names, dates and codes as a person reads them; what article 15 asks besides."""
    mother = _mother()
    _look_at(make_user(Role.MIDWIFE, agency="QAV-MAT"), mother.reference)
    text = html.unescape(
        _dpo().get("/subject-access/", {"reference": mother.reference}).content.decode()
    )
    for said in (
        "Date of birth",
        "3 April 1999",  # her date of birth
        "NHS number",
        "First name",
        "White British",  # her ethnicity, WBRI
        "Birth mother",  # her relationship to the baby
        "Expected date of delivery",
        "5 June 2025",
        "11 July 2025, 9:00am",  # when the midwife looked
        "Direct care of the child or family",  # the purpose declared
        "Midwife at Quarry Vale Maternity",  # who received it
        "Why Seen holds it",
        "How long it is kept",
        "Where it came from",
    ):
        assert said in text, said
    for raw in ("1999-04-03", "2025-06-05", ">dob<", ">nhs_number<", "birth_mother", "WBRI"):
        assert raw not in text, raw


@pytest.mark.parametrize(
    ("wanted", "kind", "marker"),
    [
        ("markdown", "text/markdown", "# Subject-access report for"),
        ("html", "text/html", "<h1>Subject-access report for"),
        ("csv", "text/csv", "Section,Item,Source,Details"),
    ],
)
def test_the_report_downloads_as_markdown_html_or_csv(
    baby: Person,
    wanted: str,
    kind: str,
    marker: str,
) -> None:
    mother = _mother()
    response = _dpo().get("/subject-access/", {"reference": mother.reference, "format": wanted})
    assert response.status_code == 200 and response["Content-Type"].startswith(kind)
    assert "attachment" in response["Content-Disposition"]
    assert mother.reference in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert marker in text and "Jade" in text and "3 April 1999" in text
    event = AuditEvent.objects.get(via="page")
    assert event.action == "export" and event.disclosed["format"] == wanted


def test_the_markdown_download_carries_no_html_from_a_name(baby: Person) -> None:
    SourceRecord.objects.filter(local_id="M1").update(forename="<img src=x onerror=alert(1)>")
    mother = _mother()
    response = _dpo().get("/subject-access/", {"reference": mother.reference, "format": "markdown"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"reference": ""}, 400, "Enter a person reference"),
        ({"reference": "12; drop"}, 400, "Enter a person reference"),
        ({"reference": "P99999999"}, 404, "Seen holds no person P99999999"),
        ({"reference": "P00000001", "format": "docx"}, 400, "Select PDF, CSV, HTML or Markdown"),
        ({"reference": "P" + "1" * 300}, 400, "Enter a person reference"),
        ({"reference": "P00000001", "format": "x" * 300}, 400, "Select PDF, CSV, HTML or"),
    ],
)
def test_bad_references_are_a_400_or_404_with_a_message(
    baby: Person,
    query: dict[str, str],
    status: int,
    message: str,
) -> None:
    response = _dpo().get("/subject-access/", query)
    assert response.status_code == status
    text = response.content.decode()
    assert "There is a problem" in text and message in text
    assert not AuditEvent.objects.without_access_changes().exists()


@pytest.mark.parametrize(
    ("role", "practitioner"),
    [(Role.SAFEGUARDING_LEAD, "SL1"), (Role.SOCIAL_WORKER, "SW1"), (Role.STRATEGIC_LEADER, None)],
)
def test_subject_access_is_the_data_protection_officers_alone(
    baby: Person,
    role: str,
    practitioner: str | None,
) -> None:
    client = signed_in_client(make_user(role, practitioner))
    mother = _mother()
    for query in (
        {},
        {"reference": mother.reference},
        {"reference": mother.reference, "format": "pdf"},
        {"surname": "Hollis"},
        {"nhs_number": "9990000018"},
    ):
        response = client.get("/subject-access/", query)
        assert response.status_code == 403 and "Jade" not in response.content.decode()
    # a NUL is refused before the page (seen.web.hostile_input), audited without the input
    assert client.get("/subject-access/", {"reference": "P1\x00"}).status_code == 400
    denied = list(AuditEvent.objects.filter(action="denied").order_by("seq"))
    assert len(denied) == 6 and denied[-1].object_id == ""  # the raw input is not written
    assert not any("Hollis" in str(d.disclosed) or "999" in d.object_id for d in denied)
    assert denied[-1].object_type == "request"
    assert Client().get("/subject-access/").status_code == 302


def test_shielded_values_are_replaced_for_an_officer_without_clearance(
    baby: Person,
) -> None:
    mother_record = SourceRecord.objects.get(local_id="M1")
    Shield.objects.create(
        record=mother_record, scope="address", reason="refuge", created_at=clock.now()
    )
    mother = _mother()
    client = _dpo()
    for query in (
        {"reference": mother.reference},
        {"reference": mother.reference, "format": "markdown"},
        {"reference": mother.reference, "format": "html"},
        {"reference": mother.reference, "format": "csv"},
        {"surname": "Hollis"},  # the search lists her postcode district
    ):
        text = client.get("/subject-access/", query).content.decode()
        assert ("[shielded]" in text or "withheld" in text) and "Jade" in text, query
        assert "QA1 2BC" not in text and "QA1" not in text, query
    StaffProfile.objects.filter(role=Role.DATA_PROTECTION_OFFICER).update(shielding_clearance=True)
    text = client.get("/subject-access/", {"reference": mother.reference}).content.decode()
    assert "QA1 2BC" in text and "[shielded]" not in text


def test_a_record_shield_hides_the_records_values(baby: Person) -> None:
    police = SourceRecord.objects.get(local_id="P77")
    Shield.objects.create(record=police, scope="record", reason="adoption", created_at=clock.now())
    person = police.person
    assert person is not None
    text = _dpo().get("/subject-access/", {"reference": person.reference}).content.decode()
    assert "Partnership Police" in text and "P77" in text and "[shielded]" in text
    for value in ("Taner", "1995-11-02", "2 November 1995", "QB1 4XY", "domestic_abuse"):
        assert value not in text, value
    assert "Domestic abuse" not in text  # the conviction's category, in words, hidden too
    sheet = (
        _dpo_again()
        .get("/subject-access/", {"reference": person.reference, "format": "csv"})
        .content.decode()
    )
    for value in ("Taner", "2 November 1995", "QB1 4XY", "Domestic abuse"):
        assert value not in sheet, value


# -- break-glass reviews ------------------------------------------------------------------------


def _session(baby: Person) -> BreakGlass:
    visitor = make_user(Role.HEALTH_VISITOR, "HV2")
    return services.break_glass(visitor, baby, "the mother called the duty line in distress")


def test_a_lead_reviews_a_break_glass_session_with_an_outcome(baby: Person) -> None:
    session = _session(baby)
    client = signed_in_client(make_user(Role.SAFEGUARDING_LEAD, "SL1"))
    page = client.get("/break-glass/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "called the duty line in distress" in text and baby.reference in text
    read = AuditEvent.objects.get(action="read")
    assert read.object_type == "break_glass" and read.subject == baby.reference
    assert read.disclosed["sessions"] == [session.pk]
    response = client.post("/break-glass/", {"session": session.pk, "outcome": "justified"})
    assert response.status_code == 303 and response["Location"] == "/break-glass/"
    session.refresh_from_db()
    assert session.review_outcome == "justified" and session.reviewed_at is not None
    write = AuditEvent.objects.without_access_changes().get(action="write")
    assert write.object_id == str(session.pk) and write.subject == baby.reference
    text = client.get("/break-glass/").content.decode()
    assert f"Break-glass session {session.pk}" in text and "reviewed" in text
    assert "No session awaits review" in text


def test_an_empty_outcome_or_an_unknown_session_is_refused(baby: Person) -> None:
    session = _session(baby)
    client = signed_in_client(make_user(Role.SAFEGUARDING_LEAD, "SL1"))
    empty = client.post("/break-glass/", {"session": session.pk, "outcome": "   "})
    assert empty.status_code == 400
    text = empty.content.decode()
    assert "Enter the outcome of the review" in text and f'href="#outcome-{session.pk}"' in text
    for bad in ("999999", "x", ""):
        missing = client.post("/break-glass/", {"session": bad, "outcome": "fine"})
        assert missing.status_code == 404 and "no break-glass session" in missing.content.decode()
    session.refresh_from_db()
    assert session.reviewed_at is None
    assert not AuditEvent.objects.without_access_changes().filter(action="write").exists()


def test_an_overlong_outcome_is_a_400_and_keeps_what_was_typed(baby: Person) -> None:
    session = _session(baby)
    client = signed_in_client(make_user(Role.SAFEGUARDING_LEAD, "SL1"))
    long = client.post("/break-glass/", {"session": session.pk, "outcome": "y" * 2001})
    assert long.status_code == 400
    text = long.content.decode()
    assert "The outcome must be 2,000 characters or fewer" in text and "y" * 2001 in text
    for bad in ("1" * 300, "-1", "1.5"):
        missing = client.post("/break-glass/", {"session": bad, "outcome": "fine"})
        assert missing.status_code == 404 and "no break-glass session" in missing.content.decode()
    session.refresh_from_db()
    assert session.reviewed_at is None


def test_a_lead_cannot_review_their_own_session(baby: Person) -> None:
    lead = make_user(Role.SAFEGUARDING_LEAD, "SL1")
    session = services.break_glass(lead, baby, "a sentence of reason for opening it")
    response = signed_in_client(lead).post(
        "/break-glass/", {"session": session.pk, "outcome": "fine"}
    )
    assert response.status_code == 400
    assert "cannot be reviewed by the person who opened it" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "practitioner"),
    [
        (Role.SOCIAL_WORKER, "SW1"),
        (Role.DATA_PROTECTION_OFFICER, None),
        (Role.MASH_PRACTITIONER, "MA1"),
    ],
)
def test_break_glass_reviews_are_for_safeguarding_leads(
    baby: Person,
    role: str,
    practitioner: str | None,
) -> None:
    session = _session(baby)
    client = signed_in_client(make_user(role, practitioner))
    assert client.get("/break-glass/").status_code == 403
    post = client.post("/break-glass/", {"session": session.pk, "outcome": "fine"})
    assert post.status_code == 403
    session.refresh_from_db()
    assert session.reviewed_at is None
    assert AuditEvent.objects.filter(action="denied").count() == 2
    assert Client().get("/break-glass/").status_code == 302
