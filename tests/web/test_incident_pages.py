"""The serious incident pages: the safeguarding lead records a notification (from the child's
link or with the reference in the form), sees each clock on the list (overdue in words and in
red), marks the steps done; a bad date is a 400 naming the field with everything typed kept;
the reviewer (and the lead) open the chronology for the purpose of review and download it; the
others are refused and audited; a child without a notification has no chronology (404)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from docx import Document

from seen.access.models import BreakGlass, Role
from seen.audit.models import AuditEvent
from seen.core import clock
from seen.incidents.models import DESCRIPTION_MAX, Incident
from seen.people.models import Person
from seen.rules.models import Alert
from tests.fixtures.forms import date_boxes
from tests.fixtures.incidents import unborn_reference
from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db
FORM = {
    **{"occurred_on-day": "5", "occurred_on-month": "7", "occurred_on-year": "2025"},
    **{"learned_on-day": "7", "learned_on-month": "7", "learned_on-year": "2025"},
    "description": "The baby was taken to hospital with a head injury.",
}


def _body(response: Any, reference: str) -> str:
    """A page's text with the reference it was asked for (and the form's CSRF token) taken
    out: what a refusal tells."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return text.replace(reference, "REF")


def test_signed_out_goes_to_sign_in(baby: Person) -> None:
    for url in ("/incidents/", "/incidents/new/", f"/children/{baby.reference}/chronology/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_the_lead_records_a_notification_from_the_childs_link(lead: Any, baby: Person) -> None:
    client = signed_in_client(lead)
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
    client = signed_in_client(lead)  # the lead's relationship with the child: tests.fixtures
    page = f"/children/{baby.reference}/?purpose=safeguarding"
    before = client.get(page)
    assert before.status_code == 200
    assert f'href="/children/{baby.reference}/incidents/new/"' in before.content.decode()
    assert f'href="/children/{baby.reference}/chronology/"' not in before.content.decode()
    client.post(f"/children/{baby.reference}/incidents/new/", FORM)
    after = client.get(page).content.decode()
    assert f'href="/children/{baby.reference}/chronology/"' in after


def test_the_form_with_the_reference(lead: Any, baby: Person) -> None:
    response = signed_in_client(lead).post("/incidents/new/", {"reference": baby.reference, **FORM})
    assert response.status_code == 303 and Incident.objects.get().child == baby


def test_bad_input_is_a_400_naming_each_field_with_nothing_lost(lead: Any, baby: Person) -> None:
    typed = {
        # not a reference at all: a field to mend (a well-formed reference Seen holds no child
        # under is refused as a child without a relationship is: the test below)
        "reference": "Q0000000099",
        **{"occurred_on-day": "5", "occurred_on-month": "July", "occurred_on-year": ""},
        **{"learned_on-day": "1", "learned_on-month": "13", "learned_on-year": "2025"},
        "description": "A description the lead typed",
    }
    response = signed_in_client(lead).post("/incidents/new/", typed)
    text = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in text
    for field in ("#reference", "#occurred_on-day", "#learned_on-day"):
        assert f'href="{field}"' in text
    assert "must include a year" in text and "must be a real date" in text
    for value in typed.values():  # what was typed comes back, to mend
        assert f'value="{value}"' in text or f">{value}</textarea>" in text or not value
    assert not Incident.objects.exists()
    nul = signed_in_client(lead).post("/incidents/new/", {**typed, "description": "a\x00b"})
    assert nul.status_code == 400


@pytest.mark.parametrize(
    ("description", "message"),
    [
        ("   ", "Describe what happened"),
        ("d" * (DESCRIPTION_MAX + 1), f"The description must be {DESCRIPTION_MAX:,} characters"),
    ],
)
def test_a_missing_or_over_long_description_is_a_400_naming_it(
    lead: Any, baby: Person, description: str, message: str
) -> None:
    url = f"/children/{baby.reference}/incidents/new/"
    response = signed_in_client(lead).post(url, {**FORM, "description": description})
    text = response.content.decode()
    assert response.status_code == 400 and message in text and 'href="#description"' in text
    assert not Incident.objects.exists()


def test_an_unknown_child_is_refused_as_one_without_a_relationship(lead: Any, baby: Person) -> None:
    """Issue 13: an unknown reference was a 404 ("no child") and a real child without a
    relationship a 403, which told the lead which children exist. Both are now the same 403,
    and audited alike; what is not a reference at all is still a 404."""
    client = signed_in_client(lead)
    other = Person.objects.exclude(pk=baby.pk).order_by("pk").first()  # no relationship
    assert other is not None
    for url in ("/children/{}/incidents/new/", "/children/{}/chronology/"):
        unknown = client.get(url.format("P999999999"))
        real = client.get(url.format(other.reference))
        assert unknown.status_code == real.status_code == 403
        assert _body(unknown, "P999999999") == _body(real, other.reference)
        posted = client.post(url.format("P999999999"), FORM)
        if "chronology" in url:  # no form: any POST is refused before the child is looked up
            assert posted.status_code == 405
            assert client.post(url.format(other.reference), FORM).status_code == 405
            continue
        assert posted.status_code == 403 and _body(posted, "P999999999") == _body(
            real, other.reference
        )
    denied = AuditEvent.objects.filter(action="denied")
    assert {e.subject for e in denied} == {"P999999999", other.reference}
    assert client.get("/children/nonsense/incidents/new/").status_code == 404
    assert not Incident.objects.exists()


def test_an_unborn_child_is_not_notified(lead: Any) -> None:
    reference = unborn_reference()
    client = signed_in_client(lead)
    # the lead's relationship with the unborn child (break glass, then the lawful basis), so
    # that what the page refuses is the unborn child itself
    opened = client.post(
        f"/children/{reference}/break-glass/?purpose=safeguarding",
        {"reason": "The hospital has called about the mother tonight, she is at risk."},
    )
    assert opened.status_code == 303
    basis = client.post(f"/children/{reference}/basis/?purpose=safeguarding", {"basis": "consent"})
    assert basis.status_code == 303
    unborn = client.post(f"/children/{reference}/incidents/new/", FORM)
    assert unborn.status_code == 404 and "for a born child" in unborn.content.decode()
    assert not Incident.objects.exists()


def test_the_list_shows_each_clock_overdue_in_words(
    lead: Any, incident: Incident, baby: Person
) -> None:
    clock.set_now(date(2025, 7, 16))
    response = signed_in_client(lead).get("/incidents/")
    text = response.content.decode()
    assert response.status_code == 200
    assert f"Notification {incident.pk}" in text and baby.reference in text
    assert "Overdue by 2 working days" in text and "govuk-tag--red" in text
    assert "due 2025-07-14" in text and "due 2025-07-28" in text
    event = AuditEvent.objects.get(action="read", object_type="incidents")
    assert event.subject == baby.reference  # one child: the subject (who-looked finds it)


@pytest.mark.parametrize(
    ("form", "message", "link"),
    [
        (
            {"step": "notification"},
            "Enter the date of the notification to the national panel",
            "#notification_on-day",
        ),
        (
            {
                "step": "rapid_review",
                "rapid_review_on-day": "10",
                "rapid_review_on-month": "7",
                "rapid_review_on-year": "",
            },
            "The date of the rapid review must include a year",
            "#rapid_review_on-day",
        ),
        (
            {"step": "notification", **date_boxes("notification_on", "2025-02-30")},
            "must be a real date",
            "#notification_on-day",
        ),
        (
            {"step": "notification", **date_boxes("notification_on", "2099-07-10")},
            "must be today or in the past",
            "#notification_on-day",
        ),
        (
            {
                "step": "notification",
                "notification_on-day": "1" * 300,
                "notification_on-month": "7",
                "notification_on-year": "2025",
            },
            "must be a real date",
            "#notification_on-day",
        ),
        ({"step": "reviewer"}, "Select a reviewer to share the rapid review with", "#reviewer"),
        (
            {"step": "reviewer", "reviewer": "9" * 300},
            "Select a reviewer from the list",
            "#reviewer",
        ),
    ],
)
def test_a_bad_step_is_a_400_naming_the_field(
    lead: Any, incident: Incident, form: dict[str, str], message: str, link: str
) -> None:
    response = signed_in_client(lead).post(f"/incidents/{incident.pk}/", form)
    text = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in text
    assert message in text and f'href="{link}"' in text
    incident.refresh_from_db()
    assert incident.notified_on is None and incident.rapid_review_on is None
    assert not AuditEvent.objects.filter(action="write", object_type__in=("incident", "share"))


def test_a_nul_in_a_step_is_refused(lead: Any, incident: Incident) -> None:
    response = signed_in_client(lead).post(
        f"/incidents/{incident.pk}/",
        {
            "step": "notification",
            **date_boxes("notification_on", "2025-07-10"),
            "notification_on-year": "2025\x00",
        },
    )
    assert response.status_code == 400
    incident.refresh_from_db()
    assert incident.notified_on is None


def test_marking_the_steps_done(lead: Any, incident: Incident) -> None:
    client = signed_in_client(lead)
    url = f"/incidents/{incident.pk}/"
    bad = client.post(url, {"step": "notification", **date_boxes("notification_on", "2025-07-01")})
    typed = bad.content.decode()  # the date comes back as typed, box by box
    assert bad.status_code == 400 and 'value="01"' in typed and 'value="2025"' in typed
    assert "before the local authority learned" in bad.content.decode()
    unknown = client.post(url, {"step": "nonsense"})
    assert unknown.status_code == 400 and "does not know the step" in unknown.content.decode()
    done = client.post(url, {"step": "notification", **date_boxes("notification_on", "2025-07-10")})
    assert done.status_code == 303
    incident.refresh_from_db()
    assert incident.notified_on == date(2025, 7, 10)
    page = client.get(url).content.decode()
    assert "Done on 2025-07-10" in page and "notification_on" not in page
    # a notification Seen does not hold is refused as one about a child without a
    # relationship (it was a 404, which told which notifications exist: issue 13)
    missing = client.get("/incidents/999999/")
    assert missing.status_code == 403 and "no legitimate relationship" in missing.content.decode()


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
    client = signed_in_client(make_user(role, practitioner, agency))
    for url in ("/incidents/", "/incidents/new/", f"/incidents/{incident.pk}/"):
        assert client.get(url).status_code == 403
    posted = client.post(f"/children/{baby.reference}/incidents/new/", FORM)
    assert posted.status_code == 403 and Incident.objects.count() == 1
    assert AuditEvent.objects.filter(action="denied", object_type="incident").exists()


def test_the_reviewer_opens_the_chronology_and_downloads_it(
    reviewing: Any, incident: Incident, baby: Person
) -> None:
    client = signed_in_client(reviewing)
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
    reviewing: Any, incident: Incident, baby: Person
) -> None:
    response = signed_in_client(reviewing).get("/chronologies/")
    text = response.content.decode()
    assert response.status_code == 200
    assert f'href="/children/{baby.reference}/chronology/"' in text
    assert AuditEvent.objects.get(action="read", object_type="chronologies").subject == (
        baby.reference
    )
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    assert signed_in_client(worker).get("/chronologies/").status_code == 403


