"""A child's plans (/children/<reference>/plans/) with their programmes and engagement, and the
conferences; forms to start a plan, record a programme event (attendance), step a plan down
with its checklist and record who attended a conference (each a form in seen.web.plans_forms,
chosen by the POST's `step`). A conference is recorded at
/children/<reference>/conferences/new/, with invitations and attendance by role: the father,
the GP and housing invited, or a reason given.

Seeing the plans needs the household level of `decide(Action.VIEW_CHILD)`; every write needs
`decide(Action.MANAGE_PLAN)` (the lead practitioner or key worker with the lawful basis
recorded; a safeguarding lead the child's alert was escalated to). Writes go through
seen.recording.plans, which runs the rules for the child afterwards. Every page is audited."""

from __future__ import annotations

from dataclasses import dataclass
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
from seen.facts.models import Conference, Plan, ProgrammeEvent
from seen.people.models import SourceRecord
from seen.recording import plans as planning
from seen.recording.authoring import AuthoringRefused
from seen.web import gate
from seen.web.forms import confirmations, see_other
from seen.web.gate import page, purpose_of
from seen.web.plans_forms import (
    CONFERENCE_KINDS,
    ROLE_LABELS,
    AttendanceForm,
    Choices,
    ConferenceForm,
    ProgrammeForm,
    StartPlanForm,
    StepDownForm,
    StepForm,
    capitalised,
)

PLANS_PURPOSE = Purpose.SAFEGUARDING.value  # "safeguarding enquiry or plan"
# the plans page's forms, by the POST's `step`
PLAN_FORMS: dict[str, type[StepForm]] = {
    "start": StartPlanForm,
    "programme": ProgrammeForm,
    "step_down": StepDownForm,
    "attendance": AttendanceForm,
}
Written = Plan | ProgrammeEvent | Conference


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
        found.append((record.pk, f"{capitalised(who)}: {name} ({record.agency.name})"))
    return found


@dataclass
class Offered:
    """What the plans page shows and its forms offer to choose from (the adults, key workers
    and conferences only to whoever may write)."""

    plans: list[Plan]
    participants: list[tuple[int, str]]
    key_workers: list[Practitioner]
    awaiting: list[Conference]
    can_manage: bool

    @classmethod
    def of(cls, request: HttpRequest, subject: Subject, purpose: str) -> Offered:
        manage = decide(request.user, Action.MANAGE_PLAN, purpose, subject.ref)
        can_manage = manage.allowed and manage.level >= Level.HOUSEHOLD
        return cls(
            plans=planning.plans_of(subject),
            participants=_participants(subject, request.user),
            key_workers=planning.key_workers() if can_manage else [],
            awaiting=planning.awaiting_attendance(subject, request.user) if can_manage else [],
            can_manage=can_manage,
        )

    def worker(self, chosen: str) -> Practitioner | None:
        return next((p for p in self.key_workers if str(p.pk) == chosen), None)

    def plan(self, chosen: str) -> Plan | None:
        return next((p for p in self.plans if str(p.pk) == chosen), None)


