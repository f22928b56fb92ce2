"""Every error under /fhir/ an OperationOutcome, whoever answered it: the face's own views
answer theirs, but some are answered before any view runs (a NUL character or an over-long
value, seen.web.hostile_input; a form token missing on a POST, Django's CSRF check) or by
Django's own handlers (a server error). This middleware, placed outside those, turns such an
answer into the OperationOutcome of its status, keeping its headers (Cache-Control: no-store,
the Content-Security-Policy)."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from seen.fhir.responses import FHIR_JSON, STATUS_REASONS, outcome_response

PREFIX = "/fhir/"
# headers that describe the body being replaced
BODY_HEADERS = frozenset({"content-type", "content-length"})


def _reason(response: HttpResponseBase) -> str:
    """The reason the answer gave, when it gave one as JSON (`{"detail": …}`), else the
    status's own words."""
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            detail = json.loads(response.content).get("detail")  # type: ignore[attr-defined]
        except (ValueError, AttributeError):
            detail = None
        if isinstance(detail, str) and detail:
            return detail
    status = response.status_code
    return STATUS_REASONS.get(status, "Seen could not answer the request")


class OperationOutcomeErrors:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            not request.path.startswith(PREFIX)
            or response.status_code < 400
            or response.get("Content-Type", "").startswith(FHIR_JSON)
        ):
            return response
        outcome = outcome_response(response.status_code, _reason(response))
        for header, value in response.items():
            if header.lower() not in BODY_HEADERS:
                outcome[header] = value
        return outcome
