"""Checking a fact's fields before it is written (seen.recording.facts): each check adds its
field's message, in words for the person at the keyboard, to `errors`, so that every field's
mistake is told at once. Free text is at most MAX_TEXT characters unless a field says less."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from seen.casefile.subjects import Subject
from seen.core import clock
from seen.facts.models import YesNoNA
from seen.people.models import SourceRecord

MAX_TEXT = 2000
MAX_BODY_SITE = 100  # where on the body an injury is (Injury.body_site holds this many)


def check_date(
    errors: dict[str, str],
    name: str,
    value: date | None,
    what: str,
    subject: Subject,
    *,
    required: bool = True,
) -> None:
    if value is None:
        if required:
            errors[name] = f"Enter the date of the {what}"
        return
    if value > clock.today():
        errors[name] = f"The date of the {what} must be today or in the past"
        return
    born = date_of_birth(subject)
    if born is not None and value < born and what != "assessment":
        errors[name] = f"The date of the {what} must be on or after the child's date of birth"


def date_of_birth(subject: Subject) -> date | None:
    if subject.person is None:
        return None
    dates = SourceRecord.objects.filter(person=subject.person, dob__isnull=False).values_list(
        "dob", flat=True
    )
    return min((d for d in dates if d is not None), default=None)


def check_choice(
    errors: dict[str, str], name: str, value: str, allowed: Iterable[str], message: str
) -> None:
    if value not in {str(a) for a in allowed}:
        errors[name] = message


def check_text(
    errors: dict[str, str], name: str, value: str, *, required: str = "", limit: int = MAX_TEXT
) -> None:
    text = value.strip()
    if "\x00" in value:
        errors[name] = "The text holds a character Seen cannot store"
    elif required and not text:
        errors[name] = required
    elif len(text) > limit:
        errors[name] = f"Write no more than {limit} characters"


def reason_needed(answer: str, reason: str) -> bool:
    return answer in (YesNoNA.NO, YesNoNA.NOT_KNOWN) and not reason.strip()


def check_born(errors: dict[str, str], subject: Subject, what: str) -> None:
    if subject.unborn:
        errors["child"] = f"{subject.reference} is not born yet: only a born child {what}"
