"""Input no page or API operation can use, refused once for every request before any view runs.

A NUL character cannot be stored in PostgreSQL, nor compared with what is stored there: a page
that put one into a query answered 500 (the check form, a child's address, an alert step, a
leader's statement). Rather than each view guarding each field, a request whose path, query
string or body holds one is answered here, 400 with a message saying where it was (a page for
the pages, `{"detail": …}` for the API), and the refusal is audited when someone is signed in:
trying it is worth a line in the log.

The body is read as the request's own content type says: a form's fields (those of a multipart
form too, but never the content of an uploaded file, which the page that reads it judges, nor an
application/zip extract), or a JSON document, where a NUL is the escape `\\u0000` in a string or a
key. A value longer than any form takes (SEEN_MAX_FIELD_CHARS) is refused the same way: every
form bounds its own fields with its own message, and this bound keeps a value that no form
checks from reaching the database at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from seen.access import auditing

NUL = "\x00"
# bodies Seen does not read as text: an extract's zip and other binary uploads
BINARY = ("application/zip", "application/x-zip-compressed", "application/octet-stream")
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _strings(document: Any) -> Iterator[str]:
    """Every string in a JSON document, keys included."""
    if isinstance(document, str):
        yield document
    elif isinstance(document, dict):
        for key, value in document.items():
            yield key
            yield from _strings(value)
    elif isinstance(document, list):
        for item in document:
            yield from _strings(item)


def _pairs(data: Any) -> Iterable[str]:
    for key, values in data.lists():
        yield key
        yield from (value for value in values if isinstance(value, str))


def _body_strings(request: HttpRequest) -> Iterable[str]:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return ()
    content_type = request.content_type or ""
    if content_type in FORMS:
        return _pairs(request.POST)  # a multipart form's fields; its files are in request.FILES
    if content_type in BINARY or content_type.startswith(("image/", "audio/", "video/")):
        return ()
    body = request.body
    if b"\x00" in body:
        return (NUL,)
    try:
        return _strings(json.loads(body))
    except ValueError:
        return ()  # not JSON: the view says so (a 400, or ninja's 422)


def problem(request: HttpRequest) -> str:
    """What is wrong with the request, or "" when nothing here is."""
    if NUL in request.path:
        return "The address holds a NUL character"
    limit = int(getattr(settings, "SEEN_MAX_FIELD_CHARS", 0) or 0)
    try:
        body = list(_body_strings(request))
    except RecursionError:  # JSON nested thousands deep: neither json nor a view can read it
        return "The request body is nested too deeply to read"
    except MultiPartParserError:  # a multipart form without its boundary, or cut short
        return "The request body is not a form Seen can read"
    for where, strings in (("query string", _pairs(request.GET)), ("request body", body)):
        for text in strings:
            if NUL in text:
                return f"The {where} holds a NUL character"
            if limit and len(text) > limit:
                return (
                    f"A value in the {where} is {len(text):,} characters long: "
                    f"at most {limit:,} are taken"
                )
    return ""


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class RefuseHostileInputMiddleware:
    """After the user is loaded (so that a refusal names who tried), before any view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        found = problem(request)
        if not found:
            return self.get_response(request)
        message = f"{found}: Seen cannot use it. Check what was sent and try again."
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            auditing.audit(
                user,
                "api" if _is_api(request) else "page",
                "",  # not read: it may be what holds the NUL
                "denied",
                "request",
                "",  # the path is not written: it may be what holds the NUL
                outcome="denied",
                reason=found,
            )
        if _is_api(request):
            return JsonResponse({"detail": message}, status=400)
        response: HttpResponse = render(
            request,
            "web/audit_problem.html",
            {"title": "Seen cannot use what was sent", "message": message},
            status=400,
        )
        return response
