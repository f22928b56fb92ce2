"""The serious-incident clock rule: an alert when a step is due within the rule's working days,
updated to say it is overdue, routed to the local authority's safeguarding lead, resolved when
the step is recorded; the threshold a partnership parameter; run by `seen rules tick`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.utils import timezone

from seen.core import clock
from seen.core.procedures import PLANTED_IDS, PROCEDURE_IDS
from seen.incidents import services
from seen.incidents.models import Incident
from seen.people.models import Person
from seen.rules import lifecycle
from seen.rules.engine import evaluate
from seen.rules.inbox import owed_by
from seen.rules.models import Alert, RuleParameter
from seen.rules.procedures.serious_incident_clock import SeriousIncidentClock
from seen.rules.registry import RULES_BY_ID
from tests.fixtures.incidents import notify

pytestmark = pytest.mark.django_db
RULE = SeriousIncidentClock()


def _on(day: date) -> None:
    clock.set_now(timezone.make_aware(datetime(day.year, day.month, day.day, 9, 0)))


def _run() -> list[Alert]:
    evaluate(rules=[RULE])
    return list(Alert.objects.filter(rule_id=RULE.id).order_by("pk"))


def test_nothing_while_the_steps_are_far_off(lead: Any, baby: Person) -> None:
    _on(date(2025, 7, 8))  # the panel due Monday 14th: 4 working days away
    notify(lead, baby)  # recording evaluates the child at once: nothing yet
    assert _run() == []


def test_raised_when_due_then_overdue_then_resolved_by_the_step(
    incident: Incident, lead: Any, baby: Person
) -> None:
    _on(date(2025, 7, 11))  # Friday: 1 working day left
    [alert] = _run()
    assert alert.key == f"child:{baby.pk}|incident:{incident.pk}:notification"
    assert alert.child == baby and alert.status == Alert.Status.RAISED
    assert "notify the national panel within 5 working days" in alert.explanation
    assert "is due on 14 July 2025, in 1 working day" in alert.explanation
    # routed to the local authority's safeguarding leads, owed by the lead
    assert alert.owner_role == "safeguarding_lead"
    assert alert.owner_agency is not None and alert.owner_agency.code == "QAV-CSC"
    assert owed_by(lead.staff_profile).filter(pk=alert.pk).exists()

    _on(date(2025, 7, 15))  # Tuesday: a working day late
    [same] = _run()
    assert same.pk == alert.pk and same.status != Alert.Status.CLOSED
    assert "overdue by 1 working day" in same.explanation
    assert same.events.filter(kind="updated").exists()

    services.mark_done(lead, "safeguarding", incident, "notification", "2025-07-15")
    [resolved] = _run()
    assert resolved.status == Alert.Status.CLOSED
    assert resolved.outcome == "resolved by new facts"


def _close(alert: Alert, lead: Any, outcome: str) -> None:
    lifecycle.record_action(alert, lead, "strategy_discussion", "discussed with the team")
    lifecycle.close(alert, lead, outcome)


def test_an_alert_closed_while_the_step_was_due_is_raised_again_once_it_is_overdue(
    incident: Incident, lead: Any, baby: Person
) -> None:
    _on(date(2025, 7, 11))  # due on Monday: the lead closes the alert without doing the step
    [due] = _run()
    assert due.stage == 0
    _close(due, lead, "panel notification being drafted")
    _on(date(2025, 7, 14))  # still only due (today): the same finding is not raised again
    assert [a.pk for a in _run()] == [due.pk]
    _on(date(2025, 7, 15))  # now overdue and still undone: worse, so raised afresh
    [closed, overdue] = _run()
    assert closed.pk == due.pk and closed.status == Alert.Status.CLOSED
    assert overdue.status == Alert.Status.RAISED and overdue.stage == 1
    assert "overdue by 1 working day" in overdue.explanation
    _close(overdue, lead, "chased the panel form")
    _on(date(2025, 7, 16))  # overdue by two days: no worse a stage, not raised a third time
    assert len(_run()) == 2


def test_the_rapid_review_has_its_own_alert(incident: Incident, lead: Any) -> None:
    services.mark_done(lead, "safeguarding", incident, "notification", "2025-07-10")
    _on(date(2025, 7, 24))  # Thursday: the review due Monday 28th, 2 working days away
    [alert] = [a for a in _run() if a.status != Alert.Status.CLOSED]
    assert alert.key.endswith(f"incident:{incident.pk}:rapid_review")
    assert "complete the rapid review within 15 working days" in alert.explanation


def test_the_warning_is_a_partnership_parameter(lead: Any, baby: Person) -> None:
    _on(date(2025, 7, 9))  # 3 working days before the panel's due day
    notify(lead, baby)
    assert _run() == []
    RuleParameter.objects.create(rule_id=RULE.id, name="due_within_working_days", value=3)
    assert len(_run()) == 1


def test_the_rule_is_catalogued_and_runs_on_tick() -> None:
    assert RULE.time_dependent
    assert RULE.id in PROCEDURE_IDS and RULE.id not in PLANTED_IDS
    assert isinstance(RULES_BY_ID[RULE.id], SeriousIncidentClock)


def test_a_scoped_run_finds_the_same(lead: Any, baby: Person) -> None:
    from seen.people.models import SourceRecord
    from seen.rules.world import Scope

    _on(date(2025, 7, 8))
    incident = notify(lead, baby)  # nothing due yet
    _on(date(2025, 7, 11))
    records = frozenset(SourceRecord.objects.filter(person=baby).values_list("pk", flat=True))
    outcome = evaluate(scope=Scope(records=records), rules=[RULE])
    assert [a.key for a in outcome.raised] == [
        f"child:{baby.pk}|incident:{incident.pk}:notification"
    ]
