"""The facts API: record a contact, a pre-birth assessment, a 'was not brought' or an injury
observation about a child (the same service as the pages, seen.recording.facts: validated, written
with the author's agency, and the rules run for the child at once), and submit an agency extract
(a zip of the extract format: loaded with quarantine for bad rows, new people matched on arrival,
the rules run for what arrived).

Every bad input is a 4xx with a message: 422 for a body that does not fit its schema, 400 for a
record the service refuses (with each field's reason) or an unreadable extract, 403 when the
access decision refuses, 404 for a child Seen does not hold, 413 for an extract beyond the
partnership's bounds (seen.ingest.limits)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field, StringConstraints

from seen.access.policy import Action, profile_of
from seen.api.access import audit, purpose_of, refuse_unknown_child, require
from seen.casefile.subjects import CHILD_REFERENCE, NoSuchChild, Subject, resolve_child
from seen.core import scratch
from seen.facts.models import Appointment, Contact, Injury
from seen.ingest import uploads
from seen.ingest.arrivals import match_arrivals
from seen.ingest.errors import ExtractError, TooLarge
from seen.ingest.limits import Deadline, Limits
from seen.ingest.loader import ingest_extract
from seen.ingest.models import QuarantinedRow
from seen.recording import facts as recording
from seen.recording.validation import MAX_BODY_SITE, MAX_TEXT

router = Router(tags=["facts"])

ChildReference = Annotated[str, StringConstraints(pattern=CHILD_REFERENCE)]
PersonReference = Annotated[str, StringConstraints(pattern=r"^P[0-9]{1,19}$")]
_NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT, pattern=_NO_NUL)]
Needed = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT, pattern=_NO_NUL),
]
BodySite = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=MAX_BODY_SITE, pattern=_NO_NUL
    ),
]
YesNoNotKnown = Annotated[str, StringConstraints(pattern=r"^(yes|no|not_known)$")]
YesOrNo = Annotated[str, StringConstraints(pattern=r"^(yes|no)$")]
Moving = Annotated[
    str, StringConstraints(pattern="^(" + "|".join(m.value for m in recording.MOBILITIES) + ")$")
]

QUARANTINE_SHOWN = 1000  # the rest: `seen quarantine list`


class ProblemOut(Schema):
    detail: str = Field(description="why, in words")
    errors: dict[str, str] = Field(
        default_factory=dict, description="each field refused, and why (a 400 from the service)"
    )


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]] = Field(description="each field refused, and why")


class AlertOut(Schema):
    id: int
    rule: str
    severity: str
    deadline: datetime
    explanation: str


class PromptOut(Schema):
    rule: str
    statement: str = Field(description="the procedure, in its own wording")
    what_to_do: str
    alerts: list[str] = Field(description="the explanations of the alerts raised on this fact")


class RecordedOut(Schema):
    fact: int = Field(description="the new fact's id")
    kind: str
    local_id: str
    child: str = Field(description="the child's reference")
    alerts: list[AlertOut] = Field(description="open alerts resting on this fact")
    prompts: list[PromptOut]


class ContactIn(Schema):
    child: ChildReference
    occurred_on: date
    kind: Contact.Kind
    mother_seen: YesNoNotKnown
    father: PersonReference | None = Field(
        None, description="the father or male carer recorded around the child; null: not known"
    )
    father_seen: YesNoNotKnown
    father_not_seen_reason: Text = Field("", description="needed unless father_seen is yes")


class AssessmentIn(Schema):
    """A pre-birth assessment."""

    child: ChildReference
    occurred_on: date = Field(description="the day the assessment began")
    father: PersonReference | None = None
    father_involved: YesNoNotKnown
    father_not_involved_reason: Text = Field("", description="needed unless father_involved is yes")
    mother_checks_done: YesOrNo
    father_checks_done: YesOrNo


class WasNotBroughtIn(Schema):
    child: ChildReference
    occurred_on: date = Field(description="the day of the appointment")
    service: Appointment.Service
    followed_up_on: date | None = None


class InjuryIn(Schema):
    child: ChildReference
    occurred_on: date
    kind: Injury.Kind
    body_site: BodySite
    mobility: Moving = Field(description=f"one of {', '.join(recording.MOBILITIES)}")
    explanation: Needed = Field(description="the explanation given (if none, say so)")


ERRORS = {
    400: ProblemOut,
    401: ProblemOut,
    403: ProblemOut,
    404: ProblemOut,
    422: ValidationErrorOut,
}
RECORD = {201: RecordedOut, **ERRORS}
EXTRACT_ERRORS = {**ERRORS, 413: ProblemOut}


SAVE: dict[str, Callable[..., recording.Recorded]] = {
    recording.CONTACT: recording.record_contact,
    recording.ASSESSMENT: recording.record_pre_birth_assessment,
    recording.WAS_NOT_BROUGHT: recording.record_was_not_brought,
    recording.INJURY: recording.record_injury,
}


def _subject(request: HttpRequest, reference: str, object_type: str) -> Subject:
    try:
        subject = resolve_child(reference)
    except NoSuchChild as error:  # refused as a child without a relationship is (403)
        refuse_unknown_child(
            request, reference, Action.RECORD_FACT, str(error), object_type=object_type
        )
    require(
        request,
        Action.RECORD_FACT,
        subject.ref,
        object_type=object_type,
        object_id=subject.reference,
    )
    return subject


def _record(
    request: HttpRequest, kind: str, object_type: str, reference: str, details: Any
) -> Status[Any]:
    subject = _subject(request, reference, object_type)
    save = SAVE[kind]
    try:
        recorded = save(request.user, purpose_of(request), subject, details)
    except recording.RecordingRefused as refused:
        raise HttpError(403, str(refused)) from None
    except recording.RecordingInvalid as invalid:
        return Status(400, {"detail": "the record was not saved", "errors": invalid.errors})
    fact = recorded.fact
    audit(
        request,
        "write",
        object_type,
        str(fact.pk),
        subject=subject.reference,
        disclosed={
            "local_id": fact.local_id,
            "alerts": [a.pk for a in recorded.alerts],
            "raised": [a.pk for a in recorded.outcome.raised],
        },
    )
    return Status(
        201,
        RecordedOut(
            fact=fact.pk,
            kind=kind,
            local_id=fact.local_id,
            child=subject.reference,
            alerts=[
                AlertOut(
                    id=a.pk,
                    rule=a.rule_id,
                    severity=a.severity,
                    deadline=a.deadline,
                    explanation=a.explanation,
                )
                for a in recorded.alerts
            ],
            prompts=[
                PromptOut(
                    rule=p.rule,
                    statement=p.statement,
                    what_to_do=p.what_to_do,
                    alerts=list(p.alerts),
                )
                for p in recorded.prompts
            ],
        ),
    )


@router.post("/contacts", response=RECORD, summary="Record a contact")
def record_contact(request: HttpRequest, body: ContactIn) -> Status[Any]:
    """Who was seen, the father or male carer included (or why not). A mandated contact where he
    was not seen prompts the health visitor to engage him."""
    details = recording.ContactDetails(
        body.occurred_on,
        body.kind.value,
        body.mother_seen,
        body.father or recording.NOT_KNOWN,
        body.father_seen,
        body.father_not_seen_reason,
    )
    return _record(request, recording.CONTACT, "contact", body.child, details)


@router.post("/assessments", response=RECORD, summary="Record a pre-birth assessment")
def record_assessment(request: HttpRequest, body: AssessmentIn) -> Status[Any]:
    """The father's or male carer's involvement (or why not) and background checks on both
    parents."""
    details = recording.AssessmentDetails(
        body.occurred_on,
        body.father or recording.NOT_KNOWN,
        body.father_involved,
        body.father_not_involved_reason,
        body.mother_checks_done,
        body.father_checks_done,
    )
    return _record(request, recording.ASSESSMENT, "assessment", body.child, details)


@router.post("/was-not-brought", response=RECORD, summary="Record a child not brought")
def record_was_not_brought(request: HttpRequest, body: WasNotBroughtIn) -> Status[Any]:
    """An appointment the child was not brought to, and when it was followed up."""
    details = recording.WasNotBroughtDetails(
        body.occurred_on, body.service.value, body.followed_up_on
    )
    return _record(request, recording.WAS_NOT_BROUGHT, "appointment", body.child, details)


@router.post("/injuries", response=RECORD, summary="Record an injury observation")
def record_injury(request: HttpRequest, body: InjuryIn) -> Status[Any]:
    """An injury seen on the child, with the child's mobility: any injury on a non-mobile baby
    needs a same-day referral."""
    details = recording.InjuryDetails(
        body.occurred_on, body.kind.value, body.body_site, body.mobility, body.explanation
    )
    return _record(request, recording.INJURY, "injury", body.child, details)


# --- extracts -------------------------------------------------------------------------------------


class QuarantinedOut(Schema):
    file: str
    line: int
    field: str
    reason: str


class MatchingOut(Schema):
    status: str = Field(
        description="linked; no_model (no linkage model yet); deferred (more arrivals than are "
        "matched one by one: the next `seen link` matches them); failed (the rows are loaded and "
        "wait for `seen link`)"
    )
    detail: str


class ExtractOut(Schema):
    batch: int
    extract_id: str
    accepted: int
    updated: int
    unchanged: int
    quarantined: list[QuarantinedOut] = Field(
        description=f"bad rows, kept in quarantine (the first {QUARANTINE_SHOWN})"
    )
    quarantined_count: int = Field(description="how many rows were quarantined")
    refused_files: list[dict[str, str]] = Field(description="files refused whole, and why")
    linked_on_arrival: dict[str, int] | None = Field(
        description="new people matched on arrival (null: not matched, see matching)"
    )
    matching: MatchingOut = Field(description="how matching on arrival went")
    alerts: dict[str, int] = Field(description="alerts raised, updated and resolved")


@router.post(
    "/extracts",
    response={200: ExtractOut, **EXTRACT_ERRORS},
    summary="Submit an agency extract",
)
def submit_extract(request: HttpRequest, extract: File[UploadedFile | None] = None) -> Status[Any]:
    """A zip of the extract format (manifest.json and the CSV files, at the top of the zip or in
    one folder), sent as multipart form data in the field `extract`. Bad rows are quarantined
    with their file, line and reason, the rest is loaded; new people are matched on arrival and
    the rules run for the families that arrived. An extract beyond the partnership's bounds
    (bytes sent, bytes unpacked, rows, time: docs/extract-format.md) is refused whole with 413,
    before any row is written."""
    try:
        require(request, Action.SUBMIT_EXTRACT, object_type="extract")
        refused = uploads.upload_refusal(request)
        if refused:
            return Status(413, {"detail": refused})
        profile = profile_of(request.user)
        if profile is None or profile.agency is None:
            raise HttpError(403, "this system account belongs to no agency: ask the administrator")
        if extract is None:
            return Status(
                400, {"detail": "send the extract as a zip file in the form field 'extract'"}
            )
        name = str(extract.name or "extract.zip")
        limits = Limits.for_uploads()
        deadline = Deadline(limits.seconds)
        with scratch.folder("extract") as folder:
            try:
                directory = uploads.unpack_zip(extract, folder, limits, deadline)
                summary = ingest_extract(
                    directory, for_agency=profile.agency.code, limits=limits, deadline=deadline
                )
            except TooLarge as error:
                return Status(413, {"detail": str(error).replace(str(folder), name)})
            except ExtractError as error:
                return Status(400, {"detail": str(error).replace(str(folder), name)})
    finally:
        if extract is not None:
            extract.close()  # a spooled upload's file is deleted now, not at the request's end
    arrival = match_arrivals(summary.batch_id, batch_run=False)  # never a whole run here
    totals = summary.totals
    quarantined = QuarantinedRow.objects.filter(batch_id=summary.batch_id).order_by("file", "line")
    out = ExtractOut(
        batch=summary.batch_id,
        extract_id=summary.extract_id,
        accepted=totals.accepted,
        updated=totals.updated,
        unchanged=totals.unchanged,
        quarantined=[
            QuarantinedOut(file=q.file, line=q.line, field=q.field, reason=q.reason)
            for q in quarantined[:QUARANTINE_SHOWN]
        ],
        quarantined_count=quarantined.count(),
        refused_files=summary.refused_files,
        linked_on_arrival=arrival.linked,
        matching=MatchingOut(**arrival.as_dict()),
        alerts=arrival.alerts,
    )
    audit(
        request,
        "write",
        "extract",
        str(summary.batch_id),
        disclosed={
            "file": name[:100],
            "accepted": totals.accepted,
            "quarantined": totals.quarantined,
            "alerts": arrival.alerts,
            "matching": arrival.matching,
        },
    )
    return Status(200, out)
