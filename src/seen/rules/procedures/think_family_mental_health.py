"""A father (or male carer, or the mother's partner) with known mental-health needs or adverse
childhood experiences, and a new baby or a pregnancy: a think-family prompt to adult mental
health and the health visitor.

His mental-health history is read from every agency that holds it (adult mental health in any
area), through the person linkage. One alert per man and child; it stops applying when the baby
is a year old or the man is no longer around the child."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from seen.rules.base import Finding, RouteSpec, Rule, agency_name, describe_date
from seen.rules.world import Child, Fact, World

ROLE_NAMES = {
    "birth_father": "father",
    "mothers_partner": "mother's partner",
    "male_carer": "male carer",
    "household_adult": "household adult",
}
PREGNANCY_DAYS = 280
ACES = "adverse_childhood_experiences"


class ThinkFamilyMentalHealth(Rule):
    id = "think-family-mental-health"
    version = 1
    defaults = {
        "baby_under_days": 365,
        "include_pregnancy": True,
        "men": ["birth_father", "mothers_partner", "male_carer"],
        "needs": ["diagnosis", "episode", "crisis"],
        "current_needs_only": True,
        "adverse_childhood_experiences": True,
    }
    parameter_help = {
        "baby_under_days": "a baby younger than this (days) is a new baby (one year)",
        "include_pregnancy": "a pregnancy counts as a new baby on the way",
        "men": "the relationships to the child that make a man's mental health a family matter",
        "needs": "mental-health records that show known needs",
        "current_needs_only": "only needs recorded as current count",
        "adverse_childhood_experiences": "adverse childhood experiences recorded by adult "
        "mental health count, current or not",
    }
    route = RouteSpec("health_visiting", "health_visitor", "medium", 120)
    time_dependent = True  # a baby stops being new; a pregnancy begins

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        today = world.today
        when = _new_baby(child, today, params)
        if when is None:
            return []
        found = []
        men = sorted(
            {
                (a.person, a.kind)
                for a in child.men_around(today)
                if a.kind in params["men"] and world.sex_of_person.get(a.person) != "female"
            }
        )
        done: set[int] = set()
        for man, kind in men:
            if man in done:
                continue
            done.add(man)
            records = world.of_person(man, "mentalhealth", column="subject")
            relevant = [f for f in records if f.occurred_on <= today and _counts(f, params)]
            if not relevant:
                continue
            kinds = {k for p, k in men if p == man}
            role = next(
                (
                    ROLE_NAMES[k]
                    for k in ("birth_father", "male_carer", "mothers_partner")
                    if k in kinds
                ),
                ROLE_NAMES.get(kind, "man around the child"),
            )
            services = sorted({agency_name(world, f) for f in relevant})
            baby = "unborn baby" if child.unborn else "baby"
            text = (
                f"The {baby}'s {role} is known to {_join(services)} "
                f"({_join([_describe(f) for f in relevant])}) and {when}: think family, the "
                "health visitor and adult mental health should share what they know and plan "
                "support for him as a new parent."
            )
            people = [(man, role)]
            if child.person:
                people.append((child.person, "child"))
            found.append(Finding(child, text, facts=relevant, people=people, anchor=f"man:{man}"))
        return found


def _new_baby(child: Child, today: date, params: Mapping[str, Any]) -> str | None:
    """How the child is new (born on..., due on...), or None if it is not."""
    if not child.unborn:
        born = child.dob or child.expected
        if born is None or born > today:
            return None
        if (today - born).days >= params["baby_under_days"]:
            return None
        return f"the baby was born on {describe_date(born)}"
    if not params["include_pregnancy"] or child.expected is None:
        return None
    begun = child.expected - timedelta(days=PREGNANCY_DAYS)
    # a pregnancy well past its date with no baby recorded is not treated as ongoing
    if not (begun <= today <= child.expected + timedelta(days=42)):
        return None
    return f"a baby is due on {describe_date(child.expected)}"


def _counts(fact: Fact, params: Mapping[str, Any]) -> bool:
    if fact["kind"] == ACES:
        return bool(params["adverse_childhood_experiences"])
    if fact["kind"] not in params["needs"]:
        return False
    return fact.get("current") == "yes" or not params["current_needs_only"]


def _describe(fact: Fact) -> str:
    if fact["kind"] == ACES:
        return f"adverse childhood experiences recorded on {describe_date(fact.occurred_on)}"
    current = "a current " if fact.get("current") == "yes" else "a past "
    what = f"{current}{fact['kind']}"
    description = (fact.get("description") or "").strip()
    if description:
        if description[1:2].islower():  # "Depression" reads "of depression"; "PTSD" stays
            description = description[0].lower() + description[1:]
        what += f" of {description}"
    return f"{what} recorded on {describe_date(fact.occurred_on)}"


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
