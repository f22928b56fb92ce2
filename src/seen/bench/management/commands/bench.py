"""`seen bench ingest`: benchmarks that print figures (not timed tests)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from seen.bench.runner import BenchmarkFailed, run_seen


class Command(BaseCommand):
    help = (
        "Benchmarks that print figures. 'ingest': generate a synthetic partnership, then time "
        "`seen ingest` into a fresh database (SQLite by default) and print rows per second."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        benches = parser.add_subparsers(dest="bench", required=True, metavar="BENCHMARK")
        ingest = benches.add_parser("ingest", help="ingest throughput (target: 10,000 rows/s)")
        ingest.add_argument("--births", type=int, default=10_000, help="births (default 10000)")
        ingest.add_argument("--areas", type=int, default=3, help="areas (default 3)")
        ingest.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
        ingest.add_argument(
            "--database-url",
            help="database to ingest into (default: a fresh SQLite file in a temporary folder); "
            "it must be empty",
        )
        ingest.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["births"] < 1 or options["areas"] < 1:
            raise CommandError("--births and --areas must be at least 1")
        try:
            figures = self._ingest(options)
        except BenchmarkFailed as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(figures, indent=2))
            return
        for name, value in figures.items():
            self.stdout.write(f"{name:<28} {value}")

    def _ingest(self, options: dict[str, Any]) -> dict[str, Any]:
        with tempfile.TemporaryDirectory(prefix="seen-bench-") as temporary:
            folder = Path(temporary)
            database_url = options["database_url"] or f"sqlite:///{folder / 'bench.sqlite3'}"
            extract = folder / "extract"
            self.stderr.write(f"generating {options['births']} births …")
            synth = run_seen(
                [
                    "synth",
                    "--areas",
                    str(options["areas"]),
                    "--births",
                    str(options["births"]),
                    "--seed",
                    str(options["seed"]),
                    "--out",
                    str(extract),
                ],
                database_url=database_url,
            )
            run_seen(["migrate", "--noinput"], database_url=database_url)
            self.stderr.write("ingesting …")
            first = run_seen(["ingest", str(extract), "--json"], database_url=database_url)
            again = run_seen(["ingest", str(extract), "--json"], database_url=database_url)
        summary = json.loads(first.stdout)
        rows = summary["accepted"] + summary["quarantined"] + summary["unchanged"]
        rerun = json.loads(again.stdout)
        return {
            "database": "sqlite (fresh file)" if not options["database_url"] else "given URL",
            "births": options["births"],
            "synth_seconds": round(synth.seconds, 1),
            "rows": rows,
            "accepted": summary["accepted"],
            "quarantined": summary["quarantined"],
            "ingest_seconds": round(first.seconds, 2),
            "ingest_rows_per_second": round(rows / first.seconds),
            "reingest_seconds": round(again.seconds, 2),
            "reingest_unchanged": rerun["unchanged"],
            "peak_rss_mb_any_step": round(max(first.peak_rss_mb, synth.peak_rss_mb)),
        }
