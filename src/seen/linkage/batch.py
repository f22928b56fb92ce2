"""`seen link`: score every source record against every other (blocked), keep the evidence of
each pair above the review threshold, and re-derive persons under the decisions in force."""

from __future__ import annotations

import math
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import transaction

from seen.core.inserts import insert_rows
from seen.linkage.context import context_of
from seen.linkage.exclusions import EXCLUSION_COLUMNS
from seen.linkage.models import CandidatePair, LinkRun
from seen.linkage.persons import Assignment
from seen.linkage.prepare import RAW_COLUMNS
from seen.linkage.resolve import (
    corroboration_in_force,
    decisions_in_force,
    exclusions_in_force,
    recluster,
    settle_persons,
)
from seen.linkage.runs import running, start_run
from seen.linkage.settings import Bands, current_bands, model_path, spark_master
from seen.people.models import SourceRecord

Progress = Callable[[str, int, int], None]

# A source record's fields under the names the model reads (seen.linkage.prepare.RAW_COLUMNS).
_FIELD_FOR_COLUMN = {"record_id": "pk", "source": "agency__code"}


def record_rows(queryset: Any = None, *, with_person: bool = False) -> Iterator[dict[str, Any]]:
    """Source records as the model reads them (record_id is the database id, as text), with
    the relationship context around each (seen.linkage.context)."""
    own = [column for column in RAW_COLUMNS if column not in CONTEXT_COLUMNS]
    fields = [_FIELD_FOR_COLUMN.get(column, column) for column in own]
    rows = (queryset if queryset is not None else SourceRecord.objects.all()).values_list(
        *fields, "person_id"
    )
    # every record: the context of every record, in one pass; some records (the incremental
    # match's candidates): the context of those, by id
    everyone = queryset is None
    context = context_of() if everyone else {}
    for batch in _batches(rows.iterator(chunk_size=20_000), 5_000):
        if not everyone:
            context = context_of([values[0] for values in batch])
        for values in batch:
            row = dict(zip(own, values, strict=False))
            row.update(context.get(row["record_id"], NO_CONTEXT))
            row["record_id"] = str(row["record_id"])
            if with_person:
                row["person_id"] = values[-1]
            yield row


def _batches(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


CONTEXT_COLUMNS = ("family_postcode", "family_phone", "parent_on")
NO_CONTEXT = dict.fromkeys(CONTEXT_COLUMNS)


def tf_columns(settings: dict[str, Any]) -> list[str]:
    """The columns whose term frequencies adjust a comparison level."""
    return sorted(
        {
            level["tf_adjustment_column"]
            for comparison in settings["comparisons"]
            for level in comparison["comparison_levels"]
            if level.get("tf_adjustment_column")
        }
    )


def load_or_train(prepared: Any, *, retrain: bool = False) -> Any:
    from seen.linkage.model import LinkageModel

    path = model_path()
    if path.exists() and not retrain:
        return LinkageModel.load(path)
    model = LinkageModel.train(prepared)
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    return model


class EngineUnavailable(RuntimeError):
    """The scoring engine asked for cannot run here (nothing has been changed)."""


def _check_reachable(master: str) -> None:
    """A standalone master (spark://host:port) that does not answer fails in seconds here,
    rather than after Spark's own minute of retries."""
    if not master.startswith("spark://"):
        return
    for address in master.removeprefix("spark://").split(","):
        host, _, port = address.rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=5):
                return
        except (OSError, ValueError):
            continue
    raise EngineUnavailable(f"Spark could not start at {master}: the master does not answer")


def run_batch(
    *, retrain: bool = False, engine: str = "duckdb", progress: Progress | None = None
) -> LinkRun:
    """The run is recorded before its first step, so that one killed part-way is found by the
    next (seen.linkage.runs); one that fails is marked interrupted at once."""
    from seen.linkage.prepare import prepare_records

    bands = current_bands()
    master = spark_master()
    if engine == "spark":
        _check_reachable(master)  # nothing is started, nor recorded, for a master not there
    run = start_run(
        LinkRun.Kind.BATCH,
        engine=engine,
        auto_link_threshold=bands.auto_link,
        review_threshold=bands.review,
    )
    with running(run):
        step = _stepper(progress)
        step("reading records")
        prepared = prepare_records(record_rows())
        step("model")
        model = load_or_train(prepared, retrain=retrain)
        from seen.linkage.incremental import save_term_frequencies

        save_term_frequencies(prepared, tf_columns(model.settings))
        LinkRun.objects.filter(pk=run.pk).update(model_version=str(getattr(model, "version", "")))
        step("scoring pairs")
        if engine == "spark":
            _link_on_spark(run, model, prepared, bands, master, step)
        else:
            pairs = model.predict(prepared, threshold=bands.review)
            step("storing evidence")
            _store(pairs, model, bands, run)
            step("clustering")
            recluster(run)
        step("done")
    run.refresh_from_db()
    return run