def _forms(request: HttpRequest, subject: Subject, offered: Offered) -> dict[str, StepForm]:
    """The page's four forms, the one this POST sent bound to it, each with the choices it
    offers by field; the plan or conference to act on is chosen already where it is the only
    one."""

    def form(step_form: type[StepForm], chosen: str = "", **choices: Choices) -> StepForm:
        only = choices[chosen] if chosen else []
        initial = {chosen: only[0][0]} if len(only) == 1 else {}
        return gate.form(request, step_form, offered=choices, initial=initial)

    plans = offered.plans
    key_workers = [
        (str(p.pk), f"{p.name} ({p.get_role_display()}, {p.agency.name})")
        for p in offered.key_workers
    ]
    plan_choices = [
        (str(p.pk), f"{capitalised(planning.PLAN_NAMES.get(p.kind, 'plan'))} from {p.occurred_on}")
        for p in plans
    ]
    steppable = [
        (
            str(p.pk),
            f"{capitalised(planning.PLAN_NAMES[p.kind])} from {p.occurred_on} to a "
            f"{planning.PLAN_NAMES[planning.STEP_DOWN_TO[p.kind]]}",
        )
        for p in plans
        if p.kind in planning.STEP_DOWN_TO and planning.current(p)
    ]
    awaiting = [
        (str(c.pk), f"{CONFERENCE_KINDS.get(c.kind, c.kind)}, {c.occurred_on}")
        for c in offered.awaiting
    ]
    kinds: Choices = [
        (k, capitalised(planning.PLAN_NAMES[k]))
        for k in planning.STARTABLE
        if not (k == Plan.Kind.PRE_BIRTH and not subject.unborn)
    ]
    participants = (
        [(str(pk), name) for pk, name in offered.participants] if offered.can_manage else []
    )
    return {
        "start": form(StartPlanForm, kind=kinds, key_worker=key_workers),
        "programme": form(ProgrammeForm, "plan", plan=plan_choices, participant=participants),
        "step_down": form(StepDownForm, "plan", plan=steppable, key_worker=key_workers),
        "attendance": form(AttendanceForm, "conference", conference=awaiting),
    }


# ---- the plans page ---------------------------------------------------------------------------


@page(purpose=PLANS_PURPOSE, post=PLAN_FORMS)
def plans_page(request: HttpRequest, reference: str) -> HttpResponse:
    purpose = purpose_of(request)
    action = Action.MANAGE_PLAN if request.method == "POST" else Action.VIEW_CHILD
    gated = gate.child(request, reference, action, "plans")
    if isinstance(gated, HttpResponse):
        return gated
    subject, _ = gated
    offered = Offered.of(request, subject, purpose)
    forms = _forms(request, subject, offered)
    if request.method != "POST":
        return _show_plans(request, subject, purpose, offered, forms)
    step = gate.step_of(request)
    form = forms[step]
    written = _write(request, subject, step, form, offered) if form.is_valid() else None
    if written is None:
        return _show_plans(request, subject, purpose, offered, forms, posted=form, status=400)
    fact, done = written
    gate.audit(
        request,
        "write",
        _object_type(fact),
        str(fact.pk),
        subject=subject.reference,
        disclosed={"step": step, "local_id": fact.local_id},
    )
    messages.success(request, done)
    return see_other("plans", subject.reference, purpose, PLANS_PURPOSE)


def _write(
    request: HttpRequest, subject: Subject, step: str, form: StepForm, offered: Offered
) -> tuple[Written, str] | None:
    """The write a valid form asks for, and what the confirmation says; None when the service
    refuses it, its reasons put on the form."""
    data = form.cleaned_data
    try:
        if step == "start":
            plan = planning.start_plan(
                request.user,
                subject,
                kind=data["kind"],
                start=data["start"],
                category_of_abuse=data["category_of_abuse"],
                key_worker=offered.worker(data["key_worker"]),
                review_date=data["review_date"],
                information_sharing_plan=data["information_sharing_plan"],
            )
            return plan, f"{capitalised(planning.PLAN_NAMES[plan.kind])} started."
        if step == "programme":
            event = planning.record_programme_event(
                request.user,
                subject,
                plan=offered.plan(data["plan"]),
                participant=SourceRecord.objects.filter(pk=int(data["participant"])).first(),
                programme=data["programme"],
                status=data["status"],
                on=data["on"],
            )
            return event, f"Programme event recorded: {event.get_status_display()}."
        if step == "step_down":
            new = planning.step_down(
                request.user,
                subject,
                plan=offered.plan(data["plan"]),
                on=data["on"],
                key_worker=offered.worker(data["key_worker"]),
                information_sharing_plan=data["information_sharing_plan"],
                review_date=data["review_date"],
            )
            return new, f"Stepped down to a {planning.PLAN_NAMES[new.kind]}."
        held = next(c for c in offered.awaiting if str(c.pk) == data["conference"])
        conference = planning.record_attendance(
            request.user, subject, conference=held, attended=data["attended"]
        )
        return conference, "Attendance recorded."
    except planning.PlanningRefused as refusal:
        form.add_errors(refusal.errors)
    except AuthoringRefused as refusal:
        form.add_error(None, capitalised(str(refusal)))
    return None


