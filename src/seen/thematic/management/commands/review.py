"""`seen review report CASES.csv`: the thematic review's headline tables from a de-identified
case dataset (docs/review-dataset.md), as JSON or as an HTML and a PDF report with Figures 1-6.

The dataset is a file, not the hub's case data: the command reads no database. A dataset with
any bad row is refused whole (each row's line and reason on stderr) and nothing is written."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from seen.thematic.dataset import CaseRow, read_cases
from seen.thematic.headline import headline_tables, suppress
from seen.thematic.report import write_report


def _threshold(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"a whole number, not {text!r}")
    return int(text)


class Command(BaseCommand):
    help = (
        "Thematic review. `report CASES.csv` counts the headline tables from a case dataset "
        "(docs/review-dataset.md): --json prints them as one JSON object; otherwise it writes "
        "report.html and report.pdf (tables and Figures 1-6) into --out (default "
        "./review-report). --suppress-below N publishes counts from 1 to N-1 as 'fewer than N'. "
        "A dataset with any bad row is refused whole, each row's line and reason on stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        report = actions.add_parser("report", help="the headline tables and report")
        report.add_argument("cases", type=Path, help="the case dataset, a CSV file")
        report.add_argument("--json", action="store_true", help="print the tables as JSON")
        report.add_argument(
            "--out",
            type=Path,
            default=Path("review-report"),
            help="the folder for report.html and report.pdf (default: ./review-report)",
        )
        report.add_argument(
            "--suppress-below",
            type=_threshold,
            default=0,
            metavar="N",
            help="publish counts below N as 'fewer than N' (charts leave them out)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = self._read(options["cases"])
        below: int = options["suppress_below"]
        if options["json"]:
            tables = headline_tables(rows)
            if below > 1:
                tables = suppress(tables, below)
            self.stdout.write(json.dumps(tables, sort_keys=True, indent=2, ensure_ascii=False))
            return
        out: Path = options["out"]
        if out.exists() and not out.is_dir():
            raise CommandError(f"--out {out} is a file, not a folder")
        try:
            written = write_report(rows, out, suppress_below=below)
        except OSError as error:
            raise CommandError(f"cannot write the report into {out}: {error.strerror}") from error
        self.stdout.write(
            f"Wrote the report of {len(rows)} cases: " + " and ".join(str(p) for p in written)
        )

    def _read(self, path: Path) -> list[CaseRow]:
        try:
            data = path.read_bytes()
        except FileNotFoundError as error:
            raise CommandError(f"{path}: no such file") from error
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from error
        rows, problems = read_cases(data)
        if problems:
            for problem in problems:
                self.stderr.write(f"line {problem.line}: {problem.reason}")
            lines = len({problem.line for problem in problems})
            raise CommandError(
                f"{path}: refused, {lines} line{'s' if lines != 1 else ''} with problems "
                "(listed above); nothing was written"
            )
        if not rows:
            raise CommandError(f"{path}: no cases under the header; nothing was written")
        return rows
