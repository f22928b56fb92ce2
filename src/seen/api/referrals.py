"""A referral to a service and the steps of its uptake through the API: `GET
/api/referrals/{reference}` the referral with its steps, for those who see its child at the
household level (VIEW_CHILD); `POST /api/referrals/{reference}/uptake` a step (contacted,
offered, a session attended or missed, completed, declined, dropped out), by a practitioner who
may record about the child (RECORD_FACT), through the same service as the pages
(seen.recording.referrals.record_step). The reference is the referral's local id (the one the
service quotes) or its number.

Every bad input is a 4xx with a message: 422 for a body that does not fit its schema, 400 for a
step the service refuses (each field's reason), 401 signed out, 403 when the decision refuses
(a referral Seen does not hold is refused as a child without a relationship is), 404 for what is
not a referral's reference at all."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from seen.access.policy import Action, Decision, Level, decide_unknown_child
from seen.api.access import audit, purpose_of, require
from seen.casefile.subjects import Subject
from seen.core.procedures import title_of
from seen.facts.models import ServiceReferral, ServiceUptake
from seen.recording import referrals
from seen.recording.facts import RecordingInvalid, RecordingRefused
from seen.recording.validation import MAX_TEXT

router = Router(tags=["referrals"])

Text = Annotated[str, StringConstraints(max_length=MAX_TEXT, pattern=r"^[^\x00]*$")]


class ProblemOut(Schema):
    detail: str = Field(description="why, in words")
    errors: dict[str, str] = Field(
        default_factory=dict, description="each field refused, and why (a 400 from the service)"
    )


class StepIn(Schema):
    status: ServiceUptake.Status
    occurred_on: date = Field(description="the day of the step: not before the referral")
    session: int | None = Field(
        None, ge=1, le=referrals.MAX_SESSION, description="for attended or missed only"
    )
    reason: Text = Field("", description="needed for declined or dropped out")


class StepOut(Schema):
    id: int
    local_id: str
    status: str
    occurred_on: date
    session: int | None
    reason: str


class ReferralOut(Schema):
    id: int
    local_id: str = Field(description="the reference the service quotes")
    child: str = Field(description="the child's reference")
    person: str = Field(description="the referred parent's person reference")
    service: str = Field(description="the service's Open Referral UK id")
    service_name: str
    referred_on: date
    referrer: str | None
    agency: str = Field(description="the referring agency's code")
    basis: str
    lawful_basis: str
    reason: str
    procedure: str
    procedure_title: str
    status: str = Field(description="the latest step's status, or referred")
    contact_due: date = Field(description="the day the service said it would make contact by")
    overdue: bool = Field(description="no step, and the contact day has passed")
    ended: bool
    steps: list[StepOut]


ERRORS = {400: ProblemOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut}


def _referral(request: HttpRequest, reference: str, action: str) -> tuple[ServiceReferral, Subject]:
    """The referral and its child, or the refusal: a reference Seen holds no referral under is
    refused as a child without a relationship is (404 only for what is not a reference, or for
    a caller who may see any child)."""
    if not request.user.is_authenticated:
        raise HttpError(401, "sign in first")
    try:
        held = referrals.held_referral(reference)
    except referrals.NoSuchReferral as error:
        raise HttpError(404, str(error)) from None
    if held is None:
        unknown = decide_unknown_child(request.user, action, purpose_of(request))
        if unknown.allowed:
            raise HttpError(404, f"Seen holds no referral {reference}")
        audit(
            request, "denied", "referral", reference[:64], outcome="denied", reason=unknown.reason
        )
        raise HttpError(403, unknown.reason)
    return held


def _household(request: HttpRequest, decision: Decision, referral: ServiceReferral) -> None:
    if decision.level >= Level.HOUSEHOLD:
        return
    reason = (
        f"{decision.reason}: a referral is seen at the household level"
        if not decision.needs_basis
        else f"{decision.reason} (a referral is household detail)"
    )
    audit(request, "denied", "referral", str(referral.pk), outcome="denied", reason=reason)
    raise HttpError(403, reason)


def _out(referral: ServiceReferral, subject: Subject, request: HttpRequest) -> ReferralOut:
    uptake = referrals.uptake_of(referral)
    words = referrals.free_text_for(referral, subject, request.user)
    person = referrals.parent_reference(referral)
    referrer = referral.referrer
    return ReferralOut(
        id=referral.pk,
        local_id=referral.local_id,
        child=subject.reference,
        person=person,
        service=referral.service.oruk_id,
        service_name=referral.service.name,
        referred_on=referral.occurred_on,
        referrer=getattr(referrer, "name", None),
        agency=referral.agency.code,
        basis=referral.basis,
        lawful_basis=words(referral.lawful_basis),
        reason=words(referral.reason),
        procedure=referral.procedure,
        procedure_title=title_of(referral.procedure) if referral.procedure else "",
        status=uptake.status,
        contact_due=uptake.contact_due,
        overdue=uptake.overdue,
        ended=uptake.ended,
        steps=[_step(s, words(s.reason)) for s in uptake.steps],
    )


def _step(step: ServiceUptake, reason: str) -> StepOut:
    return StepOut(
        id=step.pk,
        local_id=step.local_id,
        status=step.status,
        occurred_on=step.occurred_on,
        session=step.session,
        reason=reason,
    )


@router.get("/{reference}", response={200: ReferralOut, **ERRORS}, summary="A referral")
def get_referral(request: HttpRequest, reference: str) -> Status[Any]:
    """The referral (who, which service, when, by whom, on what basis, why) with the steps of
    its uptake in order, and whether the service's stated time to first contact has passed."""
    referral, subject = _referral(request, reference, Action.VIEW_CHILD)
    decision = require(
        request, Action.VIEW_CHILD, subject.ref, object_type="referral", object_id=str(referral.pk)
    )
    _household(request, decision, referral)
    out = _out(referral, subject, request)
    audit(
        request,
        "read",
        "referral",
        str(referral.pk),
        subject=subject.reference,
        subjects=[subject.reference, out.person],
        disclosed={"person": out.person, "steps": [s.id for s in out.steps]},
    )
    return Status(200, out)


@router.post(
    "/{reference}/uptake",
    response={201: StepOut, **ERRORS},
    summary="Record a step of a referral's uptake",
)
def record_uptake(request: HttpRequest, reference: str, body: StepIn) -> Status[Any]:
    """One step, as the service reports it: its date not before the referral nor in the
    future; a session's number for attended or missed, and only then; a reason for declined or
    dropped out; nothing after the referral ended (completed, declined, dropped out)."""
    referral, subject = _referral(request, reference, Action.RECORD_FACT)
    require(
        request,
        Action.RECORD_FACT,
        subject.ref,
        object_type="referral_step",
        object_id=str(referral.pk),
    )
    details = referrals.StepDetails(body.status.value, body.occurred_on, body.session, body.reason)
    try:
        stepped = referrals.record_step(request.user, purpose_of(request), referral, details)
    except RecordingRefused as refused:
        raise HttpError(403, str(refused)) from None
    except RecordingInvalid as invalid:
        return Status(400, {"detail": "the step was not saved", "errors": invalid.errors})
    step = stepped.step
    audit(
        request,
        "write",
        "referral_step",
        str(step.pk),
        subject=subject.reference,
        disclosed={"referral": referral.pk, "status": step.status, "local_id": step.local_id},
    )
    return Status(201, _step(step, step.reason))
