"""Quarters, named in words, and how much of each the partnership's data covers.

The measures count by quarter (`measures.quarter_of`: "2025-Q3", the code the addresses, the
statements and the CSV keep). A page names a quarter in words ("July to September 2025").

A quarter the data covers only part of is partial: the first, when the data begins after its
first day; the last, when the data ends before its last day, or the quarter is not over yet.
Its counts are not a quarter's, so a page marks it and never reads an empty part of it as a
rate of 0%.

- The data's last day (`last_day`) is the latest day, on or before today, of any record Seen
  holds: a fact of any kind, a baby's birth, an alert raised. It is how far the agencies'
  extracts reach, which for data loaded some time ago is well before today.
- The data's first day is the earliest day a measure counts (`measures.tally`): records about
  adults from years before, which no measure counts, do not open the dashboard's range.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from seen.learning.measures import parse_quarter
from seen.rules.world import World

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DEFAULT_QUARTERS = 4  # the dashboard opens on a year: the last four complete quarters


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1 to 4

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, code: str) -> Quarter | None:
        """'2025-Q3' (as `measures.parse_quarter` reads it) -> the quarter; else None."""
        found = parse_quarter(code)
        return None if found is None else cls(int(found[:4]), int(found[6]))

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.plus(1).first_day - timedelta(days=1)

    @property
    def name(self) -> str:
        """'July to September 2025'."""
        first = 3 * self.number - 3
        return f"{MONTHS[first]} to {MONTHS[first + 2]} {self.year}"

    def plus(self, quarters: int) -> Quarter:
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)


def span_name(start: Quarter, end: Quarter) -> str:
    """One quarter's name, or the months a run of quarters spans: 'April 2025 to March 2026',
    'January to September 2026'."""
    first, last = MONTHS[3 * start.number - 3], MONTHS[3 * end.number - 1]
    if start.year == end.year:
        return f"{first} to {last} {end.year}"
    return f"{first} {start.year} to {last} {end.year}"


def quarters_between(start: Quarter, end: Quarter) -> list[Quarter]:
    found = []
    while start <= end:
        found.append(start)
        start = start.plus(1)
    return found


@dataclass(frozen=True)
class Coverage:
    """The days the partnership's data covers (None: no data yet), as of `today`."""

    first_day: date | None
    last_day: date | None
    today: date

    def quarters(self) -> list[Quarter]:
        """The quarters the data covers, wholly or in part, first to last."""
        if self.first_day is None or self.last_day is None or self.first_day > self.last_day:
            return []
        return quarters_between(Quarter.of(self.first_day), Quarter.of(self.last_day))

    def data_from(self, quarter: Quarter) -> date | None:
        """The data's first day, where the quarter begins before it."""
        if self.first_day is not None and quarter.first_day < self.first_day:
            return self.first_day
        return None

    def data_to(self, quarter: Quarter) -> date | None:
        """The data's last day, where the quarter ends after it or is not over yet."""
        if self.last_day is None:
            return None
        if quarter.last_day > self.last_day or quarter.last_day >= self.today:
            return self.last_day
        return None

    def partial(self, quarter: Quarter) -> bool:
        return (
            self.last_day is None
            or self.data_from(quarter) is not None
            or self.data_to(quarter) is not None
        )

    def default_span(self, quarters: int = DEFAULT_QUARTERS) -> tuple[Quarter, Quarter] | None:
        """The last `quarters` complete quarters of the data; while no quarter is complete, the
        last `quarters` it covers in part; None with no data."""
        covered = self.quarters()
        complete = [q for q in covered if not self.partial(q)]
        chosen = (complete or covered)[-quarters:]
        return (chosen[0], chosen[-1]) if chosen else None


def last_day(world: World, alerts: Iterable[Mapping[str, Any]] = ()) -> date | None:
    """The data's last day: the latest day, on or before the world's today, of any fact, any
    baby's birth or any alert raised (`alerts`: rows with `raised_at`, as `measures.compute`
    reads them). None when Seen holds none."""
    days: list[date] = [c.dob for c in world.children.values() if c.dob is not None]
    for facts in (*world.facts_by_child.values(), *world.facts_by_person.values()):
        days.extend(f.occurred_on for f in facts)
    for alert in alerts:
        raised: datetime = alert["raised_at"]
        days.append(raised.date())  # the day the alerts measure counts it in
    return max((d for d in days if d <= world.today), default=None)
