"""The learning dashboard's "Services for fathers" section and its CSV rows (seen.learning.
service_reach): per service, the fathers and male carers referred against the mothers, how soon
the service made contact and what became of the men's referrals, in the dashboard's area and
quarters; the services no man was referred to; each area's gaps. Counts only, suppressed as the
measures are. The dashboard (seen.web.learning) has made the access decision and audits."""

from __future__ import annotations

from typing import Any

from seen.core import clock
from seen.learning import service_reach
from seen.learning.quarters import Coverage, Quarter, span_name
from seen.learning.service_reach import ReachCount, ReachFigure

Span = tuple[Quarter, Quarter]
# the table's columns after the service and its quarters, each a part of service_reach
COLUMNS = (
    ("fathers-referred", "Fathers and male carers referred"),
    ("mothers-referred", "Mothers referred"),
    ("fathers-days-to-first-contact", "Median days to first contact"),
    ("fathers-attended", "Attended at least one session"),
    ("fathers-completed", "Completed"),
    ("fathers-ended-early", "Dropped out or declined"),
)


def section(
    area: str | None, span: Span | None, period: dict[str, Any] | None, areas: dict[str, str]
) -> dict[str, Any]:
    """The section's context: the table's rows and the services without men over the span (none
    without data), and the gaps of the area chosen (every area's when none is)."""
    services = service_reach.directory()
    found: dict[str, Any] = {
        "columns": COLUMNS,
        "rows": [],
        "without_men": [],
        "gaps": service_reach.gaps_by_area(services, areas, area),
    }
    if span is None or period is None:
        return found
    counts = service_reach.counted(clock.today())
    start, end = span
    rows = service_reach.by_service(
        counts, services, area, start, end, partial=bool(period["partial"])
    )
    found["rows"] = [
        {
            "service": row.service,
            "quarters": span_name(row.first, row.last),
            "cells": [row.shown(key) for key, _ in COLUMNS],
        }
        for row in rows
    ]
    found["without_men"] = service_reach.without_men(counts, services, area, start.code, end.code)
    return found


def csv_rows(
    area: str | None, start: Quarter | None, end: Quarter | None, coverage: Coverage
) -> list[ReachFigure]:
    """Every service's figures per area and quarter, then the partnership's, narrowed as the
    measures' rows are to the area and quarters asked for."""
    counts: list[ReachCount] = service_reach.counted(clock.today())
    return [
        f
        for f in service_reach.by_quarter(counts, service_reach.directory(), coverage)
        if (area is None or f.figure.area == area)
        and (start is None or f.figure.period >= start.code)
        and (end is None or f.figure.period <= end.code)
    ]
