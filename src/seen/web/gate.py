"""The one gate every page passes.

- `@page(purpose=…)` wraps every view (a test walks the URL configuration and fails on a view
  without it): signed out, the sign-in page; signed in without a role in Seen, the no-role page
  (403); otherwise the view runs, with the page's default purpose for `purpose_of`.
- `purpose_of(request)`: the purpose the request declares (a form's field, else the address's),
  else the page's default. A purpose Seen does not know is refused by the decision like any
  other denial.
- `allow(request, action, object_type)`: the one decision (seen.access.policy.decide) for a page
  not about one child: None to go on, else the refusal.
- `child(request, reference, action, object_type, level=…)`: the same for a page about one
  child: the child and the decision, or the response (a reference Seen holds no child under is
  refused exactly as a child without a relationship is, so that no refusal tells whether a
  child exists; 404 only for what is not a child reference).
- `audit(request, action, object_type, object_id, **fields)`: the page's entry in the audit
  chain, with the request's purpose.
- `refused(request, object_type, object_id, reason)`: the refusal, audited as denied, on the
  refusal page (or the page's own refusal template, as the child page's offers break glass).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from seen.access import auditing
from seen.access.models import Purpose
from seen.access.policy import Decision, Level, decide, decide_unknown_child, profile_of
from seen.casefile.subjects import CHILD_REFERENCE, NoSuchChild, Subject, resolve_child

DEFAULT_PURPOSE = Purpose.DIRECT_CARE.value
CHILD_REFERENCE_PATTERN = re.compile(CHILD_REFERENCE)
_DEFAULT_PURPOSE_ATTRIBUTE = "seen_default_purpose"

View = Callable[..., HttpResponse]
NO_ROLE = "your account has no role in Seen"


def page(
    *, purpose: str | Callable[[HttpRequest], str] = DEFAULT_PURPOSE
) -> Callable[[View], View]:
    """Every page's view: signed in with a role in Seen, and `purpose` the page's default (or
    a function of the signed-in request that gives it, where it depends on the role)."""

    def gated(view: View) -> View:
        @wraps(view)
        def through_the_gate(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if profile_of(request.user) is None:
                return refused(
                    request, "page", request.path[:200], NO_ROLE, template="web/no_role.html"
                )
            default = purpose(request) if callable(purpose) else purpose
            setattr(request, _DEFAULT_PURPOSE_ATTRIBUTE, default)
            return view(request, *args, **kwargs)

        through_the_gate.seen_gate = True  # type: ignore[attr-defined]
        return through_the_gate

    return gated


def purpose_of(request: HttpRequest) -> str:
    """The purpose this request declares: a form's field, else the address's, else the page's
    default (set by @page). Every page asks this one function."""
    default = getattr(request, _DEFAULT_PURPOSE_ATTRIBUTE, DEFAULT_PURPOSE)
    return request.POST.get("purpose") or request.GET.get("purpose") or default


def audit(
    request: HttpRequest, action: str, object_type: str, object_id: str = "", **fields: Any
) -> None:
    """The page's entry in the audit chain (seen.access.auditing), with the request's purpose;
    a child's reference is its subject unless the caller names another."""
    if object_id.startswith(("P", "U")) and CHILD_REFERENCE_PATTERN.match(object_id):
        fields.setdefault("subject", object_id)
    auditing.audit(
        request.user, "page", purpose_of(request), action, object_type, object_id, **fields
    )


def refused(
    request: HttpRequest,
    object_type: str,
    object_id: str,
    reason: str,
    *,
    template: str = "web/refused.html",
    context: dict[str, Any] | None = None,
    status: int = 403,
    **fields: Any,
) -> HttpResponse:
    """The refusal: audited as denied with its reason, and shown with it."""
    audit(request, "denied", object_type, object_id, outcome="denied", reason=reason, **fields)
    return render(request, template, {"reason": reason, **(context or {})}, status=status)


def allow(
    request: HttpRequest, action: str, object_type: str, object_id: str = ""
) -> HttpResponse | None:
    """For a page not about one child: None when the decision allows `action`, else the
    refusal (audited)."""
    decision = decide(request.user, action, purpose_of(request))
    if not decision.allowed:
        return refused(request, object_type, object_id, decision.reason)
    return None


def refusal_for_unknown(request: HttpRequest, reference: str, action: str) -> Decision | None:
    """For a reference Seen holds no child under: the refusal this user would get for a child
    they have no relationship with (seen.access.policy.decide_unknown_child). None when the page
    may say "not found": the reference is not one at all, or the user may see any child (an ED
    clinician, a child presenting now)."""
    if not CHILD_REFERENCE_PATTERN.match(reference):
        return None
    decision = decide_unknown_child(request.user, action, purpose_of(request))
    return None if decision.allowed else decision


def not_a_child(request: HttpRequest, error: NoSuchChild) -> HttpResponse:
    """404 for what is not a child reference (or a child this user may see any of)."""
    message = str(error)
    return render(
        request,
        "web/child_not_found.html",
        {"message": message[:1].upper() + message[1:]},
        status=404,
    )


def child(
    request: HttpRequest,
    reference: str,
    action: str,
    object_type: str,
    *,
    level: Level | None = Level.HOUSEHOLD,
) -> tuple[Subject, Decision] | HttpResponse:
    """A child Seen holds and the decision for `action` (at `level` at least, unless None): the
    subject and the decision, or the response to send (403 audited; 404 for what is not a child
    reference)."""
    try:
        subject = resolve_child(reference)
    except NoSuchChild as error:
        unknown = refusal_for_unknown(request, reference, action)
        if unknown is not None:
            return refused(request, object_type, reference, unknown.reason)
        return not_a_child(request, error)
    decision = decide(request.user, action, purpose_of(request), subject.ref)
    if not decision.allowed:
        return refused(request, object_type, subject.reference, decision.reason)
    if level is not None and decision.level < level:
        reason = (
            decision.reason
            if decision.needs_basis
            else f"{decision.reason}: this page needs the household level, "
            "which your role does not have"
        )
        return refused(request, object_type, subject.reference, reason)
    return subject, decision
