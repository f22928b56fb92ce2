"""The signed-in user is loaded with their staff profile (role, agency, practitioner) in the
same query, so that the access decision costs one further query per request, not two."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def user_with_profile(user_id: Any) -> Any:
    """The active user with their profile joined, or None."""
    users = get_user_model()._default_manager.select_related(
        "staff_profile", "staff_profile__agency", "staff_profile__practitioner"
    )
    try:
        user = users.get(pk=user_id)
    except get_user_model().DoesNotExist:
        return None
    return user if getattr(user, "is_active", True) else None


class ProfileModelBackend(ModelBackend):
    """Django's password backend, loading the profile with the user."""

    def get_user(self, user_id: Any) -> Any:
        return user_with_profile(user_id)
