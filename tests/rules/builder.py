"""Worlds built in memory for rule unit tests: a rule is a function of the world, so its cases
(must fire, near misses) are written as the facts themselves, without a database.

    w = WorldBuilder(today=date(2026, 3, 1))
    baby = w.child(dob=date(2026, 1, 10))           # a Child with a mother; baby.person set
    w.fact("injury", child=baby, occurred_on=..., kind="bruise", mobility="non_mobile")
    world = w.build()
    explanations(RULE, w, days=3)                   # the rule on every child, a threshold changed

Fact columns are the model's (seen.facts.models); a record column (child, subject, father,
perpetrator, victim) takes a person id or a Child (its person). `agency` defaults to a
health-visiting agency in area "QAV"; w.agency(kind) adds others."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from itertools import count
from typing import Any

from seen.rules.base import Finding, Rule
from seen.rules.world import PERSON_COLUMNS, Adult, AgencyInfo, Child, Fact, World


class WorldBuilder:
    def __init__(self, today: date) -> None:
        self.today = today
        self._ids = count(1)
        self.agencies: dict[int, AgencyInfo] = {}
        self.children: dict[str, Child] = {}
        self.facts: list[Fact] = []
        self.sex: dict[int, str] = {}
        self.residence_areas: dict[int, set[str]] = defaultdict(set)
        self.default_agency = self.agency("health_visiting")

    def agency(self, kind: str, area: str | None = "QAV", name: str | None = None) -> int:
        pk = len(self.agencies) + 1
        code = f"{(area or 'ALL')}-{kind.upper()}-{pk}"
        self.agencies[pk] = AgencyInfo(
            code, name or f"{kind.replace('_', ' ')} {pk}", kind, area, ""
        )
        return pk

    def person(self, sex: str = "male", *, areas: tuple[str, ...] = ()) -> int:
        pk = next(self._ids)
        self.sex[pk] = sex
        self.residence_areas[pk].update(areas)
        return pk

    def child(
        self,
        *,
        dob: date | None = None,
        expected: date | None = None,
        mother: int | None = None,
        area: str = "QAV",
    ) -> Child:
        """A baby (dob given) or an unborn child (expected date only), with a mother."""
        mother = mother if mother is not None else self.person("female")
        if dob is not None:
            pk = self.person("female")
            child = Child(key=f"child:{pk}", person=pk, dob=dob, expected=expected)
            child.records.add(pk)
        else:
            pregnancy = next(self._ids)
            child = Child(key=f"pregnancy:{pregnancy}", person=None, expected=expected)
            child.pregnancies.add(pregnancy)
        if dob is not None and expected is not None:
            child.pregnancies.add(next(self._ids))
        child.mother = mother
        child.areas.add(area)
        child.adults.append(Adult(mother, "birth_mother", "", area, None, None, None))
        self.children[child.key] = child
        return child

    def adult(
        self,
        child: Child,
        kind: str = "birth_father",
        *,
        person: int | None = None,
        start: date | None = None,
        end: date | None = None,
        area: str | None = "QAV",
        sex: str = "male",
    ) -> int:
        person = person if person is not None else self.person(sex)
        child.adults.append(Adult(person, kind, "", area, None, start, end))
        return person

    def fact(self, type: str, *, child: Child | None = None, **columns: Any) -> Fact:
        pk = next(self._ids)
        row: dict[str, Any] = {"id": pk, "agency": self.default_agency, **columns}
        persons: dict[str, int] = {}
        child_key = None
        if child is not None:
            if child.unborn:
                row["pregnancy"] = min(child.pregnancies)
            else:
                row["child"] = child
            child_key = child.key
        for column in PERSON_COLUMNS:
            value = row.get(column)
            if isinstance(value, Child):
                value = value.person
                row[column] = value
            if value is not None:
                persons[column] = value
        if child_key is None and persons.get("subject"):
            child_key = next(
                (c.key for c in self.children.values() if c.person == persons["subject"]), None
            )
        fact = Fact(type, pk, row, persons, child_key)
        self.facts.append(fact)
        return fact

    def build(self) -> World:
        by_child: dict[str, list[Fact]] = defaultdict(list)
        by_person: dict[int, list[Fact]] = defaultdict(list)
        for fact in sorted(self.facts, key=lambda f: (f.occurred_on, f.type, f.id)):
            if fact.child_key:
                by_child[fact.child_key].append(fact)
            for person in set(fact.persons.values()):
                by_person[person].append(fact)
        return World(
            today=self.today,
            agencies=self.agencies,
            person_of_record={},
            sex_of_person=self.sex,
            children=self.children,
            child_of_person={c.person: k for k, c in self.children.items() if c.person},
            child_of_pregnancy={p: k for k, c in self.children.items() for p in c.pregnancies},
            facts_by_child=dict(by_child),
            facts_by_person=dict(by_person),
            residence_areas=dict(self.residence_areas),
        )


def findings(rule: Rule, w: WorldBuilder, **params: object) -> list[Finding]:
    """The rule evaluated on every child of the built world, its defaults changed by params."""
    world = w.build()
    values = {**rule.defaults, **params}
    return [f for c in world.children.values() for f in rule.evaluate(world, c, values)]


def explanations(rule: Rule, w: WorldBuilder, **params: object) -> list[str]:
    """What each finding says (findings)."""
    return [f.explanation for f in findings(rule, w, **params)]


def anchored(rule: Rule, w: WorldBuilder, **params: object) -> list[tuple[str, str]]:
    """Each finding's anchor (the fact it rests on) and what it says (findings)."""
    return [(f.anchor, f.explanation) for f in findings(rule, w, **params)]
