"""`seen extract_schema --out DIR`: write the extract format as JSON Schema, one file per table,
for every version Seen reads (DIR/v1, DIR/v1.1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from seen.ingest.json_schema import json_schema, markdown_reference, tables_in
from seen.ingest.schema import READABLE_VERSIONS, TABLES

VERSION_FOLDERS = {f"v{version}": version for version in READABLE_VERSIONS}


class Command(BaseCommand):
    help = (
        "Write the agency extract format as JSON Schema documents, one per CSV file, and their "
        "column reference as README.md, one folder per format version (v1, v1.1) under --out "
        "(default docs/extract-format; a version's own folder, such as docs/extract-format/v1, "
        "stands for the folder above it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, default=Path("docs/extract-format"), help="folder to write"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        if out.name in VERSION_FOLDERS:  # `--out docs/extract-format/v1`, as before 1.1
            out = out.parent
        for folder, version in VERSION_FOLDERS.items():
            target = out / folder
            target.mkdir(parents=True, exist_ok=True)
            tables = tables_in(TABLES, version)
            for table in tables:
                path = target / f"{table.name}.schema.json"
                document = json_schema(table, version)
                path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
            readme = markdown_reference(TABLES, version) + "\n"
            (target / "README.md").write_text(readme, encoding="utf-8")
            self.stdout.write(f"wrote {len(tables)} schemas and README.md to {target}")
