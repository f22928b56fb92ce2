"""The audit pages: who has looked at a child (for the child's lead practitioner, a
safeguarding lead and the data-protection officer), the subject-access report (the
data-protection officer: what Seen holds about a person and who has seen it, to read or to
download as Markdown or HTML), and the break-glass sessions awaiting a safeguarding lead's
review.

The reports are seen.casefile.disclosure, as `seen audit who-looked` and `seen audit subject-access`
make them; break glass is seen.access.services, as `seen access break-glass-reviews` and
`seen access review`. Each page asks seen.access.policy.decide first, and each read (and each
write and refusal) is itself audited. The purpose declared is "audit" unless the address
carries another."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse

from seen.access.models import BreakGlass, Purpose
from seen.access.policy import Action, decide
from seen.access.services import AccessRefused, break_glass_to_review, review_break_glass
from seen.access.shielding import cleared
from seen.casefile import disclosure
from seen.casefile.subjects import NoSuchChild, resolve_child
from seen.core import clock
from seen.people.models import Person
from seen.web import gate
from seen.web.gate import purpose_of

DEFAULT_PURPOSE = Purpose.AUDIT.value
PERSON_REFERENCE = re.compile(r"^P[0-9]{1,19}$")
OUTCOME_MAX = 2000
FORMATS = {
    "markdown": ("text/markdown; charset=utf-8", "md"),
    "html": ("text/html; charset=utf-8", "html"),
}


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


# -- subject access ---------------------------------------------------------------------------


@gate.page(purpose=DEFAULT_PURPOSE)
def subject_access(request: HttpRequest) -> HttpResponse:
    """The data-protection officer enters a person reference and sees what Seen holds about
    the person and who has seen it; `format=markdown|html` downloads it. Shielded values are
    replaced unless the officer holds shielding clearance."""
    decision = decide(request.user, Action.SUBJECT_ACCESS, purpose_of(request))
    reference = request.GET.get("reference", "").strip().upper()
    if not decision.allowed:
        named = reference if PERSON_REFERENCE.match(reference) else ""  # never raw input
        return gate.refused(request, "person", named, decision.reason)
    context: dict[str, Any] = {"reference": reference, "error": "", "report": None}
    if "reference" not in request.GET:
        return render(request, "web/audit_subject_access.html", context)
    if not PERSON_REFERENCE.match(reference):
        context["error"] = "Enter a person reference, like P00000012"
        return render(request, "web/audit_subject_access.html", context, status=400)
    wanted = request.GET.get("format", "")
    if wanted and wanted not in FORMATS:
        context["error"] = "Choose Markdown or HTML to download"
        return render(request, "web/audit_subject_access.html", context, status=400)
    try:
        person = disclosure.current(reference)
    except Person.DoesNotExist:
        context["error"] = f"Seen holds no person {reference}"
        return render(request, "web/audit_subject_access.html", context, status=404)
    report = disclosure.redacted(disclosure.subject_access(person), clearance=cleared(request.user))
    summary = disclosure.summary(report)
    if wanted:
        gate.audit(
            request,
            "export",
            "person",
            object_id=person.reference,
            subject=person.reference,
            disclosed={**summary, "format": wanted},
        )
        return _download(request, report, wanted)
    gate.audit(
        request,
        "read",
        "person",
        object_id=person.reference,
        subject=person.reference,
        disclosed=summary,
    )
    context.update(
        {
            "reference": person.reference,
            "report": report,
            "sections": _sections(report),
            "looks": [_look(row) for row in report["seen_by"]],
            "download": {
                name: f"{reverse('subject-access')}?reference={person.reference}&format={name}"
                + (f"&purpose={request.GET['purpose']}" if request.GET.get("purpose") else "")
                for name in FORMATS
            },
        }
    )
    return render(request, "web/audit_subject_access.html", context)


def _sections(report: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    titles = {
        "pregnancies": "Pregnancies",
        "relationships": "Relationships",
        "residences": "Addresses",
        "responsibilities": "Practitioners responsible",
        "facts": "Facts",
    }
    return [(titles[name], report[name]) for name in disclosure.REPORT_SECTIONS]


def _download(request: HttpRequest, report: dict[str, Any], wanted: str) -> HttpResponse:
    content_type, suffix = FORMATS[wanted]
    if wanted == "markdown":
        text = disclosure.as_markdown(report)
    else:
        text = render_to_string(
            "web/audit_subject_access_download.html",
            {"report": report, "sections": _sections(report), "looks": report["seen_by"]},
            request=request,
        )
    response = HttpResponse(text, content_type=content_type)
    name = f"subject-access-{report['person']}.{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# -- break-glass reviews ----------------------------------------------------------------------


@gate.page(purpose=DEFAULT_PURPOSE)
def break_glass_reviews(request: HttpRequest) -> HttpResponse:
    """The break-glass sessions awaiting review (GET), and a review recorded with its outcome
    (POST: session, outcome) by a safeguarding lead other than the user who broke glass."""
    decision = decide(request.user, Action.REVIEW_BREAK_GLASS, purpose_of(request))
    if not decision.allowed:
        return gate.refused(request, "break_glass", "", decision.reason)
    if request.method == "POST":
        return _review(request)
    return _sessions_page(request, {})


def _sessions_page(
    request: HttpRequest, errors: dict[int, str], values: dict[int, str] | None = None
) -> HttpResponse:
    sessions = break_glass_to_review()
    gate.audit(
        request,
        "read",
        "break_glass",
        subjects=[s.child_reference for s in sessions],
        disclosed={"sessions": [s.pk for s in sessions]},
    )
    now = clock.now()
    rows = [
        {
            "session": s,
            "expired": s.expires_at <= now,
            "error": errors.get(s.pk, ""),
            "outcome": (values or {}).get(s.pk, ""),
        }
        for s in sessions
    ]
    summary = [
        {"text": text, "href": f"#outcome-{pk}"} for pk, text in errors.items() if pk
    ] + [{"text": text} for pk, text in errors.items() if not pk]
    return render(
        request,
        "web/audit_break_glass.html",
        {"rows": rows, "errors": summary, "banner": _banner(request)},
        status=400 if errors else 200,
    )


def _review(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("session", "")
    outcome = request.POST.get("outcome", "").strip()
    session = (
        BreakGlass.objects.select_related("child", "user")
        .filter(pk=int(raw), reviewed_at__isnull=True)
        .first()
        if raw.isdigit() and len(raw) < 19
        else None
    )
    if session is None:
        return _problem(
            request,
            "Session not found",
            f"There is no break-glass session {raw[:20]!r} awaiting review.",
            404,
        )
    if not outcome:
        return _sessions_page(
            request, {session.pk: "Record the outcome of the review"}, {session.pk: outcome}
        )
    if len(outcome) > OUTCOME_MAX or "\x00" in outcome:
        return _sessions_page(
            request,
            {session.pk: f"The outcome must be {OUTCOME_MAX} characters or fewer"},
            {session.pk: outcome[:OUTCOME_MAX].replace("\x00", "")},
        )
    try:
        review_break_glass(session, request.user, outcome)
    except AccessRefused as error:
        message = str(error)
        return _sessions_page(request, {session.pk: message[:1].upper() + message[1:]})
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
