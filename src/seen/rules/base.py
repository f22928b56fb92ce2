"""What a rule is: an identifier, a version, a statement, the report's finding, thresholds with
defaults, a default route, and `evaluate(world, child, params)` giving its findings.

A finding names the child, the facts and the people, and says in one sentence why. Its
`anchor` says what it is about beyond the child (an injury, a contact; "" for the child as a
whole): while the rule keeps finding it, it stays one alert, updated as facts change. Its
`stage` says how far it has worsened with time alone (a step due, then overdue): a finding at a
later stage than its closed alert is raised again."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from seen.core.procedures import PROCEDURES, Procedure
from seen.rules.world import Child, Fact, World


@dataclass(frozen=True)
class RouteSpec:
    agency_kind: str  # Agency.Kind of the owning agency
    role: str  # Practitioner.Role of the owner
    severity: str  # Severity
    deadline_hours: int


@dataclass
class Finding:
    child: Child
    explanation: str
    facts: list[Fact] = field(default_factory=list)
    people: list[tuple[int, str]] = field(default_factory=list)  # (person, role in the finding)
    anchor: str = ""
    stage: int = 0  # 0: first found; higher: worse with the same facts (a due step now overdue)
    # a practitioner the finding is for, over the route's owner (who made a referral), and why
    owner: tuple[int, str] | None = None

    @property
    def key(self) -> str:
        return f"{self.child.key}|{self.anchor}" if self.anchor else self.child.key

    @property
    def fact_refs(self) -> list[list[Any]]:
        return sorted([list(f.ref) for f in self.facts])


class Rule:
    id: ClassVar[str]  # the procedure's identifier (seen.core.procedures)
    version: ClassVar[int] = 1
    defaults: ClassVar[Mapping[str, Any]] = {}
    parameter_help: ClassVar[Mapping[str, str]] = {}
    route: ClassVar[RouteSpec]
    # rules whose findings change with the passing of time alone run on `seen rules tick`
    time_dependent: ClassVar[bool] = False

    @property
    def procedure(self) -> Procedure:
        return next(p for p in PROCEDURES if p.id == self.id)

    @property
    def statement(self) -> str:
        return self.procedure.statement

    @property
    def finding(self) -> str:
        return self.procedure.finding

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        raise NotImplementedError


def describe_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def agency_name(world: World, fact: Fact) -> str:
    return world.agency(fact["agency"]).name
