"""An ingest batch: what it did (rows accepted, updated, unchanged and quarantined, by table, and
the files refused whole) and its life: started, after marking interrupted the batches whose
process has gone; marked interrupted at once if it fails part-way; finished."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError

from seen.core import clock
from seen.core.processes import still_running, this_host
from seen.ingest.models import IngestBatch
from seen.ingest.schema import FORMAT_VERSION


@dataclass
class TableCounts:
    accepted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0

    def add(self, other: TableCounts) -> None:
        self.accepted += other.accepted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.quarantined += other.quarantined


@dataclass
class IngestSummary:
    batch_id: int
    extract_id: str
    tables: dict[str, TableCounts] = field(default_factory=dict)
    refused_files: list[dict[str, str]] = field(default_factory=list)
    directory: dict[str, Any] | None = None  # the directory's import (services.json), if any

    @property
    def totals(self) -> TableCounts:
        total = TableCounts()
        for counts in self.tables.values():
            total.add(counts)
        return total

    def as_dict(self) -> dict[str, Any]:
        total = self.totals
        return {
            "batch": self.batch_id,
            "extract_id": self.extract_id,
            "accepted": total.accepted,
            "updated": total.updated,
            "unchanged": total.unchanged,
            "quarantined": total.quarantined,
            "refused_files": self.refused_files,
            **({"directory": self.directory} if self.directory is not None else {}),
            "tables": {name: vars(counts) for name, counts in self.tables.items()},
        }


def start_batch(source: str, extract_id: str, format_version: str = FORMAT_VERSION) -> IngestBatch:
    """A new batch, after marking interrupted those whose process has gone: another ingest may
    be running at the same time (agency systems through the API). A batch from another host
    cannot be checked from here and is left running; one from before batches named their
    process was killed."""
    running = IngestBatch.objects.filter(status=IngestBatch.Status.RUNNING)
    gone = [b.pk for b in running.only("host", "pid") if not still_running(b.host, b.pid)]
    if gone:
        IngestBatch.objects.filter(pk__in=gone).update(
            status=IngestBatch.Status.INTERRUPTED,
            note=f"found interrupted at {clock.now():%Y-%m-%d %H:%M:%S %Z}: its process had gone",
        )
    return IngestBatch.objects.create(
        source=source[:500],
        format_version=format_version,
        extract_id=extract_id[:100],
        started_at=clock.now(),
        host=this_host(),
        pid=os.getpid(),
        matching=IngestBatch.Matching.PENDING,
    )


@contextmanager
def interrupted_on_failure(batch: IngestBatch) -> Iterator[None]:
    """A batch that fails part-way (an error, Ctrl-C, its time bound) says so at once rather
    than stay running; what its committed chunks loaded stays, and a re-run finishes it."""
    try:
        yield
    except BaseException as error:
        with suppress(DatabaseError):  # the failure's own report matters more than this one
            IngestBatch.objects.filter(pk=batch.pk, status=IngestBatch.Status.RUNNING).update(
                status=IngestBatch.Status.INTERRUPTED,
                note=(str(error) or type(error).__name__)[:2000],
            )
        raise


def finish_batch(batch: IngestBatch, summary: IngestSummary) -> None:
    IngestBatch.objects.filter(pk=batch.pk).update(
        status=IngestBatch.Status.COMPLETE,
        finished_at=clock.now(),
        refused_files=summary.refused_files,
    )
