"""The alerts inbox (/alerts/) and one alert's page (/alerts/<id>/): what the user answers for,
and the alert's explanation, the facts it rests on, the people it names, its routing, owner,
deadline and life so far; the owner acknowledges it, records the action taken, escalates it to
the safeguarding lead or closes it with the outcome (seen.rules.lifecycle, as the API does).

Who may open an alert: whoever answers for it (seen.rules.inbox.owns) AND the access
decision about its child (VIEW_CHILD to see, ACT_ON_ALERT to act), through
seen.rules.inbox.alert_access. Every read is audited with the child as the subject, every step
as a write, every refusal as denied."""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, URLPattern, path, reverse

from seen.access.policy import CHILD_ACTION_ROLES, Action, decide, profile_of
from seen.core import clock
from seen.rules import lifecycle
from seen.rules.inbox import (
    RELATED,
    SHOW,
    UNANSWERED,
    alert_access,
    child_reference,
    grounds,
    overdue,
    owed_shown,
    owns,
    people_named,
    summary,
)
from seen.rules.models import Alert, AlertEvent
from seen.web import gate
from seen.web.forms import SeenForm, choice_field, text_field
from seen.web.gate import DEFAULT_PURPOSE, page, purpose_of
from seen.web.referrals import refer_links_for_alert

# ---- the steps' forms: one per step, their limits the lifecycle's (as the API's) -------------


class StepForm(SeenForm):
    """A step on an alert. The page shows every step's form at once, and two of them have a
    note, so each form's fields have ids of their own (`<step>-<field>`) for its errors to link
    to. A step the lifecycle refuses has its reason put on `refused_on`."""

    step: ClassVar[str]
    refused_on: ClassVar[str]
    banner: ClassVar[str]  # what the page says once the step is taken

    def field_id(self, name: str) -> str:
        return f"{self.step}-{name}"

    def take(self, alert: Alert, user: lifecycle.User) -> AlertEvent:
        raise NotImplementedError


class AcknowledgeForm(StepForm):
    step = "acknowledge"
    refused_on = "note"
    banner = "You acknowledged the alert"
    note = text_field("the note", lifecycle.NOTE_MAX)

    def take(self, alert: Alert, user: lifecycle.User) -> AlertEvent:
        return lifecycle.acknowledge(alert, user, self.cleaned_data["note"])


class ActionForm(StepForm):
    step = "action"
    refused_on = "note"  # the lifecycle's refusals are the note's: no further action needs one
    banner = "The action taken is recorded"
    action = choice_field(
        "Select the action taken",
        [(value, label.capitalize()) for value, label in AlertEvent.Action.choices],
    )
    note = text_field("the note", lifecycle.NOTE_MAX)

    def take(self, alert: Alert, user: lifecycle.User) -> AlertEvent:
        data = self.cleaned_data
        return lifecycle.record_action(alert, user, data["action"], data["note"])


class EscalateForm(StepForm):
    step = "escalate"
    refused_on = "reason"
    banner = "The alert is escalated to the safeguarding lead"
    reason = text_field(
        "the reason",
        lifecycle.NOTE_MAX,
        required="Enter why you are escalating the alert to the safeguarding lead",
    )

    def take(self, alert: Alert, user: lifecycle.User) -> AlertEvent:
        return lifecycle.escalate(alert, user, self.cleaned_data["reason"])


class CloseForm(StepForm):
    step = "close"
    refused_on = "outcome"
    banner = "The alert is closed with its outcome"
    outcome = text_field(
        "the outcome", lifecycle.OUTCOME_MAX, required="Enter the outcome of the alert to close it"
    )

    def take(self, alert: Alert, user: lifecycle.User) -> AlertEvent:
        return lifecycle.close(alert, user, self.cleaned_data["outcome"])


STEPS: dict[str, type[StepForm]] = {
    form.step: form for form in (AcknowledgeForm, ActionForm, EscalateForm, CloseForm)
}


