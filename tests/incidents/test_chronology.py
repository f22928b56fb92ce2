"""The chronology for a rapid review: every fact in time order with its source and when it
reached Seen, what each agency knew and when (its facts, and its practitioners' looks from the
audit log), shielded values replaced at the viewer's level; the Word document (a table with an
empty panel-notes column, a section per agency) and the CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from docx import Document

from seen.access import auditing
from seen.access.models import Role, Shield
from seen.access.policy import Action, decide
from seen.casefile.subjects import resolve_child
from seen.core import clock
from seen.incidents.chronology import Chronology, chronology
from seen.incidents.export import COLUMNS, as_csv, as_docx
from seen.incidents.models import Incident
from seen.people.models import Person, SourceRecord
from tests.fixtures.partnership import make_user

pytestmark = pytest.mark.django_db


def _of(viewer: Any, baby: Person) -> Chronology:
    subject = resolve_child(baby.reference)
    decision = decide(viewer, Action.VIEW_CHRONOLOGY, "review", subject.ref)
    return chronology(subject, decision, viewer)


def test_every_fact_in_time_order_with_its_source(
    incident: Incident, reviewing: Any, baby: Person
) -> None:
    found = _of(reviewing, baby)
    assert found.reference == baby.reference and found.incidents == [incident]
    assert [(r.on.isoformat(), r.what) for r in found.rows] == [
        ("2021-03-04", "Conviction"),  # the father's, held by the police in another area
        ("2025-06-02", "Contact"),
        ("2025-06-20", "Plan"),
    ]
    conviction, contact, plan = found.rows
    assert conviction.agency == "Partnership Police"
    assert conviction.source == "Partnership Police, their record CV1"
    assert "Tanner" in conviction.about
    assert plan.area == "Quarry Vale" and "child protection plan" in plan.detail
    assert contact.reached is not None and contact.reached_text == "2025-07-11"


def test_what_each_agency_knew_and_when_includes_who_looked(
    incident: Incident, reviewing: Any, baby: Person
) -> None:
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    auditing.audit(worker, "page", "safeguarding", "read", "child", baby.reference,
                   subject=baby.reference)
    auditing.audit(worker, "page", "safeguarding", "denied", "child", baby.reference,
                   subject=baby.reference, outcome="denied", reason="no")
    auditing.audit(reviewing, "page", "review", "read", "chronology", baby.reference,
                   subject=baby.reference)
    found = _of(reviewing, baby)
    by_agency = {a.agency: a for a in found.agencies}
    social_care = by_agency["Quarry Vale Children's Social Care"]
    assert [r.what for r in social_care.recorded] == ["Plan"]
    assert len(social_care.looked) == 1  # neither the refusal nor the review is a look
    look = social_care.looked[0]
    assert (look.role, look.action, look.what) == ("social worker", "read", "child")
    assert by_agency["Partnership Police"].first_known is not None
    assert found.agencies[0].agency == "Partnership Police"  # knew first (2021)


def test_the_word_document_has_the_rows_an_empty_notes_column_and_each_agency(
    incident: Incident, reviewing: Any, baby: Person
) -> None:
    document = Document(io.BytesIO(as_docx(_of(reviewing, baby))))
    table = document.tables[0]
    assert tuple(c.text for c in table.rows[0].cells) == COLUMNS
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[0] for r in rows] == ["2021-03-04", "2025-06-02", "2025-06-20"]
    assert rows[2][1] == "Quarry Vale Children's Social Care"
    assert rows[0][4].startswith("Partnership Police, their record CV1; reached Seen: 2025-07-11")
    assert all(r[5] == "" for r in rows)  # for the panel
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "What each agency knew, and when" in headings
    assert {"Partnership Police", "Quarry Vale Maternity"} <= set(headings)
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"Notification {incident.pk}" in text and "due 2025-07-14" in text


def test_the_csv_has_a_row_per_fact(incident: Incident, reviewing: Any, baby: Person) -> None:
    rows = list(csv.DictReader(io.StringIO(as_csv(_of(reviewing, baby)))))
    assert [r["what"] for r in rows] == ["Conviction", "Contact", "Plan"]
    assert rows[1]["reached_seen"] == "2025-07-11"


def test_shielded_values_never_appear(incident: Incident, reviewing: Any, baby: Person) -> None:
    for local_id in ("F1", "P77"):
        Shield.objects.create(
            record=SourceRecord.objects.get(local_id=local_id),
            scope="record",
            reason="refuge",
            created_at=clock.now(),
        )
    found = _of(reviewing, baby)
    docx_text = "\n".join(
        [p.text for p in Document(io.BytesIO(as_docx(found))).paragraphs]
        + [c.text for row in Document(io.BytesIO(as_docx(found))).tables[0].rows for c in row.cells]
    )
    for shown in (as_csv(found), docx_text):
        assert "Tanner" not in shown and "Robert" not in shown and "domestic abuse" not in shown
        assert "[shielded]" in shown
    cleared = reviewing.staff_profile
    cleared.shielding_clearance = True
    cleared.save()
    assert "Tanner" in as_csv(_of(reviewing, baby))


def test_a_refused_decision_gives_nothing(incident: Incident, baby: Person) -> None:
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    with pytest.raises(PermissionError):
        _of(worker, baby)
