"""The audit pages: who has looked at a child (for the child's lead practitioner, a
safeguarding lead and the data-protection officer), the subject-access report (the
data-protection officer: seen.web.subject_access, whose page is routed here), and the
break-glass sessions awaiting a safeguarding lead's review.

Who looked is seen.casefile.disclosure's, as `seen audit who-looked` makes it; break glass is
seen.access.services, as `seen access break-glass-reviews` and `seen access review`. Each page
asks seen.access.policy.decide first, and each read (and each write and refusal) is itself
audited. The purpose declared is "audit" unless the address carries another."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse

from seen.access.models import BreakGlass, Purpose
from seen.access.policy import Action, decide
from seen.access.services import AccessRefused, break_glass_to_review, review_break_glass
from seen.casefile import disclosure
from seen.casefile.subjects import NoSuchChild, resolve_child
from seen.core import clock
from seen.people.models import Person
from seen.web import gate
from seen.web.forms import SeenForm, row_id_field, text_field
from seen.web.gate import purpose_of
from seen.web.subject_access import subject_access

DEFAULT_PURPOSE = Purpose.AUDIT.value
OUTCOME_MAX = 2000  # a break-glass review's outcome


def _problem(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    return render(
        request, "web/audit_problem.html", {"title": title, "message": message}, status=status
    )


def _banner(request: HttpRequest) -> list[str]:
    return [str(m) for m in messages.get_messages(request)]


# -- who looked at a child --------------------------------------------------------------------


@gate.page(purpose=DEFAULT_PURPOSE)
def who_looked(request: HttpRequest, reference: str) -> HttpResponse:
    """Every audit entry about the child (under any reference merged into theirs), oldest
    first: who, in which role and agency, for what purpose, when, and what they were shown."""
    try:
        child = resolve_child(reference)
    except NoSuchChild as error:
        # refused as a real child would be, so the refusal does not tell the child exists
        unknown = gate.refusal_for_unknown(request, reference, Action.WHO_LOOKED)
        if unknown is not None:
            return gate.refused(request, "person", reference, unknown.reason, subject=reference)
        message = str(error)
        return _problem(request, "Child not found", f"{message[:1].upper()}{message[1:]}.", 404)
    decision = decide(request.user, Action.WHO_LOOKED, purpose_of(request), child.ref)
    if not decision.allowed:
        return gate.refused(
            request, "person", child.reference, decision.reason, subject=child.reference
        )
    looks = disclosure.who_looked(_person_of(child.person, child.reference))
    gate.audit(
        request,
        "read",
        "person",
        object_id=child.reference,
        subject=child.reference,
        disclosed={"audit_entries": len(looks)},
    )
    rows = [_look(row) for row in looks]
    return render(
        request,
        "web/audit_who_looked.html",
        {"reference": child.reference, "unborn": child.unborn, "looks": rows},
    )


def _person_of(person: Person | None, reference: str) -> Person:
    """The person whose looks to list. An unborn child is no person yet: its looks are those
    recorded under its U… reference, which an unsaved Person of that reference finds (it has
    no merged persons)."""
    return person if person is not None else Person(reference=reference)


def _look(row: dict[str, Any]) -> dict[str, Any]:
    at = datetime.fromisoformat(row["at"]) if row["at"] else None
    return {
        **row,
        "when": at,
        "where": ", ".join(part for part in (row["role"], row["agency"]) if part),
        "shown": _shown(row["disclosed"]),
    }


def _shown(disclosed: Any) -> str:
    if isinstance(disclosed, dict):
        return "; ".join(
            f"{key.replace('_', ' ')}: "
            f"{', '.join(map(str, value)) if isinstance(value, list) else value}"
            for key, value in disclosed.items()
        )
    if isinstance(disclosed, list):
        return ", ".join(map(str, disclosed))
    return str(disclosed) if disclosed else ""


# -- break-glass reviews ----------------------------------------------------------------------


class BreakGlassReviewForm(SeenForm):
    """A safeguarding lead's review of one break-glass session: the session and the outcome."""

    session = row_id_field("Choose a session awaiting review")  # not one awaiting review: 404
    outcome = text_field("the outcome", OUTCOME_MAX, required="Enter the outcome of the review")

    def field_id(self, name: str) -> str:
        # every session on the page has its own outcome box, named by the session
        session = getattr(self, "cleaned_data", {}).get("session")
        return f"outcome-{session}" if name == "outcome" and session else super().field_id(name)


@gate.page(purpose=DEFAULT_PURPOSE, post=BreakGlassReviewForm)
def break_glass_reviews(request: HttpRequest) -> HttpResponse:
    """The break-glass sessions awaiting review (GET), and a review recorded with its outcome
    (POST: session, outcome) by a safeguarding lead other than the user who broke glass."""
    decision = decide(request.user, Action.REVIEW_BREAK_GLASS, purpose_of(request))
    if not decision.allowed:
        return gate.refused(request, "break_glass", "", decision.reason)
    form = gate.form(request, BreakGlassReviewForm)
    if form.is_bound:
        return _review(request, form)
    return _sessions_page(request, form)


def _sessions_page(request: HttpRequest, form: BreakGlassReviewForm) -> HttpResponse:
    """The sessions awaiting review; the one a bound form reviewed shows what was typed and
    what was wrong (400)."""
    sessions = break_glass_to_review()
    gate.audit(
        request,
        "read",
        "break_glass",
        subjects=[s.child_reference for s in sessions],
        disclosed={"sessions": [s.pk for s in sessions]},
    )
    now = clock.now()
    posted = form.cleaned_data.get("session") if form.is_bound else None
    rows = [
        {
            "session": s,
            "expired": s.expires_at <= now,
            "error": form.error_of("outcome") if s.pk == posted else None,
            "outcome": form.value_of("outcome") if s.pk == posted else "",
        }
        for s in sessions
    ]
    errors = form.error_summary()
    return render(
        request,
        "web/audit_break_glass.html",
        {"rows": rows, "errors": errors, "banner": _banner(request)},
        status=400 if errors else 200,
    )


def _review(request: HttpRequest, form: BreakGlassReviewForm) -> HttpResponse:
    valid = form.is_valid()
    pk = form.cleaned_data.get("session")
    session = (
        BreakGlass.objects.select_related("child", "user")
        .filter(pk=pk, reviewed_at__isnull=True)
        .first()
        if pk is not None
        else None
    )
    if session is None:
        return _problem(
            request,
            "Session not found",
            f"There is no break-glass session {form.value_of('session')[:20]!r} awaiting review.",
            404,
        )
    if not valid:
        return _sessions_page(request, form)
    try:
        review_break_glass(session, request.user, form.cleaned_data["outcome"])
    except AccessRefused as error:
        form.add_refusal("outcome", error)
        return _sessions_page(request, form)
    gate.audit(
        request,
        "write",
        "break_glass",
        object_id=str(session.pk),
        subject=session.child_reference,
        disclosed={"outcome": session.review_outcome},
    )
    messages.success(
        request,
        f"Break-glass session {session.pk} by {session.user.get_username()} on "
        f"{session.child_reference} reviewed.",
    )
    target = reverse("break-glass-reviews")
    purpose = request.GET.get("purpose")
    return HttpResponseRedirect(f"{target}?purpose={purpose}" if purpose else target, status=303)


urlpatterns = [
    path("children/<str:reference>/who-looked/", who_looked, name="who-looked"),
    path("subject-access/", subject_access, name="subject-access"),
    path("break-glass/", break_glass_reviews, name="break-glass-reviews"),
]
