"""The referral pages: from an alert to "Refer him to a service", the referral's page and a
step of its uptake, through the Django test client; the links from the adult's page and a
recorded contact's confirmation; every refusal, and hostile addresses as a 4xx page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from seen.access import services as access
from seen.access.models import Role
from seen.audit.models import AuditEvent
from seen.facts.models import ServiceReferral, ServiceUptake
from seen.ingest.loader import ingest_extract
from seen.linkage import decisions
from seen.people.models import Person, SourceRecord
from seen.rules.models import AlertEvent
from tests.directory.test_fitting import DAYTIME, EVENINGS, service
from tests.fixtures.alerts import make_alert
from tests.fixtures.partnership import make_user, partnership_tables, signed_in_client

pytestmark = pytest.mark.django_db


def _worker(baby: Person) -> Any:
    user = make_user(Role.SOCIAL_WORKER, "SW1")
    access.record_basis(user, baby, "direct_care", "consent")
    return user


def _father() -> Person:
    person = SourceRecord.objects.get(local_id="F1").person
    assert person is not None
    return person


def _services() -> tuple[Any, Any]:
    evening = service(
        "Dads in Quillbrook",
        areas=("QBM",),
        schedules=EVENINGS,
        evenings=True,
        wait_days=20,
        phone="01632 960123",
        contact_within_days=7,
    )
    crying = service(
        "Crying support", schedules=DAYTIME, wait_days=5, procedures=["coping-with-crying"]
    )
    service("Mums together", audiences=["mothers"])  # not his
    return evening, crying


def _refer_url(baby: Person, **more: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"child": baby.reference, **more}.items())
    return f"/people/{_father().reference}/refer/?{query}"


def _when(day: str, month: str, year: str) -> dict[str, str]:
    return {"occurred_on-day": day, "occurred_on-month": month, "occurred_on-year": year}


def test_alert_to_referral_to_a_step_attended(baby: Person) -> None:
    evening, _ = _services()
    client = signed_in_client(_worker(baby))
    alert = make_alert(baby, owner="SW1", agency="QAV-CSC", role=Role.SOCIAL_WORKER)
    alert.rule_id = "coping-with-crying"
    alert.people = [[_father().pk, "father or male carer"], [baby.pk, "child"]]
    alert.save()

    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    [link] = re.findall(r'id="refer">\s*<li><a class="govuk-link" href="([^"]+)"', page)
    link = link.replace("&amp;", "&")
    assert link == _refer_url(baby, procedure="coping-with-crying", alert=str(alert.pk))

    form = client.get(link)
    assert form.status_code == 200
    text = form.content.decode()
    assert "Refer him to a service" in text and "Mums together" not in text
    # the procedure's service first, then the evening group
    assert text.index("Crying support") < text.index("Dads in Quillbrook")
    assert "Tue, Thu 18:00 to 20:00" in text and "Usually 20 days to a first session" in text
    assert "For fathers: he is the birth father" in text and "Open evenings" in text
    assert "Daytime only: if he works, check he can go" in text
    assert "Serves where he lives (Quillbrook)" in text  # she sees the household

    missing = client.post(link, {"service": str(evening.pk), "reason": "", "consent": "no"})
    assert missing.status_code == 400
    text = missing.content.decode()
    assert 'href="#reason"' in text and "Say why you are referring him" in text
    assert "Give the lawful basis for referring him without his consent" in text
    assert not ServiceReferral.objects.exists()

    saved = client.post(
        link, {"service": str(evening.pk), "reason": "Up at night with the baby.", "consent": "yes"}
    )
    assert saved.status_code == 303
    referral = ServiceReferral.objects.get()
    assert saved["Location"] == f"/referrals/{referral.local_id}/"
    assert referral.procedure == "coping-with-crying" and referral.service == evening
    assert AlertEvent.objects.filter(alert=alert, action="referral_made").exists()
    write = AuditEvent.objects.without_access_changes().get(action="write", object_type="referral")
    assert write.subject == baby.reference and write.object_id == str(referral.pk)

    shown = client.get(saved["Location"])
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "Referral to Dads in Quillbrook" in text and "With his consent" in text
    assert "Sol Worker, Quarry Vale Children&#39;s Social Care" in text
    assert "within 7 days: by 18 July 2025" in text and "Not yet due" in text
    assert "No step recorded yet" in text and "the birth father" in text

    bad = client.post(saved["Location"], {"status": "attended", **_when("11", "7", "2025")})
    text = bad.content.decode()
    assert bad.status_code == 400 and "Give the number of the session" in text
    assert 'href="#step-session"' in text and 'id="step-session"' in text
    stepped = client.post(
        saved["Location"], {"status": "attended", "session": "1", **_when("11", "7", "2025")}
    )
    assert stepped.status_code == 303 and stepped["Location"].endswith("?done=step")
    text = client.get(stepped["Location"]).content.decode()
    assert "A step is recorded" in text and "Attended" in text
    assert ServiceUptake.objects.get().session == 1

    listed = client.get("/referrals/").content.decode()
    assert f'href="/referrals/{referral.local_id}/"' in listed and "Dads in Quillbrook" in listed
    assert client.get(f"/referrals/{referral.pk}/").status_code == 200  # by its number too


def test_the_refer_page_is_refused_without_a_relationship(baby: Person) -> None:
    evening, _ = _services()
    for user in (make_user(Role.SOCIAL_WORKER, "SW2"), make_user(Role.STRATEGIC_LEADER)):
        client = signed_in_client(user)
        assert client.get(_refer_url(baby)).status_code == 403
        posted = client.post(
            _refer_url(baby), {"service": str(evening.pk), "reason": "x", "consent": "yes"}
        )
        assert posted.status_code == 403
    assert not ServiceReferral.objects.exists()
    assert Client().get(_refer_url(baby)).status_code == 302  # signed out: to sign in


def test_hostile_addresses_are_a_4xx_page(baby: Person) -> None:
    _services()
    client = signed_in_client(_worker(baby), raise_request_exception=False)
    father = _father().reference
    mother = SourceRecord.objects.get(local_id="M1").person
    assert mother is not None
    other = make_alert(mother, owner="SW1", agency="QAV-CSC", role=Role.SOCIAL_WORKER)
    cases = {
        f"/people/{father}/refer/": 400,  # no child
        f"/people/{father}/refer/?child=P99999999": 403,  # refused as a child without one
        f"/people/{father}/refer/?child=nonsense": 404,
        f"/people/{father}/refer/?child={'P' * 300}": 404,
        f"/people/{father}/refer/?child=P1%00": 400,
        _refer_url(baby, procedure="no-such-procedure"): 400,
        _refer_url(baby, alert="12x"): 400,
        _refer_url(baby, alert="999999999"): 400,
        _refer_url(baby, alert=str(other.pk)): 400,  # about another child
        f"/people/{'P' * 300}/refer/?child={baby.reference}": 404,
        f"/people/{mother.reference}/refer/?child={baby.reference}": 404,  # not a man around
        "/referrals/" + "x" * 300 + "/": 404,
        "/referrals/seen-unknown/": 403,  # refused as a child without a relationship
        "/referrals/a%20b/": 404,
    }
    for url, status in cases.items():
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        assert "Traceback" not in response.content.decode()


def test_the_referral_page_needs_the_household_level(baby: Person) -> None:
    evening, _ = _services()
    worker = signed_in_client(_worker(baby))
    saved = worker.post(
        _refer_url(baby), {"service": str(evening.pk), "reason": "He asked.", "consent": "yes"}
    )
    url = saved["Location"]
    # the health visitor sees the baby at the flag level until she records the basis
    visitor = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    refused = visitor.get(url)
    assert refused.status_code == 403 and "#basis" in refused.content.decode()
    assert visitor.post(url, {"status": "contacted", **_when("11", "7", "2025")}).status_code == 403
    stranger = signed_in_client(make_user(Role.SOCIAL_WORKER, "SW2"))
    assert stranger.get(url).status_code == 403
    assert not ServiceUptake.objects.exists()
    assert AuditEvent.objects.filter(outcome="denied", object_type="referral").count() >= 2


def test_the_adults_page_and_a_recorded_contact_link_to_referring_him(baby: Person) -> None:
    _services()
    client = signed_in_client(_worker(baby))
    page = client.get(f"/people/{_father().reference}/").content.decode()
    assert f'id="refer-{baby.reference}"' in page and "Refer him to a service" in page
    saved = client.post(
        f"/children/{baby.reference}/contacts/new/",
        {
            **_when("10", "7", "2025"),
            "kind": "home_visit",
            "mother_seen": "yes",
            "father": _father().reference,
            "father_seen": "no",
            "father_not_seen_reason": "at work",
        },
    )
    assert saved.status_code == 303
    done = client.get(saved["Location"]).content.decode()
    assert 'id="refer"' in done and f"/people/{_father().reference}/refer/?child=" in done
    # the health visitor at the flag level may not refer him (he is not her agency's): no link
    visitor = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    page = visitor.get(f"/people/{_father().reference}/").content.decode()
    assert "Refer him to a service" not in page


def test_your_referrals_is_for_those_who_refer(baby: Person) -> None:
    assert signed_in_client(make_user(Role.REVIEWER)).get("/referrals/").status_code == 403
    visitor = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    response = visitor.get("/referrals/")
    assert response.status_code == 200 and "You have no referral you may open" in (
        response.content.decode()
    )


def test_when_no_service_fits_him_the_page_says_so(baby: Person) -> None:
    service("Mums together", audiences=["mothers"])
    client = signed_in_client(_worker(baby))
    response = client.get(_refer_url(baby))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="no-services"' in text and 'name="service"' not in text
    event = AuditEvent.objects.get(action="read", object_type="referral_form")
    assert event.subject == baby.reference


def _visitors_record_of_the_father(extract: Any) -> SourceRecord:
    """Health visiting's own record of the father (HF1, the birth father of its HB1), linked
    to his person: a man a health visitor at the flag level may refer."""
    tables = partnership_tables()
    tables["people"] += [
        {
            "agency": "QAV-HV",
            "id": "HF1",
            "forename": "Dan",
            "surname": "Hollis",
            "dob": "1990-02-03",
            "sex": "male",
        }
    ]
    tables["relationships"] += [
        {
            "agency": "QAV-HV",
            "id": "HR1",
            "person": "HF1",
            "child": "HB1",
            "kind": "birth_father",
            "asserted_on": "2025-06-10",
        }
    ]
    ingest_extract(extract(**tables))
    man = SourceRecord.objects.get(local_id="HF1")
    decisions.confirm(man, SourceRecord.objects.get(local_id="F1"), user=None, reason="same")
    return man


def test_a_referrer_below_the_household_is_sent_to_the_lawful_basis(
    baby: Person, extract: Any
) -> None:
    """The referral's page shows the household: a health visitor who refers a man her own
    agency records, seeing the baby at the flag level, is sent on to the lawful-basis step,
    not to a refusal."""
    evening, _ = _services()
    man = _visitors_record_of_the_father(extract)
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    url = f"/people/{_father().reference}/refer/?child={baby.reference}"
    assert client.get(url).status_code == 200
    saved = client.post(url, {"service": str(evening.pk), "reason": "He asked.", "consent": "yes"})
    assert saved.status_code == 303
    assert saved["Location"] == f"/children/{baby.reference}/?purpose=direct_care#basis"
    assert client.get(saved["Location"].split("#")[0]).status_code == 200
    assert ServiceReferral.objects.get().subject == man


def test_when_he_can_come_narrows_the_services(baby: Person) -> None:
    _services()
    client = signed_in_client(_worker(baby))
    every = client.get(_refer_url(baby)).content.decode()
    assert "Dads in Quillbrook" in every and "Crying support" in every
    evenings = client.get(_refer_url(baby, hours="evenings"))
    text = evenings.content.decode()
    assert evenings.status_code == 200
    assert "Dads in Quillbrook" in text and "Crying support" not in text
    assert "<strong>Evenings</strong>" in text  # the answer given, shown as chosen
    weekends = client.get(_refer_url(baby, hours="weekends")).content.decode()
    assert "Dads in Quillbrook" not in weekends and 'id="no-services"' in weekends
    for bad in ("nights", "x" * 300, "evenings%00"):
        response = client.get(_refer_url(baby, hours=bad))
        assert response.status_code == 400, bad


def test_a_referrer_who_may_never_see_the_household_is_told_the_referral_is_made(
    baby: Person, extract: Any
) -> None:
    """A health visitor who only answers for an alert about the baby sees it at the flag level,
    with no lawful basis that would open the household: once she refers a man her agency
    records, she is told the referral is made (Your referrals, counting it), not sent to a
    lawful-basis step her child's page does not offer."""
    evening, _ = _services()
    man = _visitors_record_of_the_father(extract)
    alert = make_alert(baby, owner="HV2", agency="QAV-HV", role=Role.HEALTH_VISITOR)
    alert.rule_id = "coping-with-crying"
    alert.people = [[_father().pk, "father or male carer"], [baby.pk, "child"]]
    alert.save()
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV2"))
    assert 'id="basis"' not in client.get(f"/children/{baby.reference}/").content.decode()
    url = _refer_url(baby, procedure="coping-with-crying", alert=str(alert.pk))
    assert client.get(url).status_code == 200
    saved = client.post(url, {"service": str(evening.pk), "reason": "He asked.", "consent": "yes"})
    assert saved.status_code == 303
    assert saved["Location"] == "/referrals/?done=referral"
    listed = client.get(saved["Location"])
    text = listed.content.decode()
    assert listed.status_code == 200
    assert "The referral is made" in text
    assert 'id="hidden"' in text and "1 other referral you made is about a child" in text
    assert ServiceReferral.objects.get().subject == man


def test_the_referral_pages_long_local_id_breaks_to_fit_a_narrow_screen(baby: Person) -> None:
    """Seen's local id (`seen-` and 32 hex digits) is one word wider than a 320-pixel screen:
    the caption naming it breaks it."""
    evening, _ = _services()
    client = signed_in_client(_worker(baby))
    saved = client.post(
        _refer_url(baby), {"service": str(evening.pk), "reason": "He asked.", "consent": "yes"}
    )
    local_id = ServiceReferral.objects.get().local_id
    page = client.get(saved["Location"]).content.decode()
    [caption] = re.findall(r'<span class="([^"]+)" id="local-id">Referral ([^<]+)</span>', page)
    assert "govuk-!-text-break-word" in caption[0].split() and caption[1] == local_id
