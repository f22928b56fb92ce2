"""The subject-access report's PDF and CSV: the PDF tagged for a screen reader (PDF/UA-1, read
back with pikepdf) and naming the person; the CSV one row per item with its section, read back
to the same values, no cell a spreadsheet would run; shielded values replaced as on the page;
every download audited and never cached."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pikepdf
import pytest
from django.test import Client

from seen.access.models import Role, Shield
from seen.areas.models import Agency
from seen.audit.models import AuditEvent
from seen.core import clock, spreadsheet
from seen.people.models import Person, SourceRecord
from seen.web.subject_access_files import CSV_COLUMNS
from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","click")'


def _dpo() -> Client:
    return signed_in_client(make_user(Role.DATA_PROTECTION_OFFICER))


def _person(local_id: str) -> Person:
    person = SourceRecord.objects.get(local_id=local_id).person
    assert person is not None
    return person


def _download(client: Client, person: Person, wanted: str) -> Any:
    response = client.get("/subject-access/", {"reference": person.reference, "format": wanted})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert f"subject-access-{person.reference}." in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    return response


def _elements(element: Any) -> Iterator[Any]:
    kids = element.get("/K")
    for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _elements(kid)


def test_the_pdf_is_tagged_and_names_the_person(baby: Person) -> None:
    father = _person("F1")
    response = _download(_dpo(), father, "pdf")
    assert response["Content-Type"] == "application/pdf"
    pdf = pikepdf.open(io.BytesIO(response.content))
    assert pdf.Root.MarkInfo.Marked is True and str(pdf.Root.Lang) == "en"
    with pdf.open_metadata() as metadata:
        assert metadata.get("dc:title") == f"Subject-access report for {father.reference}"
        assert metadata.get("pdfuaid:part") == "1"
    kinds = Counter(str(e.S) for e in _elements(pdf.Root.StructTreeRoot))
    assert kinds["/H1"] == 1 and kinds["/H2"] >= 8  # about, each section, who has seen it
    assert kinds["/Table"] >= 5 and kinds["/TH"] >= kinds["/Table"]
    event = AuditEvent.objects.get(action="export")
    assert event.subject == father.reference and event.disclosed["format"] == "pdf"
    assert event.disclosed["records"] == 2  # counts and field names, no values
    assert "Tanner" not in str(event.disclosed)


def _rows(response: Any) -> list[dict[str, str]]:
    text = response.content.decode("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    return [{k: spreadsheet.restore(v) for k, v in row.items()} for row in reader]


def test_the_csv_is_one_row_per_item_with_its_section(baby: Person) -> None:
    father = _person("F1")
    rows = _rows(_download(_dpo(), father, "csv"))
    by_section = Counter(row["Section"] for row in rows)
    assert by_section["Records held, by agency"] == 2  # maternity's and the police's
    assert by_section["Facts"] == 2  # the new-birth contact and the conviction
    assert by_section["Relationships"] == 1 and by_section["Addresses"] == 1
    assert by_section["About this information"] == 5
    assert by_section["Who has seen it"] == 0  # no one had, before this download
    police = next(row for row in rows if row["Item"] == "Partnership Police record P77")
    assert police["Source"] == "Partnership Police"
    assert "Date of birth: 2 November 1995" in police["Details"]
    assert "First name: Bob" in police["Details"] and "1995-11-02" not in police["Details"]
    conviction = next(row for row in rows if row["Item"] == "Conviction CV1")
    assert "Offence category: Domestic abuse" in conviction["Details"]
    # the second download lists the first
    again = _rows(_download(_dpo_again(), father, "csv"))
    (look,) = [row for row in again if row["Section"] == "Who has seen it"]
    assert "Downloaded person" in look["Details"] and "Data protection officer" in look["Details"]


def _dpo_again() -> Client:
    officer = AuditEvent.objects.filter(role=Role.DATA_PROTECTION_OFFICER).first()
    assert officer is not None and officer.user is not None
    return signed_in_client(officer.user)


def test_no_cell_of_the_csv_starts_a_formula(baby: Person) -> None:
    """An agency's name and a record's values come from extracts: a cell starting `=`, `+`,
    `-` or `@` is written with a leading apostrophe, and reads back as it was."""
    Agency.objects.filter(code="POL").update(name=FORMULA)
    father = _person("F1")
    text = _download(_dpo(), father, "csv").content.decode("utf-8")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    for cell in cells:
        assert not cell.lstrip(" ").startswith(("=", "+", "-", "@")), cell
    assert f"'{FORMULA}" in cells  # the police's records' source
    assert any(cell.startswith(f"'{FORMULA} (") for cell in cells)  # where it came from
    rows = _rows(_download(_dpo_again(), father, "csv"))
    assert any(row["Source"] == FORMULA for row in rows)  # read back, as it was


def test_a_shielded_address_stays_shielded_in_the_csv_and_pdf(
    baby: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    Shield.objects.create(
        record=SourceRecord.objects.get(local_id="M1"),
        scope="address",
        reason="refuge",
        created_at=clock.now(),
    )
    mother = _person("M1")
    client = _dpo()
    rows = _rows(_download(client, mother, "csv"))
    text = "\n".join(row["Details"] for row in rows)
    assert "Postcode: [shielded]" in text and "Area: [shielded]" in text and "Jade" in text
    assert "QA1" not in text and "Quarry Vale" not in text.replace("Quarry Vale Maternity", "")
    # what the PDF is made from: the document handed to WeasyPrint
    handed: list[str] = []

    def pdf_of(document: str) -> bytes:
        handed.append(document)
        return b"%PDF-1.7"

    monkeypatch.setattr("seen.web.subject_access_files.report_pdf", pdf_of)
    _download(client, mother, "pdf")
    (document,) = handed
    assert "[shielded]" in document and "Jade" in document and "QA1" not in document
    exports = AuditEvent.objects.filter(action="export").values_list("disclosed", flat=True)
    assert [e["format"] for e in exports] == ["csv", "pdf"]
