"""`python -m seen.linkage.spark score | cluster | bench`: the national scoring job (prepared
records in Parquet, a model artefact, the pairs written to Parquet, run under spark-submit or
from a shell), the national clustering job (those pairs and practitioners' decisions into
persons, written to Parquet), and the benchmark that scores and clusters the same records on
DuckDB and on Spark, checks that the pairs and persons agree and prints the figures in
docs/scaling.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from seen.linkage.model import Bands, LinkageModel
from seen.linkage.spark.clusters import cluster_on_spark
from seen.linkage.spark.scoring import Scoring, predict_with_spark
from seen.linkage.spark.session import frame_of, spark_session, stop_spark


def _records(source: Path) -> pa.Table:
    """Prepared records from a file in link-file's columns, or a synthetic extract folder
    (people.csv; record_id = agency:id, source = agency)."""
    from seen.linkage.prepare import prepare_file, prepare_records

    if not source.is_dir():
        return prepare_file(source)
    import csv

    columns = [
        "forename",
        "surname",
        "previous_surnames",
        "dob",
        "sex",
        "nhs_number",
        "postcode",
        "phone",
    ]
    with (source / "people.csv").open(newline="", encoding="utf-8") as handle:
        rows = [
            {
                "record_id": f"{row['agency']}:{row['id']}",
                "source": row["agency"],
                **{c: row.get(c) for c in columns},
            }
            for row in csv.DictReader(handle)
        ]
    return prepare_records(rows)


def _timed(step: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = step()
    return value, round(time.perf_counter() - started, 2)


def _candidate_pairs(settings: dict[str, Any], prepared: pa.Table) -> int:
    """The distinct pairs the blocking rules make (each is scored), counted on DuckDB."""
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    from seen.linkage.prepare import connect

    con = connect()
    try:
        records = DuckDBAPI(connection=con).register(prepared, table_name="seen_records")
        counts = count_comparisons_from_blocking_rules(
            records,
            blocking_rules=[
                rule["blocking_rule"] for rule in settings["blocking_rules_to_generate_predictions"]
            ],
            link_type="dedupe_only",
            unique_id_column_name="record_id",
            record_sample_proportion=1.0,
        )
        return int(counts[-1]["cumulative_comparison_count"]) if counts else 0
    finally:
        con.close()


def _bench(args: argparse.Namespace) -> dict[str, Any]:
    prepared, prepare_seconds = _timed(lambda: _records(Path(args.source)))
    if args.model:
        model = LinkageModel.load(Path(args.model))
        train_seconds = None
    else:
        model, train_seconds = _timed(lambda: LinkageModel.train(prepared, seed=1))
    candidates = _candidate_pairs(model.settings, prepared)
    duck, duck_seconds = _timed(lambda: model.predict(prepared, threshold=args.threshold))
    auto_link = Bands().auto_link
    duck_persons, duck_cluster_seconds = _timed(
        lambda: model.cluster(prepared, duck, threshold=auto_link).persons
    )
    spark, start_seconds = _timed(lambda: spark_session(master=args.master))
    try:
        runs = []
        for _ in range(args.repeat):
            pairs, seconds = _timed(
                lambda: predict_with_spark(
                    model.settings, prepared, threshold=args.threshold, spark=spark
                )
            )
            runs.append(seconds)
        spark_persons, spark_cluster_seconds = _timed(
            lambda: _persons_on_spark(spark, model, prepared, pairs, auto_link)
        )
    finally:
        stop_spark(spark)
    same = pairs.select(["record_id_l", "record_id_r"]).equals(
        duck.select(["record_id_l", "record_id_r"])
    )
    gap = (
        float(
            pc.max(
                pc.abs(pc.subtract(pairs["match_probability"], duck["match_probability"]))
            ).as_py()
            or 0.0
        )
        if same
        else None
    )
    best = min(runs)
    return {
        "source": str(args.source),
        "records": prepared.num_rows,
        "candidate_pairs": candidates,
        "pairs_at_threshold": pairs.num_rows,
        "threshold": args.threshold,
        "prepare_seconds": prepare_seconds,
        "train_seconds": train_seconds,
        "duckdb_predict_seconds": duck_seconds,
        "duckdb_candidates_per_second": round(candidates / max(duck_seconds, 1e-9)),
        "spark_master": args.master,
        "spark_start_seconds": start_seconds,
        "spark_predict_seconds": runs,
        "spark_candidates_per_second": round(candidates / max(best, 1e-9)),
        "same_pairs": same,
        "max_probability_difference": gap,
        "persons": len(set(duck_persons.values())),
        "duckdb_cluster_seconds": duck_cluster_seconds,
        "spark_cluster_seconds": spark_cluster_seconds,
        "same_persons": spark_persons == duck_persons,
    }


def _persons_on_spark(
    spark: Any, model: Any, prepared: pa.Table, pairs: pa.Table, threshold: float
) -> dict[str, str]:
    found = cluster_on_spark(
        frame_of(spark, prepared),
        frame_of(spark, pairs),
        threshold=threshold,
        exclusions=model.exclusions,
        corroboration=model.corroboration,
    )
    return {row.record_id: row.person for row in found.persons.toLocalIterator()}


def _read(spark: Any, path: str, what: str, needed: Sequence[str], *, csv: bool = False) -> Any:
    """A job's input, refused with a message (not a JVM trace) if it is missing or lacks a
    column the job reads."""
    from pyspark.errors import AnalysisException

    try:
        frame = spark.read.csv(path, header=True) if csv else spark.read.parquet(path)
    except AnalysisException as error:
        raise SystemExit(f"{what} {path!r} cannot be read: {error.getMessage()}") from None
    missing = [column for column in needed if column not in frame.columns]
    if missing:
        raise SystemExit(f"{what} {path!r} has no column {', '.join(missing)}")
    return frame


def _decisions(spark: Any, path: str, what: str, id_type: str) -> Any:
    """A CSV of decisions (columns a, b: record ids), each id read as the records' own type;
    refused whole if any is not such an id."""
    frame = _read(spark, path, what, ("a", "b"), csv=True).selectExpr(
        f"try_cast(a AS {id_type}) AS a", f"try_cast(b AS {id_type}) AS b"
    )
    bad = frame.where("a IS NULL OR b IS NULL").count()
    if bad:
        raise SystemExit(f"{what} {path!r}: {bad} rows do not hold two {id_type} record ids")
    return frame


def _cluster(args: argparse.Namespace) -> dict[str, Any]:
    model = LinkageModel.load(Path(args.model))
    spark = spark_session(master=args.master)
    try:
        started = time.perf_counter()
        records = _read(spark, args.prepared, "prepared records", ("record_id",))
        pairs = _read(
            spark, args.pairs, "scored pairs", ("record_id_l", "record_id_r", "match_probability")
        )
        id_type = records.schema["record_id"].dataType.simpleString()
        decisions = {
            name: _decisions(spark, path, name.replace("_", "-"), id_type)
            for name, path in (("must_link", args.must_link), ("cannot_link", args.cannot_link))
            if path
        }
        found = cluster_on_spark(
            records,
            pairs,
            threshold=args.threshold,
            exclusions=model.exclusions,
            corroboration=model.corroboration,
            **decisions,
        )
        found.persons.write.mode("overwrite").parquet(f"{args.out}/persons")
        found.held.write.mode("overwrite").parquet(f"{args.out}/held")
        persons = spark.read.parquet(f"{args.out}/persons")
        return {
            "records": persons.count(),
            "persons": persons.select("person").distinct().count(),
            "held_for_review": spark.read.parquet(f"{args.out}/held").count(),
            "out": args.out,
            "seconds": round(time.perf_counter() - started, 2),
        }
    finally:
        stop_spark(spark)


def _score(args: argparse.Namespace) -> dict[str, Any]:
    model = LinkageModel.load(Path(args.model))
    spark = spark_session(master=args.master)
    try:
        started = time.perf_counter()
        records = spark.read.parquet(args.prepared)
        count, trained_on = records.count(), int(model.meta.get("records") or 0)
        if count > 2 * trained_on and not args.any_size:
            raise SystemExit(
                f"the model was trained on {trained_on:,} records and these are {count:,}: its "
                "blocking rules were chosen for the pairs they make at its training size and "
                "may make far more here. Train on records of this size (LinkageModel.train on "
                "DuckDB), or pass --any-size."
            )
        scoring = Scoring(model.settings, records, args.threshold)
        try:
            scoring.frame.write.mode("overwrite").parquet(args.out)
        finally:
            scoring.close()
        written = spark.read.parquet(args.out).count()
        return {
            "model_version": model.version,
            "records": count,
            "pairs": written,
            "out": args.out,
            "seconds": round(time.perf_counter() - started, 2),
        }
    finally:
        stop_spark(spark)


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not a probability between 0 and 1")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m seen.linkage.spark", description="Score pairs with a Seen model on Spark."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    score = commands.add_parser(
        "score", help="score prepared records (Parquet) with a model artefact; write Parquet"
    )
    score.add_argument("--model", required=True, help="the model artefact (JSON)")
    score.add_argument("--prepared", required=True, help="prepared records: Parquet path/URI")
    score.add_argument("--out", required=True, help="where to write the pairs (Parquet)")
    score.add_argument("--threshold", type=float, required=True)
    score.add_argument(
        "--master", default=None, help="Spark master (default: spark-submit's, else local[2])"
    )
    score.add_argument(
        "--any-size",
        action="store_true",
        help="score even if the records are more than twice those the model was trained on",
    )
    clusters = commands.add_parser(
        "cluster", help="cluster scored pairs (Parquet) into persons on Spark; write Parquet"
    )
    clusters.add_argument("--model", required=True, help="the model artefact (JSON)")
    clusters.add_argument("--prepared", required=True, help="prepared records: Parquet")
    clusters.add_argument("--pairs", required=True, help="scored pairs: `score`'s Parquet")
    clusters.add_argument("--out", required=True, help="folder for persons/ and held/ (Parquet)")
    clusters.add_argument(
        "--threshold",
        type=_probability,
        default=Bands().auto_link,
        help=f"automatic link threshold (default {Bands().auto_link})",
    )
    clusters.add_argument("--must-link", help="CSV of practitioners' must-links: columns a, b")
    clusters.add_argument("--cannot-link", help="CSV of practitioners' cannot-links: a, b")
    clusters.add_argument(
        "--master", default=None, help="Spark master (default: spark-submit's, else local[2])"
    )
    bench = commands.add_parser(
        "bench",
        help="time DuckDB and Spark scoring and clustering of the same records and compare",
    )
    bench.add_argument("source", help="a synthetic extract folder or a link-file input file")
    bench.add_argument("--model", help="a model artefact (default: train on the records)")
    bench.add_argument("--threshold", type=float, default=0.1)
    bench.add_argument("--master", default="local[2]")
    bench.add_argument("--repeat", type=int, default=2, help="Spark runs (the first warms up)")
    args = parser.parse_args(argv)
    if args.command in ("score", "cluster"):
        if args.master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:  # not spark-submit
            args.master = os.environ.get("SEEN_SPARK_MASTER", "local[2]")
        result = _score(args) if args.command == "score" else _cluster(args)
    else:
        result = _bench(args)
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0