def link_to(name: str, reference: str, fallback: str) -> str:
    """The address of another page family's page, by its agreed URL name; the literal path
    while that page is not registered yet."""
    try:
        return reverse(name, args=[reference])
    except NoReverseMatch:
        return fallback.format(reference=reference)


def child_url(reference: str) -> str:
    return link_to("child", reference, "/children/{reference}/") if reference else ""


def person_url(reference: str) -> str:
    return link_to("person", reference, "/people/{reference}/")


def _triage_url(request: HttpRequest, reference: str) -> str:
    """MASH triage of the alert's child, for those who triage (its own purpose by default)."""
    profile = profile_of(request.user)
    may = profile is not None and profile.role in CHILD_ACTION_ROLES[Action.DECIDE_TRIAGE]
    return reverse("triage", args=[reference]) if may and reference else ""


@page()
def inbox(request: HttpRequest) -> HttpResponse:
    """The alerts the user answers for: open (overdue first), overdue, or closed."""
    purpose = purpose_of(request)
    decision = decide(request.user, Action.VIEW_OWN_ALERTS, purpose)
    profile = profile_of(request.user)
    if not decision.allowed or profile is None:
        return gate.refused(request, "alerts", "", decision.reason)
    show = request.GET.get("show", "open")
    context: dict[str, Any] = {
        "profile": profile,
        "show": show,
        "filters": [(s, _inbox_link(s, purpose)) for s in SHOW],
        "purpose": purpose,
        "rows": [],
    }
    if show not in SHOW:
        context["error"] = f"Choose which alerts to show: {', '.join(SHOW)}"
        return render(request, "web/alerts.html", context, status=400)
    now = clock.now()
    alerts = owed_shown(profile, show)
    for alert in alerts:
        reference = child_reference(alert)
        context["rows"].append(
            {
                "alert": alert,
                "late": overdue(alert, now),
                "child": reference,
                "child_url": child_url(reference),
                "summary": summary(alert.explanation),
                "url": _alert_link(alert.pk, purpose),
            }
        )
    children = sorted({row["child"] for row in context["rows"]} - {""})
    gate.audit(
        request,
        "read",
        "alerts",
        subjects=children,
        disclosed={"show": show, "alerts": [a.pk for a in alerts], "children": children},
    )
    return render(request, "web/alerts.html", context)


def _query(purpose: str, **more: str) -> str:
    values = {**more, **({"purpose": purpose} if purpose != DEFAULT_PURPOSE else {})}
    return f"?{urlencode(values)}" if values else ""


def _inbox_link(show: str, purpose: str) -> str:
    return reverse("alerts") + _query(purpose, show=show)


def _alert_link(alert_id: int, purpose: str, **more: str) -> str:
    return reverse("alert", args=[alert_id]) + _query(purpose, **more)


@page(post=STEPS)
def alert_page(request: HttpRequest, alert_id: int) -> HttpResponse:
    """One alert; a POST takes a step on it (its `step` field: acknowledge, action, escalate,
    close)."""
    alert = Alert.objects.select_related(*RELATED).filter(pk=alert_id).first()
    if alert is None:
        return render(request, "web/alert_missing.html", {"alert_id": alert_id}, status=404)
    reference = child_reference(alert)
    purpose = purpose_of(request)
    action = Action.ACT_ON_ALERT if request.method == "POST" else Action.VIEW_CHILD
    access = alert_access(request.user, alert, action, purpose)
    if not access.allowed:
        return gate.refused(request, "alert", str(alert.pk), access.reason, subject=reference)
    if request.method == "POST":
        return _take_step(request, alert, reference, purpose, access.reason)
    profile = profile_of(request.user)
    if profile is not None and alert.status in UNANSWERED and owns(profile, alert):
        seen = lifecycle.mark_seen(alert, request.user)
        if seen is not None:
            gate.audit(
                request,
                "write",
                "alert",
                object_id=str(alert.pk),
                subject=reference,
                disclosed={"step": "seen", "event": seen.pk},
            )
            alert.refresh_from_db()
    done = request.GET.get("done", "")
    banner = STEPS[done].banner if done in STEPS else ""
    return _show(request, alert, reference, purpose, banner=banner, access_reason=access.reason)