def test_the_chronology_is_only_for_a_review(
    reviewer: Any, incident: Incident, baby: Person
) -> None:
    url = f"/children/{baby.reference}/chronology/?purpose=direct_care"
    response = signed_in_client(reviewer).get(url)
    assert response.status_code == 403 and "review" in response.content.decode()
    assert AuditEvent.objects.filter(action="denied", object_type="chronology").exists()


def test_no_chronology_without_a_notification(lead: Any, reviewer: Any, baby: Person) -> None:
    """The lead, whose relationship with the child is legitimate, is told there is none; a
    reviewer has no relationship with a child without a notification (no rapid review can be
    shared with them), so is refused (this was a 404 for the reviewer before issue 13)."""
    response = signed_in_client(lead).get(f"/children/{baby.reference}/chronology/")
    assert response.status_code == 404
    assert "No serious incident notification is recorded" in response.content.decode()
    refused = signed_in_client(reviewer).get(f"/children/{baby.reference}/chronology/")
    assert refused.status_code == 403


def test_the_chronology_is_refused_to_practitioners(incident: Incident, baby: Person) -> None:
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    chronology = f"/children/{baby.reference}/chronology/"
    assert signed_in_client(worker).get(chronology).status_code == 403


# ---- issue 13: no side door to a child's chronology -------------------------------------------


