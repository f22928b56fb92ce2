"""The chronology as documents the review panel can annotate: a Word document (python-docx)
with the chronology as a table whose last column, "Panel notes", is left empty for the panel,
and a section per agency saying what it knew and when; and the same table as CSV. Both are
written from a Chronology, whose values are already shielded at the viewer's level."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm

from seen.core import spreadsheet
from seen.incidents.chronology import Chronology
from seen.incidents.services import steps_of

COLUMNS = ("Date", "Agency", "Area", "What", "Source", "Panel notes")
CSV_COLUMNS = ("date", "agency", "area", "what", "detail", "about", "source", "reached_seen")


def _what(row_what: str, detail: str, about: str) -> str:
    return f"{row_what} ({about}): {detail}" if detail else f"{row_what} ({about})"


def as_csv(chronology: Chronology) -> str:
    """The chronology's rows as CSV; no cell starts a formula in a spreadsheet."""
    out = io.StringIO()
    writer = spreadsheet.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in chronology.rows:
        writer.writerow(
            [
                row.on.isoformat(),
                row.agency,
                row.area,
                row.what,
                row.detail,
                row.about,
                row.source,
                row.reached_text,
            ]
        )
    return out.getvalue()


def as_docx(chronology: Chronology) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5))
    document.add_heading(f"Chronology for the rapid review: child {chronology.reference}", 0)
    names = ", ".join(chronology.names) or "not held"
    born = chronology.dob.isoformat() if chronology.dob else "not known"
    document.add_paragraph(f"Name: {names}. Born: {born}.")
    for incident in chronology.incidents:
        steps = "; ".join(
            f"{step.label}: due {step.due.isoformat()}, {step.status.lower()}"
            for step in steps_of(incident)
        )
        document.add_paragraph(
            f"Notification {incident.pk}: incident on {incident.occurred_on.isoformat()}, "
            f"the local authority learned of it on {incident.learned_on.isoformat()}. {steps}.",
            style="List Bullet",
        )

    document.add_heading("Every fact, in time order", 1)
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.text = title
    for row in chronology.rows:
        cells = table.add_row().cells
        values = (
            row.on.isoformat(),
            row.agency,
            row.area,
            _what(row.what, row.detail, row.about),
            f"{row.source}; reached Seen: {row.reached_text}",
            "",
        )
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    if not chronology.rows:
        document.add_paragraph("No agency has recorded a fact about this child.")

    document.add_heading("What each agency knew, and when", 1)
    for knew in chronology.agencies:
        document.add_heading(knew.agency, 2)
        first = knew.first_known.isoformat() if knew.first_known else "not known"
        document.add_paragraph(f"First knew of the child: {first}.")
        if knew.recorded:
            document.add_paragraph("What it recorded:")
            for row in knew.recorded:
                document.add_paragraph(
                    f"{row.on.isoformat()}: {_what(row.what, row.detail, row.about)} "
                    f"(reached Seen: {row.reached_text})",
                    style="List Bullet",
                )
        if knew.looked:
            document.add_paragraph("When its practitioners looked at the child in Seen:")
            for look in knew.looked:
                document.add_paragraph(
                    f"{look.at[:16].replace('T', ' ')}: a {look.role} ({look.action} of "
                    f"{look.what}, for {look.purpose})",
                    style="List Bullet",
                )
        document.add_paragraph("Panel notes:")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
