"""When the MASH decision is due: working days from the triage's start by its RAG rating (red
the next working day, amber, green or unrated three), at the time of day it opened, bank
holidays and weekends not counted; written as GOV.UK writes a deadline; overdue once passed
undecided. The rating comes from MASH on opening, else from the alert the triage answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from seen.casefile.subjects import Subject
from seen.core import clock
from seen.rules.models import Alert
from seen.triage import services, timescale
from seen.triage.models import Triage


def _at(*parts: int) -> datetime:
    return timezone.make_aware(datetime(*parts))  # the partnership's time zone


def _triage(opened: datetime, rag: str = "", decided: datetime | None = None) -> Triage:
    return Triage(opened_at=opened, rag=rag, decided_at=decided, decision="x" if decided else "")


@pytest.mark.parametrize(
    ("opened", "rag", "due"),
    [
        # Friday 4pm, red: the next working day is Monday
        (_at(2026, 12, 4, 16, 0), "red", "by 4pm on 7 December 2026"),
        (_at(2026, 12, 4, 16, 0), "amber", "by 4pm on 9 December 2026"),
        (_at(2026, 12, 4, 16, 0), "green", "by 4pm on 9 December 2026"),
        (_at(2026, 12, 4, 16, 0), "", "by 4pm on 9 December 2026"),  # not rated: 3 days
        # Christmas Day, and Boxing Day's substitute on Monday 28 December, are not counted
        (_at(2026, 12, 24, 10, 30), "amber", "by 10:30am on 31 December 2026"),
        (_at(2026, 12, 24, 10, 30), "red", "by 10:30am on 29 December 2026"),
        # opened on a Saturday: the Saturday is not counted, nor is Sunday
        (_at(2026, 12, 5, 9, 5), "red", "by 9:05am on 7 December 2026"),
        (_at(2026, 12, 3, 12, 0), "red", "by midday on 4 December 2026"),
        (_at(2026, 12, 3, 0, 0), "red", "by midnight at the end of 3 December 2026"),
    ],
)
def test_the_decision_is_due_in_working_days_by_its_rating(
    opened: datetime, rag: str, due: str
) -> None:
    assert timescale.by_words(timescale.due_at(_triage(opened, rag))) == due


def test_the_time_of_day_is_the_partnerships_across_the_clocks_changing() -> None:
    """Opened at 4pm on Friday 27 March 2026 (GMT), due at 4pm on Monday 30 March (BST)."""
    due = timescale.due_at(_triage(_at(2026, 3, 27, 16, 0), "red"))
    assert timezone.localtime(due).hour == 16
    assert timescale.by_words(due) == "by 4pm on 30 March 2026"


def test_one_place_sets_the_working_days() -> None:
    assert timescale.working_days_for("red") == 1
    assert {timescale.working_days_for(r) for r in ("amber", "green", "", "other")} == {3}


def test_an_undecided_triage_past_its_time_is_overdue() -> None:
    triage = _triage(_at(2026, 12, 4, 16, 0), "red")
    assert not timescale.overdue(triage, _at(2026, 12, 7, 16, 0))
    assert timescale.overdue(triage, _at(2026, 12, 7, 16, 1))
    late = _triage(_at(2026, 12, 4, 16, 0), "red", decided=_at(2026, 12, 8, 9, 0))
    assert not timescale.overdue(late, _at(2026, 12, 9, 9, 0))  # decided: no longer owed
    assert timescale.decided_late(late)
    on_time = _triage(_at(2026, 12, 4, 16, 0), "red", decided=_at(2026, 12, 7, 15, 0))
    assert not timescale.decided_late(on_time)


@pytest.mark.django_db
def test_the_rating_comes_from_mash_else_from_the_alert(subject: Subject, mash: Any) -> None:
    """The fixture's alert is of high severity: red unless MASH rates it otherwise."""
    assert services.suggested_rag(mash, subject) == "red"
    opened = services.open_triage(mash, subject)
    assert opened.rag == "red"
    assert timescale.by_words(timescale.due_at(opened)) == "by 9am on 14 July 2025"
    opened.delete()
    assert services.open_triage(mash, subject, "green").rag == "green"


@pytest.mark.django_db
def test_without_an_alert_the_triage_is_unrated(subject: Subject, mash: Any) -> None:
    Alert.objects.all().update(status=Alert.Status.CLOSED)
    assert services.suggested_rag(mash, subject) == ""
    triage = services.open_triage(mash, subject)
    assert triage.rag == "" and triage.alert is None
    assert timescale.by_words(timescale.due_at(triage)) == "by 9am on 16 July 2025"
    assert not timescale.overdue(triage)
    clock.set_now(_at(2025, 7, 16, 9, 1))
    assert timescale.overdue(triage)


@pytest.mark.django_db
@pytest.mark.parametrize("rag", ["purple", "RED", "r" * 300, " red"])
def test_a_rating_that_is_not_one_is_refused(subject: Subject, mash: Any, rag: str) -> None:
    with pytest.raises(services.TriageRefused) as refused:
        services.open_triage(mash, subject, rag)
    assert refused.value.errors == [("rag", "Select red, amber or green")]
    assert not Triage.objects.exists()
