"""The engine over the database: alerts raised once, updated, resolved by new facts, never
raised twice for the same facts; routing; the lifecycle; escalation; thresholds as data; and the
same findings whether the whole partnership or one family is evaluated."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from seen.core import clock
from seen.ingest.loader import ingest_extract
from seen.linkage import decisions
from seen.linkage.models import ClericalDecision
from seen.people.models import SourceRecord
from seen.rules import lifecycle
from seen.rules.engine import evaluate
from seen.rules.models import Alert, AlertEvent, Route
from seen.rules.registry import RULES_BY_ID
from seen.rules.world import Scope
from tests.fixtures.partnership import small_partnership

pytestmark = pytest.mark.django_db
RULE = [RULES_BY_ID["non-mobile-injury"]]


def _tables(**changes: Any) -> dict[str, list[dict[str, str]]]:
    tables = small_partnership()
    tables["agencies"] += [
        {
            "code": "QAV-CSC",
            "name": "Quarry Vale Children's Social Care",
            "kind": "childrens_social_care",
            "area": "QAV",
        },
        {
            "code": "QAV-HV",
            "name": "Quarry Vale Health Visiting",
            "kind": "health_visiting",
            "area": "QAV",
        },
    ]
    tables["practitioners"] += [
        {"agency": "QAV-CSC", "id": "SL1", "name": "Sam Lead", "role": "safeguarding_lead"},
        {"agency": "QAV-HV", "id": "HV1", "name": "Hana Visitor", "role": "health_visitor"},
    ]
    tables["people"] += [  # the health visitor's record of the baby
        {
            "agency": "QAV-HV",
            "id": "HB1",
            "forename": "Leo",
            "surname": "Hollis",
            "dob": "2025-06-01",
            "sex": "male",
        },
    ]
    tables["responsibilities"] = [
        {
            "agency": "QAV-HV",
            "id": "RS1",
            "child": "HB1",
            "practitioner": "HV1",
            "role": "health_visitor",
            "start": "2025-06-10",
        },
    ]
    tables["injuries"] = [
        {
            "agency": "QAV-HV",
            "id": "I1",
            "date": "2025-07-10",
            "child": "HB1",
            "kind": "bruise",
            "body_site": "upper arm",
            "mobility": "non_mobile",
            "practitioner": "HV1",
        },
    ]
    tables.update(changes)
    return tables


@pytest.fixture
def load(extract: Callable[..., Path]) -> Callable[..., None]:
    def loader(**changes: Any) -> None:
        ingest_extract(extract(**_tables(**changes)))
        if not ClericalDecision.objects.exists():  # the baby is one person across agencies
            baby = SourceRecord.objects.filter(local_id__in=["B1", "HB1"]).order_by("pk")
            decisions.confirm(*baby, user=None, reason="same baby at maternity and HV")

    return loader


@pytest.fixture(autouse=True)
def now() -> None:
    clock.set_now(timezone.make_aware(datetime(2025, 7, 11, 9, 0)))


@pytest.fixture
def officer() -> Any:
    return get_user_model().objects.create_user("owner", password="a-long-test-password-1")


def _referrals(day: str) -> list[dict[str, str]]:
    return [
        {"agency": "QAV-HV", "id": f"RF{i}", "date": day, "child": "HB1", "kind": kind}
        for i, kind in enumerate(["childrens_social_care", "paediatric_assessment"])
    ]


def test_an_alert_is_raised_once_routed_and_explained(load: Callable[..., None]) -> None:
    load()
    outcome = evaluate(rules=RULE)
    [alert] = outcome.raised
    baby = SourceRecord.objects.get(local_id="B1").person
    assert alert.child == baby and alert.child_key == f"child:{baby.pk}"
    assert alert.severity == "same_day"
    assert timezone.localtime(alert.deadline).strftime("%Y-%m-%d %H:%M") == "2025-07-11 23:59"
    assert alert.owner_agency.code == "QAV-CSC" and alert.owner_practitioner is None
    assert "Quarry Vale Children's Social Care" in alert.routed_because
    assert "bruise" in alert.explanation and "10 July 2025" in alert.explanation
    assert alert.facts == [["injury", alert.facts[0][1]]]
    assert [e.kind for e in alert.events.all()] == ["raised"]

    again = evaluate(rules=RULE)
    assert again.raised == again.updated == again.resolved == []
    assert Alert.objects.count() == 1


def test_new_facts_resolve_the_alert(load: Callable[..., None]) -> None:
    load()
    [alert] = evaluate(rules=RULE).raised
    load(referrals=_referrals("2025-07-10"))
    outcome = evaluate(rules=RULE)
    assert [a.pk for a in outcome.resolved] == [alert.pk]
    alert.refresh_from_db()
    assert alert.status == "closed" and alert.outcome == "resolved by new facts"
    assert [e.kind for e in alert.events.all()] == ["raised", "resolved"]


def test_a_closed_alert_is_not_raised_again_for_the_same_facts(
    load: Callable[..., None], officer: Any
) -> None:
    load()
    [alert] = evaluate(rules=RULE).raised
    lifecycle.record_action(alert, officer, "referral_made", "referred by phone")
    lifecycle.close(alert, officer, "referral accepted by the MASH")
    assert evaluate(rules=RULE).raised == []
    assert Alert.objects.count() == 1


def test_one_family_gives_the_findings_of_the_whole_partnership(load: Callable[..., None]) -> None:
    load()
    baby_record = SourceRecord.objects.get(local_id="B1").pk
    scoped = evaluate(rules=RULE, scope=Scope(records=frozenset({baby_record})))
    [alert] = scoped.raised
    assert evaluate(rules=RULE).raised == []  # the whole partnership finds the same alert
    police_record = SourceRecord.objects.get(local_id="P77").pk
    unrelated = evaluate(rules=RULE, scope=Scope(records=frozenset({police_record})))
    assert unrelated.resolved == []  # a scope without the child leaves its alert alone
    alert.refresh_from_db()
    assert alert.status == "raised"


def test_the_routing_table_names_the_practitioner_with_a_relationship(
    load: Callable[..., None],
) -> None:
    load()
    Route.objects.create(
        rule_id="non-mobile-injury",
        agency_kind="health_visiting",
        role="health_visitor",
        severity="high",
        deadline_hours=4,
    )
    [alert] = evaluate(rules=RULE).raised
    assert alert.owner_practitioner.name == "Hana Visitor"
    assert alert.routed_because == "the child's named health visitor"
    assert alert.deadline == clock.now() + timezone.timedelta(hours=4)


def test_the_lifecycle_records_who_and_when(load: Callable[..., None], officer: Any) -> None:
    load()
    [alert] = evaluate(rules=RULE).raised
    assert lifecycle.mark_seen(alert, officer) is not None
    assert lifecycle.mark_seen(alert, officer) is None  # once per user
    lifecycle.acknowledge(alert, officer)
    with pytest.raises(lifecycle.StepRefused, match="action taken before closing"):
        lifecycle.close(alert, officer, "done")
    with pytest.raises(lifecycle.StepRefused, match="needs a reason"):
        lifecycle.record_action(alert, officer, "no_further_action", " ")
    with pytest.raises(lifecycle.StepRefused, match="unknown action"):
        lifecycle.record_action(alert, officer, "shrug")
    lifecycle.record_action(alert, officer, "strategy_discussion", "held with police and health")
    lifecycle.close(alert, officer, "child protection enquiry opened")
    alert.refresh_from_db()
    assert alert.status == "closed" and alert.outcome == "child protection enquiry opened"
    events = list(alert.events.values_list("kind", "by"))
    assert events == [
        ("raised", "Seen"),
        ("seen", "owner"),
        ("acknowledged", "owner"),
        ("action", "owner"),
        ("closed", "owner"),
    ]
    with pytest.raises(lifecycle.StepRefused, match="closed"):
        lifecycle.acknowledge(alert, officer)
    with pytest.raises(lifecycle.StepRefused, match="signed-in"):
        lifecycle.acknowledge(Alert.objects.get(), None)


def test_unacknowledged_alerts_escalate_once_after_their_deadline(
    load: Callable[..., None], officer: Any
) -> None:
    load()
    [alert] = evaluate(rules=RULE).raised
    assert lifecycle.escalate_overdue() == []  # not yet due
    clock.set_now(timezone.make_aware(datetime(2025, 7, 12, 8, 0)))
    out = io.StringIO()
    call_command("rules", "tick", "--json", stdout=out)
    assert f'"escalated": [\n    {alert.pk}\n  ]' in out.getvalue()
    alert.refresh_from_db()
    assert alert.escalated_to.name == "Sam Lead"
    [event] = alert.events.filter(kind=AlertEvent.Kind.ESCALATED)
    assert "Sam Lead" in event.note
    assert lifecycle.escalate_overdue() == []  # once


def test_an_acknowledged_alert_does_not_escalate(load: Callable[..., None], officer: Any) -> None:
    load()
    [alert] = evaluate(rules=RULE).raised
    lifecycle.acknowledge(alert, officer)
    clock.set_now(timezone.make_aware(datetime(2025, 7, 14, 8, 0)))
    assert lifecycle.escalate_overdue() == []


def test_thresholds_are_the_partnerships_data(load: Callable[..., None]) -> None:
    load(
        injuries=[
            {
                "agency": "QAV-HV",
                "id": "I1",
                "date": "2025-07-10",
                "child": "HB1",
                "kind": "bruise",
                "mobility": "not_recorded",
            },
        ]
    )
    out = io.StringIO()
    call_command(
        "rules",
        "set",
        "non-mobile-injury",
        "non_mobile_under_days",
        "30",
        "--reason",
        "local procedure",
        stdout=out,
    )
    assert "non_mobile_under_days = 30" in out.getvalue()
    assert evaluate(rules=RULE).raised == []  # 39 days old, not recorded as non-mobile
    call_command(
        "rules",
        "set",
        "non-mobile-injury",
        "non_mobile_under_days",
        "182",
        "--reason",
        "back to the default",
        stdout=out,
    )
    assert len(evaluate(rules=RULE).raised) == 1


@pytest.mark.parametrize(
    ("operands", "message"),
    [
        (["no-such-rule", "x", "1"], "no rule 'no-such-rule'"),
        (["non-mobile-injury", "colour", "1"], "has no parameter 'colour'"),
        (["non-mobile-injury", "non_mobile_under_days", "-3"], "whole number"),
        (["non-mobile-injury", "non_mobile_under_days", "soon"], "is not a value"),
        (["non-mobile-injury", "require_paediatric_assessment", "1"], "true or false"),
    ],
)
def test_bad_thresholds_are_refused(operands: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("rules", "set", *operands, "--reason", "testing", stdout=io.StringIO())


def test_facts_arriving_in_an_extract_raise_and_resolve_their_alerts(
    extract: Callable[..., Path],
) -> None:
    from seen.rules.arrivals import evaluate_batch, scope_of_batch

    first = ingest_extract(extract(**_tables()))
    baby = SourceRecord.objects.filter(local_id__in=["B1", "HB1"]).order_by("pk")
    decisions.confirm(*baby, user=None, reason="same baby at maternity and HV")
    assert SourceRecord.objects.get(local_id="HB1").pk in scope_of_batch(first.batch_id).records
    raised = evaluate_batch(first.batch_id).raised
    [alert] = [a for a in raised if a.rule_id == "non-mobile-injury"]

    second = ingest_extract(extract(**_tables(referrals=_referrals("2025-07-10"))))
    scope = scope_of_batch(second.batch_id)  # only the referrals are new
    assert scope.records == frozenset({SourceRecord.objects.get(local_id="HB1").pk})
    assert [a.pk for a in evaluate_batch(second.batch_id).resolved] == [alert.pk]


def test_seen_alerts_lists_and_filters(load: Callable[..., None]) -> None:
    import json

    from seen.access.models import Role, StaffProfile
    from seen.areas.models import Agency

    load()
    evaluate(rules=RULE)
    # the alert is the MASH team's: a MASH practitioner there answers for it (a safeguarding
    # lead answers only for what is routed or escalated to her)
    mash = get_user_model().objects.create_user("mash", password="a-long-test-password-1")
    StaffProfile.objects.create(
        user=mash, role=Role.MASH_PRACTITIONER, agency=Agency.objects.get(code="QAV-CSC")
    )
    me = ("--user", "mash", "--purpose", "safeguarding")
    out = io.StringIO()
    call_command("alerts", "--json", *me, stdout=out)
    [row] = json.loads(out.getvalue())
    assert row["rule"] == "non-mobile-injury" and row["owner"]["agency"] == "QAV-CSC"
    out = io.StringIO()
    call_command("alerts", "--agency", "QAV-HV", *me, stdout=out)
    assert out.getvalue().strip() == "no alerts"
    out = io.StringIO()
    call_command("alerts", "--overdue", "--json", *me, stdout=out)
    assert json.loads(out.getvalue()) == []  # due tonight
    with pytest.raises(CommandError, match="no rule"):
        call_command("alerts", "--rule", "nonsense", *me, stdout=io.StringIO())
    # a health visitor answers for her own alerts only; this one is the MASH's
    visitor = get_user_model().objects.create_user("hv", password="a-long-test-password-1")
    StaffProfile.objects.create(
        user=visitor, role=Role.HEALTH_VISITOR, agency=Agency.objects.get(code="QAV-HV")
    )
    out = io.StringIO()
    call_command("alerts", "--json", "--user", "hv", "--purpose", "direct_care", stdout=out)
    assert json.loads(out.getvalue()) == []
    with pytest.raises(CommandError, match="--user"):
        call_command("alerts", stdout=io.StringIO())


@pytest.mark.parametrize(
    ("value", "valid"), [("90", True), ("-1", False), ('"soon"', False), ("true", False)]
)
def test_the_admin_form_checks_a_threshold(value: str, valid: bool) -> None:
    from seen.rules.admin import RuleParameterForm

    form = RuleParameterForm(
        data={
            "rule_id": "non-mobile-injury",
            "name": "non_mobile_under_days",
            "value": value,
            "reason": "local procedure",
        }
    )
    assert form.is_valid() is valid, form.errors


def test_a_run_says_how_many_alerts_each_rule_raised_and_each_in_full_only_when_asked(
    load: Callable[..., None],
) -> None:
    load()
    out = io.StringIO()
    call_command("rules", "run", stdout=out)
    said = out.getvalue()
    alerts = list(Alert.objects.all())
    assert alerts and f"alerts raised {len(alerts)}," in said
    for rule in {a.rule_id for a in alerts}:
        count = sum(a.rule_id == rule for a in alerts)
        assert re.search(rf"^  {re.escape(rule)} +{count}$", said, re.MULTILINE), rule
    assert not any(a.explanation in said for a in alerts) and "-v 2" in said


def test_asked_for_detail_a_run_shows_each_alert_raised_in_full(
    load: Callable[..., None],
) -> None:
    load()
    out = io.StringIO()
    call_command("rules", "run", "-v", "2", stdout=out)
    alerts = list(Alert.objects.all())
    assert alerts and all(f"[{a.rule_id}] {a.explanation}" in out.getvalue() for a in alerts)
