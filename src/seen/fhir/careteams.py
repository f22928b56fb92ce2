"""A child's flags as CP-IS's CareTeam resources: one for each current plan (`category` CP-IS's
SNOMED CT concept where it has one, and Seen's own code; `name` the local authority; `telecom`
the named worker's number, `use` work, and the plan agency's duty number, `use` mobile;
`period` the plan's dates), and one for each flag that is not a plan (an adult around the
child with a relevant history, with whom to call; an open safeguarding alert). Never the
history, a finding, or anything beyond the flag level (docs/access.md).

The flags service (seen.casefile.flags) is the authority on which flags a child has: a team is
answered only for a kind it gives, and its plans and alerts are read here only for what CP-IS
carries beyond the kind (the dates, the local authority, the numbers)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from seen.areas.models import Agency, Practitioner
from seen.casefile.flags import ADULT_HISTORY, ADULT_HISTORY_RULES, OPEN_ALERT, PLAN_FLAGS
from seen.core import clock
from seen.facts.models import Plan
from seen.fhir.terms import FLAG_CONCEPTS, NHS_NUMBER, SNOMED, coding, snomed_for
from seen.rules.models import Alert

Resource = dict[str, Any]
ROLE_LABELS: dict[str, str] = dict(Practitioner.Role.choices)


@dataclass(frozen=True)
class Child:
    """A child the search found: born (`person`), or unborn (its pregnancy rows), and how the
    CareTeam's subject names them (the NHS number searched, and a name to confirm them)."""

    reference: str  # P… born, U… unborn (seen.casefile.subjects)
    person: int | None
    pregnancies: tuple[int, ...]
    nhs_number: str
    display: str  # "" for none

    @property
    def unborn(self) -> bool:
        return self.person is None


def local_authority(agency: Agency | None) -> str:
    """CP-IS names the local authority: the agency's area, else the agency."""
    if agency is None:
        return "Seen"
    return f"{agency.area.name} Local Authority" if agency.area else agency.name


def _subject(child: Child) -> Resource:
    subject: Resource = {"identifier": {"system": NHS_NUMBER, "value": child.nhs_number}}
    if child.display:
        subject["display"] = child.display
    return subject


def _about(child: Child) -> Q:
    """A plan's or an alert's rows about the child, as the flags service reaches them: the
    child's records and the pregnancies that became it, or the unborn child's pregnancies."""
    about = Q(pregnancy_id__in=child.pregnancies)
    if child.person is not None:
        about |= Q(pregnancy__child__person_id=child.person)
    return about


def _participant(worker: Practitioner) -> Resource:
    return {
        "role": [{"text": ROLE_LABELS.get(worker.role, worker.role)}],
        "member": {"display": worker.name},
    }


def _telecom(work: Iterable[str], mobile: Iterable[str]) -> list[Resource]:
    numbers = [("work", n) for n in dict.fromkeys(work) if n]
    numbers += [("mobile", n) for n in dict.fromkeys(mobile) if n]
    return [{"system": "phone", "value": value, "use": use} for use, value in numbers]


def _team(
    child: Child,
    identifier: str,
    categories: list[Resource],
    name: str,
    workers: list[Practitioner],
    telecom: list[Resource],
) -> Resource:
    team: Resource = {
        "resourceType": "CareTeam",
        "id": identifier,
        "status": "active",
        "category": categories,
        "name": name,
        "subject": _subject(child),
    }
    if workers:
        team["participant"] = [_participant(w) for w in workers]
    if telecom:
        team["telecom"] = telecom
    return team


def _plan_team(child: Child, plan: Plan, flag_system: str) -> Resource:
    label = PLAN_FLAGS.get(plan.kind, plan.kind)
    categories = []
    if (concept := snomed_for(plan.kind, unborn=child.unborn)) is not None:
        categories.append({"coding": [coding(SNOMED, concept)]})
    categories.append({"coding": [coding(flag_system, FLAG_CONCEPTS[label])]})
    workers: list[Practitioner] = []
    for worker in (plan.lead_practitioner, plan.key_worker):
        if isinstance(worker, Practitioner):
            workers.append(worker)
    team = _team(
        child,
        f"plan-{plan.pk}",
        categories,
        local_authority(plan.agency),
        workers,
        _telecom((w.phone for w in workers), [plan.agency.duty_phone]),
    )
    team["managingOrganization"] = [{"display": plan.agency.name}]
    period = {"start": plan.occurred_on.isoformat()}
    if plan.end is not None:
        period["end"] = plan.end.isoformat()
    team["period"] = period
    return team


def _alert_team(child: Child, kind: str, alerts: list[Alert], flag_system: str) -> Resource:
    """The team of a flag raised by open alerts: for an adult's history, whom to call (each
    alert's owner: the named practitioner, else the owning agency's duty team); for an open
    alert, as the flags service says, only that it is open (the plans' teams say whom to call)."""
    workers: list[Practitioner] = []
    duty: list[str] = []
    if kind == ADULT_HISTORY:
        for alert in alerts:
            worker = alert.owner_practitioner
            if worker is not None:
                if worker not in workers:
                    workers.append(worker)
                if not worker.phone:
                    duty.append(worker.agency.duty_phone)
            elif alert.owner_agency is not None:
                duty.append(alert.owner_agency.duty_phone)
    owner = next((a.owner_agency for a in alerts if a.owner_agency is not None), None)
    concept = FLAG_CONCEPTS[kind]
    return _team(
        child,
        f"{child.reference}-{concept.code}",
        [{"coding": [coding(flag_system, concept)]}],
        local_authority(owner),
        workers,
        _telecom((w.phone for w in workers), duty),
    )


def care_teams(child: Child, kinds: list[str], flag_system: str) -> list[Resource]:
    """The child's CareTeams for the flags the flags service gave (`kinds`), in its order:
    plans by their start, then an adult's history, then an open alert."""
    today = clock.today()
    current = (Q(end__isnull=True) | Q(end__gte=today)) & Q(occurred_on__lte=today)
    about = _about(child)
    if child.person is not None:
        about |= Q(child__person_id=child.person)
    plans = (
        Plan.objects.filter(about & current)
        .select_related("agency__area", "lead_practitioner", "key_worker")
        .order_by("occurred_on", "pk")
    )
    teams = [
        _plan_team(child, plan, flag_system)
        for plan in plans
        if PLAN_FLAGS.get(plan.kind, plan.kind) in kinds
    ]
    alert_kinds = [k for k in (ADULT_HISTORY, OPEN_ALERT) if k in kinds]
    if alert_kinds:
        alerts_about = _about(child)
        if child.person is not None:
            alerts_about |= Q(child_id=child.person)
        alerts = list(
            Alert.objects.filter(alerts_about)
            .exclude(status=Alert.Status.CLOSED)
            .select_related("owner_agency__area", "owner_practitioner__agency")
            .order_by("raised_at", "pk")
        )
        history = [a for a in alerts if a.rule_id in ADULT_HISTORY_RULES]
        for kind in alert_kinds:
            teams.append(
                _alert_team(child, kind, history if kind == ADULT_HISTORY else alerts, flag_system)
            )
    return teams