def test_a_lead_without_a_relationship_cannot_reach_the_chronology_by_notifying(
    baby: Person,
) -> None:
    """The attack: a safeguarding lead refused the child's page (no relationship) posted a
    notification with any dates, then downloaded the chronology as CSV and DOCX, with every
    fact and the parents' names, no break glass, no review, no lawful basis. Now recording is
    decided about the child, as the chronology is, and both are refused."""
    attacker = make_user(Role.SAFEGUARDING_LEAD, agency="QAV-CSC")
    client = signed_in_client(attacker)
    assert client.get(f"/children/{baby.reference}/").status_code == 403
    for url, data in (
        (f"/children/{baby.reference}/incidents/new/", FORM),
        ("/incidents/new/", {"reference": baby.reference, **FORM}),
    ):
        posted = client.post(url, data)
        assert posted.status_code == 403
        assert "no legitimate relationship" in posted.content.decode()
    assert not Incident.objects.exists()
    chronology = f"/children/{baby.reference}/chronology/"
    for query in ("", "?format=csv", "?format=docx"):
        response = client.get(chronology + query)
        assert response.status_code == 403, query
        assert "Content-Disposition" not in response and "Tanner" not in response.content.decode()
    assert client.get(f"/children/{baby.reference}/").status_code == 403  # nothing opened
    assert not AuditEvent.objects.filter(
        username=attacker.username,
        action__in=("read", "write", "export"),
        subject=baby.reference,
    ).exists()


