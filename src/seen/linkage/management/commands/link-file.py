"""`seen link-file IN --out OUT`: resolve a standalone file of person records into persons."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from seen.linkage.link_file import LinkFileError, link_file
from seen.linkage.model import Bands
from seen.linkage.prepare import RAW_COLUMNS


class Command(BaseCommand):
    help = (
        "Link a standalone table of person records (CSV or Parquet with any of the columns "
        f"{', '.join(RAW_COLUMNS)}; record_id required and unique) with Seen's comparisons: "
        "train on the file itself (unless --model), score candidate pairs, cluster at the "
        "auto-link threshold and write OUT as CSV record_id,person_id. No database is used. "
        "See docs/linkage.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, metavar="IN", help="CSV or Parquet file")
        parser.add_argument("--out", type=Path, required=True, metavar="OUT", help="CSV to write")
        parser.add_argument(
            "--model",
            type=Path,
            metavar="PATH",
            help="a saved model (JSON artefact) to use instead of training on IN",
        )
        parser.add_argument(
            "--save-model",
            type=Path,
            metavar="PATH",
            help="save the model trained on IN to PATH (for reuse with --model)",
        )
        parser.add_argument(
            "--auto-link",
            type=float,
            default=Bands().auto_link,
            metavar="P",
            help=f"link pairs with match probability >= P (default {Bands().auto_link})",
        )
        parser.add_argument("--seed", type=int, default=1, help="training seed (default 1)")
        parser.add_argument("--json", action="store_true", help="print a summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        def log(message: str) -> None:
            self.stderr.write(message)
            self.stderr.flush()

        try:
            result = link_file(
                options["source"],
                options["out"],
                model_path=options["model"],
                auto_link=options["auto_link"],
                save_model=options["save_model"],
                seed=options["seed"],
                log=log,
            )
        except LinkFileError as error:
            raise CommandError(str(error)) from None
        summary = {
            "records": result.records,
            "persons": result.persons,
            "auto_links": result.auto_links,
            "held_back": result.held_back,
            "model_version": result.model_version,
            "seconds": round(result.seconds, 2),
            "out": str(options["out"]),
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2))
        else:
            self.stdout.write(
                f"linked {result.records:,} records into {result.persons:,} persons "
                f"({result.auto_links:,} pairs at or above {options['auto_link']} linked, "
                f"{result.held_back:,} held back) in "
                f"{result.seconds:.1f}s; wrote {options['out']}"
            )
