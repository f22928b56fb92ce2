"""`seen ingest DIR`: load an agency extract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core import checks
from django.core.management.base import BaseCommand, CommandError, CommandParser

from seen.core.progress import progress_bar
from seen.ingest.arrivals import Matching, match_arrivals
from seen.ingest.batches import IngestSummary
from seen.ingest.errors import ExtractError
from seen.ingest.limits import Limits
from seen.ingest.loader import CHUNK_SIZE, ingest_extract


class Command(BaseCommand):
    # A load needs sound models, not the web's URLs: the URL checks import every page, 1.3 s of
    # a 3,000-birth load. `seen check` and the server still run every check.
    requires_system_checks = [checks.Tags.models]
    help = (
        "Load an agency extract (a folder with manifest.json and one CSV per table, see "
        "docs/extract-format.md). Bad rows are quarantined with their line and reason and the "
        "rest is loaded; a file with a wrong header is refused whole. Safe to re-run: rows "
        "already held are left unchanged. An extract beyond the bounds (SEEN_INGEST_* settings, "
        "or the --max-* flags; 0 lifts one) is refused before anything is written. Exits 1 if "
        "any file was refused or matching on arrival failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="folder holding the extract")
        parser.add_argument(
            "--json", action="store_true", help="print a JSON summary instead of a table"
        )
        parser.add_argument(
            "--no-link",
            action="store_true",
            help="do not match newly arrived people against known persons (by default they are "
            "matched once a linkage model exists, see `seen link`), nor run the rules over the "
            "families the extract touched (they run after matching)",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=CHUNK_SIZE,
            help=f"rows written per transaction (default {CHUNK_SIZE})",
        )
        bounds = parser.add_argument_group("bounds (default: the SEEN_INGEST_* settings; 0: none)")
        bounds.add_argument("--max-file-bytes", type=int, metavar="N", help="bytes in one file")
        bounds.add_argument("--max-bytes", type=int, metavar="N", help="bytes in all files")
        bounds.add_argument("--max-table-rows", type=int, metavar="N", help="rows in one table")
        bounds.add_argument("--max-rows", type=int, metavar="N", help="rows in all tables")
        bounds.add_argument(
            "--max-seconds", type=int, metavar="N", help="wall time of the load (default none)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1")
        limits = Limits.for_command().overridden(
            file_bytes=options["max_file_bytes"],
            total_bytes=options["max_bytes"],
            table_rows=options["max_table_rows"],
            rows=options["max_rows"],
            seconds=options["max_seconds"],
        )
        try:
            with progress_bar(enabled=not options["json"]) as progress:
                summary = ingest_extract(
                    options["directory"],
                    chunk_size=options["chunk_size"],
                    progress=progress,
                    limits=limits,
                )
        except ExtractError as error:
            raise CommandError(str(error)) from None
        report = summary.as_dict()
        arrival = match_arrivals(summary.batch_id, link=not options["no_link"])
        report["matching"] = arrival.as_dict()
        if not options["no_link"]:
            report["linked_on_arrival"] = arrival.linked
            if arrival.linked is not None:  # persons exist: the rules ran
                report["alerts"] = arrival.alerts
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            self._print(summary)
            if report.get("linked_on_arrival"):
                self.stdout.write(f"linked on arrival: {report['linked_on_arrival']}")
            if report.get("alerts"):
                self.stdout.write(f"alerts: {report['alerts']}")
        if arrival.matching == Matching.FAILED:
            raise CommandError(arrival.detail)
        if summary.refused_files:
            raise CommandError(
                f"{len(summary.refused_files)} file(s) refused; the other files were loaded"
            )

    def _print(self, summary: IngestSummary) -> None:
        total = summary.totals
        self.stdout.write(
            f"batch {summary.batch_id}: {total.accepted} accepted ({total.updated} updated), "
            f"{total.unchanged} unchanged, {total.quarantined} quarantined"
        )
        for name, counts in summary.tables.items():
            self.stdout.write(
                f"  {name:<26} accepted {counts.accepted:>8}  unchanged {counts.unchanged:>8}"
                f"  quarantined {counts.quarantined:>6}"
            )
        if summary.directory is not None:
            held = summary.directory
            self.stdout.write(
                f"  directory of services: {held['loaded']} loaded, {held['updated']} updated, "
                f"{held['unchanged']} unchanged, {held['refused_entries']} refused"
            )
        for refused in summary.refused_files:
            self.stderr.write(f"refused {refused['file']}: {refused['reason']}")
        if total.quarantined:
            self.stdout.write("see the quarantined rows with: seen quarantine list")
