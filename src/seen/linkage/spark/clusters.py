"""Clustering on Spark: the same persons seen.linkage.clustering makes, with no process holding
every pair.

Clustering only ever joins two records along an automatic link (a pair at or above the link
threshold) or a practitioner's must-link, so every person lies inside one connected component
of those edges, and what happens inside a component (strongest link first, the exclusions, a
practitioner's cannot-link, the ambiguous record linked again) reads nothing outside it. So:

1. the connected components of the links and must-links, found on Spark's engine by Splink's
   connected-components SQL (iterated joins over the edges, no loop over pairs in Python);
2. each component clustered by seen.linkage.clustering.cluster, in parallel, in the executors'
   Python workers (the rows grouped by component, one component at a time: a worker holds one
   component's links, never all of them; PySpark's grouped Arrow and pandas maps would need
   pandas, which Seen does not otherwise install);
3. the persons and the links held back for clerical review as DataFrames, written out or
   collected by the caller.

The result is LinkageModel.cluster's to the record (tests/linkage/test_spark_clusters.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seen.linkage.clustering import cluster
from seen.linkage.exclusions import CORROBORATING, EXCLUSION_COLUMNS, Exclusion

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

# one schema for everything a component's worker reads: its links, decisions and identifiers
_ITEM_COLUMNS = ["component", "kind", "a", "b", "probability", "weak", *EXCLUSION_COLUMNS]
EDGE, MUST, CANNOT, RECORD = "edge", "must", "cannot", "record"
PERSON, HELD = "person", "held"


@dataclass
class SparkClustering:
    """`persons`: record_id, person (the smallest record id of its person), every record of
    the input. `held`: record_id_l, record_id_r, match_probability, reason, the automatic
    links held back for clerical review."""

    persons: DataFrame
    held: DataFrame


def _identifier_columns(records: DataFrame) -> list[str]:
    """The exclusions' columns as text, dates as YYYYMMDD (as model.identifiers_of gives)."""
    from pyspark.sql.types import DateType

    kinds = {field.name: field.dataType for field in records.schema.fields}
    columns = []
    for name in EXCLUSION_COLUMNS:
        if name not in kinds:
            columns.append(f"CAST(NULL AS STRING) AS {name}")
        elif isinstance(kinds[name], DateType):
            columns.append(f"date_format({name}, 'yyyyMMdd') AS {name}")
        else:
            columns.append(f"CAST({name} AS STRING) AS {name}")
    return columns


def _weak_sql(columns: list[str]) -> str:
    """seen.linkage.exclusions.uncorroborated over a pair's comparison weights."""
    weights = [f"coalesce(mw_{name}, 0.0D)" for name in CORROBORATING if f"mw_{name}" in columns]
    if not weights:
        return "false"
    agree = " OR ".join(f"{w} > 0" for w in weights)
    disagree = " OR ".join(f"{w} < 0" for w in weights)
    return f"(NOT ({agree}) AND ({disagree}))"


def _components(edges: DataFrame) -> DataFrame:
    """record_id, component: the connected components of the edges (a, b), by Splink's SQL."""
    from splink import SparkAPI
    from splink.clustering import cluster_pairwise_predictions_at_threshold

    # each iteration's tables written to the checkpoint folder and read back: persisted in
    # memory, every iteration's plan would hold all the earlier ones (100,000 records filled
    # the 8 GB driver planning the fifth)
    db_api = SparkAPI(spark_session=edges.sparkSession, break_lineage_method="parquet")
    tag = uuid.uuid4().hex[:12]
    nodes = edges.selectExpr("a AS record_id").union(edges.selectExpr("b AS record_id")).distinct()
    found = cluster_pairwise_predictions_at_threshold(
        db_api.register(nodes, table_name=f"seen_cc_nodes_{tag}"),
        db_api.register(edges, table_name=f"seen_cc_edges_{tag}"),
        db_api=db_api,
        node_id_column_name="record_id",
        edge_id_column_name_left="a",
        edge_id_column_name_right="b",
    )
    return found.as_spark_dataframe().selectExpr("record_id", "cluster_id AS component")


