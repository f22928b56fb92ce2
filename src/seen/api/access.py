"""Every API operation's access check: the one decision function (seen.access.policy) with the
purpose the caller declares in the `Seen-Purpose` header. Deny by default: 401 when not signed
in, 403 with the decision's reason otherwise."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError

from seen.access.policy import ChildRef, Decision, decide

PURPOSE_HEADER = "Seen-Purpose"


def require(request: HttpRequest, action: str, child: ChildRef | None = None) -> Decision:
    if not request.user.is_authenticated:
        raise HttpError(401, "sign in first")
    purpose = request.headers.get(PURPOSE_HEADER, "")
    decision = decide(request.user, action, purpose, child)
    if not decision.allowed:
        raise HttpError(403, decision.reason)
    return decision
