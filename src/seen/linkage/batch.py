"""`seen link`: score every source record against every other (blocked), keep the evidence of
each pair above the review threshold, and re-derive persons under the decisions in force."""

from __future__ import annotations

import math
import socket
from collections.abc import Callable, Iterator
from typing import Any

from django.db import transaction

from seen.core.inserts import insert_rows
from seen.linkage.context import context_of
from seen.linkage.models import CandidatePair, LinkRun
from seen.linkage.prepare import RAW_COLUMNS
from seen.linkage.resolve import recluster
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
        pairs = _score(model, prepared, bands, engine, master)
        step("storing evidence")
        stored = store_pairs(pairs, model, bands, run)
        LinkRun.objects.filter(pk=run.pk).update(pairs=stored)
        step("clustering")
        recluster(run)
        step("done")
    run.refresh_from_db()
    return run


def _score(model: Any, prepared: Any, bands: Bands, engine: str, master: str) -> Any:
    if engine != "spark":
        return model.predict(prepared, threshold=bands.review)
    from seen.linkage.spark.scoring import predict_with_spark
    from seen.linkage.spark.session import spark_session, stop_spark

    try:
        session = spark_session(master=master)
    except Exception as error:  # Py4J, Java missing, master unreachable: say which
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise EngineUnavailable(f"Spark could not start at {master}: {first_line}") from None
    try:
        return predict_with_spark(model.settings, prepared, threshold=bands.review, spark=session)
    finally:
        stop_spark(session)  # and its JVM: a long-lived process must not keep it


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
