"""Clustering on Spark (seen.linkage.spark.clusters) makes the persons seen.linkage.clustering
makes, with practitioners' decisions applied, over a synthetic partnership's scored pairs."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest

from seen.linkage.clustering import DECIDED_APART, cluster
from seen.linkage.model import Bands, LinkageModel, identifiers_of, uncorroborated_rows
from seen.linkage.spark.clusters import cluster_on_spark
from seen.linkage.spark.session import spark_session, stop_spark

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = spark_session("seen-test-clusters")
    yield session
    stop_spark(session)


@pytest.fixture(scope="module")
def scored(trained: LinkageModel, prepared: pa.Table) -> tuple[LinkageModel, pa.Table, pa.Table]:
    """The linkage tests' partnership (tests/linkage/conftest.py), scored on DuckDB."""
    return trained, prepared, trained.predict(prepared, threshold=Bands().review)


def _on_spark(
    spark: Any, model: LinkageModel, prepared: pa.Table, pairs: pa.Table, **decisions: Any
) -> tuple[dict[str, str], set[tuple[str, str, str]]]:
    frames = {
        name: spark.createDataFrame(pa.table({"a": [a for a, _ in pairs_], "b": [b for _, b in
                                                                                   pairs_]}))
        for name, pairs_ in decisions.items()
    }  # fmt: skip
    result = cluster_on_spark(
        spark.createDataFrame(prepared),
        spark.createDataFrame(pairs),
        threshold=Bands().auto_link,
        exclusions=model.exclusions,
        corroboration=model.corroboration,
        **frames,
    )
    persons = {row.record_id: row.person for row in result.persons.collect()}
    held = {(row.record_id_l, row.record_id_r, row.reason) for row in result.held.collect()}
    return persons, held


def test_spark_clustering_makes_the_same_persons(spark: Any, scored: Any) -> None:
    model, prepared, pairs = scored
    expected = model.cluster(prepared, pairs, threshold=Bands().auto_link)
    persons, held = _on_spark(spark, model, prepared, pairs)

    assert persons == expected.persons
    assert len(set(persons.values())) < len(persons) * 0.6  # records do join into persons
    assert held == {(h.left, h.right, h.reason) for h in expected.held}


def test_decisions_apply_on_spark_as_in_one_process(spark: Any, scored: Any) -> None:
    """Must-links join records no link joins; cannot-links split persons the links made."""
    model, prepared, pairs = scored
    link = Bands().auto_link
    strong = [(a, b) for a, b, p in zip(pairs["record_id_l"].to_pylist(),
                                         pairs["record_id_r"].to_pylist(),
                                         pairs["match_probability"].to_pylist(), strict=True)
              if p >= link]  # fmt: skip
    records = prepared.column("record_id").to_pylist()
    rng = random.Random(3)
    cannot = rng.sample(strong, 8)
    must = [(records[i], records[i + 1]) for i in rng.sample(range(len(records) - 1), 8)]
    must = [pair for pair in must if pair not in cannot and pair[::-1] not in cannot]

    weak_rows = uncorroborated_rows(pairs, link) if model.corroboration else []
    lefts, rights = pairs["record_id_l"].to_pylist(), pairs["record_id_r"].to_pylist()
    expected = cluster(
        records,
        list(zip(lefts, rights, pairs["match_probability"].to_pylist(), strict=True)),
        threshold=link,
        must_link=must,
        cannot_link=cannot,
        identifiers=identifiers_of(prepared),
        exclusions=model.exclusions,
        uncorroborated=[(lefts[i], rights[i]) for i in weak_rows],
    )
    persons, held = _on_spark(spark, model, prepared, pairs, must_link=must, cannot_link=cannot)

    assert persons == expected.persons
    assert held == {(h.left, h.right, h.reason) for h in expected.held}
    assert all(persons[a] == persons[b] for a, b in must)
    assert any(reason == DECIDED_APART for _a, _b, reason in held)
