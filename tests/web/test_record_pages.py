"""Recording facts on pages: the health visitor with the child on her caseload records a contact;
the father not seen without a reason is a 400 with the error summary; with a reason it is saved
(303) and the confirmation shows the procedure's prompt. Without a relationship 403, signed out
to sign-in; every form, write and refusal audited."""

from __future__ import annotations

import pytest
from django.test import Client

from seen.access.models import Role
from seen.audit.models import AuditEvent
from seen.facts.models import Appointment, Contact, Injury
from seen.people.models import Person
from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db


def _when(day: str, month: str, year: str, name: str = "occurred_on") -> dict[str, str]:
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


def _contact(**changes: str) -> dict[str, str]:
    form = {
        **_when("10", "7", "2025"),
        "kind": "new_birth",
        "mother_seen": "yes",
        "father": "not_known",
        "father_seen": "no",
        "father_not_seen_reason": "",
    }
    form.update(changes)
    return form


def test_the_health_visitor_sees_the_contact_form(baby: Person) -> None:
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    response = client.get(f"/children/{baby.reference}/contacts/new/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Record a contact" in text and 'method="post"' in text and "<script" not in text
    assert 'name="father_seen"' in text and 'name="occurred_on-day"' in text
    assert "csrfmiddlewaretoken" in text
    assert 'value="antenatal"' not in text  # a born child: no antenatal contact offered
    event = AuditEvent.objects.get(action="read")
    assert event.object_type == "contact_form" and event.subject == baby.reference


def test_father_not_seen_without_a_reason_is_refused_then_saved_with_one(
    baby: Person,
) -> None:
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    url = f"/children/{baby.reference}/contacts/new/"
    refused = client.post(url, _contact())
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "There is a problem" in text and 'href="#father_not_seen_reason"' in text
    assert "Say why the father or male carer was not seen" in text
    assert 'value="10"' in text  # what was typed is kept
    assert not Contact.objects.filter(local_id__startswith="seen-").exists()

    saved = client.post(url, _contact(father_not_seen_reason="at work; offered an evening visit"))
    assert saved.status_code == 303
    contact = Contact.objects.get(local_id__startswith="seen-")
    assert saved["Location"] == (f"/children/{baby.reference}/recorded/contact/{contact.pk}/")
    assert contact.father_not_seen_reason == "at work; offered an evening visit"
    write = AuditEvent.objects.without_access_changes().get(action="write")
    assert write.object_type == "contact" and write.object_id == str(contact.pk)
    assert write.subject == baby.reference

    page = client.get(saved["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="prompt-father-seen-at-mandated-contact"' in text
    assert "should see the father" in text and "out of hours" in text
    assert "at work; offered an evening visit" in text and "New birth visit" in text


def test_a_date_that_is_not_a_date_is_a_400_naming_it(baby: Person) -> None:
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    url = f"/children/{baby.reference}/contacts/new/"
    response = client.post(url, _contact(**_when("31", "2", "2025"), father_seen="yes"))
    assert response.status_code == 400
    assert "must be a real date" in response.content.decode()
    response = client.post(url, _contact(**_when("", "7", "2025"), father_seen="yes"))
    assert "must include a day" in response.content.decode()
    response = client.post(url, _contact(**_when("1", "1", "2030"), father_seen="yes"))
    assert "today or in the past" in response.content.decode()


def test_without_a_relationship_the_pages_refuse(baby: Person) -> None:
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV2"))
    for path in ("contacts", "assessments", "was-not-brought", "injuries"):
        response = client.get(f"/children/{baby.reference}/{path}/new/")
        assert response.status_code == 403, path
        assert "no legitimate relationship" in response.content.decode()
    response = client.post(
        f"/children/{baby.reference}/contacts/new/", _contact(father_not_seen_reason="at work")
    )
    assert response.status_code == 403
    assert not Contact.objects.filter(local_id__startswith="seen-").exists()
    assert AuditEvent.objects.filter(outcome="denied", subject=baby.reference).count() == 5


def test_a_role_that_sees_no_case_data_is_refused(baby: Person) -> None:
    client = signed_in_client(make_user(Role.SYSTEM_ADMINISTRATOR))
    assert client.get(f"/children/{baby.reference}/contacts/new/").status_code == 403


def test_signed_out_goes_to_sign_in(baby: Person) -> None:
    response = Client().get(f"/children/{baby.reference}/injuries/new/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
    response = Client().post(f"/children/{baby.reference}/contacts/new/", _contact())
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_an_unknown_child_is_refused_as_one_without_a_relationship(
    baby: Person,
) -> None:
    """A reference Seen holds no child under is refused as a child without a relationship is
    (it was a 404, which told whether a child exists: issue 13); what is not a reference is
    still a 404."""
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    unknown = client.get("/children/P999999/contacts/new/")
    assert unknown.status_code == 403 and "no legitimate relationship" in unknown.content.decode()
    assert client.get("/children/nonsense/contacts/new/").status_code == 404


def test_a_bruise_on_a_non_mobile_baby_shows_the_same_day_referral_prompt(
    baby: Person,
) -> None:
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    url = f"/children/{baby.reference}/injuries/new/"
    form = {
        **_when("10", "7", "2025"),
        "kind": "bruise",
        "body_site": "left cheek",
        "mobility": "non_mobile",
        "explanation": "none given",
    }
    assert client.get(url).status_code == 200
    bad = client.post(url, {**form, "mobility": ""})
    assert bad.status_code == 400 and "Select the child" in bad.content.decode()
    assert 'href="#mobility"' in bad.content.decode()
    saved = client.post(url, form)
    assert saved.status_code == 303
    text = client.get(saved["Location"]).content.decode()
    assert 'id="prompt-non-mobile-injury"' in text and "same-day referral" in text
    assert "Alert raised: A bruise was recorded on a baby who was non-mobile" in text
    assert Injury.objects.get(local_id__startswith="seen-").body_site == "left cheek"


def test_the_social_worker_records_a_pre_birth_assessment_without_the_fathers_checks(
    baby: Person,
) -> None:
    client = signed_in_client(make_user(Role.SOCIAL_WORKER, "SW1"))
    url = f"/children/{baby.reference}/assessments/new/"
    page = client.get(url).content.decode()
    assert "Robert Tanner (birth father)" not in page  # the household needs a lawful basis first
    form = {
        **_when("20", "5", "2025"),
        "father": "not_known",
        "father_involved": "no",
        "father_not_involved_reason": "",
        "mother_checks_done": "yes",
        "father_checks_done": "no",
    }
    bad = client.post(url, form)
    assert bad.status_code == 400 and "Say why the father" in bad.content.decode()
    saved = client.post(url, {**form, "father_not_involved_reason": "whereabouts unknown"})
    assert saved.status_code == 303
    text = client.get(saved["Location"]).content.decode()
    assert "made no background checks on the father" in text
    assert "background checks on both parents" in text


def test_was_not_brought_is_saved_and_prompts_the_follow_up(baby: Person) -> None:
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    url = f"/children/{baby.reference}/was-not-brought/new/"
    saved = client.post(url, {**_when("1", "7", "2025"), "service": "immunisation"})
    assert saved.status_code == 303
    appointment = Appointment.objects.get(local_id__startswith="seen-")
    assert appointment.outcome == "was_not_brought" and appointment.followed_up_on is None
    text = client.get(saved["Location"]).content.decode()
    assert 'id="prompt-was-not-brought"' in text and "within 7 days" in text


def test_the_confirmation_is_only_for_the_agency_that_recorded_it(
    baby: Person,
) -> None:
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    saved = client.post(f"/children/{baby.reference}/contacts/new/", _contact(father_seen="yes"))
    assert client.get(saved["Location"]).status_code == 200
    worker = signed_in_client(make_user(Role.SOCIAL_WORKER, "SW1"))
    assert worker.get(saved["Location"]).status_code == 404  # not her agency's record
    extract_contact = Contact.objects.exclude(local_id__startswith="seen-").get()
    url = f"/children/{baby.reference}/recorded/contact/{extract_contact.pk}/"
    assert client.get(url).status_code == 404  # an agency's own, not written in Seen
    url = f"/children/{baby.reference}/recorded/party/1/"
    assert client.get(url).status_code == 404


def test_an_unborn_child_gets_antenatal_contacts_and_no_injury_form(
    baby: Person,
) -> None:
    from datetime import date

    from seen.areas.models import Practitioner
    from seen.people.models import Pregnancy, Responsibility, SourceRecord

    mother = SourceRecord.objects.get(local_id="M1")
    pregnancy = Pregnancy.objects.create(
        agency=mother.agency, local_id="PR2", mother=mother, expected_date=date(2026, 3, 1)
    )
    Responsibility.objects.create(
        agency=mother.agency,
        local_id="RS9",
        pregnancy=pregnancy,
        practitioner=Practitioner.objects.get(local_id="HV1"),
        role="health_visitor",
        start=date(2025, 7, 1),
    )
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    unborn = f"U{pregnancy.pk}"
    text = client.get(f"/children/{unborn}/contacts/new/").content.decode()
    assert 'value="antenatal"' in text and 'value="new_birth"' not in text
    text = client.get(f"/children/{unborn}/injuries/new/").content.decode()
    assert 'id="unborn"' in text and 'name="kind"' not in text
    response = client.post(f"/children/{unborn}/injuries/new/", {"kind": "bruise"})
    assert response.status_code == 400 and "is not born yet" in response.content.decode()
    saved = client.post(
        f"/children/{unborn}/contacts/new/",
        _contact(kind="antenatal", father_seen="not_known", father_not_seen_reason="not named"),
    )
    assert saved.status_code == 303
    contact = Contact.objects.get(local_id__startswith="seen-")
    assert contact.pregnancy_id == pregnancy.pk and contact.child_id is None
    assert client.get(saved["Location"]).status_code == 200


def test_a_follow_up_date_that_is_not_a_date_saves_nothing(baby: Person) -> None:
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    response = client.post(
        f"/children/{baby.reference}/was-not-brought/new/",
        {**_when("1", "7", "2025"), **_when("32", "7", "2025", "followed_up_on"), "service": "gp"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "The date of the follow-up must be a real date" in text
    assert 'href="#followed_up_on-day"' in text
    assert not Appointment.objects.filter(local_id__startswith="seen-").exists()


def test_a_date_the_form_cannot_read_comes_back_with_every_other_fields_reason(
    baby: Person,
) -> None:
    """The form's reason for the date and the service's for the reason not given, at once."""
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    response = client.post(
        f"/children/{baby.reference}/contacts/new/", _contact(**_when("31", "2", "2025"))
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "The date of the contact must be a real date" in text
    assert "Say why the father or male carer was not seen" in text
    assert 'href="#occurred_on-day"' in text and 'href="#father_not_seen_reason"' in text
    assert not Contact.objects.filter(local_id__startswith="seen-").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "teleport"}, "Select the kind of contact"),
        ({"kind": "antenatal"}, "Select the kind of contact"),  # not offered for a born child
        ({"mother_seen": "perhaps"}, "Select whether the mother was seen"),
        ({"father": "P999999"}, "Select who the father or male carer is"),
        ({"father_not_seen_reason": "x" * 2001}, "must be 2,000 characters or fewer"),
        ({"occurred_on-month": ""}, "The date of the contact must include a month"),
        ({"occurred_on-year": "9" * 300}, "The date of the contact must be a real date"),
    ],
)
def test_hostile_contact_input_is_a_400_naming_the_field(
    baby: Person, changes: dict[str, str], message: str
) -> None:
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    response = client.post(f"/children/{baby.reference}/contacts/new/", _contact(**changes))
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#39;", "'")
    assert not Contact.objects.filter(local_id__startswith="seen-").exists()


def test_hostile_injury_input_is_a_400_and_saves_nothing(baby: Person) -> None:
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"), raise_request_exception=False)
    url = f"/children/{baby.reference}/injuries/new/"
    form = {
        **_when("10", "7", "2025"),
        "kind": "bruise",
        "body_site": "left cheek",
        "mobility": "non_mobile",
        "explanation": "none given",
    }
    too_long = client.post(url, {**form, "body_site": "x" * 300})
    assert too_long.status_code == 400
    assert "Where on the body must be 100 characters or fewer" in too_long.content.decode()
    assert 'value="' + "x" * 300 + '"' in too_long.content.decode()  # what was typed is kept
    unknown = client.post(url, {**form, "kind": "<script>", "mobility": "flying"})
    text = unknown.content.decode()
    assert unknown.status_code == 400 and "<script>" not in text
    assert "Select the kind of injury" in text and 'href="#mobility"' in text
    blank = client.post(url, {**form, "body_site": "   ", "explanation": ""})
    text = blank.content.decode()
    assert blank.status_code == 400 and "Enter where on the body the injury is" in text
    assert "Enter the explanation given" in text
    nul = client.post(url, {**form, "explanation": "none\x00given"})
    assert nul.status_code == 400 and "NUL" in nul.content.decode()
    assert not Injury.objects.filter(local_id__startswith="seen-").exists()


def test_the_father_offered_is_chosen_and_kept_when_the_form_comes_back(baby: Person) -> None:
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    url = f"/children/{baby.reference}/contacts/new/"
    text = client.get(url).content.decode()
    assert 'value="not_known"' in text and 'name="father"' in text
    response = client.post(url, _contact(mother_seen="", father_seen="not_known"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Select whether the mother was seen" in text
    assert 'value="not_known" checked' in text  # the answers given stay chosen
