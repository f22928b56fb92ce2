"""Quarters in words, the days the data covers, the dashboard's default quarters (the last four
complete quarters of the data, not of the clock), and partial quarters never drawn as 0%."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from seen.learning.figures import Figure, by_area, by_quarter
from seen.learning.measures import PARTNERSHIP, Count, tally
from seen.learning.quarters import Coverage, Quarter, last_day, span_name
from tests.rules.builder import WorldBuilder


def q(code: str) -> Quarter:
    found = Quarter.parse(code)
    assert found is not None
    return found


def test_quarters_are_named_in_words() -> None:
    assert q("2026-Q2").name == "April to June 2026"
    assert q("2026-Q3").name == "July to September 2026"
    assert q("2025-Q4").first_day == date(2025, 10, 1)
    assert q("2025-Q4").last_day == date(2025, 12, 31)
    assert q("2024-Q1").last_day == date(2024, 3, 31)
    assert q("2025-Q4").plus(1) == q("2026-Q1") and q("2026-Q1").plus(-4) == q("2025-Q1")
    assert Quarter.of(date(2026, 8, 14)) == q("2026-Q3")
    assert span_name(q("2025-Q2"), q("2026-Q1")) == "April 2025 to March 2026"
    assert span_name(q("2025-Q2"), q("2025-Q2")) == "April to June 2025"
    assert span_name(q("2026-Q1"), q("2026-Q3")) == "January to September 2026"
    for bad in ("2026-Q5", "", "2026-Q1\x00", "x" * 300):
        assert Quarter.parse(bad) is None


TODAY = date(2027, 1, 15)


@pytest.mark.parametrize(
    ("first", "last", "today", "expected"),
    [
        # data ending mid-quarter (14 November): that quarter is partial, the four before it
        (date(2025, 6, 1), date(2026, 11, 14), TODAY, ("2025-Q4", "2026-Q3")),
        # data ending exactly on a quarter's last day, the quarter over: it is complete
        (date(2025, 6, 1), date(2026, 12, 31), TODAY, ("2026-Q1", "2026-Q4")),
        # ... but not while that day is today: the quarter is not over
        (date(2025, 6, 1), date(2026, 12, 31), date(2026, 12, 31), ("2025-Q4", "2026-Q3")),
        # a demonstration made long ago: its data, not the clock, sets the quarters
        (date(2023, 2, 1), date(2024, 8, 14), date(2030, 5, 1), ("2023-Q3", "2024-Q2")),
        # the first quarter the data covers only part of is not complete: fewer than four
        (date(2025, 6, 1), date(2026, 3, 31), TODAY, ("2025-Q3", "2026-Q1")),
        # no quarter complete yet: the quarters the data covers, in part
        (date(2026, 11, 2), date(2026, 12, 20), TODAY, ("2026-Q4", "2026-Q4")),
    ],
)
def test_the_default_is_the_last_four_complete_quarters_of_the_data(
    first: date, last: date, today: date, expected: tuple[str, str]
) -> None:
    span = Coverage(first, last, today).default_span()
    assert span is not None and (span[0].code, span[1].code) == expected


def test_no_data_has_no_quarters() -> None:
    assert Coverage(None, None, TODAY).default_span() is None
    assert Coverage(None, None, TODAY).quarters() == []
    # what a measure counts lies after the records (an expected date): no quarter covered
    assert Coverage(date(2027, 5, 1), date(2026, 1, 1), TODAY).quarters() == []


def test_partial_quarters_and_the_days_they_are_covered() -> None:
    coverage = Coverage(date(2025, 6, 1), date(2026, 11, 14), TODAY)
    assert [x.code for x in coverage.quarters()][::5] == ["2025-Q2", "2026-Q3"]
    assert coverage.partial(q("2025-Q2")) and coverage.data_from(q("2025-Q2")) == date(2025, 6, 1)
    assert not coverage.partial(q("2025-Q3")) and not coverage.partial(q("2026-Q3"))
    assert coverage.partial(q("2026-Q4")) and coverage.data_to(q("2026-Q4")) == date(2026, 11, 14)
    assert coverage.data_from(q("2026-Q4")) is None
    # a quarter after the data (an expected date's) is partial too
    assert coverage.partial(q("2027-Q2"))
    # the quarter that holds today is never complete
    today_ends_it = Coverage(date(2025, 6, 1), date(2026, 12, 31), date(2026, 12, 31))
    assert today_ends_it.partial(q("2026-Q4"))


def test_the_datas_last_day_is_its_latest_record_up_to_today() -> None:
    w = WorldBuilder(date(2026, 3, 1))
    baby = w.child(dob=date(2025, 9, 1))
    w.fact(
        "contact", child=baby, occurred_on=date(2025, 11, 20), kind="new_birth", father_seen="yes"
    )
    w.fact("referral", child=baby, occurred_on=date(2026, 1, 9), kind="childrens_social_care")
    # an appointment booked for after today is no day the data covers
    w.fact("appointment", child=baby, occurred_on=date(2026, 4, 2), outcome="booked")
    world = w.build()
    assert last_day(world) == date(2026, 1, 9)
    raised = datetime(2026, 2, 3, 10, tzinfo=UTC)
    assert last_day(world, [{"raised_at": raised}]) == date(2026, 2, 3)
    assert last_day(WorldBuilder(date(2026, 3, 1)).build()) is None


def test_the_datas_first_day_is_the_first_a_measure_counts() -> None:
    w = WorldBuilder(date(2026, 3, 1))
    baby = w.child(dob=date(2025, 9, 1))
    w.fact(
        "contact", child=baby, occurred_on=date(2025, 9, 12), kind="new_birth", father_seen="yes"
    )
    # a conviction years before is no measure's
    w.fact("conviction", subject=w.adult(baby), occurred_on=date(2019, 5, 1))
    assert tally(w.build()).first_day == date(2025, 9, 1)  # the father counted at the birth


def test_a_partial_quarter_with_nothing_counted_is_not_drawn_as_0() -> None:
    partial = Figure("fathers-seen", "new_birth", "QAV", "2026-Q4", 0, 12, partial=True)
    assert partial.percent == 0 and partial.plotted is None
    assert partial.not_plotted == "none yet (partial)"
    whole = Figure("fathers-seen", "new_birth", "QAV", "2026-Q3", 0, 12)
    assert whole.plotted == 0 and whole.not_plotted == ""  # a whole quarter's 0% is a rate
    some = Figure("fathers-seen", "new_birth", "QAV", "2026-Q4", 6, 12, partial=True)
    assert some.plotted == 50
    empty = Figure("fathers-seen", "new_birth", PARTNERSHIP, "2026-Q2", 0, 0)
    assert empty.plotted is None and empty.not_plotted == "no cases"
    assert empty.rate_shown == "no cases"
    small = Figure("fathers-seen", "new_birth", "QAV", "2026-Q2", 2, 12)
    assert small.not_plotted == "withheld"


def test_per_quarter_a_covered_quarter_without_cases_is_no_cases_and_partial_is_marked() -> None:
    coverage = Coverage(date(2026, 1, 10), date(2026, 11, 14), TODAY)
    counts = [
        Count("alerts", "escalated", "QAV", "2026-Q1", 12, 20),
        Count("alerts", "escalated", "QAV", "2026-Q4", 0, 8),
    ]
    shown = {
        (f.area, f.period): (f.rate_shown, f.partial, f.plotted)
        for f in by_quarter(counts, "alerts", "escalated", coverage)
    }
    assert shown == {
        ("QAV", "2026-Q1"): ("60%", True, 60),
        ("QAV", "2026-Q4"): ("0%", True, None),
        (PARTNERSHIP, "2026-Q1"): ("60%", True, 60),
        (PARTNERSHIP, "2026-Q2"): ("no cases", False, None),  # covered, nothing counted
        (PARTNERSHIP, "2026-Q3"): ("no cases", False, None),
        (PARTNERSHIP, "2026-Q4"): ("0%", True, None),
    }
    # without the coverage, as before: the quarters counted, none marked
    assert not any(f.partial for f in by_quarter(counts, "alerts", "escalated"))
    over_range = by_area(counts, "alerts", "escalated", "2026-Q1 to 2026-Q4", partial=True)
    assert all(f.partial for f in over_range)