def cluster_on_spark(
    records: DataFrame,
    pairs: DataFrame,
    *,
    threshold: float,
    exclusions: tuple[Exclusion, ...],
    corroboration: bool,
    must_link: DataFrame | None = None,
    cannot_link: DataFrame | None = None,
) -> SparkClustering:
    """Records (prepared: record_id and the exclusions' columns) into persons, from scored
    `pairs` (LinkageModel.predict's columns), as LinkageModel.cluster gives with the same
    threshold; `must_link` and `cannot_link` (columns a, b of record ids) are practitioners'
    decisions, applied as seen.linkage.resolve applies them. `corroboration` and
    `exclusions` are the model's (LinkageModel.corroboration, .exclusions)."""
    from pyspark.sql import functions as F

    id_type = records.schema["record_id"].dataType.simpleString()
    weak = _weak_sql(pairs.columns) if corroboration else "false"
    links = pairs.where(f"match_probability >= {float(threshold)!r}").selectExpr(
        "record_id_l AS a", "record_id_r AS b", "match_probability AS probability",
        f"{weak} AS weak",
    )  # fmt: skip
    empty = links.sparkSession.createDataFrame([], f"a {id_type}, b {id_type}")
    must = (must_link if must_link is not None else empty).select("a", "b")
    cannot = (cannot_link if cannot_link is not None else empty).select("a", "b")
    components = _components(links.select("a", "b").union(must)).cache()
    at = components.withColumnRenamed("record_id", "a")

    def placed(frame: DataFrame, kind: str) -> DataFrame:
        """Rows whose first record (and, for a pair, second) lies in a component."""
        found = frame.join(at, "a")
        if "b" in frame.columns:  # a decision between two components changes nothing
            other = components.selectExpr("record_id AS b", "component AS component_b")
            found = found.join(other, "b").where("component = component_b")
        return found.withColumn("kind", F.lit(kind))

    identified = records.selectExpr("record_id AS a", *_identifier_columns(records))
    parts = [
        placed(links, EDGE),
        placed(must, MUST).selectExpr("*", "1.0D AS probability", "false AS weak"),
        placed(cannot, CANNOT).selectExpr("*", "1.0D AS probability", "false AS weak"),
        placed(identified, RECORD).selectExpr(
            "*", f"CAST(NULL AS {id_type}) AS b", "CAST(NULL AS DOUBLE) AS probability",
            "false AS weak",
        ),
    ]  # fmt: skip
    items = None
    for part in parts:
        for name in EXCLUSION_COLUMNS:
            if name not in part.columns:
                part = part.withColumn(name, F.lit(None).cast("string"))
        part = part.select(*_ITEM_COLUMNS)
        items = part if items is None else items.unionByName(part)
    assert items is not None
    out_schema = f"kind string, a {id_type}, b {id_type}, probability double, reason string"
    grouped = items.rdd.map(lambda row: (row["component"], row.asDict())).groupByKey()
    solved = items.sparkSession.createDataFrame(
        grouped.flatMap(lambda group: _solve(list(group[1]), exclusions)), schema=out_schema
    ).cache()
    persons = (
        records.select("record_id")
        .join(solved.where(f"kind = '{PERSON}'").selectExpr("a AS record_id", "b AS person"),
              "record_id", "left")
        .selectExpr("record_id", "coalesce(person, record_id) AS person")
    )  # fmt: skip
    held = solved.where(f"kind = '{HELD}'").selectExpr(
        "a AS record_id_l", "b AS record_id_r", "probability AS match_probability", "reason"
    )
    return SparkClustering(persons=persons, held=held)


def _solve(
    items: list[dict[str, Any]], exclusions: tuple[Exclusion, ...]
) -> Iterator[tuple[Any, ...]]:
    """seen.linkage.clustering.cluster over one component's rows (run in a Python worker)."""
    edges = [(i["a"], i["b"], i["probability"]) for i in items if i["kind"] == EDGE]
    weak = [(i["a"], i["b"]) for i in items if i["kind"] == EDGE and i["weak"]]
    must = [(i["a"], i["b"]) for i in items if i["kind"] == MUST]
    cannot = [(i["a"], i["b"]) for i in items if i["kind"] == CANNOT]
    identifiers = {
        i["a"]: {name: i[name] for name in EXCLUSION_COLUMNS} for i in items if i["kind"] == RECORD
    }
    members = {r for pair in (*edges, *must) for r in pair[:2]}
    result = cluster(
        sorted(members),
        edges,
        must_link=must,
        cannot_link=cannot,
        identifiers=identifiers,
        exclusions=exclusions,
        uncorroborated=weak,
    )
    for record, person in result.persons.items():
        yield (PERSON, record, person, None, None)
    for link in result.held:
        yield (HELD, link.left, link.right, link.probability, link.reason)