def _store(pairs: Any, model: Any, bands: Bands, run: LinkRun) -> None:
    stored = store_pairs(pairs, model, bands, run)
    LinkRun.objects.filter(pk=run.pk).update(pairs=stored)


@contextmanager
def _spark(master: str) -> Iterator[Any]:
    """A Spark session for the run, stopped with its JVM at the end: a long-lived process
    must not keep it."""
    from seen.linkage.spark.session import spark_session, stop_spark

    try:
        session = spark_session(master=master)
    except Exception as error:  # Py4J, Java missing, master unreachable: say which
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise EngineUnavailable(f"Spark could not start at {master}: {first_line}") from None
    try:
        yield session
    finally:
        stop_spark(session)


def _link_on_spark(
    run: LinkRun,
    model: Any,
    prepared: pa.Table,
    bands: Bands,
    master: str,
    step: Callable[[str], None],
) -> None:
    """Score on Spark, store the evidence (the review queue reads it from the database), and
    cluster on Spark in the same session (seen.linkage.spark.clusters): no process holds
    every pair for clustering; only each record's person comes back."""
    from seen.linkage.spark.scoring import predict_with_spark

    with _spark(master) as session:
        pairs = predict_with_spark(model.settings, prepared, threshold=bands.review, spark=session)
        step("storing evidence")
        _store(pairs, model, bands, run)
        links = _links_frame(session, pairs, bands.auto_link)
        del pairs  # what clustering needs is in Spark's hands now
        step("clustering")
        recluster_on_spark(run, _records_frame(session, prepared), links, bands.auto_link)


def _as_ids(column: Any) -> Any:
    """Record ids (the database's, as text in the prepared table) as integers; one that is not
    a whole number fails here, with the value, rather than vanishing as a null in Spark."""
    return pc.cast(column, pa.int64())


def _records_frame(session: Any, prepared: pa.Table) -> Any:
    """The prepared records as clustering reads them: integer ids and the exclusions'
    columns."""
    from seen.linkage.spark.session import frame_of

    columns = [c for c in EXCLUSION_COLUMNS if c in prepared.column_names]
    table = prepared.select(["record_id", *columns])
    table = table.set_column(0, "record_id", _as_ids(table.column("record_id")))
    return frame_of(session, table)


def _links_frame(session: Any, pairs: pa.Table, auto_link: float) -> Any:
    """The automatic links (pairs at or above the auto-link band) as clustering reads them:
    integer ids, the lower first (as CandidatePair stores them, so that ties between equally
    strong links break as in recluster), match probability and the comparisons' weights."""
    from seen.linkage.spark.session import frame_of

    table = pairs.filter(pc.greater_equal(pairs.column("match_probability"), auto_link))
    left, right = _as_ids(table.column("record_id_l")), _as_ids(table.column("record_id_r"))
    weights = [c for c in table.column_names if c.startswith("mw_")]
    return frame_of(
        session,
        pa.table(
            {
                "record_id_l": pc.min_element_wise(left, right),
                "record_id_r": pc.max_element_wise(left, right),
                "match_probability": table.column("match_probability"),
                **{name: table.column(name) for name in weights},
            }
        ),
    )


