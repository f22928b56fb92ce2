"""The home page ("what you owe") and what the demo loaded. Every page passes the one gate
(seen.web.gate): signed in with a role, the purpose it declares, the one access decision, the
audit entry and the refusal."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from seen.access.models import Purpose, Role
from seen.access.policy import ALLOWED_ROLES, Action, decide, profile_of
from seen.access.services import break_glass_to_review
from seen.casefile.contacts_due import overdue_contacts
from seen.core import clock
from seen.ingest.summary import loaded_counts, recent_batches
from seen.linkage.review import review_queue
from seen.rules.inbox import audit_subject, child_reference, open_owed_by, overdue
from seen.web import gate, navigation
from seen.web.gate import page, purpose_of


@page()
def home(request: HttpRequest) -> HttpResponse:
    """What you owe: the open alerts you answer for (overdue first, each with its deadline and
    explanation); for a health visitor, the mandated contacts overdue; for a safeguarding lead,
    break-glass sessions awaiting review; for MASH and safeguarding leads, the identity pairs
    awaiting clerical review."""
    profile = profile_of(request.user)
    assert profile is not None  # the gate sends an account without a role away
    purpose = purpose_of(request)
    decision = decide(request.user, Action.VIEW_OWN_ALERTS, purpose)
    context: dict[str, Any] = {
        "profile": profile,
        "purpose": purpose,
        "decision": decision,
        "is_admin": profile.role == Role.SYSTEM_ADMINISTRATOR,
    }
    if not decision.allowed:
        # a role that answers for no alerts starts on its own first page (a leader's figures, a
        # reviewer's reviews, the data-protection officer's subject access), where there is one
        answers = profile.role in ALLOWED_ROLES[Action.VIEW_OWN_ALERTS]
        own = [item["href"] for item in navigation.items(request) if item["href"] != "/"]
        if own and not answers:
            return HttpResponseRedirect(own[0])
        gate.audit(request, "denied", "alerts", outcome="denied", reason=decision.reason)
        return render(request, "web/home.html", context)
    now = clock.now()
    alerts = open_owed_by(profile)
    context["alerts"] = [(alert, overdue(alert, now), child_reference(alert)) for alert in alerts]
    context["overdue_count"] = sum(1 for _, late, _ in context["alerts"] if late)
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
    gate.audit(
        request,
        "read",
        "alerts",
        subject=subject,
        disclosed=disclosed,
    )
    return render(request, "web/home.html", context)


@page(purpose=Purpose.ADMINISTRATION)
def loaded(request: HttpRequest) -> HttpResponse:
    """What the demo loaded, counts only: for system administrators (who see no case data)."""
    refusal = gate.allow(request, Action.ADMINISTER, "loaded")
    if refusal is not None:
        return refusal
    return render(
        request,
        "web/loaded.html",
        {"counts": loaded_counts(), "batches": recent_batches()},
    )
