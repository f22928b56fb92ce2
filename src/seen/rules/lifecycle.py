"""An alert's life: raised -> seen -> acknowledged -> action recorded -> closed, each step with
who and when; and escalation to the safeguarding lead, by its owner with a reason or by Seen
when the deadline passes unacknowledged.

Every face (the pages, the API, the commands) takes these steps through these functions; a step
that cannot be taken raises StepRefused with the reason in words, for the user to read."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db import transaction

from seen.areas.models import Practitioner
from seen.core import clock
from seen.core.errors import Conflict
from seen.rules.models import Alert, AlertEvent
from seen.rules.routing import safeguarding_lead

User = AbstractBaseUser | AnonymousUser | None

_ORDER: list[str] = [
    Alert.Status.RAISED,
    Alert.Status.SEEN,
    Alert.Status.ACKNOWLEDGED,
    Alert.Status.ACTIONED,
    Alert.Status.CLOSED,
]


OUTCOME_MAX = 200  # Alert.outcome
NOTE_MAX = 5000


class StepRefused(Conflict):
    """The step cannot be taken on this alert; the message says why."""


def _text(value: str, what: str, limit: int = NOTE_MAX) -> str:
    """Free text as it is stored: trimmed, of a length the column holds, and without control
    characters other than line breaks and tabs (PostgreSQL cannot store a NUL)."""
    text = value.strip()
    if any(ord(c) < 32 and c not in "\n\r\t" for c in text):
        raise StepRefused(f"{what} holds a control character: remove it")
    if len(text) > limit:
        raise StepRefused(f"{what} must be {limit} characters or fewer")
    return text


def _who(user: User) -> tuple[AuthUser, str]:
    if not isinstance(user, AuthUser) or not user.is_authenticated:
        raise StepRefused("a step on an alert needs a signed-in user")
    return user, user.get_username()


def _step(
    alert: Alert, kind: str, status: str, user: User, *, note: str = "", action: str = ""
) -> AlertEvent:
    person, name = _who(user)
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.status == Alert.Status.CLOSED:
            raise StepRefused("this alert is closed")
        now = clock.now()
        if _ORDER.index(status) > _ORDER.index(alert.status):  # steps never go back
            alert.status = status
        if status == Alert.Status.CLOSED:
            alert.closed_at = now
            alert.outcome = note
        alert.save(update_fields=["status", "closed_at", "outcome"])
        return AlertEvent.objects.create(
            alert=alert, kind=kind, at=now, user=person, by=name, note=note, action=action
        )


def mark_seen(alert: Alert, user: User) -> AlertEvent | None:
    """The owner opened it. Recorded once per user; later views are for the audit log."""
    person, _ = _who(user)
    if AlertEvent.objects.filter(alert=alert, kind=AlertEvent.Kind.SEEN, user=person).exists():
        return None
    return _step(alert, AlertEvent.Kind.SEEN, Alert.Status.SEEN, user)


def acknowledge(alert: Alert, user: User, note: str = "") -> AlertEvent:
    note = _text(note, "the note")
    return _step(alert, AlertEvent.Kind.ACKNOWLEDGED, Alert.Status.ACKNOWLEDGED, user, note=note)


def record_action(alert: Alert, user: User, action: str, note: str = "") -> AlertEvent:
    if action not in AlertEvent.Action.values:
        choices = ", ".join(AlertEvent.Action.values)
        raise StepRefused(f"unknown action {action!r}: one of {choices}")
    note = _text(note, "the note")
    if action == AlertEvent.Action.NO_FURTHER_ACTION and not note:
        raise StepRefused("no further action needs a reason")
    return _step(
        alert, AlertEvent.Kind.ACTION, Alert.Status.ACTIONED, user, note=note, action=action
    )


def close(alert: Alert, user: User, outcome: str) -> AlertEvent:
    outcome = _text(outcome, "the outcome", OUTCOME_MAX)
    if not outcome:
        raise StepRefused("closing an alert needs its outcome")
    if not AlertEvent.objects.filter(alert=alert, kind=AlertEvent.Kind.ACTION).exists():
        raise StepRefused("record the action taken before closing the alert")
    return _step(alert, AlertEvent.Kind.CLOSED, Alert.Status.CLOSED, user, note=outcome)


def lead_for(alert: Alert) -> Practitioner | None:
    """The safeguarding lead an alert goes to: the owning agency's own, else its area's, else
    the partnership's first (seen.rules.routing.safeguarding_lead)."""
    agency = alert.owner_agency
    areas = {agency.area.code} if agency is not None and agency.area is not None else set()
    return safeguarding_lead(areas, alert.owner_agency_id)


def escalate(alert: Alert, user: User, reason: str) -> AlertEvent:
    """Its owner sends the alert to the safeguarding lead now, saying why. Once: an alert
    already escalated (by a person or by its deadline) stays with that lead."""
    person, name = _who(user)
    reason = _text(reason, "the reason")
    if not reason:
        raise StepRefused("escalating an alert needs a reason")
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.status == Alert.Status.CLOSED:
            raise StepRefused("this alert is closed")
        if alert.escalated_at is not None:
            to = alert.escalated_to.name if alert.escalated_to else "the safeguarding lead"
            raise StepRefused(f"this alert is already escalated to {to}")
        lead = lead_for(alert)
        if lead is None:
            raise StepRefused("the partnership names no safeguarding lead to escalate to")
        now = clock.now()
        alert.escalated_at = now
        alert.escalated_to = lead
        alert.save(update_fields=["escalated_at", "escalated_to"])
        return AlertEvent.objects.create(
            alert=alert,
            kind=AlertEvent.Kind.ESCALATED,
            at=now,
            user=person,
            by=name,
            note=f"escalated to {lead.name}: {reason}",
        )


def escalate_overdue() -> list[Alert]:
    """Alerts past their deadline and not yet acknowledged go to the safeguarding lead, once."""
    now = clock.now()
    overdue = Alert.objects.filter(
        status__in=[Alert.Status.RAISED, Alert.Status.SEEN],
        deadline__lt=now,
        escalated_at__isnull=True,
    ).select_related("owner_agency", "owner_agency__area")
    escalated = []
    for alert in overdue:
        areas = (
            {alert.owner_agency.area.code}
            if alert.owner_agency and alert.owner_agency.area
            else set()
        )
        lead = safeguarding_lead(areas, alert.owner_agency_id)
        with transaction.atomic():
            alert.escalated_at = now
            alert.escalated_to = lead
            alert.save(update_fields=["escalated_at", "escalated_to"])
            AlertEvent.objects.create(
                alert=alert,
                kind=AlertEvent.Kind.ESCALATED,
                at=now,
                by="Seen",
                note=(
                    f"not acknowledged by its deadline ({alert.deadline:%d %b %Y %H:%M}); "
                    f"escalated to {lead.name if lead else 'the safeguarding lead (none named)'}"
                ),
            )
        escalated.append(alert)
    return escalated
