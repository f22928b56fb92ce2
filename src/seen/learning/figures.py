"""What the dashboard shows of the counts: summed over a range of quarters, per area, with small
numbers suppressed.

The threshold is the one strategic leaders' alert counts use (`seen.casefile.aggregates.
SMALL_NUMBER`, 5): a count from 1 to 4 is shown as "fewer than 5" and the rate built on it is
withheld, so that no family can be recognised from a table of an area and a quarter. Zero is
shown (nothing to recognise)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from seen.casefile.aggregates import SMALL_NUMBER
from seen.learning.measures import PARTNERSHIP, Count


def is_small(count: int) -> bool:
    return 0 < count < SMALL_NUMBER


def shown(count: int) -> str:
    return f"fewer than {SMALL_NUMBER}" if is_small(count) else str(count)


@dataclass(frozen=True)
class Figure:
    """A part of a measure in one area (or the partnership, PARTNERSHIP) over some quarters
    (`period`: one quarter, or "2025-Q1 to 2025-Q4")."""

    measure: str
    part: str
    area: str
    period: str
    numerator: int
    denominator: int

    @property
    def suppressed(self) -> bool:
        return is_small(self.numerator) or is_small(self.denominator)

    @property
    def numerator_shown(self) -> str:
        return shown(self.numerator)

    @property
    def denominator_shown(self) -> str:
        return shown(self.denominator)

    @property
    def rate(self) -> float | None:
        """The rate (0-1), or None when withheld or there is nothing to divide by."""
        if self.suppressed or self.denominator == 0:
            return None
        return self.numerator / self.denominator

    @property
    def rate_shown(self) -> str:
        if self.denominator == 0:
            return "no cases"
        if self.suppressed:
            return "withheld (small numbers)"
        return f"{round(100 * self.numerator / self.denominator)}%"

    @property
    def percent(self) -> int | None:
        rate = self.rate
        return None if rate is None else round(100 * rate)


def in_range(counts: Iterable[Count], start: str | None, end: str | None) -> list[Count]:
    """Quarters compare as text ('2025-Q3' < '2025-Q4' < '2026-Q1')."""
    return [
        c
        for c in counts
        if (start is None or c.period >= start) and (end is None or c.period <= end)
    ]


def by_area(
    counts: Iterable[Count], measure: str, part: str, period_label: str, area: str | None = None
) -> list[Figure]:
    """One figure per area (summed over the quarters given), then the partnership's total (or
    only the area asked for)."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for c in counts:
        if c.measure != measure or c.part != part:
            continue
        if area is not None and c.area != area:
            continue
        sums[c.area][0] += c.numerator
        sums[c.area][1] += c.denominator
        if area is None:
            sums[PARTNERSHIP][0] += c.numerator
            sums[PARTNERSHIP][1] += c.denominator
    order = sorted(a for a in sums if a != PARTNERSHIP)
    if PARTNERSHIP in sums:
        order.append(PARTNERSHIP)
    return [Figure(measure, part, a, period_label, *sums[a]) for a in order]


def by_quarter(counts: Iterable[Count], measure: str, part: str) -> list[Figure]:
    """One figure per area and quarter, then the partnership per quarter."""
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for c in counts:
        if c.measure == measure and c.part == part:
            for key in ((c.area, c.period), (PARTNERSHIP, c.period)):
                sums[key][0] += c.numerator
                sums[key][1] += c.denominator
    keys = sorted(sums, key=lambda k: (k[0] == PARTNERSHIP, k[0], k[1]))
    return [Figure(measure, part, a, p, *sums[(a, p)]) for a, p in keys]
