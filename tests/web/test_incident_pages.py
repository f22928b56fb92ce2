"""The serious incident pages: the safeguarding lead records a notification (from the child's
link or with the reference in the form), sees each clock on the list (overdue in words and in
red), marks the steps done; a bad date is a 400 naming the field with everything typed kept;
the reviewer (and the lead) open the chronology for the purpose of review and download it; the
others are refused and audited; a child without a notification has no chronology (404)."""

# ruff: noqa: F811  (the fixtures imported from tests.incidents.fixtures are parameters)
from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.test import Client
from docx import Document

from seen.access.models import Role
from seen.audit.models import AuditEvent
from seen.core import clock
from seen.incidents.models import Incident
from seen.people.models import Person
from tests.access.test_policy import _user
from tests.incidents.fixtures import (  # noqa: F401
    baby,
    incident,
    lead,
    reviewer,
    unborn_reference,
)

pytestmark = pytest.mark.django_db
FORM = {
    "occurred_on": "2025-07-05",
    "learned_on": "2025-07-07",
    "description": "The baby was taken to hospital with a head injury.",
}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_signed_out_goes_to_sign_in(baby: Person) -> None:
    for url in ("/incidents/", "/incidents/new/", f"/children/{baby.reference}/chronology/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_the_lead_records_a_notification_from_the_childs_link(lead: Any, baby: Person) -> None:
    client = _client(lead)
    url = f"/children/{baby.reference}/incidents/new/"
    page = client.get(url)
    assert page.status_code == 200 and baby.reference in page.content.decode()
    response = client.post(url, FORM)
    assert response.status_code == 303
    incident = Incident.objects.get()
    assert response["Location"] == f"/incidents/{incident.pk}/"
    assert incident.child == baby and incident.learned_on == date(2025, 7, 7)
    shown = client.get(response["Location"]).content.decode()
    assert "recorded for" in shown and "the national panel by 2025-07-14" in shown
    assert "1 working day left" in shown and "11 working days left" in shown
    write = AuditEvent.objects.get(action="write", object_type="incident")
    assert write.subject == baby.reference and write.object_id == str(incident.pk)


def test_the_childs_page_offers_the_chronology_only_once_a_notification_is_recorded(
    lead: Any, baby: Person
) -> None:
    client = _client(lead)
    opened = client.post(
        f"/children/{baby.reference}/break-glass/",
        {"reason": "The hospital has called about a head injury to this baby tonight."},
    )
    assert opened.status_code == 303  # the lead's relationship with the child, for the test
    page = f"/children/{baby.reference}/?purpose=safeguarding"
    before = client.get(page)
    assert before.status_code == 200
    assert f'href="/children/{baby.reference}/incidents/new/"' in before.content.decode()
    assert f'href="/children/{baby.reference}/chronology/"' not in before.content.decode()
    client.post(f"/children/{baby.reference}/incidents/new/", FORM)
    after = client.get(page).content.decode()
    assert f'href="/children/{baby.reference}/chronology/"' in after


def test_the_form_with_the_reference(lead: Any, baby: Person) -> None:
    response = _client(lead).post("/incidents/new/", {"reference": baby.reference, **FORM})
    assert response.status_code == 303 and Incident.objects.get().child == baby


def test_bad_input_is_a_400_naming_each_field_with_nothing_lost(lead: Any, baby: Person) -> None:
    typed = {
        "reference": "P0000000099",
        "occurred_on": "5 July",
        "learned_on": "2025-13-01",
        "description": "A description the lead typed",
    }
    response = _client(lead).post("/incidents/new/", typed)
    text = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in text
    for field in ("#reference", "#occurred_on", "#learned_on"):
        assert f'href="{field}"' in text
    assert "must be a real date" in text
    for value in typed.values():
        assert f'value="{value}"' in text or f">{value}</textarea>" in text
    assert not Incident.objects.exists()
    nul = _client(lead).post("/incidents/new/", {**typed, "description": "a\x00b"})
    assert nul.status_code == 400


def test_an_unborn_or_unknown_child_in_the_address_is_a_404(lead: Any) -> None:
    response = _client(lead).get("/children/P999999999/incidents/new/")
    assert response.status_code == 404 and "no child" in response.content.decode()
    unborn = _client(lead).post(f"/children/{unborn_reference()}/incidents/new/", FORM)
    assert unborn.status_code == 404 and "for a born child" in unborn.content.decode()
    assert not Incident.objects.exists()


def test_the_list_shows_each_clock_overdue_in_words(
    lead: Any, incident: Incident, baby: Person
) -> None:
    clock.set_now(date(2025, 7, 16))
    response = _client(lead).get("/incidents/")
    text = response.content.decode()
    assert response.status_code == 200
    assert f"Notification {incident.pk}" in text and baby.reference in text
    assert "Overdue by 2 working days" in text and "govuk-tag--red" in text
    assert "due 2025-07-14" in text and "due 2025-07-28" in text
    event = AuditEvent.objects.get(action="read", object_type="incidents")
    assert event.subject == baby.reference  # one child: the subject (who-looked finds it)


def test_marking_the_steps_done(lead: Any, incident: Incident) -> None:
    client = _client(lead)
    url = f"/incidents/{incident.pk}/"
    bad = client.post(url, {"step": "notification", "notification_on": "2025-07-01"})
    assert bad.status_code == 400 and 'value="2025-07-01"' in bad.content.decode()
    assert "before the local authority learned" in bad.content.decode()
    unknown = client.post(url, {"step": "nonsense"})
    assert unknown.status_code == 400
    done = client.post(url, {"step": "notification", "notification_on": "2025-07-10"})
    assert done.status_code == 303
    incident.refresh_from_db()
    assert incident.notified_on == date(2025, 7, 10)
    page = client.get(url).content.decode()
    assert "Done on 2025-07-10" in page and "notification_on" not in page
    assert client.get("/incidents/999999/").status_code == 404


@pytest.mark.parametrize(
    ("role", "practitioner", "agency"),
    [
        (Role.SOCIAL_WORKER, "SW1", None),
        (Role.REVIEWER, None, "QAV-CSC"),
        (Role.STRATEGIC_LEADER, None, "QAV-CSC"),
    ],
)
def test_only_the_safeguarding_lead_records_and_lists(
    role: str, practitioner: str | None, agency: str | None, incident: Incident, baby: Person
) -> None:
    client = _client(_user(role, practitioner, agency))
    for url in ("/incidents/", "/incidents/new/", f"/incidents/{incident.pk}/"):
        assert client.get(url).status_code == 403
    posted = client.post(f"/children/{baby.reference}/incidents/new/", FORM)
    assert posted.status_code == 403 and Incident.objects.count() == 1
    assert AuditEvent.objects.filter(action="denied", object_type="incident").exists()


def test_the_reviewer_opens_the_chronology_and_downloads_it(
    reviewer: Any, incident: Incident, baby: Person
) -> None:
    client = _client(reviewer)
    url = f"/children/{baby.reference}/chronology/"
    response = client.get(url)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Chronology for the rapid review" in text and "Partnership Police" in text
    assert "What each agency knew, and when" in text
    read = AuditEvent.objects.get(action="read", object_type="chronology")
    assert read.purpose == "review" and read.subject == baby.reference

    word = client.get(url + "?format=docx")
    assert word.status_code == 200 and "attachment" in word["Content-Disposition"]
    table = Document(io.BytesIO(word.content)).tables[0]
    assert len(table.rows) == 4 and table.rows[0].cells[5].text == "Panel notes"
    sheet = client.get(url + "?format=csv")
    assert sheet["Content-Type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(sheet.content.decode())))) == 3
    exports = AuditEvent.objects.filter(action="export", object_type="chronology")
    assert sorted(e.disclosed["format"] for e in exports) == ["csv", "docx"]
    assert client.get(url + "?format=pdf").status_code == 404


def test_the_reviewer_finds_the_notified_children(
    reviewer: Any, incident: Incident, baby: Person
) -> None:
    response = _client(reviewer).get("/chronologies/")
    text = response.content.decode()
    assert response.status_code == 200
    assert f'href="/children/{baby.reference}/chronology/"' in text
    assert AuditEvent.objects.get(action="read", object_type="chronologies").subject == (
        baby.reference
    )
    worker = _user(Role.SOCIAL_WORKER, "SW1")
    assert _client(worker).get("/chronologies/").status_code == 403


def test_the_chronology_is_only_for_a_review(
    reviewer: Any, incident: Incident, baby: Person
) -> None:
    url = f"/children/{baby.reference}/chronology/?purpose=direct_care"
    response = _client(reviewer).get(url)
    assert response.status_code == 403 and "review" in response.content.decode()
    assert AuditEvent.objects.filter(action="denied", object_type="chronology").exists()


def test_no_chronology_without_a_notification(reviewer: Any, baby: Person) -> None:
    response = _client(reviewer).get(f"/children/{baby.reference}/chronology/")
    assert response.status_code == 404
    assert "No serious incident notification is recorded" in response.content.decode()


def test_the_chronology_is_refused_to_practitioners(incident: Incident, baby: Person) -> None:
    worker = _user(Role.SOCIAL_WORKER, "SW1")
    assert _client(worker).get(f"/children/{baby.reference}/chronology/").status_code == 403
