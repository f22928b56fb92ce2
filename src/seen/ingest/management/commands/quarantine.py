"""`seen quarantine list|export|retry`: the rows ingest refused, and getting them in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from seen.core.progress import progress_bar
from seen.ingest import quarantine
from seen.ingest.loader import retry_quarantined


class Command(BaseCommand):
    help = (
        "Work with quarantined rows. 'list' shows each open one with its file, line, field and "
        "reason; 'export DIR' writes them as an extract to correct and re-ingest; 'retry' "
        "validates them again (for example once a record they refer to has arrived)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        listing = actions.add_parser("list", help="list open quarantined rows")
        listing.add_argument("--file", help="only rows of this file, e.g. people.csv")
        listing.add_argument("--json", action="store_true", help="print JSON")
        exporting = actions.add_parser("export", help="write open rows as an extract to correct")
        exporting.add_argument("directory", type=Path, help="folder to write (created if needed)")
        actions.add_parser("retry", help="validate open rows again and load those now valid")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list(options.get("file"), options["json"])
        elif action == "export":
            self._export(options["directory"])
        else:
            with progress_bar() as progress:
                summary = retry_quarantined(progress=progress)
            total = summary.totals
            self.stdout.write(
                f"{total.accepted} now accepted, {total.quarantined} still quarantined"
            )

    def _list(self, file: str | None, as_json: bool) -> None:
        rows = [quarantine.describe(row) for row in quarantine.open_rows(file)]
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        if not rows:
            self.stdout.write("no open quarantined rows")
        for row in rows:
            field = f" field {row['field']}:" if row["field"] else ""
            self.stdout.write(
                f"{row['file']} line {row['line']} (batch {row['batch']}){field} {row['reason']}"
            )

    def _export(self, directory: Path) -> None:
        if directory.exists() and any(directory.iterdir()):
            raise CommandError(f"{directory} is not empty; choose a new folder")
        written = quarantine.export(directory)
        for file, count in written.items():
            self.stdout.write(f"{file}: {count} row(s)")
        self.stdout.write(
            f"correct the files in {directory} (reasons in {quarantine.REASONS_FILE}), then run: "
            f"seen ingest {directory}"
        )
