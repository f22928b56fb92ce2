"""The API's permission check until the access rules arrive: a Django permission per action,
held by the user's groups. Deny by default: a user without it gets 403 and the reason."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError


def require(request: HttpRequest, permission: str, doing: str) -> None:
    user = request.user
    if not user.is_authenticated:
        raise HttpError(401, "sign in first")
    if not user.has_perm(permission):
        raise HttpError(403, f"your role does not allow you to {doing}")
