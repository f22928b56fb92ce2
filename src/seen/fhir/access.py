"""Every FHIR request's access check and audit, as the JSON API makes them (seen.api.access):
signed in with Django's session (401 otherwise), then the one decision, seen.access.policy,
for checking a child (`check_child`) with the purpose CP-IS's callers have, unscheduled care: a
child presenting in the caller's setting now. Each read, refusal and unreadable search is an
audit event (`via` api). Deny by default."""

from __future__ import annotations

from typing import Any, NoReturn

from django.http import HttpRequest

from seen.access import auditing
from seen.access.models import Purpose
from seen.access.policy import Action, ChildRef, Decision, decide, decide_unknown_child
from seen.fhir.responses import Problem

PURPOSE = Purpose.UNSCHEDULED_CARE
NOT_SIGNED_IN = "Sign in to Seen first"


def require_sign_in(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise Problem(401, NOT_SIGNED_IN)


def require_any_child(request: HttpRequest, object_type: str) -> None:
    """Before the search is read: may this caller check a child presenting now at all? What
    `decide_unknown_child` gives, so a caller refused here is refused whatever NHS number they
    send, known or not (403, audited), and only one who may check any child (an ED or
    urgent-care clinician) is told that Seen holds no child under a number (404)."""
    require_sign_in(request)
    decision = decide_unknown_child(request.user, Action.CHECK_CHILD, PURPOSE)
    if not decision.allowed:
        refuse(request, object_type, "", decision.reason)


def require_child(
    request: HttpRequest, child: ChildRef, object_type: str, reference: str
) -> Decision:
    """The decision about one child: the flags API's own (`check_child`), audited if refused."""
    decision = decide(request.user, Action.CHECK_CHILD, PURPOSE, child)
    if not decision.allowed:
        refuse(request, object_type, reference, decision.reason)
    return decision


def refuse(request: HttpRequest, object_type: str, object_id: str, reason: str) -> NoReturn:
    audit(request, "denied", object_type, object_id, outcome="denied", reason=reason)
    raise Problem(403, reason)


def audit(
    request: HttpRequest, action: str, object_type: str, object_id: str = "", **details: Any
) -> None:
    """One audit event for what this request read or was refused (seen.access.auditing)."""
    auditing.audit(request.user, "api", PURPOSE, action, object_type, object_id, **details)
