"""The child look-up for universal and unscheduled care: a child's flags and whom to call, at
the FLAG level, never the detail. An ED look-up of a flagged child tells the lead practitioner.
A child's case file at the level the access decision gives (the same service as the child
page, seen.casefile.childfile). And the aggregates strategic leaders see, small numbers
suppressed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Router, Schema
from pydantic import Field, StringConstraints

from seen.access.policy import Action, ChildRef, Level
from seen.api.access import audit, refuse_unknown_child, require
from seen.api.errors import ErrorOut
from seen.casefile.aggregates import SMALL_NUMBER, alert_counts
from seen.casefile.childfile import CaseFile, case_file
from seen.casefile.flags import flags_for
from seen.casefile.subjects import NoSuchChild, resolve_child
from seen.people.models import Person

router = Router(tags=["children"])

# A person reference as Seen issues them (seen.linkage.persons.reference_for): anything else is a
# 422 with the reason, never a query (PostgreSQL refuses a NUL character with an error).
PERSON_BY_REFERENCE = f"SELECT * FROM {Person._meta.db_table} WHERE reference = %s"
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
    # the busiest look-up in Seen: the person in plain SQL rather than a compiled query
    found = list(Person.objects.raw(PERSON_BY_REFERENCE, [reference]))
    if not found:
        refuse_unknown_child(
            request,
            reference,
            Action.CHECK_CHILD,
            "no child with this reference",
            object_type="child_flags",
        )
    child = found[0]
    require(
        request,
        Action.CHECK_CHILD,
        ChildRef(person=child.pk),
        object_type="child_flags",
        object_id=child.reference,
    )
    flags = flags_for(child, request.user)  # an ED look tells the lead (seen.casefile.flags)
    told = flags.lead_told
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


class SeenOut(Schema):
    status: str = Field(description="seen, not seen, or not known (a gap)")
    on: date | None
    by: str
    why_not: str


class PersonAroundOut(Schema):
    reference: str | None = Field(description="the person page's reference; none if unlinked")
    kinds: list[str]
    names: list[str] = Field(description="as recorded; [shielded] without clearance")
    dob: str | None
    addresses: list[str]
    areas: list[str]
    recorded_by: list[str]
    seen: SeenOut


class ProgrammeOut(Schema):
    ref: str
    programme: str
    person: str
    events: list[tuple[date, str]]
    engagement: str


class PlanOut(Schema):
    id: int
    kind: str
    start: date
    end: date | None
    category: str
    lead: str
    key_worker: str
    review_date: date | None
    agency: str
    current: bool
    programmes: list[ProgrammeOut]


class AlertStepOut(Schema):
    at: datetime
    kind: str
    by: str
    note: str


class AlertOut(Schema):
    id: int
    rule: str
    severity: str
    status: str
    open: bool
    explanation: str
    raised_at: datetime
    deadline: datetime
    owner: str
    escalated_to: str
    outcome: str
    steps: list[AlertStepOut]


class EntryOut(Schema):
    on: date
    type: str
    what: str
    detail: str
    about: str
    agency: str
    area: str


class CaseFileOut(Schema):
    reference: str
    unborn: bool
    level: str = Field(description="flag or household: what the access decision allows")
    reason: str
    needs_basis: bool = Field(description="household detail needs the lawful basis recorded")
    flags: list[str]
    call: list[ContactOut]
    names: list[str]
    dob: date | None
    expected: date | None
    areas: list[str]
    responsible: list[ContactOut]
    people: list[PersonAroundOut]
    plans: list[PlanOut]
    programmes: list[ProgrammeOut]
    alerts: list[AlertOut]
    timeline: list[EntryOut]


def _case_file_out(file: CaseFile, needs_basis: bool) -> CaseFileOut:
    return CaseFileOut(
        reference=file.reference,
        unborn=file.unborn,
        level="household" if file.level >= Level.HOUSEHOLD else "flag",
        reason=file.reason,
        needs_basis=needs_basis,
        flags=file.flags.kinds,
        call=[ContactOut(**vars(c)) for c in file.flags.call],
        names=file.names,
        dob=file.dob,
        expected=file.expected,
        areas=file.areas,
        responsible=[ContactOut(**vars(c)) for c in file.responsible],
        people=[
            PersonAroundOut(
                reference=p.reference,
                kinds=p.kinds,
                names=p.names,
                dob=p.dob,
                addresses=p.addresses,
                areas=p.areas,
                recorded_by=p.recorded_by,
                seen=SeenOut(**vars(p.seen)),
            )
            for p in file.people
        ],
        plans=[
            PlanOut(
                **{k: v for k, v in vars(plan).items() if k != "programmes"},
                programmes=[ProgrammeOut(**vars(g)) for g in plan.programmes],
            )
            for plan in file.plans
        ],
        programmes=[ProgrammeOut(**vars(g)) for g in file.programmes],
        alerts=[
            AlertOut(
                **{k: v for k, v in vars(a).items() if k != "steps"},
                steps=[AlertStepOut(**vars(s)) for s in a.steps],
            )
            for a in file.alerts
        ],
        timeline=[EntryOut(**vars(e)) for e in file.timeline],
    )


@router.get(
    "/{reference}",
    response={200: CaseFileOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="A child's case file",
)
def child_case_file(request: HttpRequest, reference: str) -> CaseFileOut:
    """The child (P… born, U… unborn) at the level the access decision gives: at the flag level
    the flags and whom to call; at the household level the people around the baby, plans and
    programmes, alerts and the timeline. Shielded values are replaced without clearance. A
    reference Seen holds no child under is refused as a child without a relationship is (403,
    audited); 404 only for what is not a child reference, or for a caller who may see any
    child. An ED clinician shown a flagged child tells its lead practitioners."""
    try:
        subject = resolve_child(reference)
    except NoSuchChild as missing:
        refuse_unknown_child(
            request, reference, Action.VIEW_CHILD, str(missing), object_type="child"
        )
    decision = require(
        request, Action.VIEW_CHILD, subject.ref, object_type="child", object_id=subject.reference
    )
    file = case_file(subject, decision, request.user)
    audit(
        request,
        "read",
        "child",
        subject.reference,
        subject=subject.reference if subject.person is not None else "",
        disclosed=file.disclosed(),
    )
    return _case_file_out(file, decision.needs_basis)
