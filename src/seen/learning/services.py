"""The learning dashboard's services, for every face: the measures from the database, and the
statements strategic leaders record. Each checks the one access decision; the faces audit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from seen.access.policy import Action, decide, profile_of
from seen.areas.models import Area
from seen.core import clock, errors
from seen.learning.measures import MEASURES_BY_SLUG, Count, Placement, parse_quarter, tally
from seen.learning.models import LeadershipStatement
from seen.learning.quarters import Coverage, last_day
from seen.rules.loading import load_world
from seen.rules.models import Alert, AlertEvent
from seen.rules.parameters import parameters_for
from seen.rules.procedures.non_mobile_injury import NonMobileInjury
from seen.rules.procedures.was_not_brought import WasNotBrought

STATEMENT_MAX = 2000
ANSWERS = (
    AlertEvent.Kind.ACKNOWLEDGED,
    AlertEvent.Kind.ACTION,
    AlertEvent.Kind.ESCALATED,
    AlertEvent.Kind.CLOSED,
)


class Refused(errors.Refused):
    """The policy refused; the message is its reason."""


class BadStatement(errors.Invalid):
    """A statement that cannot be recorded: `errors` maps each field to what is wrong."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Measured:
    counts: list[Count]  # every measure's, per area and quarter
    coverage: Coverage  # the days the data covers


def measured() -> Measured:
    """Every measure's counts per area and quarter, from the whole partnership as of now, and
    the days the data covers (seen.learning.quarters)."""
    today = clock.today()
    world = load_world(today)
    alerts = _alert_rows()
    counted = tally(
        world,
        Placement.from_database(world),
        alerts=alerts,
        parameters={rule.id: parameters_for(rule) for rule in (WasNotBrought(), NonMobileInjury())},
        now=clock.now(),
    )
    return Measured(counted.counts, Coverage(counted.first_day, last_day(world, alerts), today))


def _alert_rows() -> list[dict[str, Any]]:
    answered: dict[int, Any] = {}
    resolved: set[int] = set()
    events = AlertEvent.objects.order_by("at", "pk").values_list("alert_id", "kind", "at", "user")
    for alert, kind, at, user in events:
        if kind in ANSWERS and user is not None:
            answered.setdefault(alert, at)
        elif kind == AlertEvent.Kind.RESOLVED and alert not in answered:
            resolved.add(alert)
    rows = Alert.objects.values("pk", "child_key", "raised_at", "deadline", "escalated_at")
    return [
        {
            **row,
            "answered_at": answered.get(row["pk"]),
            "resolved_unanswered": row["pk"] in resolved and row["pk"] not in answered,
        }
        for row in rows
    ]


def areas() -> dict[str, str]:
    """Area code -> name, in name order."""
    return dict(Area.objects.order_by("name").values_list("code", "name"))


@dataclass(frozen=True)
class StatementIn:
    measure: str
    area: str  # code, or "" for the partnership
    period: str  # a quarter, or "" for any
    statement: str


def record_statement(
    user: AbstractBaseUser | AnonymousUser, purpose: str, given: StatementIn
) -> LeadershipStatement:
    """Record what a leader says is happening: allowed by the policy (STATE_PARTNERSHIP_VIEW),
    checked field by field (BadStatement names each), written with who and when."""
    decision = decide(user, Action.STATE_PARTNERSHIP_VIEW, purpose)
    if not decision.allowed:
        raise Refused(decision.reason)
    errors: dict[str, str] = {}
    if given.measure not in MEASURES_BY_SLUG:
        errors["measure"] = "Select the measure the statement is about"
    area = None
    if given.area:
        area = Area.objects.filter(code=given.area).first()
        if area is None:
            errors["area"] = "Select an area from the list, or the whole partnership"
    period = ""
    if given.period.strip():
        period = parse_quarter(given.period) or ""
        if not period:
            errors["period"] = "Enter the quarter as a year and quarter, like 2025-Q3"
    text = given.statement.strip()
    if not text:
        errors["statement"] = "Enter what you believe is happening"
    elif len(text) > STATEMENT_MAX:
        errors["statement"] = f"Statement must be {STATEMENT_MAX} characters or fewer"
    elif "\x00" in text:
        errors["statement"] = "Statement must not contain a NUL character"
    if errors:
        raise BadStatement(errors)
    profile = profile_of(user)
    assert profile is not None  # the policy allowed it, so there is a profile
    name = user.get_full_name() or user.get_username()  # type: ignore[union-attr]
    return LeadershipStatement.objects.create(
        measure=given.measure,
        area=area,
        period=period,
        statement=text,
        recorded_by=user,  # type: ignore[misc]  # signed in: the policy allowed it
        recorded_by_name=name,
        role=profile.get_role_display(),
        recorded_at=clock.now(),
    )


def latest_statement(
    measure: str, area: str | None, start: str | None, end: str | None
) -> LeadershipStatement | None:
    """The newest statement about the measure for the area (the partnership's when no area is
    chosen) whose quarter lies in the range, or that names no quarter."""
    found = LeadershipStatement.objects.filter(measure=measure).select_related("area")
    found = found.filter(area__code=area) if area else found.filter(area__isnull=True)
    for statement in found:
        p = statement.period
        if not p or ((start is None or p >= start) and (end is None or p <= end)):
            return statement
    return None


def statements_for(measure: str) -> list[LeadershipStatement]:
    return list(LeadershipStatement.objects.filter(measure=measure).select_related("area")[:200])