def test_another_leads_notification_opens_nothing_to_a_lead_without_a_relationship(
    incident: Incident, baby: Person
) -> None:
    """A notification recorded by a lead with a relationship opens nothing to a lead of another
    agency with none (the statutory clock's alert goes to the local authority's own leads, who
    answer for it): not the notification, its steps, the chronology, nor the lists."""
    other_lead = make_user(Role.SAFEGUARDING_LEAD, agency="QAV-HV")
    client = signed_in_client(other_lead)
    assert client.get(f"/children/{baby.reference}/").status_code == 403
    chronology = f"/children/{baby.reference}/chronology/"
    for query in ("", "?format=csv", "?format=docx"):
        response = client.get(chronology + query)
        assert response.status_code == 403, query
        assert "Content-Disposition" not in response and "Tanner" not in response.content.decode()
    assert client.get(f"/incidents/{incident.pk}/").status_code == 403
    marked = client.post(
        f"/incidents/{incident.pk}/",
        {"step": "notification", **date_boxes("notification_on", "2025-07-10")},
    )
    assert marked.status_code == 403
    incident.refresh_from_db()
    assert incident.notified_on is None
    listed = client.get("/incidents/").content.decode()
    assert baby.reference not in listed and "Notification" not in listed
    chronologies = client.get("/chronologies/").content.decode()
    assert baby.reference not in chronologies
    assert not AuditEvent.objects.filter(
        username=other_lead.username, action__in=("read", "export"), subject=baby.reference
    ).exists()
    assert (
        AuditEvent.objects.filter(
            username=other_lead.username, action="denied", object_type="chronology"
        ).count()
        == 3
    )


