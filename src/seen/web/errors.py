"""The pages' translation of Seen's error vocabulary (seen.core.errors): an error of one of the
four kinds that no page caught becomes its 4xx page, never a 500; a refusal is audited as a
denial, as the gate's own refusals are (seen.web.gate.refused).

Django's own error answers (an address Seen has no page at, a request it cannot read, a refused
CSRF check, a failure) are the partnership's pages too (seen.urls' handlers), or JSON under
/api/; never Django's unstyled defaults."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

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


# Django's error answers: status -> (title, what to say)
DJANGO_ERRORS = {
    400: ("There is a problem with what was sent", "Seen could not read the request."),
    403: (
        "You cannot do this",
        "Seen refused the request. If you were filling in a form, go back, reload the page and "
        "try again: forms expire when you sign out or after a while.",
    ),
    404: (
        "Page not found",
        "Seen has no page at this address. If you typed it, check it; if you followed a link, "
        "go to your home page.",
    ),
    500: (
        "Sorry, there is a problem with Seen",
        "Nothing you sent has been lost or half-saved. Try again later; if it keeps happening, "
        "tell the partnership's Seen support team what you were doing.",
    ),
}
# the failure page without the layout, for when the layout itself cannot be drawn (the
# database is down: the header asks who is signed in)
BARE_FAILURE = (
    "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'><title>Sorry, there is a "
    "problem with Seen</title></head><body style='font-family: arial, sans-serif'><h1>Sorry, "
    "there is a problem with Seen</h1><p>Try again later.</p></body></html>"
)


def _answer(request: HttpRequest, status: int) -> HttpResponse:
    title, message = DJANGO_ERRORS[status]
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": title, "message": message}, status=status)
    body: str
    try:
        body = render_to_string(
            "web/audit_problem.html", {"title": title, "message": message}, request
        )
    except Exception:  # the failure page must not fail in turn
        if status != 500:
            raise
        body = BARE_FAILURE
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _answer(request, 403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _answer(request, 500)
