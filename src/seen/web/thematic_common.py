"""What the thematic review pages share (seen.web.thematic, seen.web.thematic_findings): the
review a page is about once the gate allows it, the page's render with its forms, the one shape
of a page with a form (`form_page`), and the page for a review that is not held."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from seen.access.models import Purpose
from seen.access.policy import Action
from seen.thematic import reviews
from seen.thematic.models import Review
from seen.web import gate
from seen.web.forms import SeenForm, confirmations
from seen.web.gate import purpose_of

REVIEW_PURPOSE = Purpose.REVIEW.value
Made = TypeVar("Made")


def missing(request: HttpRequest, title: str, message: str) -> HttpResponse:
    return render(
        request, "web/thematic_missing.html", {"title": title, "message": message}, status=404
    )


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


def show_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *forms: SeenForm,
    status: int = 200,
) -> HttpResponse:
    """A review page with its forms' error summary and the confirmations of the last write."""
    return render(
        request,
        template,
        {
            "errors": [item for form in forms for item in form.error_summary()],
            "confirmations": confirmations(request),
            **context,
        },
        status=status,
    )


@dataclass(frozen=True)
class Written:
    """What a write changed: its audit entry (object, what it disclosed), the confirmation the
    next page shows, and that page (its name and arguments)."""

    object_type: str
    object_id: str
    disclosed: dict[str, Any]
    confirmation: str
    then: tuple[Any, ...]


def form_page(
    request: HttpRequest,
    form: SeenForm,
    show: Callable[[int], HttpResponse],
    refused_as: tuple[str, str],
    write: Callable[[dict[str, Any]], Made],
    written: Callable[[Made], Written],
) -> HttpResponse:
    """Every review page with a form: the page (`show(200)`) when the form was not sent; else
    the service's `write` of the valid form's values, audited, confirmed and 303 to the next
    page. What is wrong, the form's own or the service's, is the form again (`show(400)`); the
    service's refusal is audited against `refused_as` (object type and id), 403."""
    if not form.is_bound:
        return show(200)
    if form.is_valid():
        try:
            done = written(write(form.cleaned_data))
        except reviews.Refused as error:
            return gate.refused(request, *refused_as, str(error))
        except reviews.Invalid as error:
            form.add_errors(error.errors)
        else:
            gate.audit(request, "write", done.object_type, done.object_id, disclosed=done.disclosed)
            messages.success(request, done.confirmation)
            name, *args = done.then
            return HttpResponse(status=303, headers={"Location": reverse(name, args=args)})
    return show(400)