def recluster_on_spark(run: LinkRun, records: Any, links: Any, auto_link: float) -> Assignment:
    """recluster's persons, clustered on Spark (cluster_on_spark) from the records and the
    automatic links as Spark DataFrames (integer record ids), under the exclusions,
    corroboration and practitioners' decisions in force. Only one row per record comes back:
    its person and its strongest automatic link inside that person, which explains its move
    (seen.linkage.resolve.settle_persons). A link held back stays a candidate pair, in the
    clerical review queue, as in recluster."""
    from pyspark.sql import functions as F

    from seen.linkage.spark.clusters import cluster_on_spark

    session = records.sparkSession
    must, cannot, binding = decisions_in_force()
    found = cluster_on_spark(
        records,
        links,
        threshold=auto_link,
        exclusions=exclusions_in_force(),
        corroboration=corroboration_in_force(),
        must_link=session.createDataFrame(must, "a bigint, b bigint") if must else None,
        cannot_link=session.createDataFrame(cannot, "a bigint, b bigint") if cannot else None,
    )
    persons = found.persons
    inside = links.join(
        persons.selectExpr("record_id AS record_id_l", "person"), "record_id_l"
    ).join(persons.selectExpr("record_id AS record_id_r", "person"), ["record_id_r", "person"])
    ends = inside.selectExpr(
        "record_id_l AS record_id", "struct(match_probability, record_id_r AS other) AS link"
    ).unionByName(
        inside.selectExpr(
            "record_id_r AS record_id", "struct(match_probability, record_id_l AS other) AS link"
        )
    )
    strongest = ends.groupBy("record_id").agg(F.max("link").alias("link"))
    table = (
        persons.join(strongest, "record_id", "left")
        .selectExpr("record_id", "person", "link.match_probability AS probability", "link.other")
        .toArrow()
    )
    ids = table.column("record_id").to_pylist()
    clusters = dict(zip(ids, table.column("person").to_pylist(), strict=True))
    best = {
        record: (probability, other)
        for record, probability, other in zip(
            ids,
            table.column("probability").to_pylist(),
            table.column("other").to_pylist(),
            strict=True,
        )
        if other is not None
    }
    del table, ids
    return settle_persons(run, clusters, strongest=best, binding=binding, records=len(clusters))


def store_pairs(pairs: Any, model: Any, bands: Bands, run: LinkRun) -> int:
    """Replace the stored pairs with this run's (decisions are kept: they name records)."""
    comparisons = list(getattr(model, "comparison_names", []))
    columns = pairs.to_pydict() if hasattr(pairs, "to_pydict") else pairs
    lefts = columns["record_id_l"]
    rows = []
    for i in range(len(lefts)):
        left, right = int(lefts[i]), int(columns["record_id_r"][i])
        probability = float(columns["match_probability"][i])
        rows.append(
            {
                "record_l_id": min(left, right),
                "record_r_id": max(left, right),
                "match_probability": probability,
                "match_weight": float(columns["match_weight"][i]),
                "evidence": _evidence(columns, comparisons, i),
                "levels": _levels(columns, model, comparisons, i),
                "band": CandidatePair.Band.LINK
                if probability >= bands.auto_link
                else CandidatePair.Band.REVIEW,
                "run_id": run.pk,
            }
        )
    with transaction.atomic():
        CandidatePair.objects.all().delete()
        for start in range(0, len(rows), 20_000):
            insert_rows(CandidatePair, rows[start : start + 20_000])
    return len(rows)


def _evidence(columns: dict[str, list[Any]], comparisons: list[str], i: int) -> dict[str, float]:
    """Each comparison's match weight for pair i (mw_<comparison>, see LinkageModel.predict)."""
    evidence = {}
    for name in comparisons:
        column = columns.get(f"mw_{name}")
        value = column[i] if column is not None else None
        if value is not None and math.isfinite(value):
            evidence[name] = round(float(value), 3)
    return evidence


def _levels(
    columns: dict[str, list[Any]], model: Any, comparisons: list[str], i: int
) -> dict[str, str]:
    """The level of each comparison pair i met, by its label (level_<comparison>)."""
    levels = {}
    for name in comparisons:
        column = columns.get(f"level_{name}")
        label = model.level_label(name, column[i]) if column is not None else None
        if label is not None:
            levels[name] = label
    return levels


def _stepper(progress: Progress | None) -> Callable[[str], None]:
    """Report each named step as one tick of a single "link" bar."""
    done = 0

    def step(label: str) -> None:
        nonlocal done
        if progress:
            progress(f"link: {label}", done, len(STEPS))
        done += 1

    return step


STEPS = ("reading records", "model", "scoring pairs", "storing evidence", "clustering", "done")
