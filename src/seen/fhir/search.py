"""Reading a CP-IS search: `patient:identifier=https://fhir.nhs.uk/Id/nhs-number|{NHS number}`,
the `IsUnscheduledAccessEvent` header (CP-IS passes it as a request header: `true`, the access
is told to the child's lead practitioners; `false`, a silent read), and the format asked for.
Anything else is a 400 (406 for a format) whose reason says what was wrong, never what was sent."""

from __future__ import annotations

import re

from django.http import HttpRequest

from seen.core.validators import InvalidIdentifier, normalise_nhs_number
from seen.fhir.responses import FHIR_JSON, Problem
from seen.fhir.terms import NHS_NUMBER

PATIENT_IDENTIFIER = "patient:identifier"
UNSCHEDULED_HEADER = "IsUnscheduledAccessEvent"
# the system, the bar and ten digits, with room for spaces a client may leave around them
MAX_IDENTIFIER_CHARS = len(NHS_NUMBER) + 1 + 20
TEN_DIGITS = re.compile(r"[0-9]{10}")
EXAMPLE = f"{PATIENT_IDENTIFIER}={NHS_NUMBER}|9990000018"
# what `_format` and `Accept` may ask for: FHIR's JSON, or JSON
JSON_FORMATS = frozenset({"json", "application/json", FHIR_JSON})
ANY = frozenset({"*/*", "application/*"})


def nhs_number(request: HttpRequest) -> str:
    """The NHS number the search names, checked: one `patient:identifier`, of a sane length, in
    the NHS number system, ten digits with a valid check digit."""
    values = request.GET.getlist(PATIENT_IDENTIFIER)
    if not values:
        raise Problem(400, f"Search by NHS number: {EXAMPLE}")
    if len(values) > 1:
        raise Problem(400, f"Give {PATIENT_IDENTIFIER} once: Seen searches one child at a time")
    token = values[0].strip()
    if len(token) > MAX_IDENTIFIER_CHARS:
        raise Problem(
            400,
            f"The identifier is {len(token):,} characters long: an NHS number with its system "
            f"is at most {MAX_IDENTIFIER_CHARS}",
        )
    system, bar, value = token.partition("|")
    if not bar or not system:
        raise Problem(400, f"Give the identifier's system, {NHS_NUMBER}, before a bar: {EXAMPLE}")
    if system != NHS_NUMBER:
        raise Problem(400, f"Seen searches by NHS number only: the system must be {NHS_NUMBER}")
    value = value.strip()
    if not TEN_DIGITS.fullmatch(value):
        raise Problem(400, "That is not an NHS number: give ten digits, with no spaces")
    try:
        return normalise_nhs_number(value)
    except InvalidIdentifier:  # its message repeats the value: say it in our own words
        raise Problem(400, "That is not a valid NHS number: its check digit is wrong") from None


def unscheduled_access(request: HttpRequest) -> bool:
    """CP-IS's header, required: true tells the child's lead practitioners, false does not."""
    sent = request.headers.get(UNSCHEDULED_HEADER)
    if sent is None:
        raise Problem(
            400,
            f"Say whether this is an unscheduled-care access: the header {UNSCHEDULED_HEADER}, "
            "true (the child's lead practitioners are told) or false (a silent read)",
        )
    answer = sent.strip().lower()
    if answer not in ("true", "false"):
        raise Problem(400, f"The header {UNSCHEDULED_HEADER} must be true or false")
    return answer == "true"


def _media(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def check_format(request: HttpRequest) -> None:
    """Seen writes FHIR JSON only: `_format`, else `Accept`, asking for nothing JSON is a 406."""
    asked = request.GET.getlist("_format")
    if asked:
        if len(asked) > 1 or _media(asked[0]) not in JSON_FORMATS:
            raise Problem(406, f"Seen writes FHIR JSON only: _format=json or {FHIR_JSON}")
        return
    accept = request.headers.get("Accept", "").strip()
    if not accept:
        return
    media = {_media(part) for part in accept.split(",")}
    if media & (JSON_FORMATS | ANY) or any(m.endswith("+json") for m in media):
        return
    raise Problem(406, f"Seen writes FHIR JSON only: accept {FHIR_JSON}")