def test_the_lead_with_a_relationship_notifies_and_keeps_the_chronology(
    lead: Any, baby: Person
) -> None:
    """The lead's relationship (an alert escalated to them, the lawful basis recorded) opens
    recording; the notification they recorded keeps the chronology open to them once the alert
    is closed and looked back on (the "notified" relationship)."""
    client = signed_in_client(lead)
    assert client.post(f"/children/{baby.reference}/incidents/new/", FORM).status_code == 303
    # every alert about the child (the escalation, the statutory clock's) closed long ago
    Alert.objects.filter(child=baby).update(
        status=Alert.Status.CLOSED, closed_at=clock.now() - timedelta(days=40)
    )
    assert client.get(f"/children/{baby.reference}/?purpose=safeguarding").status_code == 403
    assert client.get(f"/children/{baby.reference}/chronology/").status_code == 200


def test_a_lead_breaks_glass_then_records_the_basis_to_notify(baby: Person) -> None:
    """A lead with no relationship may still notify: as for the child's page, break glass
    (reviewed) and the lawful basis first."""
    other_lead = make_user(Role.SAFEGUARDING_LEAD, agency="QAV-CSC")
    client = signed_in_client(other_lead)
    url = f"/children/{baby.reference}/incidents/new/"
    assert client.post(url, FORM).status_code == 403
    opened = client.post(
        f"/children/{baby.reference}/break-glass/?purpose=safeguarding",
        {"reason": "The hospital has reported a serious injury to this baby tonight."},
    )
    assert opened.status_code == 303
    needs_basis = client.post(url, FORM)
    assert needs_basis.status_code == 403 and "lawful basis" in needs_basis.content.decode()
    client.post(
        f"/children/{baby.reference}/basis/?purpose=safeguarding",
        {
            "basis": "safeguarding_without_consent",
            "why_no_consent": "a serious incident: consent could prejudice the enquiry",
        },
    )
    assert client.post(url, FORM).status_code == 303
    assert BreakGlass.objects.get().user == other_lead  # and it awaits a lead's review


def test_a_reviewer_sees_a_chronology_only_once_a_lead_shares_its_rapid_review(
    lead: Any, reviewer: Any, incident: Incident, baby: Person
) -> None:
    client = signed_in_client(reviewer)
    url = f"/children/{baby.reference}/chronology/"
    refused = client.get(url + "?format=csv")
    assert refused.status_code == 403
    assert "rapid review with you" in refused.content.decode()
    assert baby.reference not in client.get("/chronologies/").content.decode()
    # the lead shares it from the notification's page
    page = signed_in_client(lead).get(f"/incidents/{incident.pk}/").content.decode()
    assert "Share the rapid review with a reviewer" in page and reviewer.username in page
    shared = signed_in_client(lead).post(
        f"/incidents/{incident.pk}/", {"step": "reviewer", "reviewer": str(reviewer.pk)}
    )
    assert shared.status_code == 303
    write = AuditEvent.objects.get(action="write", object_type="share")
    assert write.subject == baby.reference and write.disclosed["reviewer"] == reviewer.username
    assert client.get(url + "?format=csv").status_code == 200
    assert f'href="{url}"' in client.get("/chronologies/").content.decode()
    # still nothing else about the child
    assert client.get(f"/children/{baby.reference}/").status_code == 403
    again = signed_in_client(lead).post(
        f"/incidents/{incident.pk}/", {"step": "reviewer", "reviewer": str(reviewer.pk)}
    )
    assert again.status_code == 400  # the choice is gone; nothing twice


def test_a_lead_without_a_relationship_cannot_share_a_rapid_review(
    reviewer: Any, incident: Incident, baby: Person
) -> None:
    other_lead = make_user(Role.SAFEGUARDING_LEAD, agency="QAV-CSC")
    response = signed_in_client(other_lead).post(
        f"/incidents/{incident.pk}/", {"step": "reviewer", "reviewer": str(reviewer.pk)}
    )
    assert response.status_code == 403
    chronology = f"/children/{baby.reference}/chronology/"
    assert signed_in_client(reviewer).get(chronology).status_code == 403