def _object_type(written: Written) -> str:
    if isinstance(written, ProgrammeEvent):
        return "programme_event"
    return "conference" if isinstance(written, Conference) else "plan"


def _show_plans(
    request: HttpRequest,
    subject: Subject,
    purpose: str,
    offered: Offered,
    forms: dict[str, StepForm],
    *,
    posted: StepForm | None = None,
    status: int = 200,
) -> HttpResponse:
    plans = offered.plans
    programmes = planning.programmes_of(plans)
    conferences = planning.conferences_of(subject)
    can_manage = offered.can_manage
    context = {
        "subject": subject,
        "purpose": purpose,
        "plans": plans,
        "current": {p.pk for p in plans if planning.current(p)},
        "plan_names": planning.PLAN_NAMES,
        "programmes": programmes,
        "participant_names": dict(offered.participants),
        "conferences": conferences,
        "left_out": planning.left_out_of(conferences),
        "role_labels": ROLE_LABELS,
        "conference_kinds": CONFERENCE_KINDS,
        "can_manage": can_manage,
        "forms": forms,
        "errors": posted.error_summary() if posted is not None else [],
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
                for pk, _ in offered.participants
                if can_manage or pk in {p.participant.pk for p in programmes}
            ],
        },
    )
    return render(request, "web/plans.html", context, status=status)


# ---- the conference page ---------------------------------------------------------------------


@page(purpose=PLANS_PURPOSE, post=ConferenceForm)
def conference_page(request: HttpRequest, reference: str) -> HttpResponse:
    purpose = purpose_of(request)
    gated = gate.child(request, reference, Action.MANAGE_PLAN, "conference")
    if isinstance(gated, HttpResponse):
        return gated
    subject, _ = gated
    must = [(role, planning.ROLE_NAMES.get(role, role)) for role in planning.must_invite(subject)]
    kinds = [
        (k, label)
        for k, label in CONFERENCE_KINDS.items()
        if not (k == Conference.Kind.PRE_BIRTH and not subject.unborn)
    ]
    form = gate.form(request, ConferenceForm, kinds=kinds, must=must)
    if not form.is_bound:
        return _show_conference(request, subject, purpose, form, must)
    conference = None
    if form.is_valid():
        try:
            conference = planning.record_conference(
                request.user,
                subject,
                kind=form.cleaned_data["kind"],
                on=form.cleaned_data["on"],
                invited=form.cleaned_data["invited"],
                attended=form.cleaned_data["attended"],
                left_out=form.reasons(),
            )
        except planning.PlanningRefused as refusal:
            form.add_errors(refusal.errors)
        except AuthoringRefused as refusal:
            form.add_error(None, capitalised(str(refusal)))
    if conference is None:
        return _show_conference(request, subject, purpose, form, must, status=400)
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
    form: ConferenceForm,
    must: list[tuple[str, str]],
    *,
    status: int = 200,
) -> HttpResponse:
    context = {
        "subject": subject,
        "purpose": purpose,
        "must": must,
        "form": form,
        "errors": form.error_summary(),
    }
    gate.audit(
        request,
        "read",
        "conference",
        subject.reference,
        subject=subject.reference,
        disclosed={"must_invite": [role for role, _ in must]},
    )
    return render(request, "web/conference.html", context, status=status)


urlpatterns = [
    path("children/<str:reference>/plans/", plans_page, name="plans"),
    path("children/<str:reference>/conferences/new/", conference_page, name="conference"),
]
