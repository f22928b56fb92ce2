"""Subject access (UK GDPR article 15), for the data-protection officer: find the person the
request is about (by Seen reference; or by NHS number, name or date of birth, choosing among
the persons listed: seen.casefile.subject_search), then read what Seen holds about them, where
it came from and every display of it, in plain words (seen.web.subject_access_words), or
download it as PDF, CSV, HTML or Markdown (seen.web.subject_access_files).

The report is seen.casefile.disclosure's, as `seen audit subject-access` makes it, with shielded
values replaced unless the officer holds shielding clearance. The page asks
seen.access.policy.decide first; every search, read and download is itself audited (a search
by the details' names and the number found, never what was typed)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from seen.access.models import Purpose
from seen.access.policy import Action, decide
from seen.access.shielding import cleared
from seen.casefile import disclosure
from seen.casefile.lookup import Details
from seen.casefile.personfile import PERSON_REFERENCE
from seen.casefile.subject_search import MAX_FOUND, find_persons
from seen.core.validators import InvalidIdentifier, normalise_nhs_number
from seen.people.models import Person
from seen.web import gate
from seen.web.check import NHS_NUMBER_TYPED_MAX, stored_length
from seen.web.forms import GovDateField, SeenForm, choice_field, text_field
from seen.web.gate import purpose_of
from seen.web.subject_access_files import FORMATS, document
from seen.web.subject_access_words import report_in_words

DEFAULT_PURPOSE = Purpose.AUDIT.value
REFERENCE_MAX = 20  # P and up to 19 digits
ENTER_REFERENCE = "Enter a person reference, like P00000012"
ENTER_SOMETHING = (
    "Enter a person reference, an NHS number, a name or a date of birth to find the person"
)
NOT_AN_NHS_NUMBER = "Enter an NHS number of 10 digits, like 999 000 0018"
NHS_CHECK_DIGIT = "That is not a valid NHS number: check its digits"
_LABELS = [f.label for f in FORMATS.values()]
CHOOSE_FORMAT = f"Select {', '.join(_LABELS[:-1])} or {_LABELS[-1]} to download"
CHOOSE_PERSON = "Choose the person before downloading the report"
TEMPLATE = "web/audit_subject_access.html"
# what makes a GET a search rather than the empty form
SENT = ("reference", "nhs_number", "forename", "surname", "dob-day", "dob-month", "dob-year")
SEARCHED = ("nhs_number", "forename", "surname", "dob")


class SubjectAccessForm(SeenForm):
    """The subject-access search (a GET): a person reference, or details to find the person by,
    and the format to download the report in (none: shown on the page)."""

    reference = forms.CharField(
        max_length=REFERENCE_MAX,
        required=False,
        error_messages={"max_length": ENTER_REFERENCE},
    )
    nhs_number = text_field("the NHS number", NHS_NUMBER_TYPED_MAX)
    forename = text_field("the first name", stored_length("forename"))
    surname = text_field("the last name", stored_length("surname"))
    dob = GovDateField(what="the date of birth", past=True, required=False)
    format = choice_field(
        CHOOSE_FORMAT,
        [("", "Show on the page"), *((name, f.label) for name, f in FORMATS.items())],
        required=False,
    )

    def clean_reference(self) -> str:
        reference = str(self.cleaned_data["reference"]).strip().upper()
        if reference and not PERSON_REFERENCE.match(reference):
            raise forms.ValidationError(ENTER_REFERENCE)
        return reference

    def clean_nhs_number(self) -> str:
        typed = str(self.cleaned_data["nhs_number"])
        if not typed:
            return ""
        if not typed.isascii():  # str.isdigit() takes other scripts' digits (full-width ones)
            raise forms.ValidationError(NOT_AN_NHS_NUMBER)
        try:
            return normalise_nhs_number(typed)
        except InvalidIdentifier as error:
            # 10 digits that fail the modulus 11 check are told apart from not 10 digits
            raise forms.ValidationError(
                NHS_CHECK_DIGIT if "modulus" in str(error) else NOT_AN_NHS_NUMBER
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [name for name in ("reference", *SEARCHED) if data.get(name)]
        if not given and not self.errors:
            self.add_error("reference", ENTER_SOMETHING)
        if data.get("format") and not data.get("reference") and not self.errors:
            self.add_error("format", CHOOSE_PERSON)
        return data

    def field_id(self, name: str) -> str:
        # the format is chosen by a download link, not a box: its error points at the search
        return "reference" if name == "format" else super().field_id(name)

    def details(self) -> Details:
        data = self.cleaned_data
        return Details(
            nhs_number=data["nhs_number"],
            forename=data["forename"],
            surname=data["surname"],
            dob=data["dob"],
        )

    def searched(self) -> list[str]:
        """The names of the details searched by (never their values: the audit keeps these)."""
        return [name for name in SEARCHED if self.cleaned_data.get(name)]


def _query(request: HttpRequest, **values: str) -> str:
    """This page's address with `values`, the purpose kept when one was declared."""
    purpose = request.GET.get("purpose", "")
    return "?" + urlencode({**values, **({"purpose": purpose} if purpose else {})})


