"""The FHIR face's interactions, as plain Django views answering `application/fhir+json`:

- `GET CareTeam?patient:identifier=https://fhir.nhs.uk/Id/nhs-number|{NHS number}`: the flags
  of the child holding the number, and of any unborn child of a mother holding it;
- `GET AuditEvent?patient:identifier=…`: who looked (unscheduled care) at such a child;
- `GET metadata` and `GET CodeSystem/seen-flag`: what the face is and Seen's codes.

Each search is signed in, refused before it is read unless the caller may check a child
presenting now (so a refusal never tells whether the number is known), then decided child by
child with the flags API's own decision, and audited (seen.fhir.access). An error is an
OperationOutcome (seen.fhir.responses)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from seen.access.policy import ChildRef
from seen.access.shielding import SHIELDED
from seen.casefile.flags import Flags, child_flags, flags_for
from seen.casefile.lookup import Details, find_children, identity_of
from seen.casefile.subjects import resolve_child
from seen.fhir import access
from seen.fhir.auditevents import SILENT, audit_event, practitioner_roles, unscheduled_looks
from seen.fhir.bundles import searchset
from seen.fhir.capability import capability_statement, flag_code_system, flag_system
from seen.fhir.careteams import Child, care_teams
from seen.fhir.responses import Problem, fhir_response, outcome_response
from seen.fhir.search import PATIENT_IDENTIFIER, check_format, nhs_number, unscheduled_access
from seen.fhir.terms import FLAG_CODE_SYSTEM_ID, NHS_NUMBER
from seen.people.models import Person, Pregnancy

View = Callable[..., HttpResponse]
LOOKED_AT_FLAGS = "child_flags"  # the flags look-up's audit type, on every face
LOOKED_AT_LOOKS = "unscheduled_looks"
NO_SUCH_CHILD = "Seen holds no child under this NHS number"


def fhir_view(view: View) -> View:
    """Signed in (401), GET only (405), FHIR JSON asked for (406); any refusal on the way as
    its OperationOutcome."""

    @wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            access.require_sign_in(request)
            if request.method not in ("GET", "HEAD"):
                raise Problem(405, "Seen's FHIR face answers GET only")
            check_format(request)
            return view(request, *args, **kwargs)
        except Problem as problem:
            return outcome_response(problem.status, problem.reason)

    return answer


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("fhir:fhir-metadata")).removesuffix("metadata")


@dataclass(frozen=True)
class Found:
    child: Child
    ref: ChildRef
    mother: str  # the mother's reference for an unborn child found by her number, else ""


def _search(request: HttpRequest, object_type: str) -> str:
    """The caller may check a child presenting now (else 403), and the NHS number searched
    (else 400); both refusals audited."""
    access.require_any_child(request, object_type)
    try:
        return nhs_number(request)
    except Problem as problem:
        access.audit(request, "denied", object_type, outcome="denied", reason=problem.reason)
        raise


def _display(person: Person, request: HttpRequest) -> str:
    """The name that confirms the child (or mother) to the caller, as the look-up shows it;
    none when it is shielded from them or not recorded."""
    name = identity_of(person, request.user).name
    return "" if SHIELDED in name or name == "not recorded" else name


def _children(request: HttpRequest, number: str, object_type: str) -> Iterator[Found]:
    """Every child the NHS number finds: the person holding it, and each unborn child of a
    mother holding it; 404 (audited) when Seen holds no one under it."""
    persons = find_children(Details(nhs_number=number))
    if not persons:
        access.audit(request, "read", object_type, reason=NO_SUCH_CHILD, disclosed={"found": 0})
        raise Problem(404, NO_SUCH_CHILD)
    for person in persons:
        display = _display(person, request)
        subject = resolve_child(person.reference)
        pregnancies = tuple(p.pk for p in subject.pregnancies)
        child = Child(subject.reference, person.pk, pregnancies, number, display)
        yield Found(child, subject.ref, "")
        carried = (
            Pregnancy.objects.filter(
                mother__person=person, status=Pregnancy.Status.ONGOING, child__isnull=True
            )
            .order_by("expected_date", "pk")
            .values_list("pk", flat=True)
        )
        unborn_seen: set[str] = set()
        for pregnancy in carried:
            unborn = resolve_child(f"U{pregnancy}")
            if unborn.person is not None or unborn.reference in unborn_seen:
                continue
            unborn_seen.add(unborn.reference)
            ids = tuple(p.pk for p in unborn.pregnancies)
            child = Child(unborn.reference, None, ids, number, display)
            yield Found(child, unborn.ref, person.reference)


def _flags(found: Found, request: HttpRequest, *, tell_lead: bool) -> Flags:
    """The flags service, given the viewer only when the lead is to be told (an ED look)."""
    viewer = request.user if tell_lead else None
    child = found.child
    if child.person is not None:
        return flags_for(Person(pk=child.person, reference=child.reference), viewer)
    return child_flags(child.reference, None, child.pregnancies, viewer=viewer)


@fhir_view
def care_teams_search(request: HttpRequest) -> HttpResponse:
    number = _search(request, LOOKED_AT_FLAGS)
    try:
        tell_lead = unscheduled_access(request)
    except Problem as problem:
        access.audit(request, "denied", LOOKED_AT_FLAGS, outcome="denied", reason=problem.reason)
        raise
    base = _base(request)
    teams = []
    for found in _children(request, number, LOOKED_AT_FLAGS):
        child = found.child
        access.require_child(request, found.ref, LOOKED_AT_FLAGS, child.reference)
        flags = _flags(found, request, tell_lead=tell_lead)
        shown = care_teams(child, flags.kinds, flag_system(base))
        teams += shown
        access.audit(
            request,
            "read",
            LOOKED_AT_FLAGS,
            child.reference,
            subject=child.reference,
            subjects=[found.mother] if found.mother else [],
            disclosed={
                "flags": flags.kinds,
                "contacts": len(flags.call),
                "lead_told": flags.lead_told,
                "identity": ["name"] if child.display else [],
                "fhir": "CareTeam",
                "teams": len(shown),
                SILENT: tell_lead,
            },
        )
    self_url = f"{base}CareTeam?{PATIENT_IDENTIFIER}={NHS_NUMBER}|{number}"
    return fhir_response(searchset(base, self_url, teams))


@fhir_view
def audit_events_search(request: HttpRequest) -> HttpResponse:
    number = _search(request, LOOKED_AT_LOOKS)
    base = _base(request)
    events = []
    for found in _children(request, number, LOOKED_AT_LOOKS):
        child = found.child
        access.require_child(request, found.ref, LOOKED_AT_LOOKS, child.reference)
        # who looked goes with the flag: a child with none has nothing at the flag level
        flagged = bool(_flags(found, request, tell_lead=False).kinds)
        references = {child.reference, *(f"U{p}" for p in child.pregnancies)}
        looks = unscheduled_looks(references) if flagged else []
        events += looks
        access.audit(
            request,
            "read",
            LOOKED_AT_LOOKS,
            child.reference,
            subject=child.reference,
            subjects=[found.mother] if found.mother else [],
            disclosed={"looks": len(looks), "fhir": "AuditEvent"},
        )
    events.sort(key=lambda e: e.seq, reverse=True)
    self_url = f"{base}AuditEvent?{PATIENT_IDENTIFIER}={NHS_NUMBER}|{number}"
    matches = [audit_event(e, number) for e in events]
    return fhir_response(searchset(base, self_url, matches, practitioner_roles(events)))


@fhir_view
def metadata(request: HttpRequest) -> HttpResponse:
    """No personal data: for any signed-in user, as the API's OpenAPI document is."""
    return fhir_response(capability_statement(_base(request)))


@fhir_view
def code_system(request: HttpRequest, code_system_id: str) -> HttpResponse:
    if code_system_id != FLAG_CODE_SYSTEM_ID:
        raise Problem(404, f"Seen publishes one CodeSystem: CodeSystem/{FLAG_CODE_SYSTEM_ID}")
    return fhir_response(flag_code_system(_base(request)))


@fhir_view
def unsupported(request: HttpRequest, fhir_path: str) -> HttpResponse:
    raise Problem(
        404,
        "Seen's FHIR face serves the CareTeam and AuditEvent searches by patient:identifier, "
        f"metadata and CodeSystem/{FLAG_CODE_SYSTEM_ID}",
    )
