"""A written extract folder read back by table, and rewritten without some agencies' rows: what
`seen synth --format ssd` needs to hand the children's social care agencies' rows to another
format and leave the rest of the partnership as the extract format."""

from __future__ import annotations

import csv
from pathlib import Path

from seen.ingest.schema import TABLES

Rows = dict[str, list[dict[str, str]]]  # table name -> rows (each column's text)


def read_rows(folder: Path, table: str) -> list[dict[str, str]]:
    path = folder / f"{table}.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def agency_rows(folder: Path, agency: str) -> Rows:
    """Every row of the agency, by table (the partnership's reference tables left out)."""
    found: Rows = {}
    for table in TABLES:
        if table.key == ("agency", "id"):
            found[table.name] = [r for r in read_rows(folder, table.name) if r["agency"] == agency]
    return found


def agencies_of_kind(folder: Path, kind: str) -> list[str]:
    return [row["code"] for row in read_rows(folder, "agencies") if row["kind"] == kind]


def without_agencies(folder: Path, agencies: set[str]) -> None:
    """Rewrite the extract's tables with the agencies' own rows taken out (their row in
    agencies.csv stays: the partnership still has them)."""
    for table in TABLES:
        if table.key != ("agency", "id"):
            continue
        path = folder / table.filename
        if not path.is_file():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            kept = [row for row in reader if row[header.index("agency")] not in agencies]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(kept)
