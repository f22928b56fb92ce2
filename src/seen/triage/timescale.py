"""When a MASH decision is due: within a number of working days of the triage's start, set by its
RAG rating. The partnership's procedures (docs/rules.md) set no timescale for the decision
itself, so Seen keeps its own here, the one place to change it: red, the next working day;
amber, green or not rated, three working days.

A working day is a weekday that is not a bank holiday in England (seen.core.working_days); the
day the triage opened is not counted, and the decision is due at the time of day it opened: a
red triage opened at 4pm on Friday 4 December 2026 is due by 4pm on Monday 7 December 2026."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from seen.core import clock
from seen.core.working_days import add_working_days
from seen.triage.models import Triage

DECISION_WORKING_DAYS: dict[str, int] = {
    Triage.Rag.RED: 1,
    Triage.Rag.AMBER: 3,
    Triage.Rag.GREEN: 3,
}
UNRATED_WORKING_DAYS = 3
# the rating a triage takes from the alert it answers when MASH chooses none on opening
RAG_OF_SEVERITY: dict[str, str] = {
    "same_day": Triage.Rag.RED,
    "high": Triage.Rag.RED,
    "medium": Triage.Rag.AMBER,
    "low": Triage.Rag.GREEN,
}


def working_days_for(rag: str) -> int:
    return DECISION_WORKING_DAYS.get(rag, UNRATED_WORKING_DAYS)


def due_at(triage: Triage) -> datetime:
    """When the decision is due, in the partnership's time zone."""
    opened = timezone.localtime(triage.opened_at)
    day = add_working_days(opened.date(), working_days_for(triage.rag))
    return timezone.make_aware(datetime.combine(day, opened.time().replace(tzinfo=None)))


def overdue(triage: Triage, now: datetime | None = None) -> bool:
    """Undecided past its time."""
    return not triage.decided and (now or clock.now()) > due_at(triage)


def decided_late(triage: Triage) -> bool:
    return triage.decided_at is not None and triage.decided_at > due_at(triage)


def by_words(moment: datetime) -> str:
    """A deadline as GOV.UK writes one: "by 4pm on 7 December 2026", "by 9:30am on …", "by
    midday on …", and a deadline at midnight as the end of the day before it."""
    local = timezone.localtime(moment)
    if (local.hour, local.minute) == (0, 0):
        before = local - timedelta(days=1)
        return f"by midnight at the end of {before.day} {before:%B %Y}"
    if (local.hour, local.minute) == (12, 0):
        time = "midday"
    else:
        hour = local.hour % 12 or 12
        minutes = f":{local:%M}" if local.minute else ""
        time = f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"
    return f"by {time} on {local.day} {local:%B %Y}"
