"""The pages' forms (seen.web.forms): one GOV.UK date field for every date, Django's own
refusal of NUL and over-long text, and one error summary linking each message to its field."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms

from seen.core import clock
from seen.web.forms import GovDateField, SeenForm


class When(SeenForm):
    on = GovDateField(what="the date of the visit", past=True)
    note = forms.CharField(max_length=20, required=False)


def _form(day: str, month: str, year: str, note: str = "") -> When:
    return When({"on-day": day, "on-month": month, "on-year": year, "note": note})


def test_a_date_is_read_from_day_month_and_year() -> None:
    form = _form(" 7", "07", "2025 ")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == date(2025, 7, 7)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", ""), "Enter the date of the visit"),
        (("7", "", "2025"), "The date of the visit must include a month"),
        (("", "7", "2025"), "The date of the visit must include a day"),
        (("31", "2", "2025"), "The date of the visit must be a real date"),
        (("1", "13", "2025"), "The date of the visit must be a real date"),
        (("1", "1", "1899"), "The date of the visit must be a real date"),
        (("1", "1", "\uff12\uff10\uff12\uff15"), "The date of the visit must be a real date"),
        (("1", "1", "9" * 300), "The date of the visit must be a real date"),
        (("1", "1", "3000"), "The date of the visit must be today or in the past"),
    ],
)
def test_each_fault_of_a_date_is_named_as_the_design_system_says(
    parts: tuple[str, str, str], message: str
) -> None:
    form = _form(*parts)
    assert not form.is_valid()
    assert form.errors["on"][0].startswith(message)


def test_today_is_not_the_future() -> None:
    today = clock.today()
    assert _form(str(today.day), str(today.month), str(today.year)).is_valid()


def test_nul_and_over_long_text_are_refused_by_the_form() -> None:
    assert not _form("7", "7", "2025", note="a\x00b").is_valid()
    assert not _form("7", "7", "2025", note="x" * 21).is_valid()


def test_the_error_summary_links_each_message_to_its_field_and_keeps_what_was_typed() -> None:
    form = _form("7", "July", "", note="x" * 21)
    assert not form.is_valid()
    summary = form.error_summary()
    assert {item["href"] for item in summary} == {"#on-day", "#note"}
    items = form.date_items("on")
    assert [i["value"] for i in items] == ["7", "July", ""]
    assert all("govuk-input--error" in i["classes"] for i in items)
    assert form.error_of("on") == {"text": form.errors["on"][0]}
    assert form.error_of("missing") is None


def test_a_services_errors_join_the_form() -> None:
    form = _form("7", "7", "2025")
    assert form.is_valid()
    form.add_errors([("on", "The visit cannot be before the referral"), ("other", "Refused")])
    assert form.errors["on"] == ["The visit cannot be before the referral"]
    assert form.non_field_errors() == ["Refused"]
    assert {"text": "Refused"} in form.error_summary()


class Choosing(SeenForm):
    colour = forms.ChoiceField(choices=[("red", "Red"), ("blue", "Blue")])
    shade = forms.ChoiceField(choices=[("", "Any"), ("dark", "Dark")], required=False)


def test_radios_and_selects_take_their_items_from_the_field_with_the_choice_kept() -> None:
    form = Choosing({"colour": "blue", "shade": "<script>"})
    assert not form.is_valid() and "shade" in form.errors  # not among the choices
    assert [(i["value"], i["checked"]) for i in form.items("colour")] == [
        ("red", False),
        ("blue", True),
    ]
    assert form.options("shade", "No preference") == [
        {"value": "", "text": "No preference"},
        {"value": "dark", "text": "Dark", "selected": False},
    ]
    assert Choosing(initial={"colour": "red"}).items("colour")[0]["checked"]
