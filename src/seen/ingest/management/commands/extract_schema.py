"""`seen extract_schema --out DIR`: write the extract format as JSON Schema, one file per table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from seen.ingest.json_schema import json_schema, markdown_reference
from seen.ingest.schema import TABLES


class Command(BaseCommand):
    help = (
        "Write the agency extract format (version 1) as JSON Schema documents, one per CSV "
        "file, and their column reference as README.md, into --out "
        "(default docs/extract-format/v1)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, default=Path("docs/extract-format/v1"), help="folder to write"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        for table in TABLES:
            path = out / f"{table.name}.schema.json"
            path.write_text(json.dumps(json_schema(table), indent=2) + "\n", encoding="utf-8")
        (out / "README.md").write_text(markdown_reference(TABLES) + "\n", encoding="utf-8")
        self.stdout.write(f"wrote {len(TABLES)} schemas and README.md to {out}")
