"""MASH triage of a child (/children/<reference>/triage/): the checks across agencies and areas
(the father's other areas included), each marked done with its result, and the decision, which
is refused until every check is done.

GET shows the triage; POST takes `step` = open, check or decide. Every step is decided through
`decide(Action.DECIDE_TRIAGE)` (MASH with a contact about the child under triage in their MASH,
or a safeguarding lead the child's alert was escalated to; the household level, so the lawful
basis recorded), and audited: the page as a read, each step as a write, a refusal as denied.

`gate` and the helpers below are shared with the plans and conference pages (seen.web.plans)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse

from seen.access import auditing
from seen.access.models import Purpose
from seen.access.policy import (
    Action,
    Decision,
    Level,
    decide,
    decide_unknown_child,
    profile_of,
)
from seen.casefile.subjects import CHILD_REFERENCE, NoSuchChild, Subject, resolve_child
from seen.triage import services
from seen.triage.models import Triage
from seen.web.views import purpose_of

TRIAGE_PURPOSE = Purpose.MASH_TRIAGE.value
CHILD_REFERENCE_PATTERN = re.compile(CHILD_REFERENCE)


# ---- shared by the triage, plans and conference pages ---------------------------------------


def audit(
    request: HttpRequest, purpose: str, action: str, object_type: str, object_id: str, **fields: Any
) -> None:
    auditing.audit(request.user, "page", purpose, action, object_type, object_id, **fields)


def refused(
    request: HttpRequest, purpose: str, object_type: str, reference: str, reason: str
) -> HttpResponse:
    audit(
        request,
        purpose,
        "denied",
        object_type,
        reference,
        subject=reference if reference.startswith(("P", "U")) else "",
        outcome="denied",
        reason=reason,
    )
    return render(request, "web/refused.html", {"reason": reason}, status=403)


def page_gate(
    request: HttpRequest, action: str, object_type: str, purpose: str, object_id: str = ""
) -> HttpResponse | None:
    """For a page not about one child: None when the user may go on; otherwise the response
    (sign-in, or 403 audited; an account without a role is refused by the policy)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    decision = decide(request.user, action, purpose)
    if not decision.allowed:
        return refused(request, purpose, object_type, object_id, decision.reason)
    return None


def refusal_for_unknown(
    request: HttpRequest, reference: str, action: str, purpose: str
) -> Decision | None:
    """For a reference Seen holds no child under: the refusal this user would get for a child
    they have no relationship with (seen.access.policy.decide_unknown_child), which every page
    sends, audits and words exactly as for a real child, so that no refusal tells whether a
    child exists. None when the page may say "not found": the reference is not one at all, or
    the user may see any child (an ED clinician, a child presenting now)."""
    if not CHILD_REFERENCE_PATTERN.match(reference):
        return None
    decision = decide_unknown_child(request.user, action, purpose)
    return None if decision.allowed else decision