def _shown(alert: Alert) -> dict[str, bool]:
    """Which steps' forms the page shows: none on a closed alert, acknowledge only while it is
    unanswered, escalate only once."""
    return {
        step: alert.open
        and not (step == "acknowledge" and alert.status not in UNANSWERED)
        and not (step == "escalate" and alert.escalated_at is not None)
        for step in STEPS
    }


def _show(
    request: HttpRequest,
    alert: Alert,
    reference: str,
    purpose: str,
    *,
    refused: StepForm | None = None,
    banner: str = "",
    access_reason: str = "",
) -> HttpResponse:
    """The alert's page, audited as a read of what it shows; `refused`: the step's form that
    was not taken (400), with its errors."""
    facts = grounds(alert)
    people = people_named(alert)
    events = list(alert.events.all())
    can_act = alert.open and alert_access(request.user, alert, Action.ACT_ON_ALERT, purpose).allowed
    shown = _shown(alert)
    step_forms = {step: form_class() for step, form_class in STEPS.items()}
    errors: list[dict[str, str]] = []
    if refused is not None:
        step_forms[refused.step] = refused
        # a step whose form is not shown (a closed alert, one escalated already): the steps
        errors = [
            {**error, "href": error["href"] if shown[refused.step] else "#steps"}
            for error in refused.error_summary()
        ]
    context = {
        "alert": alert,
        "late": overdue(alert),
        "child": reference,
        "child_url": child_url(reference),
        "triage_url": _triage_url(request, reference),
        "facts": facts,
        "people": [(p, person_url(p.reference) if p.reference[:1] == "P" else "") for p in people],
        "refer_links": refer_links_for_alert(request, alert),  # a man it names, to a service
        "events": events,
        "can_act": can_act,
        "shown": shown,
        "forms": step_forms,
        "errors": errors,
        "outcome_max": lifecycle.OUTCOME_MAX,
        "purpose": purpose,
        "action_url": _alert_link(alert.pk, purpose),
        "inbox_url": _inbox_link("open", purpose),
        "banner": banner,
    }
    gate.audit(
        request,
        "read",
        "alert",
        object_id=str(alert.pk),
        subject=reference,
        disclosed={
            "fields": ["explanation", "facts", "people", "routing", "owner", "deadline", "events"],
            "facts": [[g.kind, g.id] for g in facts],
            "people": [p.reference for p in people],
            "events": [e.pk for e in events],
            **({"refused_step": refused.step} if refused is not None else {}),
        },
        reason=access_reason,
    )
    status = 200 if refused is None else 400
    return render(request, "web/alert.html", context, status=status)


def _take_step(
    request: HttpRequest, alert: Alert, reference: str, purpose: str, access_reason: str
) -> HttpResponse:
    form = gate.form(request, STEPS[gate.step_of(request)])
    event = None
    if form.is_valid():
        try:
            event = form.take(alert, request.user)
        except lifecycle.StepRefused as refused:
            form.add_refusal(form.refused_on, refused)
    if event is None:
        alert.refresh_from_db()
        return _show(request, alert, reference, purpose, refused=form, access_reason=access_reason)
    gate.audit(
        request,
        "write",
        "alert",
        object_id=str(alert.pk),
        subject=reference,
        disclosed={"step": form.step, "event": event.pk, "action": event.action},
        reason=access_reason,
    )
    return HttpResponseRedirect(_alert_link(alert.pk, purpose, done=form.step), status=303)


urlpatterns: list[URLPattern] = [
    path("alerts/", inbox, name="alerts"),
    path("alerts/<int:alert_id>/", alert_page, name="alert"),
]
