"""Scoring on Spark with a model trained on DuckDB: the artefact's settings translated
(seen.linkage.spark.translate), the exact string functions registered
(seen.linkage.spark.similarity), Splink's prediction on a SparkAPI, and the same columns
`LinkageModel.predict` gives (seen.linkage.evidence). `predict_with_spark` hands the pairs back
as an Arrow table; `predict_spark_frame` leaves them in a Spark DataFrame for writing out.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from seen.linkage.evidence import level_index_sql, tf_comparisons
from seen.linkage.spark.session import frame_of, spark_session, stop_spark
from seen.linkage.spark.similarity import register_functions
from seen.linkage.spark.translate import LIST_COLUMNS, spark_settings

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def _evidence_columns(settings: dict[str, Any]) -> list[str]:
    """LinkageModel.predict's columns (seen.linkage.evidence.evidence_table) as Spark SQL
    expressions."""
    columns = ["record_id_l", "record_id_r", "match_probability", "match_weight"]
    for name, has_tf in tf_comparisons(settings).items():
        weight = f"mw_{name} + coalesce(mw_tf_adj_{name}, 0.0D)" if has_tf else f"mw_{name}"
        columns.append(f"CAST({weight} AS FLOAT) AS mw_{name}")
        columns.append(f"{level_index_sql(settings, name, f'mw_{name}')} AS level_{name}")
    return columns


# Always true, and nondeterministic: Spark pushes no filter through a projection holding it
# (and, unlike rand() >= 0, no optimiser rule folds it to true).
OPTIMISER_BARRIER = "spark_partition_id() >= 0"


def _add_optimiser_barrier(settings: dict[str, Any]) -> None:
    """Keep Spark's optimiser from pushing the threshold below the comparisons.

    Splink filters on the match weight after the projections that compute each comparison's
    level once per pair. Spark pushes that filter down through them into the join that makes
    the pairs, substituting each level's SQL for every reference to it: a comparison's SQL then
    appears once per level it has (the weights are a CASE over the level), and the Jaro-Winkler
    functions above run tens of times per pair instead of a few. A nondeterministic term in
    the first level (`X AND spark_partition_id() >= 0`, X in three-valued logic) stops that."""
    levels = settings["comparisons"][0]["comparison_levels"] if settings["comparisons"] else []
    if levels and levels[0].get("sql_condition", "ELSE").strip().upper() != "ELSE":
        levels[0]["sql_condition"] = f"({levels[0]['sql_condition']}) AND {OPTIMISER_BARRIER}"


class Scoring:
    """One scoring run's Splink objects, kept so its tables can be dropped afterwards."""

    def __init__(self, settings: dict[str, Any], records: DataFrame, threshold: float) -> None:
        from pyspark.sql.types import ArrayType
        from splink import Linker, SparkAPI

        for name in ("splink", "splink.internals"):
            logging.getLogger(name).setLevel(logging.WARNING)
        spark = records.sparkSession
        register_functions(spark)
        lists = {f.name for f in records.schema.fields if isinstance(f.dataType, ArrayType)}
        translated = spark_settings(settings, list_columns=lists or LIST_COLUMNS)
        master = spark.sparkContext.master or ""
        self.db_api = SparkAPI(
            spark_session=spark,
            # locally, Splink's intermediate tables stay in memory; on a cluster they are
            # written to the checkpoint folder, which bounds memory and lineage
            break_lineage_method="persist" if master.startswith("local") else "parquet",
        )
        self.view = f"seen_records_{uuid.uuid4().hex[:12]}"
        table = self.db_api.register(records, table_name=self.view)
        _add_optimiser_barrier(translated)
        linker = Linker(table, translated, log_level=None)
        self.predictions = linker.inference.predict(
            threshold_match_probability=threshold, warning_mode="never"
        )
        self.frame = self.predictions.as_spark_dataframe().selectExpr(*_evidence_columns(settings))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.predictions.as_spark_dataframe().unpersist()
        with contextlib.suppress(Exception):
            self.db_api.delete_tables_created_by_splink_from_db()
        with contextlib.suppress(Exception):
            self.db_api.spark.catalog.dropTempView(self.view)


def predict_spark_frame(
    settings: dict[str, Any], records: DataFrame, *, threshold: float
) -> DataFrame:
    """Score a Spark DataFrame of prepared records (prepare's columns): a DataFrame with
    LinkageModel.predict's columns, unordered, for writing out (nothing is collected)."""
    return Scoring(settings, records, threshold).frame


def predict_with_spark(
    settings: dict[str, Any],
    prepared: pa.Table,
    *,
    threshold: float,
    spark: SparkSession | None = None,
) -> pa.Table:
    """LinkageModel.predict on Spark: the pairs with match probability >= threshold, columns
    record_id_l < record_id_r, match_probability, match_weight and mw_<comparison> (float32,
    term-frequency adjustment included), ordered by record_id_l, record_id_r. Without `spark`,
    the session this process runs is used, else a local one is started and stopped."""
    from pyspark.sql import SparkSession

    if spark is None:
        spark = SparkSession.getActiveSession()  # a session this process already runs
        own = spark is None
    else:
        own = False
    session = spark if spark is not None else spark_session()
    try:
        scoring = Scoring(settings, frame_of(session, prepared), threshold)
        try:
            result = scoring.frame.toArrow()
        finally:
            scoring.close()
    finally:
        if own:
            stop_spark(session)
    return _as_predict_table(result, settings, prepared.schema.field("record_id").type)


def _as_predict_table(table: pa.Table, settings: dict[str, Any], id_type: pa.DataType) -> pa.Table:
    fields = [
        pa.field("record_id_l", id_type),
        pa.field("record_id_r", id_type),
        pa.field("match_probability", pa.float64()),
        pa.field("match_weight", pa.float64()),
        *(
            field
            for name in tf_comparisons(settings)
            for field in (
                pa.field(f"mw_{name}", pa.float32()),
                pa.field(f"level_{name}", pa.int32()),
            )
        ),
    ]
    schema = pa.schema(fields)
    table = table.select(schema.names).cast(schema)
    return table.sort_by([("record_id_l", "ascending"), ("record_id_r", "ascending")])
