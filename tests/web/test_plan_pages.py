"""The plans page and the conference page: the lead social worker (basis recorded) sees the
child's plans, programmes and conferences and records them; the others are refused and audited;
a bad POST is a 400 with an error summary naming the field; a step-down without its checklist
and a conference leaving the father out without a reason are refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from seen.access.models import Role
from seen.areas.models import Practitioner
from seen.audit.models import AuditEvent
from seen.facts.models import Conference, Plan, ProgrammeEvent
from seen.people.models import Person, SourceRecord
from seen.recording.validation import MAX_TEXT
from seen.triage.models import LeftOut
from seen.web.plans_forms import CATEGORY_MAX
from tests.fixtures.forms import date_boxes
from tests.fixtures.partnership import make_user, signed_in_client
from tests.fixtures.triage import BASIS, with_basis

pytestmark = pytest.mark.django_db


def _plans(baby: Person) -> str:
    return f"/children/{baby.reference}/plans/"


def _conference(baby: Person) -> str:
    return f"/children/{baby.reference}/conferences/new/"


def test_signed_out_goes_to_sign_in(baby: Person) -> None:
    for url in (_plans(baby), _conference(baby)):
        response = Client().get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_the_lead_social_worker_sees_the_plans_audited(baby: Person, worker: Any) -> None:
    response = signed_in_client(worker).get(_plans(baby))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Child protection plan" in text and "Sol Worker" in text and "Neglect" in text
    assert "Start a plan" in text and "Step down" in text and "Record a conference" in text
    event = AuditEvent.objects.get(action="read", object_type="plans")
    assert event.subject == baby.reference and event.disclosed["plans"]


@pytest.mark.parametrize(
    ("role", "practitioner"),
    [
        (Role.HEALTH_VISITOR, "HV1"),  # the flag level only: not the plans
        (Role.SOCIAL_WORKER, "SW2"),  # no relationship with the child
        (Role.POLICE_OFFICER, "PO1"),  # holds the father's history: the flag level
    ],
)
def test_others_are_refused_and_audited(baby: Person, role: str, practitioner: str) -> None:
    client = signed_in_client(make_user(role, practitioner))
    for url in (_plans(baby), _conference(baby)):
        assert client.get(url).status_code == 403
    assert client.post(_plans(baby), {"step": "start"}).status_code == 403
    assert AuditEvent.objects.filter(action="denied", subject=baby.reference).count() == 3


def test_the_lead_without_the_basis_is_told_to_record_it(baby: Person) -> None:
    response = signed_in_client(make_user(Role.SOCIAL_WORKER, "SW1")).get(_plans(baby))
    assert response.status_code == 403 and "lawful basis" in response.content.decode()


def test_starting_a_plan_and_recording_attendance(baby: Person, worker: Any) -> None:
    client = signed_in_client(worker)
    started = client.post(
        _plans(baby),
        {
            "step": "start",
            "kind": "early_help",
            **date_boxes("start", "2025-07-01"),
            "information_sharing_plan": "yes",
            **date_boxes("review_date", "2025-10-01"),
        },
    )
    assert started.status_code == 303 and started["Location"] == _plans(baby)
    plan = Plan.objects.get(kind="early_help")
    father = SourceRecord.objects.get(local_id="F1")
    for status, day in [("referred", "01"), ("attended", "03"), ("missed", "08")]:
        response = client.post(
            _plans(baby),
            {
                "step": "programme",
                "plan": str(plan.pk),
                "participant": str(father.pk),
                "programme": "parenting",
                "status": status,
                **date_boxes("on", f"2025-07-{day}"),
            },
        )
        assert response.status_code == 303
    assert ProgrammeEvent.objects.count() == 3
    text = client.get(_plans(baby)).content.decode()
    assert "Early Help plan started." in text or "Programme event recorded" in text
    assert "Parenting" in text and "Father: Robert Tanner" in text
    writes = AuditEvent.objects.filter(action="write", subject=baby.reference)
    assert writes.count() == 4


def test_a_step_down_without_the_checklist_is_a_400_naming_each_item(
    baby: Person, worker: Any
) -> None:
    plan = Plan.objects.get(local_id="PL1")
    response = signed_in_client(worker).post(
        _plans(baby),
        {
            "step": "step_down",
            "plan": str(plan.pk),
            **date_boxes("on", "2025-07-10"),
            **date_boxes("review_date", ""),
            "information_sharing_plan": "no",
        },
    )
    text = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in text
    assert "Name the key worker" in text and "information-sharing plan in place" in text
    assert 'href="#step_down-review_date-day"' in text and "Set a review date" in text
    assert Plan.objects.count() == 1


def test_a_step_down_with_the_checklist(baby: Person, worker: Any) -> None:
    plan = Plan.objects.get(local_id="PL1")
    key_worker = Practitioner.objects.get(local_id="SW2")
    response = signed_in_client(worker).post(
        _plans(baby),
        {
            "step": "step_down",
            "plan": str(plan.pk),
            **date_boxes("on", "2025-07-10"),
            "key_worker": str(key_worker.pk),
            "information_sharing_plan": "yes",
            **date_boxes("review_date", "2025-10-10"),
        },
    )
    assert response.status_code == 303
    new = Plan.objects.get(kind="child_in_need")
    assert new.stepped_down_from == "PL1" and new.key_worker == key_worker


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"step": "start", "kind": "early_help", **date_boxes("start", "01/07/2025")},
            "must include a month",
        ),
        (
            {"step": "start", "kind": "looked_after", **date_boxes("start", "2025-07-01")},
            "kind of plan",
        ),
        (
            {
                "step": "programme",
                "plan": "x",
                "participant": "y",
                **date_boxes("on", "2025-07-01"),
            },
            "Select one of the child",
        ),
        (
            {
                "step": "step_down",
                "plan": "1;drop",
                **date_boxes("on", ""),
                **date_boxes("review_date", ""),
            },
            "Enter the date",
        ),
        (
            {
                "step": "step_down",
                **date_boxes("on", "2025-07-10"),
                **date_boxes("review_date", "10/10/2025"),
            },
            "must include a month",
        ),
        (
            {"step": "programme", "participant": "9" * 30, "key_worker": "9" * 30},
            "Select who attends",
        ),
        (
            {"step": "programme", "programme": "exorcism", "status": "attended"},
            "Select the programme",
        ),
        (
            {"step": "start", "kind": "early_help", "category_of_abuse": "n" * 300},
            f"must be {CATEGORY_MAX:,} characters or fewer",
        ),
        (
            {"step": "start", "kind": "early_help", "key_worker": "1;drop"},
            "Select a key worker from the list",
        ),
        (
            {
                "step": "start",
                "kind": "early_help",
                "start-day": "1",
                "start-month": "7",
                "start-year": "",
            },
            "The start date must include a year",
        ),
        (
            {"step": "start", "kind": "early_help", **date_boxes("start", "2025-02-30")},
            "must be a real date",
        ),
        (
            {"step": "step_down", "information_sharing_plan": "perhaps"},
            "Select whether an information-sharing plan is in place",
        ),
        (
            {"step": "attendance", "conference": "1", "attended": ["king"]},
            "Select roles from the list",
        ),
        # (a NUL is refused before any page: tests/web/test_hostile_input.py)
    ],
)
def test_a_bad_post_is_a_400_with_an_error_summary(
    baby: Person, worker: Any, form: dict[str, str], message: str
) -> None:
    response = signed_in_client(worker).post(_plans(baby), form)
    text = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in text and message in text


def test_an_unknown_step_is_a_400_before_anything(baby: Person, worker: Any) -> None:
    response = signed_in_client(worker).post(_plans(baby), {"step": "nothing"})
    assert response.status_code == 400 and "does not know the step" in response.content.decode()
    assert not AuditEvent.objects.filter(action="write", subject=baby.reference).exists()


def test_each_forms_errors_link_to_its_own_fields(baby: Person, worker: Any) -> None:
    """The page holds several forms with fields of the same name: each field's id begins with
    its form's step, and the error summary links there."""
    response = signed_in_client(worker).post(
        _plans(baby), {"step": "start", **date_boxes("start", "2025-07-01")}
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert 'href="#start-kind"' in text and 'id="start-kind"' in text
    assert 'href="#start-information_sharing_plan"' in text
    assert 'id="start-start-day"' in text and 'id="programme-on-day"' in text
    assert 'value="2025"' in text  # what was typed comes back


def test_a_nul_is_refused_and_nothing_is_written(baby: Person, worker: Any) -> None:
    for form in (
        {
            "step": "start",
            "kind": "early_help",
            "category_of_abuse": "a\x00b",
            **date_boxes("start", "2025-07-01"),
            "information_sharing_plan": "yes",
        },
        {"kind": "initial", **date_boxes("on", "2025-07-01"), "reason_father": "x\x00"},
    ):
        url = _conference(baby) if "step" not in form else _plans(baby)
        assert signed_in_client(worker).post(url, form).status_code == 400
    assert not Plan.objects.filter(kind="early_help").exists()
    assert not Conference.objects.exists()


def test_the_conference_page_asks_for_the_father_gp_and_housing(baby: Person, worker: Any) -> None:
    client = signed_in_client(worker)
    page = client.get(_conference(baby)).content.decode()
    assert "must invite the father, the GP and housing" in page
    refused = client.post(
        _conference(baby),
        {
            "kind": "initial",
            **date_boxes("on", "2025-07-10"),
            "invited": ["mother", "gp", "housing"],
            "attended": ["mother"],
        },
    )
    text = refused.content.decode()
    assert refused.status_code == 400 and 'href="#reason_father"' in text
    assert "Invite the father, or say why not" in text and not Conference.objects.exists()
    recorded = client.post(
        _conference(baby),
        {
            "kind": "initial",
            **date_boxes("on", "2025-07-10"),
            "invited": ["mother", "gp", "housing"],
            "attended": ["mother"],
            "reason_father": "he is in prison and declined by letter",
        },
    )
    assert recorded.status_code == 303 and recorded["Location"] == _plans(baby)
    assert LeftOut.objects.get().reason == "he is in prison and declined by letter"
    plans = client.get(_plans(baby)).content.decode()
    assert "Initial child protection conference" in plans and "he is in prison" in plans
    assert AuditEvent.objects.filter(action="write", object_type="conference").count() == 1


def test_attendance_is_recorded_once_the_conference_is_held(baby: Person, worker: Any) -> None:
    client = signed_in_client(worker)
    client.post(
        _conference(baby),
        {
            "kind": "review",
            **date_boxes("on", "2025-07-01"),
            "invited": ["mother", "father", "gp", "housing"],
        },
    )
    conference = Conference.objects.get()
    page = client.get(_plans(baby)).content.decode()
    assert "Record who attended" in page
    refused = client.post(_plans(baby), {"step": "attendance", "conference": str(conference.pk)})
    assert refused.status_code == 400 and 'href="#attendance-attended"' in refused.content.decode()
    recorded = client.post(
        _plans(baby),
        {"step": "attendance", "conference": str(conference.pk), "attended": ["mother", "father"]},
    )
    assert recorded.status_code == 303
    conference.refresh_from_db()
    assert conference.attended == ["mother", "father"]
    assert "Record who attended" not in client.get(_plans(baby)).content.decode()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Select the kind of conference"),
        ({"kind": "initial", **date_boxes("on", "tomorrow")}, "must include a month"),
        ({"kind": "review", **date_boxes("on", "2025-07-01"), "invited": ["king"]}, "Select roles"),
        ({"kind": "coronation", **date_boxes("on", "2025-07-01")}, "Select the kind of conference"),
        (
            {"kind": "initial", "on-day": "10", "on-month": "", "on-year": "2025"},
            "The date of the conference must include a month",
        ),
        (
            {
                "kind": "initial",
                **date_boxes("on", "2025-07-01"),
                "reason_father": "x" * (MAX_TEXT + 1),
            },
            f"must be {MAX_TEXT:,} characters or fewer",
        ),
        # (a NUL is refused before any page: tests/web/test_hostile_input.py)
    ],
)
def test_a_bad_conference_is_a_400(
    baby: Person, worker: Any, form: dict[str, Any], message: str
) -> None:
    response = signed_in_client(worker).post(_conference(baby), form)
    text = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in text and message in text


def test_a_safeguarding_lead_with_the_escalation_manages_plans(baby: Person) -> None:
    from tests.fixtures.triage import under_triage

    lead = make_user(Role.SAFEGUARDING_LEAD, "SL1")
    alert = under_triage(baby)
    alert.escalated_to = Practitioner.objects.get(local_id="SL1")
    alert.save()
    with_basis(lead, baby, "safeguarding")
    assert signed_in_client(lead).get(_conference(baby)).status_code == 200
    assert BASIS
