"""Incremental matching latency: one record against the persons already held, many times.

Runs against the current database (DATABASE_URL), which must have been linked (`seen link`):
each sampled record is matched as if it had just arrived (itself excluded)."""

from __future__ import annotations

import random
import time
from typing import Any

from seen.linkage.batch import record_rows
from seen.linkage.incremental import matcher
from seen.people.models import SourceRecord


def measure(samples: int = 300, seed: int = 1) -> dict[str, Any]:
    ids = list(SourceRecord.objects.values_list("pk", flat=True))
    if not ids:
        raise ValueError("no source records: ingest and link a partnership first")
    engine = matcher()
    chosen = random.Random(seed).sample(ids, min(samples, len(ids)))
    timings, candidates = [], []
    for record_id in chosen:
        [row] = record_rows(SourceRecord.objects.filter(pk=record_id))
        started = time.perf_counter()
        result = engine.match(row, exclude=record_id)
        timings.append((time.perf_counter() - started) * 1000)
        candidates.append(len(result.candidates))
    timings.sort()

    def at(share: float) -> float:
        return round(timings[min(len(timings) - 1, int(share * len(timings)))], 1)

    return {
        "records_held": len(ids),
        "samples": len(chosen),
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "max_ms": round(timings[-1], 1),
        "mean_candidates": round(sum(candidates) / len(candidates), 1),
    }
