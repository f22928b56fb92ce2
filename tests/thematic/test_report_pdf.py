"""The thematic report's PDF is tagged for a screen reader (PDF/UA-1, read back with pikepdf):
marked, its language and title set, a structure of headings, tables with header cells and
figures each with its alternative text, and no heading left at the bottom of a page."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from seen.thematic.dataset import read_cases
from seen.thematic.report import TITLE, report_html, report_pdf

FIXTURE = Path(__file__).parent / "fixtures" / "headline_cases.csv"


@pytest.fixture(scope="module", params=[0, 5], ids=["unpublished", "published"])
def pdf(request: pytest.FixtureRequest) -> pikepdf.Pdf:
    rows, _ = read_cases(FIXTURE.read_bytes())
    return pikepdf.open(io.BytesIO(report_pdf(report_html(rows, suppress_below=request.param))))


def _kids(element: Any) -> list[Any]:
    kids = element.get("/K")
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [kid for kid in items if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def _elements(element: Any) -> Iterator[Any]:
    for kid in _kids(element):
        yield kid
        yield from _elements(kid)


def _page(pdf: pikepdf.Pdf, element: Any) -> int | None:
    """The page an element begins on: its own, else its first child's that has one."""
    if "/Pg" in element:
        return next(i for i, page in enumerate(pdf.pages) if page.obj.objgen == element.Pg.objgen)
    return next((p for kid in _kids(element) if (p := _page(pdf, kid)) is not None), None)


def test_the_pdf_is_tagged_with_its_language_and_title(pdf: pikepdf.Pdf) -> None:
    assert pdf.Root.MarkInfo.Marked is True
    assert str(pdf.Root.Lang) == "en"
    with pdf.open_metadata() as metadata:
        assert metadata.get("dc:title") == TITLE
        assert metadata.get("pdfuaid:part") == "1"


def test_headings_tables_and_figures_are_tagged_and_each_figure_has_its_alternative_text(
    pdf: pikepdf.Pdf,
) -> None:
    elements = list(_elements(pdf.Root.StructTreeRoot))
    kinds = Counter(str(e.S) for e in elements)
    assert kinds["/H1"] == 1 and kinds["/H2"] == 4
    assert kinds["/Table"] >= 13 and kinds["/TH"] > kinds["/Table"]
    figures = [e for e in elements if str(e.S) == "/Figure"]
    assert [str(f.Alt).split(":")[0] for f in figures] == [f"Figure {n}" for n in range(1, 7)]


def test_no_heading_is_left_at_the_bottom_of_a_page(pdf: pikepdf.Pdf) -> None:
    for element in _elements(pdf.Root.StructTreeRoot):
        kids = _kids(element)
        for heading, following in pairwise(kids):
            if str(heading.S) == "/H2":
                assert _page(pdf, heading) == _page(pdf, following), str(heading.get("/T"))
