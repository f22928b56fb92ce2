"""What the FHIR face answers: a resource as `application/fhir+json`, and every error as an
OperationOutcome with its status (400 a search Seen cannot read, 401 not signed in, 403 refused
by the access decision, 404 nothing there, 405 a method Seen does not take, 406 a format it
does not write), its reason in `diagnostics`. A reason never repeats what was sent."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

FHIR_JSON = "application/fhir+json"
CONTENT_TYPE = f"{FHIR_JSON}; charset=utf-8"

# the OperationOutcome issue type (http://hl7.org/fhir/issue-type) for each status
ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    413: "too-costly",
    429: "throttled",
}
# what to say for an error another part of Seen answered (seen.fhir.middleware)
STATUS_REASONS = {
    400: "Seen cannot use what was sent: a NUL character, a value too long, or a request it "
    "cannot read",
    401: "Sign in to Seen first",
    403: "Seen refused the request",
    404: "Seen serves no such FHIR resource or interaction",
    405: "Seen's FHIR face answers GET only",
    413: "The request is larger than Seen takes",
    429: "Too many attempts: wait and try again",
}


class Problem(Exception):
    """A request the face refuses: the status and the reason an OperationOutcome gives."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def operation_outcome(status: int, reason: str) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error" if status < 500 else "fatal",
                "code": ISSUE_CODES.get(status, "exception" if status >= 500 else "processing"),
                "diagnostics": reason,
            }
        ],
    }


def fhir_response(resource: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(resource, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type=CONTENT_TYPE,
    )


def outcome_response(status: int, reason: str) -> HttpResponse:
    response = fhir_response(operation_outcome(status, reason), status)
    if status == 405:
        response["Allow"] = "GET, HEAD"
    return response