def gate(
    request: HttpRequest,
    reference: str,
    action: str,
    object_type: str,
    purpose: str,
    *,
    level: Level = Level.HOUSEHOLD,
) -> tuple[Subject, Decision] | HttpResponse:
    """Signed in, a child Seen holds, and the decision for `action` at `level` at least: the
    subject and the decision, or the response to send (sign-in, 403 audited, or 404 for what
    is not a child reference; a reference Seen holds no child under is refused as a child
    without a relationship is: refusal_for_unknown)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if profile_of(request.user) is None:
        return refused(
            request, purpose, object_type, "", "you are not signed in with a role in Seen"
        )
    try:
        subject = resolve_child(reference)
    except NoSuchChild as error:
        unknown = refusal_for_unknown(request, reference, action, purpose)
        if unknown is not None:
            return refused(request, purpose, object_type, reference, unknown.reason)
        return render(request, "web/triage_not_found.html", {"message": str(error)}, status=404)
    decision = decide(request.user, action, purpose, subject.ref)
    if not decision.allowed:
        return refused(request, purpose, object_type, subject.reference, decision.reason)
    if decision.level < level:
        reason = (
            decision.reason
            if decision.needs_basis
            else f"{decision.reason}: this page needs the household level, "
            "which your role does not have"
        )
        return refused(request, purpose, object_type, subject.reference, reason)
    return subject, decision


def see_other(name: str, reference: str, purpose: str, default: str) -> HttpResponse:
    """303 to the page after a successful POST (the purpose kept when not the page's default)."""
    location = reverse(name, args=[reference])
    if purpose != default:
        location += "?" + urlencode({"purpose": purpose})
    return HttpResponse(status=303, headers={"Location": location})


def as_id(text: str) -> int | None:
    """A row id from a form, or None: digits only, small enough for any database's integer."""
    text = text.strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None


def unstorable(form: Mapping[str, str]) -> list[tuple[str, str]]:
    """Fields holding a NUL character, which no database stores: refused before anything."""
    return [
        (name, "Remove the control character from this field")
        for name in form
        if "\x00" in name or any("\x00" in v for v in _values(form, name))
    ][:1]


def _values(form: Mapping[str, str], name: str) -> list[str]:
    getlist = getattr(form, "getlist", None)
    return list(getlist(name)) if getlist else [form[name]]


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD, else None (the caller says what is wrong)."""
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def error_list(errors: list[tuple[str, str]], prefix: str = "") -> list[dict[str, str]]:
    return [{"text": message, "href": f"#{prefix}{field}"} for field, message in errors]


def radio_items(choices: list[tuple[str, str]], checked: str | list[str]) -> list[dict[str, Any]]:
    chosen = [checked] if isinstance(checked, str) else checked
    return [{"value": v, "text": label, "checked": v in chosen} for v, label in choices]


def select_items(
    choices: list[tuple[str, str]], selected: str, blank: str = "Choose"
) -> list[dict[str, Any]]:
    return [{"value": "", "text": blank}] + [
        {"value": v, "text": label, "selected": v == selected} for v, label in choices
    ]


# what the forms' templates call
FORM_HELPERS = {"radio_items": radio_items, "select_items": select_items}


def confirmations(request: HttpRequest) -> list[str]:
    return [str(m) for m in messages.get_messages(request)]


# ---- the triage page --------------------------------------------------------------------------


def triage_page(request: HttpRequest, reference: str) -> HttpResponse:
    purpose = purpose_of(request, TRIAGE_PURPOSE)
    gated = gate(request, reference, Action.DECIDE_TRIAGE, "triage", purpose)
    if isinstance(gated, HttpResponse):
        return gated
    subject, _ = gated
    if request.method == "POST":
        return _post(request, subject, purpose)
    return _show(request, subject, purpose)


def _show(
    request: HttpRequest,
    subject: Subject,
    purpose: str,
    *,
    errors: list[tuple[str, str]] | None = None,
    values: Mapping[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    triages = services.triages_of(subject)
    triage = next((t for t in triages if not t.decided), triages[0] if triages else None)
    checks = (
        services.ensure_checks(triage, subject) if triage is not None else []
    )
    waiting = services.outstanding(checks)
    context = {
        "subject": subject,
        "purpose": purpose,
        "default_purpose": purpose == TRIAGE_PURPOSE,
        "triage": triage,
        "earlier": [t for t in triages if t is not triage],
        "checks": checks,
        "by_area": services.checks_by_area(checks),
        "kind_names": services.KIND_NAMES,
        "outstanding": [services.check_name(c) for c in waiting],
        "decisions": [(d.value, d.label) for d in Triage.Decision],
        "errors": error_list(errors or []),
        "field_errors": dict(errors or []),
        "values": values or {},
        "confirmations": confirmations(request),
    }
    audit(
        request,
        purpose,
        "read",
        "triage",
        str(triage.pk) if triage else subject.reference,
        subject=subject.reference,
        disclosed={
            "triage": triage.pk if triage else None,
            "checks": len(checks),
            "areas": sorted({c.area.code for c in checks}),
            "decision": triage.decision if triage else "",
        },
    )
    return render(request, "web/triage.html", context, status=status)


def _post(request: HttpRequest, subject: Subject, purpose: str) -> HttpResponse:
    form = request.POST
    step = form.get("step", "")
    triage = services.open_triage_of(subject)
    try:
        if unstorable(form):
            raise services.TriageRefused(unstorable(form))
        if step == "open":
            triage = services.open_triage(request.user, subject)
            audit(
                request,
                purpose,
                "write",
                "triage",
                str(triage.pk),
                subject=subject.reference,
                disclosed={"opened": triage.pk, "checks": triage.checks.count()},
            )
            messages.success(request, "Triage opened: do each check and record its result.")
        elif step == "check":
            if triage is None:
                raise services.TriageRefused([("step", "Open a triage first")])
            check_id = as_id(form.get("check", ""))
            if check_id is None:
                raise services.TriageRefused([("checks", "Choose a check of this triage")])
            check = services.mark_done(
                request.user, triage, check_id, form.get(f"result-{check_id}", "")
            )
            audit(
                request,
                purpose,
                "write",
                "triage_check",
                str(check.pk),
                subject=subject.reference,
                disclosed={"triage": triage.pk, "check": services.check_name(check)},
            )
            messages.success(request, f"{services.check_name(check)}: done.")
        elif step == "decide":
            if triage is None:
                raise services.TriageRefused([("step", "Open a triage first")])
            services.record_decision(
                request.user, triage, subject, form.get("decision", ""), form.get("reason", "")
            )
            audit(
                request,
                purpose,
                "write",
                "triage",
                str(triage.pk),
                subject=subject.reference,
                disclosed={"decision": triage.decision},
            )
            messages.success(request, f"Decision recorded: {triage.get_decision_display()}.")
        else:
            raise services.TriageRefused([("step", "Choose what to do: open, check or decide")])
    except services.TriageRefused as refusal:
        return _show(
            request, subject, purpose, errors=refusal.errors, values=form, status=400
        )
    return see_other("triage", subject.reference, purpose, TRIAGE_PURPOSE)


urlpatterns = [
    path("children/<str:reference>/triage/", triage_page, name="triage"),
]
