"""Run rules over the world and keep alerts in step with their findings.

A finding the rule keeps making stays one alert (updated if its facts change). A finding that
no longer holds closes its alert as resolved by new facts. A finding already answered and closed
with the same facts is not raised again unless it has worsened since (a later `stage`: the step
that was due is now overdue); with new facts it is raised afresh."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from seen.core import clock
from seen.core.progress import ProgressCallback
from seen.people.models import Person, Pregnancy
from seen.rules.base import Finding, Rule
from seen.rules.loading import load_world
from seen.rules.models import Alert, AlertEvent, RuleParameter
from seen.rules.parameters import parameters_for
from seen.rules.registry import RULES
from seen.rules.routing import deadline, named_owner, owner_for, route_for
from seen.rules.world import Scope, World

SEEN = "Seen"


@dataclass
class Outcome:
    raised: list[Alert] = field(default_factory=list)
    updated: list[Alert] = field(default_factory=list)
    resolved: list[Alert] = field(default_factory=list)
    children: int = 0


def findings(
    world: World,
    rule: Rule,
    child_keys: Iterable[str] | None = None,
    settings: list[RuleParameter] | None = None,
) -> list[Finding]:
    params = parameters_for(rule, settings)
    keys = world.children.keys() if child_keys is None else child_keys
    found: list[Finding] = []
    for key in sorted(keys):
        child = world.children.get(key)
        if child is not None:
            found.extend(rule.evaluate(world, child, params))
    return found


def evaluate(
    *,
    scope: Scope | None = None,
    rules: Sequence[Rule] = RULES,
    progress: ProgressCallback | None = None,
) -> Outcome:
    """Evaluate the rules over the partnership (or the families in `scope`) at clock.now()."""
    now = clock.now()
    world = load_world(clock.today(), scope)
    # a scoped World also holds people outside the families (possible matches): only the
    # children whose whole family it read are evaluated and reconciled
    in_scope = None if scope is None else set(world.complete or ())
    outcome = Outcome(children=len(world.children if in_scope is None else in_scope))
    held = Held.load(in_scope)
    settings = list(RuleParameter.objects.all())
    for done, rule in enumerate(rules):
        if progress:
            progress(f"rules: {rule.id}", done, len(rules))
        found = findings(world, rule, in_scope, settings)
        reconcile(rule, found, world, held=held, now=now, outcome=outcome)
    if progress:
        progress("rules: done", len(rules), len(rules))
    return outcome


# the fact sets of a finding's closed alerts, each with the latest stage it was closed at
FactSets = dict[tuple[tuple[object, ...], ...], int]


@dataclass
class Held:
    """The alerts already held for the children evaluated, read once for every rule: the open
    ones, and the fact sets and stages of the closed ones (not raised again for the same facts
    unless worse)."""

    open: dict[str, dict[str, Alert]]  # rule -> key -> open alert
    closed: dict[str, dict[str, FactSets]]  # rule -> key -> fact sets of closed alerts

    @classmethod
    def load(cls, in_scope: set[str] | None) -> Held:
        alerts = Alert.objects.all()
        if in_scope is not None:
            alerts = alerts.filter(child_key__in=in_scope)
        held = cls(defaultdict(dict), defaultdict(dict))
        for alert in alerts.exclude(status=Alert.Status.CLOSED):
            held.open[alert.rule_id][alert.key] = alert
        closed = alerts.filter(status=Alert.Status.CLOSED).values_list(
            "rule_id", "key", "facts", "stage"
        )
        for rule_id, key, facts, stage in closed:
            stages = held.closed[rule_id].setdefault(key, {})
            stages[_as_tuple(facts)] = max(stage, stages.get(_as_tuple(facts), stage))
        return held


def reconcile(
    rule: Rule,
    found: list[Finding],
    world: World,
    *,
    held: Held,
    now: datetime,
    outcome: Outcome,
) -> None:
    current = dict(held.open.get(rule.id, {}))
    by_key: dict[str, Finding] = {}
    for finding in found:  # a rule's findings with one key are one alert
        by_key.setdefault(finding.key, finding)
    closed_facts = held.closed.get(rule.id, {})
    with transaction.atomic():
        for key, finding in by_key.items():
            alert = current.pop(key, None)
            if alert is not None:
                if _update(alert, finding, now):
                    outcome.updated.append(alert)
            elif _worse_than_closed(finding, closed_facts.get(key, {})):
                outcome.raised.append(_raise(rule, finding, world, now))
        for alert in current.values():  # no longer found: new facts resolved it
            alert.status = Alert.Status.CLOSED
            alert.closed_at = now
            alert.outcome = "resolved by new facts"
            alert.save(update_fields=["status", "closed_at", "outcome"])
            AlertEvent.objects.create(
                alert=alert,
                kind=AlertEvent.Kind.RESOLVED,
                at=now,
                by=SEEN,
                note="the facts no longer meet the rule",
            )
            outcome.resolved.append(alert)


def _worse_than_closed(finding: Finding, closed: FactSets) -> bool:
    """Whether a finding with no open alert is raised: never closed with these facts, or closed
    at an earlier stage than it has reached now."""
    stage = closed.get(_as_tuple(finding.fact_refs))
    return stage is None or finding.stage > stage


def _as_tuple(refs: list[list[object]]) -> tuple[tuple[object, ...], ...]:
    return tuple(tuple(r) for r in refs)


def _raise(rule: Rule, finding: Finding, world: World, now: datetime) -> Alert:
    route = route_for(rule)
    owner = (
        named_owner(*finding.owner)
        if finding.owner
        else owner_for(finding.child, route, world.today)
    )
    child = finding.child
    alert = Alert.objects.create(
        rule_id=rule.id,
        rule_version=rule.version,
        key=finding.key,
        child_key=child.key,
        child_id=child.person
        if child.person and child.person > 0 and _exists(Person, child.person)
        else None,
        pregnancy_id=min(child.pregnancies) if child.unborn and child.pregnancies else None,
        facts=finding.fact_refs,
        people=[[p, role] for p, role in finding.people],
        explanation=finding.explanation,
        stage=finding.stage,
        severity=route.severity,
        raised_at=now,
        deadline=deadline(now, route),
        owner_agency_id=owner.agency_id,
        owner_role=owner.role,
        owner_practitioner_id=owner.practitioner_id,
        routed_because=owner.because,
    )
    AlertEvent.objects.create(
        alert=alert, kind=AlertEvent.Kind.RAISED, at=now, by=SEEN, note=finding.explanation
    )
    return alert


def _exists(model: type[Person] | type[Pregnancy], pk: int) -> bool:
    return model.objects.filter(pk=pk).exists()


def _update(alert: Alert, finding: Finding, now: datetime) -> bool:
    facts = finding.fact_refs
    people = [[p, role] for p, role in finding.people]
    same = (alert.facts, alert.explanation, alert.people, alert.stage)
    if same == (facts, finding.explanation, people, finding.stage):
        return False
    alert.facts, alert.people, alert.explanation = facts, people, finding.explanation
    alert.stage = finding.stage
    alert.save(update_fields=["facts", "people", "explanation", "stage"])
    AlertEvent.objects.create(
        alert=alert, kind=AlertEvent.Kind.UPDATED, at=now, by=SEEN, note=finding.explanation
    )
    return True
