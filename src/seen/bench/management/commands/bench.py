"""`seen bench ingest` and `seen bench linkage`: benchmarks that print figures (not timed
tests)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from seen.bench.runner import BenchmarkFailed, forget_linkage_model, run_seen

MIN_PEOPLE, MAX_PEOPLE = 10, 1_000_000  # the independent evaluation set


class Command(BaseCommand):
    help = (
        "Benchmarks that print figures. 'ingest': generate a synthetic partnership, then time "
        "`seen ingest` into a fresh database (SQLite by default) and print rows per second. "
        "'linkage': train, score and cluster with Seen's linkage model on datasets with ground "
        "truth (FEBRL 3 and 4, historical figures with a Splink baseline, a synthetic "
        "partnership, the independent evaluation set) and print precision, recall, F1, wall "
        "time and peak memory. 'independent': write the independent evaluation set to a file."
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

        from seen.bench.linkage import DATASETS, DEFAULT_DATASETS
        from seen.bench.linkage_datasets import default_data_dir
        from seen.evalset import DEFAULT_PEOPLE
        from seen.linkage.model import Bands

        linkage = benches.add_parser(
            "linkage",
            help="linkage quality and speed on datasets with ground truth",
            description="Each dataset runs in its own process (wall time and peak memory are "
            "its own). See docs/linkage.md for how to read the figures.",
        )
        linkage.add_argument(
            "--data",
            type=Path,
            default=default_data_dir(),
            help="folder of the Splink datasets (febrl/, historical_figures_with_errors_50k."
            "parquet); default <repo>/../shared/datasets/splink/data",
        )
        linkage.add_argument(
            "--only",
            default=",".join(DEFAULT_DATASETS),
            help=f"comma-separated datasets from {','.join(DATASETS)} "
            f"(default {','.join(DEFAULT_DATASETS)}; 'speed' is the large run)",
        )
        linkage.add_argument(
            "--births",
            type=int,
            default=7000,
            help="births in the synthetic partnership (default 7000: about 100,000 records)",
        )
        linkage.add_argument(
            "--people",
            type=int,
            default=DEFAULT_PEOPLE,
            help=f"people in the independent evaluation set (default {DEFAULT_PEOPLE}: about "
            "21,000 records)",
        )
        linkage.add_argument(
            "--records",
            type=int,
            default=1_000_000,
            help="source records for the speed run (default 1,000,000)",
        )
        linkage.add_argument(
            "--auto-link",
            type=float,
            default=Bands().auto_link,
            help=f"auto-link threshold, match probability (default {Bands().auto_link})",
        )
        linkage.add_argument(
            "--review",
            type=float,
            default=Bands().review,
            help=f"review threshold, match probability (default {Bands().review})",
        )
        linkage.add_argument("--seed", type=int, default=1, help="training seed (default 1)")
        linkage.add_argument(
            "--no-baseline", action="store_true", help="skip the baseline Splink model"
        )
        linkage.add_argument("--json", action="store_true", help="print the figures as JSON")
        independent = benches.add_parser(
            "independent",
            help="write the independent evaluation set (English agencies' records of people, "
            "made without seen.synth) to a CSV file for `seen link-file`, with its truth beside it",
            description="Writes OUT (the columns `seen link-file` reads) and OUT's name with "
            ".truth.csv (record_id, person_id, sex, group, naming, role). See docs/linkage.md.",
        )
        independent.add_argument(
            "--people", type=int, default=DEFAULT_PEOPLE, help=f"people (default {DEFAULT_PEOPLE})"
        )
        independent.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
        independent.add_argument("--out", type=Path, required=True, help="the CSV file to write")
        incremental = benches.add_parser(
            "incremental",
            help="latency of matching one arriving record, on the current (linked) database "
            "(target: p95 <= 100 ms at 1,000,000 records)",
        )
        incremental.add_argument(
            "--samples", type=int, default=300, help="records to match (default 300)"
        )

        benches.add_parser(
            "internals",
            help="Seen's re-implementations of framework internals (the user with their profile, "
            "the session, ingest's inserts) against Django's own, on the current database; "
            "everything written is rolled back",
        )
        rules = benches.add_parser(
            "rules",
            help="rules over a whole partnership (target: 10,000 births <= 30 s) and one new "
            "fact to its alert (target: p95 <= 100 ms), on a fresh database",
        )
        rules.add_argument("--births", type=int, default=10_000, help="births (default 10000)")
        rules.add_argument("--samples", type=int, default=200, help="new facts (default 200)")
        rules.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
        rules.add_argument("--json", action="store_true", help="print the figures as JSON")
        measure = benches.add_parser(
            "rules-measure", help="(used by `seen bench rules`) measure on the current database"
        )
        measure.add_argument("--samples", type=int, default=200)

        service = benches.add_parser(
            "service",
            help="the practitioners' service under gunicorn on a synthetic partnership in "
            "PostgreSQL: child page p95 server time (target <= 150 ms) and the flag look-up API "
            "under wrk (targets: p99 <= 50 ms, >= 300 requests/s)",
        )
        service.add_argument("--births", type=int, default=10_000, help="births (default 10000)")
        service.add_argument(
            "--database-url",
            default="postgresql://postgres@127.0.0.1:5432/seen_bench_service",
            help="a PostgreSQL database the benchmark drops and builds (default "
            "postgresql://postgres@127.0.0.1:5432/seen_bench_service)",
        )
        service.add_argument(
            "--reuse",
            action="store_true",
            help="measure the database a previous run built, without rebuilding it",
        )
        service.add_argument("--sample", type=int, default=200, help="child pages (default 200)")
        service.add_argument("--seconds", type=int, default=20, help="wrk's run (default 20 s)")
        cores = os.cpu_count() or 2
        # one worker per core (the work is CPU-bound), and as many connections as workers: more
        # only queue (measured: 16 connections on 4 workers, p99 three times longer, fewer done)
        service.add_argument(
            "--connections", type=int, default=cores, help=f"wrk's (default {cores}, the cores)"
        )
        service.add_argument(
            "--workers", type=int, default=cores, help=f"gunicorn's (default {cores}, the cores)"
        )
        service.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
        service.add_argument("--json", action="store_true", help="print the figures as JSON")
        service_setup = benches.add_parser(
            "service-setup", help="(used by `seen bench service`) accounts and caseload"
        )
        service_setup.add_argument("--sample", type=int, default=200)
        service_setup.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["bench"] == "service":
            self._service(options)
            return
        if options["bench"] == "service-setup":
            from seen.bench.service import setup

            self.stdout.write(json.dumps(setup(options["sample"], options["seed"])))
            return
        if options["bench"] == "rules":
            self._rules(options)
            return
        if options["bench"] == "rules-measure":
            from seen.bench.rules import measure as measure_rules

            try:
                figures = measure_rules(options["samples"])
            except ValueError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(json.dumps(figures))
            return
        if options["bench"] == "internals":
            from seen.bench.internals import measure as measure_internals

            for name, value in measure_internals().items():
                self.stdout.write(f"{name:<28} {value}")
            return
        if options["bench"] == "incremental":
            from seen.bench.incremental import measure

            try:
                figures = measure(options["samples"])
            except (ValueError, FileNotFoundError) as error:
                raise CommandError(f"{error} (run `seen link` on this database first)") from None
            for name, value in figures.items():
                self.stdout.write(f"{name:<28} {value}")
            return
        if options["bench"] == "linkage":
            self._linkage(options)
            return
        if options["bench"] == "independent":
            self._independent(options)
            return
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
            forget_linkage_model(database_url)  # an empty database: matching has no model yet
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

    def _rules(self, options: dict[str, Any]) -> None:
        if not 30 <= options["births"] <= 150_000 or options["samples"] < 1:
            raise CommandError("--births must be between 30 and 150000, --samples at least 1")
        with tempfile.TemporaryDirectory(prefix="seen-bench-rules-") as temporary:
            folder = Path(temporary)
            database_url = f"sqlite:///{folder / 'bench.sqlite3'}"
            extract = folder / "extract"
            steps: dict[str, float] = {}
            try:
                for label, command in (
                    (
                        "synth",
                        [
                            "synth",
                            "--areas",
                            "3",
                            "--births",
                            str(options["births"]),
                            "--seed",
                            str(options["seed"]),
                            "--out",
                            str(extract),
                        ],
                    ),
                    ("migrate", ["migrate", "--noinput"]),
                    ("ingest", ["ingest", str(extract), "--no-link", "--json"]),
                    ("link", ["link", "--json"]),
                ):
                    self.stderr.write(f"bench rules: {label} …")
                    steps[label] = round(run_seen(command, database_url=database_url).seconds, 1)
                created = json.loads((extract / "manifest.json").read_text())["created"]
                self.stderr.write("bench rules: evaluating …")
                os.environ["SEEN_NOW"] = created
                measured = run_seen(
                    ["bench", "rules-measure", "--samples", str(options["samples"])],
                    database_url=database_url,
                )
            except BenchmarkFailed as error:
                raise CommandError(str(error)) from None
            finally:
                os.environ.pop("SEEN_NOW", None)
        figures = {
            "births": options["births"],
            "database": "sqlite (fresh file)",
            "now": created,
            "setup_seconds_not_timed": steps,
            **json.loads(measured.stdout),
        }
        if options["json"]:
            self.stdout.write(json.dumps(figures, indent=2))
            return
        for name, value in figures.items():
            self.stdout.write(f"{name:<28} {value}")

    def _service(self, options: dict[str, Any]) -> None:
        from seen.bench.service import Server, ServiceBenchFailed, child_pages, flag_lookups

        url = options["database_url"]
        if not url.startswith(("postgresql://", "postgres://")):
            raise CommandError("--database-url: the service benchmark runs on PostgreSQL")
        if not 30 <= options["births"] <= 150_000 or options["sample"] < 1:
            raise CommandError("--births must be between 30 and 150000, --sample at least 1")
        state = Path(tempfile.gettempdir()) / "seen-bench-service.json"
        steps: dict[str, float] = {}
        try:
            if options["reuse"]:
                if not state.exists():
                    raise CommandError(f"--reuse: no previous build ({state} is absent)")
                created = json.loads(state.read_text())["now"]
                run_seen(["migrate", "--noinput"], database_url=url)  # the code may be newer
            else:
                created = self._build_service_database(url, options, steps)
                state.write_text(json.dumps({"now": created, "database_url": url}))
            os.environ["SEEN_NOW"] = created
            self.stderr.write("bench service: accounts and caseload …")
            prepared = json.loads(
                run_seen(
                    [
                        "bench", "service-setup", "--sample", str(options["sample"]),
                        "--seed", str(options["seed"]),
                    ],
                    database_url=url,
                ).stdout
            )
            with Server(url, options["workers"]) as server:
                self.stderr.write(f"bench service: {options['sample']} child pages …")
                pages = child_pages(server, prepared)
                seconds = options["seconds"]
                self.stderr.write(f"bench service: wrk on the flag look-up, {seconds} s …")
                flags = flag_lookups(server, prepared, options["seconds"], options["connections"])
        except (BenchmarkFailed, ServiceBenchFailed) as error:
            raise CommandError(str(error)) from None
        finally:
            os.environ.pop("SEEN_NOW", None)
        figures = {
            "births": options["births"],
            "database": url,
            "now": created,
            "gunicorn_workers": options["workers"],
            "setup_seconds_not_timed": steps,
            "child_page": pages,
            "flag_lookup_api": flags,
        }
        if options["json"]:
            self.stdout.write(json.dumps(figures, indent=2))
            return
        for name, value in figures.items():
            self.stdout.write(f"{name:<26} {value}")

    def _build_service_database(
        self, url: str, options: dict[str, Any], steps: dict[str, float]
    ) -> str:
        import psycopg

        name = url.rsplit("/", 1)[1]
        if not name.isidentifier():
            raise CommandError(f"--database-url: {name!r} is not a plain database name")
        server = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        forget_linkage_model(url)
        with tempfile.TemporaryDirectory(prefix="seen-bench-service-") as temporary:
            extract = Path(temporary) / "extract"
            births = str(options["births"])
            for label, command in (
                ("synth", ["synth", "--areas", "3", "--births", births,
                           "--seed", str(options["seed"]), "--out", str(extract)]),
                ("migrate", ["migrate", "--noinput"]),
                ("ingest", ["ingest", str(extract), "--no-link", "--json"]),
                ("link", ["link", "--json"]),
            ):
                self.stderr.write(f"bench service: {label} …")
                steps[label] = round(run_seen(command, database_url=url).seconds, 1)
            created: str = json.loads((extract / "manifest.json").read_text())["created"]
        os.environ["SEEN_NOW"] = created
        self.stderr.write("bench service: rules …")
        steps["rules"] = round(run_seen(["rules", "run"], database_url=url).seconds, 1)
        # the planner's statistics, as autovacuum would leave them some minutes after a load
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("ANALYZE")
        return created

    def _linkage(self, options: dict[str, Any]) -> None:
        from seen.bench.linkage import DATASETS, bench
        from seen.bench.linkage_report import report_lines
        from seen.linkage.model import Bands

        names = [n.strip() for n in options["only"].split(",") if n.strip()]
        unknown = [n for n in names if n not in DATASETS]
        if unknown or not names:
            raise CommandError(
                f"--only: unknown dataset(s) {', '.join(unknown) or '(none given)'}; "
                f"choose from {', '.join(DATASETS)}"
            )
        try:
            Bands(options["auto_link"], options["review"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        data = Path(options["data"])
        if any(n in ("febrl3", "febrl4", "historical") for n in names) and not data.is_dir():
            raise CommandError(f"--data {data}: no such folder")
        if not 30 <= options["births"] <= 150_000:
            raise CommandError("--births must be between 30 and 150000")
        if not MIN_PEOPLE <= options["people"] <= MAX_PEOPLE:
            raise CommandError(f"--people must be between {MIN_PEOPLE} and {MAX_PEOPLE}")
        settings = {
            "data": str(data),
            "births": options["births"],
            "people": options["people"],
            "records": options["records"],
            "auto_link": options["auto_link"],
            "review": options["review"],
            "seed": options["seed"],
            "no_baseline": options["no_baseline"],
        }

        def log(message: str) -> None:
            self.stderr.write(message)
            self.stderr.flush()

        results = bench(names, settings, log)
        if options["json"]:
            self.stdout.write(json.dumps({"options": settings, "results": results}, indent=2))
        else:
            for line in report_lines(results, settings):
                self.stdout.write(line)
        failed = [name for name, r in results.items() if "error" in r]
        if failed:
            raise CommandError(f"failed: {', '.join(failed)}")

    def _independent(self, options: dict[str, Any]) -> None:
        from collections import Counter

        from seen.evalset import generate, write

        if not MIN_PEOPLE <= options["people"] <= MAX_PEOPLE:
            raise CommandError(f"--people must be between {MIN_PEOPLE} and {MAX_PEOPLE}")
        out: Path = options["out"]
        if not out.parent.is_dir():
            raise CommandError(f"--out {out}: the folder {out.parent} does not exist")
        evalset = generate(people=options["people"], seed=options["seed"])
        records, truth = write(evalset, out)
        groups = Counter(p.group for p in evalset.persons.values())
        self.stdout.write(f"{len(evalset.records):,} records of {len(evalset.persons):,} people")
        self.stdout.write(f"records: {records}")
        self.stdout.write(f"truth:   {truth}")
        for group, count in sorted(groups.items(), key=lambda item: -item[1]):
            self.stdout.write(f"  {group:<20} {count:>7,} people")
