"""The one place Seen asks what time it is.

Rules, deadlines and the synthetic partnership all depend on "now"; tests and replays set it so
that their results do not depend on the day they run. SEEN_NOW (ISO 8601) sets it for a command.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time

from django.utils import timezone

_frozen: datetime | None = None


def _aware(moment: datetime) -> datetime:
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def now() -> datetime:
    if _frozen is not None:
        return _frozen
    from_env = os.environ.get("SEEN_NOW")
    if from_env:
        return _aware(datetime.fromisoformat(from_env))
    return timezone.now()


def today() -> date:
    return timezone.localtime(now()).date()


def set_now(moment: datetime | date | None) -> None:
    """Fix "now" (None returns to the real clock)."""
    global _frozen
    if isinstance(moment, date) and not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(12, 0))
    _frozen = None if moment is None else _aware(moment)


@contextmanager
def frozen_at(moment: datetime | date) -> Iterator[None]:
    previous = _frozen
    set_now(moment)
    try:
        yield
    finally:
        set_now(previous)
