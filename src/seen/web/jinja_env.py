"""The Jinja2 environment of the practitioners' pages (settings.TEMPLATES).

Pages live in seen/web/jinja2/ and extend `base.html`; the GOV.UK Frontend Jinja macros are
imported by their own names, e.g.
`{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}`.
Globals: `url(name, *args)` (Django's reverse), `maybe_url(name, *args)` ("" where there is no
such page), `static(path)` (under /assets/) and
`navigation(request)` (the service navigation for the user's role, seen.web.navigation).
Filters: `day` (a date, "26 May 2025") and `localtime_text` (a moment, "3 May 2026, 2:05pm")."""

from __future__ import annotations

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


def day(value: date) -> str:
    """A date as GOV.UK writes it: 26 May 2025 (the `day` filter: one date style)."""
    return f"{value.day} {value:%B %Y}"


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
    return env
