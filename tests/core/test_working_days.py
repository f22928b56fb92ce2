"""Working days in England for the statutory clock: weekends, bank holidays (substitute days
and one-off days included), a clock starting on a Friday, a weekend or a bank holiday, and
periods across the year's end."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from seen.core.working_days import (
    add_working_days,
    bank_holiday_name,
    is_working_day,
    working_days_between,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 7, 11), True),  # a Friday
        (date(2025, 7, 12), False),  # Saturday
        (date(2025, 7, 13), False),  # Sunday
        (date(2025, 12, 25), False),  # Christmas Day, a Thursday
        (date(2025, 12, 26), False),  # Boxing Day, a Friday
        (date(2026, 12, 28), False),  # Boxing Day (a Saturday) moved to the Monday
        (date(2027, 12, 27), False),  # Christmas Day (a Saturday) moved to the Monday
        (date(2027, 12, 28), False),  # Boxing Day (a Sunday) moved to the Tuesday
        (date(2022, 1, 3), False),  # New Year's Day (a Saturday) moved to the Monday
        (date(2025, 4, 18), False),  # Good Friday
        (date(2025, 4, 21), False),  # Easter Monday
        (date(2025, 4, 22), True),
        (date(2022, 6, 3), False),  # one-off: the Platinum Jubilee
        (date(2022, 9, 19), False),  # one-off: the State Funeral
        (date(2023, 5, 8), False),  # one-off: the Coronation
        (date(2020, 5, 8), False),  # the early May bank holiday moved to VE Day
        (date(2020, 5, 4), True),  # ... so its usual Monday was a working day
        (date(2025, 3, 17), True),  # St Patrick's Day is a bank holiday in Northern Ireland only
        (date(2025, 8, 4), True),  # Scotland's summer holiday, not England's
        (date(2025, 8, 25), False),  # England's summer bank holiday
    ],
)
def test_working_days_leave_out_weekends_and_englands_bank_holidays(
    day: date, working: bool
) -> None:
    assert is_working_day(day) is working


def test_the_bank_holiday_is_named() -> None:
    assert bank_holiday_name(date(2026, 12, 28)) == "Boxing Day (observed)"
    assert bank_holiday_name(date(2026, 12, 29)) is None


def test_a_clock_over_an_ordinary_week() -> None:
    monday = date(2025, 7, 7)
    assert add_working_days(monday, 5) == date(2025, 7, 14)  # the next Monday
    assert add_working_days(monday, 1) == date(2025, 7, 8)
    assert add_working_days(monday, 0) == monday


def test_a_clock_starting_on_a_friday_counts_from_the_monday() -> None:
    friday = date(2025, 7, 11)
    assert add_working_days(friday, 1) == date(2025, 7, 14)
    assert add_working_days(friday, 5) == date(2025, 7, 18)
    assert add_working_days(friday, 15) == date(2025, 8, 1)


def test_a_clock_starting_at_the_weekend_counts_from_the_monday() -> None:
    assert add_working_days(date(2025, 7, 12), 5) == date(2025, 7, 18)
    assert add_working_days(date(2025, 7, 13), 5) == date(2025, 7, 18)


def test_a_clock_starting_on_a_bank_holiday_counts_from_the_next_working_day() -> None:
    easter_monday = date(2025, 4, 21)
    assert add_working_days(easter_monday, 5) == date(2025, 4, 28)
    # learned of on Good Friday: Easter Monday does not count either
    assert add_working_days(date(2025, 4, 18), 5) == date(2025, 4, 28)
    assert add_working_days(date(2025, 4, 17), 1) == date(2025, 4, 22)


def test_christmas_and_the_substitute_days_across_the_year_end() -> None:
    # 2026: Christmas on a Friday, Boxing Day on a Saturday (moved to Monday 28th), New Year's
    # Day on a Friday. From Thursday 24 December: 29, 30, 31 December, 4 and 5 January.
    assert add_working_days(date(2026, 12, 24), 5) == date(2027, 1, 5)
    # 2027: Christmas Saturday, Boxing Day Sunday: both moved (27th, 28th); New Year's Day 2028
    # a Saturday, moved to Monday 3 January: 29, 30, 31 December, 4-7, 10-14, 17-19 January
    assert add_working_days(date(2027, 12, 24), 1) == date(2027, 12, 29)
    assert add_working_days(date(2027, 12, 24), 15) == date(2028, 1, 19)
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 5)) == 5


def test_fifteen_working_days_over_easter() -> None:
    # learned of Thursday 10 April 2025; Good Friday and Easter Monday are not counted
    assert add_working_days(date(2025, 4, 10), 15) == date(2025, 5, 6)  # 5 May is a holiday too


def test_counting_back() -> None:
    assert add_working_days(date(2025, 7, 14), -1) == date(2025, 7, 11)
    assert add_working_days(date(2025, 4, 22), -1) == date(2025, 4, 17)


def test_working_days_between_is_the_inverse_of_adding_them() -> None:
    start = date(2025, 11, 3)
    for offset in range(0, 60):
        day = start + timedelta(days=offset)
        for n in (0, 1, 5, 15):
            assert working_days_between(day, add_working_days(day, n)) == n


def test_working_days_between_is_negative_once_past_and_zero_on_the_day() -> None:
    due = date(2025, 7, 18)  # a Friday
    assert working_days_between(due, due) == 0
    assert working_days_between(date(2025, 7, 16), due) == 2
    assert working_days_between(date(2025, 7, 21), due) == -1  # the Monday after
    assert working_days_between(date(2025, 7, 19), due) == 0  # the Saturday: not yet a day late
    assert working_days_between(date(2025, 7, 22), due) == -2
