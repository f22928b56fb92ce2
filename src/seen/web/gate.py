"""The one gate every page passes.

- `@page(purpose=…, post=…)` wraps every view (a test walks the URL configuration and fails on
  a view without it): signed out, the sign-in page; signed in without a role in Seen, the
  no-role page (403); otherwise the view runs, with the page's default purpose for `purpose_of`.
  `post` names the Django form (a `SeenForm`) a POST is read through, or the forms by the POST's
  `step`; a page without one answers a POST 405, and a step it does not know 400.
- `form(request, FormClass, …)`: the page's form, bound to the POST (unbound on a GET). A page
  reads what was posted only through it (tools/architecture.py fails on `request.POST`
  elsewhere).
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
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse

from seen.access import auditing
from seen.access.models import Purpose
from seen.access.policy import Decision, Level, decide, decide_unknown_child, profile_of
from seen.casefile.subjects import CHILD_REFERENCE, NoSuchChild, Subject, resolve_child
from seen.core.errors import Invalid
from seen.web.forms import SeenForm

DEFAULT_PURPOSE = Purpose.DIRECT_CARE.value
CHILD_REFERENCE_PATTERN = re.compile(CHILD_REFERENCE)
_DEFAULT_PURPOSE_ATTRIBUTE = "seen_default_purpose"
_FORMS_ATTRIBUTE = "seen_forms"
STEP = "step"  # the POST field that says which of a page's forms was sent

View = Callable[..., HttpResponse]
Form = TypeVar("Form", bound=SeenForm)
Posted = type[SeenForm] | Mapping[str, type[SeenForm]] | None
NO_ROLE = "your account has no role in Seen"
READ_ONLY = ("GET", "HEAD")


def page(
    *, purpose: str | Callable[[HttpRequest], str] = DEFAULT_PURPOSE, post: Posted = None
) -> Callable[[View], View]:
    """Every page's view: signed in with a role in Seen, and `purpose` the page's default (or
    a function of the signed-in request that gives it, where it depends on the role). `post`:
    the form a POST is read through, or the forms by the POST's `step`; None, no POST."""
    forms = _forms_of(post)

    def gated(view: View) -> View:
        @wraps(view)
        def through_the_gate(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            allowed = [*READ_ONLY, *(["POST"] if forms else [])]
            if request.method not in allowed:
                return HttpResponseNotAllowed(allowed)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if profile_of(request.user) is None:
                return refused(
                    request, "page", request.path[:200], NO_ROLE, template="web/no_role.html"
                )
            default = purpose(request) if callable(purpose) else purpose
            setattr(request, _DEFAULT_PURPOSE_ATTRIBUTE, default)
            setattr(request, _FORMS_ATTRIBUTE, forms)
            if request.method == "POST" and isinstance(post, Mapping):
                step = request.POST.get(STEP, "")
                if step not in post:
                    raise Invalid(f"Seen does not know the step {step[:40]!r} on this page")
            return view(request, *args, **kwargs)

        through_the_gate.seen_gate = True  # type: ignore[attr-defined]
        through_the_gate.seen_forms = tuple(forms.values())  # type: ignore[attr-defined]
        return through_the_gate

    return gated


def _forms_of(post: Posted) -> dict[str, type[SeenForm]]:
    """The page's forms by the `step` that sends each ("" for a page's only form)."""
    found = {} if post is None else dict(post) if isinstance(post, Mapping) else {"": post}
    for form_class in found.values():
        if not (isinstance(form_class, type) and issubclass(form_class, SeenForm)):
            raise TypeError(f"{form_class!r} is not a SeenForm: every page's input is one")
    return found


def step_of(request: HttpRequest) -> str:
    """Which of the page's forms a POST sent (its `step` field; the gate refused any other)."""
    return request.POST.get(STEP, "") if request.method == "POST" else ""


def form(request: HttpRequest, form_class: type[Form], **kwargs: Any) -> Form:
    """The page's form: bound to what was posted when this POST sent it, else unbound (with
    `kwargs`: initial values, the choices the page offers). Only a form the page declares in
    `@page(post=…)` may be read."""
    forms: dict[str, type[SeenForm]] = getattr(request, _FORMS_ATTRIBUTE, {})
    if form_class not in forms.values():
        raise TypeError(f"{form_class.__name__} is not among this page's forms (@page(post=…))")
    sent = forms.get("" if "" in forms else step_of(request))
    if request.method == "POST" and sent is form_class:
        return form_class(request.POST, request.FILES, **kwargs)
    return form_class(**kwargs)


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
    short = level is not None and decision.level < level
    if decision.needs_basis and (short or not decision.allowed):
        # the way on: the child's page, where the lawful basis is recorded, for this purpose
        basis = reverse("child", args=[subject.reference])
        basis += "?" + urlencode({"purpose": purpose_of(request)}) + "#basis"
        context = {"basis_url": basis}
        return refused(request, object_type, subject.reference, decision.reason, context=context)
    if not decision.allowed:
        return refused(request, object_type, subject.reference, decision.reason)
    if short:
        reason = (
            f"{decision.reason}: this page needs the household level, "
            "which your role does not have"
        )
        return refused(request, object_type, subject.reference, reason)
    return subject, decision
