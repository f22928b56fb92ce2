"""What a user owes: the alerts they answer for, for every face (the `alerts` command, the home
page, the API to come)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from seen.access.models import Role, StaffProfile
from seen.core import clock
from seen.rules.models import Alert


def owed_by(profile: StaffProfile) -> QuerySet[Alert]:
    """The alerts a user answers for: routed to them by name, to their agency's team in their
    role, or escalated to them; a safeguarding lead sees every alert of the partnership."""
    if profile.role == Role.SAFEGUARDING_LEAD:
        return Alert.objects.all()
    mine = (
        Q(owner_agency_id=profile.agency_id, owner_role=profile.role) if profile.agency_id else Q()
    )
    if profile.practitioner_id:
        mine |= Q(owner_practitioner_id=profile.practitioner_id)
        mine |= Q(escalated_to_id=profile.practitioner_id)
    return Alert.objects.filter(mine) if mine else Alert.objects.none()


UNANSWERED = (Alert.Status.RAISED, Alert.Status.SEEN)


def overdue(alert: Alert, now: datetime | None = None) -> bool:
    """Past its deadline and not yet acknowledged (as `seen alerts --overdue`)."""
    return alert.status in UNANSWERED and alert.deadline < (now or clock.now())


def open_owed_by(profile: StaffProfile, limit: int = 200) -> list[Alert]:
    """The open alerts a user answers for, most urgent first: overdue ones, then the rest, each
    by deadline; at most `limit`."""
    alerts = (
        owed_by(profile)
        .exclude(status=Alert.Status.CLOSED)
        .select_related("owner_agency", "owner_practitioner", "escalated_to")
        .order_by("deadline", "pk")[:limit]
    )
    now = clock.now()
    return sorted(alerts, key=lambda a: (not overdue(a, now), a.deadline, a.pk))


def audit_subject(alerts: list[Alert]) -> tuple[str, list[str]]:
    """What an audit entry for a list of alerts names: the child as its subject when there is
    one (the subject column holds one person reference), and every child in `disclosed`."""
    children = sorted({a.child_key for a in alerts})
    return (children[0] if len(children) == 1 else ""), children
