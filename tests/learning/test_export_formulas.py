"""The learning dashboard's CSV runs no formula in a spreadsheet: an area's name comes from an
agency's extract, and is written as text whatever it holds (CSV injection, issue 13 finding 6)."""

from __future__ import annotations

import csv
import io

import pytest

from seen.learning.export import to_csv
from seen.learning.figures import Figure
from seen.learning.measures import MEASURES


@pytest.mark.parametrize(
    "area", ["=cmd|' /c calc'!A0", "@SUM(1+1)", "+1", "-1", "\t=1", "\r=1", " =1"]
)
def test_an_area_named_as_a_formula_is_written_as_text(area: str) -> None:
    measure = MEASURES[0]
    figure = Figure(
        measure=measure.slug,
        part=measure.parts[0].key,
        area=area,
        period="2025-Q1",
        numerator=30,
        denominator=40,
    )
    header, row = list(csv.reader(io.StringIO(to_csv([figure]), newline="")))
    assert row[header.index("area")] == "'" + area
    assert [c for c in row if c.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))] == []
    assert row[header.index("rate")] == "0.750"
