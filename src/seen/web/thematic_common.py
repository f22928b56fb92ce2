"""What the thematic review pages share (seen.web.thematic, seen.web.thematic_findings): the
review a page is about once the gate allows it, the page's render with the form helpers, a
service write with its refusal or bad input, and the page for a review that is not held."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from seen.access.models import Purpose
from seen.access.policy import Action
from seen.thematic import reviews
from seen.thematic.models import (
    Review,
)
from seen.web import gate
from seen.web.forms import FORM_HELPERS, confirmations, error_list, unstorable
from seen.web.gate import purpose_of

REVIEW_PURPOSE = Purpose.REVIEW.value
ATTENDANCE_ROWS = 8
Invalid = reviews.Invalid


def missing(request: HttpRequest, title: str, message: str) -> HttpResponse:
    return render(
        request, "web/thematic_missing.html", {"title": title, "message": message}, status=404
    )


def see_other_review(name: str, *args: Any) -> HttpResponse:
    return HttpResponse(status=303, headers={"Location": reverse(name, args=args)})


def action_for(request: HttpRequest) -> str:
    return Action.MANAGE_REVIEW if request.method == "POST" else Action.VIEW_REVIEW_DATA


def open_review(
    request: HttpRequest, review_id: int, object_type: str, action: str | None = None
) -> tuple[Review, str] | HttpResponse:
    """The gate, then the review (404 when there is none)."""
    purpose = purpose_of(request)
    gated = gate.allow(request, action or action_for(request), object_type, str(review_id))
    if gated is not None:
        return gated
    review = Review.objects.filter(pk=review_id).first()
    if review is None:
        return missing(request, "Review not found", f"No review {review_id}")
    return review, purpose


def review_page_response(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    errors = context.pop("error_pairs", [])
    return render(
        request,
        template,
        {
            **FORM_HELPERS,
            "errors": error_list(errors, dates=("held_on",)),
            "field_errors": dict(errors),
            "values": {},
            "confirmations": confirmations(request),
            **context,
        },
        status=status,
    )


def write(
    request: HttpRequest,
    purpose: str,
    object_type: str,
    object_id: str,
    do: Callable[[], Any],
    again: Callable[[list[tuple[str, str]]], HttpResponse],
) -> Any:
    """Runs a service write: its result, or the response for a refusal (403) or bad input."""
    problems = unstorable(request.POST)
    if problems:
        return again(problems)
    try:
        return do()
    except reviews.Refused as error:
        return gate.refused(request, object_type, object_id, str(error))
    except Invalid as error:
        return again(error.errors)
