"""The person page: an adult seen through the children around them, each child at the viewer's
own decision; history and source records with the evidence of each link at the household
level only; identity decisions (confirm, reject, split, with a reason) for MASH and safeguarding
leads only, audited; bad posts a 400 with the error summary; shielded values hidden."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from seen.access import services
from seen.access.models import Role
from seen.audit.models import AuditEvent
from seen.linkage.models import ClericalDecision
from seen.people.models import Person, SourceRecord
from seen.rules.models import Alert
from tests.fixtures.casefile import shield_address
from tests.fixtures.partnership import NOW, make_user, signed_in_client

pytestmark = pytest.mark.django_db


def _father() -> Person:
    father = SourceRecord.objects.get(local_id="F1").person
    assert father is not None
    return father


def _mash_with_triage(baby: Person) -> Any:
    """A MASH practitioner with a contact about the baby under triage, the basis recorded."""
    mash = make_user(Role.MASH_PRACTITIONER, "MA1")
    Alert.objects.create(
        rule_id="marac-baby",
        rule_version=1,
        key=f"{baby.pk}:M1",
        child_key=f"child:{baby.pk}",
        child=baby,
        explanation="A MARAC case about the mother; the baby is under one.",
        severity="high",
        raised_at=NOW,
        deadline=NOW + timedelta(days=1),
        owner_agency=mash.staff_profile.agency,
        owner_role=Role.MASH_PRACTITIONER,
        routed_because="MASH triage",
    )
    services.record_basis(mash, baby, "mash_triage", "consent")
    return mash


def test_the_social_worker_sees_the_father_across_areas(baby: Person) -> None:
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    services.record_basis(worker, baby, "direct_care", "consent")
    father = _father()
    response = signed_in_client(worker).get(f"/people/{father.reference}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert f'href="/children/{baby.reference}/"' in text and "this person is the father" in text
    assert "Robert Tanner" in text and "Bob Taner" in text  # as each agency recorded him
    assert "Partnership Police" in text and "Quillbrook" in text
    assert "Conviction</strong>: domestic abuse" in text
    assert "decided by a practitioner" in text.lower() or "Decided by a practitioner" in text
    assert "Decide a link" not in text  # a social worker does not decide identity
    event = AuditEvent.objects.get(action="read", object_type="person")
    assert event.subject == father.reference and event.disclosed["level"] == "household"


def test_a_health_visitor_sees_flags_only(baby: Person) -> None:
    text = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1")).get(
        f"/people/{_father().reference}/"
    )
    body = text.content.decode()
    assert text.status_code == 200 and "child protection plan" in body and "Sol Worker" in body
    assert "Conviction" not in body and "Tanner" not in body and "Partnership Police" not in body


def test_no_relationship_is_refused(baby: Person) -> None:
    response = signed_in_client(make_user(Role.SOCIAL_WORKER, "SW2")).get(
        f"/people/{_father().reference}/"
    )
    assert response.status_code == 403 and "no legitimate relationship" in response.content.decode()
    assert AuditEvent.objects.get(action="denied").object_type == "person"


def test_signed_out_goes_to_sign_in(baby: Person) -> None:
    for url in ("", "links/"):
        response = Client().get(f"/people/{_father().reference}/{url}")
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_what_is_not_a_reference_is_a_404(baby: Person) -> None:
    response = signed_in_client(make_user(Role.SOCIAL_WORKER, "SW1")).get("/people/Q1/")
    assert response.status_code == 404 and "not a person" in response.content.decode()


def _body(response: Any, reference: str) -> str:
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return text.replace(reference, "REF")


def test_an_unknown_reference_is_refused_as_a_person_seen_through_no_child(
    baby: Person,
) -> None:
    """Issue 13, finding 12: an unknown reference was a 404 ("No person …"), an adult around a
    child the user has no relationship with a 403, and a child's reference a redirect: three
    answers that told who exists. To a user who may not see them, all are now the same 403
    (bar the reference as asked), audited alike."""
    # no relationship with any child
    stranger = signed_in_client(make_user(Role.SOCIAL_WORKER, "SW2"))
    unknown = stranger.get("/people/P99999999/")
    father = stranger.get(f"/people/{_father().reference}/")
    child = stranger.get(f"/people/{baby.reference}/")
    assert unknown.status_code == father.status_code == child.status_code == 403
    assert _body(unknown, "P99999999") == _body(father, _father().reference)
    assert _body(child, baby.reference) == _body(unknown, "P99999999")
    reasons = {e.reason for e in AuditEvent.objects.filter(action="denied")}
    assert len(reasons) == 1 and "no legitimate relationship" in reasons.pop()
    assert stranger.get("/people/P99999999/links/").status_code == 303  # as for a real one
    posted = stranger.post("/people/P99999999/links/", {"decision": "split"})
    assert posted.status_code == 403


def test_the_baby_s_person_page_is_the_child_page(baby: Person) -> None:
    response = signed_in_client(make_user(Role.SOCIAL_WORKER, "SW1")).get(
        f"/people/{baby.reference}/"
    )
    assert response.status_code == 302 and response["Location"] == f"/children/{baby.reference}/"


def test_mash_decides_a_link_with_a_reason(baby: Person) -> None:
    mash = _mash_with_triage(baby)
    client = signed_in_client(mash)
    father = _father()
    url = f"/people/{father.reference}/?purpose=mash_triage"
    text = client.get(url).content.decode()
    assert "Decide a link" in text and "Robert Tanner" in text
    police = SourceRecord.objects.get(local_id="P77").pk
    no_reason = client.post(
        f"/people/{father.reference}/links/",
        {"decision": "split", "record": str(police), "reason": " ", "purpose": "mash_triage"},
    )
    assert no_reason.status_code == 400
    body = no_reason.content.decode()
    assert "There is a problem" in body and 'href="#reason"' in body
    foreign = client.post(
        f"/people/{father.reference}/links/",
        {"decision": "split", "record": "999999", "reason": "x", "purpose": "mash_triage"},
    )
    assert foreign.status_code == 400 and "one of this person" in foreign.content.decode()
    split = {
        "decision": "split",
        "record": str(police),
        "reason": "different dates of birth on the police record",
        "purpose": "mash_triage",
    }
    clash = client.post(f"/people/{father.reference}/links/", split)  # confirmed earlier
    assert clash.status_code == 400 and "contradicts a decision in force" in clash.content.decode()
    assert not ClericalDecision.objects.filter(kind="split").exists()
    # a third record joined to him without a practitioner's decision: split it off
    police_record = SourceRecord.objects.get(pk=police)
    third = SourceRecord.objects.create(
        agency=police_record.agency,
        local_id="P78",
        forename="Robbie",
        surname="Tanner",
        person=father,
    )
    split["record"] = str(third.pk)
    done = client.post(f"/people/{father.reference}/links/", split)
    problems = re.findall(r"error-summary__list.*?</ul>", done.content.decode(), re.S)
    assert done.status_code == 303, problems
    assert "done=split" in done["Location"]
    decision = ClericalDecision.objects.get(kind="split")
    third.refresh_from_db()
    assert third.person_id != father.pk and decision.cannot_link
    assert decision.decided_by_id == mash.pk and "dates of birth" in decision.reason
    write = AuditEvent.objects.get(action="write", object_type="clerical_decision")
    assert write.subject == father.reference and write.object_id == str(decision.pk)


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"decision": "merge"}, "decision", "Select confirm, reject or split"),
        ({"decision": "x" * 300}, "decision", "Select confirm, reject or split"),
        ({"decision": ""}, "decision", "Select confirm, reject or split"),
        ({"record": "1" * 300}, "record", "Select one of this person"),
        ({"record": "-1"}, "record", "Select one of this person"),
        ({"decision": "confirm"}, "other", "Select the record to compare it with"),
        ({"decision": "reject", "other": "x"}, "other", "Select the record to compare it with"),
        ({"reason": "x" * 2001}, "reason", "2,000 characters or fewer"),
    ],
)
def test_a_hostile_link_decision_is_a_400_naming_the_field(
    baby: Person, form: dict[str, str], field: str, message: str
) -> None:
    client = signed_in_client(_mash_with_triage(baby))
    police = SourceRecord.objects.get(local_id="P77").pk
    sent = {"decision": "split", "record": str(police), "reason": "why", "purpose": "mash_triage"}
    response = client.post(f"/people/{_father().reference}/links/", {**sent, **form})
    assert response.status_code == 400
    body = response.content.decode()
    assert f'href="#{field}"' in body and message in body
    assert not ClericalDecision.objects.filter(kind__in=["split", "reject"]).exists()
    assert not AuditEvent.objects.filter(action="write", object_type="clerical_decision")


def test_others_may_not_decide_links(baby: Person) -> None:
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    services.record_basis(worker, baby, "direct_care", "consent")
    police = SourceRecord.objects.get(local_id="P77").pk
    response = signed_in_client(worker).post(
        f"/people/{_father().reference}/links/",
        {"decision": "split", "record": str(police), "reason": "not him"},
    )
    assert response.status_code == 403
    assert not ClericalDecision.objects.filter(kind="split").exists()
    assert AuditEvent.objects.filter(action="denied", object_type="clerical_decision").exists()


def test_a_shielded_address_never_reaches_the_person_page(baby: Person) -> None:
    shield_address("P77")
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    services.record_basis(worker, baby, "direct_care", "consent")
    text = signed_in_client(worker).get(f"/people/{_father().reference}/").content.decode()
    assert "QB1 4XY" not in text and "[shielded]" in text
    assert "Quillbrook" not in text.split('id="records"')[0].split("Known in")[-1].split("</p>")[0]


def test_an_ed_look_at_an_adults_page_tells_the_childs_lead(baby: Person) -> None:
    """Issue 13, finding 5: the person page shows each child around the adult at the viewer's
    level; an ED clinician shown a flagged child there tells its lead practitioner, as on every
    other face."""
    from seen.access.models import Notification

    doctor = signed_in_client(make_user(Role.ED_CLINICIAN, "ED1"))
    response = doctor.get(f"/people/{_father().reference}/", {"purpose": "unscheduled_care"})
    assert response.status_code == 200 and "child protection plan" in response.content.decode()
    [note] = Notification.objects.all()
    assert note.to.local_id == "SW1" and note.child == baby
