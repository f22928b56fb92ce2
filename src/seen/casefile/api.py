"""The child look-up for universal and unscheduled care: a child's flags and whom to call, at
the FLAG level, never the detail. An ED look-up of a flagged child tells the lead practitioner.
And the aggregates strategic leaders see, small numbers suppressed."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Schema
from pydantic import StringConstraints

from seen.access.models import Role
from seen.access.policy import Action, ChildRef, profile_of
from seen.access.services import notify_lead_of_unscheduled_view
from seen.api.access import audit, require
from seen.casefile.aggregates import SMALL_NUMBER, alert_counts
from seen.casefile.flags import flags_for
from seen.people.models import Person

router = Router(tags=["children"])

# A person reference as Seen issues them (seen.linkage.persons.reference_for): anything else is a
# 422 with the reason, never a query (PostgreSQL refuses a NUL character with an error).
PersonReference = Annotated[str, StringConstraints(pattern=r"^P[0-9]{1,19}$")]


class ContactOut(Schema):
    name: str
    role: str
    agency: str
    phone: str


class FlagsOut(Schema):
    child: str
    flagged: bool
    flags: list[str]
    call: list[ContactOut]
    lead_told: bool


@router.get("/{reference}/flags", response=FlagsOut, summary="A child's flags and whom to call")
def child_flags(request: HttpRequest, reference: Path[PersonReference]) -> FlagsOut:
    """For a clinician or practitioner with the child in front of them (declare the purpose
    `unscheduled_care` in an emergency department) or on their caseload."""
    child = get_object_or_404(Person, reference=reference)
    require(
        request,
        Action.CHECK_CHILD,
        ChildRef(person=child.pk),
        object_type="child_flags",
        object_id=child.reference,
    )
    flags = flags_for(child)
    told = 0
    profile = profile_of(request.user)
    if profile is not None and profile.role == Role.ED_CLINICIAN:
        told = notify_lead_of_unscheduled_view(request.user, child, flags.kinds)
    audit(
        request,
        "read",
        "child_flags",
        child.reference,
        subject=child.reference,
        disclosed={"flags": flags.kinds, "contacts": len(flags.call), "lead_told": told},
    )
    return FlagsOut(
        child=child.reference,
        flagged=bool(flags.kinds),
        flags=flags.kinds,
        call=[ContactOut(**vars(c)) for c in flags.call],
        lead_told=bool(told),
    )


class AlertCountsOut(Schema):
    rule: str
    area: str
    open: int | str
    overdue: int | str
    escalated: int | str
    closed: int | str


class AggregatesOut(Schema):
    suppressed_below: int
    alerts: list[AlertCountsOut]


aggregates_router = Router(tags=["aggregates"])


@aggregates_router.get("/alerts", response=AggregatesOut, summary="Alerts by rule and area")
def alert_aggregates(request: HttpRequest) -> AggregatesOut:
    """Counts for strategic leaders and safeguarding leads, small numbers suppressed."""
    require(request, Action.VIEW_AGGREGATES, object_type="aggregates")
    rows = alert_counts()
    audit(request, "read", "aggregates", "alerts", disclosed={"rows": len(rows)})
    return AggregatesOut(
        suppressed_below=SMALL_NUMBER, alerts=[AlertCountsOut(**vars(r)) for r in rows]
    )
