"""Sign-in throttling by address as well as by username (django-axes' database handler, one
method more).

django-axes locks out a username from one address after AXES_FAILURE_LIMIT failures. That alone
lets one password be tried across many usernames ("password spraying"): each stays under its
own limit. Axes takes a single limit for every lockout parameter, and an office behind one
address must not be paused after 5 mistakes by 5 people, so the address has its own, higher
limit here: SEEN_SIGN_IN_ADDRESS_LIMIT failures from one address, whatever the usernames, within
the cool-off time (AXES_COOLOFF_TIME, counted from each failure) pause signing in from it. The
count is read from axes' own attempts (one row per username and address), so nothing else is
stored; a success for a username clears that username's rows, as axes does."""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

ADDRESS_LOCKED = "seen_sign_in_address_locked"


def address_failures(request: HttpRequest) -> int:
    """Failed sign-ins from the request's address within the cool-off time, for any username."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return int(attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0)


def address_locked(request: HttpRequest) -> bool:
    """Whether the request's address is paused (set while axes counted its failures)."""
    return bool(getattr(request, ADDRESS_LOCKED, False))


class AddressAwareHandler(AxesDatabaseHandler):
    """Axes' database handler; an address at its own limit counts as locked out."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        failures: int = super().get_failures(request, credentials)
        limit = int(getattr(settings, "SEEN_SIGN_IN_ADDRESS_LIMIT", 0) or 0)
        if limit and address_failures(request) >= limit:
            setattr(request, ADDRESS_LOCKED, True)
            return max(failures, get_failure_limit(request, credentials))
        return failures
