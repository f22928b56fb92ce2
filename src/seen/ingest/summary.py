"""Counts of what the hub holds, for the demo page and `seen ingest --json`."""

from __future__ import annotations

from seen.ingest.models import IngestBatch, QuarantinedRow
from seen.ingest.schema import TABLES
from seen.people.models import Person


def loaded_counts() -> list[tuple[str, int]]:
    counts = [(table.name, table.model._default_manager.count()) for table in TABLES]
    counts.append(("persons (after linkage)", Person.objects.count()))
    counts.append(
        (
            "quarantined (open)",
            QuarantinedRow.objects.filter(status=QuarantinedRow.Status.OPEN).count(),
        )
    )
    return counts


def recent_batches(limit: int = 20) -> list[IngestBatch]:
    return list(IngestBatch.objects.order_by("-pk")[:limit])
