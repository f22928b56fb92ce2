"""The alerts inbox (/alerts/) and one alert's page (/alerts/<id>/): what the user answers for,
and the alert's explanation, the facts it rests on, the people it names, its routing, owner,
deadline and life so far; the owner acknowledges it, records the action taken, escalates it to
the safeguarding lead or closes it with the outcome (seen.rules.lifecycle, as the API does).

Who may open an alert: whoever answers for it (seen.rules.inbox.answers_for) AND the access
decision about its child (VIEW_CHILD to see, ACT_ON_ALERT to act), through
seen.rules.inbox.alert_access. Every read is audited with the child as the subject, every step
as a write, every refusal as denied."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, URLPattern, path, reverse

from seen.access.policy import Action, decide, profile_of
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
from seen.web.gate import DEFAULT_PURPOSE, page, purpose_of

# each step: the field its error summary points at, and the banner after it is taken
STEPS: dict[str, tuple[str, str]] = {
    "acknowledge": ("acknowledge-note", "You acknowledged the alert"),
    "action": ("action-action", "The action taken is recorded"),
    "escalate": ("escalate-reason", "The alert is escalated to the safeguarding lead"),
    "close": ("close-outcome", "The alert is closed with its outcome"),
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


@page()
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
    banner = STEPS[done][1] if done in STEPS else ""
    return _show(request, alert, reference, purpose, banner=banner, access_reason=access.reason)


def _show(
    request: HttpRequest,
    alert: Alert,
    reference: str,
    purpose: str,
    *,
    status: int = 200,
    error: str = "",
    step: str = "",
    banner: str = "",
    access_reason: str = "",
) -> HttpResponse:
    """The alert's page, audited as a read of what it shows."""
    facts = grounds(alert)
    people = people_named(alert)
    events = list(alert.events.all())
    can_act = alert.open and alert_access(request.user, alert, Action.ACT_ON_ALERT, purpose).allowed
    values = {k: request.POST.get(k, "") for k in ("note", "action", "reason", "outcome")}
    context = {
        "alert": alert,
        "late": overdue(alert),
        "child": reference,
        "child_url": child_url(reference),
        "facts": facts,
        "people": [(p, person_url(p.reference) if p.reference[:1] == "P" else "") for p in people],
        "events": events,
        "can_act": can_act,
        "actions": AlertEvent.Action.choices,
        "purpose": purpose,
        "action_url": _alert_link(alert.pk, purpose),
        "inbox_url": _inbox_link("open", purpose),
        "error": error,
        "error_href": _error_href(alert, step),
        "step": step,
        "values": values if error else {},
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
            **({"refused_step": step} if error else {}),
        },
        reason=access_reason,
    )
    return render(request, "web/alert.html", context, status=status)


def _error_href(alert: Alert, step: str) -> str:
    """Where the error summary points: the step's field, or the steps when its form is not
    shown (a closed alert, one already acknowledged or escalated, an unknown step)."""
    hidden = (
        not alert.open
        or step not in STEPS
        or (step == "acknowledge" and alert.status not in UNANSWERED)
        or (step == "escalate" and alert.escalated_at is not None)
    )
    return "#steps" if hidden else f"#{STEPS[step][0]}"


def _take_step(
    request: HttpRequest, alert: Alert, reference: str, purpose: str, access_reason: str
) -> HttpResponse:
    form = request.POST
    step = form.get("step", "")
    try:
        if step == "acknowledge":
            event = lifecycle.acknowledge(alert, request.user, form.get("note", ""))
        elif step == "action":
            if not form.get("action"):
                raise lifecycle.StepRefused("choose the action taken")
            event = lifecycle.record_action(
                alert, request.user, form.get("action", ""), form.get("note", "")
            )
        elif step == "escalate":
            event = lifecycle.escalate(alert, request.user, form.get("reason", ""))
        elif step == "close":
            event = lifecycle.close(alert, request.user, form.get("outcome", ""))
        else:
            raise lifecycle.StepRefused(
                "choose a step: acknowledge, record the action, escalate or close"
            )
    except lifecycle.StepRefused as refused:
        alert.refresh_from_db()
        message = str(refused)
        return _show(
            request,
            alert,
            reference,
            purpose,
            status=400,
            error=message[:1].upper() + message[1:],
            step=step,
            access_reason=access_reason,
        )
    gate.audit(
        request,
        "write",
        "alert",
        object_id=str(alert.pk),
        subject=reference,
        disclosed={"step": step, "event": event.pk, "action": event.action},
        reason=access_reason,
    )
    return HttpResponseRedirect(_alert_link(alert.pk, purpose, done=step), status=303)


urlpatterns: list[URLPattern] = [
    path("alerts/", inbox, name="alerts"),
    path("alerts/<int:alert_id>/", alert_page, name="alert"),
]
