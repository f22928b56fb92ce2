"""`seen services import FILE.json [--json]` and `seen services export [--out FILE]`: the
partnership's directory of services for parents, read from and written as Open Referral UK
(seen.directory.oruk_import, oruk_export; docs/services.md). The directory holds no case data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from seen.directory.oruk_export import export_all
from seen.directory.oruk_import import ImportOutcome, import_file


class Command(BaseCommand):
    help = (
        "The directory of services for parents, in Open Referral UK. `import FILE.json` loads "
        "one service object, a list of them or the paginated list GET /services answers: each "
        "bad entry is refused and named with its field and reason, the rest load, and importing "
        "the same file again changes nothing (exit 1 if anything was refused, 2 if the file "
        "cannot be read as a directory). `export [--out FILE]` writes the whole directory as "
        "ORUK's paginated list."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        reading = actions.add_parser("import", help="load services from an ORUK JSON file")
        reading.add_argument("file", type=Path, help="the JSON file")
        reading.add_argument("--json", action="store_true", help="print the outcome as JSON")
        writing = actions.add_parser("export", help="write the directory as ORUK JSON")
        writing.add_argument("--out", type=Path, help="the file to write (default: print it)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self._export(options["out"])
            return
        # a file that cannot be read at all is Seen's Invalid: one line, exit 2 (seen.cli)
        outcome = import_file(options["file"])
        self._report(outcome, as_json=options["json"])
        if outcome.refused:
            raise SystemExit(1)

    def _export(self, out: Path | None) -> None:
        exported = export_all()
        document = json.dumps(exported, indent=2, ensure_ascii=False)
        if out is None:
            self.stdout.write(document)
            return
        out.write_text(document + "\n", encoding="utf-8")
        self.stdout.write(f"{exported['total_items']} services written to {out}")

    def _report(self, outcome: ImportOutcome, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(outcome.as_json(), indent=2, ensure_ascii=False))
            return
        self.stdout.write(
            f"{outcome.loaded} services loaded, {outcome.updated} updated, "
            f"{outcome.unchanged} unchanged, {outcome.refused_entries} refused"
        )
        for refusal in outcome.refused:
            self.stdout.write(f"  refused: {refusal.in_words()}")
