"""`seen import cin-census FILE.xml --agency CODE` and `seen import ssd DIR --agency CODE`: a
local authority's data in the national formats it already has, loaded through Seen's one
ingest (seen.interchange)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from seen.core.progress import progress_bar
from seen.interchange.outcome import ImportOutcome

FORMATS = {
    "cin-census": "a Children in Need census return (DfE XML, 2024-25 layout or the older one)",
    "ssd": "the Standard Safeguarding Dataset's tables, one CSV a table named as the table",
}


class Command(BaseCommand):
    help = (
        "Load a local authority's data from a national format through Seen's ingest: "
        "`cin-census FILE.xml` or `ssd DIR`, as the agency CODE's records. A child with a fault "
        "is quarantined whole and named with the fault; the rest loads; importing the same data "
        "again changes nothing. Exits 1 if any child was quarantined."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "format",
            choices=sorted(FORMATS),
            help="; ".join(f"{name}: {what}" for name, what in FORMATS.items()),
        )
        parser.add_argument(
            "source", type=Path, help="the XML file (cin-census) or the folder (ssd)"
        )
        parser.add_argument("--agency", required=True, help="the local authority's agency code")
        parser.add_argument("--json", action="store_true", help="print the outcome as JSON")
        parser.add_argument(
            "--no-link",
            action="store_true",
            help="do not match the people against known persons, nor run the rules, after loading",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["source"]
        if not source.exists():
            raise CommandError(f"{source} does not exist")
        link = not options["no_link"]
        with progress_bar(enabled=not options["json"]) as progress:
            if options["format"] == "cin-census":
                from seen.interchange.cin_census import import_return

                outcome = import_return(source, options["agency"], link=link, progress=progress)
            else:
                from seen.interchange.ssd import import_tables

                outcome = import_tables(source, options["agency"], link=link, progress=progress)
        self._report(outcome, as_json=options["json"])
        if outcome.quarantined:
            raise SystemExit(1)

    def _report(self, outcome: ImportOutcome, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(outcome.as_json(), indent=2))
            return
        self.stdout.write(
            f"{outcome.children_loaded} children loaded, {outcome.quarantined} quarantined"
        )
        for fault in outcome.faults:
            kind = "warning" if fault.warning else "fault"
            self.stdout.write(
                f"  {kind}: child {fault.child or '(no id)'}, {fault.element}, rule {fault.rule}: "
                f"{fault.reason}"
            )
