"""The pages' translation of Seen's error vocabulary (seen.core.errors): an error of one of the
four kinds that no page caught becomes its 4xx page, never a 500; a refusal is audited as a
denial, as the gate's own refusals are (seen.web.gate.refused)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from seen.core.errors import Conflict, Invalid, NotFound, Refused, SeenError
from seen.web import gate

TITLES = {
    Invalid: "There is a problem with what was sent",
    NotFound: "Not found",
    Conflict: "This cannot be done now",
}


class TranslateSeenErrors:
    """Middleware: an uncaught SeenError as its page (403, 400, 404 or 409)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, error: Exception) -> HttpResponse | None:
        if not isinstance(error, SeenError) or request.path.startswith("/api/"):
            return None
        if isinstance(error, Refused):
            return gate.refused(request, "page", request.path[:200], str(error))
        title = next((t for kind, t in TITLES.items() if isinstance(error, kind)), "Error")
        return render(
            request,
            "web/audit_problem.html",
            {"title": title, "message": str(error)},
            status=error.status,
        )
