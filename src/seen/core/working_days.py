"""Working days in England, for the statutory clock of a serious incident notification.

A working day is a weekday that is not a bank holiday in England: the `holidays` package's
`UK(subdiv="ENG")` calendar, which holds the substitute days (Christmas Day or Boxing Day on a
weekend moves to the next weekday, as does New Year's Day) and the one-off bank holidays
(jubilees, a state funeral, a coronation). Pure functions: no database, no clock.

Counting follows how a statutory period "within N working days of" a day is read: the day
itself is not counted, whatever it is, and the period ends at the end of the Nth working day
after it. A clock starting on a Saturday or a bank holiday therefore counts from the next
working day."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.UK(subdiv="ENG", years=year))


def bank_holiday_name(day: date) -> str | None:
    """The bank holiday's name in England, or None."""
    if day not in _bank_holidays(day.year):
        return None
    name: str | None = holidays.UK(subdiv="ENG", years=day.year).get(day)
    return name


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The day `days` working days after `start` (`start` itself not counted); with a negative
    `days`, that many working days before it. Zero gives `start`."""
    step = 1 if days >= 0 else -1
    left = abs(days)
    day = start
    while left:
        day += timedelta(days=step)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days from `start` to `end`: those after `start` up to and including
    `end`; negative when `end` is before `start` (the working days from `end`, exclusive, to
    `start`, inclusive). So `working_days_between(d, add_working_days(d, n)) == n`."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(n)))
