"""The measures as CSV: one row per measure part, area and quarter, small numbers suppressed as
on the pages (a suppressed count is written "fewer than 5", its rate left empty, and the row
marked suppressed), a quarter the data covers only part of marked partial, and a rate with
nothing to divide by left empty, never 0. No cell starts a formula in a spreadsheet
(seen.core.spreadsheet).

The services' reach (seen.learning.service_reach) follows as rows of the measure
"service-reach", each naming its service in the last column (empty for the other measures): a
count of referrals has no denominator or rate; the median days to first contact is written in
the numerator, over the number contacted it rests on, and withheld as on the page."""

from __future__ import annotations

import io
from collections.abc import Iterable

from seen.core import spreadsheet
from seen.learning.figures import Figure
from seen.learning.measures import MEASURES_BY_SLUG
from seen.learning.service_reach import MEDIAN, ReachFigure

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
    "service",
)


def to_csv(figures: Iterable[Figure], reach: Iterable[ReachFigure] = ()) -> str:
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
                "",
            ]
        )
    for r in reach:
        writer.writerow(_reach_row(r))
    return out.getvalue()


def _reach_row(r: ReachFigure) -> list[str]:
    f = r.figure
    if r.part is MEDIAN:
        numerator, denominator, rate = r.median, f.denominator_shown, ""
    elif not r.part.of:  # a count of referrals
        numerator, denominator, rate = f.numerator_shown, "", ""
    else:
        numerator, denominator = f.numerator_shown, f.denominator_shown
        rate = "" if f.rate is None else f"{f.rate:.3f}"
    return [
        f.measure,
        f.part,
        r.part.label,
        r.part.of,
        f.area,
        f.period,
        "yes" if f.partial else "no",
        numerator,
        denominator,
        rate,
        "yes" if f.suppressed else "no",
        r.service,
    ]
