"""Recording facts on a page: a contact (the father or male carer seen, or why not), a pre-birth
assessment, a 'was not brought', an injury observation. GET shows the form, POST saves through
seen.recording.facts and redirects (303) to a confirmation that shows what was recorded and the
prompts the procedures give (the alerts the rules raised on it, with what to do). A form with a
mistake comes back with status 400 and an error summary naming each field.

Access: `decide(user, RECORD_FACT, purpose, child)`, allowed at the flag level through a
relationship with the child (a health visitor's caseload, …); signed out -> sign in; refused ->
403, audited "denied". Every form shown, fact written and confirmation read is audited."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods

from seen.access.policy import Action, Decision, Level
from seen.casefile.subjects import NoSuchChild, Subject, resolve_child
from seen.facts.models import Appointment, Contact, Injury, Mobility, YesNo, YesNoNA
from seen.people.models import SourceRecord
from seen.recording import facts as recording
from seen.recording.facts import (
    AssessmentDetails,
    ContactDetails,
    InjuryDetails,
    RecordingInvalid,
    RecordingRefused,
    WasNotBroughtDetails,
)
from seen.web import gate
from seen.web.forms import DATE_PARTS, read_date
from seen.web.gate import purpose_of

YES_NO_NOT_KNOWN = [(YesNoNA.YES, "Yes"), (YesNoNA.NO, "No"), (YesNoNA.NOT_KNOWN, "Not known")]
YES_NO = [(YesNo.YES, "Yes"), (YesNo.NO, "No")]
CONTACT_KINDS = [
    (Contact.Kind.ANTENATAL_BOOKING, "Antenatal booking"),
    (Contact.Kind.ANTENATAL, "Antenatal contact"),
    (Contact.Kind.NEW_BIRTH, "New birth visit (10 to 14 days)"),
    (Contact.Kind.SIX_TO_EIGHT_WEEKS, "6 to 8 week review"),
    (Contact.Kind.ONE_YEAR, "1 year review"),
    (Contact.Kind.HOME_VISIT, "Home visit"),
    (Contact.Kind.SOCIAL_WORK_VISIT, "Social work visit"),
    (Contact.Kind.EARLY_HELP_VISIT, "Early Help visit"),
    (Contact.Kind.OTHER, "Other"),
]
SERVICES = [(s.value, s.value.replace("_", " ").capitalize()) for s in Appointment.Service]
INJURIES = [(k.value, k.value.replace("_", " ").capitalize()) for k in Injury.Kind]
MOBILITY = [(m.value, m.value.replace("_", "-").capitalize()) for m in recording.MOBILITIES]
MOBILITY_HINTS = {Mobility.NON_MOBILE: "Not yet rolling over, crawling or walking"}


@dataclass(frozen=True)
class Form:
    kind: str  # seen.recording.facts's name for it
    title: str
    object_type: str  # what the audit calls it
    date_what: str  # "the date of the …"
    done: str  # the confirmation's heading


CONTACT_FORM = Form(
    recording.CONTACT, "Record a contact", "contact", "contact", "Contact recorded"
)
ASSESSMENT_FORM = Form(
    recording.ASSESSMENT,
    "Record a pre-birth assessment",
    "assessment",
    "assessment",
    "Pre-birth assessment recorded",
)
WNB_FORM = Form(
    recording.WAS_NOT_BROUGHT,
    "Record a child not brought to an appointment",
    "appointment",
    "appointment",
    "Was not brought recorded",
)
INJURY_FORM = Form(recording.INJURY, "Record an injury", "injury", "injury", "Injury recorded")
FORMS = {f.kind: f for f in (CONTACT_FORM, ASSESSMENT_FORM, WNB_FORM, INJURY_FORM)}


# --- reading the form -----------------------------------------------------------------------------


def _date(data: QueryDict, name: str, what: str, errors: dict[str, str]) -> date | None:
    """The GOV.UK date (day, month, year), read as every page reads one (seen.web.forms)."""
    found: list[tuple[str, str]] = []
    day = read_date(data, name, f"the date of the {what}", found)
    errors.update(found)
    return day


def _date_fields(data: QueryDict, name: str) -> dict[str, str]:
    return {p: data.get(f"{name}-{p}", "") for p in DATE_PARTS}


def _details(form: Form, data: QueryDict) -> tuple[Any, dict[str, str]]:
    errors: dict[str, str] = {}
    occurred_on = _date(data, "occurred_on", form.date_what, errors)
    text = {k: data.get(k, "") for k in data}
    details: Any
    if form is CONTACT_FORM:
        details = ContactDetails(
            occurred_on,
            text.get("kind", ""),
            text.get("mother_seen", ""),
            text.get("father", ""),
            text.get("father_seen", ""),
            text.get("father_not_seen_reason", ""),
        )
    elif form is ASSESSMENT_FORM:
        details = AssessmentDetails(
            occurred_on,
            text.get("father", ""),
            text.get("father_involved", ""),
            text.get("father_not_involved_reason", ""),
            text.get("mother_checks_done", ""),
            text.get("father_checks_done", ""),
        )
    elif form is WNB_FORM:
        followed = _date(data, "followed_up_on", "follow-up", errors)
        details = WasNotBroughtDetails(occurred_on, text.get("service", ""), followed)
    else:
        details = InjuryDetails(
            occurred_on,
            text.get("kind", ""),
            text.get("body_site", ""),
            text.get("mobility", ""),
            text.get("explanation", ""),
        )
    return details, errors


SAVE: dict[str, Callable[..., recording.Recorded]] = {
    recording.CONTACT: recording.record_contact,
    recording.ASSESSMENT: recording.record_pre_birth_assessment,
    recording.WAS_NOT_BROUGHT: recording.record_was_not_brought,
    recording.INJURY: recording.record_injury,
}


# --- the fields each form shows -------------------------------------------------------------------


def _radios(name: str, legend: str, items: Sequence[tuple[Any, str]], data: QueryDict,
            errors: dict[str, str], hint: str = "",
            hints: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "type": "radios",
        "name": name,
        "legend": legend,
        "hint": hint,
        "items": [
            {"value": str(v), "text": t, **({"hint": {"text": hints[v]}} if hints and v in hints
                                            else {})}
            for v, t in items
        ],
        "value": data.get(name, ""),
        "error": errors.get(name, ""),
    }


def _dates(name: str, legend: str, data: QueryDict, errors: dict[str, str],
           hint: str = "For example, 27 3 2025") -> dict[str, Any]:
    return {
        "type": "date",
        "name": name,
        "legend": legend,
        "hint": hint,
        "values": _date_fields(data, name),
        "error": errors.get(name, ""),
    }


def _textarea(name: str, label: str, data: QueryDict, errors: dict[str, str],
              hint: str = "") -> dict[str, Any]:
    return {
        "type": "textarea",
        "name": name,
        "label": label,
        "hint": hint,
        "value": data.get(name, ""),
        "error": errors.get(name, ""),
    }


def _input(name: str, label: str, data: QueryDict, errors: dict[str, str],
           hint: str = "") -> dict[str, Any]:
    return {
        "type": "input",
        "name": name,
        "label": label,
        "hint": hint,
        "value": data.get(name, ""),
        "error": errors.get(name, ""),
    }


def _fields(form: Form, subject: Subject, men: list[recording.Man], data: QueryDict,
            errors: dict[str, str], household: bool) -> list[dict[str, Any]]:
    father_items = [(m.reference, m.label) for m in men] + [(recording.NOT_KNOWN, "Not known")]
    who = _radios(
        "father",
        "Who is the father or male carer?",
        father_items,
        data,
        errors,
        hint=(
            "The men agencies record around this child."
            if household
            else "The men your agency records around this child."
        )
        + " Choose 'not known' if he is not listed.",
    )
    if form is CONTACT_FORM:
        kinds = [
            (k, t)
            for k, t in CONTACT_KINDS
            if not (subject.unborn and k in recording.BORN_CONTACTS)
            and not (not subject.unborn and k in recording.UNBORN_CONTACTS)
        ]
        return [
            _dates("occurred_on", "Date of the contact", data, errors),
            _radios("kind", "Kind of contact", kinds, data, errors),
            _radios("mother_seen", "Was the mother seen?", YES_NO_NOT_KNOWN, data, errors),
            who,
            _radios("father_seen", "Was the father or male carer seen?", YES_NO_NOT_KNOWN, data,
                    errors),
            _textarea(
                "father_not_seen_reason",
                "If he was not seen, why not?",
                data,
                errors,
                hint="Needed unless he was seen: for example, at work, not living with the "
                "family, declined.",
            ),
        ]
    if form is ASSESSMENT_FORM:
        return [
            _dates("occurred_on", "Date the assessment began", data, errors),
            who,
            _radios("father_involved", "Was the father or male carer involved in the "
                    "assessment?", YES_NO_NOT_KNOWN, data, errors),
            _textarea("father_not_involved_reason", "If he was not involved, why not?", data,
                      errors, hint="Needed unless he was involved."),
            _radios("mother_checks_done", "Were background checks made on the mother?", YES_NO,
                    data, errors),
            _radios("father_checks_done", "Were background checks made on the father or male "
                    "carer?", YES_NO, data, errors,
                    hint="Police, children's social care in every area, probation."),
        ]
    if form is WNB_FORM:
        return [
            _dates("occurred_on", "Date of the appointment", data, errors),
            _radios("service", "Which service was the appointment with?", SERVICES, data, errors),
            _dates("followed_up_on", "Date it was followed up (optional)", data, errors,
                   hint="Leave blank if it has not been followed up yet. For example, 27 3 2025"),
        ]
    return [
        _dates("occurred_on", "Date the injury was seen", data, errors),
        _radios("kind", "Kind of injury", INJURIES, data, errors),
        _input("body_site", "Where on the body is it?", data, errors),
        _radios("mobility", "The child's mobility", MOBILITY, data, errors,
                hints={str(k): v for k, v in MOBILITY_HINTS.items()}),
        _textarea("explanation", "The explanation given", data, errors,
                  hint="If no explanation was given, say so."),
    ]


def _error_list(fields: list[dict[str, Any]], errors: dict[str, str]) -> list[dict[str, str]]:
    listed = []
    names = set()
    for f in fields:
        if f["error"]:
            anchor = f"{f['name']}-day" if f["type"] == "date" else f["name"]
            listed.append({"text": f["error"], "href": f"#{anchor}"})
            names.add(f["name"])
    for name, message in errors.items():  # errors about no one field (the child, the author)
        if name not in names:
            listed.append({"text": message, "href": "#main-content"})
    return listed


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


def _form_page(form: Form) -> Callable[[HttpRequest, str], HttpResponse]:
    @gate.page()
    @require_http_methods(["GET", "POST"])
    def page(request: HttpRequest, reference: str) -> HttpResponse:
        try:
            subject = resolve_child(reference)
        except NoSuchChild as error:
            return _unknown(request, reference, error, form.object_type)
        purpose = purpose_of(request)
        decision = recording.may_record(request.user, purpose, subject)
        if not decision.allowed:
            return _refused(request, decision.reason, form.object_type, subject.reference)
        if request.method == "POST":
            return _save(request, form, subject, decision)
        return _show(request, form, subject, decision, QueryDict(), {}, 200)

    page.__name__ = f"record_{form.object_type}"
    return page


def _show(request: HttpRequest, form: Form, subject: Subject, decision: Decision,
          data: QueryDict, errors: dict[str, str], status: int) -> HttpResponse:
    men = (
        recording.men_around(subject, request.user, decision)
        if form in (CONTACT_FORM, ASSESSMENT_FORM)
        else []
    )
    born_only = form in (WNB_FORM, INJURY_FORM)
    household = decision.level >= Level.HOUSEHOLD
    fields = (
        []
        if born_only and subject.unborn
        else _fields(form, subject, men, data, errors, household)
    )
    gate.audit(
        request,
        "read",
        f"{form.object_type}_form",
        subject.reference,
        subject=subject.reference,
        disclosed={"men": [m.reference for m in men]} if men else {},
    )
    context = {
        "form": form,
        "subject": subject,
        "fields": fields,
        "errors": _error_list(fields, errors),
        "unborn_refused": born_only and subject.unborn,
        "action": request.get_full_path(),
    }
    return render(request, "web/record.html", context, status=status)


def _save(request: HttpRequest, form: Form, subject: Subject, decision: Decision) -> HttpResponse:
    purpose = purpose_of(request)
    details, errors = _details(form, request.POST)
    try:
        # a date the page could not read is passed on, so nothing is saved and every field
        # comes back with its reason at once
        recorded = SAVE[form.kind](request.user, purpose, subject, details, errors)
    except RecordingRefused as refused:
        return _refused(request, str(refused), form.object_type, subject.reference)
    except RecordingInvalid as invalid:
        return _show(request, form, subject, decision, request.POST, invalid.errors, 400)
    fact = recorded.fact
    gate.audit(
        request,
        "write",
        form.object_type,
        str(fact.pk),
        subject=subject.reference,
        disclosed={
            "local_id": fact.local_id,
            "alerts": [a.pk for a in recorded.alerts],
            "raised": [a.pk for a in recorded.outcome.raised],
        },
    )
    url = reverse("recorded", args=[subject.reference, form.kind, fact.pk])
    if request.GET.get("purpose"):
        url += f"?purpose={purpose}"
    return HttpResponseRedirect(url, status=303)


@gate.page()
def recorded(request: HttpRequest, reference: str, kind: str, fact_id: int) -> HttpResponse:
    """What was recorded, and the prompts the procedures give."""
    form = FORMS.get(kind)
    if form is None:
        return _not_found(request, f"Seen records no {kind!r}")
    try:
        subject = resolve_child(reference)
    except NoSuchChild as error:
        return _unknown(request, reference, error, form.object_type)
    decision = recording.may_record(request.user, purpose_of(request), subject)
    if not decision.allowed:
        return _refused(request, decision.reason, form.object_type, subject.reference)
    fact = recording.written_here(kind, fact_id, subject, request.user)
    if fact is None:
        return _not_found(request, f"your agency recorded no {kind} {fact_id} about this child")
    alerts, prompts = recording.alerts_and_prompts(kind, fact, subject)
    gate.audit(
        request,
        "read",
        form.object_type,
        str(fact.pk),
        subject=subject.reference,
        disclosed={"alerts": [a.pk for a in alerts]},
    )
    context = {
        "form": form,
        "subject": subject,
        "rows": [{"key": {"text": k}, "value": {"text": v}} for k, v in _summary(form, fact)],
        "prompts": prompts,
        "again": reverse(f"record-{_url_kind(kind)}", args=[subject.reference]),
    }
    return render(request, "web/record_done.html", context)


def _url_kind(kind: str) -> str:
    return {"contact": "contact", "assessment": "assessment", "injury": "injury"}.get(
        kind, "was-not-brought"
    )


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


def _summary(form: Form, fact: Any) -> list[tuple[str, str]]:
    if form is CONTACT_FORM:
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
    if form is ASSESSMENT_FORM:
        rows = [
            ("Date begun", _day(fact.occurred_on)),
            ("Father or male carer involved", _label(YES_NO_NOT_KNOWN, fact.father_involved)),
        ]
        if fact.father_not_involved_reason:
            rows.append(("Why he was not involved", fact.father_not_involved_reason))
        rows += [
            ("Background checks on the mother", _label(YES_NO, fact.mother_checks_done)),
            ("Background checks on the father or male carer",
             _label(YES_NO, fact.father_checks_done)),
        ]
        return rows
    if form is WNB_FORM:
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
    path("children/<str:reference>/contacts/new/", _form_page(CONTACT_FORM),
         name="record-contact"),
    path("children/<str:reference>/assessments/new/", _form_page(ASSESSMENT_FORM),
         name="record-assessment"),
    path("children/<str:reference>/was-not-brought/new/", _form_page(WNB_FORM),
         name="record-was-not-brought"),
    path("children/<str:reference>/injuries/new/", _form_page(INJURY_FORM),
         name="record-injury"),
    path("children/<str:reference>/recorded/<slug:kind>/<int:fact_id>/", recorded,
         name="recorded"),
]
