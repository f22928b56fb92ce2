"""The service navigation: the pages a signed-in user's role can use, asked of the one access
policy (so a link is shown only where the page would open), the current one marked."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from seen.access.models import Purpose
from seen.access.policy import Action, decide, profile_of

# (URL name, text, the action the page needs; None: any signed-in role)
PAGES: list[tuple[str, str, str | None]] = [
    ("home", "What you owe", Action.VIEW_OWN_ALERTS),
    ("alerts", "Alerts", Action.VIEW_OWN_ALERTS),
    ("check-child", "Check a child", Action.VIEW_OWN_ALERTS),
    ("review-pair", "Review links", Action.VIEW_LINK_QUEUE),
    ("break-glass-reviews", "Break-glass reviews", Action.REVIEW_BREAK_GLASS),
    ("subject-access", "Subject access", Action.SUBJECT_ACCESS),
    ("loaded", "What is loaded", Action.ADMINISTER),
]


def _address(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:  # a page family not built in this version
        return None


def items(request: HttpRequest) -> list[dict[str, Any]]:
    user = getattr(request, "user", None)
    if profile_of(user) is None:
        return []
    shown = []
    for name, text, action in PAGES:
        href = _address(name)
        purpose = "administration" if action == Action.ADMINISTER else Purpose.DIRECT_CARE
        if href is None or (action and not decide(user, action, purpose).allowed):
            continue
        # "current": this very page (aria-current="page"); "active": a page within its section
        current = request.path == href
        within = href != "/" and request.path.startswith(href)
        shown.append({"href": href, "text": text, "current": current, "active": within})
    return shown
