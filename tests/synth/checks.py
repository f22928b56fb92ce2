"""Reading a generated extract back, and checking it against the extract schema."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seen.ingest.schema import LIST_SEPARATOR, TABLES
from seen.ingest.validation import RowValidator

Row = dict[str, str]

# Which table each kind of reference points into.
_TARGET_TABLES = {
    "record": "people",
    "pregnancy": "pregnancies",
    "plan": "plans",
    "practitioner": "practitioners",
    "service_referral": "service_referrals",
}


@dataclass
class Extract:
    path: Path
    headers: dict[str, list[str]]
    tables: dict[str, list[Row]]
    records: list[Row]  # truth/records.csv
    persons: list[Row]  # truth/persons.csv
    families: list[Row]  # truth/families.csv
    scenarios: list[dict[str, Any]]
    manifest: dict[str, Any]

    def keys(self, table: str) -> set[tuple[str, str]]:
        return {(row["agency"], row["id"]) for row in self.tables[table]}


def _read(path: Path) -> tuple[list[str], list[Row]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def load(path: Path) -> Extract:
    headers, tables = {}, {}
    for table in TABLES:
        headers[table.name], tables[table.name] = _read(path / table.filename)
    return Extract(
        path=path,
        headers=headers,
        tables=tables,
        records=_read(path / "truth" / "records.csv")[1],
        persons=_read(path / "truth" / "persons.csv")[1],
        families=_read(path / "truth" / "families.csv")[1],
        scenarios=json.loads((path / "truth" / "scenarios.json").read_text(encoding="utf-8")),
        manifest=json.loads((path / "manifest.json").read_text(encoding="utf-8")),
    )


def row_problems(extract: Extract) -> list[str]:
    """Every row that the ingest validator would quarantine, with its reason."""
    problems = []
    for table in TABLES:
        validator = RowValidator.for_table(table)
        for line, row in enumerate(extract.tables[table.name], start=2):
            _values, problem = validator.validate(row)
            if problem:
                problems.append(f"{table.filename}:{line} {problem.field}: {problem.reason}")
    return problems


def reference_problems(extract: Extract) -> list[str]:
    """References to rows that do not exist, or exist only later in the load order."""
    order = {table.name: index for index, table in enumerate(TABLES)}
    codes = {
        "agency": {row["code"] for row in extract.tables["agencies"]},
        "area": {row["code"] for row in extract.tables["areas"]},
        # the directory beside the extract (services.json, Open Referral UK)
        "service": {
            entry["id"]
            for entry in json.loads((extract.path / "services.json").read_text(encoding="utf-8"))
        },
    }
    keys = {name: extract.keys(name) for name in _TARGET_TABLES.values()}
    problems = []
    for table in TABLES:
        refs = [column for column in table.columns if column.kind == "ref"]
        for line, row in enumerate(extract.tables[table.name], start=2):
            for column in refs:
                value = row[column.name]
                if not value:
                    continue
                where = f"{table.filename}:{line} {column.name}={value!r}"
                target = column.target or ""
                if target in codes:
                    if value not in codes[target]:
                        problems.append(f"{where}: no such {target}")
                    continue
                agency = row["agency"]
                if target in ("practitioner", "service_referral") and ":" in value:
                    agency, _, value = value.partition(":")
                target_table = _TARGET_TABLES[target]
                if order[target_table] >= order[table.name]:
                    problems.append(f"{where}: points forward to {target_table}")
                if (agency, value) not in keys[target_table]:
                    problems.append(f"{where}: no row in {target_table} of {agency}")
    seen_plans: set[tuple[str, str]] = set()
    for line, row in enumerate(extract.tables["plans"], start=2):
        earlier = row["stepped_down_from"]
        if earlier and (row["agency"], earlier) not in seen_plans:
            problems.append(f"plans.csv:{line} stepped_down_from={earlier!r}: no earlier plan")
        seen_plans.add((row["agency"], row["id"]))
    return problems


def duplicate_keys(extract: Extract) -> list[str]:
    problems = []
    for table in TABLES:
        key = table.key
        seen: set[tuple[str, ...]] = set()
        for row in extract.tables[table.name]:
            value = tuple(row[name] for name in key)
            if value in seen:
                problems.append(f"{table.filename}: {value} appears twice")
            seen.add(value)
    return problems


def list_values(row: Row, column: str) -> list[str]:
    return [item for item in row[column].split(LIST_SEPARATOR) if item]
