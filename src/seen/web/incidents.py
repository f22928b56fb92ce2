"""Serious incident notifications and the chronology for their rapid review.

- `/incidents/`: the notifications with their statutory clock (notification to the national
  panel within 5 working days, rapid review within 15, from the day the local authority learned
  of the incident; each step's due day, working days left, overdue in words and in red).
- `/incidents/new/` (the child's reference in the form) and `/children/<ref>/incidents/new/`
  (from the child's page): record a notification (GET form; POST saves, then 303).
- `/incidents/<id>/`: one notification, its clock, the forms to mark the notification sent and
  the rapid review completed (POST `step`), and to share the rapid review with a reviewer
  (POST `step=reviewer`).
- `/chronologies/`: the children whose chronology the user may open (where a reviewer starts).
- `/children/<ref>/chronology/` (`?format=csv|docx` to download): the chronology for the rapid
  review, for a child with a notification (otherwise 404 with a message).

Every page about a notification or a chronology is decided about its child, as the child's
own page is (docs/access.md): `decide(Action.RECORD_INCIDENT, child)` needs the safeguarding
lead's relationship with the child at the household level, lawful basis recorded (or break
glass), or the notification the lead recorded; `decide(Action.VIEW_CHRONOLOGY, child)` that
relationship, or for a reviewer a rapid review a lead shared with them, for the purpose
"review" only (the pages declare it). The lists show only the children their user may open
(LIST_INCIDENTS, LIST_CHRONOLOGIES for the role); nothing is reachable by creating a record.
A reference Seen holds no child under, or a notification it does not hold, is refused as a
child without a relationship is. Every page is audited: a read for what it showed, a write for
what it changed, an export for a download, denied for a refusal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.validators import RegexValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse

from seen.access.models import Purpose
from seen.access.policy import Action, ChildRef, decide, decide_unknown_child
from seen.casefile.subjects import CHILD_REFERENCE
from seen.incidents import services
from seen.incidents.chronology import chronology
from seen.incidents.export import as_csv, as_docx
from seen.incidents.models import DESCRIPTION_MAX, Incident
from seen.web import gate
from seen.web.forms import (
    GovDateField,
    SeenForm,
    choice_field,
    confirmations,
    select_items,
    text_field,
)
from seen.web.gate import page, purpose_of

INCIDENT_PURPOSE = Purpose.SAFEGUARDING.value
CHRONOLOGY_PURPOSE = Purpose.REVIEW.value
DONE_LABELS = {
    services.NOTIFICATION: "Date the national panel was notified",
    services.RAPID_REVIEW: "Date the rapid review was completed",
}
DONE_BUTTONS = {
    services.NOTIFICATION: "Mark the panel notified",
    services.RAPID_REVIEW: "Mark the rapid review completed",
}
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
}


def _missing(request: HttpRequest, title: str, message: str) -> HttpResponse:
    return render(
        request, "web/incident_missing.html", {"title": title, "message": message}, status=404
    )


# ---- the list ---------------------------------------------------------------------------------


@page(purpose=INCIDENT_PURPOSE)
def incidents_page(request: HttpRequest) -> HttpResponse:
    purpose = purpose_of(request)
    gated = gate.allow(request, Action.LIST_INCIDENTS, "incidents")
    if gated is not None:
        return gated
    shown = services.incidents_for(request.user, purpose, Action.RECORD_INCIDENT)
    rows = [(incident, services.steps_of(incident)) for incident in shown]
    gate.audit(
        request,
        "read",
        "incidents",
        "",
        subjects=sorted({i.child.reference for i, _ in rows}),
        disclosed={"incidents": [i.pk for i, _ in rows]},
    )
    return render(
        request,
        "web/incidents.html",
        {"rows": rows, "purpose": purpose, "confirmations": confirmations(request)},
    )


# ---- recording a notification -----------------------------------------------------------------


class IncidentForm(SeenForm):
    """A serious incident notification as the lead records it."""

    reference = forms.CharField(
        required=False,
        max_length=20,
        validators=[
            RegexValidator(CHILD_REFERENCE, "Enter a child's reference, for example P00000042")
        ],
        error_messages={"max_length": "A child's reference is P and up to 19 digits"},
    )
    occurred_on = GovDateField(what="the date of the incident", past=True)
    learned_on = GovDateField(what="the date the local authority learned of it", past=True)
    description = text_field("the description", DESCRIPTION_MAX, required="Describe what happened")


@page(purpose=INCIDENT_PURPOSE, post=IncidentForm)
def new_incident_page(request: HttpRequest) -> HttpResponse:
    return _new(request, "")


@page(purpose=INCIDENT_PURPOSE, post=IncidentForm)
def child_new_incident_page(request: HttpRequest, reference: str) -> HttpResponse:
    return _new(request, reference)


def _new(request: HttpRequest, reference: str) -> HttpResponse:
    purpose = purpose_of(request)
    gated = gate.allow(request, Action.LIST_INCIDENTS, "incident", reference)
    if gated is not None:
        return gated
    if reference:
        decided = gate.child(request, reference, Action.RECORD_INCIDENT, "incident", level=None)
        if isinstance(decided, HttpResponse):
            return decided
        subject, _ = decided
        if subject.unborn:
            return _missing(
                request,
                "No notification for an unborn child",
                f"{subject.reference} is an unborn child: a serious incident notification is "
                "for a born child, under the baby's reference",
            )
        reference = subject.reference
    form = gate.form(request, IncidentForm)
    if not form.is_bound:
        gate.audit(request, "read", "incident_form", "", subject=reference)
        return _form(request, purpose, reference, form)
    incident = None
    if form.is_valid():
        about = reference or form.cleaned_data["reference"]
        try:
            incident = services.record(
                request.user,
                purpose,
                reference=about,
                occurred_on=form.cleaned_data["occurred_on"].isoformat(),
                learned_on=form.cleaned_data["learned_on"].isoformat(),
                description=form.cleaned_data["description"],
            )
        except services.Refused as error:
            return gate.refused(request, "incident", about.strip(), str(error))
        except services.Invalid as error:
            form.add_errors(error.errors)
    if incident is None:
        return _form(request, purpose, reference, form, status=400)
    child = incident.child.reference
    gate.audit(
        request,
        "write",
        "incident",
        str(incident.pk),
        subject=child,
        disclosed={
            "occurred_on": incident.occurred_on.isoformat(),
            "learned_on": incident.learned_on.isoformat(),
        },
    )
    due = incident.notification_due.isoformat()
    messages.success(
        request, f"Notification {incident.pk} recorded for {child}: the national panel by {due}"
    )
    return HttpResponse(status=303, headers={"Location": reverse("incident", args=[incident.pk])})


def _form(
    request: HttpRequest,
    purpose: str,
    reference: str,
    form: IncidentForm,
    *,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "web/incident_new.html",
        {
            "purpose": purpose,
            "reference": reference,
            "form": form,
            "values": form.data if form.is_bound else {},
            "errors": form.error_summary(),
            "description_max": DESCRIPTION_MAX,
        },
        status=status,
    )


# ---- one notification -------------------------------------------------------------------------


class StepDoneForm(SeenForm):
    """The day a step of the statutory clock was done (POST `step`: the step's name); the
    service says whether that day may be recorded (not before the local authority learned of
    the incident, not twice)."""

    done_step = ""

    def done_on(self) -> str:
        return self.cleaned_data[f"{self.done_step}_on"].isoformat()  # as the service reads it


class NotificationDoneForm(StepDoneForm):
    done_step = services.NOTIFICATION
    notification_on = GovDateField(
        what=f"the date of the {services.STEP_LABELS[services.NOTIFICATION].lower()}", past=True
    )


class RapidReviewDoneForm(StepDoneForm):
    done_step = services.RAPID_REVIEW
    rapid_review_on = GovDateField(
        what=f"the date of the {services.STEP_LABELS[services.RAPID_REVIEW].lower()}", past=True
    )


class ReviewerForm(SeenForm):
    """A reviewer to share the rapid review with (POST step=reviewer), among the active
    reviewers; the service says when it is shared with them already."""

    reviewer = choice_field(
        "Select a reviewer to share the rapid review with",
        invalid="Select a reviewer from the list",
    )

    def __init__(self, *args: Any, reviewers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = reviewers  # type: ignore[attr-defined]


INCIDENT_FORMS: dict[str, type[SeenForm]] = {
    services.NOTIFICATION: NotificationDoneForm,
    services.RAPID_REVIEW: RapidReviewDoneForm,
    "reviewer": ReviewerForm,
}


@page(purpose=INCIDENT_PURPOSE, post=INCIDENT_FORMS)
def incident_page(request: HttpRequest, incident_id: int) -> HttpResponse:
    purpose = purpose_of(request)
    gated = gate.allow(request, Action.LIST_INCIDENTS, "incident", str(incident_id))
    if gated is not None:
        return gated
    incident = Incident.objects.select_related("child").filter(pk=incident_id).first()
    # decided about the notification's child; one Seen does not hold is refused alike, so the
    # refusal does not tell which notifications exist
    decision = (
        services.may_record(request.user, purpose, ChildRef(person=incident.child_id))
        if incident is not None
        else decide_unknown_child(request.user, Action.RECORD_INCIDENT, purpose)
    )
    if incident is None or not decision.allowed:
        return gate.refused(request, "incident", str(incident_id), decision.reason)
    reviewers = [(str(r.pk), r.get_username()) for r in services.reviewers()]
    page_forms = {
        services.NOTIFICATION: gate.form(request, NotificationDoneForm),
        services.RAPID_REVIEW: gate.form(request, RapidReviewDoneForm),
        "reviewer": gate.form(request, ReviewerForm, reviewers=reviewers),
    }
    if request.method != "POST":
        return _show(request, incident, purpose, page_forms)
    form = page_forms[gate.step_of(request)]
    written = None
    if form.is_valid():
        try:
            written = _write(request, purpose, incident, form)
        except services.Refused as error:
            return gate.refused(request, "incident", str(incident.pk), str(error))
        except services.Invalid as error:
            form.add_errors(error.errors)
    if written is None:
        return _show(request, incident, purpose, page_forms, posted=form, status=400)
    object_type, object_id, disclosed, done = written
    gate.audit(
        request,
        "write",
        object_type,
        object_id,
        subject=incident.child.reference,
        disclosed=disclosed,
    )
    messages.success(request, done)
    return HttpResponse(status=303, headers={"Location": reverse("incident", args=[incident.pk])})


def _write(
    request: HttpRequest, purpose: str, incident: Incident, form: SeenForm
) -> tuple[str, str, dict[str, Any], str]:
    """What a valid form on a notification asks for: a step of its clock marked done, or its
    rapid review shared with a reviewer. The write's audit entry (object type, id, what it
    disclosed) and the confirmation the page shows."""
    if isinstance(form, ReviewerForm):
        share = services.share_with_reviewer(
            request.user, purpose, incident, form.cleaned_data["reviewer"]
        )
        reviewer = share.user.get_username()
        disclosed = {"incident": incident.pk, "reviewer": reviewer, "purpose": share.purpose}
        return "share", str(share.pk), disclosed, f"The rapid review is shared with {reviewer}"
    assert isinstance(form, StepDoneForm)
    step = form.done_step
    done = services.mark_done(request.user, purpose, incident, step, form.done_on())
    done_on = done.notified_on if step == services.NOTIFICATION else done.rapid_review_on
    assert done_on is not None
    on = done_on.isoformat()
    done_text = f"{services.STEP_LABELS[step]} recorded as done on {on}"
    return "incident", str(done.pk), {"step": step, "on": on}, done_text


def _show(
    request: HttpRequest,
    incident: Incident,
    purpose: str,
    page_forms: Mapping[str, SeenForm],
    *,
    posted: SeenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    steps = services.steps_of(incident)
    shared_with = services.reviewers_of(incident)
    gate.audit(
        request,
        "read",
        "incident",
        str(incident.pk),
        subject=incident.child.reference,
        disclosed={
            "description": True,
            "steps": [s.name for s in steps],
            "reviewers": shared_with,
        },
    )
    return render(
        request,
        "web/incident.html",
        {
            "incident": incident,
            "steps": steps,
            "purpose": purpose,
            "forms": page_forms,
            "errors": posted.error_summary() if posted is not None else [],
            "confirmations": confirmations(request),
            "done_labels": DONE_LABELS,
            "done_buttons": DONE_BUTTONS,
            "shared_with": shared_with,
            "select_items": select_items,
            # offered: the reviewers it is not shared with yet
            "reviewer_choices": [
                (pk, name)
                for pk, name in page_forms["reviewer"].fields["reviewer"].choices  # type: ignore[attr-defined]
                if name not in shared_with
            ],
        },
        status=status,
    )


# ---- the chronology ---------------------------------------------------------------------------


@page(purpose=CHRONOLOGY_PURPOSE)
def chronologies_page(request: HttpRequest) -> HttpResponse:
    """The children whose chronology this user may open, each a link to it: where a reviewer
    starts (the list of notifications itself is the lead's)."""
    purpose = purpose_of(request)
    gated = gate.allow(request, Action.LIST_CHRONOLOGIES, "chronologies")
    if gated is not None:
        return gated
    shown = services.incidents_for(request.user, purpose, Action.VIEW_CHRONOLOGY)
    rows = [(incident, services.steps_of(incident)) for incident in shown]
    gate.audit(
        request,
        "read",
        "chronologies",
        "",
        subjects=sorted({i.child.reference for i, _ in rows}),
        disclosed={"incidents": [i.pk for i, _ in rows]},
    )
    return render(request, "web/chronology_list.html", {"rows": rows, "purpose": purpose})


@page(purpose=CHRONOLOGY_PURPOSE)
def chronology_page(request: HttpRequest, reference: str) -> HttpResponse:
    purpose = purpose_of(request)
    gated = gate.allow(request, Action.LIST_CHRONOLOGIES, "chronology", reference)
    if gated is not None:
        return gated
    decided = gate.child(request, reference, Action.VIEW_CHRONOLOGY, "chronology", level=None)
    if isinstance(decided, HttpResponse):
        return decided
    subject, _ = decided
    if not services.notified(subject.person):
        return _missing(
            request,
            "No chronology for this child",
            f"No serious incident notification is recorded for {subject.reference}: a "
            "chronology is kept for a child with a notification, for its rapid review",
        )
    wanted = request.GET.get("format", "")
    if wanted and wanted not in FORMATS:
        return render(
            request,
            "web/chronology_missing.html",
            {"message": f"{wanted!r} is not a format this chronology is offered in (csv, docx)"},
            status=404,
        )
    decision = decide(request.user, Action.VIEW_CHRONOLOGY, purpose, subject.ref)
    found = chronology(subject, decision, request.user)
    if wanted:
        content_type, extension = FORMATS[wanted]
        body: str | bytes = as_csv(found) if wanted == "csv" else as_docx(found)
        gate.audit(
            request,
            "export",
            "chronology",
            subject.reference,
            subject=subject.reference,
            disclosed={**found.disclosed(), "format": wanted},
        )
        name = f"chronology-{subject.reference}.{extension}"
        return HttpResponse(
            body,
            content_type=content_type,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    gate.audit(
        request,
        "read",
        "chronology",
        subject.reference,
        subject=subject.reference,
        disclosed=found.disclosed(),
    )
    steps = {i.pk: services.steps_of(i) for i in found.incidents}
    return render(
        request,
        "web/chronology.html",
        {"chronology": found, "steps": steps, "purpose": purpose, "subject": subject},
    )


urlpatterns = [
    path("incidents/", incidents_page, name="incidents"),
    path("incidents/new/", new_incident_page, name="incident-new"),
    path("incidents/<int:incident_id>/", incident_page, name="incident"),
    path(
        "children/<str:reference>/incidents/new/",
        child_new_incident_page,
        name="child-incident-new",
    ),
    path("children/<str:reference>/chronology/", chronology_page, name="chronology"),
    path("chronologies/", chronologies_page, name="chronologies"),
]