@gate.page(purpose=DEFAULT_PURPOSE)
def subject_access(request: HttpRequest) -> HttpResponse:
    """The search (GET): a reference shows the person's report, `format=pdf|csv|html|markdown`
    downloads it; details list the persons they match, each to choose. Shielded values are
    replaced unless the officer holds shielding clearance."""
    decision = decide(request.user, Action.SUBJECT_ACCESS, purpose_of(request))
    sent = any(name in request.GET for name in SENT)
    form = SubjectAccessForm(request.GET if sent else None)
    valid = form.is_valid()
    if not decision.allowed:
        # the reference only when it is one: never raw input
        named = form.cleaned_data.get("reference", "") if form.is_bound else ""
        return gate.refused(request, "person", named or "", decision.reason)
    context: dict[str, Any] = {"form": form, "words": None, "found": None}
    if not sent:
        return render(request, TEMPLATE, context)
    if not valid:
        return render(request, TEMPLATE, context, status=400)
    if form.cleaned_data["reference"]:
        return _report(request, form, context)
    return _search(request, form, context)


def _search(request: HttpRequest, form: SubjectAccessForm, context: dict[str, Any]) -> HttpResponse:
    found = find_persons(form.details(), request.user)
    references = [person.reference for person, _ in found.persons]
    gate.audit(
        request,
        "read",
        "person_search",
        subjects=references,
        disclosed={
            "searched": form.searched(),
            "found": len(references),
            "more": found.more,
            "fields": ["name", "dob", "postcode district"],
        },
    )
    context["found"] = found
    context["max_found"] = MAX_FOUND
    context["links"] = {ref: _query(request, reference=ref) for ref in references}
    return render(request, TEMPLATE, context)


def _report(request: HttpRequest, form: SubjectAccessForm, context: dict[str, Any]) -> HttpResponse:
    reference, wanted = form.cleaned_data["reference"], form.cleaned_data["format"]
    try:
        person = disclosure.current(reference)
    except Person.DoesNotExist:
        form.add_errors([("reference", f"Seen holds no person {reference}")])
        return render(request, TEMPLATE, context, status=404)
    report = disclosure.redacted(disclosure.subject_access(person), clearance=cleared(request.user))
    summary = disclosure.summary(report)
    words = report_in_words(report)
    if wanted:
        made = document(words, wanted)
        gate.audit(
            request,
            "export",
            "person",
            object_id=person.reference,
            subject=person.reference,
            disclosed={**summary, "format": wanted},
        )
        response = HttpResponse(made.body, content_type=made.content_type)
        response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
        return response
    gate.audit(
        request,
        "read",
        "person",
        object_id=person.reference,
        subject=person.reference,
        disclosed=summary,
    )
    context["words"] = words
    context["downloads"] = [
        (name, f.label, _query(request, reference=person.reference, format=name))
        for name, f in FORMATS.items()
    ]
    return render(request, TEMPLATE, context)
