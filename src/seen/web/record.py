"""Recording facts on a page: a contact (the father or male carer seen, or why not), a pre-birth
assessment, a 'was not brought', an injury observation. GET shows the form, POST saves through
seen.recording.facts and redirects (303) to a confirmation that shows what was recorded and the
prompts the procedures give (the alerts the rules raised on it, with what to do). A form with a
mistake comes back with status 400 and an error summary naming each field. Each kind's form is
a SeenForm (seen.web.record_forms): it reads what was posted, the service judges the fact, and a
field the form refused goes to the service with its reason, so that every field's is told at once.

Access: `decide(user, RECORD_FACT, purpose, child)`, allowed at the flag level through a
relationship with the child (a health visitor's caseload, …); signed out -> sign in; refused ->
403, audited "denied". Every form shown, fact written and confirmation read is audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse

from seen.access.policy import Action, Decision, Level
from seen.casefile.subjects import NoSuchChild, Subject, resolve_child
from seen.people.models import SourceRecord
from seen.recording import facts as recording
from seen.recording.facts import RecordingInvalid, RecordingRefused
from seen.web import gate
from seen.web.gate import purpose_of
from seen.web.record_forms import (
    CONTACT_KINDS,
    INJURIES,
    MOBILITY,
    MOBILITY_HINTS,
    SERVICES,
    YES_NO,
    YES_NO_NOT_KNOWN,
    AssessmentForm,
    ContactForm,
    InjuryForm,
    RecordForm,
    WasNotBroughtForm,
)
from seen.web.referrals import refer_link_after_contact


@dataclass(frozen=True)
class Kind:
    """A kind of fact the pages record."""

    name: str  # seen.recording.facts's name for it, and the page's address's
    title: str
    object_type: str  # what the audit calls it
    done: str  # the confirmation's heading
    form: type[RecordForm]
    save: Callable[..., recording.Recorded]
    born_only: bool = False  # a born child's only: an unborn child's page says so
    names_father: bool = False  # the form offers the men recorded around the child


CONTACT = Kind(
    recording.CONTACT,
    "Record a contact",
    "contact",
    "Contact recorded",
    ContactForm,
    recording.record_contact,
    names_father=True,
)
ASSESSMENT = Kind(
    recording.ASSESSMENT,
    "Record a pre-birth assessment",
    "assessment",
    "Pre-birth assessment recorded",
    AssessmentForm,
    recording.record_pre_birth_assessment,
    names_father=True,
)
WAS_NOT_BROUGHT = Kind(
    recording.WAS_NOT_BROUGHT,
    "Record a child not brought to an appointment",
    "appointment",
    "Was not brought recorded",
    WasNotBroughtForm,
    recording.record_was_not_brought,
    born_only=True,
)
INJURY = Kind(
    recording.INJURY,
    "Record an injury",
    "injury",
    "Injury recorded",
    InjuryForm,
    recording.record_injury,
    born_only=True,
)
KINDS = {k.name: k for k in (CONTACT, ASSESSMENT, WAS_NOT_BROUGHT, INJURY)}


# --- the pages ------------------------------------------------------------------------------------


def _refused(request: HttpRequest, reason: str, object_type: str, reference: str) -> HttpResponse:
    return gate.refused(request, object_type, reference, reason, subject=reference)


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "web/record_missing.html", {"message": message}, status=404)


def _unknown(
    request: HttpRequest, reference: str, error: NoSuchChild, object_type: str
) -> HttpResponse:
    """A reference Seen holds no child under: refused as a child without a relationship is."""
    decision = gate.refusal_for_unknown(request, reference, Action.RECORD_FACT)
    if decision is None:
        return _not_found(request, str(error))
    return _refused(request, decision.reason, object_type, reference)


def _form_page(kind: Kind) -> Callable[[HttpRequest, str], HttpResponse]:
    @gate.page(post=kind.form)
    def page(request: HttpRequest, reference: str) -> HttpResponse:
        try:
            subject = resolve_child(reference)
        except NoSuchChild as error:
            return _unknown(request, reference, error, kind.object_type)
        purpose = purpose_of(request)
        decision = recording.may_record(request.user, purpose, subject)
        if not decision.allowed:
            return _refused(request, decision.reason, kind.object_type, subject.reference)
        men = recording.men_around(subject, request.user, decision) if kind.names_father else []
        form = gate.form(request, kind.form, men=men, unborn=subject.unborn)
        if not form.is_bound:
            return _show(request, kind, subject, decision, men, form, 200)
        try:
            # what the form refused goes along, so nothing is saved and every field comes back
            # with its reason at once: the form's, and the service's for the others
            recorded = kind.save(request.user, purpose, subject, form.details(), form.known())
        except RecordingRefused as refused:
            return _refused(request, str(refused), kind.object_type, subject.reference)
        except RecordingInvalid as invalid:
            form.add_errors([(k, m) for k, m in invalid.errors.items() if k not in form.errors])
            return _show(request, kind, subject, decision, men, form, 400)
        return _saved(request, kind, subject, recorded)

    page.__name__ = f"record_{kind.object_type}"
    return page


def _show(
    request: HttpRequest,
    kind: Kind,
    subject: Subject,
    decision: Decision,
    men: list[recording.Man],
    form: RecordForm,
    status: int,
) -> HttpResponse:
    gate.audit(
        request,
        "read",
        f"{kind.object_type}_form",
        subject.reference,
        subject=subject.reference,
        disclosed={"men": [m.reference for m in men]} if men else {},
    )
    unborn_refused = kind.born_only and subject.unborn
    errors = form.error_summary()
    context = {
        "kind": kind,
        "form": form,
        "subject": subject,
        # no fields are shown to an unborn child's born-only form: no message links to one
        "errors": [e for e in errors if "href" not in e] if unborn_refused else errors,
        "unborn_refused": unborn_refused,
        "household": decision.level >= Level.HOUSEHOLD,
        "mobility_hints": MOBILITY_HINTS,
        "action": request.get_full_path(),
    }
    return render(request, "web/record.html", context, status=status)


def _saved(
    request: HttpRequest, kind: Kind, subject: Subject, recorded: recording.Recorded
) -> HttpResponse:
    fact = recorded.fact
    gate.audit(
        request,
        "write",
        kind.object_type,
        str(fact.pk),
        subject=subject.reference,
        disclosed={
            "local_id": fact.local_id,
            "alerts": [a.pk for a in recorded.alerts],
            "raised": [a.pk for a in recorded.outcome.raised],
        },
    )
    url = reverse("recorded", args=[subject.reference, kind.name, fact.pk])
    if request.GET.get("purpose"):
        url += f"?purpose={purpose_of(request)}"
    return HttpResponseRedirect(url, status=303)


@gate.page()
def recorded(request: HttpRequest, reference: str, kind: str, fact_id: int) -> HttpResponse:
    """What was recorded, and the prompts the procedures give."""
    record_kind = KINDS.get(kind)
    if record_kind is None:
        return _not_found(request, f"Seen records no {kind!r}")
    try:
        subject = resolve_child(reference)
    except NoSuchChild as error:
        return _unknown(request, reference, error, record_kind.object_type)
    decision = recording.may_record(request.user, purpose_of(request), subject)
    if not decision.allowed:
        return _refused(request, decision.reason, record_kind.object_type, subject.reference)
    fact = recording.written_here(kind, fact_id, subject, request.user)
    if fact is None:
        return _not_found(request, f"your agency recorded no {kind} {fact_id} about this child")
    alerts, prompts = recording.alerts_and_prompts(kind, fact, subject)
    gate.audit(
        request,
        "read",
        record_kind.object_type,
        str(fact.pk),
        subject=subject.reference,
        disclosed={"alerts": [a.pk for a in alerts]},
    )
    context = {
        "kind": record_kind,
        "subject": subject,
        "rows": [
            {"key": {"text": k}, "value": {"text": v}} for k, v in _summary(record_kind, fact)
        ],
        "prompts": prompts,
        "again": reverse(f"record-{kind}", args=[subject.reference]),
        # a contact naming the father, seen or not: refer him from here
        "refer_url": (
            refer_link_after_contact(request, subject, fact.father_id)
            if record_kind is CONTACT
            else ""
        ),
    }
    return render(request, "web/record_done.html", context)


def _label(items: list[tuple[Any, str]], value: Any) -> str:
    return next((t for v, t in items if str(v) == str(value)), str(value).replace("_", " "))


def _day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "Not recorded"


def _man(record: int | None) -> str:
    """The man a contact names, by his person reference (his name is household detail)."""
    if record is None:
        return "Not known"
    reference = (
        SourceRecord.objects.filter(pk=record).values_list("person__reference", flat=True).first()
    )
    return f"Person {reference}" if reference else "Named"


def _summary(kind: Kind, fact: Any) -> list[tuple[str, str]]:
    if kind is CONTACT:
        rows = [
            ("Date", _day(fact.occurred_on)),
            ("Kind of contact", _label(CONTACT_KINDS, fact.kind)),
            ("Mother seen", _label(YES_NO_NOT_KNOWN, fact.mother_seen)),
            ("Father or male carer", _man(fact.father_id)),
            ("Father or male carer seen", _label(YES_NO_NOT_KNOWN, fact.father_seen)),
        ]
        if fact.father_not_seen_reason:
            rows.append(("Why he was not seen", fact.father_not_seen_reason))
        return rows
    if kind is ASSESSMENT:
        rows = [
            ("Date begun", _day(fact.occurred_on)),
            ("Father or male carer involved", _label(YES_NO_NOT_KNOWN, fact.father_involved)),
        ]
        if fact.father_not_involved_reason:
            rows.append(("Why he was not involved", fact.father_not_involved_reason))
        rows += [
            ("Background checks on the mother", _label(YES_NO, fact.mother_checks_done)),
            (
                "Background checks on the father or male carer",
                _label(YES_NO, fact.father_checks_done),
            ),
        ]
        return rows
    if kind is WAS_NOT_BROUGHT:
        return [
            ("Date of the appointment", _day(fact.occurred_on)),
            ("Service", _label(SERVICES, fact.service)),
            ("Outcome", "Was not brought"),
            ("Followed up", _day(fact.followed_up_on) if fact.followed_up_on else "Not yet"),
        ]
    return [
        ("Date seen", _day(fact.occurred_on)),
        ("Kind of injury", _label(INJURIES, fact.kind)),
        ("Where on the body", fact.body_site),
        ("Mobility", _label(MOBILITY, fact.mobility)),
        ("Explanation given", fact.explanation),
    ]


urlpatterns: list[URLPattern] = [
    path("children/<str:reference>/contacts/new/", _form_page(CONTACT), name="record-contact"),
    path(
        "children/<str:reference>/assessments/new/",
        _form_page(ASSESSMENT),
        name="record-assessment",
    ),
    path(
        "children/<str:reference>/was-not-brought/new/",
        _form_page(WAS_NOT_BROUGHT),
        name="record-was-not-brought",
    ),
    path("children/<str:reference>/injuries/new/", _form_page(INJURY), name="record-injury"),
    path(
        "children/<str:reference>/recorded/<slug:kind>/<int:fact_id>/",
        recorded,
        name="recorded",
    ),
]
