"""The Jinja2 environment of the practitioners' pages (settings.TEMPLATES).

Pages live in seen/web/jinja2/ and extend `base.html`; the GOV.UK Frontend Jinja macros are
imported by their own names, e.g.
`{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}`.
Globals: `url(name, *args)` (Django's reverse), `maybe_url(name, *args)` ("" where there is no
such page), `static(path)` (under /assets/) and
`navigation(request)` (the service navigation for the user's role, seen.web.navigation).
Filters: `day` (a date, "26 May 2025"), `localtime_text` (a moment, "3 May 2026, 2:05pm") and
`in_words` (a decision's reason with its relationship codes in words)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from seen.web import navigation


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def maybe_url(name: str, *args: Any) -> str:
    """The address of a page, or "" where this version has no such page (a link left out)."""
    try:
        return url(name, *args)
    except NoReverseMatch:
        return ""


# a decision's relationships in words (the decision names them by code: "answers_alert, lead")
RELATIONSHIP_WORDS = {
    "caseload": "the child is on your caseload",
    "lead": "you lead the child's plan",
    "answers_alert": "you answer for an alert about the child",
    "mash_triage": "MASH is triaging a contact about the child",
    "escalated": "an alert about the child is escalated to you",
    "holds_history": "your agency holds the history of an adult around the child",
    "presenting": "the child is presenting in your setting",
    "notified": "you recorded a serious incident notification about the child",
    "rapid_review": "a safeguarding lead shared the child's rapid review with you",
}
_CODES = re.compile(r"^([a-z_]+(?:, [a-z_]+)*)((?:[;:] .*)?)$", re.DOTALL)


def in_words(reason: str) -> str:
    """A decision's reason with its relationship codes said in words ("answers_alert, caseload;
    record the lawful basis…" -> "you answer for an alert about the child and the child is on
    your caseload; record the lawful basis…"); any other reason as it is."""
    found = _CODES.match(str(reason))
    codes = found.group(1).split(", ") if found else []
    if not found or not all(code in RELATIONSHIP_WORDS for code in codes):
        return str(reason)
    words = [RELATIONSHIP_WORDS[code] for code in codes]
    said = ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]
    return said + found.group(2)


def day(value: date | str | None) -> str:
    """A date as GOV.UK writes it: 26 May 2025 (the `day` filter: one date style). A value
    that is not a date (a shielded or withheld one, "not known") is shown as it is."""
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return "" if value is None else str(value)


def case_name(case_id: str, *, start: bool = True) -> str:
    """A review case by its id, not saying "case" twice: "Case 7", but "Case 01" for an id that
    is already "case 01" (`start`: at the start of a sentence, else "case 7")."""
    case_id = str(case_id)
    named = case_id if case_id.lower().startswith("case") else f"case {case_id}"
    return named[:1].upper() + named[1:] if start else named[:1].lower() + named[1:]


def localtime_text(moment: datetime) -> str:
    """A date and time in the partnership's time zone, as GOV.UK writes them: 3 May 2026, 2:05pm."""
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y}, {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def environment(**options: Any) -> Environment:
    pages = options.pop("loader")
    options["loader"] = ChoiceLoader(
        [pages, PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]
    )
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    env = Environment(**options)
    env.globals.update(
        {
            "url": url,
            "maybe_url": maybe_url,
            "static": static,
            "service_name": "Seen",
            "partnership_name": settings.SEEN_PARTNERSHIP_NAME,
            "navigation": navigation.items,
        }
    )
    env.filters["localtime_text"] = localtime_text
    env.filters["day"] = day
    env.filters["in_words"] = in_words
    env.filters["case_name"] = case_name
    return env
