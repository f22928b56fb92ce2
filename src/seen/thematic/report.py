"""The thematic review's headline report: one standalone HTML document (GOV.UK-like plain styling,
every table with a caption, Figures 1-6 as inline SVG charts each with its data table beside it)
and a PDF made by WeasyPrint from that same HTML, fetching nothing.

With a suppression threshold, the tables are published as seen.thematic.headline.publish makes
them: small categories joined, or counts given as ranges ("19 to 22", drawn at their middle), a
cell that can be neither "fewer than N"; the charts keep the categories the data has.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from seen.core.charts import bar_svg, fluid, pie_svg
from seen.thematic.dataset import CaseRow
from seen.thematic.headline import (
    INJURY_PATTERNS,
    Cell,
    Range,
    headline_tables,
    name_of,
    publish,
)

TITLE = "Thematic review: headline data"

# How the report names the dataset's values (a value not listed is shown as written).
LABELS: dict[str, dict[str, str]] = {
    "outcome": {"died": "Died", "seriously_harmed": "Seriously harmed"},
    "injury_pattern": {
        "head_injury_with_fractures": "Head injury/trauma with fractures",
        "head_injury_only": "Head injury/trauma, no fractures",
        "fractures_and_bruising": "Fractures and bruising",
        "fractures_only": "Fractures",
        "ruptured_frenulum": "Ruptured frenulum",
        "other": "Other injuries",
    },
    "occasions": {
        "one_off": "A one-off incident",
        "repeated": "More than one occasion",
        "not_known": "Not known",
    },
    "prognosis": {
        "likely_impairment": "Likely to suffer long-term impairment",
        "unlikely_impairment": "Unlikely to suffer long-term impairment",
        "not_known": "Not known",
    },
    "male_relationship": {
        "birth_father": "Birth father",
        "mothers_partner": "Mother's partner",
        "other": "Other",
    },
    "child_sex": {"male": "Male", "female": "Female"},
    "agency_involvement": {
        "universal": "Universal services only",
        "early_help": "Early Help",
        "child_in_need": "Child in Need plan",
        "child_protection": "Child Protection plan",
    },
    "criminal_proceedings": {
        "father_convicted": "Father convicted",
        "trial_ongoing": "Trial ongoing",
        "awaiting_decision": "Ongoing, awaiting a charging decision",
        "no_charges": "No charges brought",
    },
    "both_parents_charged": {"yes": "Yes", "no": "No"},
    "care_findings": {
        "father": "Against the father",
        "both_parents": "Against both parents",
        "mother": "Against the mother",
        "none": "No findings",
        "not_known": "Not known",
    },
    "parent_features": {
        "current_domestic_abuse": "Current domestic abuse",
        "historical_domestic_abuse": "Historical domestic abuse",
        "parental_mental_health": "Parental mental health",
        "care_leaver": "A parent is a care leaver",
        "parent_under_22": "A parent is under 22",
        "father_convictions": "Father has criminal convictions",
    },
}


@dataclass
class Table:
    caption: str
    headings: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)


@dataclass
class Figure:
    number: int
    caption: str
    svg: Markup
    table: Table
    note: str = ""


@dataclass
class Section:
    heading: str
    items: list[Table | Figure]


def report_html(rows: Sequence[CaseRow], *, suppress_below: int = 0, title: str = TITLE) -> str:
    """The report as one standalone HTML document."""
    counted = headline_tables(rows)
    tables = publish(counted, suppress_below)
    builder = _Builder(tables, suppress_below)
    sections = [
        Section(
            "Harm and the male's relationship to the child",
            [
                builder.figure(1, "outcome", "Babies who died or were seriously harmed", "pie"),
                builder.injury_table(),
                builder.table(
                    "occasions", "Seriously harmed: injured on one occasion or more", "Occasions"
                ),
                builder.table("prognosis", "Seriously harmed: prognosis", "Prognosis"),
                builder.table(
                    "male_relationship", "The male's relationship to the child", "Relationship"
                ),
            ],
        ),
        Section(
            "Sex, ethnicity and age",
            [
                builder.figure(2, "child_sex", "Sex of the babies", "bar"),
                builder.figure(3, "child_ethnicity", "Ethnicity of the babies", "barh"),
                builder.figure(4, "age_months", "Age of the babies at the incident", "bar"),
            ],
        ),
        Section(
            "Agency involvement, criminal proceedings and care proceedings",
            [
                builder.figure(
                    5, "agency_involvement", "Agency involvement at the point of injury", "pie"
                ),
                builder.table(
                    "criminal_proceedings", "Criminal proceedings after the incident", "Status"
                ),
                builder.table("both_parents_charged", "Both parents charged", "Both charged"),
                builder.table(
                    "care_findings", "Findings of fact in care proceedings", "Findings"
                ),
            ],
        ),
        Section(
            "Features of the parents",
            [builder.figure(6, "parent_features", "Features of the parents", "barh")],
        ),
    ]
    template = _environment().from_string(
        resources.files("seen.thematic").joinpath("report.html").read_text(encoding="utf-8")
    )
    return template.render(
        title=title, cases=len(rows), suppress_below=suppress_below, sections=sections
    )


def report_pdf(html: str) -> bytes:
    """The PDF of the report's HTML, tagged as PDF/UA-1 (headings, tables with their header
    cells, each figure with its alternative text, the language and the title), so that a
    screen reader reads it as the HTML. Nothing is fetched: the HTML holds everything."""
    with _quiet("weasyprint", "fontTools"):
        from weasyprint import HTML, URLFetcher  # imported here: loading pango takes a moment

        refuse_everything = URLFetcher(allowed_protocols=())
        pdf = HTML(string=html, url_fetcher=refuse_everything).write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None  # write_pdf returns the bytes when given no target
    return bytes(pdf)


def write_report(rows: Sequence[CaseRow], out_dir: Path, *, suppress_below: int = 0) -> list[Path]:
    """Write report.html and report.pdf into out_dir (made if need be); return their paths."""
    html = report_html(rows, suppress_below=suppress_below)
    pdf = report_pdf(html)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = out_dir / "report.html", out_dir / "report.pdf"
    html_path.write_text(html, encoding="utf-8")
    pdf_path.write_bytes(pdf)
    return [html_path, pdf_path]


class _Builder:
    """Turns the (possibly suppressed) headline tables into the report's tables and figures."""

    def __init__(self, tables: dict[str, Any], suppress_below: int) -> None:
        self.tables = tables
        self.below = suppress_below

    def cell(self, count: Cell) -> str:
        return f"fewer than {self.below}" if count is None else str(count)

    def label(self, table: str, value: str) -> str:
        def one(part: str) -> str:
            if table == "age_months":
                return f"{part} month" + ("" if part == "1" else "s")
            return LABELS.get(table, {}).get(part, part)

        return name_of(table, value, one)

    def table(self, name: str, caption: str, heading: str) -> Table:
        counts: dict[str, Cell] = self.tables[name]
        return Table(
            caption,
            (heading, "Number of cases"),
            [(self.label(name, value), self.cell(count)) for value, count in counts.items()],
        )

    def injury_table(self) -> Table:
        by_outcome: dict[str, dict[str, Cell]] = self.tables["injury_pattern"]
        outcomes = list(by_outcome)
        patterns = [p for p in INJURY_PATTERNS if any(p in by_outcome[o] for o in outcomes)]
        return Table(
            "Injuries by outcome",
            ("Injuries", *(self.label("outcome", outcome) for outcome in outcomes)),
            [
                (
                    self.label("injury_pattern", pattern),
                    *(self.cell(by_outcome[o].get(pattern, 0)) for o in outcomes),
                )
                for pattern in patterns
            ],
        )

    def figure(self, number: int, name: str, caption: str, kind: str) -> Figure:
        counts: dict[str, Cell] = self.tables[name]
        drawn = {
            self.label(name, value): _middle(count)
            for value, count in counts.items()
            if count is not None
        }
        ranges = {
            self.label(name, value): str(count)
            for value, count in counts.items()
            if isinstance(count, Range)
        }
        chart_title = f"Figure {number}: {caption}"
        if kind == "pie":
            svg = pie_svg(chart_title, drawn, ranges)
        else:
            svg = bar_svg(chart_title, drawn, horizontal=kind == "barh", texts=ranges)
        notes = []
        if len(drawn) < len(counts):
            notes.append(
                f"Categories with fewer than {self.below} cases are not drawn; the table "
                "lists them."
            )
        if ranges:
            notes.append("A count given as a range is drawn at the middle of its range.")
        note = " ".join(notes)
        return Figure(
            number,
            caption,
            Markup(fluid(svg)),  # our own chart: matplotlib's SVG, its text escaped
            self.table(name, f"Figure {number} data: {caption.lower()}", caption),
            note,
        )


def _middle(count: int | Range) -> float:
    return (count.low + count.high) / 2 if isinstance(count, Range) else count


@contextmanager
def _quiet(*loggers: str) -> Iterator[None]:
    """Keep WeasyPrint's warnings off the terminal: it reports every SVG presentation attribute
    it leaves to its SVG renderer, and the screen-only media query, as "ignored"."""
    saved = [(logging.getLogger(name), logging.getLogger(name).level) for name in loggers]
    for logger, _ in saved:
        logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            # that a future WeasyPrint will need HarfBuzz-Subset: for whoever installs it
            warnings.simplefilter("ignore", DeprecationWarning)
            yield
    finally:
        for logger, level in saved:
            logger.setLevel(level)


def _environment() -> Environment:
    return Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                       lstrip_blocks=True)
