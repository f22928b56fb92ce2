"""The pages' forms.

Django forms as the GOV.UK Design System asks for them: a page's input is a `SeenForm`
(Django's own checks: a NUL is refused by every CharField, a length by its max_length), every
date is one `GovDateField` (day, month and year boxes, with the GOV.UK messages: "must include a
month", "must be a real date"), and `SeenForm.error_summary` gives the one error summary, each
message linking to its field. Templates render dates with `web/form_macros.html`.

Pages declare their forms on the gate (`@page(post=…)`, seen.web.gate) and read what was
posted only through `gate.form`. Below the form, what every page shares: the items of a select
(`select_items`, for the few lists that are not a form's field), the messages a redirect
carries, and the 303 after a successful POST."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from seen.core import clock

DATE_PARTS = ("day", "month", "year")
EARLIEST_YEAR = 1900


class GovDateWidget(forms.MultiWidget):
    """Three boxes named `<name>-day`, `<name>-month` and `<name>-year`."""

    def __init__(self) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()])

    def decompress(self, value: Any) -> list[Any]:
        return [value.day, value.month, value.year] if value else [None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [str(data.get(f"{name}-{part}", "")).strip() for part in DATE_PARTS]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}-{part}" in data for part in DATE_PARTS)


class GovDateField(forms.Field):
    """A date as day, month and year, read as the GOV.UK date pattern says: each missing part
    named, a date that does not exist refused, and (`past=True`) a date after today refused."""

    widget = GovDateWidget

    def __init__(self, *, what: str, past: bool = False, **kwargs: Any) -> None:
        self.what = what  # "the date of the incident": the messages begin with it
        self.past = past
        kwargs.setdefault("error_messages", {"required": f"Enter {what}"})
        super().__init__(**kwargs)

    def _problem(self, text: str) -> forms.ValidationError:
        return forms.ValidationError(f"{self.what[:1].upper()}{self.what[1:]} {text}")

    def to_python(self, value: Any) -> date | None:
        parts = list(value) if isinstance(value, list | tuple) else ["", "", ""]
        if not any(parts):
            return None
        missing = [name for name, part in zip(DATE_PARTS, parts, strict=True) if not part]
        if missing:
            raise self._problem(f"must include a {missing[0]}")
        try:
            # ASCII digits, four at most: int() reads full-width digits, date() overflows
            # on a 300-digit year
            if not all(part.isascii() and part.isdigit() and len(part) <= 4 for part in parts):
                raise ValueError
            day, month, year = (int(part) for part in parts)
            if year < EARLIEST_YEAR:
                raise ValueError
            return date(year, month, day)
        except ValueError:
            raise self._problem("must be a real date, for example 27 3 2025") from None

    def validate(self, value: Any) -> None:
        super().validate(value)
        if self.past and value is not None and value > clock.today():
            raise self._problem("must be today or in the past")


def text_field(what: str, limit: int, *, required: str | None = None) -> forms.CharField:
    """Free text of at most `limit` characters (the service's own constant, which the API's
    schema uses too). `what` names it in the length message ("The reason must be 2,000
    characters or fewer"); `required` is the message when it is left empty (None: optional)."""
    return forms.CharField(
        max_length=limit,
        required=required is not None,
        strip=True,
        error_messages={
            "required": required or "",
            "max_length": f"{what[:1].upper()}{what[1:]} must be {limit:,} characters or fewer",
        },
    )


def choice_field(
    message: str,
    choices: Iterable[tuple[Any, str]] = (),
    *,
    required: bool = True,
    invalid: str = "",
) -> forms.ChoiceField:
    """One of `choices` (or of those the form's __init__ sets, where they depend on the child):
    `message` when none is chosen (GOV.UK: "Select …"), `invalid` (else the same) for a value
    not offered."""
    return forms.ChoiceField(
        choices=list(choices),
        required=required,
        error_messages={"required": message, "invalid_choice": invalid or message},
    )


def row_id_field(message: str, *, required: bool = True) -> forms.IntegerField:
    """A row's id: digits, small enough for any database's integer; `message` for anything
    else."""
    return forms.IntegerField(
        min_value=1,
        max_value=2**62,
        required=required,
        error_messages={k: message for k in ("required", "invalid", "min_value", "max_value")},
    )


class SeenForm(forms.Form):
    """Every page's form. Django's CharField already refuses a NUL character (no database
    stores one) and, with max_length, an over-long value; the hostile-input middleware refuses
    both before any view as well (seen.web.hostile_input)."""

    def input_id(self, name: str) -> str:
        """The id a field's input carries (a date input's, whose boxes add -day, -month and
        -year). A page with two forms holding fields of one name gives each its own."""
        return name

    def field_id(self, name: str) -> str:
        """The id an error links to: a date's first box, else the field itself."""
        base = self.input_id(name)
        return f"{base}-day" if isinstance(self.fields.get(name), GovDateField) else base

    def add_errors(self, errors: list[tuple[str, str]] | dict[str, str]) -> None:
        """A service's own (field, message) errors on the form (a field it does not know as
        a form-wide error)."""
        pairs = errors.items() if isinstance(errors, dict) else errors
        for name, message in pairs:
            self.add_error(name if name in self.fields else None, message)

    def add_refusal(self, name: str, refusal: Exception) -> None:
        """A service's refusal (its message, in lower case mid-sentence) as the error of field
        `name` ("__all__" for the form), begun with a capital as an error message is."""
        message = str(refusal)
        self.add_errors([(name, message[:1].upper() + message[1:])])

    def error_summary(self) -> list[dict[str, str]]:
        """The GOV.UK error summary's list: each message, linking to its field."""
        return [
            {
                "text": str(message),
                **({"href": f"#{self.field_id(name)}"} if name != "__all__" else {}),
            }
            for name, messages in self.errors.items()
            for message in messages
        ]

    def date_items(self, name: str) -> list[dict[str, Any]]:
        """The GOV.UK date input's items for a date field, with what was typed kept."""
        typed = self[name].value() if self.is_bound else None
        typed = (
            typed if isinstance(typed, list) else GovDateWidget().decompress(self.initial.get(name))
        )
        widths = {"day": 2, "month": 2, "year": 4}
        invalid = " govuk-input--error" if name in self.errors else ""
        return [
            {
                "name": part,
                "value": "" if value is None else str(value),
                "classes": f"govuk-input--width-{widths[part]}{invalid}",
            }
            for part, value in zip(DATE_PARTS, typed, strict=True)
        ]

    def value_of(self, name: str) -> str:
        """What was typed in a text field (or its initial value), for the input's `value`."""
        value = self[name].value()
        return "" if value is None else str(value)

    def items(self, name: str, hints: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
        """The GOV.UK radios' (or checkboxes') items from a choice field's choices, with what
        was chosen checked; `hints` gives an item its hint by value."""
        chosen = self[name].value()
        chosen = [str(c) for c in chosen] if isinstance(chosen, list) else [str(chosen or "")]
        return [
            {
                "value": str(value),
                "text": str(label),
                "checked": str(value) in chosen,
                **({"hint": {"text": hints[str(value)]}} if hints and str(value) in hints else {}),
            }
            for value, label in self.fields[name].choices  # type: ignore[attr-defined]
            if str(value) != ""
        ]

    def options(self, name: str, blank: str = "Choose") -> list[dict[str, Any]]:
        """The GOV.UK select's items from a choice field's choices, what was chosen selected,
        under a first item `blank` that chooses nothing."""
        choices = self.fields[name].choices  # type: ignore[attr-defined]
        return select_items(
            [(str(v), str(label)) for v, label in choices if str(v) != ""],
            self.value_of(name),
            blank,
        )

    def error_of(self, name: str) -> dict[str, str] | None:
        """The errorMessage a GOV.UK macro takes for this field, or None."""
        messages = self.errors.get(name)
        return {"text": str(messages[0])} if messages else None


def see_other(name: str, reference: str, purpose: str, default: str) -> HttpResponse:
    """303 to the page after a successful POST (the purpose kept when not the page's default)."""
    location = reverse(name, args=[reference])
    if purpose != default:
        location += "?" + urlencode({"purpose": purpose})
    return HttpResponse(status=303, headers={"Location": location})


def select_items(
    choices: list[tuple[str, str]], selected: str, blank: str = "Choose"
) -> list[dict[str, Any]]:
    return [{"value": "", "text": blank}] + [
        {"value": v, "text": label, "selected": v == selected} for v, label in choices
    ]


def confirmations(request: HttpRequest) -> list[str]:
    return [str(m) for m in messages.get_messages(request)]
