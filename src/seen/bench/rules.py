"""Rules benchmark: a whole partnership evaluated from scratch, and one new fact to its alert.

`measure()` runs in a child process against a linked database (see `seen bench rules`): it times
`evaluate()` over every child with no alert yet held, then, many times, records a new injury on
a young baby and times the scoped evaluation that raises its alert (each sample rolled back, so
the samples are independent)."""

from __future__ import annotations

import random
import resource
import time
from datetime import timedelta
from typing import Any

from django.db import transaction

from seen.core import clock
from seen.facts.models import Injury
from seen.people.models import SourceRecord
from seen.rules.engine import evaluate
from seen.rules.models import Alert
from seen.rules.world import Scope


class _Rollback(Exception):
    pass


def measure(samples: int = 200, seed: int = 1) -> dict[str, Any]:
    started = time.perf_counter()
    outcome = evaluate()
    whole = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    today = clock.today()
    babies = list(
        SourceRecord.objects.filter(
            dob__gt=today - timedelta(days=150), dob__lte=today, person__isnull=False
        ).values_list("pk", "agency_id")
    )
    if not babies:
        raise ValueError("no baby under five months in this database: nothing to injure")
    timings: list[float] = []
    raised = 0
    for number, (record, agency) in enumerate(
        random.Random(seed).sample(babies, min(samples, len(babies)))
    ):
        try:
            with transaction.atomic():
                fact_started = time.perf_counter()
                Injury.objects.create(
                    agency_id=agency,
                    local_id=f"bench-{number}",
                    occurred_on=today,
                    child_id=record,
                    kind=Injury.Kind.BRUISE,
                    mobility="non_mobile",
                )
                found = evaluate(scope=Scope(records=frozenset({record})))
                timings.append((time.perf_counter() - fact_started) * 1000)
                raised += any(a.rule_id == "non-mobile-injury" for a in found.raised)
                raise _Rollback
        except _Rollback:
            pass
    timings.sort()

    def at(share: float) -> float:
        return round(timings[min(len(timings) - 1, int(share * len(timings)))], 1)

    return {
        "children_evaluated": outcome.children,
        "alerts_raised": len(outcome.raised),
        "alerts_held": Alert.objects.count(),
        "whole_partnership_seconds": round(whole, 2),
        "peak_rss_mb": round(peak_mb),
        "fact_samples": len(timings),
        "fact_raised_its_alert": raised,
        "fact_to_alert_p50_ms": at(0.50),
        "fact_to_alert_p95_ms": at(0.95),
        "fact_to_alert_max_ms": round(timings[-1], 1),
    }
