"""What the dashboard shows of the counts: summed over a range of quarters, per area, with small
numbers suppressed.

The threshold is the one strategic leaders' alert counts use (`seen.casefile.aggregates.
SMALL_NUMBER`, 5): a count from 1 to 4 is shown as "fewer than 5" and the rate built on it is
withheld, so that no family can be recognised from a table of an area and a quarter. The
complement is protected too: when only 1 to 4 cases of the denominator are not in the numerator
("80 of 82"), the numerator is shown as "more than 77" and the rate withheld, or the 2 could be
read off by subtraction. Zero is shown (nothing to recognise).

Within a table of areas and their partnership total, one suppressed area could be read off as
the total less the others: then a second area (the one with the fewest cases) is withheld too
("withheld" in its cells), or the total when there is no other area.

A figure over a quarter the data covers only part of is marked partial (seen.learning.quarters):
its counts are not a quarter's. A chart never draws it as 0%: nothing counted yet in a quarter
that is not over is not a rate. A figure with nothing to divide by reads "no cases", never 0%."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from seen.casefile.aggregates import SMALL_NUMBER
from seen.learning.measures import PARTNERSHIP, Count
from seen.learning.quarters import Coverage, Quarter


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
    protects: bool = False  # withheld so that a suppressed figure beside it cannot be derived
    partial: bool = False  # over a quarter the data covers only part of

    @property
    def small(self) -> bool:
        return (
            is_small(self.numerator)
            or is_small(self.denominator)
            or is_small(self.denominator - self.numerator)
        )

    @property
    def suppressed(self) -> bool:
        return self.protects or self.small

    @property
    def numerator_shown(self) -> str:
        if self.protects and not self.small:
            return "withheld"
        if is_small(self.numerator):
            return shown(self.numerator)
        if is_small(self.denominator - self.numerator) and not is_small(self.denominator):
            return f"more than {self.denominator - SMALL_NUMBER}"
        return shown(self.numerator)

    @property
    def denominator_shown(self) -> str:
        if self.protects and not self.small:
            return "withheld"
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

    @property
    def plotted(self) -> int | None:
        """The per cent a chart draws: None where there is no rate, and where a partial period
        has counted nothing yet (0% there would say nothing happened)."""
        if self.partial and self.numerator == 0:
            return None
        return self.percent

    @property
    def not_plotted(self) -> str:
        """Why a chart draws no bar for the figure ("" when it draws one)."""
        if self.plotted is not None:
            return ""
        if self.denominator == 0:
            return "no cases"
        if self.suppressed:
            return "withheld"
        return "none yet (partial)"


def _figure(
    measure: str, part: str, area: str, period: str, sums: list[int], partial: bool = False
) -> Figure:
    return Figure(measure, part, area, period, sums[0], sums[1], partial=partial)


def in_range(counts: Iterable[Count], start: str | None, end: str | None) -> list[Count]:
    """Quarters compare as text ('2025-Q3' < '2025-Q4' < '2026-Q1')."""
    return [
        c
        for c in counts
        if (start is None or c.period >= start) and (end is None or c.period <= end)
    ]


def by_area(
    counts: Iterable[Count],
    measure: str,
    part: str,
    period_label: str,
    area: str | None = None,
    *,
    partial: bool = False,
) -> list[Figure]:
    """One figure per area (summed over the quarters given), then the partnership's total (or
    only the area asked for); `partial`: the quarters hold one the data covers only part of."""
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
    areas = [_figure(measure, part, a, period_label, sums[a], partial) for a in order]
    if PARTNERSHIP not in sums:
        return areas
    total = _figure(measure, part, PARTNERSHIP, period_label, sums[PARTNERSHIP], partial)
    return protected(areas, total)


def protected(areas: list[Figure], total: Figure) -> list[Figure]:
    """The areas then their total, with a second figure withheld when exactly one area is
    suppressed and the total is not (else total less the others gives it away)."""
    small = [f for f in areas if f.suppressed]
    if len(small) != 1 or total.suppressed:
        return [*areas, total]
    others = [f for f in areas if not f.suppressed]
    if not others:
        return [*areas, replace(total, protects=True)]
    fewest = min(others, key=lambda f: (f.denominator, f.area))
    return [replace(f, protects=True) if f is fewest else f for f in areas] + [total]


def by_quarter(
    counts: Iterable[Count], measure: str, part: str, coverage: Coverage | None = None
) -> list[Figure]:
    """One figure per area and quarter, then the partnership per quarter. With the data's
    `coverage`: a quarter it covers only part of is marked partial, and where the part has
    counts at all, a quarter the data covers with nothing counted has the partnership's figure
    all the same (no cases)."""
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for c in counts:
        if c.measure == measure and c.part == part:
            for key in ((c.area, c.period), (PARTNERSHIP, c.period)):
                sums[key][0] += c.numerator
                sums[key][1] += c.denominator
    for covered in coverage.quarters() if coverage is not None and sums else ():
        sums.setdefault((PARTNERSHIP, covered.code), [0, 0])
    shown: dict[tuple[str, str], Figure] = {}
    for period in sorted({p for _, p in sums}):
        quarter = Quarter.parse(period)
        partial = coverage is not None and quarter is not None and coverage.partial(quarter)
        areas = [
            _figure(measure, part, a, p, sums[(a, p)], partial)
            for a, p in sorted(sums)
            if p == period and a != PARTNERSHIP
        ]
        total = _figure(measure, part, PARTNERSHIP, period, sums[(PARTNERSHIP, period)], partial)
        for f in protected(areas, total):
            shown[(f.area, f.period)] = f
    keys = sorted(shown, key=lambda k: (k[0] == PARTNERSHIP, k[0], k[1]))
    return [shown[k] for k in keys]
