"""`seen synth`: write a synthetic partnership's extract, with its ground truth, to a folder."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from seen.core import clock
from seen.synth.generator import DEFAULT_START, MAX_BIRTHS, MIN_BIRTHS, Summary, generate
from seen.synth.partnership import MAX_AREAS
from seen.synth.plan import Window
from seen.synth.ssd_writer import SSD_FOLDER, write_partnership_as_ssd

FORMATS = ("extract", "ssd")


def _date(option: str, value: str) -> date:
    if option == "--ending" and value == "today":
        return clock.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        problem = f"{option} {value[:40]!r} is not a date in the form YYYY-MM-DD"
        raise CommandError(problem) from None


def _start(options: dict[str, Any]) -> date:
    """The first day of the year: --start-date, or the year ending on --ending."""
    if options["ending"] is None:
        return _date("--start-date", options["start_date"] or DEFAULT_START.isoformat())
    if options["start_date"] is not None:
        raise CommandError("give --start-date or --ending, not both")
    return Window.ending_on(_date("--ending", options["ending"])).start


class Command(BaseCommand):
    help = (
        "Write a synthetic partnership: N neighbouring fictional local authorities over one "
        "year, as an agency extract (manifest.json and one CSV per table, ready for "
        "`seen ingest DIR`) plus DIR/truth/ (who every record really is, and the planted "
        "scenarios each procedure should catch). The same options give byte-identical files. "
        "Synthetic data only: NHS numbers from the 999 test range, postcodes starting with Q, "
        "phone numbers from Ofcom's drama ranges. See docs/synthetic-data.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--areas", type=int, default=3,
            help=f"number of neighbouring local authorities, 1-{MAX_AREAS} (default 3)",
        )
        parser.add_argument(
            "--births", type=int, default=1000,
            help=f"babies born in the year, {MIN_BIRTHS}-{MAX_BIRTHS} (default 1000); about "
            "14 people.csv rows each, so 70000 gives about a million",
        )
        parser.add_argument(
            "--seed", type=int, default=1,
            help="random seed; the same seed and options give the same files (default 1)",
        )
        parser.add_argument(
            "--start-date", type=str, default=None, metavar="YYYY-MM-DD",
            help=f"first day of the one-year window (default {DEFAULT_START.isoformat()})",
        )
        parser.add_argument(
            "--ending", type=str, default=None, metavar="YYYY-MM-DD|today",
            help="instead of --start-date: the last day of the year, so that ages, due dates "
            "and alerts are true on that day (`make demo` gives today)",
        )
        parser.add_argument(
            "--out", type=Path, required=True, metavar="DIR",
            help="folder to write; created if missing, and must be empty unless --force",
        )
        parser.add_argument(
            "--format", choices=FORMATS, default="extract",
            help="extract (default): the whole partnership as the extract format; ssd: each "
            "children's social care agency as the Standard Safeguarding Dataset's tables in "
            f"DIR/{SSD_FOLDER}/CODE/ (`seen import ssd`), the rest as the extract format",
        )
        parser.add_argument(
            "--force", action="store_true",
            help="write into DIR even if it is not empty (files of the same name are replaced)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        start = _start(options)
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} exists and is not a folder")
        if out.is_dir() and any(out.iterdir()) and not options["force"]:
            raise CommandError(
                f"{out} is not empty; choose an empty folder or pass --force to write into it"
            )
        began = time.perf_counter()
        try:
            with self._progress() as bar:
                task = bar.add_task("families", total=None)

                def report(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                summary = generate(
                    out, areas=options["areas"], births=options["births"],
                    seed=options["seed"], start=start, progress=report,
                )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self._print(summary, time.perf_counter() - began)
        if options["format"] == "ssd":
            self._print_ssd(out, write_partnership_as_ssd(out))

    def _progress(self) -> Progress:
        return Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(),
            MofNCompleteColumn(), TimeElapsedColumn(), transient=True,
        )

    def _print(self, summary: Summary, seconds: float) -> None:
        self.stdout.write(
            f"wrote {summary.extract_id} to {summary.out_dir} in {seconds:.1f}s: "
            f"{summary.families} families, {summary.persons} people, "
            f"{summary.people_rows} people.csv rows, {summary.total_rows} rows in all, "
            f"{summary.scenarios} planted scenarios"
        )
        for name, count in summary.rows.items():
            self.stdout.write(f"  {name:<26} {count:>9}")
        self.stdout.write(f"ground truth in {summary.out_dir / 'truth'}")

    def _print_ssd(self, out: Path, written: dict[str, dict[str, int]]) -> None:
        for agency, rows in written.items():
            self.stdout.write(
                f"{agency} as SSD tables in {out / SSD_FOLDER / agency} "
                f"({sum(rows.values())} rows), its rows taken out of the extract"
            )
        self.stdout.write(
            f"load with: seen ingest {out}, then for each agency: "
            f"seen import ssd {out / SSD_FOLDER}/CODE --agency CODE"
        )
