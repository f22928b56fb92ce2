"""Shared test helpers: a small hand-written extract that tests change one cell at a time."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from seen.core import clock
from seen.ingest.schema import FORMAT_NAME, FORMAT_VERSION, MANIFEST_FILE, TABLES_BY_NAME

Rows = dict[str, list[dict[str, str]]]


def write_extract(directory: Path, tables: Rows, *, extract_id: str = "test") -> Path:
    """Write an extract: manifest plus one CSV per table, columns in the schema's order."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MANIFEST_FILE).write_text(
        json.dumps(
            {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "extract_id": extract_id}
        )
    )
    for name, rows in tables.items():
        table = TABLES_BY_NAME[name]
        with (directory / table.filename).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=table.column_names)
            writer.writeheader()
            for row in rows:
                writer.writerow({column: row.get(column, "") for column in table.column_names})
    return directory


def small_partnership() -> Rows:
    """Two areas, a maternity service and a police force, one family with a father known to the
    police under another spelling."""
    return {
        "areas": [{"code": "QAV", "name": "Quarry Vale"}, {"code": "QBM", "name": "Quillbrook"}],
        "postcode_districts": [
            {"district": "QA1", "area": "QAV"},
            {"district": "QB1", "area": "QBM"},
        ],
        "agencies": [
            {"code": "QAV-MAT", "name": "Quarry Vale Maternity", "kind": "midwifery",
             "area": "QAV"},
            {"code": "POL", "name": "Partnership Police", "kind": "police"},
        ],
        "practitioners": [
            {"agency": "QAV-MAT", "id": "MW1", "name": "Ann Midwife", "role": "midwife",
             "phone": "01632 960001"},
        ],
        "people": [
            {"agency": "QAV-MAT", "id": "M1", "forename": "Jade", "surname": "Hollis",
             "dob": "1999-04-03", "sex": "female", "nhs_number": "9990000018",
             "postcode": "QA1 2BC", "ethnicity": "WBRI", "interpreter_needed": "no"},
            {"agency": "QAV-MAT", "id": "F1", "forename": "Robert", "surname": "Tanner",
             "sex": "male"},
            {"agency": "QAV-MAT", "id": "B1", "forename": "Baby", "surname": "Hollis",
             "dob": "2025-06-01", "sex": "male"},
            {"agency": "POL", "id": "P77", "forename": "Bob", "surname": "Taner",
             "dob": "1995-11-02", "sex": "male", "postcode": "qb1 4xy"},
        ],
        "pregnancies": [
            {"agency": "QAV-MAT", "id": "PR1", "mother": "M1", "expected_date": "2025-06-05",
             "status": "born", "child": "B1"},
        ],
        "relationships": [
            {"agency": "QAV-MAT", "id": "R1", "person": "M1", "child": "B1",
             "kind": "birth_mother", "asserted_on": "2025-06-01"},
            {"agency": "QAV-MAT", "id": "R2", "person": "F1", "pregnancy": "PR1",
             "kind": "birth_father", "asserted_on": "2025-01-10"},
        ],
        "residences": [
            {"agency": "QAV-MAT", "id": "A1", "person": "M1", "postcode": "QA1 2BC",
             "start": "2024-01-01"},
            {"agency": "POL", "id": "A2", "person": "P77", "postcode": "QB1 4XY"},
        ],
        "contacts": [
            {"agency": "QAV-MAT", "id": "C1", "date": "2025-06-02", "child": "B1",
             "kind": "new_birth", "practitioner": "MW1", "mother_seen": "yes", "father": "F1",
             "father_seen": "no", "father_not_seen_reason": ""},
        ],
        "convictions": [
            {"agency": "POL", "id": "CV1", "date": "2021-03-04", "subject": "P77",
             "offence_category": "domestic_abuse"},
        ],
    }


@pytest.fixture(autouse=True)
def clock_back_to_real_time() -> Iterator[None]:
    """A test may set Seen's clock (seen.core.clock.set_now); the next test starts on real time."""
    yield
    clock.set_now(None)


@pytest.fixture(autouse=True)
def linkage_model_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test has its own (initially absent) linkage model, never the demo's in ./var."""
    monkeypatch.setenv("SEEN_LINK_MODEL", str(tmp_path / "linkage-model" / "model.json"))


@pytest.fixture
def extract(tmp_path: Path) -> Callable[..., Path]:
    """Build an extract from the small partnership, with changes: extract(people=[...])."""
    counter = iter(range(1000))

    def build(**changes: list[dict[str, str]]) -> Path:
        tables = small_partnership()
        tables.update(changes)
        return write_extract(tmp_path / f"extract{next(counter)}", tables)

    return build
