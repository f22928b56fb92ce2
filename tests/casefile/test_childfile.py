"""The child's case file (seen.casefile.childfile) and the adult's (seen.casefile.personfile):
the people around the baby with whether and when they were seen, plans and programmes, alerts
with their lifecycle, the timeline across agencies and areas; the flag level shows flags only;
shielded addresses never leave without clearance; a bounded number of queries."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from seen.access.models import Notification, Role, Shield
from seen.access.policy import ChildRef, Decision, Level, decide_person
from seen.areas.models import Practitioner
from seen.audit.models import AuditEvent
from seen.casefile.childfile import case_file, flags_of
from seen.casefile.personfile import person_file, resolve_person
from seen.casefile.subjects import resolve_child
from seen.facts.models import Plan, ProgrammeEvent
from seen.people.models import Person, Pregnancy, SourceRecord
from tests.fixtures.casefile import alert_about, shield_address
from tests.fixtures.partnership import NOW, make_user, signed_in_client

pytestmark = pytest.mark.django_db
HOUSEHOLD = Decision(True, Level.HOUSEHOLD, "caseload")
FLAG = Decision(True, Level.FLAG, "caseload")


def test_the_household_shows_who_is_around_the_baby_and_when_they_were_seen(
    baby: Person,
) -> None:
    alert_about(baby)
    file = case_file(resolve_child(baby.reference), HOUSEHOLD, None)
    assert file.household and "Leo Hollis" in file.names and str(file.dob) == "2025-06-01"
    mother, father = file.people
    assert mother.kinds == ["mother"] and mother.names == ["Jade Hollis"]
    assert mother.seen.status == "seen" and str(mother.seen.on) == "2025-06-02"
    assert "QA1 2BC" in mother.addresses and mother.reference
    assert father.kinds == ["father"] and father.seen.status == "not seen"
    assert set(father.names) == {"Robert Tanner", "Bob Taner"}  # two agencies, one man
    assert set(father.areas) == {"Quarry Vale", "Quillbrook"}  # across areas
    # the plan, the alert with its life, and the timeline with each fact's source
    [plan] = file.plans
    assert plan.kind == "child protection plan" and "Sol Worker" in plan.lead
    [alert] = file.alerts
    assert alert.open and "not seen" in alert.explanation and alert.steps[0].kind == "raised"
    conviction = next(e for e in file.timeline if e.type == "conviction")
    assert conviction.agency == "Partnership Police" and "domestic abuse" in conviction.detail
    assert "father" in conviction.about
    assert file.timeline == sorted(file.timeline, key=lambda e: (e.on, e.type), reverse=True)
    assert file.disclosed()["alerts"] == [alert.id]


def test_someone_no_contact_records_is_not_known(baby: Person) -> None:
    from seen.people.models import Relationship

    uncle = SourceRecord.objects.create(
        agency=SourceRecord.objects.get(local_id="M1").agency,
        local_id="U9",
        forename="Dan",
        surname="Hollis",
        sex="male",
    )
    Relationship.objects.create(
        agency=uncle.agency,
        local_id="R9",
        person=uncle,
        child=SourceRecord.objects.get(local_id="B1"),
        kind="household_adult",
        asserted_on=NOW.date(),
    )
    file = case_file(resolve_child(baby.reference), HOUSEHOLD, None)
    dan = next(p for p in file.people if "Dan Hollis" in p.names)
    assert dan.seen.status == "not known" and dan.reference is None  # not linked yet


def test_the_flag_level_shows_only_flags_and_whom_to_call(baby: Person) -> None:
    file = case_file(resolve_child(baby.reference), FLAG, None)
    assert file.flags.kinds == ["child protection plan"]
    assert [c.name for c in file.flags.call] == ["Sol Worker"]
    assert not file.people and not file.timeline and not file.plans and not file.names
    assert file.disclosed()["level"] == "flag"


def test_a_refused_decision_gives_nothing(baby: Person) -> None:
    with pytest.raises(PermissionError):
        case_file(resolve_child(baby.reference), Decision(False, Level.NONE, "no"), None)


def test_programmes_show_engagement_under_their_plan(baby: Person) -> None:
    plan = Plan.objects.get(local_id="PL1")
    father = SourceRecord.objects.get(local_id="F1")
    for n, status in enumerate(["referred", "attended", "missed", "missed"]):
        ProgrammeEvent.objects.create(
            agency=plan.agency,
            local_id=f"PE{n}",
            occurred_on=NOW.date() - timedelta(days=10 - n),
            subject=father,
            plan=plan,
            programme_ref="DAPP-1",
            programme="domestic_abuse_perpetrator",
            status=status,
        )
    [plan_view] = case_file(resolve_child(baby.reference), HOUSEHOLD, None).plans
    [programme] = plan_view.programmes
    assert programme.engagement == "under way: 1 attended, 2 missed"
    assert "Robert Tanner" in programme.person and "father" in programme.person


def test_a_shielded_address_never_leaves_without_clearance(baby: Person) -> None:
    shield_address("M1")
    subject = resolve_child(baby.reference)
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    hidden = case_file(subject, HOUSEHOLD, worker)
    assert "QA1 2BC" not in repr(hidden) and "QA1" not in repr(hidden)
    mother = hidden.people[0]
    assert mother.addresses == ["[shielded]"] and mother.names == ["Jade Hollis"]
    assert "Quarry Vale" in mother.areas  # the agency's area, not the address's
    worker.staff_profile.shielding_clearance = True
    worker.staff_profile.save()
    cleared = get_user_model().objects.select_related("staff_profile").get(pk=worker.pk)
    assert "QA1 2BC" in case_file(subject, HOUSEHOLD, cleared).people[0].addresses


def test_a_shielded_record_hides_its_names_and_facts(baby: Person) -> None:
    Shield.objects.create(
        record=SourceRecord.objects.get(local_id="P77"),
        scope=Shield.Scope.RECORD,
        reason=Shield.Reason.OTHER,
        created_at=NOW,
    )
    file = case_file(resolve_child(baby.reference), HOUSEHOLD, make_user(Role.SOCIAL_WORKER, "SW1"))
    text = repr(file)
    assert "Bob Taner" not in text and "QB1" not in text and "1995-11-02" not in text
    conviction = next(e for e in file.timeline if e.type == "conviction")
    assert "[shielded]" in conviction.detail and "domestic" not in conviction.detail


def _queries(subject: Any) -> int:
    with CaptureQueriesContext(connection) as done:
        case_file(subject, HOUSEHOLD, None)
    return len(done.captured_queries)


def test_the_case_file_costs_a_bounded_number_of_queries(
    baby: Person,
    django_assert_max_num_queries: Any,
) -> None:
    from seen.people.models import Relationship

    alert_about(baby)
    subject = resolve_child(baby.reference)
    # 31 today: the family as the rules' world reads it (its facts in one query), then the
    # records' names, residences, shields, practitioners, alerts and flags
    with django_assert_max_num_queries(35):
        case_file(subject, HOUSEHOLD, None)
    before = _queries(subject)
    # a bigger family, more facts, more alerts: the same number of queries
    mother = SourceRecord.objects.get(local_id="M1")
    for n in range(5):
        adult = SourceRecord.objects.create(
            agency=mother.agency, local_id=f"X{n}", forename=f"Adult{n}", surname="Hollis"
        )
        Relationship.objects.create(
            agency=mother.agency, local_id=f"RX{n}", person=adult,
            child=SourceRecord.objects.get(local_id="B1"), kind="household_adult",
            asserted_on=NOW.date(),
        )
        Shield.objects.create(record=adult, scope="address", reason="other", created_at=NOW)
    alert_about(baby, anchor="C2")  # a second alert
    file = case_file(subject, HOUSEHOLD, None)
    assert len(file.people) == 7
    assert _queries(subject) == before


def test_an_unborn_child_has_a_case_file(unborn: Pregnancy) -> None:
    subject = resolve_child(f"U{unborn.pk}")
    assert subject.unborn
    assert flags_of(subject).kinds == ["pre-birth plan"]
    file = case_file(subject, HOUSEHOLD, None)
    assert file.unborn and str(file.expected) == "2025-09-20"
    kinds = {p.kinds[0]: p for p in file.people}
    assert kinds["father"].seen.status == "seen" and kinds["mother"].seen.status == "seen"
    assert [p.kind for p in file.plans] == ["pre-birth plan"]


# ---- the adult's file ----------------------------------------------------------------------


def test_an_adult_is_seen_through_each_child_at_its_own_decision(baby: Person) -> None:
    from seen.access import services

    father = SourceRecord.objects.get(local_id="F1").person
    assert father is not None
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    services.record_basis(worker, baby, "direct_care", "consent")
    decision = decide_person(worker, "direct_care", father.pk)
    assert decision.allowed and decision.level == Level.HOUSEHOLD
    file = person_file(resolve_person(father.reference), decision, worker, with_pairs=True)
    [child] = file.children
    assert child.reference == baby.reference and child.relation == ["father"]
    assert child.flags == ["child protection plan"] and "Leo Hollis" in child.names
    assert {r.agency for r in file.records} == {"Quarry Vale Maternity", "Partnership Police"}
    links = {r.local_id: r.link for r in file.records}
    assert links["F1"] is not None and links["P77"] is not None
    assert "practitioner" in links["P77"].method or "practitioner" in links["F1"].method
    assert any(e.type == "conviction" for e in file.history)
    assert "Quillbrook" in file.areas

    visitor = make_user(Role.HEALTH_VISITOR, "HV1")  # the flag level: flags, never history
    flag = person_file(father, decide_person(visitor, "direct_care", father.pk), visitor)
    assert not flag.household and not flag.records and not flag.history
    assert flag.children[0].flags == ["child protection plan"] and not flag.children[0].names


def test_a_child_the_viewer_may_not_see_shows_only_its_area_and_whom_to_call(
    baby: Person,
) -> None:
    from seen.access import services

    # the father has a second child, in Quillbrook, that the social worker does not work with
    father = SourceRecord.objects.get(local_id="F1").person
    assert father is not None
    police = SourceRecord.objects.get(local_id="P77")
    other = SourceRecord.objects.create(
        agency=police.agency, local_id="K2", forename="Mia", surname="Taner", dob="2024-02-02"
    )
    from seen.people.models import Relationship

    Relationship.objects.create(
        agency=police.agency, local_id="R7", person=police, child=other,
        kind="birth_father", asserted_on=NOW.date(),
    )
    other.person = Person.objects.create(reference="P99000001")
    other.save()
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    services.record_basis(worker, baby, "direct_care", "consent")
    decision = decide_person(worker, "direct_care", father.pk)
    assert not decision.children[ChildRef(person=other.person.pk)].allowed
    file = person_file(father, decision, worker)
    hidden = next(c for c in file.children if not c.allowed)
    assert hidden.reference is None and not hidden.flags and not hidden.names
    assert "Mia" not in repr(hidden) and "P99000001" not in repr(file.disclosed())
    assert [c.agency for c in hidden.call] == ["Partnership Police"]  # no CSC in its area


def test_the_api_and_the_page_share_the_service(baby: Person) -> None:
    from seen.access import services

    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    client = signed_in_client(worker, purpose="direct_care")
    flag = client.get(f"/api/children/{baby.reference}")
    assert flag.status_code == 200, flag.content
    body = flag.json()
    assert body["level"] == "flag" and body["needs_basis"] and body["people"] == []
    assert "Hollis" not in flag.content.decode()
    services.record_basis(worker, baby, "direct_care", "consent")
    full = client.get(f"/api/children/{baby.reference}").json()
    assert full["level"] == "household" and full["people"][0]["kinds"] == ["mother"]
    assert any(e["type"] == "conviction" for e in full["timeline"])


def test_the_api_refuses_and_explains(baby: Person) -> None:
    anonymous = Client(headers={"Seen-Purpose": "direct_care"})
    assert anonymous.get(f"/api/children/{baby.reference}").status_code == 401
    client = signed_in_client(make_user(Role.SOCIAL_WORKER, "SW2"), purpose="direct_care")
    refused = client.get(f"/api/children/{baby.reference}")
    assert refused.status_code == 403 and "break glass" in refused.json()["detail"]
    # a reference Seen holds no child under: refused as the real child is, audited alike (a
    # 404 "no child P99999999" before issue 13 told which children exist)
    missing = client.get("/api/children/P99999999")
    assert missing.status_code == 403 and missing.json() == refused.json()
    denied = AuditEvent.objects.filter(action="denied").order_by("seq")
    assert [(e.object_type, e.reason) for e in denied] == [("child", refused.json()["detail"])] * 2
    assert [e.object_id for e in denied] == [baby.reference, "P99999999"]
    bad = client.get("/api/children/X1")
    assert bad.status_code == 404 and "not a child reference" in bad.json()["detail"]
    # an ED clinician with a child presenting may see any child: told there is none
    doctor = signed_in_client(make_user(Role.ED_CLINICIAN, "ED1"), purpose="unscheduled_care")
    assert doctor.get("/api/children/P99999999").status_code == 404


def test_an_ed_look_at_the_case_file_tells_the_lead(baby: Person) -> None:
    """Issue 13, finding 5: only the look-up and the flags API told the lead practitioner of an
    ED look; `GET /api/children/{reference}` did not. The flags service tells them, for every
    face that shows the flags."""
    doctor = signed_in_client(make_user(Role.ED_CLINICIAN, "ED1"), purpose="unscheduled_care")
    response = doctor.get(f"/api/children/{baby.reference}")
    assert response.status_code == 200 and response.json()["flags"] == ["child protection plan"]
    [note] = Notification.objects.all()
    assert note.to.local_id == "SW1" and note.child == baby
    assert "Quarry Vale Hospital ED" in note.text and "child protection plan" in note.text
    # a practitioner's own look tells no one
    worker = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"), purpose="direct_care")
    assert worker.get(f"/api/children/{baby.reference}").status_code == 200
    assert Notification.objects.count() == 1


def test_facts_read_back_with_their_types(baby: Person) -> None:
    """The facts come in one query as JSON: dates, times and lists read back as such."""
    from seen.facts.models import Assessment, Conference, EDAttendance

    record = SourceRecord.objects.get(local_id="CB1")
    worker = Practitioner.objects.get(local_id="SW1")
    Conference.objects.create(
        agency=record.agency, local_id="CF1", occurred_on=NOW.date(), child=record,
        kind="initial", invited=["father", "gp"], attended=["gp"],
    )
    Assessment.objects.create(
        agency=record.agency, local_id="AS1", occurred_on=NOW.date() - timedelta(days=30),
        child=record, kind="child_and_family", completed_on=NOW.date() - timedelta(days=2),
        father_involved="no", mother_checks_done="yes", father_checks_done="no",
        practitioner=worker,
    )
    EDAttendance.objects.create(
        agency=record.agency, local_id="ED9", occurred_on=NOW.date(), subject=record,
        arrived_at=NOW, injury="yes", presenting_complaint="fall from a sofa",
    )
    file = case_file(resolve_child(baby.reference), HOUSEHOLD, None)
    by_type = {e.type: e for e in file.timeline}
    assert by_type["conference"].detail == "initial conference; invited: father, gp; attended: gp"
    assert "completed 9 July 2025" in by_type["assessment"].detail
    assert "Sol Worker" in by_type["assessment"].detail
    assert by_type["edattendance"].about == "the child" and "fall from a sofa" in by_type[
        "edattendance"
    ].detail
    assert all(isinstance(e.on, date) for e in file.timeline)
