"""The alerts API: the alerts a user answers for, one alert with what it rests on and its life,
and the steps on it (acknowledge, record the action, escalate, close). The same services as the
pages (/alerts/) and the `alerts` command: seen.rules.inbox for who answers and what is shown,
seen.rules.lifecycle for the steps.

Access: signed in (401), then for the list the VIEW_OWN_ALERTS decision, and for one alert both
that the user answers for it and the access decision about its child (VIEW_CHILD to read,
ACT_ON_ALERT for a step), with the purpose in the `Seen-Purpose` header (403 with the reason).
An unknown alert is a 404, a step the alert's state refuses a 409 with the reason, a bad body a
422 with the field. Every read, write and refusal is audited."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from seen.access.policy import Action, profile_of
from seen.api.access import audit, purpose_of, require
from seen.api.errors import ErrorOut
from seen.core import clock
from seen.rules import lifecycle
from seen.rules.inbox import (
    RELATED,
    SHOW,
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

router = Router(tags=["alerts"])

# Free text as the lifecycle stores it: no NUL (PostgreSQL cannot store one), of a length the
# columns hold. Other control characters are refused by seen.rules.lifecycle (a 409).
_NO_NUL = r"^[^\x00]*$"
Note = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=lifecycle.NOTE_MAX, pattern=_NO_NUL),
]
Reason = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=lifecycle.NOTE_MAX, pattern=_NO_NUL
    ),
]
Outcome = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=lifecycle.OUTCOME_MAX, pattern=_NO_NUL
    ),
]


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]] = Field(description="each field refused, and why")


class AlertFilter(Schema):
    show: Literal["open", "overdue", "closed"] = Field(
        "open", description="open (overdue first), overdue, or closed (latest first)"
    )
    limit: int = Field(200, ge=1, le=500)


assert set(SHOW) == {"open", "overdue", "closed"}


class AlertSummaryOut(Schema):
    id: int
    rule: str
    child: str = Field(description="the child's reference (P… born, U… unborn)")
    severity: str
    status: str
    raised_at: datetime
    deadline: datetime
    overdue: bool
    summary: str
    owner: str
    escalated_to: str | None


class FactOut(Schema):
    kind: str
    id: int
    occurred_on: date | None = Field(description="None when the fact is no longer held")
    agency: str


class PersonOut(Schema):
    reference: str
    role: str


class EventOut(Schema):
    kind: str
    at: datetime
    by: str
    action: str
    note: str


class AlertOut(AlertSummaryOut):
    explanation: str
    routed_because: str
    facts: list[FactOut]
    people: list[PersonOut]
    events: list[EventOut]
    closed_at: datetime | None
    outcome: str


class AcknowledgeIn(Schema):
    note: Note = ""


class ActionIn(Schema):
    action: Literal["referral_made", "escalated", "strategy_discussion", "no_further_action"]
    note: Note = Field("", description="needed for no_further_action: why")


assert set(AlertEvent.Action.values) == {
    "referral_made",
    "escalated",
    "strategy_discussion",
    "no_further_action",
}


class EscalateIn(Schema):
    reason: Reason


class CloseIn(Schema):
    outcome: Outcome


READ = {200: AlertOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
STEP = {**READ, 409: ErrorOut}


def _owner(alert: Alert) -> str:
    if alert.owner_practitioner is not None:
        return alert.owner_practitioner.name
    if alert.owner_agency is not None:
        return f"the {alert.owner_role.replace('_', ' ')} team, {alert.owner_agency.name}"
    return "not routed"


def _summary(alert: Alert, now: datetime) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "rule": alert.rule_id,
        "child": child_reference(alert),
        "severity": alert.severity,
        "status": alert.status,
        "raised_at": alert.raised_at,
        "deadline": alert.deadline,
        "overdue": overdue(alert, now),
        "summary": summary(alert.explanation),
        "owner": _owner(alert),
        "escalated_to": alert.escalated_to.name if alert.escalated_to else None,
    }


@router.get(
    "",
    response={200: list[AlertSummaryOut], 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="The alerts you answer for",
)
def my_alerts(request: HttpRequest, filters: Query[AlertFilter]) -> list[AlertSummaryOut]:
    """Routed to you by name, to your team, or escalated to you (a safeguarding lead: every
    alert of the partnership)."""
    require(request, Action.VIEW_OWN_ALERTS, object_type="alerts")
    profile = profile_of(request.user)
    if profile is None:  # require() refused already; for the type checker
        raise HttpError(403, "you are not signed in with a role in Seen")
    now = clock.now()
    alerts = owed_shown(profile, filters.show, filters.limit)
    out = [AlertSummaryOut(**_summary(a, now)) for a in alerts]
    children = sorted({a.child for a in out} - {""})
    audit(
        request,
        "read",
        "alerts",
        subjects=children,
        disclosed={"show": filters.show, "alerts": [a.id for a in out], "children": children},
    )
    return out


def _load(request: HttpRequest, alert_id: int, action: str) -> tuple[Alert, str]:
    """The alert, if this user may read it (VIEW_CHILD) or act on it (ACT_ON_ALERT)."""
    if not request.user.is_authenticated:
        raise HttpError(401, "sign in first")
    alert = Alert.objects.select_related(*RELATED).filter(pk=alert_id).first()
    if alert is None:
        raise HttpError(404, f"no alert {alert_id}")
    reference = child_reference(alert)
    access = alert_access(request.user, alert, action, purpose_of(request))
    if not access.allowed:
        audit(
            request,
            "denied",
            "alert",
            str(alert.pk),
            subject=reference,
            outcome="denied",
            reason=access.reason,
        )
        raise HttpError(403, access.reason)
    return alert, reference


def _out(request: HttpRequest, alert: Alert, reference: str) -> AlertOut:
    """The whole alert, audited as a read."""
    alert.refresh_from_db()
    facts = grounds(alert)
    people = people_named(alert)
    events = list(alert.events.all())
    audit(
        request,
        "read",
        "alert",
        str(alert.pk),
        subject=reference,
        disclosed={
            "fields": ["explanation", "facts", "people", "routing", "owner", "deadline", "events"],
            "facts": [[g.kind, g.id] for g in facts],
            "people": [p.reference for p in people],
            "events": [e.pk for e in events],
        },
    )
    return AlertOut(
        **_summary(alert, clock.now()),
        explanation=alert.explanation,
        routed_because=alert.routed_because,
        facts=[
            FactOut(kind=g.kind, id=g.id, occurred_on=g.occurred_on, agency=g.agency)
            for g in facts
        ],
        people=[PersonOut(reference=p.reference, role=p.role) for p in people],
        events=[
            EventOut(kind=e.kind, at=e.at, by=e.by, action=e.action, note=e.note) for e in events
        ],
        closed_at=alert.closed_at,
        outcome=alert.outcome,
    )


@router.get("/{alert_id}", response=READ, summary="One alert: why, on what, and its life")
def alert_detail(request: HttpRequest, alert_id: int) -> AlertOut:
    """Opened by its owner, the alert is marked seen (once per user)."""
    alert, reference = _load(request, alert_id, Action.VIEW_CHILD)
    profile = profile_of(request.user)
    if profile is not None and alert.open and owns(profile, alert):
        seen = lifecycle.mark_seen(alert, request.user)
        if seen is not None:
            _written(request, alert, reference, "seen", seen)
    return _out(request, alert, reference)


def _written(
    request: HttpRequest, alert: Alert, reference: str, step: str, event: AlertEvent
) -> None:
    audit(
        request,
        "write",
        "alert",
        str(alert.pk),
        subject=reference,
        disclosed={"step": step, "event": event.pk, "action": event.action},
    )


def _step(request: HttpRequest, alert_id: int, step: str, take: Any) -> AlertOut:
    alert, reference = _load(request, alert_id, Action.ACT_ON_ALERT)
    try:
        event = take(alert)
    except lifecycle.StepRefused as refused:
        audit(
            request,
            "write",
            "alert",
            str(alert.pk),
            subject=reference,
            outcome="denied",
            reason=str(refused),
            disclosed={"step": step},
        )
        raise HttpError(409, str(refused)) from None
    _written(request, alert, reference, step, event)
    return _out(request, alert, reference)


@router.post("/{alert_id}/acknowledge", response=STEP, summary="Acknowledge an alert")
def acknowledge(request: HttpRequest, alert_id: int, body: AcknowledgeIn) -> AlertOut:
    return _step(
        request,
        alert_id,
        "acknowledge",
        lambda a: lifecycle.acknowledge(a, request.user, body.note),
    )


@router.post("/{alert_id}/action", response=STEP, summary="Record the action taken")
def record_action(request: HttpRequest, alert_id: int, body: ActionIn) -> AlertOut:
    """`no_further_action` needs a note saying why."""
    return _step(
        request,
        alert_id,
        "action",
        lambda a: lifecycle.record_action(a, request.user, body.action, body.note),
    )


@router.post(
    "/{alert_id}/escalate", response=STEP, summary="Escalate to the safeguarding lead"
)
def escalate(request: HttpRequest, alert_id: int, body: EscalateIn) -> AlertOut:
    """Once: an alert already escalated stays with that lead (409)."""
    return _step(
        request, alert_id, "escalate", lambda a: lifecycle.escalate(a, request.user, body.reason)
    )


@router.post("/{alert_id}/close", response=STEP, summary="Close an alert with its outcome")
def close(request: HttpRequest, alert_id: int, body: CloseIn) -> AlertOut:
    """After the action taken is recorded (409 before)."""
    return _step(
        request, alert_id, "close", lambda a: lifecycle.close(a, request.user, body.outcome)
    )
