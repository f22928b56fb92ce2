"""The extract an SSD import builds: rows of the extract format's tables (seen.ingest.schema),
each marked with the child it is about, the faults found on the way, and the children
quarantined whole. `write` puts what is kept into an extract folder (manifest and one CSV a
table, the agency's own rows) for seen.ingest.loader.ingest_extract: the one way into Seen."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from seen.ingest import schema
from seen.ingest.validation import RowValidator
from seen.interchange.outcome import Fault

# the version the written extract declares: the latest Seen reads (1.1 adds the CIN census's
# referral columns and a plan's latest category, which the SSD holds too)
EXTRACT_VERSION = schema.LATEST_VERSION
MAX_LOCAL_ID = 64  # the extract's id column


@dataclass
class Emitted:
    table: str  # an extract table
    about: str  # the SSD person id of the child the row is about ("" for none)
    values: dict[str, str]


@dataclass
class ExtractBuild:
    agency: str
    rows: list[Emitted] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    quarantined: dict[str, None] = field(default_factory=dict)  # children, in the order found
    skipped: Counter[str] = field(default_factory=Counter)  # rows Seen has no place for
    _validators: dict[str, RowValidator] = field(default_factory=dict)

    def emit(
        self, table: str, about: str, values: dict[str, str], *, sources: dict[str, str]
    ) -> bool:
        """Add a row unless the ingest would refuse it (a value too long, not of its kind): a
        fault about the child, named by the SSD column it came from (`sources`: extract column
        -> where in the SSD), so that a child loads whole or not at all."""
        validator = self._validators.get(table)
        if validator is None:
            validator = self._validators[table] = RowValidator.for_table(
                schema.TABLES_BY_NAME[table]
            )
        problem = validator.validate({**values, "agency": self.agency})[1]
        if problem is not None:
            where = sources.get(problem.field) or f"extract {table}.csv, {problem.field}"
            self.fault(about, where, "extract", problem.reason)
            return False
        self.rows.append(Emitted(table, about, values))
        return True

    def fault(self, child: str, element: str, rule: str, reason: str) -> None:
        """A fault: the child it is about (if any) is quarantined whole."""
        self.faults.append(Fault(child, element, rule, reason))
        if child:
            self.quarantined.setdefault(child, None)

    def warn(self, child: str, element: str, rule: str, reason: str) -> None:
        self.faults.append(Fault(child, element, rule, reason, warning=True))

    def kept(self) -> list[Emitted]:
        """The rows loaded: none about a quarantined child, nor naming one as the person it
        relates (a child whose mother is quarantined as a child herself is quarantined too)."""
        self._settle()
        return [
            row
            for row in self.rows
            if row.about not in self.quarantined
            and row.values.get(_RELATES.get(row.table, ""), "") not in self.quarantined
        ]

    def _settle(self) -> None:
        changed = True
        while changed:
            changed = False
            for row in self.rows:
                mother = row.values.get("mother", "") if row.table == "pregnancies" else ""
                if mother in self.quarantined and row.about not in self.quarantined:
                    self.fault(
                        row.about, "ssd_mother", "relation", f"its mother ({mother}) is quarantined"
                    )
                    changed = True

    def write(self, directory: Path, extract_id: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        manifest = {
            "format": schema.FORMAT_NAME,
            "format_version": EXTRACT_VERSION,
            "extract_id": extract_id,
            "producer": "seen import ssd",
        }
        (directory / schema.MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")
        by_table: dict[str, list[dict[str, str]]] = {}
        for row in self.kept():
            by_table.setdefault(row.table, []).append(row.values)
        for table in schema.TABLES:
            rows = by_table.get(table.name)
            if not rows:
                continue
            columns = table.column_names
            with (directory / table.filename).open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(columns)
                for values in rows:
                    full = {**values, "agency": self.agency}
                    writer.writerow([full.get(column, "") for column in columns])


# the column of a row that names the person it relates to a child (not the child itself)
_RELATES = {"relationships": "person", "residences": "person", "care_leaver_statuses": "subject"}


def has_column(table: str, column: str) -> bool:
    """Whether the extract format Seen reads has the column (1.1 added some)."""
    return column in schema.TABLES_BY_NAME[table].column_names


def pair_id(first: str, second: str) -> str:
    """A row id made of two SSD ids, within the extract's 64 characters."""
    joined = f"{first}~{second}"
    if len(joined) <= MAX_LOCAL_ID:
        return joined
    return "pair~" + hashlib.sha256(joined.encode("utf-8")).hexdigest()[:40]
