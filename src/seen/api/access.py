"""Every API operation's access check and audit: the one decision function (seen.access.policy)
with the purpose the caller declares in the `Seen-Purpose` header, and an audit event for every
read and write of personal data (seen.audit) and for every refusal. Deny by default: 401 when
not signed in, 403 with the decision's reason otherwise, the same for a reference Seen holds no
child under (`refuse_unknown_child`)."""

from __future__ import annotations

import re
from typing import Any, NoReturn

from django.http import HttpRequest
from ninja.errors import HttpError

from seen.access import auditing
from seen.access.policy import ChildRef, Decision, decide, decide_unknown_child
from seen.casefile.subjects import CHILD_REFERENCE

PURPOSE_HEADER = "Seen-Purpose"
CHILD_REFERENCE_PATTERN = re.compile(CHILD_REFERENCE)


def purpose_of(request: HttpRequest) -> str:
    return request.headers.get(PURPOSE_HEADER, "")


def require(
    request: HttpRequest,
    action: str,
    child: ChildRef | None = None,
    *,
    object_type: str = "",
    object_id: str = "",
) -> Decision:
    if not request.user.is_authenticated:
        raise HttpError(401, "sign in first")
    decision = decide(request.user, action, purpose_of(request), child)
    if not decision.allowed:
        audit(
            request,
            "denied",
            object_type or action,
            object_id,
            outcome="denied",
            reason=decision.reason,
        )
        raise HttpError(403, decision.reason)
    return decision


def refuse_unknown_child(
    request: HttpRequest,
    reference: str,
    action: str,
    missing: str,
    *,
    object_type: str,
) -> NoReturn:
    """For a reference Seen holds no child under: 401, or 403 with the reason, audited, exactly
    as `require` refuses a child the caller has no relationship with, so that no refusal tells
    whether a child exists; 404 (`missing`) only for a reference that is not one, or for a
    caller who may see any child (an ED clinician, a child presenting now)."""
    if not request.user.is_authenticated:
        raise HttpError(401, "sign in first")
    if CHILD_REFERENCE_PATTERN.match(reference):
        decision = decide_unknown_child(request.user, action, purpose_of(request))
        if not decision.allowed:
            audit(
                request,
                "denied",
                object_type or action,
                reference,
                outcome="denied",
                reason=decision.reason,
            )
            raise HttpError(403, decision.reason)
    raise HttpError(404, missing)


def audit(
    request: HttpRequest, action: str, object_type: str, object_id: str = "", **details: Any
) -> None:
    """One audit event for what this request read, wrote or was refused (seen.access.auditing)."""
    auditing.audit(
        request.user, "api", purpose_of(request), action, object_type, object_id, **details
    )
