"""The practitioners' pages (Jinja2, GOV.UK Design System; templates in seen/web/jinja2/).

Every page that shows personal data asks `seen.access.policy.decide` first and records what it
showed with `seen.audit.log.record(via="page")`. The purpose a page declares is "direct_care"
unless the address says another (`?purpose=safeguarding`); a purpose Seen does not know is
refused like any other denial. Signed-out visitors are sent to the sign-in page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from seen.access import auditing
from seen.access.models import Purpose, Role
from seen.access.policy import Action, decide, profile_of
from seen.access.services import break_glass_to_review
from seen.casefile.contacts_due import overdue_contacts
from seen.core import clock
from seen.ingest.summary import loaded_counts, recent_batches
from seen.linkage.review import review_queue
from seen.rules.inbox import audit_subject, open_owed_by, overdue

DEFAULT_PURPOSE = Purpose.DIRECT_CARE.value


def purpose_of(request: HttpRequest, default: str = DEFAULT_PURPOSE) -> str:
    """The purpose a page's request declares: a form's field, else the address's, else the
    page's default. Every page asks this one function."""
    return request.POST.get("purpose") or request.GET.get("purpose") or default


def _audit(request: HttpRequest, action: str, object_type: str, **fields: Any) -> None:
    object_id = fields.pop("object_id", "")
    auditing.audit(
        request.user, "page", purpose_of(request), action, object_type, object_id, **fields
    )


def home(request: HttpRequest) -> HttpResponse:
    """What you owe: the open alerts you answer for (overdue first, each with its deadline and
    explanation); for a health visitor, the mandated contacts overdue; for a safeguarding lead,
    break-glass sessions awaiting review; for MASH and safeguarding leads, the identity pairs
    awaiting clerical review."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    profile = profile_of(request.user)
    if profile is None:
        return render(request, "web/no_role.html")
    purpose = purpose_of(request)
    decision = decide(request.user, Action.VIEW_OWN_ALERTS, purpose)
    context: dict[str, Any] = {
        "profile": profile,
        "purpose": purpose,
        "decision": decision,
        "is_admin": profile.role == Role.SYSTEM_ADMINISTRATOR,
    }
    if not decision.allowed:
        _audit(request, "denied", "alerts", outcome="denied", reason=decision.reason)
        return render(request, "web/home.html", context)
    now = clock.now()
    alerts = open_owed_by(profile)
    context["alerts"] = [(alert, overdue(alert, now)) for alert in alerts]
    context["overdue_count"] = sum(1 for _, late in context["alerts"] if late)
    subject, children = audit_subject(alerts)
    disclosed: dict[str, Any] = {"alerts": [a.pk for a in alerts], "children": children}
    if profile.role == Role.HEALTH_VISITOR and profile.practitioner_id:
        owed = overdue_contacts(profile.practitioner_id, clock.today())
        context["contacts_due"] = owed
        disclosed["contacts_due"] = sorted({c.child for c in owed})
    if decide(request.user, Action.REVIEW_BREAK_GLASS, purpose).allowed:
        sessions = break_glass_to_review()
        context["break_glass"] = sessions
        disclosed["break_glass"] = [s.pk for s in sessions]
    if decide(request.user, Action.VIEW_LINK_QUEUE, purpose).allowed:
        context["pairs_to_review"] = len(review_queue())
        disclosed["pairs_to_review"] = context["pairs_to_review"]
    _audit(
        request,
        "read",
        "alerts",
        subject=subject,
        disclosed=disclosed,
    )
    return render(request, "web/home.html", context)


def loaded(request: HttpRequest) -> HttpResponse:
    """What the demo loaded, counts only: for system administrators (who see no case data)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    decision = decide(request.user, Action.ADMINISTER, "administration")
    if not decision.allowed:
        return render(request, "web/refused.html", {"reason": decision.reason}, status=403)
    return render(
        request,
        "web/loaded.html",
        {"counts": loaded_counts(), "batches": recent_batches()},
    )
