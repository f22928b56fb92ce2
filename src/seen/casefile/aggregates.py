"""What strategic leaders see: counts across the partnership, never a child, with small numbers
suppressed (a count from 1 to SMALL_NUMBER - 1 is shown as "<5"), so that no family can be
recognised from a table."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from seen.core import clock
from seen.rules.models import Alert

SMALL_NUMBER = 5


def suppressed(count: int) -> int | str:
    return f"<{SMALL_NUMBER}" if 0 < count < SMALL_NUMBER else count


@dataclass(frozen=True)
class AlertCounts:
    rule: str
    area: str
    open: int | str
    overdue: int | str
    escalated: int | str
    closed: int | str


def alert_counts() -> list[AlertCounts]:
    """Alerts by rule and by the owning agency's area: open, overdue (past the deadline and not
    yet acknowledged), escalated, closed — the operational reality leaders need."""
    now = clock.now()
    counts: dict[tuple[str, str], Counter[str]] = {}
    rows = Alert.objects.values_list(
        "rule_id", "owner_agency__area__code", "status", "deadline", "escalated_at"
    )
    for rule, area, status, deadline, escalated in rows:
        key = (rule, area or "partnership-wide")
        tally = counts.setdefault(key, Counter())
        if status == Alert.Status.CLOSED:
            tally["closed"] += 1
            continue
        tally["open"] += 1
        if status in (Alert.Status.RAISED, Alert.Status.SEEN) and deadline < now:
            tally["overdue"] += 1
        if escalated is not None:
            tally["escalated"] += 1
    return [
        AlertCounts(
            rule,
            area,
            suppressed(tally["open"]),
            suppressed(tally["overdue"]),
            suppressed(tally["escalated"]),
            suppressed(tally["closed"]),
        )
        for (rule, area), tally in sorted(counts.items())
    ]
