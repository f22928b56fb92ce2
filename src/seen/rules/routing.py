"""Who owns an alert: the partnership's routing table (agency kind and role, severity,
deadline), then the named practitioner with a legitimate relationship to the child in that
role, else that agency's team in the child's area, else the area's safeguarding lead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from seen.areas.models import Agency, Practitioner
from seen.people.models import Responsibility
from seen.rules.base import RouteSpec, Rule
from seen.rules.models import Route, Severity
from seen.rules.world import Child

# The responsibilities that make a practitioner of a role the named owner for a child.
RESPONSIBILITY_FOR_ROLE: dict[str, tuple[str, ...]] = {
    Practitioner.Role.MIDWIFE: (Responsibility.Role.NAMED_MIDWIFE,),
    Practitioner.Role.HEALTH_VISITOR: (Responsibility.Role.HEALTH_VISITOR,),
    Practitioner.Role.GP: (Responsibility.Role.GP,),
    Practitioner.Role.SOCIAL_WORKER: (
        Responsibility.Role.SOCIAL_WORKER,
        Responsibility.Role.LEAD_PRACTITIONER,
    ),
    Practitioner.Role.EARLY_HELP_KEY_WORKER: (
        Responsibility.Role.KEY_WORKER,
        Responsibility.Role.LEAD_PRACTITIONER,
    ),
    Practitioner.Role.PERSONAL_ADVISER: (Responsibility.Role.PERSONAL_ADVISER,),
}


@dataclass(frozen=True)
class Owner:
    agency_id: int | None
    role: str
    practitioner_id: int | None
    because: str


def route_for(rule: Rule) -> RouteSpec:
    """The partnership's route for a rule, or the rule's default."""
    row = Route.objects.filter(rule_id=rule.id).first()
    if row is None:
        return rule.route
    return RouteSpec(row.agency_kind, row.role, row.severity, row.deadline_hours)


def deadline(raised_at: datetime, route: RouteSpec) -> datetime:
    """Same-day alerts are due by the end of the day they are raised (local time); others
    after the route's hours."""
    if route.severity == Severity.SAME_DAY:
        local = timezone.localtime(raised_at)
        return local.replace(hour=23, minute=59, second=59, microsecond=0)
    return raised_at + timedelta(hours=route.deadline_hours)


def owner_for(child: Child, route: RouteSpec, today: date) -> Owner:
    named = _named_practitioner(child, route, today)
    if named is not None:
        return Owner(
            named.agency_id,
            route.role,
            named.pk,
            f"the child's named {named.get_role_display()}",
        )
    team = _team(child, route)
    if team is not None:
        return Owner(
            team.pk,
            route.role,
            None,
            f"no named {route.role.replace('_', ' ')} for this child: the team at {team.name}",
        )
    lead = safeguarding_lead(child.areas)
    return Owner(
        lead.agency_id if lead else None,
        Practitioner.Role.SAFEGUARDING_LEAD,
        lead.pk if lead else None,
        f"no {route.agency_kind.replace('_', ' ')} serves the child's area: the safeguarding lead",
    )


def named_owner(practitioner_id: int, because: str) -> Owner:
    """The practitioner a finding names as its owner (who made a referral), in their role."""
    practitioner = Practitioner.objects.get(pk=practitioner_id)
    return Owner(practitioner.agency_id, practitioner.role, practitioner.pk, because)


def _named_practitioner(child: Child, route: RouteSpec, today: date) -> Practitioner | None:
    kinds = RESPONSIBILITY_FOR_ROLE.get(route.role)
    if not kinds or not (child.records or child.pregnancies):
        return None
    responsibility = (
        Responsibility.objects.filter(
            Q(child__in=child.records) | Q(pregnancy__in=child.pregnancies),
            role__in=kinds,
            start__lte=today,
            practitioner__role=route.role,
        )
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .select_related("practitioner")
        .order_by("-start", "pk")
        .first()
    )
    return responsibility.practitioner if responsibility else None


def _team(child: Child, route: RouteSpec) -> Agency | None:
    agencies = Agency.objects.filter(kind=route.agency_kind)
    local = agencies.filter(area__code__in=sorted(child.areas)).order_by("area__code", "code")
    return local.first() or agencies.filter(area__isnull=True).order_by("code").first()


def safeguarding_lead(areas: set[str], agency_id: int | None = None) -> Practitioner | None:
    leads = Practitioner.objects.filter(role=Practitioner.Role.SAFEGUARDING_LEAD)
    if agency_id is not None:
        in_agency = leads.filter(agency_id=agency_id).order_by("pk").first()
        if in_agency:
            return in_agency
    return (
        leads.filter(agency__area__code__in=sorted(areas))
        .order_by("agency__area__code", "pk")
        .first()
        or leads.order_by("pk").first()
    )
