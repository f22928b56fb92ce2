"""A service's days and hours as the directory keeps them (`Service.schedules`: a list of
`{"days": ["MO", …], "opens_at": "18:00", "closes_at": "20:00", "description": "…"}`), read
from Open Referral UK's weekly schedules, and what a working parent needs to know of them: is it
open in the evening, at the weekend (`evenings_and_weekends`, the one place that decides), and
the hours in words for the pages."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

# ORUK's byday codes (iCalendar's), in the order of the week
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_NAMES = dict(zip(DAYS, NAMES, strict=True))
WEEKEND = frozenset({"SA", "SU"})
# a session closing after this, or opening at or after it, is an evening one: a parent who works
# nine to five can get there
EVENING_FROM = "17:30"
TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$")


def parse_time(value: str) -> str:
    """HH:MM or HH:MM:SS (24-hour, no time zone) as HH:MM; ValueError otherwise."""
    matched = TIME.match(value)
    if matched is None:
        raise ValueError("must be a time of day as HH:MM or HH:MM:SS, for example 18:30")
    return f"{matched.group(1)}:{matched.group(2)}"


def parse_days(value: str) -> list[str]:
    """ORUK's byday ("TU,TH") as the days in the order of the week; ValueError for anything
    but MO, TU, WE, TH, FR, SA and SU."""
    given = [day.strip().upper() for day in value.split(",") if day.strip()]
    unknown = [day for day in given if day not in DAYS]
    if unknown:
        shown = ", ".join(repr(day[:8]) for day in unknown[:3])
        raise ValueError(f"must list days as MO, TU, WE, TH, FR, SA or SU (not {shown})")
    return [day for day in DAYS if day in given]


def evenings_and_weekends(schedules: Iterable[Mapping[str, Any]]) -> tuple[bool, bool]:
    """Whether any session is in the evening (closes after 17:30, or opens at or after it) and
    whether any is on a Saturday or Sunday."""
    evenings = weekends = False
    for schedule in schedules:
        opens, closes = schedule.get("opens_at") or "", schedule.get("closes_at") or ""
        if (closes and closes > EVENING_FROM) or (opens and opens >= EVENING_FROM):
            evenings = True
        if WEEKEND & set(schedule.get("days") or ()):
            weekends = True
    return evenings, weekends


def in_words(schedule: Mapping[str, Any]) -> str:
    """One session in words: "Tuesday and Thursday, 18:30 to 20:30"."""
    names = [DAY_NAMES[day] for day in schedule.get("days") or () if day in DAY_NAMES]
    days = " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]
    opens, closes = schedule.get("opens_at") or "", schedule.get("closes_at") or ""
    hours = f"{opens} to {closes}" if opens and closes else f"from {opens}" if opens else ""
    hours = hours or (f"until {closes}" if closes else "")
    said = ", ".join(part for part in (days, hours) if part)
    description = schedule.get("description") or ""
    return f"{said} ({description})" if said and description else said or description
