"""`seen review report CASES.csv`: the thematic review's headline tables from a de-identified
case dataset (docs/review-dataset.md), as JSON or as an HTML and a PDF report with Figures 1-6.

`report` reads no database: the dataset is a file, not the hub's case data. A dataset with any
bad row is refused whole (each row's line and reason on stderr) and nothing is written.

`seen review demo CASES.csv` starts the demo's example review (as demo-reviewer), imports the
dataset into it, as the dataset page would (refused rows kept with their line and reason), and
the first time fills its shortlisting, areas and meetings (seen.thematic.example)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from seen.access.models import Purpose
from seen.thematic import example
from seen.thematic.casedata import import_dataset, rows_of
from seen.thematic.dataset import CaseRow, read_cases
from seen.thematic.headline import headline_tables, published_json
from seen.thematic.models import Review
from seen.thematic.report import write_report
from seen.thematic.reviews import Invalid, Refused, create_review

DEMO_TITLE = "Invisible fathers: serious harm to babies (example dataset)"


def _threshold(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"a whole number, not {text!r}")
    return int(text)


class Command(BaseCommand):
    help = (
        "Thematic review. `report CASES.csv` counts the headline tables from a case dataset "
        "(docs/review-dataset.md): --json prints them as one JSON object; otherwise it writes "
        "report.html and report.pdf (tables and Figures 1-6) into --out (default "
        "./review-report). --suppress-below N publishes no count from 1 to N-1: small "
        "categories joined, or counts given as ranges. "
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
            help="publish no count below N: small categories joined, or counts given as ranges",
        )

        demo = actions.add_parser(
            "demo", help="the demo's example review, with a case dataset imported"
        )
        demo.add_argument("cases", type=Path, help="the case dataset, a CSV file")
        demo.add_argument(
            "--reviewer",
            default="demo-reviewer",
            help="the account that starts the review (default: demo-reviewer)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "demo":
            self._demo(options["cases"], options["reviewer"])
            return
        rows = self._read(options["cases"])
        below: int = options["suppress_below"]
        if options["json"]:
            tables = published_json(headline_tables(rows), below)
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
            f"Wrote the report of {len(rows)} case{'s' if len(rows) != 1 else ''}: "
            + " and ".join(str(p) for p in written)
        )

    def _demo(self, path: Path, username: str) -> None:
        """Start the example national thematic review once, and (re-)import the dataset into it
        by case_id, as the reviewer would through the dataset page."""
        reviewer = get_user_model().objects.filter(username=username).first()
        if reviewer is None:
            raise CommandError(f"no account {username!r}: run `seen demo-users` first")
        data = self._bytes(path)
        try:
            with transaction.atomic():
                review = Review.objects.filter(title=DEMO_TITLE).first() or create_review(
                    reviewer, Purpose.REVIEW, title=DEMO_TITLE, kind=Review.Kind.NATIONAL_THEMATIC
                )
                done = import_dataset(reviewer, Purpose.REVIEW, review, path.name, data)
                included = [(row.case_id, row.area) for row in rows_of(review)]
                filled = example.fill(reviewer, Purpose.REVIEW, review, included)
        except Refused as error:
            raise CommandError(f"{username} may not start a review: {error}") from error
        except Invalid as error:
            raise CommandError(f"{path}: {error}") from error
        self.stdout.write(
            f"Review {review.pk} '{review.title}': {done.stored} cases imported, "
            f"{done.refused} lines refused"
            + (", candidate cases, areas and meetings added" if filled else "")
            + f" (sign in as {username} and open /reviews/)"
        )

    def _bytes(self, path: Path) -> bytes:
        try:
            return path.read_bytes()
        except FileNotFoundError as error:
            raise CommandError(f"{path}: no such file") from error
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from error

    def _read(self, path: Path) -> list[CaseRow]:
        rows, problems = read_cases(self._bytes(path))
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
