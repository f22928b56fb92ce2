"""What the rules read: the children (born, and unborn as pregnancies), the adults around each,
and every fact about them or about those adults, from every agency and area, as of "now".

Facts name source records; a rule needs persons, so every record is read as the person linkage
put it in (a record not yet linked stands for itself). A pregnancy is held once per agency that
refers to it; the pregnancies of one mother due within POSSIBLE_SAME_PREGNANCY_DAYS of each other
are one unborn child, and once any of them has a baby, that baby is the child.

seen.rules.loading reads it: the whole partnership (for `seen rules run`), or only the families
of the given records and pregnancies (for one arriving fact, and for one child's case file), so
that a rule gives the same findings either way and a page shows what a rule reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from django.db.models import (
    Model,
)

from seen.facts.models import FACT_MODELS

POSSIBLE_SAME_PREGNANCY_DAYS = 60


def unborn_children(pregnancies: Iterable[tuple[int, date]]) -> list[list[int]]:
    """One mother's pregnancy rows (id, expected date) as the unborn children they stand for:
    in order of expected date (then id), a pregnancy due within POSSIBLE_SAME_PREGNANCY_DAYS of
    the one before it is the same child. The one rule for the rules' world and for a page's
    `U…` reference (seen.casefile.subjects)."""
    children: list[list[int]] = []
    last: date | None = None
    for pk, expected in sorted(pregnancies, key=lambda row: (row[1], row[0])):
        if last is not None and children and (expected - last).days <= POSSIBLE_SAME_PREGNANCY_DAYS:
            children[-1].append(pk)
        else:
            children.append([pk])
        last = expected
    return children


# Pairs of records in the clerical-review band at or above this probability are "possibly the
# same person" to the rules (a rule then sets its own, higher, bar).
POSSIBLE_MATCH_FLOOR = 0.5
# Fact columns that name a source record, and so a person.
PERSON_COLUMNS = ("child", "subject", "father", "perpetrator", "victim")


def fact_type(model: type[Model]) -> str:
    return model._meta.model_name or model.__name__.lower()


FACT_TYPES: dict[str, type[Model]] = {fact_type(m): m for m in FACT_MODELS}


@dataclass(frozen=True)
class AgencyInfo:
    code: str
    name: str
    kind: str
    area: str | None  # area code; None for agencies serving several areas
    duty_phone: str


@dataclass(frozen=True)
class ServiceInfo:
    """A service of the partnership's directory, as the rules need it."""

    name: str
    kind: str  # a ProgrammeEvent.Programme value
    contact_within_days: int  # the service's stated time to first contact


@dataclass(frozen=True)
class Adult:
    """An adult around a child, as one agency recorded it."""

    person: int
    kind: str  # Relationship.Kind
    agency: str
    area: str | None
    asserted_on: date | None
    start: date | None
    end: date | None


@dataclass(frozen=True)
class Duty:
    """A practitioner's responsibility for a child or pregnancy (named midwife, health visitor,
    GP, lead practitioner, key worker, social worker, personal adviser)."""

    role: str  # Responsibility.Role
    practitioner: int
    start: date
    end: date | None

    def holds_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


@dataclass
class Child:
    """A baby, or an unborn child before any agency has recorded the baby."""

    key: str  # "child:<person id>" or "pregnancy:<lowest pregnancy id>"
    person: int | None
    records: set[int] = field(default_factory=set)
    pregnancies: set[int] = field(default_factory=set)
    mother: int | None = None
    dob: date | None = None
    expected: date | None = None
    adults: list[Adult] = field(default_factory=list)
    areas: set[str] = field(default_factory=set)  # areas of the agencies that know the child
    duties: list[Duty] = field(default_factory=list)  # who is responsible for the child

    @property
    def unborn(self) -> bool:
        return self.person is None

    def age_days(self, on: date) -> int | None:
        return (on - self.dob).days if self.dob else None

    def men_around(self, on: date | None = None) -> list[Adult]:
        """Birth fathers, mothers' partners, male carers and household men, current on `on`."""
        kinds = {"birth_father", "mothers_partner", "male_carer", "household_adult"}
        return [
            a
            for a in self.adults
            if a.kind in kinds
            and a.person != self.mother
            and (
                on is None
                or ((a.start is None or a.start <= on) and (a.end is None or a.end >= on))
            )
        ]

    def fathers(self) -> list[Adult]:
        return [a for a in self.adults if a.kind == "birth_father"]


@dataclass
class Fact:
    """One fact row as a plain mapping, with its type and the persons its records stand for."""

    type: str
    id: int
    row: dict[str, Any]
    persons: dict[str, int]  # column -> person (for PERSON_COLUMNS that are set)
    child_key: str | None  # the child it is about, if any

    def __getitem__(self, name: str) -> Any:
        return self.row[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.row.get(name, default)

    @property
    def occurred_on(self) -> date:
        value: date = self.row["occurred_on"]
        return value

    @property
    def ref(self) -> tuple[str, int]:
        return (self.type, self.id)


@dataclass(frozen=True)
class IncidentClock:
    """A serious incident notification about a child, as the statutory-clock rule reads it."""

    id: int
    learned_on: date
    notified_on: date | None
    rapid_review_on: date | None


@dataclass
class World:
    today: date
    agencies: dict[int, AgencyInfo]
    person_of_record: dict[int, int]
    sex_of_person: dict[int, str]
    children: dict[str, Child]
    child_of_person: dict[int, str]
    child_of_pregnancy: dict[int, str]
    facts_by_child: dict[str, list[Fact]]
    facts_by_person: dict[int, list[Fact]]
    residence_areas: dict[int, set[str]]  # person -> areas they have lived in
    # person -> (another person, match probability): review-band pairs awaiting a decision
    possible_matches: dict[int, list[tuple[int, float]]] = field(default_factory=dict)
    # children whose whole family is loaded (a scoped World also holds possible matches' people)
    complete: frozenset[str] | None = None
    # child key -> the serious incident notifications about that (born) child
    incidents: dict[str, list[IncidentClock]] = field(default_factory=dict)
    # the partnership's directory of services, by id (the referrals' `service`)
    services: dict[int, ServiceInfo] = field(default_factory=dict)

    # ---- reading -------------------------------------------------------------------------

    def about(self, child: Child, *types: str) -> list[Fact]:
        facts = self.facts_by_child.get(child.key, [])
        return [f for f in facts if not types or f.type in types]

    def of_person(self, person: int, *types: str, column: str | None = None) -> list[Fact]:
        """Facts naming this person (in `column` only, if given)."""
        facts = self.facts_by_person.get(person, [])
        return [
            f
            for f in facts
            if (not types or f.type in types)
            and (column is None or f.persons.get(column) == person)
        ]

    def agency(self, agency_id: int) -> AgencyInfo:
        return self.agencies[agency_id]

    @cached_property
    def children_around(self) -> dict[int, list[Child]]:
        """person -> the children (born or unborn) they are recorded around, built once."""
        around: dict[int, list[Child]] = defaultdict(list)
        for child in self.children.values():
            for person in {a.person for a in child.adults}:
                around[person].append(child)
        return dict(around)


@dataclass(frozen=True)
class Scope:
    """The families to read: those of these source records and pregnancies."""

    records: frozenset[int] = frozenset()
    pregnancies: frozenset[int] = frozenset()
