"""`seen ingest DIR`: load an agency extract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from seen.core.progress import progress_bar
from seen.ingest.loader import CHUNK_SIZE, ExtractError, IngestSummary, ingest_extract
from seen.linkage.incremental import link_new_arrivals
from seen.rules.arrivals import evaluate_batch


class Command(BaseCommand):
    help = (
        "Load an agency extract (a folder with manifest.json and one CSV per table, see "
        "docs/extract-format.md). Bad rows are quarantined with their line and reason and the "
        "rest is loaded; a file with a wrong header is refused whole. Safe to re-run: rows "
        "already held are left unchanged. Exits 1 if any file was refused."
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

    def handle(self, *args: Any, **options: Any) -> None:
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1")
        try:
            with progress_bar(enabled=not options["json"]) as progress:
                summary = ingest_extract(
                    options["directory"], chunk_size=options["chunk_size"], progress=progress
                )
        except ExtractError as error:
            raise CommandError(str(error)) from None
        report = summary.as_dict()
        if not options["no_link"]:
            report["linked_on_arrival"] = link_new_arrivals()
            if report["linked_on_arrival"] is not None:  # persons exist: the rules can run
                outcome = evaluate_batch(summary.batch_id)
                report["alerts"] = {
                    "raised": len(outcome.raised),
                    "updated": len(outcome.updated),
                    "resolved": len(outcome.resolved),
                }
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            self._print(summary)
            if report.get("linked_on_arrival"):
                self.stdout.write(f"linked on arrival: {report['linked_on_arrival']}")
            if report.get("alerts"):
                self.stdout.write(f"alerts: {report['alerts']}")
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
        for refused in summary.refused_files:
            self.stderr.write(f"refused {refused['file']}: {refused['reason']}")
        if total.quarantined:
            self.stdout.write("see the quarantined rows with: seen quarantine list")
