"""The service navigation: the pages a signed-in user's role can use, asked of the one access
policy (so a link is shown only where the page would open), the current one marked."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from seen.access.models import Purpose
from seen.access.policy import PURPOSES_BY_ROLE, Action, decide, profile_of

# (URL name, text, the action the page needs, the purpose the page declares by default; "": the
# role's usual purpose, for a page any purpose may open)
PAGES: list[tuple[str, str, str, str]] = [
    ("home", "What you owe", Action.VIEW_OWN_ALERTS, Purpose.DIRECT_CARE),
    ("alerts", "Alerts", Action.VIEW_OWN_ALERTS, Purpose.DIRECT_CARE),
    ("caseload", "Your caseload", Action.VIEW_CASELOAD, Purpose.DIRECT_CARE),
    ("referrals", "Your referrals", Action.VIEW_OWN_REFERRALS, ""),
    ("partnership-alerts", "Partnership alerts", Action.OVERSEE_ALERTS, Purpose.SAFEGUARDING),
    ("check-child", "Check a child", Action.VIEW_OWN_ALERTS, Purpose.DIRECT_CARE),
    ("review-pair", "Review links", Action.VIEW_LINK_QUEUE, Purpose.DIRECT_CARE),
    ("incidents", "Serious incidents", Action.LIST_INCIDENTS, Purpose.SAFEGUARDING),
    ("chronologies", "Chronologies", Action.LIST_CHRONOLOGIES, Purpose.REVIEW),
    ("thematic-reviews", "Reviews", Action.VIEW_REVIEW_DATA, Purpose.REVIEW),
    ("learning", "Partnership learning", Action.VIEW_AGGREGATES, Purpose.STRATEGIC),
    ("directory", "Services for parents", Action.VIEW_DIRECTORY, ""),
    ("break-glass-reviews", "Break-glass reviews", Action.REVIEW_BREAK_GLASS, Purpose.DIRECT_CARE),
    ("subject-access", "Subject access", Action.SUBJECT_ACCESS, Purpose.AUDIT),
    ("loaded", "What is loaded", Action.ADMINISTER, Purpose.ADMINISTRATION),
]


def _address(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:  # a page family not built in this version
        return None


def items(request: HttpRequest) -> list[dict[str, Any]]:
    user = getattr(request, "user", None)
    profile = profile_of(user)
    if profile is None:
        return []
    usual = next(iter(PURPOSES_BY_ROLE.get(profile.role, ())), "")
    shown = []
    for name, text, action, purpose in PAGES:
        href = _address(name)
        if href is None or not decide(user, action, purpose or usual).allowed:
            continue
        # "current": this very page (aria-current="page"); "active": a page within its section
        current = request.path == href
        within = href != "/" and request.path.startswith(href)
        shown.append({"href": href, "text": text, "current": current, "active": within})
    # a section within another (/alerts/partnership/ in /alerts/): only the closest is active
    closest = max((str(item["href"]) for item in shown if item["active"]), key=len, default="")
    for item in shown:
        item["active"] = item["href"] == closest
    return shown
