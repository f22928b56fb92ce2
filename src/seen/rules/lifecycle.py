"""An alert's life: raised -> seen -> acknowledged -> action recorded -> closed, each step with
who and when; and escalation to the safeguarding lead when the deadline passes unacknowledged."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db import transaction

from seen.core import clock
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


class StepRefused(ValueError):
    """The step cannot be taken on this alert; the message says why."""


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
    return _step(alert, AlertEvent.Kind.ACKNOWLEDGED, Alert.Status.ACKNOWLEDGED, user, note=note)


def record_action(alert: Alert, user: User, action: str, note: str = "") -> AlertEvent:
    if action not in AlertEvent.Action.values:
        choices = ", ".join(AlertEvent.Action.values)
        raise StepRefused(f"unknown action {action!r}: one of {choices}")
    if action == AlertEvent.Action.NO_FURTHER_ACTION and not note.strip():
        raise StepRefused("no further action needs a reason")
    return _step(
        alert, AlertEvent.Kind.ACTION, Alert.Status.ACTIONED, user, note=note.strip(), action=action
    )


def close(alert: Alert, user: User, outcome: str) -> AlertEvent:
    if not outcome.strip():
        raise StepRefused("closing an alert needs its outcome")
    if not AlertEvent.objects.filter(alert=alert, kind=AlertEvent.Kind.ACTION).exists():
        raise StepRefused("record the action taken before closing the alert")
    return _step(alert, AlertEvent.Kind.CLOSED, Alert.Status.CLOSED, user, note=outcome.strip())


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
