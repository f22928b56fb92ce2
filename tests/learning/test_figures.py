"""Small numbers suppressed (counts 1-4 shown as "fewer than 5", rates withheld), sums over a
range of quarters per area, and the CSV."""

from __future__ import annotations

import csv
import io

from seen.casefile.aggregates import SMALL_NUMBER
from seen.learning.export import COLUMNS, to_csv
from seen.learning.figures import Figure, by_area, by_quarter, in_range
from seen.learning.measures import PARTNERSHIP, Count


def test_the_threshold_is_the_one_strategic_aggregates_use() -> None:
    assert SMALL_NUMBER == 5


def test_small_counts_are_suppressed_and_their_rate_withheld() -> None:
    small = Figure("fathers-seen", "new_birth", "QAV", "2025-Q1", 3, 20)
    assert small.suppressed and small.rate is None and small.percent is None
    assert small.numerator_shown == "fewer than 5" and small.denominator_shown == "20"
    assert small.rate_shown == "withheld (small numbers)"
    few_cases = Figure("fathers-seen", "new_birth", "QAV", "2025-Q1", 0, 4)
    assert few_cases.suppressed and few_cases.numerator_shown == "0"
    assert few_cases.denominator_shown == "fewer than 5"
    shown = Figure("fathers-seen", "new_birth", "QAV", "2025-Q1", 5, 10)
    assert not shown.suppressed and shown.rate_shown == "50%" and shown.percent == 50
    none = Figure("fathers-seen", "new_birth", "QAV", "2025-Q1", 0, 0)
    assert not none.suppressed and none.rate is None and none.rate_shown == "no cases"


def test_a_small_complement_is_protected_too() -> None:
    # 80 of 82: the 2 not seen would be read off by subtraction
    nearly_all = Figure("fathers-seen", "new_birth", "QAV", "2025-Q1", 80, 82)
    assert nearly_all.suppressed and nearly_all.rate is None
    assert nearly_all.numerator_shown == "more than 77" and nearly_all.denominator_shown == "82"
    every = Figure("fathers-seen", "new_birth", "QAV", "2025-Q1", 82, 82)
    assert not every.suppressed and every.rate_shown == "100%"


def test_one_suppressed_area_cannot_be_read_off_the_total() -> None:
    counts = [
        Count("alerts", "escalated", "QAV", "2025-Q1", 3, 10),
        Count("alerts", "escalated", "QBM", "2025-Q1", 6, 12),
        Count("alerts", "escalated", "QCW", "2025-Q1", 10, 40),
    ]
    figures = by_area(counts, "alerts", "escalated", "2025-Q1")
    shown = [(f.area, f.numerator_shown, f.denominator_shown, f.rate_shown) for f in figures]
    assert shown == [
        ("QAV", "fewer than 5", "10", "withheld (small numbers)"),
        ("QBM", "withheld", "withheld", "withheld (small numbers)"),  # the fewest cases
        ("QCW", "10", "40", "25%"),
        (PARTNERSHIP, "19", "62", "31%"),
    ]
    # one area only: the total is that area, so it is withheld with it
    alone = by_area(counts[:1], "alerts", "escalated", "2025-Q1")
    assert [f.suppressed for f in alone] == [True, True]
    # per quarter the same
    over_time = by_quarter(counts, "alerts", "escalated")
    assert [f.area for f in over_time if f.protects] == ["QBM"]


COUNTS = [
    Count("alerts", "escalated", "QAV", "2025-Q1", 2, 6),
    Count("alerts", "escalated", "QAV", "2025-Q2", 3, 6),
    Count("alerts", "escalated", "QBM", "2025-Q2", 1, 2),
    Count("alerts", "escalated", "QBM", "2025-Q3", 9, 9),
    Count("alerts", "answered", "QAV", "2025-Q2", 6, 6),
]


def test_sums_per_area_over_the_range_then_the_partnership() -> None:
    chosen = in_range(COUNTS, "2025-Q1", "2025-Q2")
    figures = by_area(chosen, "alerts", "escalated", "2025-Q1 to 2025-Q2")
    assert [(f.area, f.numerator, f.denominator) for f in figures] == [
        ("QAV", 5, 12),
        ("QBM", 1, 2),
        (PARTNERSHIP, 6, 14),
    ]
    only = by_area(chosen, "alerts", "escalated", "x", area="QBM")
    assert [(f.area, f.numerator, f.denominator) for f in only] == [("QBM", 1, 2)]
    assert in_range(COUNTS, "2025-Q3", None) == [COUNTS[3]]


def test_per_quarter_per_area_then_the_partnership() -> None:
    figures = by_quarter(COUNTS, "alerts", "escalated")
    assert [(f.area, f.period, f.numerator) for f in figures] == [
        ("QAV", "2025-Q1", 2),
        ("QAV", "2025-Q2", 3),
        ("QBM", "2025-Q2", 1),
        ("QBM", "2025-Q3", 9),
        (PARTNERSHIP, "2025-Q1", 2),
        (PARTNERSHIP, "2025-Q2", 4),
        (PARTNERSHIP, "2025-Q3", 9),
    ]


def test_the_csv_marks_suppressed_rows_and_never_writes_a_small_count() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(by_quarter(COUNTS, "alerts", "escalated")))))
    assert list(rows[0]) == list(COLUMNS)
    first = rows[0]
    assert first["measure"] == "alerts" and first["part"] == "escalated"
    assert first["area"] == "QAV" and first["period"] == "2025-Q1"
    assert first["numerator"] == "fewer than 5" and first["denominator"] == "6"
    assert first["rate"] == "" and first["suppressed"] == "yes"
    full = rows[3]
    assert (full["numerator"], full["denominator"], full["rate"], full["suppressed"]) == (
        "9",
        "9",
        "1.000",
        "no",
    )
    for row in rows:
        for column in ("numerator", "denominator"):
            assert row[column] not in {"1", "2", "3", "4"}
