"""Reading quarantined rows back: listing them, and exporting them as an extract to correct."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from seen.ingest.models import QuarantinedRow
from seen.ingest.schema import FORMAT_NAME, FORMAT_VERSION, MANIFEST_FILE, TABLES

REASONS_FILE = "quarantine-reasons.txt"


def open_rows(file: str | None = None) -> QuerySet[QuarantinedRow]:
    rows = QuarantinedRow.objects.filter(status=QuarantinedRow.Status.OPEN)
    if file:
        # a table by its name or its file; a national-format file (cin-census.xml) as it is
        rows = rows.filter(file=file if file.endswith((".csv", ".xml")) else f"{file}.csv")
    return rows.order_by("file", "batch_id", "line")


def describe(row: QuarantinedRow) -> dict[str, Any]:
    return {
        "id": row.pk,
        "batch": row.batch_id,
        "file": row.file,
        "line": row.line,
        "field": row.field,
        "reason": row.reason,
        "row": row.row,
    }


def export(directory: Path) -> dict[str, int]:
    """Write open quarantined rows as an extract (same format, same columns) for correction.

    After correcting the CSV files, `seen ingest DIRECTORY` loads them and resolves the entries.
    The reasons go to a text file beside them, which ingest does not read."""
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    reasons = []
    for table in TABLES:
        rows = list(open_rows(table.filename))
        if not rows:
            continue
        with (directory / table.filename).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=table.column_names, extrasaction="ignore")
            writer.writeheader()
            for line, row in enumerate(rows, start=2):
                writer.writerow({name: row.row.get(name, "") for name in table.column_names})
                field = f", field {row.field}" if row.field else ""
                reasons.append(
                    f"{table.filename} line {line} (was line {row.line} of batch "
                    f"{row.batch_id}{field}): {row.reason}"
                )
        written[table.filename] = len(rows)
    (directory / MANIFEST_FILE).write_text(
        json.dumps(
            {
                "format": FORMAT_NAME,
                "format_version": FORMAT_VERSION,
                "extract_id": "quarantine-export",
                "producer": "seen quarantine export",
            },
            indent=2,
        )
    )
    (directory / REASONS_FILE).write_text("\n".join(reasons) + "\n", encoding="utf-8")
    return written
