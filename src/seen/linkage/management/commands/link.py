"""`seen link`: batch identity resolution over every source record."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from seen.core.progress import progress_bar
from seen.linkage.batch import EngineUnavailable, run_batch
from seen.linkage.model import LinkageModel
from seen.linkage.reasoned import summary
from seen.linkage.settings import model_path


def training_summary() -> str:
    """One line on what the model could not learn from these records (seen.linkage.reasoned)."""
    meta = LinkageModel.load(model_path()).meta
    untrained = [tuple(item.split(": ", 1)) for item in meta.get("untrained_levels", [])]
    return summary([(name, label) for name, label in untrained])


class Command(BaseCommand):
    help = (
        "Resolve every source record into persons: score pairs with the trained model (trained "
        "without labels and saved on first use), keep each pair's evidence, link automatically "
        "above the auto-link threshold, queue the review band for a practitioner, and keep "
        "every practitioner's decision. Person references never change between runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--retrain", action="store_true", help="train the model afresh")
        parser.add_argument(
            "--engine",
            choices=["duckdb", "spark"],
            default="duckdb",
            help=(
                "SQL engine for scoring: duckdb (default) or spark (a local Spark on this "
                "machine, SEEN_SPARK_MASTER for another; see docs/scaling.md). Training is "
                "always on DuckDB; both give the same pairs"
            ),
        )
        parser.add_argument("--json", action="store_true", help="print the run as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with progress_bar(enabled=not options["json"]) as progress:
                run = run_batch(
                    retrain=options["retrain"], engine=options["engine"], progress=progress
                )
        except EngineUnavailable as error:
            raise CommandError(str(error)) from None
        figures: dict[str, Any] = {
            "run": run.pk,
            "records": run.records,
            "pairs_kept": run.pairs,
            "persons_created": run.persons_created,
            "records_moved": run.records_moved,
            "auto_link_threshold": run.auto_link_threshold,
            "review_threshold": run.review_threshold,
        }
        figures["training"] = training_summary()
        if options["json"]:
            self.stdout.write(json.dumps(figures, indent=2))
        else:
            for name, value in figures.items():
                self.stdout.write(f"{name:<22} {value}")
