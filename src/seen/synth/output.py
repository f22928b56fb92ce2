"""Streaming writers: one CSV per table of the extract format, and the truth files beside it.

Rows go straight to disk as they are made, so a million-row extract needs little memory. Each
table's row ids come from one counter per table, so they are unique within every agency.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from seen.ingest.schema import FORMAT_NAME, LATEST_VERSION, MANIFEST_FILE, TABLES

# Row-id prefixes, one per table, so an id says what it is when read out of context.
_ID_PREFIXES = {
    "pregnancies": "PG", "relationships": "RL", "residences": "RS", "responsibilities": "RP",
    "births": "BI", "neonatal_stays": "NS", "contacts": "CT", "appointments": "AP",
    "injuries": "IN", "referrals": "RF", "ed_attendances": "EA", "police_incidents": "PI",
    "convictions": "CV", "findings_of_fact": "FF", "probation_supervisions": "PS",
    "marac_cases": "MC", "mental_health": "MH", "plans": "PL", "programme_events": "PE",
    "assessments": "AS", "conferences": "CF", "care_leaver_statuses": "CL",
    "crying_feeding_concerns": "CC", "service_referrals": "SR", "service_uptake": "SU",
}

TRUTH_DIR = "truth"
RECORDS_HEADER = ("agency", "record_id", "person_id")
PERSONS_HEADER = ("person_id", "sex", "dob", "role", "family_id")
FAMILIES_HEADER = ("family_id", "kind", "procedure")


class TableWriter:
    def __init__(self, name: str, columns: tuple[str, ...], handle: IO[str]) -> None:
        self.name = name
        self.columns = columns
        self.known = frozenset(columns)
        self.writer = csv.writer(handle)
        self.writer.writerow(columns)
        self.rows = 0
        self.prefix = _ID_PREFIXES.get(name, "")

    def write(self, values: dict[str, str]) -> None:
        if not self.known.issuperset(values):
            unknown = sorted(set(values) - self.known)
            raise KeyError(f"{self.name}.csv has no column(s) {unknown}")
        self.writer.writerow([values.get(column, "") for column in self.columns])
        self.rows += 1


class ExtractWriter:
    """Opens every table's file at once; `add` writes one row and returns its id."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        truth = out_dir / TRUTH_DIR
        truth.mkdir(parents=True, exist_ok=True)
        self._handles: list[IO[str]] = []
        self.tables = {
            table.name: TableWriter(table.name, table.column_names, self._open(table.filename))
            for table in TABLES
        }
        self.records = csv.writer(self._open(f"{TRUTH_DIR}/records.csv"))
        self.records.writerow(RECORDS_HEADER)
        self.persons = csv.writer(self._open(f"{TRUTH_DIR}/persons.csv"))
        self.persons.writerow(PERSONS_HEADER)
        self.families = csv.writer(self._open(f"{TRUTH_DIR}/families.csv"))
        self.families.writerow(FAMILIES_HEADER)

    def _open(self, relative: str) -> IO[str]:
        handle = (self.out_dir / relative).open("w", encoding="utf-8", newline="")
        self._handles.append(handle)
        return handle

    def add(self, table: str, **values: str) -> str:
        """Write a row; an id is assigned unless one is given. Empty values may be omitted."""
        writer = self.tables[table]
        if "id" not in values and "id" in writer.known:
            values["id"] = f"{writer.prefix}{writer.rows + 1:07d}"
        writer.write(values)
        return values.get("id", "")

    def rows(self, table: str) -> int:
        return self.tables[table].rows

    def close(self) -> None:
        for handle in self._handles:
            handle.close()

    def __enter__(self) -> ExtractWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def write_manifest(out_dir: Path, extract_id: str, created: datetime) -> None:
    manifest = {
        "format": FORMAT_NAME,
        "format_version": LATEST_VERSION,  # it writes the referrals tables 1.1 added
        "extract_id": extract_id,
        "created": created.isoformat(),
        "producer": "seen synth",
    }
    write_json(out_dir / MANIFEST_FILE, manifest)


def write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def joined(values: Iterable[str]) -> str:
    return ";".join(values)
