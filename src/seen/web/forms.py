"""What the pages' forms share: reading a field (a row id, a date), refusing what no database
stores (NUL), the GOV.UK error summary's list, the items of radios and selects, the messages a
redirect carries, and the 303 after a successful POST."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


def see_other(name: str, reference: str, purpose: str, default: str) -> HttpResponse:
    """303 to the page after a successful POST (the purpose kept when not the page's default)."""
    location = reverse(name, args=[reference])
    if purpose != default:
        location += "?" + urlencode({"purpose": purpose})
    return HttpResponse(status=303, headers={"Location": location})


def as_id(text: str) -> int | None:
    """A row id from a form, or None: digits only, small enough for any database's integer."""
    text = text.strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None


def unstorable(form: Mapping[str, str]) -> list[tuple[str, str]]:
    """Fields holding a NUL character, which no database stores: refused before anything."""
    return [
        (name, "Remove the control character from this field")
        for name in form
        if "\x00" in name or any("\x00" in v for v in _values(form, name))
    ][:1]


def _values(form: Mapping[str, str], name: str) -> list[str]:
    getlist = getattr(form, "getlist", None)
    return list(getlist(name)) if getlist else [form[name]]


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD, else None (the caller says what is wrong)."""
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def error_list(errors: list[tuple[str, str]], prefix: str = "") -> list[dict[str, str]]:
    return [{"text": message, "href": f"#{prefix}{field}"} for field, message in errors]


def radio_items(choices: list[tuple[str, str]], checked: str | list[str]) -> list[dict[str, Any]]:
    chosen = [checked] if isinstance(checked, str) else checked
    return [{"value": v, "text": label, "checked": v in chosen} for v, label in choices]


def select_items(
    choices: list[tuple[str, str]], selected: str, blank: str = "Choose"
) -> list[dict[str, Any]]:
    return [{"value": "", "text": blank}] + [
        {"value": v, "text": label, "selected": v == selected} for v, label in choices
    ]


# what the forms' templates call
FORM_HELPERS = {"radio_items": radio_items, "select_items": select_items}


def confirmations(request: HttpRequest) -> list[str]:
    return [str(m) for m in messages.get_messages(request)]
