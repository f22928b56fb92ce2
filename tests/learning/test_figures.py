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
    shown = Figure("fathers-seen", "new_birth", "QAV", "2025-Q1", 5, 8)
    assert not shown.suppressed and shown.rate_shown == "62%" and shown.percent == 62
    none = Figure("fathers-seen", "new_birth", "QAV", "2025-Q1", 0, 0)
    assert not none.suppressed and none.rate is None and none.rate_shown == "no cases"


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
