"""After an extract is loaded: match the people it brought against those already known, then run
the rules for the families it touched. The batch records how matching went, so that a batch whose
people were not matched never reads as if they were (its status is `unmatched`, with a note).

Matching that cannot run (the saved model or term frequencies unreadable, DuckDB out of memory
or past its temporary-file bound, the disk full) leaves the loaded rows as they are: they wait,
unlinked, for the next `seen link`, which matches them and writes the saved files again.

seen.linkage (and the pyarrow, DuckDB and Splink it brings, ~0.16 s) is imported only when
matching runs, not by `seen ingest --no-link` or any other caller that never matches."""

from __future__ import annotations

import logging
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError

from seen.ingest.models import IngestBatch
from seen.people.models import SourceRecord
from seen.rules.arrivals import evaluate_batch

logger = logging.getLogger(__name__)


def matching_failures() -> tuple[type[BaseException], ...]:
    """What stops matching but not the load: each is told on the batch and the answer."""
    import duckdb

    from seen.linkage import incremental

    return (incremental.MatchingUnavailable, duckdb.Error, OSError, MemoryError)


Matching = IngestBatch.Matching


@dataclass
class Arrival:
    matching: str  # an IngestBatch.Matching value
    detail: str
    linked: dict[str, int] | None = None  # linkage's counts (None: not matched)
    alerts: dict[str, int] = field(
        default_factory=lambda: {"raised": 0, "updated": 0, "resolved": 0}
    )

    def as_dict(self) -> dict[str, str]:
        return {"status": self.matching, "detail": self.detail}


def match_arrivals(batch_id: int, *, link: bool = True, batch_run: bool = True) -> Arrival:
    """Match what arrived and run the rules (once persons exist), recording the outcome.
    `batch_run`: more arrivals than are matched one by one may start a whole `seen link` run
    here (the command); without it (an HTTP request, which must not hold a worker and the
    machine's memory for a whole-partnership run) they wait for the next `seen link`."""
    if not link:
        return _record(
            batch_id,
            Arrival(
                Matching.NOT_RUN,
                "not matched (--no-link): the next `seen link` matches these records",
            ),
        )
    from seen.linkage import incremental
    from seen.linkage.settings import model_path

    if not batch_run and model_path().exists():
        waiting = SourceRecord.objects.filter(person__isnull=True).count()
        if waiting > incremental.ARRIVALS_FOR_A_BATCH:
            return _record(
                batch_id,
                Arrival(
                    Matching.DEFERRED,
                    (
                        f"{waiting} records wait for a person, more than are matched one by one "
                        f"({incremental.ARRIVALS_FOR_A_BATCH}): the next `seen link` matches them"
                    ),
                ),
            )
    try:
        linked = incremental.link_new_arrivals()
    except matching_failures() as error:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        detail = (
            f"matching on arrival failed: {reason}. The rows are loaded and wait, unlinked, "
            "for `seen link`"
        )
        logger.warning("ingest batch %s: %s", batch_id, detail)
        return _record(batch_id, Arrival(Matching.FAILED, detail))
    except BaseException as error:  # unforeseen: said on the batch, then raised
        with suppress(DatabaseError):
            _record(batch_id, Arrival(Matching.FAILED, f"matching on arrival failed: {error!r}"))
        raise
    if linked is None:
        return _record(
            batch_id,
            Arrival(
                Matching.NO_MODEL, "no linkage model yet: the first `seen link` matches everyone"
            ),
        )
    outcome = evaluate_batch(batch_id)
    alerts = {
        "raised": len(outcome.raised),
        "updated": len(outcome.updated),
        "resolved": len(outcome.resolved),
    }
    return _record(batch_id, Arrival(Matching.LINKED, "matched on arrival", linked, alerts))


def _record(batch_id: int, arrival: Arrival) -> Arrival:
    changes: dict[str, Any] = {"matching": arrival.matching}
    if arrival.matching in (Matching.FAILED, Matching.DEFERRED):
        changes["note"] = arrival.detail[:2000]
        batch = IngestBatch.objects.filter(pk=batch_id, status=IngestBatch.Status.COMPLETE)
        batch.update(status=IngestBatch.Status.UNMATCHED, **changes)
    IngestBatch.objects.filter(pk=batch_id).update(**changes)
    return arrival
