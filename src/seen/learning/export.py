"""The measures as CSV: one row per measure part, area and quarter, small numbers suppressed as
on the pages (a suppressed count is written "fewer than 5", its rate left empty, and the row
marked suppressed), a quarter the data covers only part of marked partial, and a rate with
nothing to divide by left empty, never 0. No cell starts a formula in a spreadsheet
(seen.core.spreadsheet)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from seen.core import spreadsheet
from seen.learning.figures import Figure
from seen.learning.measures import MEASURES_BY_SLUG

COLUMNS = (
    "measure",
    "part",
    "what is counted",
    "of",
    "area",
    "period",
    "partial",
    "numerator",
    "denominator",
    "rate",
    "suppressed",
)


def to_csv(figures: Iterable[Figure]) -> str:
    out = io.StringIO()
    writer = spreadsheet.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for f in figures:
        part = MEASURES_BY_SLUG[f.measure].part(f.part)
        rate = f.rate
        writer.writerow(
            [
                f.measure,
                f.part,
                part.label,
                part.of,
                f.area,
                f.period,
                "yes" if f.partial else "no",
                f.numerator_shown,
                f.denominator_shown,
                "" if rate is None else f"{rate:.3f}",
                "yes" if f.suppressed else "no",
            ]
        )
    return out.getvalue()
