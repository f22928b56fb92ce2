"""A child's plans (/children/<reference>/plans/) with their programmes and engagement, and the
conferences; forms to start a plan, record a programme event (attendance) and step a plan down
with its checklist. A conference is recorded at /children/<reference>/conferences/new/, with
invitations and attendance by role: the father, the GP and housing invited, or a reason given.

Seeing the plans needs the household level of `decide(Action.VIEW_CHILD)`; every write needs
`decide(Action.MANAGE_PLAN)` (the lead practitioner or key worker with the lawful basis
recorded; a safeguarding lead the child's alert was escalated to). Writes go through
seen.recording.plans, which runs the rules for the child afterwards. Every page is audited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from seen.access.models import Purpose
from seen.access.policy import Action, Level, decide
from seen.access.shielding import cleared, redact, shields_of
from seen.areas.models import Practitioner
from seen.casefile.subjects import Subject
from seen.facts.models import Conference, ConferenceRole, Plan, ProgrammeEvent, YesNo
from seen.people.models import SourceRecord
from seen.recording import plans as planning
from seen.recording.authoring import AuthoringRefused
from seen.web import gate
from seen.web.forms import (
    FORM_HELPERS,
    as_id,
    confirmations,
    error_list,
    read_date,
    see_other,
    unstorable,
)
from seen.web.gate import page, purpose_of

PLANS_PURPOSE = Purpose.SAFEGUARDING.value  # "safeguarding enquiry or plan"
FORMS = ("start", "programme", "step_down", "attendance")  # the plans page's forms (POST `step`)
ROLE_LABELS: dict[str, str] = {
    ConferenceRole.MOTHER: "Mother",
    ConferenceRole.FATHER: "Father",
    ConferenceRole.MALE_CARER: "Male carer",
    ConferenceRole.GP: "GP",
    ConferenceRole.HEALTH_VISITOR: "Health visitor",
    ConferenceRole.MIDWIFE: "Midwife",
    ConferenceRole.HOUSING: "Housing",
    ConferenceRole.POLICE: "Police",
    ConferenceRole.PROBATION: "Probation",
    ConferenceRole.SOCIAL_WORKER: "Social worker",
    ConferenceRole.EARLY_HELP: "Early Help",
    ConferenceRole.ADULT_MENTAL_HEALTH: "Adult mental health",
    ConferenceRole.OTHER: "Other",
}
CONFERENCE_KINDS: dict[str, str] = {
    Conference.Kind.INITIAL: "Initial child protection conference",
    Conference.Kind.REVIEW: "Review child protection conference",
    Conference.Kind.PRE_BIRTH: "Pre-birth child protection conference",
}


def _label(value: str) -> str:
    return value[:1].upper() + value[1:]


def _participants(subject: Subject, user: Any) -> list[tuple[int, str]]:
    """Who a programme can be for: each adult around the child, named through the shields."""
    adults = planning.adults_around(subject)
    shields = shields_of(record.pk for record, _ in adults)
    clearance = cleared(user)
    found = []
    for record, who in adults:
        shown = redact(
            {"forename": record.forename, "surname": record.surname},
            shields.get(record.pk, set()),
            clearance=clearance,
        )
        name = " ".join(v for v in (shown["forename"], shown["surname"]) if v) or "name not held"
        found.append((record.pk, f"{_label(who)}: {name} ({record.agency.name})"))
    return found


def _practitioner(value: str) -> Practitioner | None:
    pk = as_id(value)
    if pk is None:
        return None
    return Practitioner.objects.filter(pk=pk, role__in=planning.KEY_WORKER_ROLES).first()


# ---- the plans page ---------------------------------------------------------------------------


@page(purpose=PLANS_PURPOSE)
def plans_page(request: HttpRequest, reference: str) -> HttpResponse:
    purpose = purpose_of(request)
    action = Action.MANAGE_PLAN if request.method == "POST" else Action.VIEW_CHILD
    gated = gate.child(request, reference, action, "plans")
    if isinstance(gated, HttpResponse):
        return gated
    subject, _ = gated
    if request.method == "POST":
        return _post_plans(request, subject, purpose)
    return _show_plans(request, subject, purpose)


def _show_plans(
    request: HttpRequest,
    subject: Subject,
    purpose: str,
    *,
    errors: list[tuple[str, str]] | None = None,
    values: Mapping[str, str] | None = None,
    form: str = "",
    status: int = 200,
) -> HttpResponse:
    plans = planning.plans_of(subject)
    programmes = planning.programmes_of(plans)
    conferences = planning.conferences_of(subject)
    manage = decide(request.user, Action.MANAGE_PLAN, purpose, subject.ref)
    can_manage = manage.allowed and manage.level >= Level.HOUSEHOLD
    participants = _participants(subject, request.user)
    shown = values or {}
    problems = dict(errors or [])

    def error_for(step: str, name: str) -> dict[str, str] | None:
        return {"text": problems[name]} if form == step and name in problems else None

    def value_for(step: str, name: str) -> str:
        return str(shown.get(name, "")) if form == step else ""

    def values_for(step: str) -> Mapping[str, str]:
        return shown if form == step else {}

    def error_text(step: str, name: str) -> str | None:
        return problems[name] if form == step and name in problems else None

    context = {
        "subject": subject,
        "purpose": purpose,
        "plans": plans,
        "current": {p.pk for p in plans if planning.current(p)},
        "plan_names": planning.PLAN_NAMES,
        "programmes": programmes,
        "participant_names": dict(participants),
        "conferences": conferences,
        "left_out": planning.left_out_of(conferences),
        "role_labels": ROLE_LABELS,
        "roles": list(ROLE_LABELS.items()),
        "awaiting": [
            (str(c.pk), f"{CONFERENCE_KINDS.get(c.kind, c.kind)}, {c.occurred_on}")
            for c in planning.awaiting_attendance(subject, request.user)
        ]
        if can_manage
        else [],
        "attended_values": list(shown.getlist("attended"))
        if form == "attendance" and hasattr(shown, "getlist")
        else [],
        "conference_kinds": CONFERENCE_KINDS,
        "can_manage": can_manage,
        "startable": [
            (k, _label(planning.PLAN_NAMES[k]))
            for k in planning.STARTABLE
            if not (k == Plan.Kind.PRE_BIRTH and not subject.unborn)
        ],
        "steppable": [
            (
                str(p.pk),
                f"{_label(planning.PLAN_NAMES[p.kind])} from {p.occurred_on} to a "
                f"{planning.PLAN_NAMES[planning.STEP_DOWN_TO[p.kind]]}",
            )
            for p in plans
            if p.kind in planning.STEP_DOWN_TO and planning.current(p)
        ],
        "participant_choices": [(str(pk), name) for pk, name in participants] if can_manage else [],
        "plan_choices": [
            (str(p.pk), f"{_label(planning.PLAN_NAMES.get(p.kind, 'plan'))} from {p.occurred_on}")
            for p in plans
        ],
        "error_for": error_for,
        "value_for": value_for,
        "values_for": values_for,
        "error_text": error_text,
        "yes_no": [(YesNo.YES.value, "Yes"), (YesNo.NO.value, "No")],
        "programme_kinds": [
            (v, _label(str(label))) for v, label in ProgrammeEvent.Programme.choices
        ],
        "statuses": [(v, _label(str(label))) for v, label in ProgrammeEvent.Status.choices],
        "key_workers": [
            (str(p.pk), f"{p.name} ({p.get_role_display()}, {p.agency.name})")
            for p in planning.key_workers()
        ]
        if can_manage
        else [],
        "errors": error_list(errors or [], f"{form}-" if form in FORMS else "", DATE_WHAT),
        "field_errors": dict(errors or []),
        "values": values or {},
        "form": form,
        **FORM_HELPERS,
        "confirmations": confirmations(request),
    }
    gate.audit(
        request,
        "read",
        "plans",
        subject.reference,
        subject=subject.reference,
        disclosed={
            "plans": [p.pk for p in plans],
            "programme_events": sum(len(p.events) for p in programmes),
            "conferences": [c.pk for c in conferences],
            # the adults named: in the programmes, and in the form for whoever may write
            "adults": [
                pk
                for pk, _ in participants
                if can_manage or pk in {p.participant.pk for p in programmes}
            ],
        },
    )
    return render(request, "web/plans.html", context, status=status)


def _post_plans(request: HttpRequest, subject: Subject, purpose: str) -> HttpResponse:
    form = request.POST
    step = form.get("step", "")
    plans = {str(p.pk): p for p in planning.plans_of(subject)}
    written: Plan | ProgrammeEvent | Conference
    try:
        if unstorable(form):
            raise planning.PlanningRefused(unstorable(form))
        if step == "start":
            dates = _dates(form, "start", "review_date")
            written = planning.start_plan(
                request.user,
                subject,
                kind=form.get("kind", ""),
                start=dates["start"],
                category_of_abuse=form.get("category_of_abuse", ""),
                key_worker=_practitioner(form.get("key_worker", "")),
                review_date=dates["review_date"],
                information_sharing_plan=form.get("information_sharing_plan", ""),
            )
            done = f"{_label(planning.PLAN_NAMES[written.kind])} started."
        elif step == "programme":
            dates = _dates(form, "on")
            participant = as_id(form.get("participant", ""))
            written = planning.record_programme_event(
                request.user,
                subject,
                plan=plans.get(form.get("plan", "")),
                participant=None
                if participant is None
                else SourceRecord.objects.filter(pk=participant).first(),
                programme=form.get("programme", ""),
                status=form.get("status", ""),
                on=dates["on"],
            )
            done = f"Programme event recorded: {written.get_status_display()}."
        elif step == "step_down":
            dates = _dates(form, "on", "review_date")
            written = planning.step_down(
                request.user,
                subject,
                plan=plans.get(form.get("plan", "")),
                on=dates["on"],
                key_worker=_practitioner(form.get("key_worker", "")),
                information_sharing_plan=form.get("information_sharing_plan", ""),
                review_date=dates["review_date"],
            )
            done = f"Stepped down to a {planning.PLAN_NAMES[written.kind]}."
        elif step == "attendance":
            held = {str(c.pk): c for c in planning.awaiting_attendance(subject, request.user)}
            written = planning.record_attendance(
                request.user,
                subject,
                conference=held.get(form.get("conference", "")),
                attended=form.getlist("attended"),
            )
            done = "Attendance recorded."
        else:
            raise planning.PlanningRefused([("step", "Choose what to record")])
    except planning.PlanningRefused as refusal:
        return _show_plans(
            request, subject, purpose, errors=refusal.errors, values=form, form=step, status=400
        )
    except AuthoringRefused as refusal:
        return _show_plans(
            request, subject, purpose, errors=[("step", str(refusal))], values=form, status=400
        )
    gate.audit(
        request,
        "write",
        _object_type(written),
        str(written.pk),
        subject=subject.reference,
        disclosed={"step": step, "local_id": written.local_id},
    )
    messages.success(request, done)
    return see_other("plans", subject.reference, purpose, PLANS_PURPOSE)


def _object_type(written: Plan | ProgrammeEvent | Conference) -> str:
    if isinstance(written, ProgrammeEvent):
        return "programme_event"
    return "conference" if isinstance(written, Conference) else "plan"


# what each date is, for its messages ("The date of the start must include a month")
DATE_WHAT = {
    "start": "the start date",
    "review_date": "the review date",
    "on": "the date",
}


def _dates(form: Mapping[str, str], *names: str) -> dict[str, date | None]:
    """The dates, each read as GOV.UK day, month and year boxes (seen.web.forms.read_date). A
    date written wrongly is refused first; a missing one is left to the service, which says
    what it needs along with everything else missing."""
    errors: list[tuple[str, str]] = []
    dates = {name: read_date(form, name, DATE_WHAT[name], errors) for name in names}
    if errors:
        raise planning.PlanningRefused(errors)
    return dates


# ---- the conference page ---------------------------------------------------------------------


@page(purpose=PLANS_PURPOSE)
def conference_page(request: HttpRequest, reference: str) -> HttpResponse:
    purpose = purpose_of(request)
    gated = gate.child(request, reference, Action.MANAGE_PLAN, "conference")
    if isinstance(gated, HttpResponse):
        return gated
    subject, _ = gated
    if request.method != "POST":
        return _show_conference(request, subject, purpose)
    form = request.POST
    must = planning.must_invite(subject)
    try:
        if unstorable(form):
            raise planning.PlanningRefused(unstorable(form))
        dates = _dates(form, "on")
        conference = planning.record_conference(
            request.user,
            subject,
            kind=form.get("kind", ""),
            on=dates["on"],
            invited=form.getlist("invited"),
            attended=form.getlist("attended"),
            left_out={role: form.get(f"reason_{role}", "") for role in must},
        )
    except planning.PlanningRefused as refusal:
        return _show_conference(request, subject, purpose, errors=refusal.errors, status=400)
    except AuthoringRefused as refusal:
        errors = [("kind", str(refusal))]
        return _show_conference(request, subject, purpose, errors=errors, status=400)
    gate.audit(
        request,
        "write",
        "conference",
        str(conference.pk),
        subject=subject.reference,
        disclosed={
            "kind": conference.kind,
            "invited": conference.invited,
            "attended": conference.attended,
        },
    )
    messages.success(request, f"{CONFERENCE_KINDS[conference.kind]} recorded.")
    return see_other("plans", subject.reference, purpose, PLANS_PURPOSE)


def _show_conference(
    request: HttpRequest,
    subject: Subject,
    purpose: str,
    *,
    errors: list[tuple[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    form = request.POST if request.method == "POST" else None
    must = planning.must_invite(subject)
    context = {
        "subject": subject,
        "purpose": purpose,
        "kinds": [
            (k, label)
            for k, label in CONFERENCE_KINDS.items()
            if not (k == Conference.Kind.PRE_BIRTH and not subject.unborn)
        ],
        "roles": list(ROLE_LABELS.items()),
        "must": [(role, planning.ROLE_NAMES.get(role, role)) for role in must],
        "kind": form.get("kind", "") if form else "",
        "values": form or {},
        "invited": form.getlist("invited") if form else [],
        "attended": form.getlist("attended") if form else [],
        "reasons": {role: form.get(f"reason_{role}", "") for role in must} if form else {},
        "errors": error_list(errors or [], dates=DATE_WHAT),
        "field_errors": dict(errors or []),
        **FORM_HELPERS,
    }
    gate.audit(
        request,
        "read",
        "conference",
        subject.reference,
        subject=subject.reference,
        disclosed={"must_invite": must},
    )
    return render(request, "web/conference.html", context, status=status)


urlpatterns = [
    path("children/<str:reference>/plans/", plans_page, name="plans"),
    path("children/<str:reference>/conferences/new/", conference_page, name="conference"),
]
