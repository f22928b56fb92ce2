"""The partnership's alerts as a safeguarding lead oversees them: every alert, filtered by the
area and agency that own it, its rule, severity and status, a page at a time; and the
escalation overview, per owning agency, of what is open, overdue and escalated.

What oversight shows of an alert is who owns it and where it stands, never its finding or its
child: those stay on the alert's own page, for whoever answers for it (seen.rules.inbox)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, Min, Q, QuerySet

from seen.rules.inbox import RELATED, UNANSWERED
from seen.rules.models import Alert

PAGE_SIZE = 50
PARTNERSHIP_WIDE = "partnership-wide"  # the area of an agency serving every area (police)
STATUSES = {
    "open": "Open",
    "overdue": "Overdue and unacknowledged",
    "escalated": "Escalated and still open",
    "closed": "Closed",
    "all": "All",
}


@dataclass(frozen=True)
class Filters:
    """Which alerts to show; an empty value shows every one."""

    area: str = ""  # an area's code, or PARTNERSHIP_WIDE
    rule: str = ""  # a rule's identifier
    owner: str = ""  # the owning agency's code
    severity: str = ""
    status: str = "open"  # one of STATUSES


def _overdue(now: datetime) -> Q:
    return Q(status__in=UNANSWERED, deadline__lt=now)


def _escalated() -> Q:
    return Q(escalated_at__isnull=False) & ~Q(status=Alert.Status.CLOSED)


def overseen(filters: Filters, now: datetime) -> QuerySet[Alert]:
    """The alerts the filters choose: open ones by deadline, closed ones latest first."""
    alerts = Alert.objects.select_related(*RELATED, "owner_agency__area")
    if filters.area == PARTNERSHIP_WIDE:
        alerts = alerts.filter(owner_agency__area__isnull=True)
    elif filters.area:
        alerts = alerts.filter(owner_agency__area__code=filters.area)
    if filters.rule:
        alerts = alerts.filter(rule_id=filters.rule)
    if filters.owner:
        alerts = alerts.filter(owner_agency__code=filters.owner)
    if filters.severity:
        alerts = alerts.filter(severity=filters.severity)
    if filters.status == "open":
        alerts = alerts.exclude(status=Alert.Status.CLOSED)
    elif filters.status == "overdue":
        alerts = alerts.filter(_overdue(now))
    elif filters.status == "escalated":
        alerts = alerts.filter(_escalated())
    elif filters.status == "closed":
        return alerts.filter(status=Alert.Status.CLOSED).order_by("-closed_at", "-pk")
    return alerts.order_by("deadline", "pk")


def page_of(filters: Filters, number: int, now: datetime) -> Page[Alert]:
    """One page of the chosen alerts (a number past the last page gives the last)."""
    return Paginator(overseen(filters, now), PAGE_SIZE).get_page(number)


@dataclass(frozen=True)
class AgencyLoad:
    """What one owning agency has open, for the escalation overview."""

    code: str
    name: str
    area: str  # the area's name, or "" for an agency serving every area
    open: int
    overdue: int
    escalated: int
    oldest_deadline: datetime | None  # of its overdue, unacknowledged alerts


def escalation_overview(now: datetime) -> list[AgencyLoad]:
    """Per owning agency with open alerts: how many are open, overdue and unacknowledged, and
    escalated; the agencies with the most overdue first."""
    rows = (
        Alert.objects.exclude(status=Alert.Status.CLOSED)
        .values("owner_agency__code", "owner_agency__name", "owner_agency__area__name")
        .annotate(
            open_count=Count("pk"),
            overdue_count=Count("pk", filter=_overdue(now)),
            escalated_count=Count("pk", filter=_escalated()),
            oldest=Min("deadline", filter=_overdue(now)),
        )
    )
    loads = [
        AgencyLoad(
            code=row["owner_agency__code"] or "",
            name=row["owner_agency__name"] or "No agency",
            area=row["owner_agency__area__name"] or "",
            open=row["open_count"],
            overdue=row["overdue_count"],
            escalated=row["escalated_count"],
            oldest_deadline=row["oldest"],
        )
        for row in rows
    ]
    return sorted(loads, key=lambda load: (-load.overdue, -load.escalated, -load.open, load.name))
